"""The codec: single-object encoding on fastavro, round trips, clear errors."""

from __future__ import annotations

import datetime as dt
import io
import json

import fastavro
import pytest
from fastavro.utils import generate_many
from hypothesis import given, settings
from hypothesis import strategies as st

import schemas
from schemas import Codec, CodecError, SchemaError

from .helpers import wire

NAMES = schemas.schema_names()
CUSTODY = "sanpalang.police.CustodyStarted"
GOOD = schemas.encode(CUSTODY, schemas.example(CUSTODY))


def _parsed(name: str) -> dict:
    return fastavro.parse_schema(json.loads(schemas.schema_json(name)))


class TestCodec:
    @pytest.mark.parametrize("name", NAMES)
    def test_round_trips_every_schema_with_generated_records(self, name):
        for record in generate_many(_parsed(name), 25):
            decoded_name, decoded = schemas.decode(schemas.encode(name, record))
            assert decoded_name == name
            assert wire(decoded) == wire(record)

    @pytest.mark.parametrize("name", NAMES)
    def test_round_trips_every_example_exactly(self, name):
        record = schemas.example(name)
        assert schemas.decode(schemas.encode(name, record)) == (name, record)

    def test_writes_the_single_object_header(self):
        data = schemas.encode(CUSTODY, schemas.example(CUSTODY))
        assert data[:2] == b"\xc3\x01"
        assert data[2:10] == bytes.fromhex(schemas.fingerprint_hex(CUSTODY))
        assert int.from_bytes(data[2:10], "little") == schemas.fingerprint(CUSTODY)

    def test_body_is_plain_avro_binary_of_the_schema(self):
        record = schemas.example(CUSTODY)
        body = io.BytesIO()
        fastavro.schemaless_writer(body, _parsed(CUSTODY), record)
        assert schemas.encode(CUSTODY, record)[10:] == body.getvalue()

    def test_fills_omitted_fields_that_have_defaults(self):
        record = schemas.example(CUSTODY)
        del record["legal_basis"], record["envelope"]["agency_case_ref"], record["envelope"]["persons"]
        _, decoded = schemas.decode(schemas.encode(CUSTODY, record))
        assert decoded["legal_basis"] == "ATIPA B.E. 2551 s.29"
        assert decoded["envelope"]["persons"] == [] and decoded["envelope"]["agency_case_ref"] is None

    def test_accepts_epoch_milliseconds_for_timestamps(self):
        record = schemas.example(CUSTODY)
        record["envelope"]["occurred_at"] = 1_740_843_000_000
        _, decoded = schemas.decode(schemas.encode(CUSTODY, record))
        assert decoded["envelope"]["occurred_at"] == dt.datetime(2025, 3, 1, 15, 30, tzinfo=dt.timezone.utc)

    def test_decodes_bytearray_and_memoryview(self):
        assert schemas.decode(bytearray(GOOD))[0] == CUSTODY
        assert schemas.decode(memoryview(GOOD))[0] == CUSTODY

    def test_a_fresh_codec_reads_nothing_until_first_use(self):
        codec = Codec()
        assert not codec._ready
        codec.decode(GOOD)
        assert codec._ready


class TestEncodeErrors:
    def _error(self, mutate) -> str:
        record = schemas.example(CUSTODY)
        mutate(record)
        with pytest.raises(SchemaError) as caught:
            schemas.encode(CUSTODY, record)
        assert isinstance(caught.value, CodecError)
        return str(caught.value)

    def test_names_a_field_of_the_wrong_type(self):
        message = self._error(lambda r: r.update(person_ref=5))
        assert "person_ref: 5 is not a valid string" in message and CUSTODY in message

    def test_names_a_missing_required_field(self):
        assert "place_of_custody: missing" in self._error(lambda r: r.pop("place_of_custody"))

    def test_names_an_unknown_field_even_when_nested(self):
        message = self._error(lambda r: r["envelope"]["persons"][0].update(nick="Ma Aye"))
        assert "envelope.persons[0]: field(s) nick not in sanpalang.common.Person" in message

    def test_names_an_enum_value_that_is_not_a_symbol_and_lists_the_symbols(self):
        message = self._error(lambda r: r["envelope"].update(agency="army"))
        assert "envelope.agency: 'army'" in message and "police, labour, immigration, social" in message

    def test_names_an_out_of_range_int(self):
        message = self._error(lambda r: r["envelope"]["persons"][0].update(age_years=2**40))
        assert "envelope.persons[0].age_years" in message

    def test_refuses_naive_datetimes_which_fastavro_would_read_as_local_time(self):
        message = self._error(lambda r: r["envelope"].update(occurred_at=dt.datetime(2025, 3, 1, 15, 30)))
        assert "envelope.occurred_at: naive datetime" in message

    def test_refuses_an_unknown_schema_name(self):
        with pytest.raises(SchemaError, match="unknown schema 'sanpalang.police.Nope'"):
            schemas.encode("sanpalang.police.Nope", {})

    def test_refuses_a_named_type_that_is_not_top_level(self):
        with pytest.raises(SchemaError, match="not a top-level schema"):
            schemas.encode("sanpalang.common.SourceRef", {"system": "x", "record_id": "y"})

    def test_refuses_a_record_that_is_not_a_dict(self):
        with pytest.raises(SchemaError, match="expected an object"):
            schemas.encode(CUSTODY, ["not", "a", "dict"])


class TestBadBytes:
    @pytest.mark.parametrize("data, words", [
        (b"", "empty payload"),
        (b"\xc3", "truncated header: 1 byte"),
        (b"\xc3\x01", "truncated header: 2 bytes"),
        (b"\xc3\x01\x00\x01\x02", "truncated header: 5 bytes"),
        (b"\xc3\x02" + GOOD[2:], "missing Avro single-object marker C3 01"),
        (b'{"event_id": "x"}', "looks like JSON text"),
        (b"\x00\x00\x00\x00\x2a\x02", "Confluent"),
        (b"\xc3\x01" + bytes(8) + GOOD[10:], "unknown writer schema fingerprint 0000000000000000"),
        (GOOD[:10], "no body"),
        (GOOD[:-3], "truncated or corrupt"),
        (GOOD + b"\x00", "1 trailing bytes"),
    ], ids=["empty", "one-byte", "marker-only", "short-header", "wrong-marker", "json", "confluent",
            "unknown-fingerprint", "header-only", "truncated-body", "trailing-bytes"])
    def test_names_the_problem(self, data, words):
        with pytest.raises(CodecError) as caught:
            schemas.decode(data)
        assert words in str(caught.value)

    def test_unknown_fingerprint_says_where_to_get_the_schema_and_carries_it(self):
        with pytest.raises(CodecError) as caught:
            schemas.decode(b"\xc3\x01" + bytes.fromhex("0102030405060708") + b"\x00")
        assert "schema not in this build; fetch it from the schema topic or upgrade" in str(caught.value)
        assert caught.value.fingerprint == "0102030405060708"

    def test_refuses_what_is_not_bytes(self):
        with pytest.raises(CodecError, match="expected bytes, got str"):
            schemas.decode("C301")

    @settings(max_examples=300, deadline=None)
    @given(st.binary(max_size=200))
    def test_random_bytes_raise_nothing_but_codec_error(self, data):
        for payload in (data, b"\xc3\x01" + data, GOOD[:10] + data):
            try:
                schemas.decode(payload)
            except CodecError:
                pass

    @settings(max_examples=300, deadline=None)
    @given(st.integers(0, len(GOOD) - 1), st.lists(st.tuples(st.integers(10, len(GOOD) - 1), st.integers(0, 255)),
                                                   max_size=4))
    def test_truncated_or_flipped_bodies_raise_nothing_but_codec_error(self, cut, flips):
        data = bytearray(GOOD)
        for at, value in flips:
            data[at] = value
        for payload in (bytes(data[:cut]), bytes(data)):
            try:
                schemas.decode(payload)
            except CodecError:
                pass
