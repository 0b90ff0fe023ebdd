"""The 14 rules are declared specs, validated when created; windows are validated too."""

import re
from datetime import timedelta
from pathlib import Path

import pytest

from schemas.catalogue import load_catalogue
from streams.rules import RULES, Clock, RuleSpec, RuleWindows, Severity, SpecError, Step, parse_duration, rule
from streams.rules.case_rules import custody_s29

RUNBOOK = Path(__file__).parents[4] / "docs" / "alert-rules.md"
W, C = Severity.WARNING, Severity.CRITICAL


def spec(**changes):
    base = dict(number=1, key="custody-s29-deadline", title="t", basis="ATIPA s.29", scope="case",
                clocks={"custody": Clock((Step(W, "custody_warn"), Step(C, "custody_limit")))}, find=custody_s29,
                action="act")
    base.update(changes)
    return RuleSpec(**base)


class TestRuleSpecs:
    def test_the_catalogue_holds_the_14_rules_of_the_domain_in_order(self):
        assert sorted({r.number for r in RULES}) == list(range(1, 15))
        assert [r.number for r in RULES] == sorted(r.number for r in RULES)
        assert len({r.key for r in RULES}) == len(RULES) == 15       # rule 9 watches two things (two keys)
        assert [r.key for r in RULES if r.number == 9] == ["pipo-crew-mismatch", "pipo-vessel-overdue"]

    def test_each_rule_states_its_legal_basis_or_default_in_its_docstring(self):
        for r in RULES:
            assert r.basis == "default" or "s." in r.basis or "NRM" in r.basis or "Ordinance" in r.basis
            assert r.basis in r.find.__doc__

    def test_windows_marked_default_in_the_domain_are_default_rules(self):
        assert {r.number for r in RULES if r.basis == "default"} == {3, 6, 7, 8, 10, 12}

    def test_a_valid_spec_is_accepted(self):
        assert spec().windows == ("custody_warn", "custody_limit")

    @pytest.mark.parametrize("changes, words", [
        ({"number": 15}, "1 to 14"),
        ({"key": "Custody Deadline"}, "lower-case"),
        ({"scope": "province"}, "scope"),
        ({"clocks": {}}, "at least one clock"),
        ({"clocks": {"c": Clock(())}}, "no step"),
        ({"clocks": {"c": Clock((Step(C, "custody_warn"), Step(W, "custody_limit")))}}, "strictly up"),
        ({"clocks": {"c": Clock((Step(W, "custody_warn"), Step(C)))}}, "only the first step"),
        ({"clocks": {"c": Clock((Step(W, "custody_wran"),))}}, "custody_wran"),
        ({"clocks": {"c": Clock((Step(W, "custody_limit"), Step(C, "custody_warn")))}}, "sooner"),
        ({"basis": "ATIPA s.99"}, "must state its basis"),
        ({"find": lambda case, w: []}, "docstring"),
        ({"action": ""}, "required"),
    ])
    def test_a_bad_spec_fails_at_construction_naming_the_problem(self, changes, words):
        with pytest.raises(SpecError, match=re.escape(words)):
            spec(**changes)

    def test_every_referral_goes_to_an_agency_of_the_catalogue(self):
        agencies = load_catalogue().agencies
        referrals = [c.referral for spec in RULES for c in spec.clocks.values() if c.referral]
        assert referrals and all(r.to_agency in agencies for r in referrals)

    def test_rules_are_found_by_key_or_number(self):
        assert rule(9) is rule("pipo-crew-mismatch")
        assert rule(13) is rule("victim-treated-as-offender") and rule(14) is rule("absconded-unscreened")
        with pytest.raises(KeyError):
            rule(15)


class TestRuleWindows:
    def test_defaults_are_the_domain_values(self):
        w = RuleWindows()
        assert (w.custody_warn, w.custody_limit, w.custody_extension_max) == (timedelta(hours=18), timedelta(hours=24), timedelta(days=7))
        assert (w.nrm_warn, w.nrm_limit, w.handoff, w.handoff_minor) == (timedelta(days=12), timedelta(days=15), timedelta(hours=24), timedelta(hours=12))
        assert (w.repeat_victim, w.hotspot, w.cross_border, w.suspect_provinces) == (
            timedelta(days=365), timedelta(days=90), timedelta(days=30), timedelta(days=180))
        assert (w.pipo_port_in, w.rights_informed, w.police_case) == (timedelta(hours=1), timedelta(hours=24), timedelta(days=7))

    def test_a_legal_window_cannot_be_longer_than_the_law(self):
        with pytest.raises(ValueError, match="longer than the law"):
            RuleWindows(custody_extension_max=timedelta(days=8))
        with pytest.raises(ValueError, match="longer than the law"):
            RuleWindows(nrm_limit=timedelta(days=20))

    def test_a_warning_cannot_come_after_its_deadline(self):
        with pytest.raises(ValueError, match="custody_warn"):
            RuleWindows(custody_warn=timedelta(hours=30), custody_limit=timedelta(hours=24))

    def test_windows_must_be_positive(self):
        with pytest.raises(ValueError, match="positive"):
            RuleWindows(hotspot=timedelta(0))

    def test_windows_come_from_settings_text(self):
        w = RuleWindows.from_mapping({"hotspot": "60d", "handoff_minor": "6h"})
        assert (w.hotspot, w.handoff_minor) == (timedelta(days=60), timedelta(hours=6))
        assert parse_duration("1d12h") == timedelta(hours=36)
        with pytest.raises(ValueError, match="unknown"):
            RuleWindows.from_mapping({"hotspots": "60d"})
        with pytest.raises(ValueError, match="not a duration"):
            parse_duration("soon")


class TestRunbook:
    def test_has_one_entry_per_rule_key_with_its_basis_and_action(self):
        text = RUNBOOK.read_text(encoding="utf-8")
        entries = re.findall(r"^## ([a-z0-9-]+)\n\n\*\*Rule (\d+):", text, flags=re.M)
        assert [(k, int(n)) for k, n in entries] == [(r.key, r.number) for r in RULES]
        for r in RULES:
            entry = text.split(f"## {r.key}\n", 1)[1].split("\n## ", 1)[0]
            assert r.basis in entry and "What to do" in entry


class TestDeclaredMarks:
    """`RuleSpec.marks` lets the engine skip a case rule: it must find nothing on a case without them."""

    @staticmethod
    def _case_with_every_mark_but(excluded: frozenset):
        from datetime import date, datetime, timezone

        from streams.cases import WHOLE_CASE, Case, CasePerson, Mark, MarkKind

        t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
        kinds = [v for k, v in vars(MarkKind).items() if k.isupper() and v not in excluded]
        values = [None, "ActualVictimOfTrafficking", "PossibleVictimOfTrafficking", "NotAVictimOfTrafficking",
                  "Temporary", "referred", "Repatriated"]
        persons = tuple(CasePerson(pid, ("Victim",), None, dob, dob, t0, t0, True, None)
                        for pid, dob in (("A", date(2015, 1, 1)), ("B", date(1990, 1, 1))))
        marks = tuple(sorted((Mark(t0 + timedelta(hours=i + j), kind, subject, value, t0 + timedelta(days=3))
                              for i, kind in enumerate(kinds) for j, value in enumerate(values)
                              for subject in ("A", "B", WHOLE_CASE)), key=lambda m: m.at))
        return Case("c1", t0, t0, "TH-10", ("TH-10",), "Reported", "Active", persons=persons, marks=marks)

    def test_case_rules_find_nothing_without_their_marks(self):
        declared = [r for r in RULES if r.marks]
        assert {r.number for r in declared} == {1, 2, 3, 5, 6, 9, 10, 11, 14}
        for r in declared:
            case = self._case_with_every_mark_but(r.marks)
            assert not {m.kind for m in case.marks} & r.marks and len({m.kind for m in case.marks}) > 15
            assert list(r.find(case, RuleWindows())) == [], r.key

    def test_only_case_rules_declare_marks(self):
        with pytest.raises(SpecError, match="only case rules"):
            spec(scope="person", marks=frozenset({"custody"}))
