"""The values that travel through a connector, from a source record to a publication.

Pure data: the sources make ``SourceRecord``s, the agency mappings turn their fields into
``Event``s, routing makes ``Publication``s. Keeping them free of Kafka and I/O lets the rule
"every record ends in exactly one of intake or dead letters" be tested on values alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

__all__ = ["Event", "MappingError", "Origin", "Publication", "SourceRecord"]


@dataclass(frozen=True)
class Origin:
    """Where a record came from, precisely enough for an operator to find it again.

    ``kind`` is file, sql or http; ``stream`` the file name, table or endpoint; ``position`` the
    line, row id or request id (plus item index for a batch).
    """

    kind: str
    stream: str
    position: str

    @property
    def location(self) -> str:
        if self.kind == "file":
            return f"{self.stream}:{self.position}"
        if self.kind == "sql":
            return f"table {self.stream} row {self.position}"
        return f"{self.stream} {self.position}"


@dataclass(frozen=True)
class SourceRecord:
    """One native record as read, before any mapping.

    ``raw`` is the original bytes (the line, the row as JSON, the request item) so a dead letter
    can always carry them; ``fields`` is None when the record could not even be read, and
    ``problem`` then says why.
    """

    origin: Origin
    raw: bytes
    fields: Mapping[str, Any] | None
    problem: str | None = None


class MappingError(ValueError):
    """A native record that cannot become an event; ``problems`` name each field and what is wrong."""

    def __init__(self, problems: list[str], code: str = "invalid-record") -> None:
        self.problems = list(problems)
        self.code = code
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Event:
    """A canonical event: the full Avro schema name and a record that fits it."""

    schema: str
    record: Mapping[str, Any]

    @property
    def key(self) -> bytes:
        """Intake key '<source system>:<record id>' (see schemas/topics.toml)."""
        source = self.record["envelope"]["source"]
        return f"{source['system']}:{source['record_id']}".encode()

    @property
    def event_id(self) -> str:
        return str(self.record["envelope"]["event_id"])


@dataclass(frozen=True)
class Publication:
    """One message to produce. ``dead_letter`` tells intake from DLQ for counting."""

    topic: str
    key: bytes
    value: bytes
    dead_letter: bool = False
    reason_code: str = ""
    problems: tuple[str, ...] = ()
    event_id: str = ""
    headers: tuple[tuple[str, bytes], ...] = field(default=())
