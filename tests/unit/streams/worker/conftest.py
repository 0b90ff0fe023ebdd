import pytest

import schemas
from streams.worker.lane import FLUSH, tick_value


@pytest.fixture(scope="session")
def ticked_lane(fixed_values) -> list[bytes]:
    """The fixed-seed scenario's events with a wall-clock tick after every 40 (at the latest event
    time seen), then a flush: a lane with every kind of entry the stages hand on."""
    entries, latest = [], None
    for i, value in enumerate(fixed_values):
        entries.append(value)
        at = schemas.decode(value)[1]["envelope"]["occurred_at"]
        latest = at if latest is None else max(latest, at)
        if i % 40 == 39:
            entries.append(tick_value(latest))
    return [*entries, FLUSH]
