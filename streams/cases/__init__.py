"""Case folding: the agencies' events and the matcher's person ids folded into joint cases.

Pure: no Kafka, SQL, faust or clock here; `now` is passed in. State is a `CaseBook` of keyed
namespaces; every decision returns a value (`Folded`: a `Delta` to apply, the cases changed, the
cases merged away, the signals for the cross-case rules).

    folded = fold(book, event, person_ids, now)           # one `streams.events.Event`
    book.apply(folded.delta)
    folded = merge_persons(book, merged_ids, into_id, now)  # the matcher merged persons
    book.apply(folded.delta)
    case_view(book.cases[case_id], open_alert_ids=..., deadlines=...)   # a CaseView record
"""

from streams.cases.ages import BANGKOK, dob_range, is_minor_on, local_date, surely_minor_on
from streams.cases.book import NAMESPACES, CaseBook, Delta
from streams.cases.config import FoldConfig
from streams.cases.events import Fact, FactPerson, PersonIds, read_event
from streams.cases.fold import Folded, fold, fold_fact
from streams.cases.ids import HUB_NAMESPACE, alert_id_for, case_id_for, case_number, parse_case_number, referral_id_for
from streams.cases.model import JOIN_ROLES, WHOLE_CASE, Case, CaseOrg, CasePerson, Mark, MarkKind, TimelineEntry, Voyage
from streams.cases.orgs import OrgKey, org_key
from streams.cases.signals import CaseMerged, OrgFlagged, OrgsNamed, PersonSeen, PersonsMerged, Signal
from streams.cases.stage import STAGES, latest_outcome, stage_of
from streams.cases.upkeep import expire, merge_persons
from streams.cases.case_view import case_view, is_minor_in

__all__ = [
    "fold", "fold_fact", "merge_persons", "expire", "Folded", "read_event", "Fact", "FactPerson", "PersonIds",
    "CaseBook", "Delta", "NAMESPACES", "FoldConfig",
    "Case", "CasePerson", "CaseOrg", "Mark", "MarkKind", "TimelineEntry", "Voyage", "JOIN_ROLES", "WHOLE_CASE",
    "case_view", "is_minor_in", "stage_of", "latest_outcome", "STAGES",
    "PersonSeen", "OrgFlagged", "CaseMerged", "PersonsMerged", "OrgsNamed", "Signal",
    "case_id_for", "alert_id_for", "referral_id_for", "HUB_NAMESPACE", "case_number", "parse_case_number",
    "OrgKey", "org_key", "BANGKOK", "dob_range", "is_minor_on", "surely_minor_on", "local_date",
]
