"""A publisher that commits instantly in memory, for driving the source shells without a broker."""

from __future__ import annotations

import schemas
from connectors.metrics import ConnectorMetrics
from connectors.sources.base import SourceContext


class FakePublisher:
    def __init__(self, checkpoints=None):
        self.checkpoints = dict(checkpoints or {})
        self.batches = []

    def checkpoint(self, source_id):
        return self.checkpoints.get(source_id)

    def checkpoints_of(self, source_id):
        return [v for k, v in self.checkpoints.items() if k == source_id or k.startswith(f"{source_id}#")]

    async def publish(self, publications, checkpoint=None, source=""):
        self.batches.append((list(publications), checkpoint))
        if checkpoint:
            self.checkpoints[checkpoint[0]] = checkpoint[1]

    @property
    def publications(self):
        return [p for batch, _ in self.batches for p in batch]

    def decoded(self, dead_letters=False):
        return [schemas.decode(p.value)[1] for p in self.publications if p.dead_letter == dead_letters]


def context(agency, mapper, publisher, now):
    return SourceContext(agency, mapper, publisher, ConnectorMetrics(agency), now=lambda: now)
