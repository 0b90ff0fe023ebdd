"""No record can move the hub's clock: a connector dead-letters, with its reason, a record dated
after its own recording or after the intake's clock (a B.E. year one off, a year typed twice), or
before the Act it is about existed."""

import json
from datetime import datetime, timedelta, timezone

import schemas
from connectors.agencies import mapper_for
from connectors.records import Origin, SourceRecord
from connectors.routing import OLDEST_EVENT_AT, route
from connectors.sources.files import read_bytes

from .agencies.examples import EXAMPLES, RECEIVED_AT

HEADER = (EXAMPLES / "rorbor1_74_25680305.csv").read_bytes().decode("cp874").splitlines()[0]
ROW = ("ร.บ.1/74/2568/0099,{screened},สมุทรสาคร,หม่อง ซอ,Maung Zaw,พม่า,00/00/2540,,ชาย,0001577700015,,"
       "095-123-4567,บริษัท ทะเลทองแปรรูป จำกัด,0745558001234,ยึดเอกสาร;หนี้สิน,บังคับใช้แรงงาน,ใช่,พม่า,{recorded}")


def labour_record(screened: str, recorded: str) -> SourceRecord:
    data = (HEADER + "\r\n" + ROW.format(screened=screened, recorded=recorded) + "\r\n").encode("cp874")
    _, records = read_bytes("rorbor1_74_25680306.csv", data)
    return records[0].record


def tip_record(occurred: str, recorded: str | None = None) -> SourceRecord:
    item = {"record_type": "ticac_tip", "record_id": "TIP-2568-09999", "version": 1, "occurred": occurred,
            "province": "เชียงราย", "unit": "TICAC", "tip_source": "ncmec", "tip_reference": "CT-1",
            "platform": "Telegram", "summary": "Account offering images of a minor.", "exploitation": ["csam"],
            "persons": [{"role": "child", "name": "ไม่ทราบชื่อ", "age": "13", "sex": "F"}]}
    if recorded:
        item["recorded"] = recorded
    return SourceRecord(Origin("http", "/intake/police", "req-1 item 0"), json.dumps(item, ensure_ascii=False).encode(),
                        item)


def dead_letter_of(publications):
    (publication,) = publications
    assert publication.dead_letter
    return schemas.decode(publication.value)[1]


class TestImplausibleEventTimes:
    def test_a_labour_record_dated_be_2569_for_2568_is_dead_lettered_with_its_reason(self):
        letter = dead_letter_of(route("labour", labour_record("05/03/2569 14:00", "05/03/2568 16:45"),
                                      mapper_for("labour"), RECEIVED_AT))
        assert letter["reason_code"] == "implausible-time"
        assert "after the record's recorded_at" in letter["reason"] and "2026-03-05" in letter["reason"]

    def test_the_same_record_without_a_recorded_time_is_caught_by_the_intake_clock(self):
        letter = dead_letter_of(route("labour", labour_record("05/03/2569 14:00", ""), mapper_for("labour"),
                                      RECEIVED_AT))
        assert letter["reason_code"] == "implausible-time" and "in the future" in letter["reason"]

    def test_a_ticac_tip_dated_2596_is_dead_lettered(self):
        letter = dead_letter_of(route("police", tip_record("01/03/2596 10:00"), mapper_for("police"),
                                      datetime(2025, 3, 1, 12, tzinfo=timezone.utc)))
        assert letter["reason_code"] == "implausible-time" and "2053-03-01" in letter["reason"]

    def test_an_event_before_the_act_came_into_force_is_dead_lettered(self):
        letter = dead_letter_of(route("police", tip_record("2008-01-01T10:00:00+07:00"), mapper_for("police"),
                                      RECEIVED_AT))
        assert letter["reason_code"] == "implausible-time" and OLDEST_EVENT_AT.date().isoformat() in letter["reason"]

    def test_a_record_within_the_tolerance_of_its_recording_and_the_intake_passes(self):
        received = datetime(2025, 3, 5, 9, tzinfo=timezone.utc)          # 16:00 in Bangkok
        publications = route("labour", labour_record("05/03/2568 16:40", "05/03/2568 16:00"), mapper_for("labour"),
                             received)
        assert not any(p.dead_letter for p in publications)

    def test_a_record_an_hour_and_more_after_the_intake_clock_is_refused(self):
        received = datetime(2025, 3, 5, 9, tzinfo=timezone.utc) - timedelta(minutes=30)
        publications = route("labour", labour_record("05/03/2568 17:00", ""), mapper_for("labour"), received)
        assert dead_letter_of(publications)["reason_code"] == "implausible-time"
