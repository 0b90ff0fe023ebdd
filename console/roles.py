"""Who may do what: the four roles of the console and the API, as pure decisions.

Deny by default (the X-Road model in DOMAIN.md): a permission not listed for a role is refused,
and every read of case data is narrowed to the caller's provinces on the server, for pages and API
alike. A provincial operator's scope is the set of their provinces; a national operator's is
`ALL_PROVINCES`, passed explicitly, never a default. Nothing here touches SQL, HTTP or the clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from schemas.catalogue import load_catalogue

__all__ = ["EVERYWHERE", "Everywhere", "Scope", "Role", "Permission", "Principal", "UserSpecError", "PERMISSIONS", "validate_user", "can",
           "scope", "referral_agency", "sees_province", "may_see_names", "may_decide_on", "may_own", "AGENCIES",
           "DESK_AGENCY"]

AGENCIES = load_catalogue().agencies   # the catalogue names them once
DESK_AGENCY = "social"
"""PSDHS (the Provincial Office of Social Development and Human Security): it leads the provincial
MDT, so its team lead decides on a province's cases and only its officers own one (issue 13)."""
_PROVINCE = re.compile(r"^TH-(?:[0-9]{2}|S)$")


class Everywhere:
    """Every province: a national operator's scope. The shell turns it into the views'
    `ALL_PROVINCES` (this module stays free of SQL imports)."""

    def __repr__(self) -> str:
        return "EVERYWHERE"


EVERYWHERE = Everywhere()
Scope = frozenset[str] | Everywhere


class Role(str, Enum):
    """The console's roles (issue 5): what a user is there for."""

    NATIONAL = "national"        # national operator: every province
    PROVINCIAL = "provincial"    # provincial operator: one or more provinces, maybe of an agency
    TEAM_LEAD = "team_lead"      # PSDHS team lead of one or more provinces: decides on their cases
    LIAISON = "liaison"          # agency liaison: the referrals addressed to their agency in their provinces
    AUDITOR = "auditor"          # the audit log, and nothing of the cases themselves


class Permission(str, Enum):
    CASES_READ = "cases.read"
    ALERTS_READ = "alerts.read"
    ALERTS_ACT = "alerts.act"
    LINKS_REVIEW = "links.review"
    REFERRALS_READ = "referrals.read"
    AUDIT_READ = "audit.read"
    CASES_ASSIGN = "cases.assign"        # make a PSDHS officer the case's owner
    CASES_DECIDE = "cases.decide"        # record a trafficking-status decision (MDT screening, court)
    CASES_CLOSE = "cases.close"


_OPERATOR = frozenset({Permission.CASES_READ, Permission.ALERTS_READ, Permission.ALERTS_ACT,
                       Permission.LINKS_REVIEW, Permission.REFERRALS_READ})
DESK = frozenset({Permission.CASES_ASSIGN, Permission.CASES_DECIDE, Permission.CASES_CLOSE})
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.NATIONAL: _OPERATOR,
    Role.PROVINCIAL: _OPERATOR,
    Role.TEAM_LEAD: _OPERATOR | DESK,
    Role.LIAISON: frozenset({Permission.REFERRALS_READ}),
    Role.AUDITOR: frozenset({Permission.AUDIT_READ}),
}


class UserSpecError(ValueError):
    """A user's role, provinces and agency do not fit together; the message says why."""


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: a person signed in, or a machine client with an API token."""

    name: str
    role: Role
    provinces: frozenset[str] = frozenset()
    agency: str | None = None
    via_token: bool = False


def validate_user(name: str, role: Role, provinces: frozenset[str], agency: str | None) -> None:
    """Refuse a user that would get more, or less, than their role means: a provincial operator,
    a team lead or a liaison without a province, a national operator or an auditor tied to
    provinces or an agency, a liaison without an agency, a team lead not of PSDHS. Raised when the
    user is created, not when they first sign in."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9._@-]{1,63}", name):
        raise UserSpecError(f"user name {name!r}: 2-64 characters a-z 0-9 . _ @ -, starting with a letter or digit")
    bad = sorted(p for p in provinces if not _PROVINCE.match(p))
    if bad:
        raise UserSpecError(f"not ISO 3166-2:TH province codes: {', '.join(bad)} (e.g. TH-57)")
    provincial = role in (Role.PROVINCIAL, Role.TEAM_LEAD, Role.LIAISON)
    if provincial and not provinces:
        raise UserSpecError(f"a {role.value} user needs at least one --province")
    if not provincial and provinces:
        raise UserSpecError(f"a {role.value} user has no provinces (national: all of them; auditor: none)")
    if agency is not None and agency not in AGENCIES:
        raise UserSpecError(f"unknown agency {agency!r}: one of {', '.join(AGENCIES)}")
    if role is Role.LIAISON and agency is None:
        raise UserSpecError(f"an agency liaison needs --agency, one of {', '.join(AGENCIES)}")
    if role is Role.TEAM_LEAD and agency != DESK_AGENCY:
        raise UserSpecError(f"a team lead is of PSDHS: --agency {DESK_AGENCY}")
    if not provincial and agency is not None:
        raise UserSpecError(f"a {role.value} user has no agency")


def can(principal: Principal, permission: Permission) -> bool:
    return permission in PERMISSIONS.get(principal.role, frozenset())


def scope(principal: Principal) -> Scope:
    """The provinces whose cases, alerts and referrals the caller may read: `EVERYWHERE` for a
    national operator, their own for a provincial operator, a team lead and an agency liaison
    (whose referrals are narrowed by agency too), none for an auditor."""
    if principal.role is Role.NATIONAL:
        return EVERYWHERE
    if principal.role in (Role.PROVINCIAL, Role.TEAM_LEAD, Role.LIAISON):
        return principal.provinces
    return frozenset()


def referral_agency(principal: Principal) -> str | None:
    """The agency a liaison's referral reads are narrowed to (None: no narrowing by agency)."""
    return principal.agency if principal.role is Role.LIAISON else None


def sees_province(principal: Principal, province: str) -> bool:
    """Whether a live alert of ``province`` goes to this caller's board."""
    if not can(principal, Permission.ALERTS_READ):
        return False
    return principal.role is Role.NATIONAL or province in principal.provinces


def may_see_names(principal: Principal) -> bool:
    """Names of persons are for the operators who act on the case; others see pseudonyms only."""
    return principal.role in (Role.NATIONAL, Role.PROVINCIAL, Role.TEAM_LEAD)


def may_decide_on(principal: Principal, lead_province: str) -> bool:
    """Whether the caller is a team lead of the case's lead province (issue 13): assigns its owner,
    records its status decisions, closes it. Touching the province is not enough: one team leads."""
    return (principal.role is Role.TEAM_LEAD and principal.agency == DESK_AGENCY
            and lead_province in principal.provinces)


def may_own(user: Principal, lead_province: str) -> bool:
    """Whether `user` may own a case led in `lead_province`: a PSDHS officer of it (a provincial
    operator of PSDHS, or its team lead)."""
    return (user.role in (Role.PROVINCIAL, Role.TEAM_LEAD) and user.agency == DESK_AGENCY
            and lead_province in user.provinces)
