"""The rules wired to the fold, for a worker that keeps cases, alerts and the cross-case index in
one place (one partition). Every decision is made by the pure functions (`fold`, `evaluate`,
`reconcile`, ...); these handlers apply them to the `Hub` state they are given (dicts, or faust
tables behind the same mapping interface) and return what to publish.

    hub = Hub()
    out = on_event(hub, event, person_ids, now)         # each intake event (`streams.events.Event`)
    out = on_person_merge(hub, merged_ids, into, now)   # each matcher merge (before the event)
    out = on_tick(hub, now)                             # timer: when min(hub.rules.timers) <= now
    out = on_operator(hub, alert_id, "acknowledge", at) # console actions ("resolve" too)
    out = desk.on_desk(hub, case_id, partial(assign_owner, owner=..., by=..., at=at), at)   # a team lead's
    out = on_expire(hub, now)                           # daily
    out.case_views -> cases.provincial.v1 (key case_id); out.alerts -> alerts.v1 (key alert_id);
    out.referrals -> referrals.<to_agency>.v1 (key case_id)

Pass `now` = the largest event time seen (replay, and live between timer ticks) or the wall clock
on a live timer tick: every time written into a record is an event time or that `now`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from streams.cases import (Case, CaseBook, CaseMerged, Folded, FoldConfig, OrgFlagged, PersonIds, PersonSeen,
                           PersonsMerged, alert_id_for, case_view, expire, fold, merge_persons)
from streams.cases.desk import Desk, carry_desk, rename_persons
from streams.cases.signals import OrgsNamed, VoyageDeparted, VoyageReturned
from streams.cases.fold import DEFAULT_CONFIG
from streams.events import Event
from streams.referrals import rule_referrals, stage_referrals
from streams.rules.book import RuleBook, case_scope, org_scope, person_scope
from streams.rules.cross import (absorb_org, absorb_person, merge_org_entries, merge_person_entries, prune_org,
                                 prune_person)
from streams.rules.evaluate import (DEFAULT_WINDOWS, AlertState, evaluate, evaluate_org, evaluate_person,
                                    next_deadline, running_deadlines)
from streams.rules.lifecycle import Alert, acknowledge, alert_record, is_open, reconcile, resolve, retire, supersede
from streams.rules.windows import RuleWindows

__all__ = ["Hub", "Outcome", "on_event", "on_person_merge", "on_tick", "on_operator", "on_expire"]


@dataclass
class Hub:
    cases: CaseBook = field(default_factory=CaseBook)
    rules: RuleBook = field(default_factory=RuleBook)
    desks: dict[str, Desk] = field(default_factory=dict)    # case id -> what its team lead decided (`on_desk`)


@dataclass
class Outcome:
    """Records to publish: the latest version of each changed case view, alert and referral."""

    case_views: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    referrals: list[dict[str, Any]] = field(default_factory=list)
    case_id: str | None = None


class _Out:
    def __init__(self) -> None:
        self.views: dict[str, dict[str, Any]] = {}
        self.alerts: dict[str, Alert] = {}
        self.referrals: list[dict[str, Any]] = []

    def outcome(self, case_id: str | None = None) -> Outcome:
        return Outcome(list(self.views.values()), [alert_record(a) for a in self.alerts.values()],
                       self.referrals, case_id)


def _move(rb: RuleBook, from_scope: str, to_scope: str, rekey, now: datetime, out: _Out,
          only=lambda alert: True) -> None:
    """Carry the open alerts of `from_scope` chosen by `only` to their new (case, subject): the old
    alert is superseded, the new one keeps its state, severity and raised time."""
    old = rb.alerts_of(from_scope)
    moved: list[Alert] = []
    superseded: list[Alert] = []
    for alert in old.values():
        if not only(alert) or not is_open(alert):
            continue
        case_id, subject = rekey(alert)
        new_id = alert_id_for(alert.rule_key, case_id, subject)
        if new_id == alert.alert_id:
            continue
        superseded.append(supersede(alert, now, new_id))
        if new_id not in rb.alerts_of(to_scope) and new_id not in {m.alert_id for m in moved}:
            moved.append(replace(alert, alert_id=new_id, case_id=case_id, subject=subject, version=1))
    rb.store(from_scope, superseded)
    rb.store(to_scope, moved)
    for alert in (*superseded, *moved):
        out.alerts[alert.alert_id] = alert


def _drop_scope(rb: RuleBook, scope: str) -> None:
    for alert in rb.alerts.pop(scope, ()):
        rb.alert_scopes.pop(alert.alert_id, None)
    rb.timers.pop(scope, None)


def _reconcile(rb: RuleBook, scope: str, states: list[AlertState], now: datetime, out: _Out, *,
               merged: bool = False) -> list[Alert]:
    changed = reconcile(rb.alerts_of(scope), states, now, merged=merged)
    rb.store(scope, changed)
    for alert in changed:
        out.alerts[alert.alert_id] = alert
    return changed


def _view(hub: Hub, case: Case, states: list[AlertState]) -> dict[str, Any]:
    rb = hub.rules
    open_ids = [a.alert_id for a in rb.alerts.get(case_scope(case.case_id), ()) if is_open(a)]
    scopes = [person_scope(p.person_id) for p in case.persons] + [org_scope(o.org_key) for o in case.orgs]
    for scope in scopes:
        open_ids += [a.alert_id for a in rb.alerts.get(scope, ()) if a.case_id == case.case_id and is_open(a)]
    return case_view(case, open_alert_ids=open_ids, deadlines=running_deadlines(states), desk=hub.desks.get(case.case_id))


def _case(hub: Hub, case: Case, now: datetime, windows: RuleWindows, out: _Out, *, view: bool = True,
          merged: bool = False) -> None:
    """Evaluate one case; its view is published when the case changed (`view`) or its alerts did.
    `merged`: after a merge of persons (alerts the joined records never warranted are withdrawn)."""
    rb, scope = hub.rules, case_scope(case.case_id)
    states = evaluate(case, now, windows)
    changed = _reconcile(rb, scope, states, now, out, merged=merged)
    issued = rb.referred.get(case.case_id, ())
    referrals = rule_referrals(case, states, set(issued)) + stage_referrals(case, set(issued))
    if referrals:
        rb.referred[case.case_id] = (*issued, *(r["referral_id"] for r in referrals))
        out.referrals.extend(referrals)
    rb.set_timer(scope, next_deadline(states))
    if view or changed or case.case_id in out.views:
        out.views[case.case_id] = _view(hub, case, states)


def _cross(hub: Hub, folded: Folded, now: datetime, windows: RuleWindows, out: _Out) -> set[str]:
    rb = hub.rules
    persons: dict[str, list] = {}
    orgs: dict[str, list] = {}
    for signal in folded.signals:
        if isinstance(signal, PersonSeen):
            persons.setdefault(signal.person_id, []).append(signal)
        elif isinstance(signal, (OrgFlagged, VoyageDeparted, VoyageReturned)):
            orgs.setdefault(signal.org_key, []).append(signal)
        elif isinstance(signal, CaseMerged):
            for subject in signal.subjects:
                if subject in rb.persons or subject in persons:
                    persons.setdefault(subject, []).append(signal)
                    _move(rb, person_scope(subject), person_scope(subject), lambda a, s=signal: (s.into_case, a.subject),
                          now, out, only=lambda a, s=signal: a.case_id == s.from_case)
                if subject in rb.orgs or subject in orgs:
                    orgs.setdefault(subject, []).append(signal)
                    _move(rb, org_scope(subject), org_scope(subject), lambda a, s=signal: (s.into_case, a.subject),
                          now, out, only=lambda a, s=signal: a.case_id == s.from_case)
        elif isinstance(signal, PersonsMerged):
            entries = [rb.persons.pop(m, None) for m in signal.merged]
            if any(entries) or signal.into in rb.persons:
                rb.persons[signal.into] = merge_person_entries(rb.persons.get(signal.into), entries, signal.into)
                persons.setdefault(signal.into, [])
            for merged in signal.merged:
                _move(rb, person_scope(merged), person_scope(signal.into), lambda a, s=signal: (a.case_id, s.into), now, out)
                _drop_scope(rb, person_scope(merged))
        elif isinstance(signal, OrgsNamed):
            named = [key for key in signal.named if key in rb.orgs]
            if named:
                rb.orgs[signal.into] = merge_org_entries(rb.orgs.get(signal.into), [rb.orgs.pop(k) for k in named],
                                                         signal.into)
                orgs.setdefault(signal.into, [])
            for key in named:
                _move(rb, org_scope(key), org_scope(signal.into), lambda a, s=signal: (a.case_id, s.into), now, out)
                _drop_scope(rb, org_scope(key))
    touched_cases: set[str] = set()
    for pid, signals in persons.items():
        entry = absorb_person(rb.persons.get(pid), signals, pid)
        rb.persons[pid] = entry
        changed = _reconcile(rb, person_scope(pid), evaluate_person(entry, now, windows), now, out)
        touched_cases.update(a.case_id for a in changed if a.case_id)
    for key, signals in orgs.items():
        entry = absorb_org(rb.orgs.get(key), signals, key)
        rb.orgs[key] = entry
        states = evaluate_org(entry, now, windows)
        changed = _reconcile(rb, org_scope(key), states, now, out)
        rb.set_timer(org_scope(key), next_deadline(states))      # rule 9: a vessel due back
        touched_cases.update(a.case_id for a in changed if a.case_id)
    return touched_cases


def _apply(hub: Hub, folded: Folded, now: datetime, windows: RuleWindows, renamed: Mapping[str, str] | None = None) -> Outcome:
    hub.cases.apply(folded.delta)
    rb, out = hub.rules, _Out()
    survivors = dict(folded.merged)
    for removed in folded.removed:
        into = survivors[removed.case_id]
        _move(rb, case_scope(removed.case_id), case_scope(into), lambda a, i=into: (i, a.subject), now, out)
        _drop_scope(rb, case_scope(removed.case_id))
        rb.referred[into] = tuple(dict.fromkeys((*rb.referred.get(into, ()), *rb.referred.pop(removed.case_id, ()))))
        carry_desk(hub.desks, removed.case_id, into)
        out.views[removed.case_id] = case_view(removed, merged_into=into)
    if renamed:
        rename_persons(hub.desks, folded.changed, renamed)
    touched = _cross(hub, folded, now, windows, out)
    for case_id in dict.fromkeys([*folded.changed, *sorted(touched)]):
        case = hub.cases.case(case_id)
        if case is None:
            continue
        if renamed:
            scope = case_scope(case.case_id)
            _move(rb, scope, scope, lambda a: (a.case_id, renamed.get(a.subject, a.subject)), now, out,
                  only=lambda a: a.subject in renamed)
        _case(hub, case, now, windows, out, merged=bool(renamed))
    return out.outcome(folded.case_id)


def on_event(hub: Hub, event: Event, person_ids: PersonIds, now: datetime, *,
             windows: RuleWindows = DEFAULT_WINDOWS, config: FoldConfig = DEFAULT_CONFIG) -> Outcome:
    """One intake event, with its persons' hub ids."""
    folded = fold(hub.cases, event, person_ids, now, config)
    if folded.duplicate:
        return Outcome(case_id=folded.case_id)
    return _apply(hub, folded, now, windows)


def on_person_merge(hub: Hub, merged: Iterable[str], into: str, now: datetime, *,
                    windows: RuleWindows = DEFAULT_WINDOWS, config: FoldConfig = DEFAULT_CONFIG) -> Outcome:
    """The matcher merged persons `merged` into `into` (a PersonLink with `merged_from`)."""
    merged = tuple(m for m in merged if m != into)
    folded = merge_persons(hub.cases, merged, into, now, config)
    return _apply(hub, folded, now, windows, renamed={m: into for m in merged})


def on_tick(hub: Hub, now: datetime, *, windows: RuleWindows = DEFAULT_WINDOWS) -> Outcome:
    """Evaluate every scope whose timer is due (the worker's timer fires at `min(timers)`)."""
    out = _Out()
    due = sorted((at, scope) for scope, at in hub.rules.timers.items() if at <= now)
    for _, scope in due:
        if scope.startswith("org:"):                 # rule 9: a vessel overdue
            entry = hub.rules.orgs.get(scope.split(":", 1)[1])
            if entry is None:
                hub.rules.timers.pop(scope, None)
                continue
            states = evaluate_org(entry, now, windows)
            _reconcile(hub.rules, scope, states, now, out)
            hub.rules.set_timer(scope, next_deadline(states))
            continue
        case = hub.cases.case(scope.split(":", 1)[1]) if scope.startswith("case:") else None
        if case is None:
            hub.rules.timers.pop(scope, None)
            continue
        _case(hub, case, now, windows, out, view=False)
    return out.outcome()


def on_operator(hub: Hub, alert_id: str, action: str, at: datetime) -> Outcome:
    """An operator acknowledges (`"acknowledge"`) or resolves (`"resolve"`) an alert."""
    if action not in ("acknowledge", "resolve"):
        raise ValueError(f"unknown operator action {action!r}: acknowledge or resolve")
    found = hub.rules.find(alert_id)
    if found is None:
        raise KeyError(f"no alert {alert_id}")
    scope, alert = found
    new = acknowledge(alert, at) if action == "acknowledge" else resolve(alert, at)
    out = _Out()
    if new is not alert:
        hub.rules.store(scope, [new])
        out.alerts[new.alert_id] = new
        case = hub.cases.case(new.case_id) if new.case_id else None
        if case is not None:
            out.views[case.case_id] = _view(hub, case, evaluate(case, at))
    return out.outcome(new.case_id)


def on_expire(hub: Hub, now: datetime, *, windows: RuleWindows = DEFAULT_WINDOWS,
              config: FoldConfig = DEFAULT_CONFIG) -> Outcome:
    """Forget expired cases (their open alerts are published resolved), their referral memory, and
    aged cross-case evidence."""
    folded = expire(hub.cases, now, config)
    hub.cases.apply(folded.delta)
    out = _Out()
    for case in folded.removed:
        for alert in hub.rules.alerts.get(case_scope(case.case_id), ()):
            if is_open(alert):
                out.alerts[alert.alert_id] = retire(alert, now)
        _drop_scope(hub.rules, case_scope(case.case_id))
        hub.rules.referred.pop(case.case_id, None)
        hub.desks.pop(case.case_id, None)
    for pid, entry in list(hub.rules.persons.items()):
        kept = prune_person(entry, now, windows)
        if kept is None:
            del hub.rules.persons[pid]
        elif kept is not entry:          # prune returns the entry itself when it keeps everything
            hub.rules.persons[pid] = kept
    for key, entry in list(hub.rules.orgs.items()):
        kept = prune_org(entry, now, windows)
        if kept is None:
            del hub.rules.orgs[key]
        elif kept is not entry:          # prune returns the entry itself when it keeps everything
            hub.rules.orgs[key] = kept
    return out.outcome()
