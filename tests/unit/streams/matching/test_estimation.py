"""m/u estimation: reproducible with a seed, versioned, and sensible on generated data."""

import pytest

from streams.matching import Parameters, SpecError, default_parameters, estimate_parameters, parse_spec
from streams.matching.synthetic import febrl_like

SPEC = parse_spec("""
[fields]
given_name = { kind = "name", swap_with = "surname" }
surname = "name"
date_of_birth = { kind = "date", format = "%Y%m%d" }
soc_sec_id = "identifier"
postcode = "postcode"
state = "categorical"
""")


@pytest.fixture(scope="module")
def rows():
    return [row for _, row in febrl_like(300, 300, seed=7)]


def estimate(rows, seed=1, **kwargs):
    return estimate_parameters(SPEC, rows, seed=seed, u_pairs=20_000, em_pairs=20_000, **kwargs)


@pytest.fixture(scope="module")
def estimated(rows):
    """The parameters of seed 1, which most tests read."""
    return estimate(rows)


class TestEstimation:
    def test_same_seed_same_parameters(self, rows, estimated):
        first, second = estimated, estimate(rows)
        assert first == second and first.version == second.version
        assert first.to_json() == second.to_json()

    def test_another_seed_gives_another_version(self, rows, estimated):
        assert estimated.version != estimate(rows, seed=2).version

    def test_agreement_weighs_for_a_match_and_disagreement_against(self, estimated):
        weights = dict(zip(SPEC.columns, estimated.weights(SPEC)))
        for column in SPEC.columns:
            assert weights[column][0] > 0 > weights[column][-1], column

    def test_the_prior_is_near_the_true_share_of_matching_pairs(self, estimated):
        true_pairs, all_pairs = 300, 600 * 599 / 2  # about one duplicate per original
        prior = estimated.prior
        assert true_pairs / all_pairs / 4 < prior < true_pairs / all_pairs * 4

    def test_m_can_be_counted_on_labelled_pairs(self, rows):
        truth = [number for number, _ in febrl_like(300, 300, seed=7)]
        first = {}
        pairs = []
        for position, number in enumerate(truth):
            if number in first:
                pairs.append((first[number], position))
            first.setdefault(number, position)
        params = estimate(rows, matches=pairs)
        assert params.method == "labels" and params.m["soc_sec_id"][0] > 0.5

    def test_m_can_be_counted_on_the_blocked_pairs_of_known_entities(self, rows, estimated):
        truth = [number for number, _ in febrl_like(300, 300, seed=7)]
        unlabelled, labelled = estimated, estimate(rows, entities=truth)
        assert labelled.method == "labels" and labelled.m["soc_sec_id"][0] > 0.5
        assert labelled.u == unlabelled.u and labelled.prior == unlabelled.prior

    def test_entities_must_name_every_record(self, rows):
        with pytest.raises(ValueError, match="entities name 2 records"):
            estimate(rows, entities=["a", "b"])


class TestParameterFile:
    def test_a_saved_file_reads_back_to_the_same_version(self, estimated, tmp_path):
        params = estimated
        params.save(tmp_path / "params.json")
        assert Parameters.load(tmp_path / "params.json").version == params.version

    def test_an_edited_file_no_longer_matches_its_version(self, estimated):
        text = estimated.to_json().replace('"method": "em"', '"method": "edited"')
        with pytest.raises(ValueError, match="does not match its content"):
            Parameters.from_json(text)

    def test_parameters_of_another_spec_are_refused(self):
        other = parse_spec('[fields]\nname = "name"\n')
        with pytest.raises(SpecError, match="another spec"):
            default_parameters(other).weights(SPEC)


@pytest.fixture(scope="module")
def recurring():
    # 60 people seen 10 times each: one random pair in 60 is the same person
    return [row for _, row in febrl_like(60, 540, seed=3)]


@pytest.fixture(scope="module")
def corrected(recurring):
    return estimate(recurring)


class TestUWithoutTheMatches:
    """Where few people recur often, random pairs hold true matches; u is counted again without them."""

    def test_an_exact_identifier_weighs_more_once_the_matches_are_left_out(self, recurring, corrected):
        raw = estimate(recurring, u_rounds=0).weights(SPEC)
        corrected = corrected.weights(SPEC)
        column = SPEC.columns.index("soc_sec_id")
        assert corrected[column][0] > raw[column][0] + 2

    def test_the_correction_is_reproducible(self, recurring, corrected):
        assert estimate(recurring).version == corrected.version
