"""The one settings object: read from SANPALANG_* variables, refusing what it cannot use."""

import re
from pathlib import Path

import pytest

from runtime.settings import SETTINGS_DOC, Settings, SettingsError


class TestSettingsFromEnvironment:
    def test_defaults_run_a_local_broker_on_9092(self):
        settings = Settings.from_env({})
        assert (settings.kafka_host, settings.kafka_port, settings.is_external) == ("127.0.0.1", 9092, False)

    def test_a_bootstrap_variable_points_at_an_existing_cluster(self):
        settings = Settings.from_env({"SANPALANG_KAFKA_BOOTSTRAP": "k1:9093,k2:9093",
                                      "SANPALANG_KAFKA_USERNAME": "hub", "SANPALANG_KAFKA_PASSWORD": "s"})
        assert settings.is_external and settings.security_protocol == "SASL_PLAINTEXT"

    def test_the_access_log_is_off_unless_set_to_1_and_refuses_anything_else(self):
        assert not Settings.from_env({}).kafka_access_log
        assert Settings.from_env({"SANPALANG_KAFKA_ACCESS_LOG": "1"}).kafka_access_log
        with pytest.raises(SettingsError, match="SANPALANG_KAFKA_ACCESS_LOG"):
            Settings.from_env({"SANPALANG_KAFKA_ACCESS_LOG": "yes"})

    def test_refuses_a_misspelt_variable_by_name(self):
        with pytest.raises(SettingsError, match="SANPALANG_KAFKA_BOOTSTRAPS"):
            Settings.from_env({"SANPALANG_KAFKA_BOOTSTRAPS": "x:1"})

    def test_refuses_a_port_that_is_not_a_port(self):
        with pytest.raises(SettingsError, match="not a TCP port"):
            Settings.from_env({"SANPALANG_KAFKA_PORT": "90921"})

    def test_refuses_sasl_without_credentials(self):
        with pytest.raises(SettingsError, match="needs SANPALANG_KAFKA_USERNAME"):
            Settings.from_env({"SANPALANG_KAFKA_SECURITY_PROTOCOL": "SASL_SSL"})

    def test_commands_stop_within_ten_seconds_unless_told_otherwise(self):
        assert Settings.from_env({}).stop_timeout_s == 10.0
        assert Settings.from_env({"SANPALANG_STOP_TIMEOUT": "2.5"}).stop_timeout_s == 2.5

    @pytest.mark.parametrize("value", ["soon", "0", "-3", "601"])
    def test_refuses_a_stop_timeout_that_is_not_a_bound(self, value):
        with pytest.raises(SettingsError, match="SANPALANG_STOP_TIMEOUT"):
            Settings.from_env({"SANPALANG_STOP_TIMEOUT": value})

    def test_keeps_state_and_jars_under_the_given_folders(self, tmp_path):
        settings = Settings.from_env({"SANPALANG_HOME": str(tmp_path / "h"), "SANPALANG_CACHE": str(tmp_path / "c")})
        assert settings.kafka_dir == tmp_path / "h" / "kafka"
        assert settings.kafka_libs == tmp_path / "c" / "kafka" / settings.kafka_version / "libs"
        assert settings.db_url == f"sqlite:///{tmp_path / 'h' / 'hub.db'}"


class TestSettingsDocumentation:
    def test_the_readme_documents_every_setting(self):
        readme = (Path(__file__).parents[3] / "README.md").read_text()
        documented = set(re.findall(r"`(SANPALANG_[A-Z_]+)`", readme))
        assert {name for name, _, _ in SETTINGS_DOC} <= documented
