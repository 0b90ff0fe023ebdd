"""Referrals: when a rule or a stage needs another agency to act, a `sanpalang.hub.Referral` for
`referrals.<agency>.v1`, once per (trigger, case, agency, subject) - the id is deterministic and the
caller keeps the ids already sent (`issued`).

- **rules**: a clock of a rule that declares a `Referral` (rule 5 -> immigration: hold the
  deportation; rule 6 -> social: schedule the MDT; ...) sends it when its alert first fires;
- **stages**: a person screened Actual (stage Identified) with no police criminal case -> police:
  open one (the police referral is sent at identification; rule 11 alerts after 7 days).

Pure: created_at is the event time that caused the referral, so a replay sends the same records.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from streams.cases import WHOLE_CASE, Case, MarkKind, referral_id_for

__all__ = ["referral_record", "rule_referrals", "stage_referrals", "STAGE_REFERRALS"]

STAGE_REFERRALS = {
    "Identified": ("police", "Other", "A person has been identified as a victim of trafficking (MDT outcome Actual).",
                   "Open a criminal case under the Anti-Trafficking in Persons Act B.E. 2551 and record the victim."),
}


def referral_record(referral_id: str, to_agency: str, case: Case, reason_code: str, reason: str,
                    requested_action: str, person_ids: Iterable[str], created_at: datetime,
                    from_rule_key: str | None = None, from_stage: str | None = None) -> dict[str, Any]:
    return {
        "referral_id": referral_id, "to_agency": to_agency, "from_rule_key": from_rule_key,
        "from_stage": from_stage, "case_id": case.case_id, "province": case.lead_province,
        "reason_code": reason_code, "reason": reason, "requested_action": requested_action,
        "person_ids": list(person_ids), "created_at": created_at,
    }


def rule_referrals(case: Case, states: Iterable[Any], issued: Collection[str]) -> list[dict[str, Any]]:
    """Referrals of the firing alert states of `case` whose clocks declare one, not yet issued."""
    out = []
    for state in states:
        if not state.firing:
            continue
        for clock_name in state.clocks:
            referral = state.rule.clocks[clock_name].referral
            if referral is None:
                continue
            rid = referral_id_for(f"{state.rule.key}:{clock_name}", case.case_id, referral.to_agency, state.subject)
            if rid in issued:
                continue
            persons = [state.subject] if case.person(state.subject) else []
            out.append(referral_record(rid, referral.to_agency, case, referral.reason_code, referral.reason,
                                       referral.requested_action, persons, state.raised_at, from_rule_key=state.rule.key))
    return out


def stage_referrals(case: Case, issued: Collection[str]) -> list[dict[str, Any]]:
    """Referrals a stage calls for: an identified victim with no police case -> police."""
    out = []
    agency, code, reason, action = STAGE_REFERRALS["Identified"]
    police = [m for m in case.marks if m.kind == MarkKind.POLICE_CASE]
    seen: set[str] = set()
    for mark in case.marks:
        if mark.kind != MarkKind.OUTCOME or mark.value != "ActualVictimOfTrafficking" or mark.subject in seen:
            continue
        seen.add(mark.subject)
        if any(p.subject in (mark.subject, WHOLE_CASE) for p in police):
            continue
        rid = referral_id_for("Identified", case.case_id, agency, mark.subject)
        if rid not in issued:
            out.append(referral_record(rid, agency, case, code, reason, action, [mark.subject], mark.at,
                                       from_stage="Identified"))
    return out
