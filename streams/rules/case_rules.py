"""The conditions of the case-scoped rules (1-6, 9-11): pure functions of a `Case` and the
windows, each returning `Finding`s. Each docstring starts with the rule's basis (checked by the spec).

They read only the case's marks (oldest first) and persons; `now` is applied by the engine.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import datetime

from streams.cases import WHOLE_CASE, Case, Mark, MarkKind as K, is_minor_in
from streams.cases.ages import BANGKOK
from streams.rules.spec import Finding
from streams.rules.windows import RuleWindows

__all__ = ["custody_s29", "nrm_reflection", "care_handoff", "minor_involved", "victim_detained",
           "labour_screening", "pipo_crew_mismatch", "cross_border", "rights_and_police", "local_time"]

ACTUAL, POSSIBLE, NOT_A_VICTIM = "ActualVictimOfTrafficking", "PossibleVictimOfTrafficking", "NotAVictimOfTrafficking"


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
    most. Clock from custody start; cleared by an MDT screening outcome; an extension clears the
    first clock and starts one that falls due at the extension's end (capped at 7 days)."""
    for custody in case.marks_of(K.CUSTODY):
        person = custody.subject
        outcome = _first(case, person, K.OUTCOME, after=custody.at)
        done = outcome.at if outcome else None
        later = [m.at for m in _of(case, person, K.CUSTODY) if m.at > custody.at]
        extensions = [e for e in _of(case, person, K.EXTENSION) if e.until_at and (
            e.value == custody.value if e.value else custody.at <= e.at and (not later or e.at < later[0]))]
        if not extensions:
            yield Finding("custody", person, custody.at, done, f"held since {local_time(custody.at)}, no screening outcome")
            continue
        granted = min(e.at for e in extensions)
        yield Finding("custody", person, custody.at, _earliest(done, granted),
                      f"held since {local_time(custody.at)}, no screening outcome")
        end = min(max(e.until_at for e in extensions), custody.at + w.custody_extension_max)
        yield Finding("custody", person, end - w.custody_limit, done,
                      f"custody extended by the court until {local_time(end)}, no screening outcome")


def nrm_reflection(case: Case, w: RuleWindows) -> Iterator[Finding]:
    """NRM notification of 11 May 2022: a potential victim may stay up to 15 days in a temporary
    shelter before the MDT identification interview. Clock from a temporary shelter intake;
    cleared by a screening outcome or by leaving the shelter."""
    for intake in case.marks_of(K.SHELTER):
        if intake.value != "Temporary" or any(m.at < intake.at for m in _of(case, intake.subject, K.OUTCOME)):
            continue
        outcome = _first(case, intake.subject, K.OUTCOME, after=intake.at)
        left = _first(case, intake.subject, K.SHELTER_EXIT, after=intake.at)
        yield Finding("reflection", intake.subject, intake.at, _earliest(outcome and outcome.at, left and left.at),
                      f"in a temporary shelter since {local_time(intake.at)} without MDT screening")


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
        cleared = _earliest(handoff and handoff.at, _not_a_victim_after(case, pid, start.at))
        clock = "minor" if is_minor_in(case, pid) else "adult"
        what = "rescued" if start.kind == K.RESCUED else "screened a possible or actual victim"
        yield Finding(clock, pid, start.at, cleared, f"{what} at {local_time(start.at)}, no shelter, support plan or refusal")


def minor_involved(case: Case, w: RuleWindows) -> Iterator[Finding]:
    """ATIPA s.6 (no means need be shown for a child) and s.52 (heavier penalties under 18 and at 15
    and under): a person under 18 at exploitation - or possibly, on an imprecise date of birth - on
    any event; critical once held in s.29 custody or an immigration detention centre."""
    for person in case.persons:
        if not is_minor_in(case, person.person_id):
            continue
        yield Finding("minor", person.person_id, person.first_at, None, "under 18 at exploitation (or possibly)")
        held = _first(case, person.person_id, K.CUSTODY, K.DETENTION)
        if held:
            place = "s.29 custody" if held.kind == K.CUSTODY else "immigration detention"
            yield Finding("held", person.person_id, held.at, None, f"a minor in {place} since {local_time(held.at)}")


def _screening_open_or_victim(case: Case, person_id: str, at: datetime) -> datetime | None:
    """Since when, as of `at` or later, the person has an open screening (rescued, referred to the
    MDT by a Ror.Bor.1, or an MDT screening scheduled - and no outcome since) or a last outcome
    Possible / Actual; None when neither."""
    since = None
    for mark in case.marks:
        if mark.subject != person_id:
            continue
        opens = mark.kind in (K.RESCUED, K.SCREENING_SCHEDULED) or (mark.kind == K.ROR_BOR_1 and mark.value == "referred")
        if opens or (mark.kind == K.OUTCOME and mark.value in (ACTUAL, POSSIBLE)):
            since = since or mark.at
        elif mark.kind == K.OUTCOME:                     # NotAVictim (or Unknown): closes it
            if mark.at <= at:
                since = None
            else:
                break
    return since


def victim_detained(case: Case, w: RuleWindows) -> Iterator[Finding]:
    """ATIPA s.41 and the NRM notification of 2022: a person with an open screening (rescued,
    referred to the MDT, or a screening scheduled, without an outcome yet) or screened Possible or
    Actual must not be held in immigration detention or deported. Immediate; cleared by a
    NotAVictim outcome, or by a shelter intake after a detention."""
    for held in (m for m in case.marks if m.kind in (K.DETENTION, K.DEPORTATION_SCHEDULED, K.DEPORTED)):
        pid = held.subject
        since = _screening_open_or_victim(case, pid, held.at)
        if since is None:
            continue
        shelter = _first(case, pid, K.SHELTER, after=held.at) if held.kind == K.DETENTION else None
        cleared = _earliest(shelter and shelter.at, _not_a_victim_after(case, pid, held.at))
        what = {K.DETENTION: "admitted to immigration detention", K.DEPORTATION_SCHEDULED: "scheduled for deportation",
                K.DEPORTED: "deported"}[held.kind]
        yield Finding("held", pid, max(held.at, since), cleared, f"a potential victim {what} at {local_time(held.at)}")


def labour_screening(case: Case, w: RuleWindows) -> Iterator[Finding]:
    """default: a Ror.Bor.1 form with indicators and a referral to the MDT is followed by an MDT
    screening scheduled within 24 h (warning) / 48 h (critical). Cleared by the scheduling or a
    screening outcome."""
    for form in case.marks_of(K.ROR_BOR_1):
        if form.value != "referred":
            continue
        done = _first(case, form.subject, K.SCREENING_SCHEDULED, K.OUTCOME)
        if done and done.at <= form.at:
            continue
        yield Finding("referral", form.subject, form.at, done and done.at,
                      f"Ror.Bor.1 referred to the MDT at {local_time(form.at)}, no screening scheduled")


def pipo_crew_mismatch(case: Case, w: RuleWindows) -> Iterator[Finding]:
    """Royal Ordinance on Fisheries B.E. 2558 port-in/port-out control; the 1 h window is a default:
    the port-in crew differs from the port-out crew of the voyage, or an ID / VMS / licence
    mismatch is found. Immediate, due 1 h after port-in: inspect before the crew disperses."""
    for mark in case.marks_of(K.PIPO_MISMATCH):
        yield Finding("mismatch", mark.subject, mark.at, None, f"{mark.value} at {local_time(mark.at)}")


def cross_border(case: Case, w: RuleWindows) -> Iterator[Finding]:
    """default (30 days): a person reported to the hotline leaves the country (border exit or
    deportation) within 30 days of the report (immediate), or a person whose repatriation was
    approved has not left 30 days later (cleared by the exit: border exit, repatriation, deportation)."""
    for report in case.marks_of(K.HOTLINE):
        for exit_ in _of(case, report.subject, K.BORDER_OUT, K.DEPORTED):
            if report.at < exit_.at <= report.at + w.cross_border:
                yield Finding("exit-after-report", report.subject, exit_.at, None,
                              f"left Thailand at {local_time(exit_.at)}, {(exit_.at - report.at).days} days after a hotline report")
                break
    for approved in case.marks_of(K.REPATRIATION_APPROVED):
        gone = _first(case, approved.subject, K.BORDER_OUT, K.REPATRIATED, K.DEPORTED, after=approved.at)
        yield Finding("no-exit", approved.subject, approved.at, gone and gone.at,
                      f"repatriation approved at {local_time(approved.at)}, no exit recorded")


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
            yield Finding("rights", pid, at, _earliest(rights and rights.at, not_victim),
                          f"identified at {local_time(at)}, not told their rights")
        police = [m.at for m in case.marks if m.kind == K.POLICE_CASE and m.subject in (pid, WHOLE_CASE)]
        if not any(t <= at for t in police):
            yield Finding("police", pid, at, _earliest(min(police, default=None), not_victim),
                          f"identified at {local_time(at)}, no police criminal case")
