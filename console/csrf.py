"""CSRF: which requests must carry a token, and whether the one they carry is right.

Synchroniser token: each session has a random CSRF token, rendered into every form and read by
the JavaScript from a meta tag for XHR (header ``X-CSRF-Token``). The sign-in form, before any
session exists, uses a double-submit cookie (a random value in a SameSite=Strict cookie and the
same value in the form). Bearer-token API clients are exempt: a browser never sends a bearer token
on its own, which is what CSRF abuses. SameSite=Strict cookies are a second line, not the only one.
"""

from __future__ import annotations

import hmac

__all__ = ["SAFE_METHODS", "needs_token", "token_matches", "HEADER", "FIELD"]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HEADER = "X-CSRF-Token"
FIELD = "csrf_token"


def needs_token(method: str, *, bearer: bool) -> bool:
    """A state-changing request authenticated by a cookie must prove it came from our page."""
    return method.upper() not in SAFE_METHODS and not bearer


def token_matches(expected: str | None, given: str | None) -> bool:
    """Constant-time equality; a missing token on either side never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())
