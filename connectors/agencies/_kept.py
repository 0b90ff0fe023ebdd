"""What the mappings remember from one record to the next, and why each is exact.

Agencies repeat themselves: the same provinces, dates, units, labels and codes come back record
after record, and so do persons (a crew on its port-out and port-in, a worker in an inspection
and a complaint). Reading such a value again through its parser costs ~1 us of wrapping (the
field's name made for a message, the memo's checks), a person 10-20 us. Each cache here holds
only what depends on the value alone, is immutable or handed out as a copy, and is emptied when
full (bounded memory, no bookkeeping on a hit). Keys are texts or tuples of texts where they can
be: those are not tracked by the garbage collector, whose full passes over a large heap cost
more the more long-lived containers each record leaves (a tuple key per unique value doubled them
for a SQL row of unique ids and timestamps):

- `READ` (`Reader.read`): for each parser declared `pure`, its successful results by text: its
  result depends on the value alone (never on the field, which only names it in an error) and is
  immutable. Texts up to LABEL_LENGTH, keyed as `str`, so `1` and `True` never meet; a blank
  value, a problem or a note is found by reading the value again, as before.
- `ITEMS` (`Reader.items`): the cleaned entries of a list, by its text (or the texts of its JSON
  array), when read without a problem.
- `PERSONS` (`_people.build_person`): a person, by the values of the fields its spec names
  (`person_values`) and the arguments; see there.
"""

from __future__ import annotations

import itertools
from typing import Any, Callable, Hashable, TypeVar

__all__ = ["ITEMS", "ITEMS_TEXT", "PERSONS", "READ", "TEXTS", "keep", "person_values", "pure"]

T = TypeVar("T")
READ: dict[Callable[..., Any], dict[str, Any]] = {}   # parser -> text -> result
ITEMS: dict[str | tuple[str, ...], tuple[str, ...]] = {}
ITEMS_TEXT = 1000   # longer list texts (free text read as a list) are not kept
PERSONS: dict[tuple[Any, ...], tuple[dict[str, Any], tuple[str, ...]]] = {}
TEXTS = frozenset({str})
_LIMITS = {id(ITEMS): 8192, id(PERSONS): 8192}   # and READ_KEPT for each parser's dict in READ
READ_KEPT = 16384


def keep(cache: dict[Any, Any], key: Hashable, value: Any) -> None:
    """`cache[key] = value`, emptying the cache first when it is full."""
    if len(cache) >= _LIMITS.get(id(cache), READ_KEPT):
        cache.clear()
    cache[key] = value


def pure(parse: Callable[..., T]) -> Callable[..., T]:
    """Declare `parse(value, field=...)` pure: its successful result depends on `value` alone and
    is immutable, so `Reader.read` may keep it in `READ`."""
    READ.setdefault(parse, {})
    return parse


class _Absent:
    """A field the record does not hold (not the same as a null one); equal only to itself."""


_ABSENTS = itertools.repeat(_Absent())
_KEYABLE = frozenset({str, int, type(None), _Absent})   # never equal across these types (bool is not int here)


def person_values(fields: Any, keys: tuple[str, ...]) -> tuple[Any, ...] | None:
    """The values of `fields` under `keys` (an `_Absent` for a missing one), or None when a value
    is not text, a whole number or null (a float or a flag can equal a number, a list is unhashable)."""
    if type(fields) is not dict:
        return None
    values = tuple(map(fields.get, keys, _ABSENTS))   # fields.get(key, absent) for each key
    return values if _KEYABLE.issuperset(map(type, values)) else None
