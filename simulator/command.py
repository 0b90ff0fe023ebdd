"""`sanpalang simulate`: the command line of the simulator (arguments and the run function).

Kept free of heavy imports so that building the CLI parser stays instant; `run` imports the
generator and the delivery shell when it runs. ops/cli.py wires it:

    simulate = sub.add_parser("simulate", help="generate a seeded multi-agency feed and deliver it")
    add_arguments(simulate)
    simulate.set_defaults(run=run)
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

__all__ = ["add_arguments", "run"]

PROVINCES = "TH-57,TH-63,TH-74,TH-90,TH-10,TH-85,TH-20"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    what = parser.add_argument_group("what to generate (same arguments, same feed and truth)")
    what.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    what.add_argument("--scenarios", type=int, default=40,
                      help="scripted stories; every kind once, then at random (default 40)")
    what.add_argument("--persons", type=int, default=300, help="background persons (default 300)")
    what.add_argument("--days", type=float, default=60, help="simulated period in days (default 60)")
    what.add_argument("--provinces", default=PROVINCES, help=f"ISO 3166-2:TH codes, comma-separated ({PROVINCES})")
    what.add_argument("--start-at", help="start of the simulated period, ISO 8601 with offset (default: --days "
                                         "before now, to the hour, and after the rows already in the immigration "
                                         "tables)")
    what.add_argument("--bad", type=float, default=0.01, help="fraction of declared bad records (default 0.01)")
    what.add_argument("--prefix", default="", help="put in front of every record id and file name")
    what.add_argument("--truth", type=Path, default=Path("truth.json"), help="truth file to write (truth.json)")
    how = parser.add_argument_group("where and how fast to deliver (a channel without a target is skipped)")
    how.add_argument("--rate", type=float, default=50, help="records per second; 0: as fast as possible (50)")
    how.add_argument("--batch", type=int, default=100, help="records per HTTP request, file, row batch (100)")
    how.add_argument("--police-url", metavar="URL", help="police HTTP intake, e.g. http://127.0.0.1:8081")
    how.add_argument("--social-url", metavar="URL", help="social HTTP intake (hotline), e.g. http://127.0.0.1:8084")
    for agency in ("police", "social"):
        how.add_argument(f"--{agency}-token-file", type=Path, metavar="FILE",
                         help=f"file holding the {agency} intake's bearer token (`sanpalang connect {agency} "
                              "--new-token` prints one; the hub keeps only its digest)")
        how.add_argument(f"--{agency}-token", help=f"the {agency} bearer token itself (seen by every local user "
                                                   f"in the process list: prefer --{agency}-token-file)")
    how.add_argument("--labour-dir", type=Path, metavar="DIR", help="the labour connector's --watch directory")
    how.add_argument("--social-dir", type=Path, metavar="DIR", help="the social connector's --watch directory")
    how.add_argument("--immigration-sql", metavar="URL", help="immigration database (SQLAlchemy URL)")
    how.add_argument("--immigration-schema", help="schema of the immigration tables (default: the default one)")
    how.add_argument("--dry-run", action="store_true", help="write the truth file only; deliver nothing")


def run(args: argparse.Namespace, settings: Any) -> int:
    from datetime import datetime

    from simulator.deliver import Targets
    from simulator.run import simulate

    start_at = datetime.fromisoformat(args.start_at) if args.start_at else None
    if start_at is not None and start_at.tzinfo is None:
        raise SystemExit("--start-at needs an offset, e.g. 2025-03-01T00:00:00+07:00")
    targets = Targets()
    if not args.dry_run:
        targets = Targets(
            police_url=args.police_url,
            police_token=_token(args.police_url, args.police_token, args.police_token_file, "police"),
            social_url=args.social_url,
            social_token=_token(args.social_url, args.social_token, args.social_token_file, "social"),
            labour_dir=args.labour_dir, social_dir=args.social_dir, immigration_sql=args.immigration_sql,
            immigration_schema=args.immigration_schema)
    report = simulate(seed=args.seed, start_at=start_at, targets=targets, truth_path=args.truth,
                      scenarios=args.scenarios, persons=args.persons, days=args.days,
                      provinces=[p.strip() for p in args.provinces.split(",") if p.strip()],
                      rate=args.rate or None, batch=args.batch, prefix=args.prefix, bad=args.bad)
    return 0 if report.records else 1


def _token(url: str | None, token: str | None, path: Path | None, agency: str) -> str | None:
    """The bearer token for an intake URL: given, or read from its file. The hub keeps only digests,
    so there is no installation's token to fall back on."""
    if url is None:
        return None
    if token is None and path is not None:
        token = path.read_text().strip()
    if not token:
        raise SystemExit(f"--{agency}-url needs --{agency}-token-file (or --{agency}-token)")
    return token
