"""A hub alert (`sanpalang.hub.Alert` record) as an Alertmanager v2 `postableAlert`.

Pure: the record, the previous payload of the same alert and `now` in, payloads out. The shell
(`streams.worker.alertmanager.pusher`) does the HTTP, the clock and the bookkeeping.

Alertmanager knows an alert by its label set, so the labels hold what identifies a hub alert and
what routes it (rule, severity, province, case, and the alert id, so that two alerts of one rule
in one case - two minors, say - stay two); everything that changes while it is open (message,
state, due date) is an annotation. Timing follows Prometheus's own pushes:

- open (Firing or Acknowledged): `startsAt` = raised_at, `endsAt` = now + a generous time to live,
  pushed again before that runs out. Should the worker stop, Alertmanager resolves the alert by
  itself instead of paging forever about a state nobody keeps current any more.
- Resolved: `endsAt` = resolved_at (never before `startsAt`, which Alertmanager refuses).
- Acknowledged stays active: the condition still holds, the operator is on it. Muting belongs to
  Alertmanager's silences; the `state` annotation says who is on what.
- A label change (severity going Warning -> Critical) would leave the old label set firing next
  to the new one until its time to live ran out, so the old one is resolved in the same push.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

__all__ = ["AlertRecordError", "PostableAlert", "DEFAULT_FIRING_TTL", "alert_labels", "postable_alert",
           "postable_alerts", "is_active", "rfc3339", "instant"]

PostableAlert = dict[str, Any]

DEFAULT_FIRING_TTL = timedelta(minutes=10)
SEVERITIES = {"Info": "info", "Warning": "warning", "Critical": "critical"}
STATES = ("Firing", "Acknowledged", "Resolved")
_REQUIRED = ("alert_id", "rule_number", "rule_key", "severity", "state", "province", "raised_at",
             "runbook_key", "message")


class AlertRecordError(ValueError):
    """The record is not a `sanpalang.hub.Alert` this module can turn into a payload."""


def instant(value: datetime | int | str | None) -> datetime | None:
    """A record timestamp as an aware UTC datetime: decoded Avro gives datetimes, the worker's
    dict forms milliseconds since the epoch, the JSON examples ISO 8601 strings."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise AlertRecordError(f"naive datetime {value!r}: record times are UTC")
        return value.astimezone(timezone.utc)
    if isinstance(value, int) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, tz=timezone.utc)
    if isinstance(value, str):
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return instant(parsed)
    raise AlertRecordError(f"not a timestamp: {value!r}")


def rfc3339(at: datetime) -> str:
    """Alertmanager's date-time form: UTC, milliseconds, `Z`."""
    return at.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _check(record: Mapping[str, Any]) -> None:
    missing = [name for name in _REQUIRED if record.get(name) in (None, "")]
    if missing:
        raise AlertRecordError(f"alert record without {', '.join(missing)}")
    if record["severity"] not in SEVERITIES:
        raise AlertRecordError(f"alert {record['alert_id']}: severity {record['severity']!r} "
                               f"is not one of {', '.join(SEVERITIES)}")
    if record["state"] not in STATES:
        raise AlertRecordError(f"alert {record['alert_id']}: state {record['state']!r} "
                               f"is not one of {', '.join(STATES)}")


def alert_labels(record: Mapping[str, Any]) -> dict[str, str]:
    """What identifies and routes the alert. Severity in lower case, like the hub-health rules in
    ops/prometheus/rules.yml, so one route per severity catches both."""
    _check(record)
    labels = {
        "alertname": str(record["rule_key"]),
        "rule": str(record["rule_number"]),
        "severity": SEVERITIES[record["severity"]],
        "province": str(record["province"]),
        "alert_id": str(record["alert_id"]),
        "hub": "sanpalang",
    }
    if record.get("case_id"):
        labels["case"] = str(record["case_id"])
    return labels


def _annotations(record: Mapping[str, Any]) -> dict[str, str]:
    notes = {
        "summary": (f"Rule {record['rule_number']} ({record['rule_key']}), {record['severity']}, "
                    f"{record['province']}" + (f", case {record['case_id']}" if record.get("case_id") else "")),
        "message": str(record["message"]),
        "runbook": str(record["runbook_key"]),
        "state": str(record["state"]),
    }
    for name in ("due_at", "acknowledged_at", "resolved_at"):
        if (at := instant(record.get(name))) is not None:
            notes[name] = rfc3339(at)
    if record.get("resolution"):
        notes["resolution"] = str(record["resolution"])
    return notes


def postable_alert(record: Mapping[str, Any], now: datetime,
                   firing_ttl: timedelta = DEFAULT_FIRING_TTL) -> PostableAlert:
    """One `postableAlert` for the record as it stands at `now`."""
    labels = alert_labels(record)
    starts_at = instant(record["raised_at"])
    assert starts_at is not None  # checked by alert_labels
    if record["state"] == "Resolved":
        ends_at = max(instant(record.get("resolved_at")) or now, starts_at)
    else:
        ends_at = max(now, starts_at) + firing_ttl
    return {"labels": labels, "annotations": _annotations(record),
            "startsAt": rfc3339(starts_at), "endsAt": rfc3339(ends_at)}


def is_active(payload: PostableAlert, now: datetime) -> bool:
    """Whether Alertmanager would show this payload as firing at `now`."""
    return instant(payload["endsAt"]) > now  # type: ignore[operator]


def postable_alerts(record: Mapping[str, Any], now: datetime, previous: PostableAlert | None = None,
                    firing_ttl: timedelta = DEFAULT_FIRING_TTL) -> list[PostableAlert]:
    """The payloads that bring Alertmanager up to date with the record: the record's own, preceded
    by the resolution of the previously pushed label set when the labels changed."""
    current = postable_alert(record, now, firing_ttl)
    if previous is None or previous["labels"] == current["labels"] or not is_active(previous, now):
        return [current]
    ended = {**previous, "endsAt": rfc3339(max(now, instant(previous["startsAt"])))}  # type: ignore[type-var]
    return [ended, current]
