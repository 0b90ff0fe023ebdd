"""What an existing cluster says about itself, for ``sanpalang kafka status`` in production."""

from __future__ import annotations

from kafka.admin import KafkaAdminClient

from runtime.connection import KafkaConnection

__all__ = ["describe_cluster"]


def describe_cluster(connection: KafkaConnection) -> str:
    admin = KafkaAdminClient(client_id="sanpalang-status", **connection.kafka_python())
    try:
        cluster = admin.describe_cluster()
        brokers = ", ".join(f"{b['broker_id']}@{b['host']}:{b['port']}" for b in cluster["brokers"])
        return (f"external cluster {cluster.get('cluster_id')} at {connection.bootstrap} "
                f"({connection.security_protocol}): brokers {brokers}; controller {cluster.get('controller_id')}")
    finally:
        admin.close()
