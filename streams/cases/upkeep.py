"""Book-level changes that do not come from one event: the matcher merging persons, and expiry.

**Person merge.** The matcher found that persons `merged` are `into` (the older id survives). Every
case mentioning them is rewritten with `into`. Cases in which that person takes part on the side of
the exploited, has not left the situation, within `person_window` of each other and not Closed are
one situation: they merge into the oldest, exactly as when one event joins them. The IDC and
deportation events kept for any of the persons while they were in no case (`held`) go into the
person's current case (or stay kept for `into`).

**Expiry.** `expire(book, now)` forgets closed cases `closed_retention` after their last update,
any case `idle_retention` after its last event, and port-outs older than `voyage_max`. Their
last views stay on the compacted topic and in SQL; only the worker's memory is freed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from streams.cases.book import CaseBook, Delta
from streams.cases.casework import merge_cases, rename_persons
from streams.cases.config import FoldConfig
from streams.cases.fold import DEFAULT_CONFIG, Folded, _index, _merge_signals, _oldest_first
from streams.cases.model import Case
from streams.cases.signals import PersonsMerged, Signal

__all__ = ["merge_persons", "expire", "cases_of_persons"]


def _active(cases: list[Case], person_id: str, config: FoldConfig) -> list[Case]:
    active = []
    for case in cases:
        person = case.person(person_id)
        if person and person.joinable and person.ended_at is None and case.stage != "Closed":
            active.append(case)
    if len(active) < 2:
        return []
    latest = max(c.person(person_id).last_at for c in active)
    return [c for c in active if latest - c.person(person_id).last_at <= config.person_window]


def _current_case(cases: list[Case], person_id: str) -> str | None:
    """The case in which the person takes part now (not ended, not Closed), the latest if several."""
    active = [(c.person(person_id).last_at, c.case_id) for c in cases
              if c.person(person_id) and c.person(person_id).joinable and c.person(person_id).ended_at is None
              and c.stage != "Closed"]
    return max(active)[1] if active else None


def cases_of_persons(book: CaseBook, person_ids: Iterable[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Every case a merge of these persons would rewrite or merge, as (case id, its provinces: lead
    first, then those it touches): what an operator must be allowed to change before their
    confirmation of a link is applied (`streams.worker.admission.action_refusal`)."""
    found: dict[str, tuple[str, ...]] = {}
    for person_id in person_ids:
        for case_id in book.person_cases.get(person_id, ()):
            case = book.case(case_id)
            if case is not None:
                found[case.case_id] = (case.lead_province, *(p for p in case.provinces if p != case.lead_province))
    return tuple(sorted(found.items()))


def merge_persons(book: CaseBook, merged: Iterable[str], into: str, now: datetime,
                  config: FoldConfig = DEFAULT_CONFIG) -> Folded:
    """Rewrite the book for the matcher's merge of persons `merged` into `into`."""
    merged_ids = set(merged) - {into}
    if not merged_ids:
        return Folded()
    case_ids: dict[str, None] = {}
    for person_id in (into, *sorted(merged_ids)):
        for case_id in book.person_cases.get(person_id, ()):
            if book.case(case_id) is not None:
                case_ids[book.resolve(case_id)] = None
    current = {cid: rename_persons(book.cases[cid], merged_ids, into, now) for cid in case_ids}
    changed = {cid for cid in current if current[cid] is not book.cases[cid]}
    others: list[Case] = []
    signals: list[Signal] = [PersonsMerged(tuple(sorted(merged_ids)), into)]
    active = _active(list(current.values()), into, config)
    survivor_id = None
    if active:
        survivor, *others = _oldest_first(active)
        survivor_id = survivor.case_id
        current[survivor.case_id] = merge_cases(survivor, others, now)
        changed.add(survivor.case_id)
        for other in others:
            del current[other.case_id]
            changed.discard(other.case_id)
        signals.extend(_merge_signals(current[survivor.case_id], others))
    delta = Delta()
    held = [rename_persons(book.held[p], merged_ids, into, now) for p in (into, *sorted(merged_ids)) if p in book.held]
    for person_id in (into, *merged_ids):
        if person_id in book.held:
            delta.held[person_id] = None
    if held:          # custody events kept while the person was in no case: into their current case
        target = survivor_id or _current_case(list(current.values()), into)
        if target is None:
            delta.held[into] = merge_cases(held[0], held[1:], now) if len(held) > 1 else held[0]
        else:
            current[target] = merge_cases(current[target], held, now)
            changed.add(target)
    for person_id in merged_ids:
        if person_id in book.person_cases:
            delta.person_cases[person_id] = None
    for case in _oldest_first([c for c in current.values() if c.case_id in changed]):
        _index(book, delta, case, others if case.case_id == survivor_id else [], None)
    return Folded(delta=delta, case_id=survivor_id, changed=tuple(sorted(changed)),
                  merged=tuple((o.case_id, survivor_id) for o in others), removed=tuple(others),
                  signals=tuple(signals))


def expire(book: CaseBook, now: datetime, config: FoldConfig = DEFAULT_CONFIG) -> Folded:
    """Forget what no rule and no join can need any more (see the module doc)."""
    delta = Delta()
    removed = []
    for case_id, case in list(book.cases.items()):
        last = case.timeline[-1].occurred_at if case.timeline else case.opened_at
        closed = case.stage == "Closed" and now - case.updated_at > config.closed_retention
        if closed or now - last > config.idle_retention:
            removed.append(case)
            delta.cases[case_id] = None
    gone = {c.case_id for c in removed}
    for voyage_id, voyage in list(book.voyages.items()):
        if now - voyage.out_at > config.voyage_max:
            delta.voyages[voyage_id] = None
    for person_id, kept in list(book.held.items()):
        if now - kept.timeline[-1].occurred_at > config.person_window:
            delta.held[person_id] = None
    if gone:
        for case in removed:
            for agency, ref in case.refs:
                if book.refs.get(f"{agency}|{ref}") == case.case_id:
                    delta.refs[f"{agency}|{ref}"] = None
            for person in case.persons:
                kept = tuple(c for c in book.person_cases.get(person.person_id, ()) if c not in gone)
                delta.person_cases[person.person_id] = kept or None
            for org in case.orgs:
                entry = book.org_cases.get(org.org_key)
                if entry and entry[0] in gone:
                    delta.org_cases[org.org_key] = None
        for old, survivor in list(book.merged.items()):
            if survivor in gone:
                delta.merged[old] = None
    return Folded(delta=delta, removed=tuple(removed))
