"""The topic catalogue: complete, consistent, and refusing contradictions when loaded."""

import pytest

import schemas
from schemas.catalogue import SCHEMA_TOPIC, CatalogueError, load_catalogue, parse_catalogue

CATALOGUE = load_catalogue()


def _minimal(**topic):
    base = {"name": "t.v1", "doc": "d", "key": "k", "value": "sanpalang.hub.Alert", "writers": [],
            "readers": []}
    return {"agencies": ["police"], "defaults": {"partitions": 1, "replication": 1, "min_insync_replicas": 1,
                                                 "retention_days": 1},
            "principals": {"hub": {}}, "topics": [{**base, **topic}]}


class TestCatalogueContents:
    def test_has_intake_dead_letter_and_referral_topics_for_every_agency(self):
        for agency in ("police", "labour", "immigration", "social"):
            for kind in ("intake", "dlq", "referrals"):
                assert f"{kind}.{agency}.v1" in CATALOGUE.names

    def test_has_the_hub_topics_and_the_schema_topic(self):
        assert {"persons.links.v1", "cases.provincial.v1", "alerts.v1", SCHEMA_TOPIC} <= set(CATALOGUE.names)

    def test_every_topic_carries_schemas_that_exist(self):
        names = schemas.schema_names()
        for topic in CATALOGUE.topics:
            if topic.value_format == "avro-single-object":
                assert topic.value_schemas(names), f"{topic.name} matches no schema"

    def test_every_top_level_schema_travels_on_some_topic(self):
        carried = {n for t in CATALOGUE.topics for n in t.value_schemas(schemas.schema_names())}
        assert carried == set(schemas.schema_names())

    def test_each_agency_intake_carries_only_its_own_events(self):
        police = CATALOGUE.topic("intake.police.v1").value_schemas(schemas.schema_names())
        assert police and all(n.startswith("sanpalang.police.") for n in police)

    def test_state_topics_are_compacted(self):
        for name in ("persons.links.v1", "cases.provincial.v1", "alerts.v1", SCHEMA_TOPIC):
            assert CATALOGUE.topic(name).cleanup_policy == "compact"

    def test_intake_is_kept_forever_so_the_hub_can_be_replayed(self):
        assert CATALOGUE.topic("intake.labour.v1").retention_ms == -1


class TestCatalogueValidation:
    def test_refuses_an_unknown_principal(self):
        with pytest.raises(CatalogueError, match="unknown principal.*nobody"):
            parse_catalogue(_minimal(readers=["nobody"]))

    def test_refuses_an_unknown_cleanup_policy(self):
        with pytest.raises(CatalogueError, match="cleanup 'forever'"):
            parse_catalogue(_minimal(cleanup="forever"))

    def test_refuses_a_topic_without_a_value(self):
        with pytest.raises(CatalogueError, match="either `value`"):
            parse_catalogue(_minimal(value=None))

    def test_refuses_a_topic_declared_twice(self):
        data = _minimal()
        data["topics"] *= 2
        with pytest.raises(CatalogueError, match="declared twice: t.v1"):
            parse_catalogue(data)

    def test_names_an_unknown_topic_and_lists_the_known_ones(self):
        with pytest.raises(CatalogueError, match="no topic 'nope'.*alerts.v1"):
            CATALOGUE.topic("nope")
