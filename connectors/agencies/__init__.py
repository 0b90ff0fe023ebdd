"""Agency mappings: each agency's native records -> canonical events, or a MappingError naming every problem.

    >>> from connectors.agencies import mapper_for
    >>> publications = route("labour", record, mapper_for("labour"), received_at)

Pure: no clock, no I/O; a mapper is `mapper(fields, origin) -> list[Event]` (`connectors.routing.Mapper`).
`translate(agency, fields, origin)` gives the same events plus the notes of what was left out of
them (an unreadable date of birth, a Thai ID with a wrong check digit...), for the shell to log.
The native shapes are documented in NATIVE.md, with examples in `examples/`.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from connectors.agencies import immigration, labour, police, social
from connectors.mapping.envelope import EVENT_NAMESPACE, Translation, content_version, event_id
from connectors.records import Event, Origin

__all__ = ["AGENCIES", "EVENT_NAMESPACE", "MAPPERS", "Translation", "content_version", "event_id", "mapper_for",
           "translate"]

Mapper = Callable[[Mapping[str, Any], Origin], list[Event]]

MAPPERS: dict[str, Mapper] = {
    "police": police.map_record,
    "immigration": immigration.map_record,
    "labour": labour.map_record,
    "social": social.map_record,
}
_TRANSLATORS: dict[str, Callable[[Mapping[str, Any], Origin], Translation]] = {
    "police": police.translate,
    "immigration": immigration.translate,
    "labour": labour.translate,
    "social": social.translate,
}
AGENCIES = tuple(MAPPERS)


def mapper_for(agency: str) -> Mapper:
    """The mapper of `agency` (police, immigration, labour or social); KeyError naming them otherwise."""
    try:
        return MAPPERS[agency]
    except KeyError:
        raise KeyError(f"no mapping for agency {agency!r}; the agencies are {', '.join(AGENCIES)}") from None


def translate(agency: str, fields: Mapping[str, Any], origin: Origin) -> Translation:
    """The events of one native record and the notes of what was dropped (raises MappingError)."""
    mapper_for(agency)
    return _TRANSLATORS[agency](fields, origin)
