"""`sanpalang bench pipeline --workers`: the counts it accepts and the report's side-by-side lines."""

from __future__ import annotations

import argparse

import pytest

from bench.pipeline import report, stage_layouts, worker_counts


def count(workers: int, rate: float, cpu_s: dict[str, float | None], allow: float | None,
          stages: str = "joined") -> dict:
    return {"workers": workers, "stages": stages, "events": 2000, "timed_events": 1000, "hub_events_per_s": rate,
            "raw_loop_per_s": 20_000.0, "throughput_ratio": rate / 20_000, "ratio_to_first": rate / 400,
            "cpu": {"wall_s": 2.0, "cpu_s": cpu_s, "machine_busy_s": 4.0, "machine_idle_s": 0.0, "others_s": 0.4,
                    "idle_share": 0.0, "cores": 2},
            "ceiling_per_s": 400.0, "cores_allow_per_s": allow, "alert_latency_p50_ms": 20.0,
            "alert_latency_p99_ms": 60.0, "alerts_timed": 150, "round_trip_p50_ms": 1.0, "round_trip_p99_ms": 3.0,
            "latency_ratio_p99": 20.0, "worker_rss_mb": 200.0, "worker_idle_rss_mb": 90.0, "open_cases": 700,
            "mb_per_100k_open_cases": 15_000.0}


def result(*runs: dict) -> dict:
    return {"seeds": 1, "offered_rate": 50.0, "workers": [r["workers"] for r in runs], "cores": 2,
            "loadavg_before": [1.0, 1.0, 1.0], "loadavg_after": [2.0, 1.0, 1.0], "runs": list(runs)}


class TestWorkerCounts:
    def test_a_comma_list_gives_each_count_in_order(self):
        assert worker_counts("1,2") == [1, 2]
        assert worker_counts("2") == [2]

    @pytest.mark.parametrize("text", ["0", "1,-1", "one", ""])
    def test_anything_but_counts_of_one_or_more_is_refused(self, text):
        with pytest.raises(argparse.ArgumentTypeError):
            worker_counts(text)


class TestStageLayouts:
    def test_one_or_a_comma_list_of_joined_and_split(self):
        assert stage_layouts("split") == ["split"]
        assert stage_layouts("joined,split") == ["joined", "split"]

    @pytest.mark.parametrize("text", ["", "both", "joined,"])
    def test_anything_else_is_refused(self, text):
        with pytest.raises(argparse.ArgumentTypeError):
            stage_layouts(text)


class TestTheReport:
    ONE = count(1, 400.0, {"broker": 0.4, "worker 1": 1.6, "worker 1 views": 0.2, "bench": 0.2}, 800.0)
    TWO = count(2, 420.0, {"broker": 0.4, "worker 1": 1.6, "worker 1 views": 0.2, "worker 2": 0.0,
                           "worker 2 views": 0.2, "bench": 0.2}, 700.0, stages="split")

    def test_it_puts_the_counts_side_by_side_with_their_ratio_to_the_first_and_the_goal(self):
        text = report(result(self.ONE, self.TWO))
        assert ("throughput side by side: 1 worker(s) joined 400 events/s (x1.00, raw loop 20,000/s); "
                "2 worker(s) split 420 events/s (x1.05, raw loop 20,000/s)") in text
        assert "2 worker(s), stages split:" in text
        assert "2 workers x1.05 of 1 in the same run (goal >= x1.5)" in text

    def test_it_says_which_cores_each_kind_of_process_held_and_what_the_cores_allow_against_the_goal(self):
        text = report(result(self.ONE, self.TWO))
        assert ("cores held: broker 0.20, worker 0.90, bench 0.10, others 0.20 of 2; at this CPU per event the 2 "
                "cores allow at most 800 events/s (x2.00 of 1 worker(s); x1.5 needs 600)") in text

    def test_a_process_gone_within_the_window_leaves_the_cores_unmeasured(self):
        gone = count(1, 400.0, {"broker": 0.4, "worker 1": None}, None)
        assert "cores: not measured" in report(result(gone))
        assert "side by side" not in report(result(gone))
