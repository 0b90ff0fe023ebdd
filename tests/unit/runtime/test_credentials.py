"""One secret file per principal, 0600 in a 0700 folder; the old shared file is emptied as secrets move."""

import json
import stat

import pytest

from runtime.credentials import principal_password, secret_path
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
        token = principal_password(settings, "http:police")
        assert secret_path(settings, "http:police").name == "http-police" and token

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
