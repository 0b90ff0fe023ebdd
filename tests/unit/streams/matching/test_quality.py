"""Behaviour on generated data: the matcher finds the duplicates (a floor, not a benchmark)."""

from streams.matching import DecisionKind, Matcher, estimate_parameters, pairwise_scores, parse_spec
from streams.matching.persons import person_record, persons_spec
from streams.matching.synthetic import agency_persons, febrl_like

FEBRL_SPEC = parse_spec("""
[fields]
given_name = { kind = "name", swap_with = "surname" }
surname = "name"
date_of_birth = { kind = "date", format = "%Y%m%d" }
soc_sec_id = "identifier"
street_number = "categorical"
address_1 = "text"
suburb = "text"
postcode = "postcode"
state = "categorical"

[blocking]
keys = [["given_name", "surname"], ["date_of_birth"], ["soc_sec_id"], ["postcode"]]
""")


def run(spec, records, truth, seed=3):
    params = estimate_parameters(spec, records, seed=seed, u_pairs=30_000, em_pairs=30_000)
    matcher = Matcher(spec, params)
    decisions = [matcher.add(record) for record in records]
    return pairwise_scores(matcher.cluster_roots(), truth), decisions


class TestFebrlLikeData:
    def test_links_corrupted_duplicates_with_f1_above_the_floor(self):
        data = list(febrl_like(1000, 1000, seed=11))
        scores, _ = run(FEBRL_SPEC, [row for _, row in data], [number for number, _ in data])
        assert scores.f1 >= 0.98, scores
        assert scores.precision >= 0.98, scores


class TestAgencyPersons:
    def test_persons_from_events_are_linked_across_agencies(self):
        data = list(agency_persons(500, 1000, seed=5))
        records = [person_record(person, occurred_at=on) for _, person, on in data]
        scores, decisions = run(persons_spec(), records, [number for number, _, _ in data])
        assert scores.precision >= 0.97, scores
        assert scores.recall >= 0.7, scores
        assert any(d.kind is DecisionKind.POSSIBLE for d in decisions)
