"""The conditions of the case-scoped rules (1-6, 9-11, 14): pure functions of a `Case` and the
windows, each returning `Finding`s. Each docstring starts with the rule's basis (checked by the spec).

They read only the case's marks (oldest first) and persons; `now` is applied by the engine.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import datetime

from streams.cases import WHOLE_CASE, Case, Mark, MarkKind as K, is_minor_in
from streams.cases.ages import BANGKOK
from streams.rules.spec import Finding, cleared_by, facts
from streams.rules.windows import RuleWindows

__all__ = ["custody_s29", "nrm_reflection", "care_handoff", "minor_involved", "victim_detained",
           "labour_screening", "pipo_crew_mismatch", "cross_border", "rights_and_police", "absconded_unscreened",
           "local_time", "OPEN_SCREENING"]

ACTUAL, POSSIBLE, NOT_A_VICTIM = "ActualVictimOfTrafficking", "PossibleVictimOfTrafficking", "NotAVictimOfTrafficking"
LONG_TERM = "LongTerm"


@functools.lru_cache(maxsize=1 << 14)
def local_time(at: datetime) -> str:
    """`at` as Thai local time for messages. Memoised (bounded): every evaluation of a case writes
    the messages of its findings again, from the same few event times."""
    return at.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M ICT")


def _of(case: Case, person_id: str, *kinds: str) -> Iterator[Mark]:
    return (m for m in case.marks if m.subject == person_id and m.kind in kinds)


def _first(case: Case, person_id: str, *kinds: str, after: datetime | None = None,
           value: str | None = None) -> Mark | None:
    for mark in _of(case, person_id, *kinds):
        if (after is None or mark.at >= after) and (value is None or mark.value == value):
            return mark
    return None


def _not_a_victim_after(case: Case, person_id: str, at: datetime) -> datetime | None:
    """When the person was screened NotAVictim at or after `at`, if that is their latest outcome."""
    outcomes = list(_of(case, person_id, K.OUTCOME))
    if outcomes and outcomes[-1].value == NOT_A_VICTIM and outcomes[-1].at >= at:
        return outcomes[-1].at
    return None


def _earliest(*times: datetime | None) -> datetime | None:
    present = [t for t in times if t is not None]
    return min(present) if present else None


def custody_s29(case: Case, w: RuleWindows) -> Iterator[Finding]:
    """ATIPA s.29: a person may be held 24 h for identification; a court may extend it to 7 days at
    most. Clock from custody start; cleared by an MDT screening outcome or by the custody ending
    (released, handed to a shelter or to immigration: CustodyEnded); an extension clears the first
    clock and starts one that falls due at the extension's end (capped at 7 days)."""
    for custody in case.marks_of(K.CUSTODY):
        person = custody.subject
        later = [m.at for m in _of(case, person, K.CUSTODY) if m.at > custody.at]
        outcome = _first(case, person, K.OUTCOME, after=custody.at)
        ended = _first(case, person, K.CUSTODY_ENDED, after=custody.at)
        if ended and later and ended.at >= later[0]:
            ended = None                             # the end of a later custody
        done = _earliest(outcome and outcome.at, ended and ended.at)
        extensions = [e for e in _of(case, person, K.EXTENSION) if e.until_at and (
            e.value == custody.value if e.value else custody.at <= e.at and (not later or e.at < later[0]))]
        why = ((outcome and outcome.at, "screening-outcome"), (ended and ended.at, "custody-ended"))
        told = dict(since=custody.at, missing="screening-outcome")
        if not extensions:
            yield Finding("custody", person, custody.at, done, f"held since {local_time(custody.at)}, no screening outcome",
                          facts=facts(what="custody", **told, cleared_by=cleared_by(*why)))
            continue
        granted = min(e.at for e in extensions)
        yield Finding("custody", person, custody.at, _earliest(done, granted), f"held since {local_time(custody.at)}, no "
                      "screening outcome", facts=facts(what="custody", **told, cleared_by=cleared_by(*why, (granted, "custody-extended"))))
        end = min(max(e.until_at for e in extensions), custody.at + w.custody_extension_max)
        yield Finding("custody", person, end - w.custody_limit, done, f"custody extended by the court until {local_time(end)}, "
                      "no screening outcome", facts=facts(what="custody-extended", **told, until=end, cleared_by=cleared_by(*why)))


def nrm_reflection(case: Case, w: RuleWindows) -> Iterator[Finding]:
    """NRM notification of 11 May 2022: a potential victim may stay up to 15 days in a temporary
    shelter before the MDT identification interview. Per person, the clock runs from their first
    shelter intake of any kind - government temporary or private - before any screening outcome; a
    transfer to another shelter does not restart it, nor does leaving stop it. Cleared by a screening
    outcome. A long-term government shelter admits identified victims only: an intake there with no
    outcome on record (identified before the hub's records) starts no clock, and a clock already
    running goes on through a transfer to one."""
    started: set[str] = set()
    for intake in case.marks_of(K.SHELTER):
        pid = intake.subject
        if pid in started or intake.value == LONG_TERM:
            continue
        started.add(pid)
        if any(m.at <= intake.at for m in _of(case, pid, K.OUTCOME)):
            continue
        outcome = _first(case, pid, K.OUTCOME, after=intake.at)
        yield Finding("reflection", pid, intake.at, outcome and outcome.at,
                      f"in shelter care since {local_time(intake.at)} without MDT screening", facts=facts(
                          what="in-shelter", since=intake.at, missing="screening-outcome", cleared_by=outcome and "screening-outcome"))


def care_handoff(case: Case, w: RuleWindows) -> Iterator[Finding]:
    """default: a rescued person, or one screened Possible or Actual, is handed to care (shelter
    intake, support plan, or a recorded refusal) within 24 h, 12 h for a minor (one warning step).
    Cleared by the hand-off, or by a later NotAVictim outcome."""
    for person in case.persons:
        pid = person.person_id
        starts = [m for m in _of(case, pid, K.RESCUED, K.OUTCOME) if m.kind == K.RESCUED or m.value in (ACTUAL, POSSIBLE)]
        if not starts:
            continue
        start = starts[0]
        handoff = _first(case, pid, K.SHELTER, K.SUPPORT_PLAN, K.CARE_REFUSED)
        if handoff and handoff.at <= start.at:
            continue
        not_victim = _not_a_victim_after(case, pid, start.at)
        cleared = _earliest(handoff and handoff.at, not_victim)
        clock = "minor" if is_minor_in(case, pid) else "adult"
        what = "rescued" if start.kind == K.RESCUED else "screened a possible or actual victim"
        handed = handoff and {K.SHELTER: "shelter-intake", K.SUPPORT_PLAN: "support-plan"}.get(handoff.kind, "care-refused")
        yield Finding(clock, pid, start.at, cleared, f"{what} at {local_time(start.at)}, no shelter, support plan or refusal",
                      facts=facts(what="rescued" if start.kind == K.RESCUED else "screened-victim", since=start.at, missing=
                                  "care-handoff", cleared_by=cleared_by((handoff and handoff.at, handed), (not_victim, "not-a-victim"))))


def minor_involved(case: Case, w: RuleWindows) -> Iterator[Finding]:
    """ATIPA s.6 (no means need be shown for a child) and s.52 (heavier penalties under 18 and at 15
    and under): a person under 18 at exploitation - or possibly, on an imprecise date of birth - on
    any event; critical once held in s.29 custody or an immigration detention centre."""
    for person in case.persons:
        if not is_minor_in(case, person.person_id):
            continue
        yield Finding("minor", person.person_id, person.first_at, None, "under 18 at exploitation (or possibly)",
                      facts=facts(what="minor", since=person.first_at))
        held = _first(case, person.person_id, K.CUSTODY, K.DETENTION)
        if held:
            place = "s.29 custody" if held.kind == K.CUSTODY else "immigration detention"
            yield Finding("held", person.person_id, held.at, None, f"a minor in {place} since {local_time(held.at)}",
                          facts=facts(what="minor-held", since=held.at, place="custody" if held.kind == K.CUSTODY else "detention"))


OPEN_SCREENING = frozenset({K.RESCUED, K.CUSTODY, K.HOTLINE, K.TIP, K.INSPECTED, K.ROR_BOR_1, K.COMPLAINT,
                            K.SCREENING_SCHEDULED})
"""Marks that open a screening (DOMAIN.md rule 5): rescue, s.29 custody, hotline report, TICAC tip,
inspection with indicators, Ror.Bor.1, complaint with indicators, MDT screening scheduled."""


def _screening_open_or_victim(case: Case, person_id: str, at: datetime) -> datetime | None:
    """Since when, as of `at` or later, the person has an open screening (`OPEN_SCREENING`, and no
    outcome since) or a last outcome Possible / Actual; None when neither."""
    since = None
    for mark in case.marks:
        if mark.subject != person_id:
            continue
        if mark.kind in OPEN_SCREENING or (mark.kind == K.OUTCOME and mark.value in (ACTUAL, POSSIBLE)):
            since = since or mark.at
        elif mark.kind == K.OUTCOME:                     # NotAVictim (or Unknown): closes it
            if mark.at <= at:
                since = None
            else:
                break
    return since


def _hold_ended(case: Case, held: Mark) -> datetime | None:
    """When this detention or deportation stopped holding the person: released from detention, a
    scheduled deportation cancelled or held, a deportation carried out."""
    kinds = {K.DETENTION: (K.DETENTION_RELEASED, K.DEPORTED), K.DEPORTATION_SCHEDULED: (K.DEPORTATION_HALTED, K.DEPORTED),
             K.DEPORTED: ()}[held.kind]
    end = _first(case, held.subject, *kinds, after=held.at) if kinds else None
    return held.at if held.kind == K.DEPORTED else end and end.at


def _approved_repatriation(case: Case, held: Mark) -> bool:
    """A repatriation approved before the detention or deportation, to the deportation's country
    (an IDC stay on the way home): the law's route home, not a potential victim deported."""
    for approved in _of(case, held.subject, K.REPATRIATION_APPROVED):
        if approved.at <= held.at and (held.kind == K.DETENTION or not held.value or not approved.value
                                       or approved.value == held.value):
            return True
    return False


def victim_detained(case: Case, w: RuleWindows) -> Iterator[Finding]:
    """ATIPA s.41 and the NRM notification of 2022: a person with an open screening (rescued, held in
    s.29 custody, named in a hotline report or TICAC tip, an inspection or complaint with
    indicators, a Ror.Bor.1, an MDT screening scheduled - without an outcome yet) or screened
    Possible or Actual must not be held in immigration detention or deported: at the detention, or
    later when the screening opens while they are held. Immediate; not raised for a repatriation
    approved (to that country) before it. Cleared by a NotAVictim outcome, a shelter intake after a
    detention, or a scheduled deportation cancelled or held."""
    for held in (m for m in case.marks if m.kind in (K.DETENTION, K.DEPORTATION_SCHEDULED, K.DEPORTED)):
        pid = held.subject
        since = _screening_open_or_victim(case, pid, held.at)
        if since is None or _approved_repatriation(case, held):
            continue
        ended = _hold_ended(case, held)
        if since > held.at and ended is not None and ended <= since:
            continue                                     # the screening opened after the hold ended
        shelter = _first(case, pid, K.SHELTER, after=held.at) if held.kind == K.DETENTION else None
        halted = _first(case, pid, K.DEPORTATION_HALTED, after=held.at) if held.kind == K.DEPORTATION_SCHEDULED else None
        not_victim = _not_a_victim_after(case, pid, held.at)
        cleared = _earliest(shelter and shelter.at, halted and halted.at, not_victim)
        what = {K.DETENTION: "admitted to immigration detention", K.DEPORTATION_SCHEDULED: "scheduled for deportation",
                K.DEPORTED: "deported"}[held.kind]
        yield Finding("held", pid, max(held.at, since), cleared, f"a potential victim {what} at {local_time(held.at)}",
                      facts=facts(what={K.DETENTION: "detained", K.DEPORTATION_SCHEDULED: "deportation-scheduled",
                                        K.DEPORTED: "deported"}[held.kind], since=held.at, cleared_by=cleared_by(
                          (shelter and shelter.at, "shelter-intake"), (halted and halted.at, "deportation-halted"), (not_victim, "not-a-victim"))))


def labour_screening(case: Case, w: RuleWindows) -> Iterator[Finding]:
    """default: a Ror.Bor.1 form with indicators - referred to the MDT or not - is followed by an
    MDT screening scheduled within 24 h (warning) / 48 h (critical). Cleared by the scheduling or a
    screening outcome."""
    for form in case.marks_of(K.ROR_BOR_1):
        if form.value not in ("referred", "unreferred"):
            continue
        done = _first(case, form.subject, K.SCREENING_SCHEDULED, K.OUTCOME)
        if done and done.at <= form.at:
            continue
        what = "referred to the MDT" if form.value == "referred" else "with trafficking indicators, not referred to the MDT"
        yield Finding("referral", form.subject, form.at, done and done.at,
                      f"Ror.Bor.1 {what} at {local_time(form.at)}, no screening scheduled",
                      facts=facts(what=f"ror-bor-1-{form.value}", since=form.at, missing="screening-scheduled", cleared_by=done and (
                          "screening-scheduled" if done.kind == K.SCREENING_SCHEDULED else "screening-outcome")))


def pipo_crew_mismatch(case: Case, w: RuleWindows) -> Iterator[Finding]:
    """Royal Ordinance on Fisheries B.E. 2558 port-in/port-out control; the 1 h window is a default:
    the port-in crew differs from the port-out crew of the voyage, or an ID / VMS / licence
    mismatch is found. Immediate, due 1 h after port-in: inspect before the crew disperses."""
    for mark in case.marks_of(K.PIPO_MISMATCH):
        yield Finding("mismatch", mark.subject, mark.at, None, f"{mark.value} at {local_time(mark.at)}", facts=facts(what="pipo-mismatch", since=mark.at, mismatch=mark.value))


def cross_border(case: Case, w: RuleWindows) -> Iterator[Finding]:
    """default (30 days): a person reported to the hotline leaves the country (border exit or
    deportation) within 30 days of the report (immediate), or a person whose repatriation was
    approved has not left 30 days later (cleared by the exit: border exit, repatriation, deportation)."""
    for report in case.marks_of(K.HOTLINE):
        for exit_ in _of(case, report.subject, K.BORDER_OUT, K.DEPORTED):
            if report.at < exit_.at <= report.at + w.cross_border:
                yield Finding("exit-after-report", report.subject, exit_.at, None,
                              f"left Thailand at {local_time(exit_.at)}, {(exit_.at - report.at).days} days after a hotline report",
                              facts=facts(what="exit-after-report", since=exit_.at, reported=report.at, days=(exit_.at - report.at).days))
                break
    for approved in case.marks_of(K.REPATRIATION_APPROVED):
        gone = _first(case, approved.subject, K.BORDER_OUT, K.REPATRIATED, K.DEPORTED, after=approved.at)
        yield Finding("no-exit", approved.subject, approved.at, gone and gone.at,
                      f"repatriation approved at {local_time(approved.at)}, no exit recorded",
                      facts=facts(what="no-exit", since=approved.at, missing="exit", cleared_by=gone and {
                          K.BORDER_OUT: "border-exit", K.REPATRIATED: "repatriated"}.get(gone.kind, "deported")))


def rights_and_police(case: Case, w: RuleWindows) -> Iterator[Finding]:
    """ATIPA ss.33-34 (a victim is told their rights at the first chance); the 24 h and 7-day
    windows are DOMAIN.md's: an identified (Actual) victim with no rights-informed event within
    24 h, or no police criminal case within 7 days. Cleared by that event, or a later NotAVictim."""
    for outcome in case.marks_of(K.OUTCOME):
        if outcome.value != ACTUAL or _first(case, outcome.subject, K.OUTCOME, value=ACTUAL) is not outcome:
            continue
        pid, at = outcome.subject, outcome.at
        not_victim = _not_a_victim_after(case, pid, at)
        rights = _first(case, pid, K.RIGHTS)
        if not (rights and rights.at <= at):
            yield Finding("rights", pid, at, _earliest(rights and rights.at, not_victim), f"identified at {local_time(at)}, not told their rights",
                          facts=facts(what="identified", since=at, missing="rights-informed",
                                      cleared_by=cleared_by((rights and rights.at, "rights-informed"), (not_victim, "not-a-victim"))))
        police = [m.at for m in case.marks if m.kind == K.POLICE_CASE and m.subject in (pid, WHOLE_CASE)]
        if not any(t <= at for t in police):
            yield Finding("police", pid, at, _earliest(min(police, default=None), not_victim), f"identified at {local_time(at)}, no police criminal case",
                          facts=facts(what="identified", since=at, missing="police-case", cleared_by=cleared_by(
                              (min(police, default=None), "police-case"), (not_victim, "not-a-victim"))))


UNSCREENED_EXITS = ("Absconded", "LeftVoluntarily")


def absconded_unscreened(case: Case, w: RuleWindows) -> Iterator[Finding]:
    """NRM notification of 11 May 2022 (a potential victim is screened before leaving the system): a
    person who leaves a shelter (absconded, or left of their own accord) before any MDT screening
    outcome. Immediate; cleared by a screening outcome, or when the person is found: any later
    event of theirs in the case."""
    for exit_ in case.marks_of(K.SHELTER_EXIT):
        if exit_.value not in UNSCREENED_EXITS or any(m.at <= exit_.at for m in _of(case, exit_.subject, K.OUTCOME)):
            continue
        found = next((m for m in case.marks if m.subject == exit_.subject and m.at > exit_.at), None)
        how = "absconded from" if exit_.value == "Absconded" else "left"
        yield Finding("exit", exit_.subject, exit_.at, found and found.at,
                      f"{how} a shelter at {local_time(exit_.at)} before MDT screening",
                      facts=facts(what="absconded" if exit_.value == "Absconded" else "left-shelter", since=exit_.at, missing=
                                  "screening-outcome", cleared_by=found and ("screening-outcome" if found.kind == K.OUTCOME else "found")))
