"""What the mappings remember from one record to the next, and why each is exact.

Agencies repeat themselves: the same provinces, dates, units, labels and codes come back record
after record, and a kept value is not parsed again. The normalisers keep nothing themselves (their
memo went in issue 14): without this table as well, the intake bench's mapping costs x1.26 the
CPU (x1.48 with the romanisation model hidden; docs/benchmarks.md). Persons are not remembered:
on exports of mostly different people (the intake benchmark's, drawn from the simulator's
population) remembering them cost more in misses than it saved. Each cache here holds only what
depends on the value alone, is immutable or handed out as a copy, and is emptied when full
(bounded memory, no bookkeeping on a hit). Keys are texts or tuples of texts where they can be:
those are not tracked by the garbage collector, whose full passes over a large heap cost more the
more long-lived containers each record leaves (a tuple key per unique value doubled them for a SQL
row of unique ids and timestamps):

- `READ` (`FieldReader.read`): for each parser declared `pure`, its successful results by text: its
  result depends on the value alone (never on the field, which only names it in an error) and is
  immutable. Texts up to LABEL_LENGTH, keyed as `str`, so `1` and `True` never meet; a blank
  value, a problem or a note is found by reading the value again, as before.
- `ITEMS` (`FieldReader.items`): the cleaned entries of a list, by its text (or the texts of its JSON
  array), when read without a problem.
"""

from __future__ import annotations

from typing import Any, Callable, Hashable, TypeVar

__all__ = ["ITEMS", "ITEMS_TEXT", "READ", "TEXTS", "keep", "pure"]

T = TypeVar("T")
READ: dict[Callable[..., Any], dict[str, Any]] = {}   # parser -> text -> result
ITEMS: dict[str | tuple[str, ...], tuple[str, ...]] = {}
ITEMS_TEXT = 1000   # longer list texts (free text read as a list) are not kept
TEXTS = frozenset({str})
_LIMITS = {id(ITEMS): 8192}   # and READ_KEPT for each parser's dict in READ
READ_KEPT = 16384


def keep(cache: dict[Any, Any], key: Hashable, value: Any) -> None:
    """`cache[key] = value`, emptying the cache first when it is full."""
    if len(cache) >= _LIMITS.get(id(cache), READ_KEPT):
        cache.clear()
    cache[key] = value


def pure(parse: Callable[..., T]) -> Callable[..., T]:
    """Declare `parse(value, field=...)` pure: its successful result depends on `value` alone and
    is immutable, so `FieldReader.read` may keep it in `READ`."""
    READ.setdefault(parse, {})
    return parse
