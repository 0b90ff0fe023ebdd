"""``make demo``: the hub's main job on one machine.

Today: a local broker (unless ``SANPALANG_KAFKA_BOOTSTRAP`` names a cluster), the catalogue's
topics, users and ACLs, one example event of each agency published through the codec and read
back decoded from the bus. Connectors, worker and console join as they are built.
"""

from __future__ import annotations

from typing import Callable

from kafka import KafkaProducer

import schemas
from ops.admin import apply_catalogue
from ops.kafka.connection import resolve_connection
from ops.kafka.reading import messages
from ops.settings import Settings
from ops.tail import to_json_line
from schemas.catalogue import load_catalogue

__all__ = ["DEMO_EVENTS", "run_demo"]

# One event a connector of each agency would publish, from the examples shipped with the schemas.
DEMO_EVENTS = {
    "police": "sanpalang.police.RescueConducted",
    "labour": "sanpalang.labour.PipoPortInReported",
    "immigration": "sanpalang.immigration.DetentionAdmitted",
    "social": "sanpalang.social.HotlineReportReceived",
}


def source_key(record: dict) -> bytes:
    """The intake key: '<source system>:<record id>' (see the catalogue)."""
    source = record["envelope"]["source"]
    return f"{source['system']}:{source['record_id']}".encode()


def publish_examples(settings: Settings, progress: Callable[[str], None]) -> dict[str, tuple[int, int]]:
    """Publish one example event per agency; returns agency -> (partition, offset) as acked."""
    connection = resolve_connection(settings)
    producer = KafkaProducer(acks="all", enable_idempotence=True, **connection.kafka_python())
    acked: dict[str, tuple[int, int]] = {}
    try:
        for agency, name in DEMO_EVENTS.items():
            record = schemas.example(name)
            meta = producer.send(f"intake.{agency}.v1", key=source_key(record),
                                 value=schemas.encode(name, record)).get(timeout=30)
            acked[agency] = (meta.partition, meta.offset)
            progress(f"published {name} to intake.{agency}.v1 (partition {meta.partition}, offset {meta.offset})")
    finally:
        producer.close()
    return acked


def run_demo(settings: Settings, progress: Callable[[str], None]) -> int:
    if settings.is_external:
        progress(f"using the cluster at {settings.external_bootstrap}")
    else:
        from ops.kafka import local
        progress("starting the local Kafka broker")
        local.up(settings, progress=progress)
    connection = resolve_connection(settings)
    progress("applying the topic catalogue")
    apply_catalogue(settings, connection, load_catalogue(), progress)
    acked = publish_examples(settings, progress)
    progress("reading them back from the bus, decoded:")
    for agency, (partition, offset) in acked.items():
        for message in messages(connection, f"intake.{agency}.v1"):
            if (message.partition, message.offset) == (partition, offset):
                print(to_json_line(message.topic, message.partition, message.offset,
                                   message.key, message.value), flush=True)
    if not settings.is_external:
        progress("the broker keeps running at " + connection.bootstrap +
                 "; `sanpalang tail intake.police.v1 -b` reads it, `sanpalang kafka down` stops it")
    return 0
