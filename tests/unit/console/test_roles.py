"""Who may do what: the four roles, their scope, and users that do not fit their role."""

from __future__ import annotations

import pytest

from console.roles import (EVERYWHERE, Permission, Principal, Role, UserSpecError, can, may_see_names, referral_agency, scope,
                           sees_province, validate_user)

NATIONAL = Principal("nat", Role.NATIONAL)
PROVINCIAL = Principal("prov", Role.PROVINCIAL, frozenset({"TH-57", "TH-10"}))
LIAISON = Principal("liaison", Role.LIAISON, agency="police")
AUDITOR = Principal("aud", Role.AUDITOR)


class TestPermissions:
    @pytest.mark.parametrize("principal", [NATIONAL, PROVINCIAL])
    def test_operators_read_cases_act_on_alerts_and_review_links(self, principal):
        for permission in (Permission.CASES_READ, Permission.ALERTS_READ, Permission.ALERTS_ACT,
                           Permission.LINKS_REVIEW, Permission.REFERRALS_READ):
            assert can(principal, permission)
        assert not can(principal, Permission.AUDIT_READ)

    def test_a_liaison_reads_referrals_only(self):
        assert [p for p in Permission if can(LIAISON, p)] == [Permission.REFERRALS_READ]

    def test_an_auditor_reads_the_audit_log_only(self):
        assert [p for p in Permission if can(AUDITOR, p)] == [Permission.AUDIT_READ]


class TestScope:
    def test_a_national_operator_sees_every_province(self):
        assert scope(NATIONAL) is EVERYWHERE

    def test_a_provincial_operator_sees_their_provinces_only(self):
        assert scope(PROVINCIAL) == {"TH-57", "TH-10"}

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
        assert may_see_names(NATIONAL) and may_see_names(PROVINCIAL)
        assert not may_see_names(LIAISON) and not may_see_names(AUDITOR)


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
            validate_user("liaison", Role.LIAISON, frozenset(), "navy")

    def test_only_a_liaison_has_an_agency(self):
        with pytest.raises(UserSpecError):
            validate_user("aud", Role.AUDITOR, frozenset(), "police")

    def test_a_user_name_is_a_plain_token(self):
        with pytest.raises(UserSpecError):
            validate_user("Bad Name<", Role.AUDITOR, frozenset(), None)

    def test_well_formed_users_pass(self):
        validate_user("somchai.k", Role.PROVINCIAL, frozenset({"TH-57", "TH-10"}), None)
        validate_user("liaison.police", Role.LIAISON, frozenset(), "police")
