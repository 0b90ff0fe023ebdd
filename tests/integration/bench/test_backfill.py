"""`sanpalang bench backfill` end to end on a small load against a real broker and worker: the
report's shape and that its counts add up (no timings: they move with the machine)."""

from __future__ import annotations

import json

import pytest

from bench.backfill import report
from ops.cli import main
from ops.kafka import local
from runtime.settings import Settings
from tests.missing import missing

EVENTS = 2000
MARK = 50


@pytest.fixture(scope="module")
def backfill(tmp_path_factory, kafka_jar_cache) -> dict:
    home = tmp_path_factory.mktemp("backfill-home")
    absent = local.missing_packages(Settings(home=home, cache=kafka_jar_cache))
    if absent:
        missing(f"the backfill bench needs {', '.join(absent)}")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SANPALANG_HOME", str(home))
        patch.setenv("SANPALANG_CACHE", str(kafka_jar_cache))
        capture = tmp_path_factory.mktemp("backfill-out") / "out.json"
        with capture.open("w") as out, pytest.MonkeyPatch.context() as stdout:
            stdout.setattr("sys.stdout", out)
            code = main(["bench", "backfill", "--events", str(EVENTS), "--open-cases", str(MARK), "--json"])
    assert code == 0
    return json.loads(capture.read_text().strip().splitlines()[-1])


class TestBackfillBench:
    def test_replays_exactly_the_events_asked_for_and_correlates_each_once(self, backfill):
        assert backfill["events"] == EVENTS
        assert backfill["events_correlated"] == EVENTS

    def test_leaves_open_cases_in_the_views(self, backfill):
        assert backfill["open_cases"] > 0

    def test_measures_the_worker_memory_when_the_open_cases_reach_the_mark(self, backfill):
        mark = backfill["at_mark"]
        assert mark is not None and backfill["open_cases"] >= mark["open_cases"] >= MARK
        assert 0 < mark["events_correlated"] <= EVENTS
        assert 0 < backfill["worker_first_rss_mb"] and 0 < mark["rss_mb"] <= backfill["worker_peak_rss_mb"]

    def test_derives_hours_per_ten_million_events_from_the_measured_rate(self, backfill):
        assert backfill["events_per_s"] == pytest.approx(EVENTS / backfill["wall_s"], rel=0.01)
        assert backfill["hours_per_10m_events"] == pytest.approx(1e7 / backfill["events_per_s"] / 3600, rel=0.01)

    def test_measures_the_worker_cpu_it_took(self, backfill):
        assert backfill["worker_cpu_s"] > 0
        # the two agree within their rounding: 0.1 s of CPU, 0.001 ms an event
        assert backfill["worker_cpu_ms_per_event"] * EVENTS / 1000 == pytest.approx(
            backfill["worker_cpu_s"], abs=0.05 + 0.0005 * EVENTS / 1000)

    def test_keeps_a_timeline_whose_counts_only_grow(self, backfill):
        timeline = backfill["timeline"]
        assert timeline and all(a[0] < b[0] and a[1] <= b[1] for a, b in zip(timeline, timeline[1:]))

    def test_reports_every_figure_in_words(self, backfill):
        text = report(backfill)
        for phrase in (f"{EVENTS:,} events replayed", "hours per 10 million events", "open cases at the end",
                       "peak", f"at {backfill['at_mark']['open_cases']:,} open cases"):
            assert phrase in text
