"""The engine: findings + `now` -> the desired state of every alert (`AlertState`).

For each finding, step i of its clock is reached at ``anchor_at + window_i`` (at once for an
immediate step). A finding cleared at `cleared_at` reaches only the steps before that. Findings of
one rule on one (case, subject) are one alert: the strongest severity reached by a finding still
holding; raised at the first step reached in the current episode; due at the earliest deadline
still running. Everything is computed from event times (`anchor_at`, `cleared_at`) so that a replay
gives the same alerts; `now` only says how far the clocks have run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from streams.cases import Case, alert_id_for
from streams.rules.case_rules import local_time
from streams.rules.catalogue import CASE_RULES, ORG_RULES, PERSON_RULES
from streams.rules.spec import Finding, RuleSpec, Severity
from streams.rules.windows import RuleWindows

__all__ = ["AlertState", "evaluate", "evaluate_person", "evaluate_org", "evaluate_findings",
           "next_deadline", "running_deadlines", "DEFAULT_WINDOWS"]

DEFAULT_WINDOWS = RuleWindows()


@dataclass(frozen=True)
class AlertState:
    """What one alert (rule, case, subject) should be at `now`. `severity` None: the condition holds
    but no step is reached yet (a running deadline), or it has cleared (`cleared_at`)."""

    rule: RuleSpec
    case_id: str | None
    subject: str
    province: str
    severity: Severity | None
    raised_at: datetime | None = None        # first step reached in the current episode
    severity_at: datetime | None = None      # when the current severity was reached
    due_at: datetime | None = None
    next_at: datetime | None = None          # next step to reach (when to evaluate again)
    cleared_at: datetime | None = None       # set when no finding holds any more
    message: str = ""
    clocks: tuple[str, ...] = ()             # clocks whose findings fire now
    holds: bool = True                       # some finding still holds (its deadline runs)
    deadlines: tuple[datetime, ...] = ()     # every deadline of the findings still holding

    @cached_property
    def alert_id(self) -> str:
        return alert_id_for(self.rule.key, self.case_id, self.subject)

    @property
    def firing(self) -> bool:
        return self.severity is not None


@dataclass(frozen=True, slots=True)
class _Run:
    finding: Finding
    reached: tuple[tuple[datetime, Severity], ...]
    pending: tuple[datetime, ...]
    due_at: datetime | None
    holds: bool


def _run(rule: RuleSpec, finding: Finding, now: datetime, w: RuleWindows) -> _Run:
    clock = rule.clocks[finding.clock]
    times = [(finding.anchor_at + (w[s.after] if s.after else timedelta(0)), s.severity) for s in clock.steps]
    end = finding.cleared_at if finding.cleared_at is not None and finding.cleared_at <= now else None
    reached = tuple((t, sev) for t, sev in times if t <= now and (end is None or t < end))
    window = clock.due_window()
    due = finding.anchor_at + w[window] if window else None
    pending = tuple(t for t, _ in times if t > now) if end is None else ()
    return _Run(finding, reached, pending, due, end is None)


def evaluate_findings(rule: RuleSpec, findings: Iterable[Finding], now: datetime, w: RuleWindows,
                      case_id: str | None = None, province: str = "") -> list[AlertState]:
    """Alert states of one rule from its findings (grouped by case and subject)."""
    groups: dict[tuple[str | None, str], list[_Run]] = {}
    for finding in findings:
        key = (finding.case_id if rule.scope != "case" else case_id, finding.subject)
        groups.setdefault(key, []).append(_run(rule, finding, now, w))
    states = []
    for (cid, subject), runs in sorted(groups.items(), key=lambda g: (g[0][0] or "", g[0][1])):
        holding = [r for r in runs if r.holds]
        firing = [r for r in holding if r.reached]
        cleared = [r for r in runs if not r.holds]
        deadlines = tuple(sorted({r.due_at for r in holding if r.due_at}))
        prov = next((r.finding.province for r in runs if r.finding.province), None) or province
        if firing:
            top = max(r.reached[-1][1] for r in firing)
            lead = min((r for r in firing if r.reached[-1][1] == top), key=lambda r: r.reached[-1][0])
            dues = [r.due_at for r in holding if r.due_at]
            nexts = [t for r in holding for t in r.pending]
            due = min(dues) if dues else None
            message = f"{rule.title}: {lead.finding.detail}" + (f"; due {local_time(due)}" if due else "") + "."
            states.append(AlertState(
                rule, cid, subject, lead.finding.province or prov, top,
                raised_at=min(r.reached[0][0] for r in firing), severity_at=lead.reached[-1][0], due_at=due,
                next_at=min(nexts) if nexts else None, message=message,
                clocks=tuple(sorted({r.finding.clock for r in firing})), deadlines=deadlines))
        elif holding:
            dues = [r.due_at for r in holding if r.due_at]
            states.append(AlertState(rule, cid, subject, prov, None, due_at=min(dues) if dues else None,
                                     next_at=min(t for r in holding for t in r.pending) if any(r.pending for r in holding) else None,
                                     cleared_at=max((r.finding.cleared_at for r in cleared), default=None),
                                     message=f"{rule.title}: {holding[0].finding.detail}.", deadlines=deadlines))
        else:
            last = max(runs, key=lambda r: r.finding.cleared_at)
            states.append(AlertState(rule, cid, subject, prov, None, cleared_at=last.finding.cleared_at,
                                     message=f"{rule.title}: cleared; {last.finding.detail}.", holds=False))
    return states


def evaluate(case: Case, now: datetime, windows: RuleWindows = DEFAULT_WINDOWS,
             rules: Sequence[RuleSpec] = CASE_RULES) -> list[AlertState]:
    """Desired state of every case-scoped alert of `case` at `now` (event time in replay)."""
    out: list[AlertState] = []
    for rule in rules:
        out.extend(evaluate_findings(rule, rule.find(case, windows), now, windows, case.case_id, case.lead_province))
    return out


def _evaluate_entry(entry: Any, rules: Sequence[RuleSpec], now: datetime, windows: RuleWindows) -> list[AlertState]:
    out: list[AlertState] = []
    for rule in rules:
        out.extend(evaluate_findings(rule, rule.find(entry, windows), now, windows))
    return out


def evaluate_person(entry: Any, now: datetime, windows: RuleWindows = DEFAULT_WINDOWS) -> list[AlertState]:
    """Rules 7 and 12 on one person's cross-case entry."""
    return _evaluate_entry(entry, PERSON_RULES, now, windows)


def evaluate_org(entry: Any, now: datetime, windows: RuleWindows = DEFAULT_WINDOWS) -> list[AlertState]:
    """Rule 8 on one organisation's cross-case entry."""
    return _evaluate_entry(entry, ORG_RULES, now, windows)


def next_deadline(case_or_states: Case | Iterable[AlertState], now: datetime | None = None,
                  windows: RuleWindows = DEFAULT_WINDOWS) -> datetime | None:
    """When the worker's timer must evaluate again: the next step any holding finding reaches."""
    if isinstance(case_or_states, Case):
        if now is None:
            raise ValueError("next_deadline(case) needs now")
        case_or_states = evaluate(case_or_states, now, windows)
    times = [s.next_at for s in case_or_states if s.next_at is not None]
    return min(times) if times else None


def running_deadlines(states: Iterable[AlertState]) -> list[tuple[str, datetime]]:
    """(rule key, due_at) of every deadline still running, for the CaseView."""
    return sorted({(s.rule.key, due) for s in states for due in s.deadlines},
                  key=lambda d: (d[1], d[0]))
