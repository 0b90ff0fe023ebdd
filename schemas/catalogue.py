"""The topic catalogue as data: ``topics.toml`` read into frozen values, checked when loaded.

Topics, their keys and value schemas, and which principal may write or read each one are declared
once here; ``sanpalang topics apply`` turns them into topics, SCRAM users and ACLs, and the AsyncAPI
document is written from the same values. Pure: reading the packaged file is the only I/O.
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Iterable

__all__ = ["Catalogue", "CatalogueError", "Principal", "Topic", "load_catalogue", "SCHEMA_TOPIC"]

CATALOGUE_FILE = Path(__file__).with_name("topics.toml")
SCHEMA_TOPIC = "schemas.avro.v1"
_DAY_MS = 24 * 3600 * 1000
_CLEANUP = {"delete", "compact", "compact,delete"}


class CatalogueError(ValueError):
    """The catalogue contradicts itself; the message names the topic and the field."""


@dataclass(frozen=True)
class Principal:
    name: str
    doc: str
    owns_prefix: str | None = None

    @property
    def own_prefix(self) -> str:
        """Consumer groups and transactional ids this principal may use start with this."""
        return f"{self.name}."


@dataclass(frozen=True)
class Topic:
    name: str
    doc: str
    key_doc: str
    value_pattern: str | None
    value_format: str
    partitions: int
    replication: int
    min_insync_replicas: int
    cleanup_policy: str
    retention_ms: int
    writers: tuple[str, ...]
    readers: tuple[str, ...]
    agency: str | None = None

    @property
    def compacted(self) -> bool:
        return "compact" in self.cleanup_policy

    def value_schemas(self, schema_names: Iterable[str]) -> tuple[str, ...]:
        """The full schema names this topic carries, out of ``schema_names``."""
        if self.value_pattern is None:
            return ()
        return tuple(sorted(n for n in schema_names if fnmatch.fnmatchcase(n, self.value_pattern)))

    def configs(self, replication: int) -> dict[str, str]:
        """Topic-level configs for a cluster where ``replication`` replicas are possible."""
        min_isr = min(self.min_insync_replicas, max(1, replication - 1))
        configs = {"cleanup.policy": self.cleanup_policy, "min.insync.replicas": str(min_isr)}
        if not self.compacted or "delete" in self.cleanup_policy:
            configs["retention.ms"] = str(self.retention_ms)
        return configs


@dataclass(frozen=True)
class Catalogue:
    agencies: tuple[str, ...]
    principals: dict[str, Principal]
    topics: tuple[Topic, ...]

    def topic(self, name: str) -> Topic:
        for topic in self.topics:
            if topic.name == name:
                return topic
        raise CatalogueError(f"no topic {name!r} in the catalogue; known: {', '.join(self.names)}")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.topics)

    def readable_by(self, principal: str) -> tuple[Topic, ...]:
        return tuple(t for t in self.topics if principal in t.readers)

    def writable_by(self, principal: str) -> tuple[Topic, ...]:
        return tuple(t for t in self.topics if principal in t.writers)


def _expand(raw: dict[str, Any], defaults: dict[str, Any], agency: str | None) -> Topic:
    def sub(value: str) -> str:
        return value.replace("{agency}", agency) if agency else value

    name = sub(raw["name"])
    fields = {**defaults, **raw}
    cleanup = fields.get("cleanup", "delete")
    if cleanup not in _CLEANUP:
        raise CatalogueError(f"topic {name}: cleanup {cleanup!r} is not one of {sorted(_CLEANUP)}")
    days = int(fields["retention_days"])
    value = raw.get("value")
    fmt = raw.get("value_format", "avro-single-object")
    if (value is None) == (fmt == "avro-single-object"):
        raise CatalogueError(f"topic {name}: give either `value` (Avro schema names) or `value_format`")
    topic = Topic(
        name=name, doc=raw["doc"], key_doc=raw["key"], value_pattern=sub(value) if value else None,
        value_format=fmt, partitions=int(fields["partitions"]), replication=int(fields["replication"]),
        min_insync_replicas=int(fields["min_insync_replicas"]), cleanup_policy=cleanup,
        retention_ms=-1 if days < 0 else days * _DAY_MS,
        writers=tuple(sub(p) for p in raw["writers"]), readers=tuple(sub(p) for p in raw["readers"]),
        agency=agency)
    if topic.partitions < 1 or topic.replication < 1:
        raise CatalogueError(f"topic {name}: partitions and replication must be at least 1")
    return topic


def parse_catalogue(data: dict[str, Any]) -> Catalogue:
    """Build and check a catalogue from the TOML document's data."""
    agencies = tuple(data["agencies"])
    defaults = data.get("defaults", {})
    principals = {name: Principal(name, p.get("doc", ""), p.get("owns_prefix"))
                  for name, p in data.get("principals", {}).items()}
    topics: list[Topic] = []
    for raw in data["topics"]:
        per_agency = "{agency}" in raw["name"]
        topics += [_expand(raw, defaults, a) for a in agencies] if per_agency else [_expand(raw, defaults, None)]
    names = [t.name for t in topics]
    if duplicates := sorted({n for n in names if names.count(n) > 1}):
        raise CatalogueError(f"topics declared twice: {', '.join(duplicates)}")
    for topic in topics:
        unknown = sorted(set(topic.writers + topic.readers) - principals.keys())
        if unknown:
            raise CatalogueError(f"topic {topic.name}: unknown principal(s) {', '.join(unknown)}; "
                                 "declare them under [principals]")
    return Catalogue(agencies, principals, tuple(topics))


@cache
def load_catalogue(path: Path = CATALOGUE_FILE) -> Catalogue:
    """The packaged catalogue (read once)."""
    with path.open("rb") as fh:
        return parse_catalogue(tomllib.load(fh))
