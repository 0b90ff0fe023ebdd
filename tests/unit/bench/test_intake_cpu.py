"""The CPU accounting of ``bench intake --processes``: reading ``/proc`` and the line it prints."""

import os
import sys

from bench.intake_cpu import CpuMeter, CpuWindow, ceiling, children_of, describe, machine_times, stat_cpu_s

TICK = os.sysconf("SC_CLK_TCK")


class TestReadingProc:
    def test_user_and_system_time_are_read_after_a_command_name_holding_spaces_and_parentheses(self):
        stat = f"42 (a (b) c) S 1 42 42 0 -1 4194304 100 0 0 0 {3 * TICK} {TICK} 7 9 20 0 1 0 100 0 0"
        assert stat_cpu_s(stat) == 4.0

    def test_the_machine_line_splits_into_busy_and_idle_with_iowait_counted_as_idle(self):
        busy, idle = machine_times(f"cpu  {TICK} {TICK} {TICK} {4 * TICK} {TICK} 0 {TICK} 0 0 0")
        assert (busy, idle) == (4.0, 5.0)

    def test_a_window_counts_the_cpu_a_process_spent_in_it(self):
        meter = CpuMeter({"bench": os.getpid()})
        meter.start()
        spent = os.times()
        while os.times().user + os.times().system - spent.user - spent.system < 0.2:
            sum(range(10_000))
        window = meter.stop()
        assert window.cpu_s["bench"] >= 0.15
        assert window.machine_busy_s is not None and window.machine_busy_s >= window.cpu_s["bench"] - 0.05

    def test_a_process_gone_before_the_end_of_the_window_has_no_figure(self, tmp_path):
        import subprocess
        child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
        assert child.pid in children_of(os.getpid())
        meter = CpuMeter({"child": child.pid})
        meter.start()
        child.communicate(b"")
        assert meter.stop().cpu_s["child"] is None


class TestTheLine:
    def test_each_process_is_shown_per_record_with_the_connectors_busy_share_then_others_and_idle(self):
        window = CpuWindow(wall_s=10.0, cpu_s={"child 1": 5.0, "child 2": 4.0, "broker": 2.0, "load client": None},
                           machine_busy_s=15.0, machine_idle_s=5.0, cores=2)
        assert describe(window.as_dict(), 10_000) == (
            "CPU us/record: child 1 500 busy 50%, child 2 400 busy 40%, broker 200, load client ?, others 400; "
            "machine idle 25% of 2 cores over 10.0 s")

    def test_alone_the_processes_would_share_every_core_and_each_connector_process_one(self):
        shared = {"wall_s": 10.0, "cpu_s": {"child 1": 3.0, "child 2": 3.0, "broker": 4.0}, "cores": 2}
        assert ceiling(shared, 10_000) == 2 / 0.001            # the cores bound: 1 ms of CPU a record
        single = {"wall_s": 10.0, "cpu_s": {"connector": 5.0, "broker": 1.0}, "cores": 2}
        assert ceiling(single, 10_000) == 1 / 0.0005           # one process: one core
        assert ceiling({**single, "cpu_s": {"connector": 5.0, "load client": None}}, 10_000) is None

    def test_without_machine_figures_the_line_has_only_the_processes(self):
        window = CpuWindow(wall_s=2.0, cpu_s={"connector": 1.0})
        assert describe(window.as_dict(), 1000) == ("CPU us/record: connector 1,000 busy 50%; "
                                                    "alone on the machine at most 1,000 records/s")

    def test_the_one_core_processes_are_named_by_the_caller_and_none_leaves_the_cores_alone_as_the_bound(self):
        window = {"wall_s": 10.0, "cpu_s": {"worker 1": 5.0, "broker": 1.0}, "cores": 2}
        assert ceiling(window, 10_000, ("worker",)) == 1 / 0.0005          # the worker: one core
        assert ceiling(window, 10_000, ()) == 2 / 0.0006                    # the cores alone
        assert describe(window, 10_000, ("worker",), unit="event") == (
            "CPU us/event: worker 1 500 busy 50%, broker 100; alone on the machine at most 2,000 events/s")
