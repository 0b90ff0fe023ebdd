"""The schema files of the contract: loading, inlining, fingerprints, examples.

One ``.avsc`` file per named type in ``schemas/avro/``, file name = full name, so that
``fastavro.schema.load_schema`` can resolve references from the same folder. References
between files always use full names. Nothing is read at import time: a :class:`Registry`
reads its folder on first use and caches everything it derives.
"""

from __future__ import annotations

import base64
import datetime as _dt
import json
import threading
import uuid
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable, Mapping

from fastavro.schema import fingerprint as _crc64_hex
from fastavro.schema import parse_schema, to_parsing_canonical_form

PACKAGE_DIR = Path(__file__).resolve().parent
AVRO_DIR = PACKAGE_DIR / "avro"
EXAMPLES_DIR = PACKAGE_DIR / "examples"
LOCK_PATH = PACKAGE_DIR / "schemas.lock.json"

PRIMITIVES = frozenset({"null", "boolean", "int", "long", "float", "double", "bytes", "string"})
NAMED = frozenset({"record", "enum", "fixed"})


class CodecError(ValueError):
    """Bytes that cannot be decoded, or a schema that cannot be used; the message names the problem.

    ``fingerprint`` (hex, as on the wire) is set when the writer schema is unknown, so a consumer
    can fetch it from the schema topic and retry after ``Codec.add_writer_schema``.
    """

    def __init__(self, message: str, *, fingerprint: str | None = None, schema_name: str | None = None):
        super().__init__(message)
        self.fingerprint = fingerprint
        self.schema_name = schema_name


class SchemaError(CodecError):
    """A record that does not fit its schema, an unknown schema name, or a broken schema file."""


def full_name(schema: Mapping[str, Any], namespace: str | None = None) -> str:
    """Full name of a named schema dict (``name`` may already be dotted)."""
    name = schema["name"]
    if "." in name:
        return name
    ns = schema.get("namespace", namespace)
    return f"{ns}.{name}" if ns else name


def canonical_form(schema: Any) -> str:
    """Avro Parsing Canonical Form (as Java's SchemaNormalization and fastavro compute it)."""
    return to_parsing_canonical_form(parse_schema(schema, _ignore_default_error=True))


def fingerprint_hex(canonical: str) -> str:
    """CRC-64-AVRO of a canonical form, hex of the 8 little-endian bytes written on the wire."""
    return _crc64_hex(canonical, "CRC-64-AVRO")


class Registry:
    """The named types of one ``.avsc`` folder."""

    def __init__(self, avro_dir: Path | str | None = None, examples_dir: Path | str | None = None):
        self.avro_dir = Path(avro_dir) if avro_dir else AVRO_DIR
        self.examples_dir = Path(examples_dir) if examples_dir else EXAMPLES_DIR
        self._lock = threading.Lock()
        self._standalone: dict[str, dict] = {}
        self._fingerprints: dict[str, str] = {}

    # ------------------------------------------------------------------ files
    @cached_property
    def raw(self) -> dict[str, dict]:
        """Full name -> the JSON of its file, as written (with docs)."""
        types: dict[str, dict] = {}
        for path in sorted(self.avro_dir.glob("*.avsc")):
            try:
                obj = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise SchemaError(f"{path.name}: not valid JSON: {exc}") from exc
            if not isinstance(obj, dict) or obj.get("type") not in NAMED:
                raise SchemaError(f"{path.name}: expected one named type (record, enum or fixed)")
            name = full_name(obj)
            if path.name != f"{name}.avsc":
                raise SchemaError(f"{path.name}: defines {name}; the file must be named {name}.avsc")
            types[name] = obj
        for name, obj in types.items():
            for ref in _references(obj):
                if ref not in types:
                    raise SchemaError(f"{name}: refers to {ref}, but there is no {ref}.avsc in {self.avro_dir}")
        return types

    @cached_property
    def top_level(self) -> list[str]:
        """Records no other type refers to: the events and the hub's own records."""
        referenced = {ref for obj in self.raw.values() for ref in _references(obj)}
        return sorted(n for n, obj in self.raw.items() if obj["type"] == "record" and n not in referenced)

    def names_in_namespace(self, namespace: str) -> list[str]:
        return [n for n in self.top_level if n.rpartition(".")[0] == namespace]

    def require(self, name: str) -> dict:
        try:
            return self.raw[name]
        except KeyError:
            raise SchemaError(f"unknown schema {name!r}; known top-level schemas: {', '.join(self.top_level)}",
                              schema_name=name) from None

    # --------------------------------------------------------------- derived
    def standalone(self, name: str) -> dict:
        """The schema of ``name`` with every named type inlined at first use (docs kept)."""
        with self._lock:
            if name not in self._standalone:
                self.require(name)
                self._standalone[name] = _inline(self.raw, name, set())
            return self._standalone[name]

    def schema_json(self, name: str) -> str:
        return json.dumps(self.standalone(name), ensure_ascii=False, separators=(",", ":"))

    def canonical_form(self, name: str) -> str:
        return canonical_form(self.standalone(name))

    def fingerprint_hex(self, name: str) -> str:
        if name not in self._fingerprints:
            self._fingerprints[name] = fingerprint_hex(self.canonical_form(name))
        return self._fingerprints[name]

    def fingerprint(self, name: str) -> int:
        """CRC-64-AVRO as an unsigned int (the wire bytes read little-endian, like Java's long)."""
        return int.from_bytes(bytes.fromhex(self.fingerprint_hex(name)), "little")

    def current(self) -> dict[str, dict]:
        """Every top-level schema, standalone: the input of the evolution guard."""
        return {n: self.standalone(n) for n in self.top_level}

    # -------------------------------------------------------------- examples
    def example(self, name: str) -> dict:
        """The example record of ``name``, converted to what the codec encodes."""
        self.require(name)
        path = self.examples_dir / f"{name}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SchemaError(f"no example for {name}: {path} is missing", schema_name=name) from None
        return from_json(self.raw, name, data)


def _references(obj: Any) -> Iterable[str]:
    """Full names a file refers to (files use full names; a file defines exactly one type)."""
    if isinstance(obj, str):
        if obj not in PRIMITIVES:
            yield obj
    elif isinstance(obj, list):
        for branch in obj:
            yield from _references(branch)
    elif isinstance(obj, dict):
        kind = obj.get("type")
        if kind == "record":
            for field in obj["fields"]:
                yield from _references(field["type"])
        elif kind == "array":
            yield from _references(obj["items"])
        elif kind == "map":
            yield from _references(obj["values"])
        elif kind not in NAMED:  # a primitive with a logical type, or a wrapped reference
            yield from _references(kind)


def _inline(raw: Mapping[str, dict], ref: Any, defined: set[str]) -> Any:
    """`ref` with each named type inlined at its first use, as written. Not fastavro's
    `load_schema`: its schemas have the same fingerprints, but in parsed form (full names, no
    namespace), which would change the resolution form of every schema in the lock."""
    if isinstance(ref, str):
        if ref in PRIMITIVES or ref in defined:
            return ref
        defined.add(ref)
        obj = dict(raw[ref])
        if obj["type"] == "record":
            obj["fields"] = [{**fld, "type": _inline(raw, fld["type"], defined)} for fld in obj["fields"]]
        return obj
    if isinstance(ref, list):
        return [_inline(raw, branch, defined) for branch in ref]
    if isinstance(ref, dict):
        kind = ref.get("type")
        if kind == "array":
            return {**ref, "items": _inline(raw, ref["items"], defined)}
        if kind == "map":
            return {**ref, "values": _inline(raw, ref["values"], defined)}
        return dict(ref)
    return ref


# ------------------------------------------------------------------ JSON <-> codec values
def _parse_timestamp(value: str) -> _dt.datetime:
    moment = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"timestamp {value!r} has no time zone; write it in UTC with Z")
    return moment.astimezone(_dt.timezone.utc)


def from_json(raw: Mapping[str, dict], schema: Any, value: Any) -> Any:
    """Turn a JSON value into what the codec encodes: ISO strings -> datetime / date,
    text or ``{"base64": ...}`` -> bytes, missing fields -> their defaults."""
    if isinstance(schema, str):
        if schema in PRIMITIVES:
            if schema == "bytes" and not isinstance(value, (bytes, bytearray)):
                if isinstance(value, dict) and "base64" in value:
                    return base64.b64decode(value["base64"])
                return str(value).encode("utf-8")
            return value
        schema = raw[schema]
    if isinstance(schema, list):
        if value is None:
            return None
        for branch in schema:
            if branch != "null":
                try:
                    return from_json(raw, branch, value)
                except (TypeError, ValueError, KeyError):
                    continue
        return value
    kind = schema["type"]
    logical = schema.get("logicalType")
    if logical in ("timestamp-millis", "timestamp-micros") and isinstance(value, str):
        return _parse_timestamp(value)
    if logical == "date" and isinstance(value, str):
        return _dt.date.fromisoformat(value)
    if kind == "record":
        if not isinstance(value, dict):
            raise TypeError(f"{full_name(schema)}: expected an object, got {type(value).__name__}")
        out = {}
        for fld in schema["fields"]:
            if fld["name"] in value:
                out[fld["name"]] = from_json(raw, fld["type"], value[fld["name"]])
            elif "default" in fld:
                out[fld["name"]] = from_json(raw, fld["type"], json.loads(json.dumps(fld["default"])))
        return out
    if kind == "array":
        return [from_json(raw, schema["items"], item) for item in value]
    if kind == "map":
        return {key: from_json(raw, schema["values"], item) for key, item in value.items()}
    if kind not in NAMED and (isinstance(kind, (list, dict)) or kind not in PRIMITIVES):
        return from_json(raw, kind, value)
    return value


def jsonable(value: Any) -> Any:
    """A decoded record as plain JSON values: datetimes as ISO 8601 UTC with Z, dates as ISO,
    bytes as text when UTF-8 else ``{"base64": ...}``."""
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat(timespec="milliseconds") + "Z"
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return {"base64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, uuid.UUID):
        return str(value)
    return value
