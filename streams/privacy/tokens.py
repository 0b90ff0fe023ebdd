"""Keyed pseudonyms: HMAC-SHA256 tokens that stand for an identifier on consumer topics.

Why keyed: the hub's own ids are unkeyed hashes (UUIDv5 of a source record id, blake2b of a
counter), so anyone who knows or guesses the input can recompute them and link a consumer's record
back to an agency record. An HMAC token can only be recomputed with the key, which never leaves the
hub; the same input gives the same token, so consumers can still follow a person, an organisation
or a case across records and topics. Each kind of identifier has its own domain, so a person id and
an organisation key that happen to be equal never share a token. Pure.
"""

from __future__ import annotations

import functools
import hmac
import re
import unicodedata

__all__ = ["DOMAINS", "MIN_KEY_BYTES", "TOKEN_PATTERN", "PrivacyError", "check_key", "is_token", "pseudonym"]

MIN_KEY_BYTES = 32
"""An HMAC-SHA256 key shorter than the hash gives less than its strength."""

DOMAINS = ("person", "org", "case", "alert", "event", "ref")
TOKEN_PATTERN = re.compile(rf"^(?:{'|'.join(DOMAINS)})-[0-9a-f]{{32}}$")
"""``<domain>-<32 hex digits>``: the first 128 bits of HMAC-SHA256(key, domain 0x1F value)."""


class PrivacyError(ValueError):
    """A record that would leak a name or a raw identifier, or a key too weak to pseudonymise with."""


def check_key(key: bytes) -> bytes:
    if not isinstance(key, (bytes, bytearray)) or len(key) < MIN_KEY_BYTES:
        raise PrivacyError(f"the pseudonym key must be at least {MIN_KEY_BYTES} bytes "
                           "(SANPALANG_PSEUDONYM_KEY: 32 characters or more)")
    return bytes(key)


@functools.lru_cache(maxsize=1 << 16)
def pseudonym(key: bytes, domain: str, value: str) -> str:
    """The token of ``value`` (NFC-normalised) in ``domain``, e.g. ``person-5f0c...``. Memoised:
    every version of a case view carries the same ids again."""
    if domain not in DOMAINS:
        raise PrivacyError(f"unknown token domain {domain!r}; use one of {', '.join(DOMAINS)}")
    message = f"{domain}\x1f{unicodedata.normalize('NFC', value)}".encode("utf-8")
    return f"{domain}-{hmac.digest(check_key(key), message, 'sha256').hex()[:32]}"   # one-shot C HMAC


@functools.lru_cache(maxsize=1 << 16)
def _token_domain(value: str) -> str | None:
    """The domain of a token string, None for anything else. Memoised: the consumer check meets the
    same tokens in every version of a case view."""
    return value.partition("-")[0] if TOKEN_PATTERN.match(value) is not None else None


def is_token(value: object, domain: str | None = None) -> bool:
    """True for a pseudonym token (of ``domain``, when given)."""
    if not isinstance(value, str):
        return False
    found = _token_domain(value)
    return found is not None and (domain is None or found == domain)
