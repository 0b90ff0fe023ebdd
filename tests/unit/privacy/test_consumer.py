"""What the consumer principal sees: tokens for identifiers, no names, and a check that fails closed."""

from __future__ import annotations

import os
import stat

import pytest

import schemas
from runtime.settings import Settings
from streams.privacy import PrivacyError, consumer_message, for_consumer, is_token, leaks, pseudonym
from streams.privacy.consumer import COARSE_STAGES, WITHHELD_RULES, shown, to_day
from streams.worker.keyfile import pseudonym_key

KEY = b"k" * 32
OTHER_KEY = b"o" * 32
CASE, ALERT, AGGREGATE = "sanpalang.hub.CaseView", "sanpalang.hub.Alert", "sanpalang.hub.Aggregate"


def case_view() -> dict:
    return schemas.example(CASE)


def alert(**changes) -> dict:
    return {**schemas.example(ALERT), **changes}


class TestPseudonyms:
    def test_the_same_id_gives_the_same_token_so_consumers_can_follow_a_person(self):
        assert pseudonym(KEY, "person", "prs_4f9a1c2e7b") == pseudonym(KEY, "person", "prs_4f9a1c2e7b")

    def test_another_key_gives_another_token(self):
        assert pseudonym(KEY, "person", "prs_4f9a1c2e7b") != pseudonym(OTHER_KEY, "person", "prs_4f9a1c2e7b")

    def test_domains_keep_equal_strings_of_different_kinds_apart(self):
        assert pseudonym(KEY, "person", "x")[-32:] != pseudonym(KEY, "org", "x")[-32:]

    def test_tokens_name_their_domain_and_carry_128_bits(self):
        token = pseudonym(KEY, "org", "org:0105556123456")
        assert is_token(token, "org") and not is_token(token, "person") and len(token) == len("org-") + 32

    def test_a_short_key_is_refused(self):
        with pytest.raises(PrivacyError, match="at least 32 bytes"):
            pseudonym(b"short", "person", "prs_1")


class TestCaseViewForConsumers:
    def test_the_raw_example_leaks_names_and_identifiers(self):
        found = "\n".join(leaks(CASE, case_view()))
        for field in ("case_id", "persons[0].person_id", "organisations[0].org_key", "organisations[0].name",
                      "agency_case_refs[0].ref", "timeline[0].event_id", "open_alert_ids[0]"):
            assert field in found

    def test_replaces_every_identifier_by_a_token_and_drops_organisation_names(self):
        out = for_consumer(CASE, case_view(), KEY)
        assert leaks(CASE, out) == []
        assert out["organisations"][0]["name"] == "" and out["organisations"][0]["kind"] == "Premises"
        assert "ปคม" not in repr(out) and "karaoke" not in repr(out)

    def test_keeps_what_reporting_needs(self):
        original, out = case_view(), for_consumer(CASE, case_view(), KEY)
        for field in ("lead_province", "provinces", "stage", "status"):
            assert out[field] == original[field]
        for field in ("opened_at", "updated_at"):
            assert out[field] == to_day(original[field])
        assert [(d["rule"], d["due_at"]) for d in out["deadlines"]] == \
            [(d["rule"], to_day(d["due_at"])) for d in original["deadlines"]]
        assert [(p["roles"], p["trafficking_status"]) for p in out["persons"]] == \
            [(p["roles"], p["trafficking_status"]) for p in original["persons"]]


class TestConsumerRecordsCannotPointAtAPerson:
    """Issue 11, item 7: a neighbour who saw the raid cannot find the record by its time and kind."""

    def test_times_are_cut_to_the_day(self):
        out = for_consumer(CASE, case_view(), KEY)
        times = [out["opened_at"], out["updated_at"], *(e["occurred_at"] for e in out["timeline"]),
                 *(d["due_at"] for d in out["deadlines"])]
        assert all((t.hour, t.minute, t.second, t.microsecond) == (0, 0, 0, 0) for t in times)
        a = for_consumer(ALERT, alert(), KEY)
        assert (a["raised_at"].hour, a["raised_at"].minute) == (0, 0)

    def test_custody_detention_and_deportation_are_one_coarse_stage(self):
        record = case_view()
        kinds = ("CustodyStarted", "DetentionAdmitted", "DeportationExecuted", "RescueConducted")
        record["timeline"] = [{**record["timeline"][0], "event_type": kind} for kind in kinds]
        assert {e["event_type"] for e in for_consumer(CASE, record, KEY)["timeline"]} == {"Enforcement"}
        assert COARSE_STAGES["MdtScreeningCompleted"] == "Screening"

    def test_an_unknown_event_type_is_other(self):
        record = case_view()
        record["timeline"][0]["event_type"] = "SomethingNew"
        assert for_consumer(CASE, record, KEY)["timeline"][0]["event_type"] == "Other"

    def test_no_nationality_or_minor_flag_per_person(self):
        out = for_consumer(CASE, case_view(), KEY)
        assert all(p["nationality"] is None and p["is_minor"] is None for p in out["persons"])

    def test_a_record_that_is_not_coarse_fails_closed(self):
        out = for_consumer(CASE, case_view(), KEY)
        out["persons"][0]["nationality"] = "MMR"
        out["timeline"][0]["event_type"] = "CustodyStarted"
        found = "\n".join(leaks(CASE, out))
        assert "persons[0].nationality" in found and "timeline[0].event_type" in found

    def test_a_person_who_withdrew_consent_is_left_out_and_their_alerts_name_nobody(self):
        original = case_view()
        gone = original["persons"][0]["person_id"]
        out = for_consumer(CASE, original, KEY, withdrawn={gone})
        assert pseudonym(KEY, "person", gone) not in repr(out) and len(out["persons"]) == len(original["persons"]) - 1
        about = for_consumer(ALERT, alert(subject=gone), KEY, withdrawn={gone})
        assert about["subject"] == for_consumer(ALERT, alert(subject="prs_other"), KEY, withdrawn={"prs_other"})["subject"]
        assert leaks(ALERT, about) == []

    def test_the_result_still_fits_the_case_view_schema(self):
        out = for_consumer(CASE, case_view(), KEY)
        assert schemas.decode(schemas.encode(CASE, out))[1]["case_id"] == out["case_id"]

    def test_a_field_added_to_the_schema_later_is_refused_until_reviewed(self):
        record = {**case_view(), "names": ["Somchai"]}
        with pytest.raises(PrivacyError, match="names: field not reviewed"):
            for_consumer(CASE, record, KEY)


class TestAlertForConsumers:
    def test_ids_are_tokens_that_match_the_case_view_tokens(self):
        view, out = for_consumer(CASE, case_view(), KEY), for_consumer(ALERT, alert(), KEY)
        assert out["case_id"] == view["case_id"]
        assert out["subject"] == view["persons"][0]["person_id"]
        assert for_consumer(ALERT, alert(alert_id="alr_0003_case_57_2568_0001"), KEY)["alert_id"] == view["open_alert_ids"][0]

    def test_an_organisation_subject_gets_the_organisation_token(self):
        out = for_consumer(ALERT, alert(subject="org:0105556123456", rule_number=8, rule_key="multi-agency-hotspot",
                                        case_id=None), KEY)
        assert out["subject"] == pseudonym(KEY, "org", "org:0105556123456") and out["case_id"] is None

    @pytest.mark.parametrize("rule", [1, 4, 5, 13])
    def test_an_alert_that_alone_says_a_person_was_held_is_a_minor_or_was_charged_is_not_shown(self, rule):
        assert not shown(ALERT, alert(rule_number=rule)) and rule in WITHHELD_RULES

    @pytest.mark.parametrize("rule", [2, 3, 8, 12])
    def test_other_alerts_and_every_case_view_are_shown(self, rule):
        assert shown(ALERT, alert(rule_number=rule)) and shown(CASE, case_view())

    def test_the_operators_message_is_replaced_as_it_may_name_an_employer(self):
        raw = alert(message="ร้านคาราโอเกะ ดาวเหนือ flagged by police, labour")
        out = for_consumer(ALERT, raw, KEY)
        assert out["message"] == consumer_message(raw) and "ดาวเหนือ" not in out["message"]
        assert "message: operators' free text" in "\n".join(leaks(ALERT, raw))


class TestOtherSchemas:
    def test_a_k_anonymous_aggregate_passes_unchanged(self):
        record = schemas.example(AGGREGATE)
        assert for_consumer(AGGREGATE, record, KEY) == record

    def test_an_aggregate_with_a_cell_under_k_is_refused(self):
        record = schemas.example(AGGREGATE)
        record["cells"][0]["count"] = 3
        with pytest.raises(PrivacyError, match=r"cells\[0\]: 3 persons"):
            for_consumer(AGGREGATE, record, KEY)

    @pytest.mark.parametrize("name", ["sanpalang.hub.PersonLink", "sanpalang.police.RescueConducted"])
    def test_records_not_meant_for_consumers_are_refused(self, name):
        with pytest.raises(PrivacyError, match="not meant for consumers"):
            for_consumer(name, schemas.example(name), KEY)


class TestPseudonymKey:
    def test_a_configured_key_is_used_as_is(self, tmp_path):
        assert pseudonym_key(Settings(home=tmp_path, pseudonym_key="x" * 40)) == b"x" * 40

    def test_a_configured_key_shorter_than_32_bytes_is_refused(self, tmp_path):
        with pytest.raises(PrivacyError, match="SANPALANG_PSEUDONYM_KEY"):
            pseudonym_key(Settings(home=tmp_path, pseudonym_key="short"))

    def test_without_one_a_key_is_generated_once_and_kept_private(self, tmp_path):
        first = pseudonym_key(Settings(home=tmp_path))
        assert pseudonym_key(Settings(home=tmp_path)) == first and len(first) >= 32
        assert stat.S_IMODE(os.stat(tmp_path / "pseudonym.key").st_mode) == 0o600
        assert sorted(p.name for p in tmp_path.iterdir()) == ["pseudonym.key"]


def test_is_token_checks_the_domain_and_the_digits_whatever_it_remembered():
    from streams.privacy.tokens import is_token, pseudonym

    token = pseudonym(b"k" * 32, "person", "p1")
    for _ in range(2):                               # the second round answers from the memo
        assert is_token(token) and is_token(token, "person")
        assert not is_token(token, "org") and not is_token(token, "per") and not is_token(token, "")
        assert not is_token("person-" + "A" * 32) and not is_token(token[:-1]) and not is_token("case-x")
        assert not is_token(None) and not is_token(7) and not is_token(["person-" + "0" * 32])
