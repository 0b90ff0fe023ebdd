"""The views' own errors: a record they cannot store, a database they cannot reach."""

from __future__ import annotations

__all__ = ["ViewSinkError", "ViewRecordError"]


class ViewSinkError(Exception):
    """The sink could not apply records (database unreachable, migration failed, not started);
    the cause is chained. The batch was rolled back: applying it again is safe."""


class ViewRecordError(ViewSinkError, ValueError):
    """A hub record the views cannot store as it is (naive datetime, a key twice in one view, an
    unknown kind); the message names the record and the field. Retrying will not help."""
