"""What ``sanpalang topics apply`` must change: pure comparison of the catalogue with the cluster.

The shell (``ops.admin``) reads the cluster's state, asks these functions for the difference, and
carries it out; so the rules (never shrink a topic, lower replication on a small cluster, revoke
grants the catalogue no longer gives) are unit-tested without a broker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from schemas.catalogue import Catalogue, Topic

__all__ = ["AclGrant", "ExistingTopic", "TopicChange", "desired_grants", "plan_topics"]


@dataclass(frozen=True)
class ExistingTopic:
    partitions: int
    configs: Mapping[str, str]


@dataclass(frozen=True)
class TopicChange:
    """One change to one topic; ``kind`` is create, add-partitions, alter-configs or warn."""

    kind: str
    topic: str
    partitions: int = 0
    replication: int = 0
    configs: Mapping[str, str] = field(default_factory=dict)
    message: str = ""

    def describe(self) -> str:
        if self.kind == "create":
            return (f"create {self.topic} ({self.partitions} partitions, replication {self.replication}, "
                    + ", ".join(f"{k}={v}" for k, v in sorted(self.configs.items())) + ")")
        if self.kind == "add-partitions":
            return f"grow {self.topic} to {self.partitions} partitions"
        if self.kind == "alter-configs":
            return f"set {self.topic} " + ", ".join(f"{k}={v}" for k, v in sorted(self.configs.items()))
        return f"note {self.topic}: {self.message}"


def effective_replication(topic: Topic, broker_count: int) -> int:
    return max(1, min(topic.replication, broker_count))


def plan_topics(catalogue: Catalogue, existing: Mapping[str, ExistingTopic],
                broker_count: int) -> list[TopicChange]:
    """Changes that bring the cluster to the catalogue; empty when it already matches."""
    changes: list[TopicChange] = []
    lowered: list[str] = []
    for topic in catalogue.topics:
        replication = effective_replication(topic, broker_count)
        wanted = topic.configs(replication)
        have = existing.get(topic.name)
        if have is None:
            changes.append(TopicChange("create", topic.name, topic.partitions, replication, wanted))
            if replication < topic.replication:
                lowered.append(topic.name)
            continue
        if have.partitions < topic.partitions:
            changes.append(TopicChange("add-partitions", topic.name, topic.partitions))
        elif have.partitions > topic.partitions:
            changes.append(TopicChange(
                "warn", topic.name, message=f"has {have.partitions} partitions, the catalogue says "
                f"{topic.partitions}; Kafka cannot remove partitions, left as it is"))
        differing = {k: v for k, v in wanted.items() if have.configs.get(k) != v}
        if differing:
            changes.append(TopicChange("alter-configs", topic.name, configs=differing))
    if lowered:
        changes.append(TopicChange(
            "warn", f"{len(lowered)} new topic(s)", message=f"replication lowered to {broker_count}, "
            f"the number of brokers in this cluster (production wants 3)"))
    return changes


@dataclass(frozen=True, order=True)
class AclGrant:
    """One ALLOW entry: ``principal`` may do ``operation`` on a resource (Kafka's own words)."""

    principal: str
    resource_type: str   # TOPIC, GROUP, TRANSACTIONAL_ID
    resource_name: str
    pattern_type: str    # LITERAL, PREFIXED
    operation: str       # READ, WRITE, DESCRIBE, ALL


def desired_grants(catalogue: Catalogue) -> set[AclGrant]:
    """Every grant the catalogue gives; anything else a catalogue principal holds is revoked."""
    grants: set[AclGrant] = set()
    for topic in catalogue.topics:
        for principal in topic.writers:
            grants |= _topic_grants(principal, topic.name, ("WRITE", "DESCRIBE"))
        for principal in topic.readers:
            grants |= _topic_grants(principal, topic.name, ("READ", "DESCRIBE"))
    for principal in catalogue.principals.values():
        prefix = principal.own_prefix
        grants.add(AclGrant(principal.name, "GROUP", prefix, "PREFIXED", "READ"))
        grants |= {AclGrant(principal.name, "TRANSACTIONAL_ID", prefix, "PREFIXED", op)
                   for op in ("WRITE", "DESCRIBE")}
        if principal.owns_prefix:
            grants |= {AclGrant(principal.name, kind, principal.owns_prefix, "PREFIXED", "ALL")
                       for kind in ("TOPIC", "GROUP", "TRANSACTIONAL_ID")}
    return grants


def _topic_grants(principal: str, topic: str, operations: Iterable[str]) -> set[AclGrant]:
    return {AclGrant(principal, "TOPIC", topic, "LITERAL", op) for op in operations}
