"""`sanpalang simulate` presents a token it was given (a file, or the value); the hub has none to lend it."""

import pytest

from simulator.command import _token


class TestTheSimulatorsToken:
    def test_reads_the_token_from_its_file(self, tmp_path):
        path = tmp_path / "police.token"
        path.write_text("the-token\n")
        assert _token("http://127.0.0.1:8081", None, path, "police") == "the-token"

    def test_an_intake_without_a_token_is_refused_by_name(self):
        with pytest.raises(SystemExit, match="--police-token-file"):
            _token("http://127.0.0.1:8081", None, None, "police")

    def test_no_intake_needs_no_token(self):
        assert _token(None, None, None, "social") is None
