"""The truth file: who is really behind every record, which records form one case, which alerts
must fire (and, by omission, which must not).

Format `sanpalang-simulator-truth/1`, one JSON object:

- `params`, `period` (`start_at`, `end_at`, `last_event_at`), `rule_readings` (rule number -> the
  reading used, see `rules.py`), `windows` (seconds).
- `persons`: true person id -> kind (victim, suspect, worker, crew, caller, traveller, resident,
  hotline, junk...), nationality, sex, date of birth, canonical name, documents held (`id13` and
  its `id13_kind`: ThaiId, PinkCard or NonThaiId; `passport`, `border_pass`, `seabook`,
  `certificate_of_identity`, `phone`).
- `organisations`: true organisation id -> kind, name, province, registration numbers.
- `records`: one per native record, in delivery order: `ref` (R000001...), agency, kind, channel,
  target, system, record_id, version, event_type, `event_id` (the id the mapping must give; absent
  for immigration rows, whose version is `updated_at` as the database returns it), occurred_at,
  case, scenario, `expect` (`intake` or `dead-letter`), dead_letter_code, note, `persons`
  ([{ref: event person ref p1.., person: true id, role}]) and `organisations` ([{ref, organisation}]).
- `cases`: case id -> scenario, kind, provinces, record refs, persons, organisations.
- `scenarios`: scenario id -> kind, cases, rules it must fire.
- `alerts`: [{rule, case, related_cases, subject: {"person": id} or {"organisation": id}, province,
  severity (highest reached), fires_at (first step), ladder [{severity, at}], resolves_at,
  trigger (record ref), reading}]. Times are ISO 8601 UTC event times.
"""

from __future__ import annotations

from datetime import timezone
from typing import Any, Sequence

from connectors.agencies import content_version, event_id
from connectors.normalise import id13_kind
from simulator.render import Rendered
from simulator.rules import READINGS, WINDOWS
from simulator.story import Fact, Sim

__all__ = ["FORMAT", "build_truth", "source_version"]

FORMAT = "sanpalang-simulator-truth/1"
_SEVERITY = {"Info": 0, "Warning": 1, "Critical": 2}


def _iso(moment) -> str | None:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if moment else None


def source_version(record) -> str:
    """The record version the agency mapping reads (NATIVE.md, "Record version")."""
    native = record.native
    if record.channel == "immigration-sql":
        return str(native["updated_at"])
    if record.target == "shelter_" and "แก้ไขครั้งที่" in native:
        return str(native["แก้ไขครั้งที่"])
    if "version" in native:
        return str(native["version"])
    if record.system == "MSDHS-CMS" and "updated_at" in native:
        return str(native["updated_at"])
    return content_version(native)


def build_truth(sim: Sim, seed: int, records: Sequence[Any], pairs: Sequence[tuple[Fact, Rendered]],
                params: dict[str, Any]) -> dict[str, Any]:
    ref_of = {fact.seq: record.ref for record, (fact, _) in zip(records, pairs)}
    out_records, cases = [], {case: {"case": case, **info, "provinces": [], "records": [], "persons": [],
                                     "organisations": []} for case, info in sim.cases.items()}
    for record, (fact, rendered) in zip(records, pairs):
        entry = {"ref": record.ref, "agency": record.agency, "kind": record.kind, "channel": record.channel,
                 "target": record.target, "system": record.system, "record_id": record.record_id,
                 "version": source_version(record), "event_type": record.event_type,
                 "occurred_at": _iso(record.occurred_at), "case": fact.case, "scenario": fact.scenario,
                 "expect": record.expect, "dead_letter_code": record.dead_letter_code, "note": record.note,
                 "persons": [{"ref": ref, "person": pid, "role": role} for ref, pid, role in rendered.persons],
                 "organisations": [{"ref": ref, "organisation": oid} for ref, oid in rendered.orgs]}
        if record.expect == "intake" and record.channel != "immigration-sql":
            entry["event_id"] = event_id(record.agency, record.system, record.record_id, entry["version"],
                                         record.event_type)
        out_records.append(entry)
        if fact.case and record.expect == "intake":
            case = cases[fact.case]
            case["records"].append(record.ref)
            _add(case["provinces"], fact.province)
            for _, pid, _ in rendered.persons:
                _add(case["persons"], pid)
            for _, oid in rendered.orgs:
                _add(case["organisations"], oid)
    scenarios: dict[str, dict[str, Any]] = {}
    for case, info in sim.cases.items():
        entry = scenarios.setdefault(info["scenario"], {"scenario": info["scenario"], "kind": info["kind"],
                                                        "cases": [], "rules": []})
        entry["cases"].append(case)
    alerts = []
    for expected in sim.expected:
        top = max(expected.ladder, key=lambda step: _SEVERITY[step[0]])
        kind, ident = expected.subject
        alerts.append({"rule": expected.rule, "case": expected.case, "related_cases": list(expected.related_cases),
                       "subject": {kind: ident}, "province": expected.province, "severity": top[0],
                       "fires_at": _iso(expected.ladder[0][1]),
                       "ladder": [{"severity": s, "at": _iso(t)} for s, t in expected.ladder],
                       "resolves_at": _iso(expected.resolves_at), "trigger": ref_of[expected.trigger.seq],
                       "reading": expected.reading, "optional": expected.optional})
        rules = scenarios[sim.cases[expected.case]["scenario"]]["rules"]
        _add(rules, expected.rule)
    return {
        "format": FORMAT, "params": params,
        "period": {"start_at": _iso(sim.start_at), "end_at": _iso(sim.end_at),
                   "last_event_at": _iso(max(r.occurred_at for r in records))},
        "rule_readings": {str(k): v for k, v in READINGS.items()},
        "windows": {k: v.total_seconds() for k, v in WINDOWS.items()},
        "persons": {p.pid: _person(p) for p in sim.world.persons.values()},
        "organisations": {o.oid: _org(o) for o in sim.world.organisations.values()},
        "records": out_records,
        "cases": list(cases.values()),
        "scenarios": list(scenarios.values()),
        "alerts": sorted(alerts, key=lambda a: (a["fires_at"], a["rule"])),
    }


def _add(items: list, value) -> None:
    if value not in items:
        items.append(value)


def _person(p) -> dict[str, Any]:
    return {"kind": p.kind, "name": p.name.canonical, "nationality": p.nationality, "sex": p.sex,
            "date_of_birth": p.birth.isoformat(), "id13": p.thai_id, "passport": p.passport,
            "border_pass": p.border_pass, "phone": p.phone, "seabook": p.seabook,
            "certificate_of_identity": p.ci, "id13_kind": id13_kind(p.thai_id) if p.thai_id else None}


def _org(o) -> dict[str, Any]:
    return {"kind": o.kind, "name": o.name, "province": o.province, "registration": o.registration,
            "vessel_registration": o.vessel_registration, "licence": o.licence, "vms": o.vms, "owner": o.owner}
