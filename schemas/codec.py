"""Avro single-object encoding on fastavro: ``C3 01`` + CRC-64-AVRO fingerprint (8 bytes,
little-endian) of the writer schema's Parsing Canonical Form + Avro binary body.

Decoding looks the writer schema up by fingerprint among the current schemas, every
historical version recorded in ``schemas.lock.json`` and any schema added at run time
(fetched from the schema topic), and resolves it onto the current schema of the same name.

fastavro converts a *naive* datetime with ``time.mktime``, i.e. as local time: on a machine set
to Asia/Bangkok every deadline would move by 7 hours. The first ``Codec`` set up therefore wraps
fastavro's timestamp writers (process-wide) so that naive datetimes are refused; aware datetimes
and integers are written exactly as before.
"""

from __future__ import annotations

import datetime as _dt
import json
import threading
from io import BytesIO
from pathlib import Path
from typing import Any, Mapping

import fastavro.write
from fastavro import schemaless_reader, schemaless_writer
from fastavro.read import SchemaResolutionError
from fastavro.schema import parse_schema
from fastavro.validation import validate

from .registry import LOCK_PATH, CodecError, Registry, SchemaError, canonical_form, fingerprint_hex, full_name

MARKER = b"\xc3\x01"
HEADER_SIZE = 10


class Codec:
    """Encodes and decodes the hub's records. Schemas are parsed once, at first use."""

    def __init__(self, registry: Registry | None = None, lock: Mapping[str, Any] | Path | str | None = None):
        self.registry = registry or Registry()
        self._lock_source = lock
        self._ready = False
        self._guard = threading.Lock()
        self._writers: dict[str, tuple[bytes, dict]] = {}          # name -> (header, parsed)
        self._readers: dict[bytes, tuple[str, dict, dict | None]] = {}  # fp -> (name, writer, reader|None)
        self._pending: dict[bytes, tuple[str, Any]] = {}            # fp -> (name, schema), parsed on use

    # ------------------------------------------------------------------ setup
    def _setup(self) -> None:
        _refuse_naive_timestamps()
        with self._guard:
            if self._ready:
                return
            for name in self.registry.top_level:
                parsed = parse_schema(self.registry.standalone(name))
                fp = bytes.fromhex(self.registry.fingerprint_hex(name))
                self._writers[name] = (MARKER + fp, parsed)
                self._readers[fp] = (name, parsed, None)
            for name, versions in load_lock(self._lock_source).get("schemas", {}).items():
                for version in versions:
                    fp = bytes.fromhex(version["fingerprint"])
                    if fp not in self._readers:
                        self._pending[fp] = (name, version.get("schema") or version["canonical"])
            self._ready = True

    def _reader_for(self, fp: bytes) -> tuple[str, dict, dict | None]:
        if not self._ready:
            self._setup()
        entry = self._readers.get(fp)
        if entry is not None:
            return entry
        pending = self._pending.pop(fp, None)
        if pending is None:
            hex_fp = fp.hex()
            raise CodecError(
                f"unknown writer schema fingerprint {hex_fp} (CRC-64-AVRO): schema not in this build; "
                "fetch it from the schema topic or upgrade", fingerprint=hex_fp)
        name, schema = pending
        self.add_writer_schema(schema)
        try:
            return self._readers[fp]
        except KeyError:
            raise CodecError(f"schemas.lock.json: the {name} version locked as {fp.hex()} has another fingerprint; "
                             "the lock is corrupt", fingerprint=fp.hex(), schema_name=name) from None

    def add_writer_schema(self, schema: str | Mapping[str, Any]) -> str:
        """Make a writer schema known (e.g. one fetched from the schema topic); returns its full name.

        Data written with it is resolved onto the current schema of the same name, or read as
        written when this build has no schema of that name."""
        if not self._ready:
            self._setup()
        try:
            obj = json.loads(schema) if isinstance(schema, (str, bytes)) else dict(schema)
            name = full_name(obj)
            fp = bytes.fromhex(fingerprint_hex(canonical_form(obj)))
            writer = parse_schema(obj)
        except Exception as exc:  # fastavro raises several kinds for a bad schema
            raise SchemaError(f"cannot use writer schema: {exc}") from exc
        if fp in self._readers:
            return self._readers[fp][0]
        current = self._writers.get(name)
        self._readers[fp] = (name, writer, current[1] if current else None)
        return name

    # ---------------------------------------------------------------- codec
    def encode(self, name: str, record: Mapping[str, Any]) -> bytes:
        if not self._ready:
            self._setup()
        try:
            header, parsed = self._writers[name]
        except KeyError:
            self.registry.require(name)
            raise SchemaError(f"{name} is not a top-level schema; encode one of: "
                              f"{', '.join(self.registry.top_level)}", schema_name=name) from None
        out = BytesIO()
        out.write(header)
        try:
            schemaless_writer(out, parsed, record, strict_allow_default=True)
        except Exception as exc:
            raise _misfit(name, parsed, record, exc) from exc
        return out.getvalue()

    def decode(self, data: bytes) -> tuple[str, dict]:
        if not isinstance(data, bytes):
            if not isinstance(data, (bytearray, memoryview)):
                raise CodecError(f"expected bytes, got {type(data).__name__}")
            data = bytes(data)
        if data[:2] != MARKER:
            raise CodecError(_bad_start(data))
        if len(data) < HEADER_SIZE:
            raise CodecError(f"truncated header: {len(data)} bytes, need {HEADER_SIZE} "
                             "(C3 01 marker + 8-byte CRC-64-AVRO fingerprint)")
        fp = data[2:HEADER_SIZE]
        name, writer, reader = self._reader_for(fp)
        body = BytesIO(data)
        body.seek(HEADER_SIZE)
        try:
            record = schemaless_reader(body, writer, reader)
        except SchemaResolutionError as exc:
            raise CodecError(f"cannot resolve writer schema {fp.hex()} of {name} onto this build's {name}: {exc}",
                             fingerprint=fp.hex(), schema_name=name) from exc
        except Exception as exc:  # EOFError, StructError, IndexError, UnicodeDecodeError, OverflowError, ...
            if len(data) == HEADER_SIZE:
                raise CodecError(f"no body: {name} header (fingerprint {fp.hex()}) without a record",
                                 schema_name=name) from exc
            cause = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            raise CodecError(f"cannot decode {name} body (fingerprint {fp.hex()}): truncated or corrupt ({cause})",
                             schema_name=name) from exc
        if body.tell() != len(data):
            raise CodecError(f"{name} body (fingerprint {fp.hex()}) has {len(data) - body.tell()} "
                             "trailing bytes after the record", schema_name=name)
        return name, record


def _refuse_naive_timestamps() -> None:
    writers = fastavro.write.LOGICAL_WRITERS
    for key in ("long-timestamp-millis", "long-timestamp-micros"):
        original = writers[key]
        if getattr(original, "refuses_naive", False):
            continue

        def strict(data: Any, schema: Any, _original=original) -> Any:
            if isinstance(data, _dt.datetime) and data.tzinfo is None:
                raise ValueError(f"naive datetime {data.isoformat()}: use a timezone-aware UTC datetime")
            return _original(data, schema)

        strict.refuses_naive = True  # type: ignore[attr-defined]
        writers[key] = strict


def load_lock(source: Mapping[str, Any] | Path | str | None = None) -> Mapping[str, Any]:
    """The lock file (default: the packaged schemas.lock.json) as a dict; {} when absent."""
    if isinstance(source, Mapping):
        return source
    path = Path(source) if source else LOCK_PATH
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError as exc:
        raise SchemaError(f"{path}: not valid JSON: {exc}") from exc


def _bad_start(data: bytes) -> str:
    if not data:
        return "empty payload: expected Avro single-object encoding (C3 01 + 8-byte fingerprint + body)"
    if data[:1] == MARKER[:1] and len(data) == 1:
        return "truncated header: 1 byte, need 10 (C3 01 marker + 8-byte CRC-64-AVRO fingerprint)"
    head = data[:1]
    hint = ""
    if head in (b"{", b"["):
        hint = ": looks like JSON text"
    elif data[:1] == b"\x00" and len(data) >= 5:
        hint = ": looks like Confluent schema-registry framing (magic byte 0)"
    elif data[:4] == b"Obj\x01":
        hint = ": looks like an Avro object container file"
    return (f"missing Avro single-object marker C3 01 (payload starts with {data[:2].hex(' ')}){hint}; "
            "not an Avro single-object encoded message")


def _misfit(name: str, parsed: dict, record: Any, exc: Exception) -> SchemaError:
    """Turn a fastavro write failure into a message naming the field path."""
    problem = _find_misfit(parsed, record, "", parsed.get("__named_schemas", {}))
    return SchemaError(f"record does not fit {name}: {problem or exc}", schema_name=name)


def _find_misfit(schema: Any, datum: Any, path: str, named: Mapping[str, Any]) -> str | None:
    """The first place where ``datum`` departs from ``schema``, as 'path: what is wrong'."""
    if isinstance(schema, str) and schema in named:
        schema = named[schema]
    where = path or "<record>"
    if isinstance(schema, list):
        if any(_find_misfit(branch, datum, path, named) is None for branch in schema):
            return None
        others = [branch for branch in schema if branch != "null"]
        if datum is not None and len(others) == 1:
            return _find_misfit(others[0], datum, path, named)
        return f"{where}: {datum!r:.60} matches none of {' | '.join(_type_name(b, named) for b in schema)}"
    kind = schema.get("type") if isinstance(schema, dict) else schema
    if kind == "record":
        if not isinstance(datum, Mapping):
            return f"{where}: expected an object ({schema['name']}), got {type(datum).__name__}"
        fields = {fld["name"]: fld for fld in schema["fields"]}
        extra = sorted(set(datum) - set(fields))
        if extra:
            return f"{where}: field(s) {', '.join(map(str, extra))} not in {schema['name']}"
        for fname, fld in fields.items():
            sub = f"{path}.{fname}" if path else fname
            if fname not in datum:
                if "default" in fld:
                    continue
                return f"{sub}: missing (required, no default)"
            problem = _find_misfit(fld["type"], datum[fname], sub, named)
            if problem:
                return problem
        return None
    if kind == "array":
        if not isinstance(datum, (list, tuple)):
            return f"{where}: expected a list, got {type(datum).__name__}"
        for i, item in enumerate(datum):
            problem = _find_misfit(schema["items"], item, f"{path}[{i}]", named)
            if problem:
                return problem
        return None
    if kind == "map":
        if not isinstance(datum, Mapping):
            return f"{where}: expected a dict, got {type(datum).__name__}"
        for key, item in datum.items():
            problem = _find_misfit(schema["values"], item, f"{path}[{key!r}]", named)
            if problem:
                return problem
        return None
    logical = schema.get("logicalType", "") if isinstance(schema, dict) else ""
    if isinstance(datum, _dt.datetime) and datum.tzinfo is None and logical.startswith("timestamp"):
        return f"{where}: naive datetime {datum.isoformat()}; use a timezone-aware UTC datetime"
    try:
        ok = validate(datum, schema, raise_errors=False)
    except Exception:  # validate itself may choke on exotic values
        ok = False
    if ok:
        return None
    detail = f" (symbols: {', '.join(schema['symbols'])})" if kind == "enum" else ""
    return f"{where}: {datum!r:.60} is not a valid {_type_name(schema, named)}{detail}"


def _type_name(schema: Any, named: Mapping[str, Any]) -> str:
    if isinstance(schema, dict):
        return schema.get("logicalType") or schema.get("name") or str(schema.get("type"))
    if isinstance(schema, list):
        return " | ".join(_type_name(s, named) for s in schema)
    return str(schema)
