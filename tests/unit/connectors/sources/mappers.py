"""Small stand-in agency mappings for the source tests (the real ones live in connectors/agencies/).

Each builds a valid canonical event from the schema's example, with the record id and version
taken from the native record, and refuses a record without an id, as a real mapping would.
"""

from __future__ import annotations

import copy
import functools
import uuid

import schemas
from connectors.records import Event, MappingError

NAMESPACE = uuid.UUID("5a1e0000-0000-4000-8000-000000000001")
INSPECTION = "sanpalang.labour.InspectionCompleted"
CROSSING = "sanpalang.immigration.BorderCrossingRecorded"
RECORD_ID_COLUMNS = ("record_id", "เลขที่", "crossing_id")


@functools.cache
def _example(name: str) -> dict:
    return schemas.example(name)


def event_id(agency: str, record_id: str, version: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{agency}:{record_id}:{version}"))


def _event(name: str, agency: str, fields, version_column: str) -> Event:
    record_id = next((str(fields[c]).strip() for c in RECORD_ID_COLUMNS if str(fields.get(c) or "").strip()), None)
    if record_id is None:
        raise MappingError(["record_id: missing; every record needs its id"], code="missing-field")
    version = str(fields.get(version_column) or "1")
    record = copy.deepcopy(_example(name))
    envelope = record["envelope"]
    envelope["source"]["record_id"] = record_id
    envelope["source"]["record_version"] = version
    envelope["event_id"] = event_id(agency, record_id, version)
    return Event(name, record)


def labour(fields, origin):
    """CSV / JSON Lines inspections: id in ``record_id`` or ``เลขที่``; version in ``version``."""
    return [_event(INSPECTION, "labour", fields, "version")]


def immigration(fields, origin):
    """Rows of a crossings table: id in ``crossing_id``; version = ``updated_at`` (or ``version``)."""
    return [_event(CROSSING, "immigration", fields, "updated_at" if "updated_at" in fields else "version")]
