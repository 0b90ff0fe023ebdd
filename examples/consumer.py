#!/usr/bin/env python3
"""A downstream consumer of the Sanpalang hub: reads the joint case views and the alerts and prints
each message decoded, one JSON object a line.

It needs nothing from the hub's repository: only ``kafka-python`` and ``fastavro``
(``pip install kafka-python fastavro``). Every message value is Avro single-object encoded
(``C3 01`` + 8-byte CRC-64-AVRO fingerprint + Avro body); the writer schema of each fingerprint is
read from the compacted topic ``schemas.avro.v1`` (key: the fingerprint's 16 hex digits, in the
byte order of the message). See docs/consumers.md.

    python examples/consumer.py --bootstrap broker:9092 --username consumer --password ... --from-beginning
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import time
from datetime import date, datetime
from io import BytesIO
from typing import Any, Iterator

from fastavro import parse_schema, schemaless_reader
from kafka import KafkaConsumer
from kafka.structs import TopicPartition

SCHEMA_TOPIC = "schemas.avro.v1"
MARKER = b"\xc3\x01"
HEADER_SIZE = 10
DEFAULT_TOPICS = ("cases.consumer.v1", "alerts.consumer.v1")


class UnknownSchema(LookupError):
    """A message written with a schema that is not (yet) on the schema topic."""


def connection_config(args: argparse.Namespace) -> dict[str, Any]:
    """kafka-python settings: SASL/SCRAM-SHA-512 when a username is given (as in production)."""
    config: dict[str, Any] = {"bootstrap_servers": args.bootstrap.split(","), "security_protocol": args.security_protocol}
    if args.username:
        config.update(sasl_mechanism="SCRAM-SHA-512", sasl_plain_username=args.username,
                      sasl_plain_password=args.password)
    return config


class WriterSchemas:
    """Writer schemas by fingerprint, read from the schema topic (again when one is missing)."""

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = config
        self._parsed: dict[str, tuple[str, Any]] = {}

    def refresh(self) -> int:
        """Read the whole schema topic, without a consumer group; returns how many schemas are known."""
        consumer = KafkaConsumer(enable_auto_commit=False, **self._config)
        try:
            partitions = [TopicPartition(SCHEMA_TOPIC, p) for p in sorted(consumer.partitions_for_topic(SCHEMA_TOPIC) or ())]
            if not partitions:
                raise UnknownSchema(f"no topic {SCHEMA_TOPIC} (or no right to read it)")
            consumer.assign(partitions)
            consumer.seek_to_beginning(*partitions)
            end = consumer.end_offsets(partitions)
            while any(consumer.position(tp) < end[tp] for tp in partitions):
                for records in consumer.poll(timeout_ms=1000).values():
                    for record in records:
                        if record.value is not None:
                            schema = json.loads(record.value)
                            self._parsed[record.key.decode()] = (_full_name(schema), parse_schema(schema))
        finally:
            consumer.close()
        return len(self._parsed)

    def get(self, fingerprint: str) -> tuple[str, Any]:
        if fingerprint not in self._parsed:
            self.refresh()
        try:
            return self._parsed[fingerprint]
        except KeyError:
            raise UnknownSchema(f"writer schema {fingerprint} is not on {SCHEMA_TOPIC}") from None


def _full_name(schema: dict[str, Any]) -> str:
    name = schema["name"]
    return name if "." in name or not schema.get("namespace") else f"{schema['namespace']}.{name}"


def decode(value: bytes, schemas: WriterSchemas) -> tuple[str, str, dict[str, Any]]:
    """(schema name, fingerprint, record) of one single-object encoded message."""
    if value[:2] != MARKER or len(value) < HEADER_SIZE:
        raise ValueError(f"not Avro single-object encoding (starts with {value[:2].hex(' ')})")
    fingerprint = value[2:HEADER_SIZE].hex()
    name, writer = schemas.get(fingerprint)
    return name, fingerprint, schemaless_reader(BytesIO(value[HEADER_SIZE:]), writer, None)


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode()}
    return value


def consume(args: argparse.Namespace) -> Iterator[dict[str, Any]]:
    config = connection_config(args)
    schemas = WriterSchemas(config)
    schemas.refresh()
    consumer = KafkaConsumer(*args.topic, group_id=args.group, enable_auto_commit=True,
                             auto_offset_reset="earliest" if args.from_beginning else "latest", **config)
    try:
        end: dict[TopicPartition, int] | None = None
        started = time.monotonic()
        while True:
            batch = consumer.poll(timeout_ms=1000)
            if end is None and consumer.assignment():
                end = consumer.end_offsets(list(consumer.assignment())) if args.no_follow else {}
            for records in batch.values():
                for record in records:
                    line: dict[str, Any] = {"topic": record.topic, "partition": record.partition, "offset": record.offset,
                                            "key": record.key.decode("utf-8", "replace") if record.key else None}
                    try:
                        line["schema"], line["fingerprint"], value = decode(record.value, schemas)
                        line["value"] = jsonable(value)
                    except (ValueError, UnknownSchema) as err:
                        line["error"] = str(err)
                    yield line
            if args.no_follow and end is not None and all(consumer.position(tp) >= off for tp, off in end.items()):
                return
            if args.no_follow and end is None and time.monotonic() - started > args.join_timeout:
                raise SystemExit(f"no partitions assigned after {args.join_timeout} s: do the topics exist?")
    finally:
        consumer.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP", "127.0.0.1:9092"))
    parser.add_argument("--security-protocol", default=os.environ.get("KAFKA_SECURITY_PROTOCOL"),
                        help="PLAINTEXT, SASL_PLAINTEXT or SASL_SSL (default: SASL_PLAINTEXT with a username)")
    parser.add_argument("--username", default=os.environ.get("KAFKA_USERNAME"), help="SCRAM-SHA-512 user (consumer)")
    parser.add_argument("--password", default=os.environ.get("KAFKA_PASSWORD"))
    parser.add_argument("--group", default="consumer.example",
                        help="consumer group; the ACLs let principal P use groups starting with 'P.'")
    parser.add_argument("--topic", action="append", help=f"topic to read (repeatable; default: {', '.join(DEFAULT_TOPICS)})")
    parser.add_argument("--from-beginning", action="store_true", help="a new group starts at the oldest message")
    parser.add_argument("--no-follow", action="store_true", help="exit at the end offsets seen when partitions are assigned")
    parser.add_argument("--max", type=int, default=None, help="stop after this many messages")
    parser.add_argument("--join-timeout", type=float, default=60.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.topic = args.topic or list(DEFAULT_TOPICS)
    args.security_protocol = args.security_protocol or ("SASL_PLAINTEXT" if args.username else "PLAINTEXT")
    count = 0
    for line in consume(args):
        print(json.dumps(line, ensure_ascii=False), flush=True)
        count += 1
        if args.max is not None and count >= args.max:
            break
    return 0


if __name__ == "__main__":
    sys.exit(main())
