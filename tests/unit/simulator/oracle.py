"""An ideal hub for checking the truth file: the rule readings of `simulator/rules.py`
evaluated over the mapped events, with every person and organisation known by its true id and
every record in its true case (perfect matching, perfect case folding).

The scenario scripts declare their alerts by hand; this evaluates the same readings mechanically
over everything the feed contains, background included, so a test can check that the declared
alerts are exactly the alerts the readings give: none missing, none fired by accident.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from simulator.rules import WINDOWS as W

BANGKOK = timezone(timedelta(hours=7))
_RANK = {"Warning": 1, "Critical": 2}


@dataclass
class Seen:
    """One intake event in true terms."""

    ref: str
    type: str
    at: datetime
    province: str
    case: str | None
    persons: list[tuple[str, str]]          # (true pid, event role)
    orgs: list[str]
    details: dict[str, Any]
    agency: str
    record_id: str
    by_ref: dict[str, str]                  # event person ref -> pid


def seen_events(truth: dict, events: dict[str, Any]) -> list[Seen]:
    """`events`: record ref -> the mapped Event of every intake record."""
    out = []
    for entry in truth["records"]:
        if entry["expect"] != "intake":
            continue
        event = events[entry["ref"]].record
        envelope = event["envelope"]
        by_ref = {p["ref"]: p["person"] for p in entry["persons"]}
        orgs = {o["ref"]: o["organisation"] for o in entry["organisations"]}
        out.append(Seen(entry["ref"], envelope["event_type"], envelope["occurred_at"], envelope["province"],
                        entry["case"], [(by_ref[p["person_ref"]], p["role"]) for p in envelope["persons"]],
                        [orgs[o["org_ref"]] for o in envelope["organisations"]], event, envelope["agency"],
                        envelope["source"]["record_id"], by_ref))
    return sorted(out, key=lambda s: (s.at, s.ref))


def _who(seen: Seen, key: str) -> str | None:
    ref = seen.details.get(key)
    return seen.by_ref.get(ref) if ref else None


def _refs(seen: Seen, key: str) -> list[str]:
    return [seen.by_ref[r] for r in seen.details.get(key) or []]


def evaluate(truth: dict, events: dict[str, Any]) -> list[dict[str, Any]]:
    """Alerts as {rule, case, subject, ladder: [(severity, at)]}, one per (rule, case, subject)."""
    log = seen_events(truth, events)
    births = {pid: date.fromisoformat(p["date_of_birth"]) for pid, p in truth["persons"].items()}
    alerts: dict[tuple, dict[str, Any]] = {}

    def fire(rule: int, case, subject, steps) -> None:
        steps = [s for s in steps if s]
        if not steps:
            return
        key = (rule, case, subject)
        if key not in alerts:
            alerts[key] = {"rule": rule, "case": case, "subject": subject, "ladder": []}
        ladder = alerts[key]["ladder"]
        for step in steps:   # a ladder only climbs: a step at or below a severity already reached is that alert
            if not any(_RANK[s[0]] >= _RANK[step[0]] for s in ladder):
                ladder.append(step)
        ladder.sort(key=lambda s: s[1])

    def times(pid: str, type_: str, after: datetime, test=lambda s: True) -> list[datetime]:
        return [s.at for s in log if s.type == type_ and s.at >= after and test(s)
                and any(p == pid for p, _ in s.persons)]

    def first(pid, type_, after, test=lambda s: True) -> datetime | None:
        found = times(pid, type_, after, test)
        return found[0] if found else None

    def before(deadline, clear) -> bool:
        return clear is None or deadline < clear

    for s in log:
        t = s.type
        if t == "CustodyStarted":
            pid = _who(s, "person_ref")
            ends = [x for x in (first(pid, "MdtScreeningCompleted", s.at), first(pid, "CustodyEnded", s.at)) if x]
            done = min(ends) if ends else None
            warn, crit = s.at + W["custody_warn"], s.at + W["custody_limit"]
            for e in log:
                if e.type == "CustodyExtensionGranted" and e.record_id == s.record_id and e.at < warn:
                    until = e.details["extended_until"]
                    warn, crit = until - W["extension_warn_before"], until
            fire(1, s.case, ("person", pid), [("Warning", warn) if before(warn, done) else None,
                                               ("Critical", crit) if before(crit, done) else None])
        elif t == "ShelterIntakeRecorded" and s.details["shelter_kind"] != "LongTerm":
            pid = _who(s, "person_ref")
            if any(e.type == "MdtScreeningCompleted" and e.at <= s.at and _who(e, "person_ref") == pid for e in log):
                continue
            if any(e.type == "ShelterIntakeRecorded" and e.at < s.at and e.case == s.case
                   and e.details["shelter_kind"] != "LongTerm" and _who(e, "person_ref") == pid for e in log):
                continue      # a transfer: the clock runs from the first intake
            done = first(pid, "MdtScreeningCompleted", s.at)
            warn, crit = s.at + W["nrm_warn"], s.at + W["nrm_limit"]
            fire(2, s.case, ("person", pid), [("Warning", warn) if before(warn, done) else None,
                                               ("Critical", crit) if before(crit, done) else None])
        elif t == "RorBor1ScreeningSubmitted" and s.details["indicators"]:
            pid = _who(s, "person_ref")
            done = first(pid, "MdtScreeningScheduled", s.at)
            warn, crit = s.at + W["labour_warn"], s.at + W["labour_critical"]
            fire(6, s.case, ("person", pid), [("Warning", warn) if before(warn, done) else None,
                                               ("Critical", crit) if before(crit, done) else None])
        # rule 3: rescue or a Possible / Actual outcome
        outcome = s.details.get("outcome") if t == "MdtScreeningCompleted" else None
        triggered = _refs(s, "rescued_person_refs") if t == "RescueConducted" else \
            [_who(s, "person_ref")] if outcome in ("PossibleVictimOfTrafficking", "ActualVictimOfTrafficking") else []
        for pid in triggered:
            minor = _age(births[pid], s.at) < 18
            deadline = s.at + (W["handoff_minor"] if minor else W["handoff"])
            care = [x for x in (first(pid, "ShelterIntakeRecorded", s.at), first(pid, "SupportPlanCreated", s.at),
                                first(pid, "ConsentRecorded", s.at, lambda e: e.details["consent_given"] is False))
                    if x]
            if not care or min(care) > deadline:
                fire(3, s.case, ("person", pid), [("Warning", deadline)])
        for pid, _ in s.persons:      # rule 4
            if _age(births[pid], s.at) < 18:
                held = t in ("CustodyStarted", "DetentionAdmitted")
                fire(4, s.case, ("person", pid), [("Critical" if held else "Warning", s.at)])
        if t in ("DetentionAdmitted", "DeportationScheduled", "DeportationExecuted"):
            pid = _who(s, "person_ref")
            if _open_or_victim(log, pid, s.at) and not _repatriating(log, pid, s):
                fire(5, s.case, ("person", pid), [("Critical", s.at)])
        if t == "ShelterExitRecorded" and s.details["exit_reason"] in ("Absconded", "LeftVoluntarily"):
            pid = _who(s, "person_ref")
            if not any(e.type == "MdtScreeningCompleted" and e.at <= s.at and _who(e, "person_ref") == pid for e in log):
                fire(14, s.case, ("person", pid), [("Warning", s.at)])
        if t == "MdtScreeningCompleted" and s.details["outcome"] == "ActualVictimOfTrafficking":
            pid = _who(s, "person_ref")
            rights = [e.at for e in log if e.type == "RightsInformed" and _who(e, "person_ref") == pid]
            cases = [e.at for e in log if e.type == "CriminalCaseOpened" and pid in _refs(e, "victim_person_refs")]
            r_due, c_due = s.at + W["rights_informed"], s.at + W["police_case"]
            fire(11, s.case, ("person", pid), [("Warning", r_due) if not any(x <= r_due for x in rights) else None,
                                                ("Warning", c_due) if not any(x <= c_due for x in cases) else None])
    _repeat(log, fire)
    _hotspot(log, fire)
    _pipo(log, fire)
    _cross_border(log, fire)
    _suspects(log, fire)
    _offenders(log, fire)
    return list(alerts.values())


def _age(birth: date, at: datetime) -> int:
    day = at.astimezone(BANGKOK).date()
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


_OPENERS = {"RescueConducted": "rescued_person_refs", "CustodyStarted": "person_ref", "MdtScreeningScheduled": "person_ref",
            "RorBor1ScreeningSubmitted": "person_ref", "WorkerComplaintFiled": "person_ref",
            "InspectionCompleted": "worker_person_refs"}
_WITH_INDICATORS = ("RorBor1ScreeningSubmitted", "WorkerComplaintFiled", "InspectionCompleted")
_VICTIM_ROLES = ("PotentialVictim", "Victim", "Child")


def _opens(e: Seen, pid: str) -> bool:
    """Rule 5's open screenings: a rescue, custody, hotline report or TICAC tip naming the person as a
    victim, an inspection / complaint with indicators, a Ror.Bor.1 (indicators or a referral), an
    MDT screening scheduled."""
    if e.type in ("HotlineReportReceived", "TicacTipReceived"):
        return any(p == pid and role in _VICTIM_ROLES for p, role in e.persons)
    key = _OPENERS.get(e.type)
    if key is None:
        return False
    named = _refs(e, key) if key.endswith("refs") else [_who(e, key)]
    if pid not in named:
        return False
    if e.type == "RorBor1ScreeningSubmitted":
        return bool(e.details["indicators"] or e.details["referred_to_mdt"])
    return e.type not in _WITH_INDICATORS or bool(e.details["indicators"])


def _open_or_victim(log: list[Seen], pid: str, at: datetime) -> bool:
    open_, outcome = False, None
    for e in log:
        if e.at > at:
            break
        if e.type == "MdtScreeningCompleted" and _who(e, "person_ref") == pid:
            outcome = e.details["outcome"]
            open_ = False
        elif _opens(e, pid):
            open_ = True
    return open_ or outcome in ("PossibleVictimOfTrafficking", "ActualVictimOfTrafficking")


def _repatriating(log: list[Seen], pid: str, held: Seen) -> bool:
    """A repatriation approved before the detention, or before a deportation to the same country."""
    country = held.details.get("destination_country")
    return any(e.type == "RepatriationApproved" and e.at <= held.at and _who(e, "person_ref") == pid
               and (country is None or e.details["destination_country"] == country) for e in log)


def _repeat(log: list[Seen], fire) -> None:
    flags: dict[str, list[tuple[datetime, str | None]]] = defaultdict(list)
    for s in log:
        pid = _who(s, "person_ref")
        if s.type == "MdtScreeningCompleted" and s.details["outcome"] == "ActualVictimOfTrafficking":
            flags[pid].append((s.at, s.case))
        elif s.type == "ShelterExitRecorded" and s.details["exit_reason"] != "Transferred":
            flags[pid].append((s.at, s.case))
        appearing = _refs(s, "rescued_person_refs") if s.type == "RescueConducted" else \
            [pid] if s.type in ("RorBor1ScreeningSubmitted", "MdtScreeningScheduled", "MdtScreeningCompleted") else \
            _refs(s, "worker_person_refs") if s.type == "InspectionCompleted" else \
            [p for p, role in s.persons if role == "PotentialVictim"] if s.type == "HotlineReportReceived" else []
        for person in appearing:
            if any(at < s.at <= at + W["repeat_victim"] and (case is None or case != s.case)
                   for at, case in flags[person]):
                fire(7, s.case, ("person", person), [("Warning", s.at)])


def _hotspot(log: list[Seen], fire) -> None:
    flags: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for s in log:
        d, orgs = s.details, []
        if s.type == "InspectionCompleted" and d["indicators"]:
            orgs = [s.orgs[0]]
        elif s.type in ("RorBor1ScreeningSubmitted", "WorkerComplaintFiled") and d["indicators"] and s.orgs:
            orgs = [s.orgs[0]]
        elif s.type == "PipoInspectionFindingRecorded":
            orgs = [s.orgs[0]]
        elif s.type in ("RescueConducted", "SuspectIdentified"):
            orgs = list(s.orgs)
        for org in orgs:
            if any(agency != s.agency and s.at - at <= W["hotspot"] for at, agency in flags[org]):
                fire(8, s.case, ("organisation", org), [("Warning", s.at)])
            flags[org].append((s.at, s.agency))


def _pipo(log: list[Seen], fire) -> None:
    out = {}
    for s in log:
        if s.type == "PipoPortOutReported":
            out[s.details["voyage_id"]] = s
        elif s.type == "PipoPortInReported" and s.details["voyage_id"] in out:
            left = out[s.details["voyage_id"]]
            if {p for p, _ in left.persons} != {p for p, _ in s.persons} or \
                    left.details["vms_tracker_id"] != s.details["vms_tracker_id"]:
                fire(9, s.case, ("organisation", s.orgs[0]), [("Warning", s.at)])
    for s in log:                 # rule 9, overdue: not back by the declared return
        due = s.details.get("expected_return_at") if s.type == "PipoPortOutReported" else None
        if due is None:
            continue
        back = [e.at for e in log if e.type == "PipoPortInReported" and e.details["voyage_id"] == s.details["voyage_id"]]
        returned = min(back) if back else None
        twice = s.at + 2 * (due - s.at)
        fire(9, s.case, ("organisation", s.orgs[0]), [("Warning", due) if returned is None or due < returned else None,
                                                      ("Critical", twice) if returned is None or twice < returned
                                                      else None])


def _exits(log: list[Seen], pid: str, after: datetime, until: datetime, repatriation: bool) -> list[Seen]:
    kinds = {"DeportationExecuted"} | ({"RepatriationCompleted"} if repatriation else set())
    return [e for e in log if after < e.at <= until and any(p == pid for p, _ in e.persons)
            and (e.type in kinds or (e.type == "BorderCrossingRecorded" and e.details["direction"] == "Out"))]


def _cross_border(log: list[Seen], fire) -> None:
    for s in log:
        if s.type == "HotlineReportReceived":
            for pid, role in s.persons:
                if role == "PotentialVictim":
                    for e in _exits(log, pid, s.at, s.at + W["cross_border"], False)[:1]:
                        fire(10, e.case, ("person", pid), [("Warning", e.at)])
        elif s.type == "RepatriationApproved":
            pid = _who(s, "person_ref")
            due = s.at + W["cross_border"]
            if not _exits(log, pid, s.at, due, True):
                fire(10, s.case, ("person", pid), [("Warning", due)])


def _suspects(log: list[Seen], fire) -> None:
    seen: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for s in log:
        suspects = _refs(s, "suspect_person_refs") if s.type == "CriminalCaseOpened" else \
            [_who(s, "person_ref")] if s.type == "SuspectIdentified" else \
            [p for p, role in s.persons if role == "Suspect"] if s.type == "RescueConducted" else []
        for pid in suspects:
            if any(province != s.province and s.at - at <= W["suspect_provinces"] for at, province in seen[pid]):
                fire(12, s.case, ("person", pid), [("Warning", s.at)])
            seen[pid].append((s.at, s.province))


def _offenders(log: list[Seen], fire) -> None:
    """Rule 13: a person whose latest outcome is Possible / Actual named as suspect, or a suspect
    later screened Possible / Actual: Critical at the later of the two, on the suspect's case."""
    status: dict[str, bool] = {}
    named: dict[str, Seen] = {}
    done: set[str] = set()
    for s in log:
        if s.type == "MdtScreeningCompleted":
            pid = _who(s, "person_ref")
            status[pid] = s.details["outcome"] in ("PossibleVictimOfTrafficking", "ActualVictimOfTrafficking")
            if status[pid] and pid in named and pid not in done:
                done.add(pid)
                fire(13, named[pid].case, ("person", pid), [("Critical", s.at)])
        for pid, role in s.persons:
            if role == "Suspect":
                named.setdefault(pid, s)
                if status.get(pid) and pid not in done:
                    done.add(pid)
                    fire(13, s.case, ("person", pid), [("Critical", s.at)])
