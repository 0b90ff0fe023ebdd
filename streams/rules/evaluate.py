"""The engine: findings + `now` -> the desired state of every alert (`AlertState`).

For each finding, step i of its clock is reached at ``anchor_at + window_i`` (at once for an
immediate step). A finding cleared at `cleared_at` reaches only the steps before that. Findings of
one rule on one (case, subject) are one alert. Each finding that fired is open from its first step
until it cleared; overlapping stretches form an **episode**. The current episode (one still open
at `now`) gives the alert's severity (the strongest reached in it: severity never drops while
open) and `raised_at` (its start); the last closed episode is reported too (`past_*`,
`cleared_at`), so that a replay that jumps over a whole episode still records the alert that live
timers would have raised and resolved. Everything is computed from event times (`anchor_at`, `cleared_at`) so that a replay
gives the same alerts; `now` only says how far the clocks have run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from streams.cases import Case, alert_id_for
from streams.rules.case_rules import local_time
from streams.rules.catalogue import CASE_RULES, ORG_RULES, PERSON_RULES
from streams.rules.spec import Clock, Facts, Finding, RuleSpec, Severity
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
    past_severity: Severity | None = None    # the last episode that fired and cleared, if any:
    past_raised_at: datetime | None = None   # its severity and start (its end is cleared_at)
    past_due_at: datetime | None = None      # and the deadline it watched
    facts: Facts = ()                        # the message as data (`Finding.facts`), for the consoles

    @property
    def alert_id(self) -> str:
        """`alert_id_for` is memoised: a plain property is cheaper than `cached_property`, which
        takes a lock on the first read of each state in Python 3.11 (and most are read once)."""
        return alert_id_for(self.rule.key, self.case_id, self.subject)

    @property
    def firing(self) -> bool:
        return self.severity is not None


class _Run(NamedTuple):
    finding: Finding
    reached: tuple[tuple[datetime, Severity], ...]
    pending: tuple[datetime, ...]
    due_at: datetime | None
    holds: bool


_LADDERS: dict[tuple[int, int], tuple[Clock, RuleWindows, tuple[tuple[timedelta, Severity], ...], timedelta | None]] = {}


def _ladder(clock: Clock, w: RuleWindows) -> tuple[tuple[tuple[timedelta, Severity], ...], timedelta | None]:
    """A clock's steps as (offset, severity) and its due offset under `w`: looked up once per clock
    and windows, not at every finding (the entry holds both objects, so their ids stay theirs)."""
    entry = _LADDERS.get((id(clock), id(w)))
    if entry is None or entry[0] is not clock or entry[1] is not w:
        if len(_LADDERS) > 256:
            _LADDERS.clear()
        steps = tuple((w[s.after] if s.after else timedelta(0), s.severity) for s in clock.steps)
        window = clock.due_window()
        entry = _LADDERS[(id(clock), id(w))] = (clock, w, steps, w[window] if window else None)
    return entry[2], entry[3]


def _run(rule: RuleSpec, finding: Finding, now: datetime, w: RuleWindows) -> _Run:
    steps, due = _ladder(rule.clocks[finding.clock], w)
    anchor, cleared = finding.anchor_at, finding.cleared_at
    times = [(anchor + offset, sev) for offset, sev in steps]
    end = cleared if cleared is not None and cleared <= now else None
    if end is None:
        reached = tuple((t, sev) for t, sev in times if t <= now)
        pending = tuple(t for t, _ in times if t > now)
    else:
        reached = tuple((t, sev) for t, sev in times if t <= now and t < end)
        pending = ()
    return _Run(finding, reached, pending, anchor + due if due is not None else None, end is None)


class _Episode(NamedTuple):
    """Runs whose firing intervals overlap: one continuous stretch of an alert being open."""

    start: datetime
    end: datetime | None
    runs: tuple[_Run, ...]

    @property
    def top(self) -> tuple[Severity, datetime]:
        """The strongest severity reached in the episode, and when it was first reached."""
        best = max(sev for r in self.runs for _, sev in r.reached)
        return best, min(t for r in self.runs for t, sev in r.reached if sev == best)


def _episodes(runs: list[_Run]) -> list[_Episode]:
    if len(runs) == 1:                           # the usual case: one finding per alert
        run = runs[0]
        return [_Episode(run.reached[0][0], run.finding.cleared_at if not run.holds else None, (run,))] \
            if run.reached else []
    spans = sorted(((r.reached[0][0], r.finding.cleared_at if not r.holds else None, r) for r in runs if r.reached),
                   key=lambda s: s[0])
    out: list[_Episode] = []
    for start, end, run in spans:
        last = out[-1] if out else None
        if last is not None and (last.end is None or start <= last.end):
            merged_end = None if last.end is None or end is None else max(last.end, end)
            out[-1] = _Episode(last.start, merged_end, (*last.runs, run))
        else:
            out.append(_Episode(start, end, (run,)))
    return out


def _state(rule: RuleSpec, cid: str | None, subject: str, province: str, runs: list[_Run]) -> AlertState:
    holding = [r for r in runs if r.holds]
    deadlines = tuple(sorted({r.due_at for r in holding if r.due_at}))
    nexts = [t for r in holding for t in r.pending]
    episodes = _episodes(runs)
    current = episodes[-1] if episodes and episodes[-1].end is None else None
    past = next((e for e in reversed(episodes) if e.end is not None), None)
    common = dict(due_at=deadlines[0] if deadlines else None, next_at=min(nexts) if nexts else None,
                  holds=bool(holding), deadlines=deadlines)
    if current is not None:
        severity, severity_at = current.top
        firing = [r for r in current.runs if r.holds]
        lead = min((r for r in firing), key=lambda r: (-r.reached[-1][1], r.reached[-1][0]))
        due = common["due_at"]
        message = f"{rule.title}: {lead.finding.detail}" + (f"; due {local_time(due)}" if due else "") + "."
        return AlertState(rule, cid, subject, lead.finding.province or province, severity, raised_at=current.start,
                          severity_at=severity_at, message=message, facts=lead.finding.facts,
                          clocks=tuple(sorted({r.finding.clock for r in firing})), **common)
    cleared_at = past.end if past else max((r.finding.cleared_at for r in runs if not r.holds), default=None)
    told = (holding or [r for r in runs if r.finding.cleared_at == cleared_at] or runs)[0].finding
    detail = told.detail
    past_severity, _ = past.top if past else (None, None)
    return AlertState(rule, cid, subject, province, None, cleared_at=cleared_at,
                      message=f"{rule.title}: {'cleared; ' if not holding else ''}{detail}.", facts=told.facts,
                      past_severity=past_severity, past_raised_at=past.start if past else None,
                      past_due_at=min((r.due_at for r in past.runs if r.due_at), default=None) if past else None,
                      **common)


def evaluate_findings(rule: RuleSpec, findings: Iterable[Finding], now: datetime, w: RuleWindows,
                      case_id: str | None = None, province: str = "") -> list[AlertState]:
    """Alert states of one rule from its findings (grouped by case and subject)."""
    groups: dict[tuple[str | None, str], list[_Run]] = {}
    by_case = rule.scope != "case"
    for finding in findings:
        key = (finding.case_id if by_case else case_id, finding.subject)
        run = _run(rule, finding, now, w)
        if key in groups:
            groups[key].append(run)
        else:
            groups[key] = [run]
    if not groups:
        return []
    items = groups.items() if len(groups) == 1 else sorted(groups.items(), key=lambda g: (g[0][0] or "", g[0][1]))
    states = []
    for (cid, subject), runs in items:
        prov = next((r.finding.province for r in runs if r.finding.province), None) or province
        states.append(_state(rule, cid, subject, prov, runs))
    return states


def evaluate(case: Case, now: datetime, windows: RuleWindows = DEFAULT_WINDOWS,
             rules: Sequence[RuleSpec] = CASE_RULES) -> list[AlertState]:
    """Desired state of every case-scoped alert of `case` at `now` (event time in replay). A rule
    that declares the mark kinds it needs (`RuleSpec.marks`) is not asked when the case has none of
    them: it would find nothing (most cases carry a few kinds; most rules watch other ones)."""
    out: list[AlertState] = []
    kinds = {m.kind for m in case.marks}
    case_id, province = case.case_id, case.lead_province
    for rule in rules:
        if rule.marks and rule.marks.isdisjoint(kinds):
            continue
        out.extend(evaluate_findings(rule, rule.find(case, windows), now, windows, case_id, province))
    return out


def _evaluate_entry(entry: Any, rules: Sequence[RuleSpec], now: datetime, windows: RuleWindows) -> list[AlertState]:
    out: list[AlertState] = []
    for rule in rules:
        out.extend(evaluate_findings(rule, rule.find(entry, windows), now, windows))
    return out


def evaluate_person(entry: Any, now: datetime, windows: RuleWindows = DEFAULT_WINDOWS) -> list[AlertState]:
    """Rules 7, 12 and 13 on one person's cross-case entry."""
    return _evaluate_entry(entry, PERSON_RULES, now, windows)


def evaluate_org(entry: Any, now: datetime, windows: RuleWindows = DEFAULT_WINDOWS) -> list[AlertState]:
    """Rule 8, and rule 9 for an overdue vessel, on one organisation's cross-case entry."""
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
