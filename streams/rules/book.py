"""The rules' state, `RuleBook`: keyed namespaces of immutable values, like `CaseBook` (kept in the
worker's snapshots by pickling the whole `Hub`).

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

from streams.rules.cross import OrgEntry, PersonEntry
from streams.rules.lifecycle import Alert

__all__ = ["RuleBook", "case_scope", "person_scope", "org_scope"]


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
