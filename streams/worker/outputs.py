"""What the correlator's stages publish: `Output` records and the topics they go to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Output", "CASES_TOPIC", "ALERTS_TOPIC", "LINKS_TOPIC", "CONSUMER_TOPICS", "referrals_topic",
           "CASE_VIEW", "ALERT", "PERSON_LINK", "REFERRAL"]

CASES_TOPIC, ALERTS_TOPIC, LINKS_TOPIC = "cases.provincial.v1", "alerts.v1", "persons.links.v1"
CONSUMER_TOPICS = {"cases.provincial.v1": "cases.consumer.v1", "alerts.v1": "alerts.consumer.v1"}
"""Each case view and alert is published twice: as is for the console and the views, and in its
consumer form (`streams.privacy.for_consumer`: ids as keyed tokens, no names) for downstream consumers."""
CASE_VIEW, ALERT, PERSON_LINK, REFERRAL = ("sanpalang.hub.CaseView", "sanpalang.hub.Alert",
                                           "sanpalang.hub.PersonLink", "sanpalang.hub.Referral")


def referrals_topic(agency: str) -> str:
    return f"referrals.{agency}.v1"


@dataclass(frozen=True, slots=True)
class Output:
    """One record to publish: topic, key, Avro schema name, record (as `schemas.encode` takes it)."""

    topic: str
    key: str
    schema: str
    record: dict[str, Any]
