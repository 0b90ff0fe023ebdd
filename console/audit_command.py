"""``sanpalang audit verify|show``: check the hash chain of the audit log, or print its tail.

``verify`` exits 0 when every entry follows the one before and the chain head matches, 1 and
names the first bad entry otherwise. It prints the head digest: written down elsewhere (a ticket,
a notary service), it also proves that the whole log was not rewritten since.
"""

from __future__ import annotations

import argparse

from ops.settings import Settings

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("verify", help="verify the chain; exit 1 naming the first bad entry")
    show = sub.add_parser("show", help="print the newest entries")
    show.add_argument("-n", type=int, default=20)


def run(args: argparse.Namespace, settings: Settings) -> int:
    import sys

    from console import auditlog
    from console.server import open_hub
    hub = open_hub(settings.db_url)
    try:
        with hub.writer.connect() as conn:
            if args.action == "show":
                for e in auditlog.read_page(conn, limit=args.n):
                    print(f"{e.seq:>8} {e.at.isoformat()} {e.actor:16} {e.action:20} {e.target} {e.detail}")
                return 0
            count, broken, head = auditlog.verify(conn)
        if broken is not None:
            print(f"audit log BROKEN at {broken}", file=sys.stderr)
            print(f"first bad entry: {broken.seq}")
            return 1
        print(f"audit log intact: {count} entries, head {head[0]} {head[1]}")
        return 0
    finally:
        hub.reader.dispose()
        hub.writer.dispose()
