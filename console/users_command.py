"""``sanpalang users add|remove|list|token``: console users and machine clients' API tokens.

    sanpalang users add somchai.k --role provincial --province TH-57 [--province TH-10]
    sanpalang users add liaison.police --role liaison --agency police --password-stdin < pw.txt
    sanpalang users token partner.bot       # prints a new API token once; only its digest is kept
"""

from __future__ import annotations

import argparse
import sys

from console.roles import AGENCIES, Role
from runtime.settings import Settings

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    add = sub.add_parser("add", help="add a user (password from a prompt, or --password-stdin)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[role.value for role in Role])
    add.add_argument("--province", action="append", default=[],
                     help="ISO 3166-2:TH code (provincial, team_lead, liaison; repeatable)")
    add.add_argument("--agency", choices=AGENCIES,
                     help="agency: a liaison's (required), a team lead's (social: PSDHS), a provincial operator's")
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    rm = sub.add_parser("remove", help="remove a user, their sessions and tokens (audit entries stay)")
    rm.add_argument("name")
    sub.add_parser("list", help="list users")
    tok = sub.add_parser("token", help="issue an API token for a user (printed once)")
    tok.add_argument("name")
    tok.add_argument("--label", help="what the token is for")
    tok.add_argument("--revoke", action="store_true", help="revoke every token of the user instead")


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass
    first = getpass.getpass(f"password for {args.name}: ")
    if first != getpass.getpass("again: "):
        raise SystemExit("the passwords differ")
    return first


def run(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import datetime, timezone

    from console import accounts
    from console.roles import Role, UserSpecError
    from console.server import open_hub
    hub = open_hub(settings.db_url)
    now = datetime.now(timezone.utc)
    try:
        if args.action == "add":
            password = _password(args)
            if len(password) < 10:
                print("a password needs at least 10 characters", file=sys.stderr)
                return 2
            with hub.writer.begin() as conn:
                p = accounts.add_user(conn, args.name, Role(args.role), password, provinces=frozenset(args.province),
                                      agency=args.agency, at=now)
            print(f"added {p.name} ({p.role.value}{': ' + ', '.join(sorted(p.provinces)) if p.provinces else ''}"
                  f"{': ' + p.agency if p.agency else ''})")
        elif args.action == "remove":
            with hub.writer.begin() as conn:
                accounts.remove_user(conn, args.name)
            print(f"removed {args.name}")
        elif args.action == "list":
            with hub.writer.connect() as conn:
                for p in accounts.list_users(conn):
                    print(f"{p.name:24} {p.role.value:10} {','.join(sorted(p.provinces)) or '-'} {p.agency or '-'}")
        else:
            with hub.writer.begin() as conn:
                if args.revoke:
                    print(f"revoked {accounts.revoke_tokens(conn, args.name)} token(s) of {args.name}")
                else:
                    print(accounts.issue_token(conn, args.name, at=now, label=args.label).token)
        return 0
    except (UserSpecError, accounts.UserExists, accounts.NoSuchUser) as e:
        print(e, file=sys.stderr)
        return 2
    finally:
        hub.reader.dispose()
        hub.writer.dispose()
