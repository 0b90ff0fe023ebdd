"""The incremental matcher: stable ids, merges into the older person, possible links for review."""

import pytest

from streams.matching import DecisionKind, Matcher, parse_spec

SPEC_TEXT = """
[fields]
name = "name"
dob = "date"
sex = "categorical"
nationality = "categorical"
thai_id = "identifier"
passport = "identifier"

[thresholds]
link = 6.0
possible = -4.0
"""
SPEC = parse_spec(SPEC_TEXT)


def person(name, dob=None, sex="Male", nationality="THA", thai_id=None, passport=None):
    return {"name": name, "dob": dob, "sex": sex, "nationality": nationality, "thai_id": thai_id, "passport": passport}


def _chain():
    """A crossing on a passport, then two pink-card holders each showing that passport: the second
    matches the first record (no pink card there), not the holder of the other number."""
    common = dict(sex="Female", nationality="MMR", passport="MB7704018")
    return [person("Sandar Sandar", "1981-01-01", **common),
            person("Sandar Sandar", "1981-01-01", thai_id="0086192434549", **common),
            person("Sanda San", "1981-01-01", thai_id="0059400583150", **common)]


@pytest.fixture
def matcher():
    return Matcher(SPEC)


class TestIncrementalMatcher:
    def test_the_first_record_of_a_person_is_new(self, matcher):
        decision = matcher.add(person("Somchai Jaidee", "1979-11-03"))
        assert decision.kind is DecisionKind.NEW and decision.merged == ()

    def test_person_ids_stay_stable_as_records_arrive(self, matcher):
        first = matcher.add(person("Somchai Jaidee", "1979-11-03", thai_id="3570100012345"))
        other = matcher.add(person("Aye Aye Khaing", "2008", sex="Female", nationality="MMR"))
        again = matcher.add(person("Somchay Jaidee", "1979-11-03", thai_id="3570100012345"))
        later = [matcher.add(person(f"Person {chr(65 + i)} Number", f"19{50 + i}-01-01")) for i in range(5)]
        assert again.kind is DecisionKind.LINKED and again.person_id == first.person_id
        assert matcher.person_of(first.record) == first.person_id
        assert matcher.person_of(other.record) == other.person_id
        assert len({first.person_id, other.person_id, *(d.person_id for d in later)}) == 7

    def test_a_record_linking_two_persons_merges_them_into_the_older(self, matcher):
        older = matcher.add(person("Kyaw Zaw Win", "1990-05-01", nationality="MMR", thai_id="0012345678901"))
        younger = matcher.add(person("Kyau Zaw Win", None, nationality="MMR", passport="MA123456"))
        assert younger.kind is not DecisionKind.LINKED and younger.person_id != older.person_id
        bridge = matcher.add(person("Kyaw Zaw Win", "1990-05-01", nationality="MMR",
                                    thai_id="0012345678901", passport="MA123456"))
        assert bridge.kind is DecisionKind.LINKED
        assert bridge.person_id == older.person_id
        assert bridge.merged == (younger.person_id,)
        assert matcher.person_of(younger.record) == older.person_id

    def test_a_record_without_a_birth_date_does_not_merge_namesakes_born_apart(self):
        from dataclasses import replace

        from streams.matching import default_parameters

        matcher = Matcher(SPEC, replace(default_parameters(SPEC), prior=0.05))  # a small caseload
        older = matcher.add(person("Wannak Mias", "1987-03-02", nationality="KHM"))
        younger = matcher.add(person("Wannak Mias", "1994-10-11", nationality="KHM"))
        assert younger.person_id != older.person_id
        dateless = matcher.add(person("Wannak Mias", None, nationality="KHM"))
        assert dateless.kind is DecisionKind.LINKED and dateless.merged == ()
        assert matcher.person_of(younger.record) != matcher.person_of(older.record)

    def test_two_holders_of_different_lifelong_numbers_are_never_joined_through_a_chain(self):
        spec = parse_spec(SPEC_TEXT.replace('thai_id = "identifier"',
                                            'thai_id = { kind = "identifier", one_per_person = true }'))
        matcher = Matcher(spec)
        first, holder, other = (matcher.add(record) for record in _chain())
        assert holder.kind is DecisionKind.LINKED and holder.person_id == first.person_id
        assert other.person_id != first.person_id and other.kind is DecisionKind.POSSIBLE
        assert other.candidate_id == first.person_id                    # an operator decides

    def test_without_the_option_the_same_chain_joins_them(self, matcher):
        first, _, other = (matcher.add(record) for record in _chain())
        assert other.kind is DecisionKind.LINKED and other.person_id == first.person_id

    def test_ambiguous_evidence_gives_a_possible_link_not_a_link(self, matcher):
        known = matcher.add(person("Aung Kyaw", ("1990-01-01", "Year"), nationality="MMR"))
        vague = matcher.add(person("Aung Kyaw", ("1989-01-01", "Estimated"), nationality="MMR"))
        assert vague.kind is DecisionKind.POSSIBLE
        assert vague.candidate_id == known.person_id and vague.person_id != known.person_id
        assert SPEC.possible_weight <= vague.weight < SPEC.link_weight

    def test_nothing_in_common_starts_a_new_person(self, matcher):
        matcher.add(person("Somchai Jaidee", "1979-11-03", thai_id="3570100012345"))
        assert matcher.add(person("Mali Srisuk", "2001-02-14", sex="Female")).kind is DecisionKind.NEW

    def test_the_same_records_in_the_same_order_give_the_same_decisions(self):
        records = [person("Somchai Jaidee", "1979-11-03"), person("Somchay Jaidee", "1979-11-03"),
                   person("Mali Srisuk", "2001-02-14"), person("Jaidee Somchai", "1979-11-03")]
        runs = [[Matcher(SPEC).add(r) for r in records] for _ in range(2)]
        first, second = ([(d.person_id, d.kind, d.weight) for d in run] for run in runs)
        assert first == second

    def test_a_namespace_keeps_ids_of_two_matchers_apart(self):
        a = Matcher(SPEC, namespace="prs-a").add(person("Somchai Jaidee"))
        b = Matcher(SPEC, namespace="prs-b").add(person("Somchai Jaidee"))
        assert a.person_id != b.person_id and a.person_id.startswith("prs-a_")


class TestEvidenceWeights:
    def test_a_name_many_people_carry_weighs_less_than_a_rare_one(self):
        matcher = Matcher(SPEC)
        for i in range(3000):   # 3,000 people: no two born the same day
            matcher.add(person("Aung Kyaw", f"{1950 + i % 50}-{1 + i // 50 % 12:02d}-{1 + i // 600:02d}", nationality="MMR"))
        matcher.add(person("Wanchai Srisuk", "1990-01-01"))
        common = matcher.add(person("Aung Kyaw", "2001-06-25", sex="Female", nationality="MMR"))
        rare = matcher.add(person("Wanchai Srisuk", "2001-06-25", sex="Female"))
        assert rare.weight > common.weight + 5

    def test_the_prior_falls_as_the_index_outgrows_the_estimation_sample(self):
        from dataclasses import replace

        from streams.matching import default_parameters

        params = replace(default_parameters(SPEC), records=1000)
        assert params.prior_weight_at(500) == params.prior_weight
        assert params.prior_weight_at(8000) == pytest.approx(params.prior_weight - 3, abs=0.01)


class TestTermFrequency:
    """An exact name weighs less the more people carry it; one person seen again is not more people."""

    @staticmethod
    def weight_after(seen: int) -> float:
        from dataclasses import replace

        from streams.matching import default_parameters

        params = default_parameters(SPEC)
        rare_names = replace(params, u={**params.u, "name": (1e-6, *params.u["name"][1:])})  # capped at once
        matcher = Matcher(SPEC, rare_names)
        for _ in range(seen):
            matcher.add(person("Souksavanh Phengsy", "1979-07-07", nationality="LAO", passport="P5365643"))
        return matcher.add(person("Souksavanh Phengsy", None, sex=None, nationality="LAO")).weight

    def test_a_person_seen_again_under_one_spelling_does_not_weaken_their_own_name(self):
        assert self.weight_after(4) == self.weight_after(1)
