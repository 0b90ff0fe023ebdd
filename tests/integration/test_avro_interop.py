"""Interop with the official Apache ``avro`` package: no broker needed.

avro 1.12 (Python) keeps a logical type's wrapper in its Parsing Canonical Form
(``{"type":"long"}`` where the spec, Java's SchemaNormalization and fastavro write ``"long"``), so
its ``fingerprint()`` of a schema *with logical types* differs from the one on the wire, which is
the Java one. These tests pin both facts: same CRC-64-AVRO and same canonical form once that
wrapper is folded, and the divergence itself (so we notice when avro fixes it).
"""

from __future__ import annotations

import io
import json

import avro.io
import avro.schema
import pytest

import schemas
from schemas.registry import canonical_form, fingerprint_hex

NAMES = schemas.schema_names()


def _strip_logical(obj):
    if isinstance(obj, dict):
        return {k: _strip_logical(v) for k, v in obj.items() if k != "logicalType"}
    if isinstance(obj, list):
        return [_strip_logical(v) for v in obj]
    return obj


def _fold_wrappers(obj):
    """``{"type": "long"}`` -> ``"long"``: the [PRIMITIVES] step avro-python skips for logical types."""
    if isinstance(obj, dict):
        if set(obj) == {"type"} and isinstance(obj["type"], str):
            return obj["type"]
        return {k: _fold_wrappers(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_fold_wrappers(v) for v in obj]
    return obj


class TestAvroReadsOurBytes:
    @pytest.mark.parametrize("name", NAMES)
    def test_official_avro_decodes_the_body_of_every_example(self, name):
        record = schemas.example(name)
        data = schemas.encode(name, record)
        writer = avro.schema.parse(schemas.schema_json(name))
        decoded = avro.io.DatumReader(writer).read(avro.io.BinaryDecoder(io.BytesIO(data[10:])))
        assert schemas.jsonable(decoded) == schemas.jsonable(record)

    def test_we_decode_what_official_avro_writes_behind_our_header(self):
        name = "sanpalang.police.RescueConducted"
        record = schemas.example(name)
        body = io.BytesIO()
        avro.io.DatumWriter(avro.schema.parse(schemas.schema_json(name))).write(record, avro.io.BinaryEncoder(body))
        header = b"\xc3\x01" + bytes.fromhex(schemas.fingerprint_hex(name))
        assert schemas.decode(header + body.getvalue()) == (name, record)


class TestSameFingerprint:
    @pytest.mark.parametrize("name", NAMES)
    def test_official_avro_computes_our_fingerprint_from_our_canonical_form(self, name):
        parsed = avro.schema.parse(schemas.canonical_form(name))
        assert parsed.canonical_form == schemas.canonical_form(name)
        assert parsed.fingerprint("CRC-64-AVRO") == bytes.fromhex(schemas.fingerprint_hex(name))

    @pytest.mark.parametrize("name", NAMES)
    def test_official_avro_computes_our_fingerprint_of_the_full_schema_without_logical_types(self, name):
        plain = avro.schema.parse(json.dumps(_strip_logical(json.loads(schemas.schema_json(name)))))
        assert plain.fingerprint("CRC-64-AVRO") == bytes.fromhex(schemas.fingerprint_hex(name))

    @pytest.mark.parametrize("name", NAMES)
    def test_avro_python_canonical_form_differs_only_by_keeping_logical_type_wrappers(self, name):
        theirs = avro.schema.parse(schemas.schema_json(name)).canonical_form
        assert theirs != schemas.canonical_form(name)  # avro 1.12 behaviour; fails once avro follows Java
        folded = json.dumps(_fold_wrappers(json.loads(theirs)), separators=(",", ":"))
        assert folded == schemas.canonical_form(name)

    def test_a_schema_without_logical_types_has_the_same_fingerprint_both_ways(self):
        plain = {"type": "record", "name": "Ping", "namespace": "sanpalang.test", "doc": "d",
                 "fields": [{"name": "n", "type": "long", "doc": "d"}]}
        assert avro.schema.parse(json.dumps(plain)).fingerprint("CRC-64-AVRO") == \
            bytes.fromhex(fingerprint_hex(canonical_form(plain)))
