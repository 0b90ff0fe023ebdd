"""The 14 alert rules of DOMAIN.md, declared. Runbook: docs/alert-rules.md (one entry per key)."""

from __future__ import annotations

from streams.cases import MarkKind as K
from streams.rules import case_rules as c, cross as x
from streams.rules.spec import Clock, Referral, RuleSpec, Severity, SpecError, Step

__all__ = ["RULES", "RULES_BY_KEY", "CASE_RULES", "PERSON_RULES", "ORG_RULES", "rule"]

W, C = Severity.WARNING, Severity.CRITICAL
_SOCIAL_SCREEN = Referral("social", "AdditionalServicesRequired", "A potential victim has not been screened by the MDT in time.",
                          "Complete the MDT screening (identification interview) now.")

RULES: tuple[RuleSpec, ...] = (
    RuleSpec(1, "custody-s29-deadline", "s.29 custody deadline", "ATIPA s.29", "case",
             {"custody": Clock((Step(W, "custody_warn"), Step(C, "custody_limit")), referral=_SOCIAL_SCREEN)},
             c.custody_s29, "Get the MDT screening done or a court extension before custody ends; release otherwise.",
             marks=frozenset({K.CUSTODY})),
    RuleSpec(2, "nrm-reflection-overrun", "NRM reflection period overrun", "NRM notification of 11 May 2022", "case",
             {"reflection": Clock((Step(W, "nrm_warn"), Step(C, "nrm_limit")), referral=_SOCIAL_SCREEN)},
             c.nrm_reflection, "Hold the MDT identification interview before day 15 of the shelter stay.",
             marks=frozenset({K.SHELTER})),
    RuleSpec(3, "care-handoff-missing", "Rescued, no care hand-off", "default", "case",
             {"adult": Clock((Step(W, "handoff"),),
                             referral=Referral("social", "AdditionalServicesRequired", "A rescued person has no shelter or support plan.",
                                               "Arrange a shelter intake or support plan, or record the person's refusal.")),
              "minor": Clock((Step(W, "handoff_minor"),),
                             referral=Referral("social", "AdditionalServicesRequired", "A rescued child has no shelter or support plan.",
                                               "Place the child in a shelter with a support plan now."))},
             c.care_handoff, "Call the PSDHS duty officer: shelter intake or support plan, or record the refusal.",
             marks=frozenset({K.RESCUED, K.OUTCOME})),
    RuleSpec(4, "minor-involved", "Minor involved", "ATIPA s.6", "case",
             {"minor": Clock((Step(W),)), "held": Clock((Step(C),))},
             c.minor_involved, "Apply child procedures (s.6: no means needed; s.52); get a minor out of custody or IDC.",
             resolves_itself=False),
    RuleSpec(5, "victim-detained-or-deported", "Potential victim in detention or deportation", "ATIPA s.41", "case",
             {"held": Clock((Step(C),), referral=Referral(
                 "immigration", "MigrationOrChangeOfLocation", "A potential trafficking victim is detained or due for deportation.",
                 "Hold the deportation and transfer the person to a shelter for MDT screening."))},
             c.victim_detained, "Stop the deportation; move the person to a shelter; screen before any immigration step.",
             marks=frozenset({K.DETENTION, K.DEPORTATION_SCHEDULED, K.DEPORTED})),
    RuleSpec(6, "labour-screening-not-referred", "Labour screening not followed by MDT", "default", "case",
             {"referral": Clock((Step(W, "labour_referral_warn"), Step(C, "labour_referral_critical")), referral=Referral(
                 "social", "AdditionalServicesRequired", "A Ror.Bor.1 form with trafficking indicators awaits the MDT.",
                 "Schedule the MDT screening of the referred worker."))},
             c.labour_screening, "Ask PSDHS to schedule the MDT screening of the worker (refer the form if it was not).",
             marks=frozenset({K.ROR_BOR_1})),
    RuleSpec(7, "repeat-victim", "Repeat victim", "default", "person",
             {"repeat": Clock((Step(W),))},
             x.repeat_victim, "Link the cases; review why the earlier protection or reintegration failed.",
             resolves_itself=False),
    RuleSpec(8, "multi-agency-hotspot", "Multi-agency hotspot", "default", "org",
             {"hotspot": Clock((Step(W),))},
             x.multi_agency_hotspot, "Convene a joint inspection by the flagging agencies.", resolves_itself=False),
    RuleSpec(9, "pipo-crew-mismatch", "PIPO crew mismatch", "Royal Ordinance on Fisheries B.E. 2558", "case",
             {"mismatch": Clock((Step(W),), due_after="pipo_port_in", referral=Referral(
                 "labour", "Other", "Port-in crew or vessel documents do not match the port-out report.",
                 "Inspect the vessel and interview the crew before they leave the port."))},
             c.pipo_crew_mismatch, "Board and inspect within the hour; account for every crew member of the port-out list.",
             resolves_itself=False, marks=frozenset({K.PIPO_MISMATCH})),
    RuleSpec(9, "pipo-vessel-overdue", "PIPO vessel overdue", "Royal Ordinance on Fisheries B.E. 2558", "org",
             {"overdue": Clock((Step(W),), referral=Referral(
                 "labour", "Other", "A fishing vessel is not back in port by the end of its declared trip.",
                 "Contact the vessel (VMS, radio, owner) and the port; check the crew's safety.")),
              "overdue-twice": Clock((Step(C),))},
             x.vessel_overdue, "Locate the vessel through its VMS and owner; alert the marine police if it cannot be found.",
             ),
    RuleSpec(10, "cross-border-movement", "Cross-border movement", "default", "case",
             {"exit-after-report": Clock((Step(W),), referral=Referral(
                 "immigration", "MigrationOrChangeOfLocation", "A person named in a hotline report has left Thailand.",
                 "Check the exit record and alert the destination country's counterpart.")),
              "no-exit": Clock((Step(W, "cross_border"),))},
             c.cross_border, "Check the exit with immigration; trace the person; for repatriation, find what blocks it.",
             marks=frozenset({K.HOTLINE, K.REPATRIATION_APPROVED})),
    RuleSpec(11, "rights-prosecution-handoff", "Rights / prosecution hand-off missing", "ATIPA ss.33-34", "case",
             {"rights": Clock((Step(W, "rights_informed"),), referral=Referral(
                 "social", "AdditionalServicesRequired", "An identified victim has not been told their rights.",
                 "Inform the victim of their rights (ss.33-34) in their language and record it.")),
              "police": Clock((Step(W, "police_case"),))},   # police referral: at identification (referrals.py)
             c.rights_and_police, "Inform the victim of their rights; open the police case.",
             marks=frozenset({K.OUTCOME})),
    RuleSpec(12, "suspect-across-provinces", "Same suspect across provinces", "default", "person",
             {"provinces": Clock((Step(W),))},
             x.suspect_across_provinces, "Tell ATPD: one suspect in several provinces' cases; coordinate the investigation.",
             resolves_itself=False),
    RuleSpec(13, "victim-treated-as-offender", "Victim treated as offender", "ATIPA s.41", "person",
             {"offender": Clock((Step(C),), referral=Referral(
                 "police", "Other", "A possible or identified trafficking victim is named as a suspect or charged.",
                 "Review the charge under s.41 (no prosecution of victims for offences committed while trafficked)."))},
             x.victim_treated_as_offender,
             "Tell the police and prosecutor: s.41 forbids prosecuting the victim for offences done while trafficked.",
             resolves_itself=False),
    RuleSpec(14, "absconded-unscreened", "Absconded unscreened", "NRM notification of 11 May 2022", "case",
             {"exit": Clock((Step(W),), referral=Referral(
                 "social", "AdditionalServicesRequired", "A potential victim left a shelter before MDT screening.",
                 "Trace the person (family, employer, hotline) and complete the MDT screening."))},
             c.absconded_unscreened, "Trace the person; alert police and the hotline; screen them when found.",
             marks=frozenset({K.SHELTER_EXIT})),
)


def _check(rules: tuple[RuleSpec, ...]) -> None:
    if sorted({r.number for r in rules}) != list(range(1, 15)):
        raise SpecError("the catalogue must hold rules 1 to 14")
    if [r.number for r in rules] != sorted(r.number for r in rules):
        raise SpecError("the catalogue lists rules in order of their numbers")
    if len({r.key for r in rules}) != len(rules):
        raise SpecError("rule keys must be unique")


_check(RULES)
RULES_BY_KEY = {r.key: r for r in RULES}
CASE_RULES = tuple(r for r in RULES if r.scope == "case")
PERSON_RULES = tuple(r for r in RULES if r.scope == "person")
ORG_RULES = tuple(r for r in RULES if r.scope == "org")


def rule(key_or_number: str | int) -> RuleSpec:
    for spec in RULES:
        if key_or_number in (spec.key, spec.number):
            return spec
    raise KeyError(key_or_number)
