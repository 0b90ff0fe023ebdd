"""`sanpalang bench pipeline --workers 1,2 --stages joined,split` end to end on a small load: each count on its own
scratch hub settles the same events into the same views, and the report carries its rates, the raw
limits of its broker and where the CPU went (no timings asserted: they move with the machine)."""

from __future__ import annotations

import json

import pytest

from bench.pipeline import report
from ops.cli import main
from ops.kafka import local
from runtime.settings import Settings
from tests.missing import missing

pytestmark = pytest.mark.broker

RATE = 200          # the latency run's offered events/s: a short paced feed


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory, kafka_jar_cache) -> dict:
    home = tmp_path_factory.mktemp("pipeline-home")
    absent = local.missing_packages(Settings(home=home, cache=kafka_jar_cache))
    if absent:
        missing(f"the pipeline bench needs {', '.join(absent)}")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SANPALANG_HOME", str(home))
        patch.setenv("SANPALANG_CACHE", str(kafka_jar_cache))
        capture = tmp_path_factory.mktemp("pipeline-out") / "out.json"
        with capture.open("w") as out, pytest.MonkeyPatch.context() as stdout:
            stdout.setattr("sys.stdout", out)
            code = main(["bench", "pipeline", "--workers", "1,2", "--stages", "joined,split", "--seeds", "1",
                         "--rate", str(RATE), "--json"])
    assert code == 0
    return json.loads(capture.read_text().strip().splitlines()[-1])


class TestPipelineBenchWithOneThenTwoWorkers:
    def test_it_runs_each_count_asked_for_in_order_with_its_layout(self, pipeline):
        assert pipeline["workers"] == [1, 2]
        assert [(r["workers"], r["stages"]) for r in pipeline["runs"]] == [(1, "joined"), (2, "split")]

    def test_both_counts_settle_the_same_events_and_leave_open_cases_in_the_views(self, pipeline):
        # not the same number of open cases: the live worker correlates the intake partitions in the
        # order it fetches them, and two runs of one worker on the same load already differ by a few
        one, two = pipeline["runs"]
        assert one["events"] == two["events"] > 0
        assert one["timed_events"] == two["timed_events"] > 0
        assert one["open_cases"] > 0 and two["open_cases"] > 0

    def test_each_count_measures_its_rate_next_to_the_raw_limits_of_its_own_broker(self, pipeline):
        for r in pipeline["runs"]:
            assert r["hub_events_per_s"] > 0 and r["raw_loop_per_s"] > 0
            assert r["throughput_ratio"] == pytest.approx(r["hub_events_per_s"] / r["raw_loop_per_s"], abs=0.001)
            assert r["round_trip_p99_ms"] >= r["round_trip_p50_ms"] > 0
            assert r["alerts_timed"] > 0 and r["alert_latency_p99_ms"] >= r["alert_latency_p50_ms"] > 0

    def test_the_rates_are_stated_as_ratios_to_the_first_count(self, pipeline):
        one, two = pipeline["runs"]
        assert one["ratio_to_first"] == 1.0
        assert two["ratio_to_first"] == pytest.approx(two["hub_events_per_s"] / one["hub_events_per_s"], abs=0.01)

    def test_the_cpu_of_the_broker_each_worker_and_its_views_is_accounted(self, pipeline):
        one, two = pipeline["runs"]
        assert {"broker", "worker 1", "worker 1 views", "bench"} <= set(one["cpu"]["cpu_s"])
        assert {"worker 1", "worker 2", "worker 1 views", "worker 2 views"} <= set(two["cpu"]["cpu_s"])
        for r in pipeline["runs"]:
            cpu = r["cpu"]
            assert cpu["cpu_s"]["broker"] > 0 and cpu["wall_s"] > 0
            assert sum(cpu["cpu_s"][name] for name in cpu["cpu_s"] if name.startswith("worker")) > 0
            assert 0 <= cpu["idle_share"] <= 1
            assert r["cores_allow_per_s"] >= r["ceiling_per_s"] > 0   # one core a worker bounds it further

    def test_the_report_says_it_in_words(self, pipeline):
        text = report(pipeline)
        for phrase in ("1 worker(s), stages joined:", "2 worker(s), stages split:", "raw consume-and-produce loop",
                       "CPU us/event: broker", "cores held: broker", "broker round trip", "throughput side by side",
                       "2 workers x", "load average"):
            assert phrase in text
