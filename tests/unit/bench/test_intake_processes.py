"""``bench intake --processes``: the counts it takes and the report it prints (pure parts)."""

import pytest

from bench.intake_processes import parse_counts, report_processes


class TestProcessCounts:
    def test_a_comma_separated_list_of_counts_is_read_in_order(self):
        assert parse_counts("1,2") == [1, 2]
        assert parse_counts("2, 1,") == [2, 1]

    def test_a_count_below_one_or_no_count_is_refused(self):
        for text in ("0,1", "", ","):
            with pytest.raises(ValueError):
                parse_counts(text)


class TestReport:
    def test_each_rate_is_shown_per_process_and_against_the_first_setting_next_to_its_raw_limit(self):
        result = {"records": 1000, "cores": 2, "loadavg": (6.5, 7.0, 8.0), "settings": [
            {"processes": 1, "raw_rate": 20_000.0, "sources": {"file": 1000.0, "sql": 1500.0}},
            {"processes": 2, "raw_rate": 30_000.0, "sources": {"file": 1700.0, "sql": 2100.0}}]}
        lines = report_processes(result).splitlines()
        assert "load average 6.5" in lines[0]
        assert lines[4].startswith("2 process(es): raw producer limit    30,000 events/s (15,000 per process; x1.50)")
        assert lines[5] == "   file:     1,700 records/s (850 per process; x1.70 of 1 process(es))"
        assert lines[6] == "    sql:     2,100 records/s (1,050 per process; x1.40 of 1 process(es))"

    def test_the_cpu_accounting_of_a_source_follows_its_rate(self):
        window = {"wall_s": 4.0, "cpu_s": {"connector": 2.0, "broker": 1.0}, "machine_busy_s": 6.0,
                  "machine_idle_s": 2.0, "others_s": 3.0, "idle_share": 0.25, "cores": 2}
        result = {"records": 1000, "cores": 2, "loadavg": (1.0, 1.0, 1.0), "settings": [
            {"processes": 1, "raw_rate": 20_000.0, "sources": {"file": 250.0}, "cpu": {"file": window}}]}
        lines = report_processes(result).splitlines()
        assert lines[3] == ("         CPU us/record: connector 2,000 busy 50%, broker 1,000, others 3,000; "
                            "machine idle 25% of 2 cores over 4.0 s; alone on the machine at most 500 records/s")
