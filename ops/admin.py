"""``sanpalang topics apply``: bring a cluster to the catalogue (topics, SCRAM users, ACLs, schemas).

A thin shell over kafka-python's admin client: it reads what the cluster has, asks ``ops.plan``
for the difference, carries it out and reports each change. Running it twice changes nothing the
second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from kafka import KafkaProducer
from kafka.admin import (ACL, ACLFilter, ACLOperation, ACLPermissionType, ACLResourcePatternType,
                         ConfigResource, ConfigResourceType, KafkaAdminClient, ResourcePattern,
                         ResourcePatternFilter, ResourceType, ScramMechanism,
                         UserScramCredentialUpsertion)

import schemas
from runtime.credentials import principal_password
from runtime.connection import KafkaConnection
from runtime.reading import messages
from ops.plan import AclGrant, ExistingTopic, TopicChange, desired_grants, plan_topics
from runtime.settings import Settings
from schemas.catalogue import SCHEMA_TOPIC, Catalogue

__all__ = ["ApplyReport", "apply_catalogue", "publish_schemas", "read_schema_topic"]

Progress = Callable[[str], None]


@dataclass
class ApplyReport:
    """What one ``apply`` changed; ``changed`` is False on a cluster already in shape."""

    topic_changes: list[TopicChange] = field(default_factory=list)
    users_created: list[str] = field(default_factory=list)
    grants_added: list[AclGrant] = field(default_factory=list)
    grants_revoked: list[AclGrant] = field(default_factory=list)
    schemas_published: int = 0

    @property
    def changed(self) -> bool:
        return bool([c for c in self.topic_changes if c.kind != "warn"] or self.users_created
                    or self.grants_added or self.grants_revoked or self.schemas_published)


def apply_catalogue(settings: Settings, connection: KafkaConnection, catalogue: Catalogue,
                    progress: Progress = print) -> ApplyReport:
    report = ApplyReport()
    admin = KafkaAdminClient(client_id="sanpalang-admin", **connection.kafka_python())
    try:
        report.topic_changes = _apply_topics(admin, catalogue, progress)
        if connection.uses_sasl:
            report.users_created = _apply_users(admin, settings, catalogue, progress)
            report.grants_added, report.grants_revoked = _apply_acls(admin, catalogue, progress)
    finally:
        admin.close()
    report.schemas_published = publish_schemas(connection, progress)
    if not report.changed:
        progress("the cluster already matches the catalogue; nothing changed")
    return report


def _existing_topics(admin: KafkaAdminClient, names: Iterable[str]) -> dict[str, ExistingTopic]:
    present = [n for n in names if n in set(admin.list_topics())]
    if not present:
        return {}
    described = {t["name"]: len(t["partitions"]) for t in admin.describe_topics(present)}
    configs = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, n) for n in present],
                                     config_filter="all")
    by_name: dict[str, dict[str, str]] = {}
    for per_type in configs.values():
        for name, entries in per_type.items():
            by_name[name] = {k: str(v["value"]) for k, v in entries.items() if v.get("value") is not None}
    return {n: ExistingTopic(described[n], by_name.get(n, {})) for n in present}


def _apply_topics(admin: KafkaAdminClient, catalogue: Catalogue, progress: Progress) -> list[TopicChange]:
    broker_count = len(admin.describe_cluster()["brokers"])
    changes = plan_topics(catalogue, _existing_topics(admin, catalogue.names), broker_count)
    creates = {c.topic: {"num_partitions": c.partitions, "replication_factor": c.replication,
                         "configs": dict(c.configs)} for c in changes if c.kind == "create"}
    if creates:
        admin.create_topics(creates, wait_for_metadata=True)
    grow = {c.topic: c.partitions for c in changes if c.kind == "add-partitions"}
    if grow:
        admin.create_partitions(grow)
    alters = [ConfigResource(ConfigResourceType.TOPIC, c.topic, configs=dict(c.configs))
              for c in changes if c.kind == "alter-configs"]
    if alters:
        admin.alter_configs(alters, incremental=True)
    for change in changes:
        progress(change.describe())
    return changes


def _apply_users(admin: KafkaAdminClient, settings: Settings, catalogue: Catalogue,
                 progress: Progress) -> list[str]:
    existing = admin.describe_user_scram_credentials()
    missing = [p for p in catalogue.principals
               if not (existing.get(p) or {}).get("credential_infos")]
    if missing:
        errors = admin.alter_user_scram_credentials([
            UserScramCredentialUpsertion(p, ScramMechanism.SCRAM_SHA_512, principal_password(settings, p))
            for p in missing])
        failed = {user: err for user, err in errors.items() if err}
        if failed:
            raise RuntimeError(f"could not create SCRAM users: {failed}")
        for p in missing:
            progress(f"create SCRAM-SHA-512 user {p}")
    return missing


def _to_acl(grant: AclGrant) -> ACL:
    return ACL(principal=f"User:{grant.principal}", host="*",
               operation=ACLOperation[grant.operation], permission_type=ACLPermissionType.ALLOW,
               resource_pattern=ResourcePattern(ResourceType[grant.resource_type], grant.resource_name,
                                                ACLResourcePatternType[grant.pattern_type]))


def _from_acl(acl: ACL) -> AclGrant | None:
    if not acl.principal.startswith("User:") or acl.permission_type != ACLPermissionType.ALLOW:
        return None
    pattern = acl.resource_pattern
    return AclGrant(acl.principal.removeprefix("User:"), pattern.resource_type.name,
                    pattern.resource_name, pattern.pattern_type.name, acl.operation.name)


def _apply_acls(admin: KafkaAdminClient, catalogue: Catalogue,
                progress: Progress) -> tuple[list[AclGrant], list[AclGrant]]:
    every = ACLFilter(principal=None, host="*", operation=ACLOperation.ANY,
                      permission_type=ACLPermissionType.ANY,
                      resource_pattern=ResourcePatternFilter(ResourceType.ANY, None,
                                                             ACLResourcePatternType.ANY))
    acls, _ = admin.describe_acls(every)
    held = {g for g in map(_from_acl, acls) if g and g.principal in catalogue.principals}
    wanted = desired_grants(catalogue)
    to_add, to_revoke = sorted(wanted - held), sorted(held - wanted)
    if to_add:
        result = admin.create_acls([_to_acl(g) for g in to_add])
        if result.get("failed"):
            raise RuntimeError(f"could not create ACLs: {result['failed']}")
    if to_revoke:
        admin.delete_acls([_to_acl(g) for g in to_revoke])
    for grant in to_add:
        progress(f"allow {grant.principal} {grant.operation} on {grant.resource_type.lower()} "
                 f"{grant.resource_name}{'*' if grant.pattern_type == 'PREFIXED' else ''}")
    for grant in to_revoke:
        progress(f"revoke {grant.principal} {grant.operation} on {grant.resource_type.lower()} "
                 f"{grant.resource_name}")
    return to_add, to_revoke


def read_schema_topic(connection: KafkaConnection) -> dict[str, str]:
    """Every schema on the schema topic: fingerprint hex -> schema JSON (latest per key)."""
    return {m.key.decode(): m.value.decode() for m in messages(connection, SCHEMA_TOPIC)}


def publish_schemas(connection: KafkaConnection, progress: Progress = print) -> int:
    """Publish every schema of this build not yet on the schema topic; returns how many."""
    already = read_schema_topic(connection)
    missing = {fp: js for fp, js in schemas.writer_schemas().items() if fp not in already}
    if missing:
        producer = KafkaProducer(acks="all", enable_idempotence=True, **connection.kafka_python())
        try:
            for fp, schema_json in sorted(missing.items()):
                producer.send(SCHEMA_TOPIC, key=fp.encode(), value=schema_json.encode())
            producer.flush()
        finally:
            producer.close()
        progress(f"publish {len(missing)} schema(s) on {SCHEMA_TOPIC}")
    return len(missing)
