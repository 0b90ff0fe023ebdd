"""How `sanpalang bench faults` counts what landed: per generated record, once."""

from bench.faults_count import Tally, count_landed


def event(record_id: str, event_id: str) -> tuple[str, str, dict]:
    return ("intake.labour.v1", record_id, {"envelope": {"event_id": event_id, "source": {"record_id": record_id}}})


def letter(original: bytes) -> tuple[str, str, dict]:
    return ("dlq.labour.v1", "k", {"original": original})


class TestCountLanded:
    def test_every_record_once_is_clean(self):
        landed = [event("R-1", "e1"), event("R-1", "e2"), letter(b"R-2,bad,row")]
        assert count_landed("f", ["R-1", "R-2"], landed, r"R-\d+") == Tally("f", records=2)

    def test_a_record_with_neither_event_nor_dead_letter_is_lost(self):
        assert count_landed("f", ["R-1", "R-2"], [event("R-1", "e1")], r"R-\d+").lost == 1

    def test_an_event_or_dead_letter_seen_twice_is_doubled(self):
        landed = [event("R-1", "e1"), event("R-1", "e1"), letter(b"R-2"), letter(b"R-2")]
        assert count_landed("f", ["R-1", "R-2"], landed, r"R-\d+").doubled == 2

    def test_what_no_generated_record_explains_is_unaccounted(self):
        landed = [event("R-1", "e1"), event("X-9", "e9"), letter(b"no id at all")]
        assert count_landed("f", ["R-1"], landed, r"R-\d+").unaccounted == 2
