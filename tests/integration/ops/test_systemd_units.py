"""ops/systemd checked by systemd's own `systemd-analyze verify` (Debian `systemd`): every unit
parses with no warning, its executables exist, the instances of the templates resolve - and a
broken unit is caught, so that the check is known to check something.

The units run the hub from /opt/sanpalang/.venv; here that path is replaced by this checkout's
virtualenv, the one thing `verify` needs to find on this machine (with /usr/bin/java)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.ops.alertmanager_process import require_binary
from tests.missing import missing

UNITS = Path(__file__).parents[3] / "ops" / "systemd"
INSTALLED = "/opt/sanpalang/.venv/bin/sanpalang"
INSTANCES = ("sanpalang.target", "sanpalang-kafka@1.service", "sanpalang-connector@police.service",
             "sanpalang-worker.service", "sanpalang-console.service")


@pytest.fixture(scope="module")
def systemd_analyze() -> str:
    return require_binary("systemd-analyze", "systemd")


@pytest.fixture
def units(tmp_path) -> Path:
    """The units, running this checkout's `sanpalang`."""
    sanpalang = Path(sys.executable).parent / "sanpalang"
    if not sanpalang.exists():
        missing(f"{sanpalang} not found: run `make install`")
    if not Path("/usr/bin/java").exists():
        missing("/usr/bin/java not found: sudo apt-get install -y openjdk-17-jre-headless")
    for unit in UNITS.glob("sanpalang*"):
        (tmp_path / unit.name).write_text(unit.read_text().replace(INSTALLED, str(sanpalang)))
    return tmp_path


def _verify(systemd_analyze: str, units: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([systemd_analyze, "verify", "--man=no", *(str(units / name) for name in INSTANCES)],
                          capture_output=True, text=True, timeout=120)


class TestSystemdAnalyzeVerify:
    def test_every_unit_and_template_instance_verifies_without_a_warning(self, systemd_analyze, units):
        assert {p.name for p in UNITS.glob("*.service")} | {"sanpalang.target"} == \
            {n.replace("@1.", "@.").replace("@police.", "@.") for n in INSTANCES}
        result = _verify(systemd_analyze, units)
        assert (result.returncode, result.stdout + result.stderr) == (0, "")

    def test_a_misspelt_option_is_reported(self, systemd_analyze, units):
        worker = units / "sanpalang-worker.service"
        worker.write_text(worker.read_text().replace("Restart=on-failure", "Restart=on-failures"))
        result = _verify(systemd_analyze, units)
        assert "on-failures" in result.stdout + result.stderr     # a warning: the first test's "no output" catches it

    def test_a_missing_executable_fails(self, systemd_analyze, units):
        console = units / "sanpalang-console.service"
        console.write_text(console.read_text().replace(str(Path(sys.executable).parent), "/nonexistent"))
        result = _verify(systemd_analyze, units)
        assert result.returncode != 0 and "/nonexistent" in result.stdout + result.stderr
