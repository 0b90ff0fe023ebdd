"""Prevention work in the feed (issue 13 item 4): in every province, more in border and tourist
ones, mapped by the real social mapping, naming no one, and changing nothing else of the feed."""

from __future__ import annotations

from collections import Counter

from simulator import places
from simulator.prevention import weight


def prevention_records(feed):
    return [r for r in feed.records if r.kind == "prevention"]


class TestPreventionInTheFeed:
    def test_the_default_feed_holds_prevention_work_in_every_province(self, feed):
        records = prevention_records(feed)
        assert len(records) >= 20
        provinces = Counter(r.event_type and r.target for r in records)
        assert provinces == Counter({"prevention_": len(records)})
        assert {read_province(r) for r in records} == set(feed.truth["params"]["provinces"])

    def test_border_and_tourist_provinces_get_more_of_it_per_province(self, feed):
        by_province = Counter(read_province(r) for r in prevention_records(feed))
        weighted = [p for p in by_province if weight(p) > 1]
        others = [p for p in by_province if weight(p) == 1]
        assert weighted and others
        assert min(by_province[p] for p in weighted) > 0
        mean = lambda ps: sum(by_province[p] for p in ps) / len(ps)   # noqa: E731
        assert mean(weighted) > mean(others)
        assert places.tourist("TH-20") and places.border("TH-63") and not places.tourist("TH-74")

    def test_each_record_maps_to_a_prevention_activity_naming_no_one(self, feed, read):
        for record in prevention_records(feed):
            found = read[record.ref]
            assert not any(p.dead_letter for p in found.publications), record.ref
            event = found.event
            assert event.schema == "sanpalang.social.PreventionActivity"
            assert event.record["envelope"]["persons"] == [] and event.record["envelope"]["organisations"] == []
            assert event.record["people_reached"] == record_reached(record)
            assert event.record["district"] is None or event.record["district"][:2] == read_province(record)[3:]

    def test_belongs_to_no_case_and_no_alert(self, feed, truth_records):
        refs = {r.ref for r in prevention_records(feed)}
        assert all(truth_records[ref]["case"] is None for ref in refs)
        assert not {a["trigger"] for a in feed.truth["alerts"]} & refs
        assert not any(set(c["records"]) & refs for c in feed.truth["cases"])

    def test_comes_after_every_other_record_so_their_refs_and_deliveries_stay_as_they_were(self, feed):
        kinds = [r.kind for r in feed.records]
        first = kinds.index("prevention")
        assert set(kinds[first:]) == {"prevention"}


def read_province(record) -> str:
    from connectors.normalise import normalise_province
    return normalise_province(record.native["province"])


def record_reached(record) -> int:
    reached = record.native["people_reached"]
    return reached if isinstance(reached, int) else int(reached.replace(",", ""))
