"""What `topics apply` decides to change, without a broker."""

from ops.plan import AclGrant, ExistingTopic, desired_grants, plan_topics
from schemas.catalogue import load_catalogue

CATALOGUE = load_catalogue()


def _as_applied(broker_count: int) -> dict[str, ExistingTopic]:
    """The cluster's state right after applying the catalogue to it."""
    changes = plan_topics(CATALOGUE, {}, broker_count)
    return {c.topic: ExistingTopic(c.partitions, dict(c.configs)) for c in changes if c.kind == "create"}


class TestTopicPlan:
    def test_creates_every_catalogue_topic_on_an_empty_cluster(self):
        created = {c.topic for c in plan_topics(CATALOGUE, {}, 3) if c.kind == "create"}
        assert created == set(CATALOGUE.names)

    def test_changes_nothing_on_a_cluster_that_matches(self):
        assert plan_topics(CATALOGUE, _as_applied(3), 3) == []

    def test_lowers_replication_on_a_single_broker_and_says_so(self):
        changes = plan_topics(CATALOGUE, {}, 1)
        creates = [c for c in changes if c.kind == "create"]
        assert {c.replication for c in creates} == {1}
        assert all(c.configs["min.insync.replicas"] == "1" for c in creates)
        warnings = [c for c in changes if c.kind == "warn"]
        assert len(warnings) == 1 and "replication lowered to 1" in warnings[0].message

    def test_keeps_two_in_sync_replicas_on_three_brokers(self):
        creates = [c for c in plan_topics(CATALOGUE, {}, 3) if c.kind == "create"]
        assert {(c.replication, c.configs["min.insync.replicas"]) for c in creates} == {(3, "2")}

    def test_grows_a_topic_with_too_few_partitions(self):
        existing = _as_applied(1)
        existing["alerts.v1"] = ExistingTopic(1, existing["alerts.v1"].configs)
        assert [(c.kind, c.partitions) for c in plan_topics(CATALOGUE, existing, 1)] == [("add-partitions", 4)]

    def test_never_shrinks_a_topic_but_warns(self):
        existing = _as_applied(1)
        existing["alerts.v1"] = ExistingTopic(12, existing["alerts.v1"].configs)
        (change,) = plan_topics(CATALOGUE, existing, 1)
        assert change.kind == "warn" and "cannot remove partitions" in change.message

    def test_restores_a_config_changed_by_hand(self):
        existing = _as_applied(1)
        existing["cases.provincial.v1"] = ExistingTopic(4, {**existing["cases.provincial.v1"].configs,
                                                            "cleanup.policy": "delete"})
        (change,) = plan_topics(CATALOGUE, existing, 1)
        assert (change.kind, dict(change.configs)) == ("alter-configs", {"cleanup.policy": "compact"})


class TestAclGrants:
    GRANTS = desired_grants(CATALOGUE)

    def test_an_agency_writes_only_its_own_intake_dead_letters_and_checkpoints(self):
        written = {g.resource_name for g in self.GRANTS if g.principal == "police" and g.operation == "WRITE"
                   and g.resource_type == "TOPIC"}
        assert written == {"intake.police.v1", "dlq.police.v1", "offsets.police.v1", "receipts.police.v1"}

    def test_an_agency_reads_only_its_referrals_its_checkpoints_and_the_schemas(self):
        read = {g.resource_name for g in self.GRANTS if g.principal == "labour" and g.operation == "READ"
                and g.resource_type == "TOPIC"}
        assert read == {"referrals.labour.v1", "offsets.labour.v1", "receipts.labour.v1", "schemas.avro.v1"}

    def test_downstream_consumers_never_read_intake_or_person_links(self):
        read = {g.resource_name for g in self.GRANTS if g.principal == "consumer" and g.resource_type == "TOPIC"}
        assert read == {"cases.consumer.v1", "alerts.consumer.v1", "reports.aggregates.v1", "schemas.avro.v1"}

    def test_each_principal_has_its_own_group_namespace(self):
        assert AclGrant("social", "GROUP", "social.", "PREFIXED", "READ") in self.GRANTS
        assert not any(g.resource_type == "GROUP" and g.pattern_type == "LITERAL" for g in self.GRANTS)

    def test_only_the_worker_may_create_its_internal_topics(self):
        owners = {g.principal for g in self.GRANTS if g.operation == "ALL"}
        assert owners == {"hub"}
        assert AclGrant("hub", "TOPIC", "sanpalang-hub", "PREFIXED", "ALL") in self.GRANTS

    def test_no_one_but_the_administrator_writes_the_schema_topic(self):
        assert not any(g.resource_name == "schemas.avro.v1" and g.operation == "WRITE" for g in self.GRANTS)
