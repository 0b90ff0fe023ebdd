"""The compiled Avro writer (schemas.codec_fast) writes fastavro's bytes, or declines; never anything else.

The connectors publish what ``schemas.encode`` returns, so a compiled writer that disagreed with
fastavro by one byte would change every event on the bus. Each check compares the compiled
writer with fastavro itself (``schemaless_writer`` with the codec's options) on the same value:
same bytes, or the compiled writer raises ``Unfit`` (and the codec answers with fastavro).
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import random
from typing import Any

import pytest
from fastavro import schemaless_writer
from fastavro.utils import generate_many

import schemas
from connectors.agencies import mapper_for
from connectors.records import Origin
from schemas import codec_fast
from schemas.codec_fast import Unfit, compile_writer

NAMES = schemas.schema_names()
_codec = schemas.Codec()


def _writer(name: str) -> tuple[bytes, dict]:
    _codec.encode(name, schemas.example(name))   # sets the codec up (and the naive-datetime guard)
    return _codec._writers[name]  # noqa: SLF001 - the codec's own parsed schema and header


def _fastavro(name: str, record: Any) -> bytes | None:
    header, parsed = _writer(name)
    out = io.BytesIO()
    out.write(header)
    try:
        schemaless_writer(out, parsed, record, strict_allow_default=True)
    except Exception:  # noqa: BLE001 - fastavro refusing is an answer too
        return None
    return out.getvalue()


def _agree(name: str, record: Any) -> str:
    """'same' or 'declined'; fails the test on any disagreement."""
    header, parsed = _writer(name)
    write = compile_writer(parsed, header)
    assert write is not None, f"{name} has no compiled writer"
    expected = _fastavro(name, copy.deepcopy(record))
    try:
        got = write(copy.deepcopy(record))
    except Unfit:
        return "declined"
    assert expected is not None, f"{name}: compiled writer accepted a value fastavro refuses: {record!r:.300}"
    assert got == expected, f"{name}: bytes differ for {record!r:.300}"
    assert schemas.encode(name, record) == expected
    return "same"


def _bench_events() -> list[Any]:
    from ops.bench_intake import _jsonable, crossing_rows, labour_csv, police_records
    from connectors.sources.files import read_bytes
    _, rows = read_bytes("inspection_x.csv", labour_csv(3, "X"))
    events = [e for r in rows for e in mapper_for("labour")(r.record.fields, r.record.origin)]
    events += [e for r in police_records(3, "X") for e in mapper_for("police")(r, Origin("http", "b", "0"))]
    events += [e for r in crossing_rows(3)
               for e in mapper_for("immigration")(_jsonable(r), Origin("sql", "crossings", str(r["id"])))]
    return events


_ODD_VALUES = [None, True, False, 0, -1, 1, 2**31, -(2**31) - 1, 2**63, -(2**63) - 1, 1.5, float("inf"), "",
               "ข้อความไทย", "\ud800", b"bytes", [], [None], {}, {"x": 1}, ("a",), dt.date(2024, 2, 29),
               dt.datetime(2025, 1, 1, 7, 0), dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc), object()]


def _mutations(record: Any, rng: random.Random, count: int) -> list[Any]:
    """Copies of ``record`` with one value somewhere replaced, removed, or a field added."""
    paths: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                paths.append((node, key))
                walk(value)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                paths.append((node, i))
                walk(value)

    out = []
    for _ in range(count):
        mutant = copy.deepcopy(record)
        paths.clear()
        walk(mutant)
        if not paths:
            break
        parent, key = rng.choice(paths)
        action = rng.random()
        if action < 0.1 and isinstance(parent, dict):
            del parent[key]
        elif action < 0.15 and isinstance(parent, dict):
            parent["unexpected_field"] = "x"
        else:
            parent[key] = rng.choice(_ODD_VALUES)
        out.append(mutant)
    return out


class TestCompiledWriter:
    def test_every_top_level_schema_has_a_compiled_writer(self):
        for name in NAMES:
            header, parsed = _writer(name)
            assert compile_writer(parsed, header) is not None, name

    @pytest.mark.parametrize("name", NAMES)
    def test_writes_fastavros_bytes_for_each_example_and_generated_record(self, name):
        outcomes = [_agree(name, schemas.example(name))]
        header, parsed = _writer(name)
        outcomes += [_agree(name, record) for record in generate_many(parsed, 30)]
        assert outcomes[0] == "same"

    def test_writes_fastavros_bytes_for_the_bench_events(self):
        for event in _bench_events():
            assert _agree(event.schema, event.record) == "same"

    @pytest.mark.parametrize("name", NAMES)
    def test_damaged_records_get_fastavros_bytes_or_are_declined(self, name):
        rng = random.Random(name)
        seen = {"same": 0, "declined": 0}
        for mutant in _mutations(schemas.example(name), rng, 60):
            seen[_agree(name, mutant)] += 1
        assert seen["declined"] > 0

    def test_a_naive_datetime_is_still_refused_with_the_codecs_message(self):
        event = _bench_events()[0]
        record = copy.deepcopy(dict(event.record))
        record["envelope"] = {**record["envelope"], "occurred_at": dt.datetime(2025, 3, 4, 17, 0)}
        with pytest.raises(schemas.SchemaError, match="naive datetime"):
            schemas.encode(event.schema, record)

    def test_declines_a_bool_for_an_int_and_an_unknown_enum_symbol(self):
        name = "sanpalang.labour.InspectionCompleted"
        record = dict(schemas.example(name))
        header, parsed = _writer(name)
        write = compile_writer(parsed, header)
        assert write is not None
        with pytest.raises(Unfit):
            write({**record, "workers_checked": True})
        envelope = {**record["envelope"], "agency": "nobody"}
        with pytest.raises(Unfit):
            write({**record, "envelope": envelope})


class TestRememberedValues:
    """Texts and longs are kept encoded between records; a hit must write what a miss writes."""

    @pytest.mark.parametrize("name", NAMES)
    def test_writes_fastavros_bytes_again_once_its_values_are_remembered(self, name):
        header, parsed = _writer(name)
        records = [schemas.example(name), *generate_many(parsed, 10)]
        for _ in range(2):   # the second pass finds every text and long remembered
            for record in records:
                _agree(name, record)

    def test_writes_the_same_bytes_after_the_caches_were_emptied_when_full(self, monkeypatch):
        events = _bench_events()
        first = [schemas.encode(e.schema, e.record) for e in events]
        monkeypatch.setattr(codec_fast, "_CACHE_ENTRIES", 3)
        codec_fast._TEXTS.clear()  # noqa: SLF001
        codec_fast._LONGS.clear()  # noqa: SLF001
        assert [schemas.encode(e.schema, e.record) for e in events] == first
        assert len(codec_fast._TEXTS) <= 3 and len(codec_fast._LONGS) <= 3  # noqa: SLF001

    def test_does_not_remember_a_text_that_cannot_be_encoded(self):
        name = "sanpalang.labour.InspectionCompleted"
        record = copy.deepcopy(dict(schemas.example(name)))
        record["findings"] = "lone \ud800 surrogate"
        assert _agree(name, record) == "declined"
        assert "lone \ud800 surrogate" not in codec_fast._TEXTS  # noqa: SLF001

    def test_keeps_free_text_longer_than_200_bytes_out_of_the_cache(self):
        name = "sanpalang.labour.InspectionCompleted"
        record = copy.deepcopy(dict(schemas.example(name)))
        record["findings"] = "ก" * 100   # 300 bytes of UTF-8
        assert _agree(name, record) == "same"
        assert record["findings"] not in codec_fast._TEXTS  # noqa: SLF001
