"""One connector source in a process of its own, for the kill -9 tests.

    python -u -m tests.integration.connectors.run_source --bootstrap HOST:PORT --agency labour \
        --instance NAME (--watch DIR | --sql URL --table T --watermark COL) [--batch-size N]

Prints ``ready`` once its publisher has started, then one line per committed batch (the sources'
debug log: ``... committed N record(s), checkpoint <source id> <position>``). SIGTERM stops it
cleanly; SIGKILL is what the tests send.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from connectors.metrics import ConnectorMetrics
from connectors.publisher import Publisher
from connectors.sources import FileDropSource, SourceContext, SqlPollSource
from runtime.connection import KafkaConnection
from tests.unit.connectors.sources import mappers


async def main(args: argparse.Namespace) -> None:
    metrics = ConnectorMetrics(args.agency)
    publisher = Publisher(KafkaConnection(args.bootstrap), args.agency, args.instance, metrics)
    await publisher.start()
    context = SourceContext(args.agency, getattr(mappers, args.agency), publisher, metrics)
    if args.watch:
        source = FileDropSource(context, args.watch, batch_size=args.batch_size, interval_s=0.2)
    else:
        source = SqlPollSource(context, args.sql, args.table, watermark=args.watermark,
                               batch_size=args.batch_size, interval_s=0.2)
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, lambda: asyncio.ensure_future(source.stop()))
    print("ready", flush=True)
    try:
        await source.run()
    finally:
        await publisher.stop()
    print("stopped", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--agency", required=True, choices=["labour", "immigration"])
    parser.add_argument("--instance", required=True)
    parser.add_argument("--watch")
    parser.add_argument("--sql")
    parser.add_argument("--table")
    parser.add_argument("--watermark", default="updated_at")
    parser.add_argument("--batch-size", type=int, default=500)
    logging.basicConfig(stream=sys.stdout, level=logging.WARNING, format="%(name)s %(message)s")
    logging.getLogger("connectors.sources").setLevel(logging.DEBUG)
    asyncio.run(main(parser.parse_args()))
