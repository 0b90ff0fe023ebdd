"""Hub keys of organisations, vessels and premises.

- a vessel with a Marine Department registration: ``vessel:<registration>`` (upper case, no spaces);
- an organisation with a juristic or business registration number: ``org:<number>`` whatever its
  kind, so that the company a labour inspector records as an employer and the police record as the
  premises is one key (digits only when the number has digits);
- otherwise ``<kind>:<province>:<name>``, the name folded (case, spaces, punctuation): a key by
  name, which never joins cases (names are spelt too many ways) but feeds the hotspot rule.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import NamedTuple

from streams.events import EventOrganisation

__all__ = ["OrgKey", "org_key", "fold_name", "vessel_key", "name_keys"]


class OrgKey(NamedTuple):
    key: str
    kind: str
    name: str
    registered: bool
    province: str | None = None       # the organisation's province as recorded, if any


@functools.lru_cache(maxsize=1 << 14)
def fold_name(name: str) -> str:
    """Name folded for a key: case-folded, letters/marks/digits kept, every other run a hyphen.
    Memoised (bounded): the fold folds the names of a case's organisations at every event."""
    out: list[str] = []
    dash = False
    for char in unicodedata.normalize("NFC", name.casefold()):
        if unicodedata.category(char)[0] in "LMN":
            out.append(char)
            dash = False
        elif out and not dash:
            out.append("-")
            dash = True
    return "".join(out).strip("-")


def _compact(value: str | None) -> str:
    return "".join((value or "").split()).upper()


def org_key(org: EventOrganisation, event_province: str) -> OrgKey | None:
    """The hub key of one envelope organisation; None when it has neither registration nor name."""
    kind, name = org.kind, org.name.strip()
    vessel = _compact(org.vessel_registration)
    recorded = org.province or None
    if vessel:
        return OrgKey(f"vessel:{vessel}", kind, name, True, recorded)
    registration = _compact(org.registration_number)
    if registration:
        digits = "".join(c for c in registration if c.isdigit())
        return OrgKey(f"org:{digits or registration}", kind, name, True, recorded)
    folded = fold_name(name)
    if not folded:
        return None
    province = (org.province or event_province or "").lower()
    return OrgKey(f"{kind.lower()}:{province}:{folded}", kind, name, False, recorded)


KINDS = ("Employer", "Vessel", "Premises", "Recruiter", "Other")    # sanpalang.common.OrganisationKind


def name_keys(province: str, folded: str) -> tuple[str, ...]:
    """The keys an organisation of this folded name in this province has when recorded by name only,
    of any kind (the police may record as premises what labour records as the employer)."""
    return tuple(f"{kind.lower()}:{province.lower()}:{folded}" for kind in KINDS)


def vessel_key(registration: str) -> str:
    """Key of a vessel named by its registration in event details (PIPO reports)."""
    return f"vessel:{_compact(registration)}"
