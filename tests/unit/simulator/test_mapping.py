"""Every generated record goes through the real readers and agency mappings as its truth says:
good ones to intake with the truth's event id, persons and organisations; bad ones to the DLQ."""

from __future__ import annotations

from collections import Counter

import schemas


class TestGoodRecords:
    def test_map_to_one_event_each_that_the_codec_encodes(self, read, truth_records):
        good = [ref for ref, t in truth_records.items() if t["expect"] == "intake"]
        failed = {ref: read[ref].publications[0].problems for ref in good if read[ref].event is None}
        assert not failed, list(failed.items())[:5]
        for ref in good:
            (publication,) = read[ref].publications
            assert publication.topic == f"intake.{truth_records[ref]['agency']}.v1"
            name, _ = schemas.decode(schemas.encode(read[ref].event.schema, read[ref].event.record))
            assert name == f"sanpalang.{truth_records[ref]['agency']}.{truth_records[ref]['event_type']}"

    def test_carry_the_event_id_the_truth_announces(self, read, truth_records):
        for ref, truth in truth_records.items():
            if "event_id" in truth:
                assert read[ref].event.event_id == truth["event_id"], ref

    def test_carry_the_record_id_and_event_time_the_truth_announces(self, read, truth_records):
        for ref, truth in truth_records.items():
            if truth["expect"] == "intake":
                envelope = read[ref].event.record["envelope"]
                assert (envelope["source"]["system"], envelope["source"]["record_id"]) == (truth["system"],
                                                                                           truth["record_id"])
                assert envelope["occurred_at"].isoformat().replace("+00:00", "Z") == truth["occurred_at"], ref

    def test_name_each_true_person_and_organisation_at_the_ref_the_truth_gives(self, read, truth_records):
        for ref, truth in truth_records.items():
            if truth["expect"] == "intake":
                envelope = read[ref].event.record["envelope"]
                assert [p["person_ref"] for p in envelope["persons"]] == [p["ref"] for p in truth["persons"]], ref
                assert [o["org_ref"] for o in envelope["organisations"]] == \
                    [o["ref"] for o in truth["organisations"]], ref

    def test_with_a_spoilt_attribute_are_kept_and_the_attribute_dropped(self, read, truth_records, feed):
        from connectors.agencies import translate
        from simulator.offline import CHANNEL_AGENCY as AGENCY
        spoilt = [ref for ref, t in truth_records.items() if t["expect"] == "intake" and t["note"]]
        assert len(spoilt) >= 3
        for ref in spoilt:
            source = read[ref].source
            notes = translate(AGENCY[truth_records[ref]["channel"]], source.fields, source.origin).notes
            assert notes, (ref, truth_records[ref]["note"])


class TestBadRecords:
    def test_are_a_declared_small_fraction_on_every_channel(self, truth_records):
        bad = [t for t in truth_records.values() if t["expect"] == "dead-letter"]
        assert 9 <= len(bad) <= 0.03 * len(truth_records)
        assert {t["channel"] for t in bad} == {"police-http", "social-http", "labour-file", "social-file",
                                               "immigration-sql"}

    def test_each_dead_letter_once_with_the_declared_reason(self, read, truth_records):
        codes = Counter()
        for ref, truth in truth_records.items():
            if truth["expect"] == "dead-letter":
                (letter,) = read[ref].publications
                assert letter.dead_letter and letter.topic == f"dlq.{truth['agency']}.v1"
                assert letter.reason_code == truth["dead_letter_code"], (ref, letter.problems)
                assert letter.key == read[ref].delivery.locations[ref].encode()
                codes[letter.reason_code] += 1
        assert set(codes) == {"invalid-record", "unknown-kind", "implausible-time"}

    def test_belong_to_no_case_and_to_no_alert(self, feed, truth_records):
        bad = {ref for ref, t in truth_records.items() if t["expect"] == "dead-letter"}
        assert all(truth_records[ref]["case"] is None for ref in bad)
        assert not bad & {a["trigger"] for a in feed.truth["alerts"]}


class TestCaseFileInStories:
    def test_screening_outcomes_carry_who_decided_and_when_and_where_with_districts_the_gazetteer_knows(
            self, read, truth_records):
        outcomes = [read[ref].event.record for ref, t in truth_records.items() if t["expect"] == "intake"
                    and t["event_type"] == "MdtScreeningCompleted" and read[ref].event.record["outcome"] !=
                    "NotAVictimOfTrafficking"]
        assert outcomes and all(r["decided_by"] and r["exploitation_period"]["started_on"] for r in outcomes)
        assert all(r["exploitation_period"]["district"] or r["exploitation_period"]["country"] for r in outcomes)   # none dropped
        assert any(r["exploitation_period"]["district"] for r in outcomes)
        assert any("ForcedCriminality" in r["exploitation_types"] for r in outcomes)
