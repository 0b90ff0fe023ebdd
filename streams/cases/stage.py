"""Where a case stands: NRM stage, HTCDS case status, lead province, provinces - derived from the
case's marks and timeline every time it changes (so a merge needs no special rule).

Stage is the furthest step any mark has reached, in the order of DOMAIN.md:

| rank | stage | reached by |
|---|---|---|
| 0 | Reported | any event (hotline report, tip, inspection, complaint, ...) |
| 1 | Screening | rescue, s.29 custody, Ror.Bor.1 referral, MDT screening scheduled, a temporary or private shelter intake before the person's screening outcome, outcome Possible |
| 2 | Identified / NotAVictim | MDT outcome Actual (Identified wins) / only NotAVictim outcomes |
| 3 | Protection | a shelter intake after the person's screening outcome or into a long-term shelter (identified victims only), support plan, rights informed, consent recorded |
| 4 | Prosecution | criminal case opened |
| 5 | Repatriation / Reintegration | repatriation approved or done, deportation executed, shelter exit Repatriated / Reintegrated, a follow-up visit (the later wins) |
| 6 | Closed | every person screened Possible or Actual has had a follow-up visit recording their follow-up complete |

Status (HTCDS): Closed when Closed; FollowUp at NotAVictim, Repatriation and Reintegration; else
Active. A deportation or repatriation moves a case to follow-up, never closes it (DOMAIN.md, "Case
status"): a case closes when prosecution and reintegration follow-up are done, which the provincial
team lead (PSDHS) records as a follow-up visit with `follow_up_complete` (no event of the contract
yet says a prosecution ended: the team lead's visit confirms it).

Lead province: where the case was opened, unless a PSDHS office (an MSDHS `social` event) takes
part: then the province of the first such event, the PSDHS leading the team (DOMAIN.md).
"""

from __future__ import annotations

from streams.cases.model import Case, CasePerson, Mark, MarkKind as K, TimelineEntry

__all__ = ["STAGES", "stage_of", "stage_of_parts", "status_of", "lead_province_of", "provinces_of", "latest_outcome",
           "latest_outcomes"]

STAGES = ("Reported", "Screening", "Identified", "NotAVictim", "Protection", "Prosecution",
          "Repatriation", "Reintegration", "Closed")

_RANK = {K.RESCUED: 1, K.CUSTODY: 1, K.EXTENSION: 1, K.SCREENING_SCHEDULED: 1, K.RIGHTS: 3,
         K.SUPPORT_PLAN: 3, K.CARE_REFUSED: 3, K.POLICE_CASE: 4, K.REPATRIATION_APPROVED: 5,
         K.REPATRIATED: 5, K.DEPORTED: 5, K.FOLLOW_UP: 5}
_VICTIM_OUTCOMES = ("ActualVictimOfTrafficking", "PossibleVictimOfTrafficking")


_OUTCOME_STAGES = {"ActualVictimOfTrafficking": (2, "Identified"), "NotAVictimOfTrafficking": (2, "NotAVictim"),
                   "PossibleVictimOfTrafficking": (1, "Screening")}
_EXIT_STAGES = {"Repatriated": (5, "Repatriation"), "Reintegrated": (5, "Reintegration")}
_RANK_NAMES = ("Reported", "Screening", "Identified", "Protection", "Prosecution", "Repatriation")
_NAMED = {K.FOLLOW_UP: "Reintegration"}


def _mark_stage(mark: Mark, screened: bool = False) -> tuple[int, str]:
    """The stage one mark reaches; `screened`: its person had a screening outcome before it."""
    kind, value = mark.kind, mark.value
    if kind == K.OUTCOME:
        return _OUTCOME_STAGES.get(value or "", (0, "Reported"))
    if kind == K.ROR_BOR_1:
        return (1, "Screening") if value == "referred" else (0, "Reported")
    if kind == K.SHELTER:
        return (3, "Protection") if screened or value == "LongTerm" else (1, "Screening")
    if kind == K.SHELTER_EXIT:
        return _EXIT_STAGES.get(value or "", (0, "Reported"))
    rank = _RANK.get(kind, 0)
    return rank, _NAMED.get(kind) or _RANK_NAMES[rank]


def latest_outcome(marks: tuple[Mark, ...], person_id: str) -> str | None:
    """The person's latest MDT screening outcome in these marks, if screened."""
    outcome = None
    for mark in marks:
        if mark.kind == K.OUTCOME and mark.subject == person_id:
            outcome = mark.value
    return outcome


def latest_outcomes(marks: tuple[Mark, ...]) -> dict[str, str | None]:
    """Each screened person's latest outcome (`latest_outcome` for every person, in one pass)."""
    return {m.subject: m.value for m in marks if m.kind == K.OUTCOME}


def _closed(persons: tuple[CasePerson, ...], marks: tuple[Mark, ...]) -> bool:
    outcomes = latest_outcomes(marks)
    victims = [p.person_id for p in persons if outcomes.get(p.person_id) in _VICTIM_OUTCOMES]
    complete = {m.subject for m in marks if m.kind == K.FOLLOW_UP and m.value == "complete"}
    return bool(victims) and all(v in complete for v in victims)


def stage_of(case: Case) -> str:
    return stage_of_parts(case.persons, case.marks)


def stage_of_parts(persons: tuple[CasePerson, ...], marks: tuple[Mark, ...]) -> str:
    """`stage_of` from the two parts of a case it reads (so that a new case value is built once)."""
    if _closed(persons, marks):
        return "Closed"
    best, stage = 0, "Reported"
    identified = False
    screened: set[str] = set()
    for mark in marks:                           # oldest first: a later mark of equal rank wins
        if mark.kind == K.OUTCOME:
            screened.add(mark.subject)
        rank, name = _mark_stage(mark, mark.subject in screened)
        identified |= name == "Identified"
        if rank >= best:
            best, stage = rank, name
    if stage == "NotAVictim" and identified:
        return "Identified"
    return stage


def status_of(stage: str) -> str:
    if stage == "Closed":
        return "Closed"
    return "FollowUp" if stage in ("NotAVictim", "Repatriation", "Reintegration") else "Active"


def lead_province_of(timeline: tuple[TimelineEntry, ...]) -> str:
    for entry in timeline:
        if entry.agency == "social":
            return entry.province
    return timeline[0].province if timeline else ""


def provinces_of(timeline: tuple[TimelineEntry, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(entry.province for entry in timeline))
