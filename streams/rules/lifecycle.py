"""The alert lifecycle: Firing -> Acknowledged (an operator) -> Resolved (by itself, or an operator).

`reconcile(existing, desired, now)` compares the stored alerts of one scope (a case, a person, an
organisation) with what `evaluate` wants, and returns the alerts that change - never a second alert
for one (rule, case, subject): the id is `alert_id_for(rule, case, subject)`.

- desired firing, no alert yet: a new Firing alert (raised at the first step reached: event time);
- desired firing, alert open: severity only goes up (warn -> critical), which fires an acknowledged
  alert again; due date, province and message follow;
- desired firing, alert resolved: reopened (same id) only for a new episode - the condition began
  again, or reached a higher severity, after the resolution; an operator's resolution of a
  condition that still holds stands;
- desired not firing (pending or cleared), alert open: resolved by itself at `cleared_at` (the
  event that cleared it), else `now`; no alert, or a resolved one, but an episode fired and cleared
  since (a replay jumping over it): that episode is recorded as a resolved alert;
- no desired state at all: left alone (evidence can age out of an index; operators resolve those).
- after a merge of persons, an alert whose condition the joined records never met (no episode at
  all: the hand-off or screening was recorded in time, on a half the matcher had not joined yet)
  is withdrawn: resolution "merged", as for an alert whose person was merged away, with the reason
  in its message; an operator should not read it as a deadline missed and met late.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from streams.rules.evaluate import AlertState
from streams.rules.spec import RUNBOOK, Facts, Severity

__all__ = ["Alert", "FIRING", "ACKNOWLEDGED", "RESOLVED", "reconcile", "acknowledge", "resolve", "supersede",
           "alert_record", "is_open", "retire"]

FIRING, ACKNOWLEDGED, RESOLVED = "Firing", "Acknowledged", "Resolved"


@dataclass(frozen=True, slots=True)
class Alert:
    alert_id: str
    rule_number: int
    rule_key: str
    severity: Severity
    state: str
    province: str
    case_id: str | None
    subject: str
    raised_at: datetime
    due_at: datetime | None
    resolved_at: datetime | None
    message: str
    acknowledged_at: datetime | None = None
    resolution: str | None = None             # "auto", "operator", "merged", "expired"
    version: int = 1                          # bumped on every change (idempotent sinks)
    facts: Facts = ()                         # the message as data (`Finding.facts`), for the consoles

    @property
    def runbook_key(self) -> str:
        return f"{RUNBOOK}#{self.rule_key}"


def is_open(alert: Alert) -> bool:
    return alert.state != RESOLVED


def alert_record(alert: Alert) -> dict[str, Any]:
    """The `sanpalang.hub.Alert` record, ready for `schemas.encode`."""
    return {
        "alert_id": alert.alert_id, "rule_number": alert.rule_number, "rule_key": alert.rule_key,
        "severity": alert.severity.symbol, "state": alert.state, "province": alert.province,
        "case_id": alert.case_id, "subject": alert.subject, "raised_at": alert.raised_at,
        "due_at": alert.due_at, "resolved_at": alert.resolved_at, "runbook_key": alert.runbook_key,
        "message": alert.message, "acknowledged_at": alert.acknowledged_at, "resolution": alert.resolution,
        "version": alert.version, "facts": dict(alert.facts),
    }


def _bump(alert: Alert, **changes: Any) -> Alert:
    return replace(alert, version=alert.version + 1, **changes)


def _new(state: AlertState) -> Alert:
    return Alert(state.alert_id, state.rule.number, state.rule.key, state.severity, FIRING, state.province,
                 state.case_id, state.subject, state.raised_at, state.due_at, None, state.message, facts=state.facts)


def _update(alert: Alert, state: AlertState) -> Alert | None:
    if not is_open(alert):
        new_episode = state.raised_at > alert.resolved_at
        escalated = state.severity > alert.severity and state.severity_at > alert.resolved_at
        if alert.resolution == "merged" or not (new_episode or escalated):
            return None
        raised = state.raised_at if new_episode else alert.raised_at
        return _bump(alert, state=FIRING, severity=state.severity, raised_at=raised, resolved_at=None,
                     resolution=None, acknowledged_at=None, due_at=state.due_at, province=state.province,
                     message=state.message, facts=state.facts)
    severity = max(alert.severity, state.severity)
    changes: dict[str, Any] = {}
    if severity > alert.severity:
        changes.update(severity=severity, state=FIRING, acknowledged_at=None)
    for name in ("due_at", "province", "message", "facts"):
        if getattr(alert, name) != getattr(state, name):
            changes[name] = getattr(state, name)
    return _bump(alert, **changes) if changes else None


def _settle(alert: Alert | None, state: AlertState, now: datetime, merged: bool = False) -> Alert | None:
    """An alert whose condition does not fire now: resolve it, or record an episode that fired and
    cleared between two evaluations (as live timers would have). After a merge of persons
    (`merged`), an alert whose condition the joined records never met - no episode fired at all:
    the care hand-off was recorded in time, on the half the matcher had not yet joined - is
    withdrawn (resolution "merged", saying why), not resolved as if it had cleared late."""
    past = state.past_severity
    if merged and alert is not None and past is None and (is_open(alert) or alert.resolution == "auto"):
        return _bump(alert, state=RESOLVED, resolved_at=alert.resolved_at or max(now, alert.raised_at),
                     resolution="merged", message=f"{state.message} Withdrawn: the records of this person "
                                                  "joined since show the condition was never met.",
                     facts=(*state.facts, ("withdrawn", "never-met")))
    if alert is None:
        if past is None:
            return None
        return Alert(state.alert_id, state.rule.number, state.rule.key, past, RESOLVED, state.province,
                     state.case_id, state.subject, state.past_raised_at, state.past_due_at, state.cleared_at,
                     state.message, resolution="auto", facts=state.facts)
    if is_open(alert):
        severity = max(alert.severity, past) if past is not None else alert.severity
        return _bump(alert, state=RESOLVED, severity=severity, resolved_at=max(state.cleared_at or now, alert.raised_at),
                     resolution="auto", message=state.message, facts=state.facts)
    if past is not None and alert.resolution != "merged" and state.past_raised_at > alert.resolved_at:
        return _bump(alert, severity=past, raised_at=state.past_raised_at, resolved_at=state.cleared_at,
                     acknowledged_at=None, resolution="auto", message=state.message, due_at=state.past_due_at,
                     facts=state.facts)
    return None


def reconcile(existing: Mapping[str, Alert] | Iterable[Alert], desired: Iterable[AlertState],
              now: datetime, *, merged: bool = False) -> list[Alert]:
    """The alerts that change in one scope (see the module doc); apply them, publish them.
    `merged`: the matcher has just joined persons of this scope (see `_settle`)."""
    current = dict(existing) if isinstance(existing, Mapping) else {a.alert_id: a for a in existing}
    changed: list[Alert] = []
    seen: set[str] = set()
    for state in desired:
        alert = current.get(state.alert_id)
        seen.add(state.alert_id)
        if state.firing:
            new = _new(state) if alert is None else _update(alert, state)
        else:
            new = _settle(alert, state, now, merged)
        if new is not None:
            current[new.alert_id] = new
            changed.append(new)
    for alert in list(current.values()):
        if alert.alert_id not in seen and is_open(alert) and _resolves_itself(alert.rule_key):
            new = _bump(alert, state=RESOLVED, resolved_at=max(now, alert.raised_at), resolution="merged",
                        message=f"{alert.message} Withdrawn: the records joined or arrived since show the "
                                "condition never held.", facts=(*alert.facts, ("withdrawn", "never-held")))
            current[new.alert_id] = new
            changed.append(new)
    return changed


def _resolves_itself(rule_key: str) -> bool:
    """An alert of a rule that resolves itself and whose condition no longer shows at all (no
    finding: the records that joined since - a person merged, an earlier event arriving late, a
    NotAVictim outcome before the detention - say it never held) is withdrawn, not left firing.
    Rules operators resolve keep their alerts."""
    from streams.rules.catalogue import RULES_BY_KEY
    spec = RULES_BY_KEY.get(rule_key)
    return spec is not None and spec.resolves_itself


def acknowledge(alert: Alert, at: datetime) -> Alert:
    """An operator acknowledges a firing alert (anything else is unchanged)."""
    return _bump(alert, state=ACKNOWLEDGED, acknowledged_at=at) if alert.state == FIRING else alert


def resolve(alert: Alert, at: datetime) -> Alert:
    """An operator resolves an open alert."""
    return _bump(alert, state=RESOLVED, resolved_at=at, resolution="operator") if is_open(alert) else alert


def retire(alert: Alert, at: datetime) -> Alert:
    """An open alert of a case the worker forgets (expiry): resolved, saying so."""
    if not is_open(alert):
        return alert
    return _bump(alert, state=RESOLVED, resolved_at=at, resolution="expired",
                 message=f"{alert.message} Case expired from the hub's working set.")


def supersede(alert: Alert, at: datetime, by: str) -> Alert:
    """An open alert whose case or subject was merged away: resolved, pointing at its successor."""
    if not is_open(alert):
        return alert
    return _bump(alert, state=RESOLVED, resolved_at=at, resolution="merged",
                 message=f"{alert.message} Merged: see {by}.", facts=(*alert.facts, ("successor", by)))
