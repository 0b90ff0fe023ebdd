"""The contract on the bus: Avro schemas, the single-object codec, the evolution guard.

    >>> import schemas
    >>> data = schemas.encode("sanpalang.police.CustodyStarted", record)
    >>> name, record = schemas.decode(data)

Nothing is read at import time; the schema files are parsed once, at first use.
"""

from __future__ import annotations

import json
from typing import Any

from .codec import HEADER_SIZE, MARKER, Codec, load_lock
from .registry import AVRO_DIR, EXAMPLES_DIR, LOCK_PATH, CodecError, Registry, SchemaError, jsonable

__all__ = [
    "AVRO_DIR", "EXAMPLES_DIR", "HEADER_SIZE", "LOCK_PATH", "MARKER",
    "Codec", "CodecError", "Registry", "SchemaError", "default_codec", "default_registry",
    "canonical_form", "decode", "encode", "example", "fingerprint", "fingerprint_hex", "jsonable", "load_lock",
    "names_in_namespace", "schema_json", "schema_names", "writer_schemas",
]

default_registry = Registry()
default_codec = Codec(default_registry)

encode = default_codec.encode
"""encode(full_schema_name, record) -> bytes; raises SchemaError naming the field that does not fit."""
decode = default_codec.decode
"""decode(data) -> (full_schema_name, record); raises CodecError naming the problem."""


def schema_names() -> list[str]:
    """Full names of the top-level records (agency events and hub records), sorted."""
    return list(default_registry.top_level)


def names_in_namespace(namespace: str) -> list[str]:
    """Top-level records of one namespace, e.g. ``names_in_namespace("sanpalang.police")``."""
    return default_registry.names_in_namespace(namespace)


def fingerprint(full_name: str) -> int:
    """CRC-64-AVRO of the current schema, as an unsigned int (wire bytes read little-endian)."""
    return default_registry.fingerprint(full_name)


def fingerprint_hex(full_name: str) -> str:
    """CRC-64-AVRO of the current schema: 16 lower-case hex digits in wire (little-endian) order."""
    return default_registry.fingerprint_hex(full_name)


def canonical_form(full_name: str) -> str:
    """Parsing Canonical Form of the current schema (what the fingerprint is taken of)."""
    return default_registry.canonical_form(full_name)


def schema_json(full_name: str) -> str:
    """The schema with docs, every named type inlined: standalone JSON for the schema topic."""
    return default_registry.schema_json(full_name)


def writer_schemas() -> dict[str, str]:
    """Fingerprint hex -> schema JSON of every schema this build can decode: the current schemas
    (with docs) and each historical version in the lock (docs stripped). For the schema topic."""
    out: dict[str, str] = {}
    for versions in load_lock().get("schemas", {}).values():
        for version in versions:
            schema = version.get("schema")
            out[version["fingerprint"]] = (json.dumps(schema, ensure_ascii=False, separators=(",", ":"))
                                           if schema else version["canonical"])
    for name in default_registry.top_level:
        out[default_registry.fingerprint_hex(name)] = default_registry.schema_json(name)
    return out


def example(full_name: str) -> dict[str, Any]:
    """The example record of a top-level schema (schemas/examples/<full name>.json), ready for encode."""
    return default_registry.example(full_name)
