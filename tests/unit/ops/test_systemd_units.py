"""The systemd units of ops/systemd say what the hub relies on: restarted on failure, a stop
timeout above the process's own bound (SANPALANG_STOP_TIMEOUT), that bound's exit code a success,
the settings from one environment file, and the hardening every unit shares. (systemd-analyze
checks their syntax: tests/integration/ops/test_systemd_units.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from runtime.settings import Settings
from runtime.stopping import EXIT_ABANDONED

UNITS = Path(__file__).parents[3] / "ops" / "systemd"
SERVICES = sorted(UNITS.glob("*.service"))
HUB = [p for p in SERVICES if "kafka" not in p.name]
HARDENING = {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
             "PrivateDevices": "yes", "UMask": "0077", "RestrictSUIDSGID": "yes", "CapabilityBoundingSet": "",
             "ReadWritePaths": "/var/lib/sanpalang", "User": "sanpalang"}


def _service(path: Path) -> dict[str, list[str]]:
    """The [Service] section's options (a key may repeat), continuation lines joined."""
    options: dict[str, list[str]] = {}
    section, text = None, path.read_text().replace("\\\n", " ")
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and line and not line.startswith("#"):
            key, _, value = line.partition("=")
            options.setdefault(key, []).append(value)
    return options


def _seconds(value: str) -> float:
    return float(value.removesuffix("s"))


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
class TestEveryService:
    def test_is_restarted_on_failure_with_the_settings_file_and_hardened(self, path):
        options = _service(path)
        assert options["Restart"] == ["on-failure"]
        assert "/etc/sanpalang/sanpalang.env" in options["EnvironmentFile"]
        assert {key: options.get(key, [None])[0] for key in HARDENING} == HARDENING


@pytest.mark.parametrize("path", HUB, ids=lambda p: p.name)
class TestEveryHubProcess:
    def test_has_a_stop_timeout_above_its_own_bound_and_a_stop_at_the_bound_is_a_success(self, path):
        options = _service(path)
        assert _seconds(options["TimeoutStopSec"][0]) > Settings().stop_timeout_s
        assert options["SuccessExitStatus"] == [str(EXIT_ABANDONED)]
        assert options["KillMode"] == ["mixed"]          # the process stops its own children
