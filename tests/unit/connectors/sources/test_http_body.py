"""Every HTTP body ends as events or dead letters: read with limits, each failure named, nothing raised."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import schemas
from connectors.agencies import mapper_for
from connectors.routing import route_deferred
from connectors.sources.http import answer, item_json, split_body
from connectors.sources.http_body import nesting
from tests.unit.connectors.sources import mappers

AT = dt.datetime(2025, 3, 5, 3, 0, tzinfo=dt.timezone.utc)


def police(fields, origin):
    """Stand-in police mapping: a rescue whose id is ``record_id`` (refused without one)."""
    return [mappers._event("sanpalang.police.RescueConducted", "police", fields, "version")]


def intake(body: bytes, *, mapper=police, charset=None, problem=None) -> tuple[list, list, tuple[int, dict]]:
    """What the intake does with a body, without the server: its records, their publications, the answer."""
    given = {name: value for name, value in (("charset", charset), ("problem", problem)) if value is not None}
    records = split_body(body, "req-1", 1000, item_bytes=False, **given)
    per_record = [route_deferred("police", record, mapper, AT, item_json) for record in records]
    return records, per_record, answer("req-1", per_record)


def only_letter(body: bytes, **kwargs) -> dict:
    """The one dead letter of a body that cannot be read, decoded, checked to carry the body whole."""
    records, per_record, (status, _) = intake(body, **kwargs)
    assert status == 400 and len(records) == 1 and [len(ps) for ps in per_record] == [1]
    (publication,) = per_record[0]
    letter = schemas.decode(publication.value)[1]
    assert publication.dead_letter and letter["original"] == body
    assert letter["origin"]["location"] == "POST /v1/records request req-1"
    return letter


class TestBodiesOutsideTheLimits:
    def test_a_body_nested_10000_levels_deep_is_one_dead_letter_naming_the_depth(self):
        letter = only_letter(b"[" * 10_000 + b"]" * 10_000)
        assert letter["reason"] == "the body nests 10000 levels deep; at most 64 are read"

    def test_an_unclosed_nesting_is_refused_before_it_is_parsed(self):
        assert "nests 100000 levels deep" in only_letter(b'{"a":' * 100_000)["reason"]

    def test_brackets_inside_strings_do_not_count_as_nesting(self):
        records, _, (status, _) = intake(json.dumps({"record_id": "r1", "note": "[" * 500 + '\\"{'}).encode())
        assert status == 202 and records[0].fields["note"].startswith("[[[")

    def test_an_integer_of_5000_digits_is_one_dead_letter_naming_its_length(self):
        letter = only_letter(b'{"record_id": "r1", "count": ' + b"9" * 5000 + b"}")
        assert letter["reason"] == "the body holds an integer of 5000 digits; at most 100"

    def test_nan_is_not_a_json_number(self):
        assert only_letter(b'{"record_id": "r1", "age": NaN}')["reason"] == \
            "the body holds NaN, which is not a JSON number"

    def test_a_lone_surrogate_escape_makes_its_item_a_dead_letter_and_spares_the_others(self):
        body = (b'[{"record_id": "r1"}, {"record_id": "r2", "name": "\\ud800"}, '
                b'{"record_id": "r3", "x": "\\ud83d\\ude00"}]')
        records, per_record, (status, body_answer) = intake(body)
        assert status == 202 and [a["index"] for a in body_answer["accepted"]] == [0, 2]
        (letter,) = per_record[1]
        decoded = schemas.decode(letter.value)[1]
        assert decoded["reason_code"] == "unreadable" and "not half of a surrogate pair" in decoded["reason"]
        assert decoded["original"] == b'{"record_id": "r2", "name": "\\ud800"}'

    def test_a_surrogate_encoded_in_utf8_bytes_is_not_text(self):
        assert only_letter(b'{"record_id": "\xed\xa0\x80"}')["reason"].startswith("the body is not utf-8 text")

    def test_a_request_id_that_cannot_be_used_dead_letters_the_body_whole(self):
        problem = "the X-Request-Id header must be 1 to 200 visible ASCII characters"
        assert only_letter(b'{"record_id": "r1"}', problem=problem)["reason"] == problem


def depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    return 0


BRACKETY = st.text(alphabet='[]{}"\\ab', max_size=8)
NESTED = st.recursive(BRACKETY | st.integers(), lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(BRACKETY, inner, max_size=3), max_leaves=20)


class TestNesting:
    @given(NESTED, st.booleans())
    def test_counts_the_brackets_of_the_json_and_none_inside_its_strings(self, value, ascii_only):
        assert nesting(json.dumps(value, ensure_ascii=ascii_only).encode()) == depth(value)


class TestEncodings:
    BODY = {"record_id": "r1", "name": "สมชาย"}

    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32"])
    def test_json_in_any_unicode_encoding_is_read(self, encoding):
        records, _, (status, _) = intake(json.dumps(self.BODY, ensure_ascii=False).encode(encoding))
        assert status == 202 and records[0].fields == self.BODY

    @pytest.mark.parametrize("charset", ["tis-620", "TIS-620", "windows-874"])
    def test_a_thai_charset_is_read_when_declared(self, charset):
        records, _, (status, _) = intake(json.dumps(self.BODY, ensure_ascii=False).encode("cp874"), charset=charset)
        assert status == 202 and records[0].fields == self.BODY

    def test_a_thai_charset_not_declared_is_one_dead_letter_that_says_what_to_do(self):
        reason = only_letter(json.dumps(self.BODY, ensure_ascii=False).encode("cp874"))["reason"]
        assert reason.startswith("the body is not utf-8 text") and "declare the charset" in reason

    @pytest.mark.parametrize("charset", ["no-such-charset", "rot13", "unicode_escape", "utf-7"])
    def test_an_unknown_or_odd_charset_is_one_dead_letter(self, charset):
        reason = only_letter(b'{"record_id": "\\ud800"}', charset=charset)["reason"]   # a raw surrogate, decoded
        assert reason == f"the declared charset {charset!r} is not one this intake reads; send UTF-8"


class TestItemJson:
    def test_keeps_a_lone_surrogate_as_its_escape(self):
        assert item_json({"name": "\ud800"}) == b'{"name": "\\ud800"}'

    def test_writes_thai_as_utf8(self):
        assert item_json({"name": "สมชาย"}) == '{"name": "สมชาย"}'.encode()


# -- the property: any body at all is answered, and every item is accounted for ------------------

SCALARS = (st.none() | st.booleans() | st.integers() | st.integers(min_value=10 ** 90, max_value=10 ** 120)
           | st.floats(allow_nan=False) | st.text() | st.sampled_from(["\ud800", "x\udfff", "\U0001f600", "ก"]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(), inner, max_size=4), max_leaves=30)
RECORDS = st.dictionaries(st.sampled_from(["record_id", "name", "persons", "version", "occurred_at", "province"]),
                          VALUES, max_size=5)


def nested(depth: int, leaf: object) -> object:
    for _ in range(depth):
        leaf = [leaf]
    return leaf


@st.composite
def json_bodies(draw) -> bytes:
    """JSON text of items (records, other values, one nested up to 3000 deep), as a body in some
    encoding, with one number perhaps made thousands of digits long (or the text broken by it)."""
    items = [json.dumps(item, ensure_ascii=draw(st.booleans()))
             for item in draw(st.lists(RECORDS | VALUES, max_size=6))]
    if draw(st.booleans()):
        depth = draw(st.integers(0, 3000))
        items.append("[" * depth + json.dumps(draw(RECORDS)) + "]" * depth)
    shape = draw(st.sampled_from(["array", "records", "object"]))
    array = "[" + ", ".join(items) + "]"
    text = {"array": array, "records": '{"records": ' + array + "}", "object": items[0] if items else "{}"}[shape]
    if draw(st.booleans()):
        text = text.replace("1", "1" * draw(st.integers(1, 6000)), 1)
    return text.encode(draw(st.sampled_from(["utf-8", "utf-16", "utf-32-be", "utf-8-sig"])), "surrogatepass")


BODIES = st.binary(max_size=300) | json_bodies()
CHARSETS = st.none() | st.sampled_from(["utf-8", "tis-620", "latin-1", "utf-16", "utf-7", "unicode_escape", "bogus"])


class TestEveryBodyIsAccountedFor:
    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(body=BODIES, charset=CHARSETS, real_mapping=st.booleans())
    def test_any_body_ends_as_events_or_dead_letters_and_an_answer_of_202_or_400(self, body, charset, real_mapping):
        records, per_record, (status, body_answer) = intake(body, charset=charset,
                                                            mapper=mapper_for("police") if real_mapping else police)
        assert status in (202, 400)
        json.dumps(body_answer)   # the answer can be written
        for record, publications in zip(records, per_record, strict=True):
            letters = [p for p in publications if p.dead_letter]
            assert publications and (letters == [] or publications == letters[:1]), "events, or one dead letter"
            for publication in publications:
                name, _ = schemas.decode(publication.value)   # every message can be read back
                assert name.startswith("sanpalang.hub.DeadLetter" if publication.dead_letter else "sanpalang.police.")
        unreadable = len(records) == 1 and records[0].origin.position == "request req-1"
        assert len(body_answer["accepted"]) + len(body_answer["rejected"]) == len(records)
        assert unreadable or len(records) == len(_items_of(body, charset))


def _items_of(body: bytes, charset: str | None) -> list:
    text = body.decode(charset or json.detect_encoding(body)).removeprefix("\ufeff")
    parsed = json.loads(text)
    items = parsed["records"] if isinstance(parsed, dict) and "records" in parsed else parsed
    return [items] if isinstance(items, dict) else items
