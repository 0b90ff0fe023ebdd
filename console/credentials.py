"""Passwords and API tokens: what is stored, and how a presented secret is checked.

Passwords: scrypt from hashlib (memory-hard, no extra dependency), parameters stored with the
hash so that they can be raised later without invalidating old hashes. API tokens are 256 random
bits, so a plain SHA-256 of the secret is enough to store (no dictionary to attack); the token
carries its id so that lookup needs no scan. Comparisons are constant-time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

__all__ = ["hash_password", "verify_password", "new_token", "parse_token", "token_digest", "IssuedToken",
           "new_secret", "DUMMY_HASH"]

# n=2**15, r=8, p=1: 32 MiB and ~50 ms per check on one core; OWASP's minimum is n=2**17 with r=8,
# p=1 *or* equivalent cost trade-offs; 2**15 keeps sign-in usable on the 2-core demo machine.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
_MAXMEM = 64 * 1024 * 1024
TOKEN_PREFIX = "spl"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, *, salt: bytes | None = None, n: int = SCRYPT_N) -> str:
    """``scrypt$n$r$p$salt$hash``: self-describing, so verify needs nothing else."""
    if not password:
        raise ValueError("empty password")
    salt = salt if salt is not None else secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode(), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P, maxmem=_MAXMEM, dklen=32)
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p),
                             maxmem=_MAXMEM, dklen=len(_unb64(key)))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, _unb64(key))


# Checked against when the user does not exist, so that an unknown name costs as long as a wrong password.
DUMMY_HASH = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"


@dataclass(frozen=True)
class IssuedToken:
    token_id: str
    token: str          # shown once to the user, never stored
    digest: str         # what is stored


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token() -> IssuedToken:
    """``spl_<id>_<secret>``: the id finds the row, the secret's digest is compared."""
    token_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    return IssuedToken(token_id, f"{TOKEN_PREFIX}_{token_id}_{secret}", token_digest(secret))


def parse_token(token: str) -> tuple[str, str] | None:
    """(token id, secret) of a presented token, None when it does not look like one of ours."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(parts[1]) != 12 or len(parts[2]) < 32:
        return None
    return parts[1], parts[2]


def new_secret() -> str:
    """A session id or CSRF token: 256 bits from the OS generator."""
    return secrets.token_urlsafe(32)
