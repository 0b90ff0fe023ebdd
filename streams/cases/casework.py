"""Pure operations on one `Case` value: open it from a fact, add a fact, merge cases, rename a
merged person. Each returns a new case; derived fields are refreshed by `refresh`.
"""

from __future__ import annotations

import bisect
from dataclasses import replace
from datetime import datetime

from streams.cases.ages import widen
from streams.cases.events import Fact, FactPerson
from streams.cases.model import Case, CaseOrg, CasePerson, Mark, PersonFile, TimelineEntry
from streams.cases.stage import lead_province_of, provinces_of, stage_of_parts, status_of

__all__ = ["new_case", "add_fact", "merge_cases", "rename_persons", "refresh", "timeline_entry"]


def timeline_entry(fact: Fact) -> TimelineEntry:
    return TimelineEntry(fact.event_id, fact.event_type, fact.agency, fact.occurred_at, fact.province)


def _insort(items: tuple, new: list, key) -> tuple:
    out = list(items)
    for item in new:
        bisect.insort_right(out, item, key=key)
    return tuple(out)


def _timeline_key(entry: TimelineEntry):
    return entry.occurred_at, entry.event_id


def _mark_key(mark: Mark):
    return mark.at


def _ended(a: datetime | None, b: datetime | None) -> datetime | None:
    """When the person's part ended, combining two records of them: as one record would have it had
    every event been theirs from the start (`_persons`: an end stays, later events of the case do not
    undo it; only a new situation, a new case, does). A part that ended in one record of a person
    the matcher split ended for the person."""
    ends = [t for t in (a, b) if t is not None]
    return max(ends) if ends else None


def _combine(a: CasePerson, b: CasePerson) -> CasePerson:
    """Two records of one person in a case (same id, or ids the matcher merged)."""
    dob = widen(a.dob, b.dob)
    return CasePerson(
        a.person_id, tuple(sorted(set(a.roles) | set(b.roles))),
        (b.nationality or a.nationality) if b.last_at >= a.last_at else (a.nationality or b.nationality),
        dob[0] if dob else None, dob[1] if dob else None,
        min(a.first_at, b.first_at), max(a.last_at, b.last_at), a.joinable or b.joinable,
        _ended(a.ended_at, b.ended_at))


def _persons(case_persons: tuple[CasePerson, ...], fact: Fact, extra: tuple[FactPerson, ...]) -> tuple[CasePerson, ...]:
    at = fact.occurred_at
    joiners, ends = set(fact.joiners), set(fact.ends)
    by_id = {p.person_id: p for p in case_persons}
    for fp in (*fact.persons, *extra):
        record = CasePerson(fp.person_id, (fp.role,), fp.nationality, fp.dob[0] if fp.dob else None,
                            fp.dob[1] if fp.dob else None, at, at, fp.person_id in joiners,
                            at if fp.person_id in ends else None)
        old = by_id.get(fp.person_id)
        if old is None:
            by_id[fp.person_id] = record
        else:
            ended = at if fp.person_id in ends else old.ended_at
            by_id[fp.person_id] = _combine(old, record)._replace(ended_at=ended)
    return tuple(by_id.values())


def _files(files: tuple[PersonFile, ...], new: tuple[PersonFile, ...]) -> tuple[PersonFile, ...]:
    """The case file with later records of its persons added (a person's records combined)."""
    if not new:
        return files
    by_id = {f.person_id: f for f in files}
    for later in new:
        old = by_id.get(later.person_id)
        by_id[later.person_id] = old.then(later) if old else later
    return tuple(by_id.values())


def _union(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    return a if not b or set(b) <= set(a) else tuple(dict.fromkeys((*a, *b)))


def _orgs(case_orgs: tuple[CaseOrg, ...], fact: Fact) -> tuple[CaseOrg, ...]:
    by_key = {o.org_key: o for o in case_orgs}
    for key in fact.orgs:
        old = by_key.get(key.key)
        by_key[key.key] = CaseOrg(key.key, key.kind, key.name or (old.name if old else ""),
                                  key.registered or bool(old and old.registered))
    return tuple(by_key.values())


def new_case(case_id: str, fact: Fact, now: datetime, *, extra_persons: tuple[FactPerson, ...] = (),
             extra_timeline: tuple[TimelineEntry, ...] = ()) -> Case:
    """A case opened by `fact` (its number is the fold's to give: `fold._next_number`)."""
    empty = Case(case_id, fact.occurred_at, now, fact.province, (fact.province,), "Reported", "Active")
    return add_fact(empty, fact, now, extra_persons=extra_persons, extra_timeline=extra_timeline)


def add_fact(case: Case, fact: Fact, now: datetime, *, extra_persons: tuple[FactPerson, ...] = (),
             extra_timeline: tuple[TimelineEntry, ...] = ()) -> Case:
    """The case with one more event (an event already in it changes nothing)."""
    if case.has_event(fact.event_id):
        return case
    refs = case.refs
    if fact.agency_case_ref and (fact.agency, fact.agency_case_ref) not in refs:
        refs = (*refs, (fact.agency, fact.agency_case_ref))
    new_entries = [timeline_entry(fact), *(e for e in extra_timeline if not case.has_event(e.event_id))]
    return _refreshed(case.case_id, min(case.opened_at, fact.occurred_at, *(e.occurred_at for e in extra_timeline)),
                      now, _persons(case.persons, fact, extra_persons), _orgs(case.orgs, fact), refs,
                      _insort(case.timeline, new_entries, _timeline_key),
                      _insort(case.marks, list(fact.marks), _mark_key),
                      files=_files(case.files, fact.files), exploitation=_union(case.exploitation, fact.exploitation),
                      number=case.number, absorbed=case.absorbed)


def merge_cases(survivor: Case, others: list[Case], now: datetime) -> Case:
    """One case from several: the survivor's id, everything of the others."""
    persons = {p.person_id: p for p in survivor.persons}
    orgs = {o.org_key: o for o in survivor.orgs}
    refs = dict.fromkeys(survivor.refs)
    seen = {e.event_id for e in survivor.timeline}
    timeline, marks = list(survivor.timeline), list(survivor.marks)
    files, exploitation = survivor.files, survivor.exploitation
    absorbed = dict.fromkeys(survivor.absorbed)
    for other in others:
        absorbed.update(dict.fromkeys(n for n in (other.number, *other.absorbed) if n and n != survivor.number))
        files, exploitation = _files(files, other.files), _union(exploitation, other.exploitation)
        for person in other.persons:
            persons[person.person_id] = _combine(persons[person.person_id], person) \
                if person.person_id in persons else person
        for org in other.orgs:
            orgs.setdefault(org.org_key, org)
        refs.update(dict.fromkeys(other.refs))
        timeline.extend(e for e in other.timeline if e.event_id not in seen)
        seen.update(e.event_id for e in other.timeline)
        marks.extend(other.marks)
    merged = replace(
        survivor, opened_at=min(c.opened_at for c in (survivor, *others)),
        persons=tuple(persons.values()), orgs=tuple(orgs.values()), refs=tuple(refs),
        timeline=tuple(sorted(timeline, key=_timeline_key)), marks=tuple(sorted(marks, key=_mark_key)),
        files=files, exploitation=exploitation, absorbed=tuple(absorbed))
    return refresh(merged, now)


def rename_persons(case: Case, merged_ids: set[str], into: str, now: datetime) -> Case:
    """The case with the matcher's merged person ids replaced by the surviving id."""
    if not any(p.person_id in merged_ids for p in case.persons) and \
            not any(m.subject in merged_ids for m in case.marks) and \
            not any(f.person_id in merged_ids for f in case.files):
        return case
    persons: dict[str, CasePerson] = {}
    for person in case.persons:
        person = person._replace(person_id=into) if person.person_id in merged_ids else person
        old = persons.get(person.person_id)
        persons[person.person_id] = _combine(old, person) if old else person
    marks = tuple(m._replace(subject=into) if m.subject in merged_ids else m for m in case.marks)
    files = _files((), tuple(f._replace(person_id=into) if f.person_id in merged_ids else f for f in case.files))
    return refresh(replace(case, persons=tuple(persons.values()), marks=marks, files=files), now)


def refresh(case: Case, now: datetime) -> Case:
    """Derived fields recomputed: stage, status, lead province, provinces, updated_at."""
    return _refreshed(case.case_id, case.opened_at, now, case.persons, case.orgs, case.refs, case.timeline, case.marks,
                      files=case.files, exploitation=case.exploitation, number=case.number, absorbed=case.absorbed)


def _refreshed(case_id: str, opened_at: datetime, now: datetime, persons: tuple[CasePerson, ...],
               orgs: tuple[CaseOrg, ...], refs: tuple[tuple[str, str], ...], timeline: tuple[TimelineEntry, ...],
               marks: tuple[Mark, ...], *, files: tuple[PersonFile, ...] = (),
               exploitation: tuple[str, ...] = (), number: str | None = None,
               absorbed: tuple[str, ...] = ()) -> Case:
    """A case value from its recorded parts, derived fields computed (one construction, where
    `dataclasses.replace` then `refresh` built two)."""
    stage = stage_of_parts(persons, marks)
    return Case(case_id, opened_at, now, lead_province_of(timeline), provinces_of(timeline), stage, status_of(stage),
                persons=persons, orgs=orgs, refs=refs, timeline=timeline, marks=marks, files=files,
                exploitation=exploitation, number=number, absorbed=absorbed)
