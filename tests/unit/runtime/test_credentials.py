"""One secret file per principal, 0600 in a 0700 folder; the old shared file is emptied as secrets move;
intake tokens are kept only as digests."""

import json
import stat

import pytest

from runtime.credentials import (intake_token_digest, issue_intake_token, principal_password, secret_path, token_digest,
                             token_matches)
from runtime.settings import Settings


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


class TestOneSecretPerFile:
    def test_each_principal_has_its_own_file_readable_by_the_user_only(self, tmp_path):
        settings = Settings(home=tmp_path)
        hub, police = principal_password(settings, "hub"), principal_password(settings, "police")
        assert hub != police and principal_password(settings, "hub") == hub
        assert secret_path(settings, "hub").read_text().strip() == hub
        assert police not in secret_path(settings, "hub").read_text()
        assert mode(secret_path(settings, "hub")) == 0o600 and mode(secret_path(settings, "hub").parent) == 0o700

    def test_an_intake_token_gets_a_file_of_its_own(self, tmp_path):
        settings = Settings(home=tmp_path)
        issue_intake_token(settings, "police")
        assert secret_path(settings, "http:police").name == "http-police"
        assert mode(secret_path(settings, "http:police")) == 0o600

    def test_a_secret_of_the_old_shared_file_moves_and_leaves_it(self, tmp_path):
        settings = Settings(home=tmp_path)
        legacy = tmp_path / "credentials.json"
        legacy.write_text(json.dumps({"hub": "old-hub-password", "police": "old-police-password"}))
        assert principal_password(settings, "hub") == "old-hub-password"
        assert json.loads(legacy.read_text()) == {"police": "old-police-password"}
        assert principal_password(settings, "police") == "old-police-password"
        assert not legacy.exists()

    def test_a_name_that_is_not_a_principal_is_refused(self, tmp_path):
        with pytest.raises(ValueError):
            secret_path(Settings(home=tmp_path), "../../etc/passwd")


class TestIntakeTokensAreKeptHashed:
    def test_the_issued_token_is_nowhere_in_the_credentials_folder_only_its_digest(self, tmp_path):
        settings = Settings(home=tmp_path)
        token = issue_intake_token(settings, "police")
        stored = [p.read_text() for p in secret_path(settings, "http:police").parent.iterdir()]
        assert not any(token in text for text in stored)
        assert intake_token_digest(settings, "police") == token_digest(token)
        assert token_matches(token, intake_token_digest(settings, "police"))

    def test_a_new_token_replaces_the_previous_one(self, tmp_path):
        settings = Settings(home=tmp_path)
        first, second = issue_intake_token(settings, "police"), issue_intake_token(settings, "police")
        digest = intake_token_digest(settings, "police")
        assert first != second and token_matches(second, digest) and not token_matches(first, digest)

    def test_a_wrong_or_empty_token_does_not_match(self, tmp_path):
        settings = Settings(home=tmp_path)
        digest = intake_token_digest(settings, "police") or token_digest(issue_intake_token(settings, "police"))
        assert not token_matches("guess", digest) and not token_matches("", digest)
        assert not token_matches(digest, digest), "the digest itself is no token"

    def test_an_agency_without_a_token_has_no_digest(self, tmp_path):
        assert intake_token_digest(Settings(home=tmp_path), "labour") is None

    def test_a_clear_token_of_an_earlier_version_is_replaced_by_its_digest_and_still_lets_its_sender_in(self, tmp_path):
        settings = Settings(home=tmp_path)
        path = secret_path(settings, "http:police")
        path.parent.mkdir(mode=0o700)
        path.write_text("an-old-clear-token\n")
        digest = intake_token_digest(settings, "police")
        assert token_matches("an-old-clear-token", digest)
        assert "an-old-clear-token" not in path.read_text() and mode(path) == 0o600

    def test_a_clear_token_of_the_old_shared_file_leaves_it_as_a_digest(self, tmp_path):
        settings = Settings(home=tmp_path)
        legacy = tmp_path / "credentials.json"
        legacy.write_text(json.dumps({"http:social": "old-social-token", "hub": "old-hub-password"}))
        assert token_matches("old-social-token", intake_token_digest(settings, "social"))
        assert json.loads(legacy.read_text()) == {"hub": "old-hub-password"}
        assert "old-social-token" not in secret_path(settings, "http:social").read_text()

    def test_an_intake_token_cannot_be_read_back_as_a_password(self, tmp_path):
        with pytest.raises(ValueError):
            principal_password(Settings(home=tmp_path), "http:police")


class TestAnIntakeWithoutAToken:
    def test_a_connector_serving_http_refuses_to_start_until_a_token_is_issued(self, tmp_path):
        from connectors.runner import NoIntakeToken, intake_digests
        settings = Settings(home=tmp_path)
        issue_intake_token(settings, "labour")
        with pytest.raises(NoIntakeToken, match="--new-token"):
            intake_digests(settings, "police")
        token = issue_intake_token(settings, "police")
        assert set(intake_digests(settings, "police")) == {"labour", "police"}
        assert token_matches(token, intake_digests(settings, "police")["police"])
