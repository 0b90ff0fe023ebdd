"""Memoising normalisers on the value alone: agencies repeat the same provinces, nationalities,
sex labels, dates and names record after record.

`memoised(maxsize)(fn)` caches the successful results of a pure normaliser
`fn(value, ..., field=...)` by its arguments other than `field`: the field only names the value in
an error message and never changes a result (a memoised function must keep it so). Failures are
not cached: the call is made again, uncached, with the caller's `field`, so the error is exactly
the one `fn` raises. Only arguments of plain immutable types (text, whole numbers, flags, dates,
None) take the cached path, each keyed with its type (`True` is not `1`); anything else calls `fn`
directly.
Results must be immutable (text, dates, frozen dataclasses): every caller gets the same object.
`fn.__wrapped__` is the function itself, uncached.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any, Callable, TypeVar

__all__ = ["memoised", "CACHEABLE_TYPES"]

F = TypeVar("F", bound=Callable[..., Any])
# Not datetime nor tzinfo: equal aware datetimes (and equal offsets) may still print differently.
CACHEABLE_TYPES = frozenset({str, int, bool, type(None), date})
_NO_FIELD = object()


def memoised(maxsize: int) -> Callable[[F], F]:
    def wrap(fn: F) -> F:
        @functools.lru_cache(maxsize=maxsize, typed=True)
        def cached(*args: Any, **options: Any) -> Any:
            return fn(*args, field="", **options)  # a success does not depend on the field's name

        @functools.wraps(fn)
        def wrapper(*args: Any, field: Any = _NO_FIELD, **options: Any) -> Any:
            for value in (*args, *options.values()) if options else args:
                if type(value) not in CACHEABLE_TYPES:
                    break
            else:
                try:
                    return cached(*args, **options)
                except Exception:  # noqa: BLE001 - made again below, uncached, to raise with the caller's field
                    pass
            return fn(*args, **options) if field is _NO_FIELD else fn(*args, field=field, **options)

        wrapper.cache_info = cached.cache_info  # type: ignore[attr-defined]
        wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]
    return wrap
