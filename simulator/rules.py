"""How the simulator reads the 14 alert rules of DOMAIN.md: the oracle its truth file is built from.

The expected alerts in the truth file are declared by the scenario scripts from these readings,
never from the hub's rule engine. Times are event times (the times written in the records).
"Screening completed" is an `MdtScreeningCompleted` for the person (any outcome); "identified" is an
outcome `ActualVictimOfTrafficking`. One alert per (rule, case, subject): later triggers of the
same rule for the same subject in the same case are that alert, not new ones. Severities: the
`AlertSeverity` symbols `Warning` and `Critical`; each expected alert lists its ladder (severity,
time) and, where the scenario clears the condition, `resolves_at`.

1. **s.29 custody deadline** (person held). Clock from `CustodyStarted`. No screening completed
   and no extension: Warning at +18 h, Critical at +24 h. With a `CustodyExtensionGranted` before
   +18 h, the deadline is its `extended_until`: Warning 6 h before it, Critical at it. A screening
   completed, or a `CustodyEnded` (released, handed to a shelter or to immigration), before a step
   clears the alert (`resolves_at`).
2. **NRM reflection overrun** (person). Clock from the person's first `ShelterIntakeRecorded` in
   the case of any kind but `LongTerm` (temporary or private), unless the person's screening was
   completed at or before it; a transfer's later intake does not restart it, an exit does not stop
   it; no screening completed since: Warning at day 12, Critical at day 15 (whole days of 24 h from
   the intake time). Long-term shelters admit identified victims only: no clock.
3. **Rescued, no care hand-off** (person). Clock from a `RescueConducted` naming the person
   rescued, or an MDT outcome `Possible`/`Actual`. Satisfied by a `ShelterIntakeRecorded`, a
   `SupportPlanCreated` or a `ConsentRecorded` with consent refused, for that person, after the
   trigger. Warning at +24 h (+12 h when the person is under 18). The simulator's normal flows
   satisfy it twice over (a shelter intake within 10 h of a rescue, a support plan within 10 h of
   any Possible/Actual outcome) so that stricter readings agree.
4. **Minor involved** (person). Any event naming a person under 18 on the event's date: Warning at
   the first such event; Critical at once when that event, or a later one, is a `CustodyStarted`
   or `DetentionAdmitted` of the minor. Minors are 13-15 years old when the feed starts (under 18 on
   every event by any reading of a year-only birth date or an estimate); everyone else is at least
   22 (at least 20 by any reading).
5. **Potential victim in detention / deportation** (person). A `DetentionAdmitted`,
   `DeportationScheduled` or `DeportationExecuted` of a person with an open screening (named as a
   victim in a rescue, custody, hotline report or TICAC tip, listed in an inspection or complaint
   with indicators, a Ror.Bor.1 with indicators or a referral, an `MdtScreeningScheduled` - and no
   screening completed since) or a last outcome `Possible`/`Actual`: Critical at that event. Not
   when a `RepatriationApproved` for the person came before it (for a deportation: to the same
   country). A person whose screening ended `NotAVictim` may be detained without an alert.
6. **Labour screening not referred** (person). A `RorBor1ScreeningSubmitted` with at least one
   indicator (referred to the MDT or not), and no `MdtScreeningScheduled` for the person after it:
   Warning at +24 h, Critical at +48 h.
7. **Repeat victim** (person). A person identified (outcome Actual) or who left a shelter
   (`ShelterExitRecorded`, any reason but `Transferred`) appears again, within 365 days, as rescued
   in a `RescueConducted`, in a `RorBor1ScreeningSubmitted`, an MDT screening, an
   `InspectionCompleted` worker list or as a victim of a `HotlineReportReceived`: Warning at that
   event. Steps of the case in which the person was identified never count (the simulator never
   screens a person again in the case that identified them).
8. **Multi-agency hotspot** (organisation). Flags: labour (`InspectionCompleted` with indicators,
   `RorBor1ScreeningSubmitted` or `WorkerComplaintFiled` with indicators naming the employer,
   `PipoInspectionFindingRecorded` for a vessel) and police (`RescueConducted` and
   `SuspectIdentified` organisations). Warning at the first flag of a second agency within 90 days
   of the first agency's. Social development and immigration records name no organisations.
9. **PIPO crew mismatch** (vessel). A `PipoPortInReported` whose crew (by document number, else
   by name as written) differs from the `PipoPortOutReported` of the same voyage id, or whose VMS
   id differs: Warning at the port-in event time, to be raised within 1 h of it. A later
   `PipoInspectionFindingRecorded` of the same voyage is the same alert.
10. **Cross-border movement** (person). (a) A person named as a victim in a hotline report has a
   `BorderCrossingRecorded` direction `Out` (or a `DeportationExecuted`) within 30 days: Warning
   at the exit. Where the report gives only the first word of the name ("Moe", "San") with an
   age and no identifier, the alert is *optional*: a hub that joins the two records rightly raises
   it, and one that does not is not wrong (nothing in the report tells the person apart). (b) A `RepatriationApproved` with no exit (`RepatriationCompleted`, crossing `Out`
   or `DeportationExecuted`) within 30 days: Warning at approval + 30 days.
11. **Rights / prosecution hand-off missing** (person). An outcome Actual with no `RightsInformed`
   for the person by +24 h: Warning at +24 h; or with no `CriminalCaseOpened` naming the person as
   a victim (opened at any time before the deadline) by +7 days: Warning at +7 days.
12. **Same suspect across provinces** (person). A person named as suspect (`RescueConducted`,
   `SuspectIdentified`, `CriminalCaseOpened`) in cases of two provinces within 180 days: Warning
   at the first event naming them in the second province.

13. **Victim treated as offender** (person). A person whose latest outcome is `Possible`/`Actual`
   named in the `Suspect` role on any event, or a person named as suspect later screened
   `Possible`/`Actual`: Critical at the later of the two, on the case that named them suspect.
14. **Absconded unscreened** (person). A `ShelterExitRecorded` with reason `Absconded` or
   `LeftVoluntarily` with no screening completed for the person at or before it: Warning at once.

Everything not in the truth file must not fire. Deadlines of every scenario fall at least a day
before the feed's last event, so that a replay driven by event time reaches them.
"""

from __future__ import annotations

from datetime import timedelta

__all__ = ["READINGS", "WINDOWS"]

_H, _D = timedelta(hours=1), timedelta(days=1)

WINDOWS = {
    "custody_warn": 18 * _H, "custody_limit": 24 * _H, "extension_warn_before": 6 * _H,
    "nrm_warn": 12 * _D, "nrm_limit": 15 * _D, "handoff": 24 * _H, "handoff_minor": 12 * _H,
    "labour_warn": 24 * _H, "labour_critical": 48 * _H, "repeat_victim": 365 * _D, "hotspot": 90 * _D,
    "pipo_port_in": 1 * _H, "cross_border": 30 * _D, "rights_informed": 24 * _H, "police_case": 7 * _D,
    "suspect_provinces": 180 * _D,
}

READINGS = {
    1: "CustodyStarted, no screening completed nor CustodyEnded: Warning +18 h, Critical +24 h; extended: Warning "
       "6 h before extended_until, Critical at it",
    2: "First non-long-term ShelterIntakeRecorded of a person not yet screened (transfers do not restart it), "
       "no screening completed: Warning day 12, Critical day 15",
    3: "Rescue or Possible/Actual outcome, no shelter intake, support plan or refusal: Warning +24 h (+12 h minor)",
    4: "Person under 18 on an event: Warning at the first; Critical at custody or IDC admission",
    5: "Detention or deportation with an open screening (rescue, custody, hotline, TICAC tip, inspection or "
       "complaint with indicators, Ror.Bor.1, MDT scheduled) or Possible/Actual status, no repatriation approved: "
       "Critical at once",
    6: "Ror.Bor.1 with indicators (referred or not), no MDT scheduled: Warning +24 h, Critical +48 h",
    7: "Identified (Actual) or left a shelter, appears again in a rescue, screening, inspection or hotline "
       "within 365 days: Warning at once",
    8: "Organisation flagged by labour and police within 90 days: Warning at the second agency's flag",
    9: "PIPO port-in crew or VMS differs from port-out of the voyage: Warning at port-in (within 1 h)",
    10: "Hotline victim exits within 30 days: Warning at the exit; repatriation approved, no exit in 30 days: "
        "Warning at +30 days",
    11: "Actual victim: no rights informed by +24 h, or no police case by +7 days: Warning then",
    12: "Suspect in cases of 2+ provinces within 180 days: Warning at the first event in the second province",
    13: "Possible/Actual victim named as suspect (or a suspect screened Possible/Actual): Critical at once",
    14: "Shelter exit Absconded or LeftVoluntarily before any screening completed: Warning at once",
}
