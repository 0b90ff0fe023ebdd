"""`sanpalang worker`: run the stream processors until stopped (Ctrl-C, SIGTERM), within
`SANPALANG_STOP_TIMEOUT` of the signal (`runtime.stopping`: what is not committed by then is abandoned
and replayed after a restart)."""

from __future__ import annotations

import argparse

from runtime.settings import host_port

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--clock", choices=["event", "wall"], default="wall",
                        help="wall: deadlines also advance with the wall clock (live); event: only with event "
                             "time (replays, tests, the scenario benchmark)")
    parser.add_argument("--tick", type=float, default=10.0, metavar="SECONDS", help="wall-clock tick interval")
    parser.add_argument("--order-days", type=float, default=None, metavar="DAYS",
                        help="hold events this long (event time) to correlate them in event-time order; default: "
                             "until the lane goes idle with --clock event, none with --clock wall")
    parser.add_argument("--metrics", type=host_port, metavar="HOST:PORT", default=("127.0.0.1", 9464),
                        help="serve /metrics and /health here (default 127.0.0.1:9464; port 0: any free one, logged)")
    parser.add_argument("--snapshot-seconds", type=float, default=300.0, metavar="SECONDS",
                        help="snapshot the correlator this often (under SANPALANG_HOME/worker), so a restart replays "
                             "only the lane entries after it; 0: never (default 300)")
    parser.add_argument("--stages", choices=["joined", "split"], default="joined",
                        help="joined: the correlator whole on one lane (one worker works, others stand by); split: "
                             "the persons stage and the case stage on two lanes joined by a topic, so two workers "
                             "run one each (docs/decisions/003). Every worker of a hub runs the same")
    parser.add_argument("--no-views", action="store_true", help="do not write the SQL views in this process")
    parser.add_argument("--loglevel", choices=["crit", "error", "warn", "info", "debug"], default="warn")


def run(args: argparse.Namespace, settings) -> int:
    import logging
    import sys
    from datetime import timedelta

    from runtime.connection import resolve_connection
    from runtime.stopping import StopDeadline
    from streams.worker.keyfile import pseudonym_key
    from streams.worker.app import Pending, WorkerOptions, make_app
    from streams.worker.metrics import WorkerMetrics, serve
    from streams.worker.reorder import REPLAY_WINDOW

    if args.order_days is not None:
        window = timedelta(days=args.order_days)
    else:
        window = REPLAY_WINDOW if args.clock == "event" else timedelta(0)
    connection = resolve_connection(settings)
    if connection.uses_sasl and not settings.is_external:     # the local SASL broker: the catalogue's
        from runtime.credentials import principal_password        # `hub` principal, not its super-user
        connection = connection.as_principal("hub", principal_password(settings, "hub"))
    options = WorkerOptions(database_url=settings.db_url, clock=args.clock, tick_seconds=args.tick,
                            views=not args.no_views, consumer_key=pseudonym_key(settings),
                            alertmanager_url=settings.alertmanager_url, window=window,
                            snapshot_path=settings.home / "worker" / "correlator.snapshot",
                            snapshot_seconds=args.snapshot_seconds, stages=args.stages)
    host, port = args.metrics
    server = serve(WorkerMetrics.shared(), host, port)
    pending = Pending()
    print(f"worker: /metrics and /health on http://{host}:{server.server_port}", file=sys.stderr, flush=True)
    deadline = StopDeadline(settings.stop_timeout_s, pending, logging.getLogger("sanpalang.worker"))
    _worker_class()(make_app(connection, options, pending), deadline, loglevel=args.loglevel,
                    quiet=True).execute_from_commandline()
    return 0


def _worker_class():
    """faust's worker, with the stop deadline armed by the stop signal (SIGTERM, SIGINT); built
    here so that `sanpalang --help` does not import faust."""
    import faust

    class Worker(faust.Worker):
        def __init__(self, app, deadline, **kwargs) -> None:
            super().__init__(app, **kwargs)
            self.deadline = deadline

        def _schedule_shutdown(self, signum) -> None:
            self.deadline.arm()
            super()._schedule_shutdown(signum)
    return Worker
