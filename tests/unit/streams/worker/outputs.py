"""Outputs compared as each topic's consumers see them."""

from collections import defaultdict
from collections.abc import Iterable

from streams.worker.outputs import Output


def by_topic(outputs: Iterable[Output]) -> dict[str, list[tuple]]:
    """Each topic's (key, schema, record) in publishing order: the order across topics is no one's."""
    found = defaultdict(list)
    for o in outputs:
        found[o.topic].append((o.key, o.schema, o.record))
    return dict(found)
