"""The AsyncAPI 3.0 document of the hub's topics, built from the catalogue and the Avro schemas.

Why generated, never written by hand: the catalogue (``schemas/topics.toml``) already says which
topics exist, who writes and reads each, and with which key and schema; the ``.avsc`` files say
what is in a message. A hand-written contract would drift from both. Pure: values in, a dict out.

Shape: one channel per topic (``{agency}`` expanded), one message per Avro schema (the payload is
the schema itself, ``schemaFormat`` Avro 1.9.0, every named type inlined, docs kept), the key in
the Kafka message binding, topic settings in the Kafka channel binding, and one operation per
principal and topic (``<principal>.receive.<topic>`` / ``<principal>.send.<topic>``) carrying the
SCRAM-SHA-512 security scheme: the ACLs ``sanpalang topics apply`` grants, as a contract.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Mapping

from schemas.catalogue import SCHEMA_TOPIC, Catalogue, Topic

__all__ = ["AVRO_FORMAT", "ASYNCAPI_VERSION", "BINDING_VERSION", "SchemaSource", "build_document",
           "channel_id", "message_id", "operation_id"]

ASYNCAPI_VERSION = "3.0.0"
AVRO_FORMAT = "application/vnd.apache.avro;version=1.9.0"
AVRO_CONTENT_TYPE = "application/vnd.apache.avro+binary"
BINDING_VERSION = "0.5.0"
SCRAM = "scramSha512"

ENCODING = """\
## Message encoding: Avro single-object encoding

Every Avro message value is one Avro *single-object encoded* record (Avro specification,
"Single-object encoding"); there is no schema-registry server and no Kafka header:

| bytes | content |
|---|---|
| 0-1 | marker `C3 01` |
| 2-9 | CRC-64-AVRO fingerprint of the writer schema's Parsing Canonical Form, 8 bytes little-endian |
| 10- | the record in Avro binary encoding, written with that schema |

The writer schema of every fingerprint is on the compacted topic `schemas.avro.v1`: the key is
the 16 lower-case hex digits of bytes 2-9 exactly as they appear in the message (so
`value[2:10].hex()` is the key to look up), the value is the schema as JSON text. Read that topic
from the beginning at start, and again when a message carries a fingerprint you do not know.
Decode the body (from byte 10) with the writer schema; resolve it onto your own copy of the schema
(Avro schema resolution) if you keep one. The payload schemas below are the current writer schemas.

Keys are UTF-8 strings. Times are `timestamp-millis` (UTC); provinces ISO 3166-2:TH; nationalities
ISO 3166-1 alpha-3.
"""

PRIVACY = """\
## What consumers see

The `consumer` principal reads case views, alerts, the de-identified aggregates and the schema
topic only. Records meant for consumers carry identifiers as keyed HMAC-SHA256 tokens
(`<domain>-<32 hex>`, stable for one key) and no names; reporting tables are k-anonymous (k = 11,
CTDC practice). Consumer groups of a principal must start with `<principal>.`. Guide, and which
topics carry the pseudonymised form today: docs/consumers.md in the repository.
"""


class SchemaSource:
    """Where the document reads Avro schemas from (``schemas`` by default; tests may pass another)."""

    def __init__(self, names: Callable[[], list[str]] | None = None, schema_json: Callable[[str], str] | None = None,
                 fingerprint_hex: Callable[[str], str] | None = None) -> None:
        import schemas
        self.names = names or schemas.schema_names
        self.schema_json = schema_json or schemas.schema_json
        self.fingerprint_hex = fingerprint_hex or schemas.fingerprint_hex


def channel_id(topic: Topic) -> str:
    return topic.name


def message_id(schema_name: str) -> str:
    return schema_name


def operation_id(principal: str, action: str, topic: Topic) -> str:
    return f"{principal}.{action}.{topic.name}"


def _doc(schema: Mapping[str, Any]) -> str:
    return str(schema.get("doc") or schema["name"])


def _avro_message(name: str, topic: Topic, source: SchemaSource) -> dict[str, Any]:
    schema = json.loads(source.schema_json(name))
    fingerprint = source.fingerprint_hex(name)
    return {
        "name": name.rsplit(".", 1)[1],
        "title": name,
        "summary": _doc(schema),
        "description": (f"Avro single-object encoded `{name}`: bytes `C3 01 {' '.join(fingerprint[i:i + 2] for i in range(0, 16, 2))}` "
                        f"then the Avro body. Writer schema on `{SCHEMA_TOPIC}` under key `{fingerprint}`."),
        "contentType": AVRO_CONTENT_TYPE,
        "payload": {"schemaFormat": AVRO_FORMAT, "schema": schema},
        "bindings": {"kafka": {"key": {"type": "string", "description": topic.key_doc}, "bindingVersion": BINDING_VERSION}},
        "x-sanpalang-schema": name,
        "x-sanpalang-fingerprint": fingerprint,
        "x-sanpalang-encoding": "avro-single-object",
    }


def _json_message(topic: Topic) -> tuple[str, dict[str, Any]]:
    key: dict[str, Any] = {"type": "string", "description": topic.key_doc}
    if topic.name == SCHEMA_TOPIC:
        key["pattern"] = "^[0-9a-f]{16}$"
        payload = {"type": "object", "required": ["type"], "additionalProperties": True,
                   "description": "An Avro writer schema as JSON text (UTF-8), every named type inlined."}
        mid, title = "AvroWriterSchema", "Avro writer schema"
    else:
        payload = {"type": "object", "additionalProperties": True,
                   "description": "Position of one connector source (JSON object, UTF-8), written in the same "
                                  "transaction as the events it covers."}
        mid, title = "SourceOffset", "Connector source position"
    return mid, {"name": mid, "title": title, "summary": topic.doc, "contentType": "application/json",
                 "payload": payload, "bindings": {"kafka": {"key": key, "bindingVersion": BINDING_VERSION}},
                 "x-sanpalang-encoding": topic.value_format}


def _channel_binding(topic: Topic) -> dict[str, Any]:
    config: dict[str, Any] = {"cleanup.policy": topic.cleanup_policy.split(","),
                              "min.insync.replicas": topic.min_insync_replicas}
    if not topic.compacted or "delete" in topic.cleanup_policy:
        config["retention.ms"] = topic.retention_ms
    return {"kafka": {"topic": topic.name, "partitions": topic.partitions, "replicas": topic.replication,
                      "topicConfiguration": config, "bindingVersion": BINDING_VERSION}}


def _channel(topic: Topic, message_ids: list[str]) -> dict[str, Any]:
    writers = ", ".join(topic.writers) or "the admin (`sanpalang topics apply`)"
    return {
        "address": topic.name,
        "title": topic.name,
        "description": (f"{topic.doc}\n\nKey: {topic.key_doc}\n\nWritten by: {writers}. "
                        f"Read by: {', '.join(topic.readers)}."),
        "messages": {mid: {"$ref": f"#/components/messages/{mid}"} for mid in message_ids},
        "bindings": _channel_binding(topic),
        "x-sanpalang-writers": list(topic.writers),
        "x-sanpalang-readers": list(topic.readers),
        "x-sanpalang-value-format": topic.value_format,
    }


def _group_pattern(catalogue: Catalogue, principal: str) -> str:
    owned = catalogue.principals[principal].owns_prefix
    prefixes = [f"{principal}\\."] + ([owned.replace(".", "\\.")] if owned else [])
    return f"^({'|'.join(prefixes)})" if owned else f"^{prefixes[0]}"


def _operation(catalogue: Catalogue, principal: str, action: str, topic: Topic, message_ids: list[str]) -> dict[str, Any]:
    cid = channel_id(topic)
    verb = "reads" if action == "receive" else "writes"
    op: dict[str, Any] = {
        "action": action,
        "channel": {"$ref": f"#/channels/{cid}"},
        "title": f"{principal} {verb} {topic.name}",
        "summary": f"{catalogue.principals[principal].doc} {verb.capitalize()} {topic.name} (ACL: "
                   f"{'READ' if action == 'receive' else 'WRITE'} on the topic).",
        "messages": [{"$ref": f"#/channels/{cid}/messages/{mid}"} for mid in message_ids],
        "security": [{"$ref": f"#/components/securitySchemes/{SCRAM}"}],
        "x-sanpalang-principal": principal,
    }
    if action == "receive":
        op["bindings"] = {"kafka": {"groupId": {"type": "string", "pattern": _group_pattern(catalogue, principal)},
                                    "bindingVersion": BINDING_VERSION}}
    return op


def _principals(catalogue: Catalogue) -> dict[str, Any]:
    return {name: {"doc": p.doc, "consumerGroups": f"{name}.*" + (f", {p.owns_prefix}*" if p.owns_prefix else ""),
                   "reads": [t.name for t in catalogue.readable_by(name)],
                   "writes": [t.name for t in catalogue.writable_by(name)]}
            for name, p in catalogue.principals.items()}


def build_document(catalogue: Catalogue, *, version: str, source: SchemaSource | None = None) -> dict[str, Any]:
    """The AsyncAPI 3.0 document (a JSON-ready dict) of every topic of ``catalogue``."""
    source = source or SchemaSource()
    names = source.names()
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for topic in catalogue.topics:
        if topic.value_pattern is not None:
            carried = list(topic.value_schemas(names))
            if not carried:
                raise ValueError(f"topic {topic.name}: no Avro schema matches {topic.value_pattern!r}")
            for name in carried:
                message = _avro_message(name, topic, source)
                known = messages.setdefault(message_id(name), message)
                if known["bindings"] != message["bindings"]:
                    raise ValueError(f"{name} is carried with different keys on different topics; "
                                     "give each topic its own message")
            ids = [message_id(n) for n in carried]
        else:
            mid, message = _json_message(topic)
            messages.setdefault(mid, message)
            ids = [mid]
        channels[channel_id(topic)] = _channel(topic, ids)
        for principal in topic.writers:
            operations[operation_id(principal, "send", topic)] = _operation(catalogue, principal, "send", topic, ids)
        for principal in topic.readers:
            operations[operation_id(principal, "receive", topic)] = _operation(catalogue, principal, "receive", topic, ids)
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "id": "urn:sanpalang:hub",
        "info": {
            "title": "Sanpalang hub topics",
            "version": version,
            "description": ("The Kafka topics of Sanpalang, the multi-agency counter-trafficking integration hub: "
                            "agency intake, dead letters, referrals, joint provincial case views, alerts, "
                            "de-identified reports and the schema topic. Generated by `sanpalang asyncapi` from "
                            "schemas/topics.toml and schemas/avro/.\n\n" + ENCODING + "\n" + PRIVACY),
            "license": {"name": "Apache-2.0"},
        },
        "defaultContentType": AVRO_CONTENT_TYPE,
        "servers": {
            "production": {
                "host": "{bootstrap}", "protocol": "kafka", "title": "Production cluster",
                "description": "SASL/SCRAM-SHA-512 (SASL_SSL or SASL_PLAINTEXT), ACLs deny by default: each principal "
                               "may do what its operations below say, nothing else.",
                "variables": {"bootstrap": {"default": "127.0.0.1:9092",
                                            "description": "Bootstrap servers (SANPALANG_KAFKA_BOOTSTRAP)."}},
                "security": [{"$ref": f"#/components/securitySchemes/{SCRAM}"}],
            },
            "local": {"host": "127.0.0.1:9092", "protocol": "kafka", "title": "Local broker",
                      "description": "`sanpalang kafka up`: one PLAINTEXT node, no authentication (development only)."},
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": messages,
            "securitySchemes": {SCRAM: {
                "type": "scramSha512",
                "description": "SASL/SCRAM-SHA-512. One user per principal of the catalogue (" +
                               ", ".join(catalogue.principals) + "), created by `sanpalang topics apply`."}},
        },
        "x-sanpalang-principals": _principals(catalogue),
    }
