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
import uuid

__all__ = ["HUB_NAMESPACE", "case_id_for", "alert_id_for", "referral_id_for"]

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


@functools.lru_cache(maxsize=1 << 15)
def alert_id_for(rule_key: str, case_id: str | None, subject: str) -> str:
    """Id of the one alert of `rule_key` on (case, subject); `case_id` None for cross-case alerts."""
    return _uuid5(f"alert:{rule_key}:{case_id or '-'}:{subject}")


@functools.lru_cache(maxsize=1 << 14)
def referral_id_for(trigger: str, case_id: str, to_agency: str, subject: str) -> str:
    """Id of the one referral of `trigger` (rule key or stage) to `to_agency` on (case, subject)."""
    return _uuid5(f"referral:{trigger}:{case_id}:{to_agency}:{subject}")
