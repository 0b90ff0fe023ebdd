"""``sanpalang audit verify|show``: check the audit log, or print its tail.

``verify`` checks every entry's keyed digest (HMAC under the audit key, which is not in the
database) and its link to the one before, then the chain against the newest anchor the console
published on `audit.anchors.v1` (outside the database): entries cut off the end (truncation), a
chain rewritten up to the anchor, entries after an overdue anchor (missing anchor) all fail.
Exit 0 when intact; 1 naming the first bad entry, or when the anchors cannot be read (then the
log was checked against itself only, which a database writer holding the key could fake).
``--no-anchors`` checks the database alone, and says so.
"""

from __future__ import annotations

import argparse
from datetime import timedelta

from runtime.settings import Settings

__all__ = ["add_arguments", "run", "ANCHOR_MAX_AGE"]

ANCHOR_MAX_AGE = timedelta(minutes=2)
"""The console anchors at least every minute; an anchor older than this, with entries after it, is missing."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    verify = sub.add_parser("verify", help="verify the chain and its anchors; exit 1 naming the first bad entry")
    verify.add_argument("--no-anchors", dest="anchors", action="store_false",
                        help="check the database alone (no broker): truncation and a recomputed chain may go unseen")
    show = sub.add_parser("show", help="print the newest entries")
    show.add_argument("-n", type=int, default=20)


def run(args: argparse.Namespace, settings: Settings) -> int:
    import sys
    from datetime import datetime, timezone

    from console import auditlog
    from console.audit import anchor_refusal
    from console.server import open_hub, settings_audit_key
    key = settings_audit_key(settings)
    hub = open_hub(settings.db_url, key)
    try:
        with hub.writer.connect() as conn:
            if args.action == "show":
                for e in auditlog.read_page(conn, limit=args.n):
                    print(f"{e.seq:>8} {e.at.isoformat()} {e.actor:16} {e.action:20} {e.target} {e.detail}")
                return 0
        anchor = None
        if getattr(args, "anchors", True):
            from console.anchors import read_anchor
            from console.server import console_connection
            try:
                anchor = read_anchor(console_connection(settings), key)
            except Exception as err:
                print(f"audit log NOT VERIFIED: the anchors on audit.anchors.v1 could not be read ({err}); "
                      "`--no-anchors` checks the database alone", file=sys.stderr)
                return 1
            if anchor is not None and (why := anchor_refusal(anchor, key)):
                print(f"audit log BROKEN: {why}", file=sys.stderr)
                return 1
        with hub.writer.connect() as conn:
            count, broken, head = auditlog.verify(conn, key, anchor=anchor, now=datetime.now(timezone.utc),
                                                  max_age=ANCHOR_MAX_AGE)
        if broken is None and getattr(args, "anchors", True) and anchor is None and count:
            print("audit log BROKEN: no anchor of this chain was ever published (missing anchor)", file=sys.stderr)
            print("first bad entry: 1")
            return 1
        if broken is not None:
            print(f"audit log BROKEN at {broken}", file=sys.stderr)
            print(f"first bad entry: {broken.seq}")
            return 1
        anchored = (f", anchored at {anchor.seq} ({anchor.at.isoformat()})" if anchor is not None
                    else " (not checked against anchors)")
        print(f"audit log intact: {count} entries, head {head[0]} {head[1]}{anchored}")
        return 0
    finally:
        hub.reader.dispose()
        hub.writer.dispose()
