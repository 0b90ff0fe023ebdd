"""The ``sanpalang`` command: one entry point for running, administering and measuring the hub.

Settings are read here, once, and passed down; each sub-command imports its implementation only
when it runs, so ``sanpalang --help`` stays instant and no module connects at import time.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Callable, Sequence

from runtime.settings import Settings, SettingsError, host_port
from schemas.catalogue import load_catalogue

__all__ = ["main"]


def progress(line: str) -> None:
    sys.stderr.write(line + "\n")          # one write: a line of its own next to child processes' lines
    sys.stderr.flush()


def _kafka(args: argparse.Namespace, settings: Settings) -> int:
    if settings.is_external:
        if args.action == "status":
            from runtime.connection import resolve_connection
            from ops.kafka.probe import describe_cluster
            print(describe_cluster(resolve_connection(settings)))
            return 0
        progress(f"SANPALANG_KAFKA_BOOTSTRAP={settings.external_bootstrap}: using that cluster, "
                 "nothing local is started or stopped")
        return 0
    from ops.kafka import local
    if args.action == "fetch":
        print(local.ensure_jars(settings, progress))
    elif args.action == "up":
        state = local.up(settings, nodes=args.nodes, sasl=args.sasl, progress=progress)
        print(state.bootstrap)
    elif args.action == "down":
        if args.purge and not (args.yes or _confirmed(f"delete every topic and record of the local cluster under "
                                                      f"{settings.kafka_dir}?")):
            progress("nothing deleted; `down --purge --yes` deletes without asking")
            return 1
        local.down(settings, progress=progress, purge=args.purge)
    else:
        status = local.status(settings)
        print(status.describe())
        return 0 if status.running else 3
    return 0


def _confirmed(question: str) -> bool:
    """Asks on the terminal; without one (a script, a pipe) the answer is no."""
    if not sys.stdin.isatty():
        return False
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def _topics(args: argparse.Namespace, settings: Settings) -> int:
    catalogue = load_catalogue()
    if args.action == "list":
        for topic in catalogue.topics:
            print(f"{topic.name:24} {topic.partitions:>2}p  {topic.cleanup_policy:8} "
                  f"writers={','.join(topic.writers) or 'admin'}  readers={','.join(topic.readers)}")
        return 0
    from ops.admin import apply_catalogue
    from runtime.connection import resolve_connection
    apply_catalogue(settings, resolve_connection(settings), catalogue, progress)
    return 0


def _schemas(args: argparse.Namespace, settings: Settings) -> int:
    from schemas import guard
    code, text = guard.check_command() if args.action == "check" else guard.lock_command()
    print(text)
    return code


def _tail(args: argparse.Namespace, settings: Settings) -> int:
    from runtime.connection import resolve_connection
    from ops.tail import tail
    tail(resolve_connection(settings), args.topic, from_beginning=args.from_beginning,
         follow=not args.no_follow, max_messages=args.max)
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive whole number")
    return value


def _connect(args: argparse.Namespace, settings: Settings) -> int:
    import logging
    from pathlib import Path

    from connectors.processes import run_processes
    from connectors.runner import ConnectorPlan, NoIntakeToken
    if args.new_token:
        from runtime.credentials import issue_intake_token
        print(issue_intake_token(settings, args.agency))
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    plan = ConnectorPlan(args.agency, http=args.http, watch=Path(args.watch) if args.watch else None,
                         sql_url=args.sql, table=args.table, watermark=args.watermark, metrics=args.metrics,
                         instance=args.name, stable_s=args.stable_seconds)
    try:
        return run_processes(settings, plan, args.processes, progress)
    except NoIntakeToken as why:
        raise SystemExit(str(why)) from None


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from ops.demo import DemoPorts, run_demo
    return run_demo(settings, progress, ports=DemoPorts(args.port_base), seconds=args.seconds, rate=args.rate,
                    sasl=args.sasl)


MODULE_COMMANDS: dict[str, tuple[str, str]] = {
    "simulate": ("simulator.command",
                 "generate a seeded multi-agency feed and deliver it through the connectors"),
    "worker": ("streams.worker.command", "run the stream processors: persons, joint case views, alerts, referrals"),
    "console": ("console.command", "serve the operator console and the partner API"),
    "users": ("console.users_command", "add, remove or list console users"),
    "audit": ("console.audit_command", "verify the hash-chained audit log of reads and alert actions"),
    "asyncapi": ("ops.asyncapi", "write the AsyncAPI 3.0 document of every topic"),
}
"""Sub-commands whose module offers `add_arguments(parser)` and `run(args, settings) -> int`."""

BENCHMARKS: dict[str, tuple[str, str]] = {
    "intake": ("bench.intake", "records/s of each connector source next to a raw producer"),
    "er": ("bench.er", "entity resolution quality and speed, next to Splink on the same input"),
    "er-scale": ("bench.er_scale", "matching speed and memory with 1,000,000 indexed persons"),
    "names": ("bench.names", "real names in Thai, Burmese, Khmer and Lao script against their Latin spellings"),
    "scenario": ("bench.scenario", "alert precision and recall of the simulator's scenario through the hub"),
    "pipeline": ("bench.pipeline", "intake-to-view throughput and event-to-alert latency next to raw Kafka"),
    "backfill": ("bench.backfill", "N simulated events replayed from intake to SQL views; memory at 100,000 open cases"),
    "faults": ("bench.faults", "records lost, doubled or unaccounted under kills, broker faults and fuzzed input"),
    "signin": ("bench.signin", "a signed-in operator's case page p50/p95 during a flood of made-up sign-ins"),
}
"""`sanpalang bench NAME`: modules with the same two functions."""


def _module_command(sub: argparse._SubParsersAction, name: str, module: str, text: str, chosen: str | None) -> None:
    """Import the module only when its command runs, so `--help` stays instant."""
    parser = sub.add_parser(name, help=text, description=text)
    if name == chosen:
        implementation = importlib.import_module(module)
        implementation.add_arguments(parser)
        parser.set_defaults(run=implementation.run)


def _chosen(argv: Sequence[str]) -> tuple[str | None, str | None]:
    words = [a for a in argv if not a.startswith("-")]
    command = words[0] if words else None
    return command, (words[1] if command == "bench" and len(words) > 1 else None)


def _parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    chosen, chosen_bench = _chosen(argv)
    parser = argparse.ArgumentParser(prog="sanpalang", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    kafka = sub.add_parser("kafka", help="run a local Apache Kafka broker or cluster")
    kafka.add_argument("action", choices=["up", "down", "status", "fetch"],
                       help="fetch only downloads the jars (make install runs it)")
    kafka.add_argument("--nodes", type=int, choices=[1, 3], default=1, help="1 node, or a 3-node KRaft cluster")
    kafka.add_argument("--sasl", action="store_true", help="SASL/SCRAM-SHA-512, ACLs, deny by default")
    kafka.add_argument("--purge", action="store_true",
                       help="with down: also delete the data (every topic and record), logs and state")
    kafka.add_argument("--yes", action="store_true", help="with down --purge: do not ask for confirmation")
    kafka.set_defaults(run=_kafka)

    topics = sub.add_parser("topics", help="the topic catalogue: list it, or apply it to the cluster")
    topics.add_argument("action", choices=["apply", "list"])
    topics.set_defaults(run=_topics)

    schema = sub.add_parser("schemas", help="check schemas/ against the lock file, or relock it")
    schema.add_argument("action", choices=["check", "lock"])
    schema.set_defaults(run=_schemas)

    tail = sub.add_parser("tail", help="print a topic's messages decoded, as JSON lines")
    tail.add_argument("topic")
    tail.add_argument("--from-beginning", "-b", action="store_true", help="start at the oldest message")
    tail.add_argument("--no-follow", "-e", action="store_true", help="exit at the end of the topic")
    tail.add_argument("--max", "-n", type=int, default=None, help="stop after this many messages")
    tail.set_defaults(run=_tail)

    connect = sub.add_parser("connect", help="run an agency's connector: HTTP intake, file drop, SQL polling")
    connect.add_argument("agency", choices=load_catalogue().agencies)
    connect.add_argument("--http", type=host_port, metavar="HOST:PORT", help="serve POST /v1/records here")
    connect.add_argument("--watch", metavar="DIR", help="publish CSV / JSON Lines exports dropped here")
    connect.add_argument("--stable-seconds", type=float, default=5.0, metavar="S",
                         help="with --watch: a file is read once unchanged this long and open for writing by "
                              "no process (default 5; a file renamed in from .part/.tmp is read at once)")
    connect.add_argument("--sql", metavar="URL", help="poll a table of this database (SQLAlchemy URL)")
    connect.add_argument("--table", help="the table to poll")
    connect.add_argument("--watermark", default="updated_at", help="increasing column of the table")
    connect.add_argument("--metrics", type=host_port, metavar="HOST:PORT",
                         help="/metrics and /health without --http")
    connect.add_argument("--name", default="main", help="instance name, unique per agency (transactional id)")
    connect.add_argument("--processes", type=_positive, default=1, metavar="N",
                         help="N processes sharing the sources without overlap (one port, claimed files, "
                              "hashed SQL keys), each its own transactional id and checkpoints; default 1")
    connect.add_argument("--new-token", action="store_true",
                         help="issue a new HTTP bearer token for the agency and print it (only its SHA-256 is kept: "
                              "this is the one time it is shown; the previous token stops working once the "
                              "connector restarts)")
    connect.set_defaults(run=_connect)

    for name, (module, text) in MODULE_COMMANDS.items():
        _module_command(sub, name, module, text, chosen)

    bench = sub.add_parser("bench", help="measure: figures next to their limit, from the same run")
    benches = bench.add_subparsers(dest="benchmark", required=True, metavar="BENCHMARK")
    for name, (module, text) in BENCHMARKS.items():
        _module_command(benches, name, module, text, chosen_bench)

    demo = sub.add_parser("demo", help="the whole hub locally, fed by the simulator, until Ctrl-C")
    demo.add_argument("--for", dest="seconds", type=float, default=None, metavar="SECONDS",
                      help="stop after this long (default: run until Ctrl-C)")
    demo.add_argument("--port-base", type=int, default=8080,
                      help="console on this port, connectors and worker just above it (default 8080)")
    demo.add_argument("--rate", type=float, default=20.0, help="simulator records per second (default 20)")
    demo.add_argument("--sasl", action="store_true",
                      help="a SASL/SCRAM broker with the catalogue's ACLs: its super-user applies the catalogue, "
                           "every process connects as its own principal")
    demo.set_defaults(run=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser(argv).parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as err:
        print(f"sanpalang: {err}", file=sys.stderr)
        return 2
    run: Callable[[argparse.Namespace, Settings], int] = args.run
    os.umask(0o077)   # what any command writes (views database and its -wal, logs, snapshots, keys) is its user's alone
    from runtime.private import private_home
    private_home(settings.home)            # and a home made 0755 before is no longer entered by others
    try:
        return run(args, settings)
    except KeyboardInterrupt:
        return 130
    except Exception as err:  # the message is written for the operator; the trace is noise here
        if type(err).__module__.split(".")[0] in ("ops", "schemas", "connectors", "streams"):
            print(f"sanpalang: {err}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
