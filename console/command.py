"""``sanpalang console``: serve the operator console and the partner API."""

from __future__ import annotations

import argparse

from ops.settings import Settings

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
    import sys

    from console.live import Topics
    from console.server import serve
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    def ready(url: str) -> None:
        print(url, flush=True)
        print(f"console at {url} (Ctrl-C stops it); users: sanpalang users add NAME --role ...", file=sys.stderr)
    try:
        asyncio.run(serve(settings, args.host, args.port, topics=Topics(args.alerts_topic, args.actions_topic),
                          kafka=not args.no_kafka, secure_cookies=args.secure_cookies, on_ready=ready))
    except KeyboardInterrupt:
        pass
    return 0
