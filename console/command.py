"""``sanpalang console``: serve the operator console and the partner API until SIGINT or SIGTERM,
and stop within ``SANPALANG_STOP_TIMEOUT`` of the signal (``runtime.stopping``)."""

from __future__ import annotations

import argparse

from runtime.settings import Settings

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 picks a free one)")
    parser.add_argument("--secure-cookies", action="store_true",
                        help="mark cookies Secure (set when a TLS proxy serves the console)")
    parser.add_argument("--no-kafka", action="store_true",
                        help="serve from the database only: no live board, operator actions unavailable")
    parser.add_argument("--alerts-topic", default="alerts.v1")
    parser.add_argument("--actions-topic", default="operator.actions.v1")


def run(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio
    import logging
    import signal
    import sys

    from console.live import Topics
    from console.server import RunningConsole, serve
    from runtime.stopping import StopDeadline
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log = logging.getLogger("sanpalang.console")
    running: list[RunningConsole] = []

    def pending() -> str:
        if not running:
            return "its start (nothing was served yet)"
        step = running[0].stopping
        if step is None:
            return "the whole stop (the event loop never got to it)"
        return f"the stop while closing {step}" if step else "threads still running after the stop (a database call)"
    deadline = StopDeadline(settings.stop_timeout_s, pending, log)

    def ready(console: RunningConsole) -> None:
        running.append(console)
        print(console.url, flush=True)
        print(f"console at {console.url} (Ctrl-C stops it); users: sanpalang users add NAME --role ...",
              file=sys.stderr)

    async def main() -> None:
        stop, loop, task = asyncio.Event(), asyncio.get_running_loop(), asyncio.current_task()

        def on_signal() -> None:
            deadline.arm()
            if running:
                stop.set()                   # serving: the ordinary stop
            else:
                task.cancel()                # still starting: the start is abandoned
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, on_signal)
        await serve(settings, args.host, args.port, topics=Topics(args.alerts_topic, args.actions_topic),
                    kafka=not args.no_kafka, secure_cookies=args.secure_cookies, stop=stop, on_ready=ready)
    try:
        asyncio.run(main())
    except asyncio.CancelledError:
        log.info("console start abandoned on a signal")
        return 0
    log.info("console stopped")
    return 0
