"""Operators' decisions feed back to the matcher: a confirmed link joins two persons, a rejected one
keeps them apart for every later record and join, across later merges, deterministically."""

import pytest

from streams.matching import DecisionKind, Matcher

from .test_matcher import SPEC, person

THAI_ID, PASSPORT = "0012345678901", "MA123456"


def older():
    return person("Kyaw Zaw Win", "1990-05-01", nationality="MMR", thai_id=THAI_ID)


def younger():
    return person("Kyau Zaw Win", None, nationality="MMR", passport=PASSPORT)


def bridge():
    """Scores >= link against both `older()` and `younger()`: it carries both their documents."""
    return person("Kyaw Zaw Win", "1990-05-01", nationality="MMR", thai_id=THAI_ID, passport=PASSPORT)


def stranger():
    return person("Mali Srisuk", "2001-02-14", sex="Female", thai_id="3570100012345")


@pytest.fixture
def matcher():
    return Matcher(SPEC)


@pytest.fixture
def possible(matcher):
    """An older person and a younger one the matcher proposes as a possible link to it."""
    a, b = matcher.add(older()), matcher.add(younger())
    assert b.kind is DecisionKind.POSSIBLE and b.candidate_id == a.person_id
    return a, b


class TestRejectingALink:
    def test_a_record_linking_both_persons_joins_the_stronger_only(self, matcher, possible):
        a, b = possible
        matcher.forbid(b.person_id, a.person_id)
        decision = matcher.add(bridge())
        assert decision.kind is DecisionKind.LINKED and decision.merged == ()
        assert decision.person_id == a.person_id
        assert matcher.person_of(b.record) == b.person_id
        assert matcher.apart(a.person_id, b.person_id)

    def test_without_the_rejection_the_same_record_merges_them(self, matcher, possible):
        a, b = possible
        assert matcher.add(bridge()).merged == (b.person_id,)

    def test_the_record_goes_to_the_stronger_even_when_it_is_the_younger(self, matcher, possible):
        a, b = possible
        matcher.forbid(a.person_id, b.person_id)
        decision = matcher.add(younger() | {"dob": "1990-05-01"})    # >= link to both, stronger to b
        assert decision.kind is DecisionKind.LINKED and decision.person_id == b.person_id
        assert decision.merged == ()

    def test_a_rejection_outlives_a_merge_of_either_person(self, matcher):
        c = matcher.add(stranger())
        a, b = matcher.add(older()), matcher.add(younger())
        matcher.forbid(a.person_id, b.person_id)
        assert matcher.join(a.person_id, c.person_id) == (c.person_id, a.person_id)
        assert matcher.apart(c.person_id, b.person_id)
        decision = matcher.add(bridge())
        assert decision.person_id == c.person_id and decision.merged == ()
        assert matcher.person_of(b.record) == b.person_id

    def test_persons_set_apart_are_not_joined_and_the_refusal_names_them(self, matcher, possible):
        a, b = possible
        matcher.forbid(b.person_id, a.person_id)
        with pytest.raises(ValueError, match=f"{a.person_id} and {b.person_id}"):
            matcher.join(a.person_id, b.person_id)
        assert matcher.person_of(b.record) == b.person_id

    def test_rejecting_twice_changes_nothing(self, matcher, possible):
        a, b = possible
        matcher.forbid(b.person_id, a.person_id)
        matcher.forbid(a.person_id, b.person_id)
        assert matcher.add(bridge()).merged == ()

    def test_a_possible_link_never_proposes_a_pair_set_apart(self, matcher, possible):
        """A Possible record starts a person of its own, whom no operator has set apart yet."""
        a, b = possible
        matcher.forbid(b.person_id, a.person_id)
        proposals = [matcher.add(younger() | {"passport": None, "name": name})
                     for name in ("Kyau Zaw Win", "Kyaw Zaw Winn", "Kyau Zaw")]
        possibles = [d for d in proposals if d.kind is DecisionKind.POSSIBLE]
        assert possibles
        assert not any(matcher.apart(d.person_id, d.candidate_id) for d in possibles)

    def test_persons_already_one_cannot_be_set_apart(self, matcher, possible):
        a, b = possible
        matcher.add(bridge())
        with pytest.raises(ValueError, match="one person already"):
            matcher.forbid(a.person_id, b.person_id)


class TestConfirmingALink:
    def test_a_join_keeps_the_older_id_and_later_records_follow_it(self, matcher, possible):
        a, b = possible
        assert matcher.join(b.person_id, a.person_id) == (a.person_id, b.person_id)
        assert matcher.person_of(b.record) == a.person_id
        assert matcher.add(younger()).person_id == a.person_id

    def test_joining_persons_already_one_returns_none(self, matcher, possible):
        a, b = possible
        matcher.join(a.person_id, b.person_id)
        assert matcher.join(a.person_id, b.person_id) is None

    def test_an_id_merged_away_stands_for_the_person_it_went_into(self, matcher, possible):
        a, b = possible
        c = matcher.add(stranger())
        matcher.join(a.person_id, b.person_id)
        matcher.forbid(b.person_id, c.person_id)
        assert matcher.apart(a.person_id, c.person_id)

    def test_an_id_this_matcher_never_gave_is_a_key_error(self, matcher, possible):
        a, _ = possible
        linked = matcher.add(older())
        never_an_id = matcher.person_id(linked.record)     # a record that joined a person names none
        for unknown in ("prs_0000000000000000", never_an_id):
            with pytest.raises(KeyError):
                matcher.join(a.person_id, unknown)
            with pytest.raises(KeyError):
                matcher.forbid(unknown, a.person_id)


class TestDeterminism:
    def test_the_same_records_and_decisions_in_the_same_order_give_the_same_outputs(self):
        def run():
            matcher = Matcher(SPEC)
            out = [matcher.add(r) for r in (stranger(), older(), younger())]
            matcher.forbid(out[2].person_id, out[1].person_id)
            out.append(matcher.add(bridge()))
            out.append(matcher.join(out[0].person_id, out[1].person_id))
            out += [matcher.add(r) for r in (younger(), bridge(), stranger())]
            return out, matcher.cluster_roots()

        first, second = run(), run()
        assert first == second
        assert first[0][3].merged == () and first[0][4] == (first[0][0].person_id, first[0][1].person_id)
