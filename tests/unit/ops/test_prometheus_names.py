"""The alerting rules (ops/prometheus/rules.yml) and the Grafana board (ops/grafana/sanpalang.json)
only use metrics the hub really exposes, with labels those metrics really have: a renamed metric
must fail here, not leave an alert that can never fire or a panel that stays empty.

Exposed metrics are read from the code: the connectors' registry (connectors/metrics.py), the
worker's (streams/worker/metrics.py), the Alertmanager pusher's (streams/worker/alertmanager/pusher.py) and the
console's (console/metrics.py).
`BRIEFED_WORKER_METRICS` below is the worker's contract as agreed in the brief of the metrics work
(names and labels); it is checked against streams.worker.metrics when that module exists, and
stands in for it when it does not. Whoever renames a worker metric updates it, with the rules and
the board.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from prometheus_client import CollectorRegistry
from prometheus_client.metrics import MetricWrapperBase

from connectors.metrics import ConnectorMetrics
from console.metrics import ConsoleMetrics
from streams.worker.alertmanager.pusher import PushMetrics

ROOT = Path(__file__).parents[3]
RULES = ROOT / "ops" / "prometheus" / "rules.yml"
RULES_TESTS = ROOT / "ops" / "prometheus" / "rules_test.yml"
RUNBOOK = ROOT / "ops" / "prometheus" / "README.md"
DASHBOARD = ROOT / "ops" / "grafana" / "sanpalang.json"

# Source: the brief "hub metrics config, dashboards and Alertmanager push" (metric name, type, labels).
BRIEFED_WORKER_METRICS = {
    "sanpalang_worker_events_total": ("counter", {"agency"}),
    "sanpalang_worker_person_links_total": ("counter", {"decision"}),
    "sanpalang_worker_cases_open": ("gauge", {"province", "stage"}),
    "sanpalang_worker_alerts_open": ("gauge", {"rule", "severity", "state"}),
    "sanpalang_worker_consumer_lag": ("gauge", {"topic"}),
    "sanpalang_worker_processing_seconds": ("histogram", set()),
    "sanpalang_worker_last_commit_timestamp_seconds": ("gauge", set()),
}
TARGET_LABELS = {"job", "instance"}
SUFFIXES = {"counter": ("_total", "_created"), "gauge": ("",), "histogram": ("_bucket", "_sum", "_count", "_created")}
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset"}


def _families(owner: object) -> dict[str, tuple[str, set[str]]]:
    """The metric objects an owner (ConnectorMetrics, WorkerMetrics, PushMetrics) holds, by their
    declared name. prometheus_client keeps the declaration in `_name` / `_type` / `_labelnames`:
    private, but the only place label names live before a first sample is recorded."""
    found = {}
    for value in vars(owner).values():
        if isinstance(value, MetricWrapperBase):
            name = value._name + ("_total" if value._type == "counter" else "")
            found[name] = (value._type, set(value._labelnames))
    return found


def _worker_families() -> dict[str, tuple[str, set[str]]]:
    try:
        from streams.worker.metrics import WorkerMetrics
    except ImportError:
        return dict(BRIEFED_WORKER_METRICS)
    return _families(WorkerMetrics(CollectorRegistry()))


def _exposed() -> dict[str, set[str]]:
    """Every sample name a scrape of the hub can return, with its labels."""
    families = {**_families(ConnectorMetrics("police")), **_worker_families(),
                **_families(PushMetrics(CollectorRegistry())), **_families(ConsoleMetrics())}
    samples = {"up": set(TARGET_LABELS)}
    for name, (kind, labels) in families.items():
        base = name.removesuffix("_total") if kind == "counter" else name
        for suffix in SUFFIXES[kind]:
            samples[base + suffix] = labels | TARGET_LABELS | ({"le"} if suffix == "_bucket" else set())
    return samples


def _selectors(expr: str) -> list[tuple[str, set[str]]]:
    """(metric name, label names matched) of every selector in a PromQL expression."""
    expr = re.sub(r'"[^"]*"', '""', expr)                         # label values, Grafana variables in them
    found = []
    for match in re.finditer(r"(?<![\w.$])([a-zA-Z_:][\w:]*)\s*(\{[^}]*\})?\s*(\(|\[)?", expr):
        name, matchers, follows = match.groups()
        if follows == "(" or name in KEYWORDS:
            continue
        found.append((name, set(re.findall(r"(\w+)\s*(?:=~|!~|!=|=)", matchers or ""))))
    return found


def _strip_modifiers(expr: str) -> str:
    """Drop what names labels rather than metrics: `by (...)`, `on (...)`, durations, `[...]`."""
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    return re.sub(r"\[[^\]]*\]", "", expr)


def _rule_expressions() -> list[str]:
    lines, exprs, i = RULES.read_text().splitlines(), [], 0
    while i < len(lines):
        head, _, rest = lines[i].strip().partition("expr:")
        if not head and lines[i].strip().startswith("expr:"):
            rest = rest.strip()
            if rest in ("|", ">", "|-", ">-"):
                indent, block = len(lines[i]) - len(lines[i].lstrip()), []
                i += 1
                while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
                    block.append(lines[i].strip())
                    i += 1
                exprs.append(" ".join(block))
                continue
            exprs.append(rest)
        i += 1
    return exprs


def _dashboard_expressions() -> list[str]:
    board = json.loads(DASHBOARD.read_text())
    exprs = [t["expr"] for p in board["panels"] for t in p.get("targets", [])]
    exprs += [v["query"]["query"].removeprefix("label_values(").rsplit(",", 1)[0]
              for v in board["templating"]["list"] if v["type"] == "query"]
    return exprs


def _unknown(exprs: list[str]) -> list[str]:
    exposed, problems = _exposed(), []
    for expr in exprs:
        for name, labels in _selectors(_strip_modifiers(expr)):
            if name not in exposed:
                problems.append(f"{name} (in {expr!r}) is not exposed")
            elif labels - exposed[name]:
                problems.append(f"{name} has no label(s) {sorted(labels - exposed[name])} (in {expr!r})")
    return problems


def _alert_names() -> list[str]:
    return re.findall(r"^\s*- alert:\s*(\w+)", RULES.read_text(), flags=re.M)


class TestTheExtraction:
    def test_finds_metrics_and_their_matchers_but_not_functions_keywords_or_grouping_labels(self):
        expr = 'sum by (agency) (rate(a_total{agency=~"$agency", job="x"}[5m])) / on (job) b > 0.05 and c'
        assert _selectors(_strip_modifiers(expr)) == [("a_total", {"agency", "job"}), ("b", set()), ("c", set())]

    def test_reads_every_expression_of_the_rules_file(self):
        assert len(_rule_expressions()) == len(_alert_names()) >= 9

    def test_a_misspelt_metric_is_caught(self):
        assert _unknown(['rate(sanpalang_worker_event_total[5m])', 'sanpalang_worker_consumer_lag{topik="x"}']) == [
            "sanpalang_worker_event_total (in 'rate(sanpalang_worker_event_total[5m])') is not exposed",
            "sanpalang_worker_consumer_lag has no label(s) ['topik'] (in 'sanpalang_worker_consumer_lag{topik=\"x\"}')"]


class TestAlertingRules:
    def test_use_only_metrics_and_labels_the_hub_exposes(self):
        assert _unknown(_rule_expressions()) == []

    def test_every_alert_fires_in_at_least_one_promtool_test(self):
        chunks = RULES_TESTS.read_text().split("- alertname:")[1:]
        tested = {chunk.split()[0] for chunk in chunks if "exp_alerts:" in chunk.split("- alertname:")[0]}
        assert set(_alert_names()) <= tested

    def test_every_alert_has_a_runbook_section(self):
        headings = set(re.findall(r"^### (\w+)", RUNBOOK.read_text(), flags=re.M))
        assert set(_alert_names()) <= headings


class TestDashboard:
    def test_is_a_grafana_dashboard_with_a_stable_uid_and_a_prometheus_datasource_variable(self):
        board = json.loads(DASHBOARD.read_text())
        assert board["uid"] == "sanpalang-hub" and board["panels"]
        assert any(v["type"] == "datasource" and v["query"] == "prometheus" for v in board["templating"]["list"])

    def test_uses_only_metrics_and_labels_the_hub_exposes(self):
        assert _unknown(_dashboard_expressions()) == []

    def test_every_panel_but_rows_has_a_query_and_unique_id(self):
        panels = json.loads(DASHBOARD.read_text())["panels"]
        assert all(p.get("targets") for p in panels if p["type"] != "row")
        assert len({p["id"] for p in panels}) == len(panels)

    def test_shows_what_the_issue_asks_for(self):
        used = {name for expr in _dashboard_expressions() for name, _ in _selectors(_strip_modifiers(expr))}
        assert {"sanpalang_connector_events_published_total", "sanpalang_connector_records_dead_lettered_total",
                "sanpalang_worker_person_links_total", "sanpalang_worker_cases_open", "sanpalang_worker_alerts_open",
                "sanpalang_worker_consumer_lag", "sanpalang_worker_processing_seconds_bucket"} <= used


class TestWorkerMetrics:
    def test_the_worker_exposes_the_names_and_labels_agreed_in_the_brief(self):
        from streams.worker.metrics import WorkerMetrics
        exposed = _families(WorkerMetrics(CollectorRegistry()))
        assert {name: exposed.get(name) for name in BRIEFED_WORKER_METRICS} == BRIEFED_WORKER_METRICS


class TestConsoleMetrics:
    def test_every_console_metric_is_named_for_the_console_and_exposed_by_its_registry(self):
        metrics = ConsoleMetrics()
        families = _families(metrics)
        assert families and all(name.startswith("sanpalang_console_") for name in families)
        scraped = {m.name + ("_total" if m.type == "counter" else "") for m in metrics.registry.collect()}
        assert set(families) <= scraped

    def test_the_console_alerts_use_the_console_metrics(self):
        used = {name for expr in _rule_expressions() for name, _ in _selectors(_strip_modifiers(expr))}
        assert "sanpalang_console_sign_ins_total" in used
