"""The rules' state, `RuleBook`: keyed namespaces of JSON-able values, like `CaseBook`.

| namespace | key | value |
|---|---|---|
| `alerts` | scope: `case:<case id>`, `person:<person id>`, `org:<org key>` | the scope's alerts (every state) |
| `persons` | hub person id | `PersonEntry` (rules 7, 12) |
| `orgs` | organisation key | `OrgEntry` (rule 8) |
| `timers` | scope | when that scope must be evaluated again |
| `referred` | case id | referral ids already sent |
| `alert_scopes` | alert id | its scope (for operator actions) |

**Partitioning.** A case scope lives with its case (the fold). `persons` and `orgs` only need the
signals the fold emits, keyed by their subject: a worker may keep them on a table partitioned by
person id / organisation key, fed by a repartition topic of `Signal`s (see docs/alert-rules.md).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from streams.cases.serial import from_ms, ms
from streams.rules.cross import Flag, OrgEntry, PersonEntry, Seen, Trip
from streams.rules.lifecycle import Alert

__all__ = ["RuleBook", "case_scope", "person_scope", "org_scope", "rulebook_to_dict", "rulebook_from_dict"]


def case_scope(case_id: str) -> str:
    return f"case:{case_id}"


def person_scope(person_id: str) -> str:
    return f"person:{person_id}"


def org_scope(org_key: str) -> str:
    return f"org:{org_key}"


@dataclass
class RuleBook:
    alerts: MutableMapping[str, tuple[Alert, ...]] = field(default_factory=dict)
    persons: MutableMapping[str, PersonEntry] = field(default_factory=dict)
    orgs: MutableMapping[str, OrgEntry] = field(default_factory=dict)
    timers: MutableMapping[str, datetime] = field(default_factory=dict)
    referred: MutableMapping[str, tuple[str, ...]] = field(default_factory=dict)
    alert_scopes: MutableMapping[str, str] = field(default_factory=dict)

    def alerts_of(self, scope: str) -> dict[str, Alert]:
        return {a.alert_id: a for a in self.alerts.get(scope, ())}

    def store(self, scope: str, changed: list[Alert]) -> None:
        """Write changed alerts of one scope."""
        if not changed:
            return
        current = self.alerts_of(scope)
        for alert in changed:
            current[alert.alert_id] = alert
            self.alert_scopes[alert.alert_id] = scope
        self.alerts[scope] = tuple(current.values())

    def find(self, alert_id: str) -> tuple[str, Alert] | None:
        scope = self.alert_scopes.get(alert_id)
        alert = self.alerts_of(scope).get(alert_id) if scope else None
        return (scope, alert) if alert else None

    def set_timer(self, scope: str, at: datetime | None) -> None:
        if at is None:
            self.timers.pop(scope, None)
        elif self.timers.get(scope) != at:
            self.timers[scope] = at


def rulebook_to_dict(book: RuleBook) -> dict[str, Any]:
    return {
        "alerts": {k: [a.to_dict() for a in v] for k, v in book.alerts.items()},
        "persons": {k: [[ms(s.at), s.kind, s.case_id, s.province] for s in v.seen] for k, v in book.persons.items()},
        "orgs": {k: [v.kind, v.name, [[ms(f.at), f.agency, f.case_id, f.province] for f in v.flags],
                     [[t.voyage_id, ms(t.at), t.due_at and ms(t.due_at), t.returned_at and ms(t.returned_at),
                       t.province] for t in v.trips]]
                 for k, v in book.orgs.items()},
        "timers": {k: ms(v) for k, v in book.timers.items()},
        "referred": {k: list(v) for k, v in book.referred.items()},
        "alert_scopes": dict(book.alert_scopes),
    }


def rulebook_from_dict(data: dict[str, Any]) -> RuleBook:
    return RuleBook(
        alerts={k: tuple(Alert.from_dict(a) for a in v) for k, v in data["alerts"].items()},
        persons={k: PersonEntry(k, tuple(Seen(from_ms(s[0]), s[1], s[2], s[3]) for s in v))
                 for k, v in data["persons"].items()},
        orgs={k: OrgEntry(k, v[0], v[1], tuple(Flag(from_ms(f[0]), f[1], f[2], f[3]) for f in v[2]),
                          tuple(Trip(t[0], from_ms(t[1]), t[2] and from_ms(t[2]), t[3] and from_ms(t[3]), t[4])
                                for t in (v[3] if len(v) > 3 else ())))
              for k, v in data["orgs"].items()},
        timers={k: from_ms(v) for k, v in data["timers"].items()},
        referred={k: tuple(v) for k, v in data["referred"].items()},
        alert_scopes=dict(data["alert_scopes"]),
    )
