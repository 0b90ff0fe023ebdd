"""Folding events into cases.

**The join rule.** An event joins the cases it shares, in this order:

1. an **agency case reference** (same agency, same reference): always;
2. a **person on the side of the exploited** (a role in `JOIN_ROLES`, or the person the event is
   about, unless a suspect): the person's latest case in which they took part that way, if the
   event happened within `person_window` of their last event there - and, for an event that starts
   a new situation (`NEW_SITUATION`: a rescue, a report, an inspection, an intake ...), only while
   their part in it has not ended (shelter exit, repatriation, deportation) and the case is not
   Closed: a victim trafficked again gets a new case, which rule 7 links;
3. a **registered organisation** (employer / vessel / premises by registration) that the event
   flags: the case where it was last flagged within `org_window`, unless Closed (only for events
   that can open cases; names alone never join).

No case: the event opens one if it can (`OPENING`, or indicators / mismatch), with the id
`case_id_for(event_id)`; routine events (a border crossing, a port-out) that join nothing are
dropped, except a stranger's IDC and deportation events (`held.HELD`), kept for the case they may
join. Several cases: they are one situation, merged into the **oldest** (earliest opened, then
smallest id), the others get `merged_into`. An event already in its case changes nothing, so
redelivery is harmless; the same events in the same order give the same cases and ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from streams.cases.book import CaseBook, Delta
from streams.cases.casework import add_fact, merge_cases, new_case
from streams.cases.config import FoldConfig
from streams.cases.events import Fact, FactPerson, PersonIds, read_event
from streams.cases.held import keep_held, with_held
from streams.cases.ages import local_date
from streams.cases.ids import BE_OFFSET, case_id_for, case_number, number_key
from streams.cases.model import Case, Mark, MarkKind, TimelineEntry
from streams.cases.orgs import OrgKey, fold_name, name_keys
from streams.cases.signals import CaseMerged, OrgFlagged, OrgsNamed, PersonSeen, Signal, VoyageDeparted, VoyageReturned
from streams.events import Event

__all__ = ["Folded", "fold", "fold_fact", "DEFAULT_CONFIG"]

DEFAULT_CONFIG = FoldConfig()


@dataclass(frozen=True, slots=True)
class Folded:
    """What one fold decided. Apply `delta` to the book; publish views of `changed` and the last
    views of `removed` (merged away, `merged_into` set); send `signals` to the cross-case index."""

    delta: Delta = field(default_factory=Delta)
    case_id: str | None = None
    changed: tuple[str, ...] = ()
    merged: tuple[tuple[str, str], ...] = ()           # (merged-away id, surviving id)
    removed: tuple[Case, ...] = ()
    signals: tuple[Signal, ...] = ()
    duplicate: bool = False


def fold(book: CaseBook, event: Event, person_ids: PersonIds, now: datetime,
         config: FoldConfig = DEFAULT_CONFIG) -> Folded:
    """Fold one event into the book's cases."""
    return fold_fact(book, read_event(event, person_ids), now, config)


def _ref_key(agency: str, ref: str) -> str:
    return f"{agency}|{ref}"


def _port_in(book: CaseBook, fact: Fact, delta: Delta) -> tuple[Fact, tuple[FactPerson, ...], tuple[TimelineEntry, ...]]:
    port_in = fact.port_in
    voyage = book.voyages.get(port_in.voyage_id) if port_in else None
    if voyage is None:
        return fact, (), ()
    delta.voyages[voyage.voyage_id] = None
    missing, added = set(voyage.crew) - set(port_in.crew), set(port_in.crew) - set(voyage.crew)
    kinds = [kind for kind, found in (
        ("CrewAdded", added), ("CrewMissing", missing),
        ("LicenceMismatch", voyage.licence and port_in.licence and voyage.licence != port_in.licence),
        ("VmsMismatch", voyage.vms_tracker_id and port_in.vms_tracker_id
         and voyage.vms_tracker_id != port_in.vms_tracker_id)) if found]
    if not kinds:
        return fact, (), ()
    crew = tuple(sorted(missing | added))
    mark = Mark(fact.occurred_at, MarkKind.PIPO_MISMATCH, port_in.vessel_key, ",".join(kinds))
    vessel = OrgKey(port_in.vessel_key, "Vessel", port_in.vessel_key.split(":", 1)[1], True)
    fact = replace(fact, opens=True, marks=(*fact.marks, mark), joiners=crew,
                   orgs=tuple({o.key: o for o in (vessel, *fact.orgs)}.values()), flagged=(vessel.key,))
    out_entry = TimelineEntry(voyage.event_id, "PipoPortOutReported", "labour", voyage.out_at, voyage.province)
    return fact, tuple(FactPerson(pid, "Crew", None, None) for pid in crew), (out_entry,)


def _resolve_orgs(book: CaseBook, fact: Fact, delta: Delta) -> tuple[Fact, list[Signal]]:
    """Organisations known by name only take the registered key last seen with the same folded name
    in the same province (unless several registered keys share it there); registered ones teach
    the name, and the first to teach it takes over what was flagged by that name before
    (`OrgsNamed`). A key resolved by name counts for the hotspot rule and the view, never for joins."""
    renamed: dict[str, str] = {}
    orgs = []
    named: list[Signal] = []
    for org in fact.orgs:
        folded = fold_name(org.name)
        province = org.province or fact.province
        name_key = f"{province}|{folded}"
        if org.registered and folded:
            known = book.namespace_after(delta, "org_names").get(name_key)
            if known is None:
                delta.org_names[name_key] = org.key
                named.append(OrgsNamed(name_keys(province, folded), org.key))
            elif known and known != org.key:
                delta.org_names[name_key] = ""
        elif folded and book.org_names.get(name_key):
            renamed[org.key] = book.org_names[name_key]
            org = org._replace(key=book.org_names[name_key])
        orgs.append(org)
    if not renamed:
        return fact, named
    flagged = tuple(dict.fromkeys(renamed.get(k, k) for k in fact.flagged))
    return replace(fact, orgs=tuple({o.key: o for o in orgs}.values()), flagged=flagged), named


def _resolve_in_case(fact: Fact, case: Case) -> Fact:
    """A name-only organisation takes the key of the registered one of the same name in the case it
    joins (two companies of one name in a province are told apart by the situation)."""
    registered = {fold_name(o.name): o.org_key for o in case.orgs if o.registered and o.name}
    renamed = {o.key: registered[fold_name(o.name)] for o in fact.orgs
               if not o.registered and not o.key.startswith(("org:", "vessel:")) and fold_name(o.name) in registered}
    if not renamed:
        return fact
    orgs = tuple({o.key: o for o in (o._replace(key=renamed.get(o.key, o.key)) for o in fact.orgs)}.values())
    return replace(fact, orgs=orgs, flagged=tuple(dict.fromkeys(renamed.get(k, k) for k in fact.flagged)))


def _joinable_case(book: CaseBook, person_id: str, fact: Fact, config: FoldConfig) -> tuple[str, bool] | None:
    """The person's latest case the event may join, and whether the person's part in it ended."""
    for case_id in reversed(book.person_cases.get(person_id, ())):
        case = book.case(case_id)
        person = case.person(person_id) if case else None
        if person is None or not person.joinable:
            continue
        if abs(fact.occurred_at - person.last_at) > config.person_window:
            return None
        ended = person.ended_at is not None
        if fact.new_situation and (ended or case.stage == "Closed"):
            return None
        return case.case_id, ended
    return None


def _candidates(book: CaseBook, fact: Fact, config: FoldConfig) -> list[str]:
    """The cases the event joins. A case reached only through a person whose part in it ended (a
    shelter exit, a repatriation) is a weak join: taken only when nothing else places the event.
    A police case opened after the person was rescued again, naming the new rescue's other victims,
    belongs to the new situation; it does not merge the old one into it."""
    found: dict[str, None] = {}
    weak: dict[str, None] = {}
    if fact.agency_case_ref:
        case_id = book.refs.get(_ref_key(fact.agency, fact.agency_case_ref))
        if case_id and book.case(case_id):
            found[book.resolve(case_id)] = None
    for person_id in fact.joiners:
        joined = _joinable_case(book, person_id, fact, config)
        if joined:
            (weak if joined[1] else found)[joined[0]] = None
    if fact.opens:
        registered = {o.key for o in fact.orgs if o.registered}
        for key in fact.flagged:
            entry = book.org_cases.get(key) if key in registered else None
            if entry and abs(fact.occurred_at - entry[1]) <= config.org_window:
                case = book.case(entry[0])
                if case and case.stage != "Closed":
                    found[case.case_id] = None
    return list(found or weak)


def _index(book: CaseBook, delta: Delta, case: Case, others: list[Case], fact: Fact | None) -> None:
    """Point the join indexes at `case` (the survivor) for everything of `others` and `fact`."""
    cid = case.case_id
    for other in others:
        delta.cases[other.case_id] = None
        delta.merged[other.case_id] = cid
    refs = book.namespace_after(delta, "refs")
    for agency, ref in case.refs:
        if refs.get(_ref_key(agency, ref)) != cid:
            delta.refs[_ref_key(agency, ref)] = cid
    gone = {o.case_id for o in others}
    person_cases = book.namespace_after(delta, "person_cases")
    for person in case.persons:
        old = person_cases.get(person.person_id, ())
        new = tuple(dict.fromkeys([*(c for c in old if c not in gone and c != cid), cid]))
        if new != old:
            delta.person_cases[person.person_id] = new
    org_cases = book.namespace_after(delta, "org_cases")
    for org in case.orgs:
        entry = org_cases.get(org.org_key)
        flagged_now = fact is not None and org.org_key in fact.flagged and org.registered
        if entry and entry[0] in gone:
            entry = (cid, entry[1])
            delta.org_cases[org.org_key] = entry
        if flagged_now:
            last = max(entry[1], fact.occurred_at) if entry and entry[0] == cid else fact.occurred_at
            delta.org_cases[org.org_key] = (cid, last)
    delta.cases[cid] = case


def _merge_signals(case: Case, others: list[Case]) -> list[Signal]:
    return [CaseMerged(o.case_id, case.case_id,
                       tuple(dict.fromkeys([*(p.person_id for p in o.persons), *(g.org_key for g in o.orgs)])))
            for o in others]


def _oldest_first(cases: list[Case]) -> list[Case]:
    return sorted(cases, key=lambda c: (c.opened_at, c.case_id))


def _voyage_signals(fact: Fact) -> list[Signal]:
    """Rule 9 overdue: a port-out declaring its return, a port-in ending a voyage (to the vessel's entry)."""
    out: list[Signal] = []
    if fact.voyage is not None and fact.voyage.due_at is not None:
        v = fact.voyage
        out.append(VoyageDeparted(v.vessel_key, v.voyage_id, v.out_at, v.due_at, v.province))
    if fact.port_in is not None:
        out.append(VoyageReturned(fact.port_in.vessel_key, fact.port_in.voyage_id, fact.occurred_at))
    return out


def _next_number(book: CaseBook, delta: Delta, case: Case) -> str:
    """The next number of the new case's lead province and the B.E. year (Bangkok date) it opened
    in. Drawn in fold order, which the lane fixes: the same lane numbers the same cases alike."""
    year = local_date(case.opened_at).year + BE_OFFSET
    key = number_key(case.lead_province, year)
    sequence = book.namespace_after(delta, "numbers").get(key, 0) + 1
    delta.numbers[key] = sequence
    return case_number(case.lead_province, year, sequence)


def fold_fact(book: CaseBook, fact: Fact, now: datetime, config: FoldConfig = DEFAULT_CONFIG) -> Folded:
    """Fold an already read event (see `read_event`)."""
    delta = Delta()
    voyages = _voyage_signals(fact)
    if fact.voyage is not None:
        delta.voyages[fact.voyage.voyage_id] = fact.voyage
    fact, extra_persons, extra_timeline = _port_in(book, fact, delta)
    fact, named = _resolve_orgs(book, fact, delta)
    voyages = [*named, *voyages]            # the signals of the event itself, whether or not it joins a case
    candidates = [book.case(c) for c in _candidates(book, fact, config)]
    own_id = case_id_for(fact.event_id)
    own = book.case(own_id)
    if own is not None or any(c.has_event(fact.event_id) for c in candidates):
        return Folded(duplicate=True, case_id=(own or next(c for c in candidates if c.has_event(fact.event_id))).case_id)
    signals: list[Signal] = []
    others: list[Case] = []
    if candidates:
        survivor, *others = _oldest_first(candidates)
        case = merge_cases(survivor, others, now) if others else survivor
        fact = _resolve_in_case(fact, case)
        case = add_fact(case, fact, now, extra_persons=extra_persons, extra_timeline=extra_timeline)
        signals.extend(_merge_signals(case, others))
    elif fact.opens:
        case = new_case(own_id, fact, now, extra_persons=extra_persons,
                        extra_timeline=extra_timeline)
        case = replace(case, number=_next_number(book, delta, case))
    else:
        flags = [OrgFlagged(o.key, o.kind, o.name, fact.occurred_at, fact.agency, None, fact.province)
                 for o in fact.orgs if o.key in fact.flagged]
        keep_held(book, fact, delta, now)
        return Folded(delta=delta, signals=(*flags, *voyages))
    case = with_held(book, case, fact, delta, now, config)
    _index(book, delta, case, others, fact)
    signals.extend(PersonSeen(pid, kind, fact.occurred_at, case.case_id, fact.province)
                   for pid, kind in fact.appearances)
    if fact.signals_flags:
        signals.extend(OrgFlagged(o.key, o.kind, o.name, fact.occurred_at, fact.agency, case.case_id, fact.province)
                       for o in fact.orgs if o.key in fact.flagged)
    signals.extend(voyages)
    return Folded(delta=delta, case_id=case.case_id, changed=(case.case_id,),
                  merged=tuple((o.case_id, case.case_id) for o in others), removed=tuple(others),
                  signals=tuple(signals))
