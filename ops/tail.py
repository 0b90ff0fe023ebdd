"""``sanpalang tail TOPIC``: print a topic's messages decoded, one JSON object a line (like kcat -C).

Undecodable messages are printed too, with the codec's reason and the raw bytes, so a broken
producer is visible instead of silently skipped.
"""

from __future__ import annotations

import json
from typing import Any, Callable

import schemas
from runtime.connection import KafkaConnection
from runtime.reading import messages
from schemas.catalogue import SCHEMA_TOPIC

__all__ = ["tail", "to_json_line"]


def to_json_line(topic: str, partition: int, offset: int, key: bytes | None, value: bytes | None) -> str:
    """One message as a JSON line: where it sits, its key, its schema and its decoded value."""
    line: dict[str, Any] = {"topic": topic, "partition": partition, "offset": offset,
                            "key": key.decode("utf-8", "replace") if key is not None else None}
    if value is None:
        line["value"] = None
    elif topic == SCHEMA_TOPIC:
        line["value"] = json.loads(value)
    else:
        try:
            name, record = schemas.decode(value)
            line["schema"], line["value"] = name, schemas.jsonable(record)
        except schemas.CodecError as err:
            line["error"], line["raw"] = str(err), schemas.jsonable(value)
    return json.dumps(line, ensure_ascii=False)


def tail(connection: KafkaConnection, topic: str, *, from_beginning: bool, follow: bool,
         max_messages: int | None, emit: Callable[[str], None] = print) -> int:
    """Print messages; without ``follow`` stop at the end offsets seen at start. Returns the count."""
    count = 0
    for message in messages(connection, topic, from_beginning=from_beginning, follow=follow):
        emit(to_json_line(message.topic, message.partition, message.offset, message.key, message.value))
        count += 1
        if max_messages is not None and count >= max_messages:
            break
    return count
