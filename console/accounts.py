"""Users, API tokens, sessions and sign-in failures in SQL: the shell around `roles`,
`credentials` and `lockout`. Every function takes a connection in a transaction and the time.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from console import store as S
from console.credentials import (DUMMY_HASH, IssuedToken, hash_password, new_secret, new_token, parse_token,
                                 token_digest, verify_password)
from console.lockout import DEFAULT_POLICY, LockoutPolicy, locked_until
from console.roles import Principal, Role, validate_user

__all__ = ["UserExists", "NoSuchUser", "add_user", "remove_user", "list_users", "issue_token", "revoke_tokens",
           "SignIn", "sign_in", "principal_of_token", "Session", "open_session", "session_of", "close_session",
           "load_principal", "SESSION_TTL"]

SESSION_TTL = timedelta(hours=8)          # one shift


class UserExists(ValueError):
    pass


class NoSuchUser(LookupError):
    pass


def _principal(row: sa.Row, *, via_token: bool = False) -> Principal:
    provinces = frozenset(p for p in row.provinces.split(",") if p)
    return Principal(row.name, Role(row.role), provinces, row.agency, via_token)


def add_user(conn: sa.Connection, name: str, role: Role, password: str, *, provinces: frozenset[str] = frozenset(),
             agency: str | None = None, at: datetime) -> Principal:
    validate_user(name, role, provinces, agency)
    if conn.execute(sa.select(S.users.c.name).where(S.users.c.name == name)).first():
        raise UserExists(f"user {name} exists already")
    conn.execute(sa.insert(S.users).values(name=name, role=role.value, provinces=",".join(sorted(provinces)),
                                           agency=agency, password_hash=hash_password(password), created_at=at))
    return Principal(name, role, provinces, agency)


def remove_user(conn: sa.Connection, name: str) -> None:
    """The user, their tokens and sessions go; their audit entries stay (the log is append-only)."""
    conn.execute(sa.delete(S.tokens).where(S.tokens.c.user_name == name))
    conn.execute(sa.delete(S.sessions).where(S.sessions.c.user_name == name))
    if conn.execute(sa.delete(S.users).where(S.users.c.name == name)).rowcount != 1:
        raise NoSuchUser(f"no user {name}")


def list_users(conn: sa.Connection) -> list[Principal]:
    return [_principal(r) for r in conn.execute(sa.select(S.users).order_by(S.users.c.name))]


def load_principal(conn: sa.Connection, name: str) -> Principal | None:
    row = conn.execute(sa.select(S.users).where(S.users.c.name == name)).first()
    return _principal(row) if row else None


def issue_token(conn: sa.Connection, name: str, *, at: datetime, label: str | None = None) -> IssuedToken:
    if load_principal(conn, name) is None:
        raise NoSuchUser(f"no user {name}")
    issued = new_token()
    conn.execute(sa.insert(S.tokens).values(token_id=issued.token_id, user_name=name, digest=issued.digest,
                                            label=label, created_at=at))
    return issued


def revoke_tokens(conn: sa.Connection, name: str) -> int:
    return conn.execute(sa.delete(S.tokens).where(S.tokens.c.user_name == name)).rowcount


def principal_of_token(conn: sa.Connection, token: str) -> Principal | None:
    parsed = parse_token(token)
    if parsed is None:
        return None
    token_id, secret = parsed
    row = conn.execute(sa.select(S.tokens.c.digest, S.users).join(S.users, S.users.c.name == S.tokens.c.user_name)
                       .where(S.tokens.c.token_id == token_id)).first()
    if row is None or not hmac.compare_digest(row.digest, token_digest(secret)):
        return None
    return _principal(row, via_token=True)


@dataclass(frozen=True)
class SignIn:
    principal: Principal | None
    locked_until: datetime | None = None
    checked: bool = True            # False: refused by the lock-out without computing the password hash


def _lock_name(conn: sa.Connection, name: str) -> None:
    """Serialise the attempts of one name until the transaction ends: a PostgreSQL transaction-level
    advisory lock on the name (SQLite's writer engine begins IMMEDIATE: one writer at a time already)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(571506, hashtext(:name))"), {"name": name})


def sign_in(engine: Engine, name: str, password: str, *, at: datetime,
            policy: LockoutPolicy = DEFAULT_POLICY) -> SignIn:
    """Check a password, counting failures per name (known or not, so that lock-out does not reveal
    which names exist); a locked name is refused without checking the password.

    Holds under parallel attempts (issue 11): under a per-name lock, one short transaction reads
    the recent failures and, unless the name is locked, *reserves* the attempt by recording it as a
    failure before the password is checked; the slow password hash runs after that commit, outside
    any write transaction; a success then clears the name's failures. So N parallel wrong
    passwords compute exactly `policy.max_failures` hashes before the lock, never more, and no
    hash holds the database's writer lock."""
    with engine.begin() as conn:
        _lock_name(conn, name)
        failures = [r.at for r in conn.execute(sa.select(S.login_failures.c.at).where(
            S.login_failures.c.user_name == name, S.login_failures.c.at > at - policy.window))]
        until = locked_until(failures, at, policy)
        if until is not None:
            return SignIn(None, until, checked=False)
        conn.execute(sa.insert(S.login_failures).values(user_name=name, at=at))
        row = conn.execute(sa.select(S.users).where(S.users.c.name == name)).first()
    ok = verify_password(password, row.password_hash if row else DUMMY_HASH) and row is not None
    if not ok:
        return SignIn(None, locked_until([*failures, at], at, policy))
    with engine.begin() as conn:
        conn.execute(sa.delete(S.login_failures).where(S.login_failures.c.user_name == name))
    return SignIn(_principal(row))


@dataclass(frozen=True)
class Session:
    session_id: str        # the cookie value; only its digest is stored
    principal: Principal
    csrf_token: str
    expires_at: datetime


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def open_session(conn: sa.Connection, principal: Principal, *, at: datetime, ttl: timedelta = SESSION_TTL) -> Session:
    session_id, csrf = new_secret(), new_secret()
    conn.execute(sa.delete(S.sessions).where(S.sessions.c.expires_at <= at))
    conn.execute(sa.insert(S.sessions).values(id_digest=_digest(session_id), user_name=principal.name,
                                              csrf_token=csrf, created_at=at, expires_at=at + ttl))
    return Session(session_id, principal, csrf, at + ttl)


def session_of(conn: sa.Connection, session_id: str, *, at: datetime) -> Session | None:
    row = conn.execute(sa.select(S.sessions.c.csrf_token, S.sessions.c.expires_at, S.users)
                       .join(S.users, S.users.c.name == S.sessions.c.user_name)
                       .where(S.sessions.c.id_digest == _digest(session_id), S.sessions.c.expires_at > at)).first()
    if row is None:
        return None
    return Session(session_id, _principal(row), row.csrf_token, row.expires_at)


def close_session(conn: sa.Connection, session_id: str) -> None:
    conn.execute(sa.delete(S.sessions).where(S.sessions.c.id_digest == _digest(session_id)))
