"""Deterministic ids: a replay of the same events gives the same case, alert and referral ids.

Every id is a UUIDv5 in one namespace of the hub, over a short readable name.

The rules ask for the id of the same (rule, case, subject) at every evaluation of a case, so alert
and referral ids are memoised (bounded); a case id is asked for once or twice per event, so it is
not. `_uuid5` is `str(uuid.uuid5(HUB_NAMESPACE, name))` without the `UUID` object in between
(RFC 4122 section 4.3: SHA-1 of namespace + name, version 5, variant RFC 4122).
"""

from __future__ import annotations

import functools
import hashlib
import re
import uuid

__all__ = ["HUB_NAMESPACE", "case_id_for", "alert_id_for", "referral_id_for", "case_number", "number_key",
           "parse_case_number", "BE_OFFSET"]

BE_OFFSET = 543
_NUMBER = re.compile(r"^(?:TH)?-?([0-9]{2})[-/]?([0-9]{4})[-/]([0-9]{1,6})$")

HUB_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://sanpalang.example/hub")
"""The namespace of every hub id (fixed forever: changing it changes every id)."""
_NAMESPACE_BYTES = HUB_NAMESPACE.bytes


def _uuid5(name: str) -> str:
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name.encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50        # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80        # variant RFC 4122
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def case_id_for(first_event_id: str) -> str:
    """Id of the case opened by the event `first_event_id`."""
    return _uuid5(f"case:{first_event_id}")


def number_key(province: str, be_year: int) -> str:
    """The counter a case number's sequence is drawn from: one per province and B.E. year."""
    return f"{province}|{be_year}"


def case_number(province: str, be_year: int, sequence: int) -> str:
    """The number people say on the phone, `TH57-2569-0042`: the province's ISO 3166-2:TH code, the
    Buddhist-Era year the case opened in, the case's place in that province's year (the order the
    worker folded the cases in, which the lane fixes: a replay or a restart numbers them alike)."""
    return f"{province.replace('-', '')}-{be_year}-{sequence:04d}"


def parse_case_number(text: str | None) -> str | None:
    """A case number as written (`th57-2569-42`, `57/2569/0042`) in its canonical form, or None."""
    found = _NUMBER.match((text or "").strip().upper().replace(" ", ""))
    if not found:
        return None
    return case_number(f"TH-{found.group(1)}", int(found.group(2)), int(found.group(3)))


@functools.lru_cache(maxsize=1 << 15)
def alert_id_for(rule_key: str, case_id: str | None, subject: str) -> str:
    """Id of the one alert of `rule_key` on (case, subject); `case_id` None for cross-case alerts."""
    return _uuid5(f"alert:{rule_key}:{case_id or '-'}:{subject}")


@functools.lru_cache(maxsize=1 << 14)
def referral_id_for(trigger: str, case_id: str, to_agency: str, subject: str) -> str:
    """Id of the one referral of `trigger` (rule key or stage) to `to_agency` on (case, subject)."""
    return _uuid5(f"referral:{trigger}:{case_id}:{to_agency}:{subject}")
