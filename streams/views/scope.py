"""Whose rows: the caller's provinces, a mandatory argument of every read and operator write.

A provincial operator passes their province codes; a national operator passes `ALL_PROVINCES`
explicitly (there is no default). A case is in a province when it is its lead province or one it
touches; alerts and referrals have their own province.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any, Final

import sqlalchemy as sa

from streams.views import tables as T

__all__ = ["ALL_PROVINCES", "AllProvinces", "Provinces", "codes", "in_provinces", "case_visible"]


class AllProvinces:
    """Every province: what a national operator passes (never a default)."""

    _instance: "AllProvinces | None" = None

    def __new__(cls) -> "AllProvinces":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ALL_PROVINCES"


ALL_PROVINCES: Final = AllProvinces()
Provinces = Collection[str] | AllProvinces


def codes(provinces: Provinces) -> frozenset[str] | None:
    """None for every province; refuses None and a bare string (which would iterate its letters)."""
    if isinstance(provinces, AllProvinces):
        return None
    if provinces is None or isinstance(provinces, (str, bytes)) or not isinstance(provinces, Iterable):
        raise TypeError(f"provinces must be a collection of ISO 3166-2:TH codes or ALL_PROVINCES, not {provinces!r}")
    return frozenset(provinces)


def in_provinces(column: sa.ColumnElement[Any], scope: frozenset[str] | None) -> sa.ColumnElement[bool]:
    """``column`` is one of the provinces (``scope`` from `codes`)."""
    if scope is None:
        return sa.true()
    return column.in_(sorted(scope)) if scope else sa.false()


def case_visible(scope: frozenset[str] | None, case: sa.Table = T.cases) -> sa.ColumnElement[bool]:
    """The case (a row of ``case``) leads in or touches one of the provinces."""
    if scope is None:
        return sa.true()
    if not scope:
        return sa.false()
    cp = T.case_provinces
    touches = sa.exists().where(cp.c.case_id == case.c.case_id, cp.c.province.in_(sorted(scope)))
    return sa.or_(case.c.lead_province.in_(sorted(scope)), touches)
