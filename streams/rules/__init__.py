"""The 14 alert rules of DOMAIN.md and the alert lifecycle.

Pure: no Kafka, SQL, faust or clock here; `now` is passed in (event time in replay, the wall clock
on a live timer tick). Rules are declared specs (`RULES`, validated at import); `evaluate` turns a
case and `now` into the desired alert states; `reconcile` turns those and the stored alerts into
the alerts that change. `process` wires them to the fold for a single-partition worker.
"""

from streams.rules.book import RuleBook, case_scope, org_scope, person_scope
from streams.rules.catalogue import CASE_RULES, ORG_RULES, PERSON_RULES, RULES, RULES_BY_KEY, rule
from streams.rules.cross import OrgEntry, PersonEntry, absorb_org, absorb_person, merge_person_entries
from streams.rules.evaluate import (AlertState, evaluate, evaluate_findings, evaluate_org, evaluate_person,
                                    next_deadline, running_deadlines)
from streams.rules.lifecycle import (ACKNOWLEDGED, FIRING, RESOLVED, Alert, acknowledge, alert_record, reconcile,
                                     resolve, retire, supersede)
from streams.rules.process import Hub, Outcome, on_event, on_expire, on_operator, on_person_merge, on_tick
from streams.rules.spec import Clock, Finding, Referral, RuleSpec, Severity, SpecError, Step
from streams.rules.windows import LEGAL_LIMITS, RuleWindows, parse_duration

__all__ = [
    "RULES", "RULES_BY_KEY", "CASE_RULES", "PERSON_RULES", "ORG_RULES", "rule",
    "RuleSpec", "Clock", "Step", "Finding", "Referral", "Severity", "SpecError",
    "RuleWindows", "LEGAL_LIMITS", "parse_duration",
    "AlertState", "evaluate", "evaluate_person", "evaluate_org", "evaluate_findings", "next_deadline",
    "running_deadlines",
    "Alert", "FIRING", "ACKNOWLEDGED", "RESOLVED", "reconcile", "acknowledge", "resolve", "supersede", "retire", "alert_record",
    "PersonEntry", "OrgEntry", "absorb_person", "absorb_org", "merge_person_entries",
    "RuleBook", "case_scope", "person_scope", "org_scope", 
    "Hub", "Outcome", "on_event", "on_person_merge", "on_tick", "on_operator", "on_expire",
]
