"""Who may do what: the five roles, their scope, and users that do not fit their role."""

from __future__ import annotations

import pytest

from console.roles import (EVERYWHERE, Permission, Principal, Role, UserSpecError, can, may_decide_on, may_own,
                           may_see_names, referral_agency, scope, sees_province, validate_user)

NATIONAL = Principal("nat", Role.NATIONAL)
PROVINCIAL = Principal("prov", Role.PROVINCIAL, frozenset({"TH-57", "TH-10"}))
LIAISON = Principal("liaison", Role.LIAISON, frozenset({"TH-57"}), agency="police")
AUDITOR = Principal("aud", Role.AUDITOR)
TEAM_LEAD = Principal("lead57", Role.TEAM_LEAD, frozenset({"TH-57"}), agency="social")
OFFICER = Principal("officer57", Role.PROVINCIAL, frozenset({"TH-57"}), agency="social")


class TestPermissions:
    @pytest.mark.parametrize("principal", [NATIONAL, PROVINCIAL, TEAM_LEAD])
    def test_operators_read_cases_act_on_alerts_and_review_links(self, principal):
        for permission in (Permission.CASES_READ, Permission.ALERTS_READ, Permission.ALERTS_ACT,
                           Permission.LINKS_REVIEW, Permission.REFERRALS_READ):
            assert can(principal, permission)
        assert not can(principal, Permission.AUDIT_READ)

    def test_a_liaison_reads_referrals_only(self):
        assert [p for p in Permission if can(LIAISON, p)] == [Permission.REFERRALS_READ]

    def test_only_a_team_lead_assigns_owners_decides_status_and_closes_cases(self):
        desk = {Permission.CASES_ASSIGN, Permission.CASES_DECIDE, Permission.CASES_CLOSE}
        assert all(can(TEAM_LEAD, p) for p in desk)
        assert not any(can(who, p) for who in (NATIONAL, PROVINCIAL, OFFICER, LIAISON, AUDITOR) for p in desk)

    def test_an_auditor_reads_the_audit_log_only(self):
        assert [p for p in Permission if can(AUDITOR, p)] == [Permission.AUDIT_READ]


class TestScope:
    def test_a_national_operator_sees_every_province(self):
        assert scope(NATIONAL) is EVERYWHERE

    def test_a_provincial_operator_sees_their_provinces_only(self):
        assert scope(PROVINCIAL) == {"TH-57", "TH-10"}

    def test_a_liaison_and_a_team_lead_see_their_provinces_only(self):
        assert scope(LIAISON) == {"TH-57"} and scope(TEAM_LEAD) == {"TH-57"}

    def test_an_auditor_sees_no_province(self):
        assert scope(AUDITOR) == frozenset()

    def test_a_liaisons_referrals_are_narrowed_by_agency(self):
        assert referral_agency(LIAISON) == "police"
        assert referral_agency(NATIONAL) is None

    def test_a_live_alert_reaches_a_board_only_in_the_callers_provinces(self):
        assert sees_province(PROVINCIAL, "TH-57")
        assert not sees_province(PROVINCIAL, "TH-50")
        assert sees_province(NATIONAL, "TH-50")
        assert not sees_province(LIAISON, "TH-57")
        assert not sees_province(AUDITOR, "TH-57")

    def test_names_are_for_operators_only(self):
        assert may_see_names(NATIONAL) and may_see_names(PROVINCIAL) and may_see_names(TEAM_LEAD)
        assert not may_see_names(LIAISON) and not may_see_names(AUDITOR)


class TestTheDesk:
    def test_the_team_lead_decides_on_the_cases_led_in_their_provinces_only(self):
        assert may_decide_on(TEAM_LEAD, "TH-57") and not may_decide_on(TEAM_LEAD, "TH-50")
        assert not may_decide_on(NATIONAL, "TH-57") and not may_decide_on(OFFICER, "TH-57")

    def test_an_owner_is_a_psdhs_officer_of_the_lead_province(self):
        assert may_own(OFFICER, "TH-57") and may_own(TEAM_LEAD, "TH-57")
        assert not may_own(OFFICER, "TH-50")
        assert not may_own(Principal("police57", Role.PROVINCIAL, frozenset({"TH-57"}), agency="police"), "TH-57")
        assert not may_own(Principal("social.liaison", Role.LIAISON, frozenset({"TH-57"}), agency="social"), "TH-57")
        assert not may_own(PROVINCIAL, "TH-57")


class TestUserValidation:
    def test_a_provincial_operator_needs_a_province(self):
        with pytest.raises(UserSpecError, match="province"):
            validate_user("somchai", Role.PROVINCIAL, frozenset(), None)

    def test_a_province_must_be_an_iso_code(self):
        with pytest.raises(UserSpecError, match="ISO 3166-2:TH"):
            validate_user("somchai", Role.PROVINCIAL, frozenset({"Chiang Rai"}), None)

    def test_a_national_operator_has_no_provinces(self):
        with pytest.raises(UserSpecError):
            validate_user("nat", Role.NATIONAL, frozenset({"TH-57"}), None)

    def test_a_liaison_needs_a_known_agency(self):
        with pytest.raises(UserSpecError, match="agency"):
            validate_user("liaison", Role.LIAISON, frozenset({"TH-57"}), "navy")
        with pytest.raises(UserSpecError, match="agency"):
            validate_user("liaison", Role.LIAISON, frozenset({"TH-57"}), None)

    def test_a_liaison_is_scoped_to_provinces(self):
        with pytest.raises(UserSpecError, match="province"):
            validate_user("liaison", Role.LIAISON, frozenset(), "police")

    def test_a_team_lead_is_of_psdhs_with_provinces(self):
        with pytest.raises(UserSpecError, match="PSDHS"):
            validate_user("lead", Role.TEAM_LEAD, frozenset({"TH-57"}), "police")
        with pytest.raises(UserSpecError, match="province"):
            validate_user("lead", Role.TEAM_LEAD, frozenset(), "social")

    def test_neither_a_national_operator_nor_an_auditor_has_an_agency(self):
        with pytest.raises(UserSpecError):
            validate_user("aud", Role.AUDITOR, frozenset(), "police")
        with pytest.raises(UserSpecError):
            validate_user("nat", Role.NATIONAL, frozenset(), "social")

    def test_a_user_name_is_a_plain_token(self):
        with pytest.raises(UserSpecError):
            validate_user("Bad Name<", Role.AUDITOR, frozenset(), None)

    def test_well_formed_users_pass(self):
        validate_user("somchai.k", Role.PROVINCIAL, frozenset({"TH-57", "TH-10"}), None)
        validate_user("liaison.police", Role.LIAISON, frozenset({"TH-57"}), "police")
        validate_user("lead57", Role.TEAM_LEAD, frozenset({"TH-57"}), "social")
        validate_user("officer57", Role.PROVINCIAL, frozenset({"TH-57"}), "social")
