"""Deterministic ids: a replay of the same events gives the same case, alert and referral ids.

Every id is a UUIDv5 in one namespace of the hub, over a short readable name.
"""

from __future__ import annotations

import uuid

__all__ = ["HUB_NAMESPACE", "case_id_for", "alert_id_for", "referral_id_for"]

HUB_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://sanpalang.example/hub")
"""The namespace of every hub id (fixed forever: changing it changes every id)."""


def case_id_for(first_event_id: str) -> str:
    """Id of the case opened by the event `first_event_id`."""
    return str(uuid.uuid5(HUB_NAMESPACE, f"case:{first_event_id}"))


def alert_id_for(rule_key: str, case_id: str | None, subject: str) -> str:
    """Id of the one alert of `rule_key` on (case, subject); `case_id` None for cross-case alerts."""
    return str(uuid.uuid5(HUB_NAMESPACE, f"alert:{rule_key}:{case_id or '-'}:{subject}"))


def referral_id_for(trigger: str, case_id: str, to_agency: str, subject: str) -> str:
    """Id of the one referral of `trigger` (rule key or stage) to `to_agency` on (case, subject)."""
    return str(uuid.uuid5(HUB_NAMESPACE, f"referral:{trigger}:{case_id}:{to_agency}:{subject}"))
