"""Event ids are deterministic: a record sent twice is recognisable downstream."""

import copy
import uuid
from datetime import date

from connectors.agencies import EVENT_NAMESPACE, content_version, event_id, mapper_for
from connectors.records import Origin

from .examples import example


def _event(agency, fields, origin):
    (event,) = mapper_for(agency)(fields, origin)
    return event


class TestEventIds:
    def test_the_same_record_sent_twice_has_the_same_event_id(self):
        record = example("police", "RSC-2568-000417")
        again = copy.deepcopy(dict(record.fields))
        first = _event("police", record.fields, record.origin)
        second = _event("police", again, Origin("http", "/intake/police", "another-request item 0"))
        assert first.event_id == second.event_id
        assert first.key == second.key == b"THAICRIMES:RSC-2568-000417"

    def test_a_new_version_gets_a_new_event_id(self):
        record = example("police", "RSC-2568-000417")
        newer = {**record.fields, "version": 3}
        assert _event("police", newer, record.origin).event_id != _event("police", record.fields, record.origin).event_id

    def test_a_new_version_keeps_the_intake_key(self):
        record = example("police", "RSC-2568-000417")
        newer = {**record.fields, "version": 3}
        assert _event("police", newer, record.origin).key == _event("police", record.fields, record.origin).key

    def test_is_a_uuid5_in_the_project_namespace_over_agency_system_record_version_and_type(self):
        record = example("police", "RSC-2568-000417")
        expected = uuid.uuid5(EVENT_NAMESPACE, '["police","THAICRIMES","RSC-2568-000417","2","RescueConducted"]')
        assert _event("police", record.fields, record.origin).event_id == str(expected)

    def test_the_namespace_never_changes(self):
        assert str(EVENT_NAMESPACE) == "3b87a3c0-c40a-5fea-8014-86ddb018078d"
        assert event_id("labour", "PIPO-ONLINE", "PO-1", "1", "PipoPortOutReported") == \
            "5d00e4d8-4dd7-5fd4-8561-67b60c6be83d"

    def test_two_steps_of_one_record_version_get_different_ids(self):
        assert event_id("immigration", "IDC-REG", "deportations/7", "v", "DeportationScheduled") != \
            event_id("immigration", "IDC-REG", "deportations/7", "v", "DeportationExecuted")

    def test_texts_outside_ascii_quotes_and_backslashes_are_written_as_before(self):
        assert event_id("police", "ระบบ", 'a"b\\c\u2028', "2", "RescueConducted") == \
            "028a8da6-aca5-5e55-9ccf-5aaaefb86221"

    def test_ids_with_separators_cannot_collide(self):
        assert event_id("police", "A", "B:C", "1", "X") != event_id("police", "A:B", "C", "1", "X")


class TestContentVersion:
    def test_a_csv_row_without_version_is_versioned_by_its_content(self):
        record = example("labour", "INSP-74-2568-0311")
        event = _event("labour", record.fields, record.origin)
        assert event.record["envelope"]["source"]["record_version"] == content_version(record.fields)
        assert content_version(record.fields).startswith("sha256:")

    def test_the_same_row_exported_again_has_the_same_event_id(self):
        record = example("labour", "INSP-74-2568-0311")
        reordered = dict(reversed(list(record.fields.items())))
        other_file = Origin("file", "inspection_74_25680401.csv", "line 9 (record 8)")
        assert _event("labour", reordered, other_file).event_id == _event("labour", record.fields, record.origin).event_id

    def test_a_corrected_row_gets_a_new_event_id(self):
        record = example("labour", "INSP-74-2568-0311")
        corrected = {**record.fields, "จำนวนลูกจ้างที่ตรวจ": "47"}
        assert _event("labour", corrected, record.origin).event_id != _event("labour", record.fields, record.origin).event_id

    def test_digests_never_change(self):
        assert content_version(example("labour", "INSP-74-2568-0311").fields) == "sha256:384f7636b0e2abaa"
        nested = {"ชื่อ": 'สมชาย "เล็ก" \\ ใจดี', 3: [1, 2.5, None, True, {"b": float("nan"), "d": date(2025, 3, 1)}],
                  "z": {"y": "\u2028x"}}
        assert content_version(nested) == "sha256:1e8efce162923bd6"

    def test_records_nested_beyond_forty_levels_are_cut_to_their_repr_as_before(self):
        def nested(depth):
            value = "leaf"
            for _ in range(depth):
                value = {"k": value, "n": 1}
            return value
        assert [content_version(nested(depth)) for depth in (40, 41, 42)] == \
            ["sha256:0583b2a88079a3d9", "sha256:146aab652df34c82", "sha256:5a315ab73aedb9ec"]

    def test_is_total_on_any_json_value(self):
        assert content_version({"a": [1, 2.5, None, True, {"b": float("nan")}], 3: object}).startswith("sha256:")
