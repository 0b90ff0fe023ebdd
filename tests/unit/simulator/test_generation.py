"""The generator is a pure function of its seed and parameters, and its people look like the
agencies' data really looks (DOMAIN.md): one person, many spellings, few identifiers."""

from __future__ import annotations

import ast
import json
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

import simulator
from simulator import generate

from .conftest import START

SHELL = ("deliver.py", "run.py", "command.py")
PURE = [p for p in Path(simulator.__file__).parent.rglob("*.py") if p.name not in SHELL]
FORBIDDEN_NAMES = {"now", "today", "utcnow", "getenv", "environ", "open", "sleep"}


def _dump(feed) -> str:
    return json.dumps([[r.ref, r.channel, r.target, r.native] for r in feed.records], ensure_ascii=False, default=str)


class TestDeterminism:
    def test_the_same_seed_gives_the_same_feed_and_truth(self, feed):
        again = generate(7, start_at=START)
        assert _dump(again) == _dump(feed)
        assert json.dumps(again.truth, ensure_ascii=False) == json.dumps(feed.truth, ensure_ascii=False)

    def test_another_seed_gives_another_feed(self, feed):
        other = generate(8, start_at=START)
        assert _dump(other) != _dump(feed)
        assert other.truth["alerts"] != feed.truth["alerts"]

    def test_start_at_moves_every_event_time_and_nothing_else(self, feed):
        later = generate(7, start_at=START + timedelta(days=3))
        assert [r.occurred_at - feed.records[i].occurred_at for i, r in enumerate(later.records)] == \
            [timedelta(days=3)] * len(feed.records)

    def test_the_feed_is_in_event_time_order_within_the_period(self, feed):
        """Prevention records (no person, no case) follow the others, in their own time order, so
        that adding them left every other record where it was (simulator/prevention.py)."""
        times = [r.occurred_at for r in feed.records if r.kind != "prevention"]
        assert times == sorted(times)
        assert START <= times[0] and times[-1] <= START + timedelta(days=60)
        prevention = [r.occurred_at for r in feed.records if r.kind == "prevention"]
        assert prevention == sorted(prevention) and START <= prevention[0] and prevention[-1] <= times[-1]

    def test_refuses_a_naive_start(self):
        with pytest.raises(ValueError, match="timezone-aware"):
            generate(1, start_at=datetime(2025, 3, 1))

    def test_a_prefix_goes_in_front_of_every_record_id_and_row_ids_start_at_the_base(self):
        feed = generate(3, start_at=START, scenarios=20, persons=40, prefix="T1234", row_id_base=5000)
        ids = [r.record_id for r in feed.records if r.record_id and r.channel != "immigration-sql"]
        assert ids and all(i.startswith("T1234-") for i in ids)
        rows = [r.native["id"] for r in feed.records if r.channel == "immigration-sql"]
        assert rows == list(range(5000, 5000 + len(rows)))


class TestPurity:
    def test_the_generator_reads_no_clock_and_no_environment(self):
        for path in PURE:
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
            names |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
            assert not names & FORBIDDEN_NAMES, path.name

    def test_modules_stay_small(self):
        for path in Path(simulator.__file__).parent.rglob("*.py"):
            assert len(path.read_text(encoding="utf-8").splitlines()) < 320, path.name


def _appearances(feed, read):
    """pid -> [(agency, event person)] over every intake event."""
    out = defaultdict(list)
    for entry in feed.truth["records"]:
        if entry["expect"] == "intake":
            envelope = read[entry["ref"]].event.record["envelope"]
            refs = {p["ref"]: p["person"] for p in entry["persons"]}
            for person in envelope["persons"]:
                out[refs[person["person_ref"]]].append((envelope["agency"], person))
    return out


class TestPersons:
    def test_one_true_person_appears_at_several_agencies_under_different_spellings(self, feed, read):
        found = [pid for pid, seen in _appearances(feed, read).items()
                 if len({a for a, _ in seen}) >= 2 and len({n["full"] for _, p in seen for n in p["names"]}) >= 3]
        assert len(found) >= 20

    def test_dates_of_birth_are_often_a_year_an_estimate_or_an_age(self, feed, read):
        precisions = [p["dob_precision"] for seen in _appearances(feed, read).values() for _, p in seen]
        ages = [p for seen in _appearances(feed, read).values() for _, p in seen if p["age_years"] is not None]
        assert precisions.count("Year") > 50 and precisions.count("Estimated") > 10 and len(ages) > 30

    def test_given_and_family_names_are_sometimes_swapped(self, feed, read):
        swapped = 0
        for pid, seen in _appearances(feed, read).items():
            parts = feed.truth["persons"][pid]["name"].split()
            if feed.truth["persons"][pid]["nationality"] in ("THA", "LAO") and len(parts) == 2:
                swapped += any(n["script"] == "Latin" and n["given"] == parts[1] for _, p in seen for n in p["names"])
        assert swapped >= 5

    def test_burmese_names_come_without_family_name_and_in_thai_script(self, feed, read):
        burmese = [p for seen in _appearances(feed, read).values() for _, p in seen if p["nationality"] == "MMR"]
        assert any(n["family"] is None for p in burmese for n in p["names"])
        assert any(n["script"] == "Thai" for p in burmese for n in p["names"])

    def test_migrant_victims_come_without_any_identifier_more_often_than_not(self, feed, read):
        migrants = [p for seen in _appearances(feed, read).values() for agency, p in seen
                    if agency in ("police", "social") and p["nationality"] not in (None, "THA")]
        assert sum(not p["identifiers"] for p in migrants) > 0.5 * len(migrants)

    def test_minors_appear_only_in_the_minor_scenarios_and_adults_are_adults_by_any_reading(self, feed, read):
        scenarios = {s["scenario"]: s["kind"] for s in feed.truth["scenarios"]}
        for entry in feed.truth["records"]:
            if entry["expect"] != "intake":
                continue
            day = datetime.fromisoformat(entry["occurred_at"]).astimezone(START.tzinfo).date()
            for ref in entry["persons"]:
                birth = date.fromisoformat(feed.truth["persons"][ref["person"]]["date_of_birth"])
                if day.year - birth.year <= 18:
                    assert scenarios.get(entry["scenario"]) in ("minor_rescued", "minor_in_idc"), entry["ref"]
                else:
                    assert day.year - birth.year >= 21, entry["ref"]
