"""Reading a topic from its start (or end) without a consumer group: for tools, not for the worker."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from kafka import KafkaConsumer
from kafka.admin import KafkaAdminClient
from kafka.errors import TopicAuthorizationFailedError
from kafka.structs import TopicPartition

from runtime.connection import KafkaConnection

__all__ = ["TopicDeniedError", "TopicMissingError", "messages"]


class TopicMissingError(LookupError):
    """The topic is not on the cluster; usually `sanpalang topics apply` has not run."""


class TopicDeniedError(PermissionError):
    """The principal may not read the topic: the catalogue does not list it among the readers."""


@contextmanager
def _assigned(connection: KafkaConnection, topic: str) -> Iterator[tuple[KafkaConsumer, list[TopicPartition]]]:
    consumer = KafkaConsumer(enable_auto_commit=False, **connection.kafka_python())
    try:
        ids = consumer.partitions_for_topic(topic)
        if not ids and _denied(connection, topic):
            raise TopicDeniedError(f"{connection.username or 'this client'} may not read topic {topic!r}; "
                                   "the readers of each topic are listed by `sanpalang topics list`")
        if not ids:
            raise TopicMissingError(f"topic {topic!r} does not exist on {connection.bootstrap}; "
                                    "create the catalogue's topics with `sanpalang topics apply`")
        partitions = [TopicPartition(topic, p) for p in sorted(ids)]
        consumer.assign(partitions)
        yield consumer, partitions
    finally:
        consumer.close()


def _denied(connection: KafkaConnection, topic: str) -> bool:
    """True when the broker refuses to describe the topic to this principal (rather than not having it)."""
    admin = KafkaAdminClient(**connection.kafka_python())
    try:
        (described,) = admin.describe_topics([topic])
        return described["error_code"] == TopicAuthorizationFailedError.errno
    finally:
        admin.close()


def messages(connection: KafkaConnection, topic: str, *, from_beginning: bool = True,
             follow: bool = False) -> Iterator[Any]:
    """Messages of every partition; without ``follow``, up to the end offsets seen at the start."""
    with _assigned(connection, topic) as (consumer, partitions):
        (consumer.seek_to_beginning if from_beginning else consumer.seek_to_end)(*partitions)
        end = consumer.end_offsets(partitions)
        while follow or any(consumer.position(tp) < end[tp] for tp in partitions):
            for records in consumer.poll(timeout_ms=500).values():
                yield from records
