"""The console words an alert's facts in the operator's language, and labels every contract value."""

from datetime import datetime, timezone

import pytest

import schemas
from console.labels import LABELS, REFERRAL_TEXT, RULES, SHOWN_ENUMS, rule_title
from console.wording import alert_message, cleared_note
from streams.rules.catalogue import RULES as RULE_SPECS

CUSTODY = {"rule_key": "custody-s29-deadline", "state": "Firing", "message": "s.29 custody deadline: held since ...",
           "facts": {"what": "custody", "since": "2025-03-01T16:00:00Z", "missing": "screening-outcome"}}


def enum_symbols(full_name: str) -> list[str]:
    return schemas.default_registry.require(full_name)["symbols"]


class TestTheLabelCatalogue:
    @pytest.mark.parametrize("kind", sorted(SHOWN_ENUMS))
    def test_every_symbol_of_a_shown_enum_has_an_english_and_a_thai_label(self, kind):
        labels = LABELS[kind]
        assert [s for s in enum_symbols(SHOWN_ENUMS[kind]) if s not in labels or not all(labels[s])] == []

    def test_every_rule_has_its_number_and_both_titles(self):
        assert {spec.key: spec.number for spec in RULE_SPECS} == {key: number for key, (number, _, _) in RULES.items()}

    def test_a_rule_is_shown_by_number_and_title(self):
        assert rule_title("victim-treated-as-offender", "en") == "Rule 13 · Victim treated as offender"
        assert rule_title("absconded-unscreened", "th") == "กฎข้อ 14 · ออกจากสถานคุ้มครองก่อนได้รับการคัดแยก"

    def test_every_referral_text_the_hub_sends_reads_in_thai_too(self):
        from streams.referrals import STAGE_REFERRALS
        texts = {t for spec in RULE_SPECS for clock in spec.clocks.values() if clock.referral
                 for t in (clock.referral.reason, clock.referral.requested_action)}
        texts |= {t for _, _, *pair in STAGE_REFERRALS.values() for t in pair}
        assert sorted(texts - set(REFERRAL_TEXT)) == []

    def test_a_victim_of_trafficking_is_written_as_msdhs_writes_it(self):
        assert LABELS["trafficking_status"]["ActualVictimOfTrafficking"][1] == "ผู้เสียหายจากการค้ามนุษย์"


class TestAlertMessages:
    def test_thai_reads_the_facts_with_a_buddhist_era_date(self):
        assert alert_message(CUSTODY, "th") == ('ถูกควบคุมตัวตามมาตรา 29 ตั้งแต่ <time datetime="2025-03-01T16:00:00Z">'
                                                '1 มี.ค. 2568 23:00</time> ยังไม่มีผลการคัดแยกโดยทีมสหวิชาชีพ')

    def test_english_reads_the_same_facts(self):
        assert alert_message(CUSTODY, "en") == ('Held in s.29 custody since <time datetime="2025-03-01T16:00:00Z">'
                                                '1 Mar 2025 23:00</time>; no MDT screening outcome yet.')

    def test_a_resolved_alert_no_longer_says_what_is_missing_and_says_what_cleared_it(self):
        done = {**CUSTODY, "state": "Resolved", "resolution": "auto",
                "facts": {**CUSTODY["facts"], "cleared_by": "custody-ended"}}
        assert "ยังไม่มี" not in alert_message(done, "th")
        assert cleared_note(done, "th") == "สิ้นสุดการควบคุมตัวแล้ว"
        assert cleared_note(done, "en") == "custody ended"

    def test_a_merged_alert_points_at_the_alert_it_goes_on_as(self):
        merged = {**CUSTODY, "state": "Resolved", "resolution": "merged", "facts": {"successor": "alr_2"}}
        assert cleared_note(merged, "en") == 'Merged: it goes on as alert <code translate="no">alr_2</code>'

    def test_an_operators_resolution_says_so(self):
        assert cleared_note({**CUSTODY, "state": "Resolved", "resolution": "operator"}, "th") == "ผู้ปฏิบัติงานปิดการแจ้งเตือน"

    def test_names_in_the_facts_are_escaped_and_not_translated(self):
        hotspot = {"state": "Firing", "facts": {"what": "hotspot", "org": "<b>Dao Nuea</b>", "org_kind": "Premises",
                                                "agencies": "labour,police", "since": "2025-03-01T16:00:00Z"}}
        assert alert_message(hotspot, "th") == ('สถานประกอบการ <span class="names" translate="no">&lt;b&gt;Dao Nuea&lt;/b&gt;'
                                                '</span> ถูกพบโดยหลายหน่วยงาน: แรงงาน, ตำรวจ')

    def test_an_alert_without_facts_shows_its_english_message(self):
        assert alert_message({"message": "Old & plain.", "facts": {}}, "th") == '<span lang="en">Old &amp; plain.</span>'

    def test_a_cleared_time_is_dated_in_the_operators_calendar(self):
        at = datetime(2025, 3, 1, 16, tzinfo=timezone.utc)
        assert "2568" in alert_message({**CUSTODY, "facts": {**CUSTODY["facts"], "since": at.isoformat()}}, "th")


class TestEveryAlertOfTheScenario:
    def test_reads_in_thai_from_its_facts_never_falling_back_to_the_english_message(self, lifecycle_publications):
        """The seed-7 feed (with its lifecycle events) through the correlator: every alert the rules
        raise or clear is worded from its facts, in both languages."""
        from streams.worker.correlator import ALERTS_TOPIC, Correlator
        from streams.worker.lane import FLUSH, feed
        correlator = Correlator()
        alerts = [o.record for p in [*(p.value for p in lifecycle_publications), FLUSH]
                  for o in feed(correlator, p) if o.topic == ALERTS_TOPIC]
        assert {a["rule_key"] for a in alerts} >= {"custody-s29-deadline", "nrm-reflection-overrun", "multi-agency-hotspot"}
        for lang in ("th", "en"):
            fallen = [a["rule_key"] for a in alerts if 'lang="en"' in alert_message(a, lang) + cleared_note(a, lang)]
            assert fallen == []
