"""ops/prometheus checked by Prometheus's own promtool (Debian `prometheus`): the scrape config
and its target files load, the rules parse, and the rules' unit tests pass - and fail when a rule
is broken, so that they are known to test something. The Grafana board's queries are parsed by
promtool too, as recording rules."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.integration.ops.alertmanager_process import require_binary

PROMETHEUS = Path(__file__).parents[3] / "ops" / "prometheus"
DASHBOARD = Path(__file__).parents[3] / "ops" / "grafana" / "sanpalang.json"
# What Grafana puts in place of its variables before the query reaches Prometheus.
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$agency": ".*", "$province": ".*"}


@pytest.fixture(scope="module")
def promtool() -> str:
    return require_binary("promtool", "prometheus")


def _run(promtool: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([promtool, *args], capture_output=True, text=True, timeout=120)


class TestPromtool:
    def test_the_scrape_config_and_its_target_files_are_valid(self, promtool):
        result = _run(promtool, "check", "config", str(PROMETHEUS / "prometheus.yml"))
        assert result.returncode == 0, result.stdout + result.stderr

    def test_the_alerting_rules_are_valid(self, promtool):
        result = _run(promtool, "check", "rules", str(PROMETHEUS / "rules.yml"))
        assert result.returncode == 0, result.stdout + result.stderr

    def test_the_alerting_rules_pass_their_unit_tests(self, promtool):
        result = _run(promtool, "test", "rules", str(PROMETHEUS / "rules_test.yml"))
        assert result.returncode == 0, result.stdout + result.stderr

    def test_a_rule_with_a_wrong_threshold_fails_its_unit_test(self, promtool, tmp_path):
        shutil.copy(PROMETHEUS / "rules_test.yml", tmp_path)
        rules = (PROMETHEUS / "rules.yml").read_text()
        assert "sanpalang_worker_consumer_lag) > 1000" in rules
        (tmp_path / "rules.yml").write_text(rules.replace("sanpalang_worker_consumer_lag) > 1000",
                                                          "sanpalang_worker_consumer_lag) > 5000"))
        result = _run(promtool, "test", "rules", str(tmp_path / "rules_test.yml"))
        assert result.returncode != 0 and "SanpalangConsumerLagHigh" in result.stdout + result.stderr

    def test_every_dashboard_query_is_valid_promql(self, promtool, tmp_path):
        board = json.loads(DASHBOARD.read_text())
        exprs = [t["expr"] for p in board["panels"] for t in p.get("targets", [])]
        for variable, value in GRAFANA_VARIABLES.items():
            exprs = [e.replace(variable, value) for e in exprs]
        assert "$" not in "".join(exprs), "a dashboard variable this test does not know"
        rules = {"groups": [{"name": "dashboard", "rules": [{"record": f"dashboard:query_{n}", "expr": e}
                                                            for n, e in enumerate(exprs)]}]}
        (tmp_path / "dashboard.yml").write_text(json.dumps(rules, indent=1))  # JSON is YAML
        result = _run(promtool, "check", "rules", str(tmp_path / "dashboard.yml"))
        assert result.returncode == 0, result.stdout + result.stderr
