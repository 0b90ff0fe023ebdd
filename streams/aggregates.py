"""CTDC-style de-identified reporting: k-anonymous tables of (potential) victims counted from the
joint case views, for ``reports.aggregates.v1`` (``sanpalang.hub.Aggregate``).

Why tables of short combinations, and why merge instead of drop: the CTDC (IOM's Counter
Trafficking Data Collaborative) publishes only k-anonymised data (k = 11) and aggregate counts of
short attribute combinations, because a rare combination of province, year, nationality, sex and
age is enough for a trafficker to recognise a victim. Here each table has one or two dimensions;
every published cell counts at least ``k`` persons; every combination under ``k`` is folded into
one merged cell (``*``), topped up with the next smallest cells until it too reaches ``k``, so that
subtracting the published cells from the total never isolates fewer than ``k`` persons. A table
whose total is under ``k`` publishes no cell at all (and no total).

What this does not prevent: combining several tables of the same population (e.g. a one-dimension
margin against a two-dimension table) can, in rare shapes, narrow a merged cell down. Publish few
tables, and keep the defaults of ``TABLES``.

Pure: values in, values out; the worker decides when to count. It keeps the counts as the case
views come (``AggregateCounts``): recounting every case each time (``aggregate_case_views``) cost
about 26 ms per 645 cases, which at 100,000 open cases would stop the worker's loop for seconds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from streams.cases.ages import local_date
from streams.cases.model import Case

__all__ = ["AGE_BANDS", "DIMENSIONS", "K", "TABLES", "VICTIM_ROLES", "AggregateCounts", "Counted", "PersonDetails",
           "age_band", "age_band_of_dob", "aggregate_case_views", "changed_tables", "counted_persons", "person_details",
           "tabulate", "tabulate_counts"]

K = 11
"""CTDC's k: no published cell counts fewer persons."""

AGE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 8, "0-8"), (9, 17, "9-17"), (18, 20, "18-20"), (21, 23, "21-23"), (24, 26, "24-26"),
    (27, 29, "27-29"), (30, 38, "30-38"), (39, 47, "39-47"), (48, None, "48+"))
"""CTDC's age bands (years, inclusive)."""

DIMENSIONS = ("province", "year", "stage", "trafficking_status", "nationality", "sex", "age_band")

TABLES: tuple[tuple[str, ...], ...] = (
    ("province",), ("year",), ("stage",), ("trafficking_status",), ("nationality",), ("sex",), ("age_band",),
    ("province", "year"), ("province", "stage"), ("year", "stage"), ("year", "nationality"),
    ("year", "sex"), ("year", "age_band"), ("sex", "age_band"))
"""The published tables: every dimension alone, and the pairs reporting asks for."""

VICTIM_ROLES = frozenset({"PotentialVictim", "Victim", "Child"})
_COUNTED_STATUS = frozenset({"PossibleVictimOfTrafficking", "ActualVictimOfTrafficking"})
UNKNOWN = "Unknown"
MERGED = "*"


class PersonDetails(NamedTuple):
    """What the case view does not carry about a person (the worker may know it from the matcher)."""

    sex: str = UNKNOWN
    age_band: str | None = None


class Counted(NamedTuple):
    """One person counted once in one case: the values of every dimension."""

    province: str
    year: str
    stage: str
    trafficking_status: str
    nationality: str
    sex: str
    age_band: str


def age_band(age_years: int | None) -> str:
    """The CTDC band of an age in whole years; Unknown when not known."""
    if age_years is None or age_years < 0:
        return UNKNOWN
    for low, high, label in AGE_BANDS:
        if age_years >= low and (high is None or age_years <= high):
            return label
    return UNKNOWN  # unreachable: the last band is open-ended


def _age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def age_band_of_dob(dob_earliest: date | None, dob_latest: date | None, on: date) -> str:
    """The band of a person whose date of birth lies in [earliest, latest], on day ``on``: the CTDC
    band when the whole range falls in one, else 0-17 or 18+ when that much is sure, else Unknown."""
    if dob_earliest is None or dob_latest is None:
        return UNKNOWN
    oldest, youngest = _age_on(dob_earliest, on), _age_on(dob_latest, on)
    if age_band(oldest) == age_band(youngest):
        return age_band(oldest)
    if oldest < 18:
        return "0-17"
    if youngest >= 18:
        return "18+"
    return UNKNOWN


def person_details(case: Case, sex_of: Mapping[str, str] | None = None) -> dict[str, PersonDetails]:
    """Sex (from ``sex_of``, e.g. the matcher's person records) and age band of each person of a
    case, the age taken on the case's first event day (the latest day exploitation can have begun,
    as ``is_minor_in`` does)."""
    day = local_date(case.first_event_at)
    sex_of = sex_of or {}
    return {p.person_id: PersonDetails(sex_of.get(p.person_id) or UNKNOWN,
                                       age_band_of_dob(p.dob_earliest, p.dob_latest, day)) for p in case.persons}


def _minor_band(is_minor: bool | None) -> str:
    return UNKNOWN if is_minor is None else ("0-17" if is_minor else "18+")


def _is_counted(person: Mapping[str, Any]) -> bool:
    status = person.get("trafficking_status")
    if status is not None:
        return status in _COUNTED_STATUS
    return bool(VICTIM_ROLES & set(person.get("roles") or ()))


def counted_persons(view: Mapping[str, Any], details: Mapping[str, PersonDetails] | None = None) -> list[Counted]:
    """The (potential) victims of one CaseView record; none for a case merged into another (its
    persons are counted in the survivor). ``details`` adds sex and age band by hub person id; without
    it sex is Unknown and the age band is 0-17 / 18+ from ``is_minor``."""
    if view.get("merged_into"):
        return []
    details = details or {}
    opened: datetime = view["opened_at"]
    year = str(local_date(opened).year)
    out = []
    for person in view.get("persons") or ():
        if not _is_counted(person):
            continue
        extra = details.get(person["person_id"], PersonDetails())
        out.append(Counted(
            province=view["lead_province"], year=year, stage=str(view.get("stage") or UNKNOWN),
            trafficking_status=person.get("trafficking_status") or "NotScreened",
            nationality=person.get("nationality") or UNKNOWN, sex=extra.sex or UNKNOWN,
            age_band=extra.age_band or _minor_band(person.get("is_minor"))))
    return out


def table_id(dimensions: Sequence[str], population: str = "victims") -> str:
    return f"{population}/{'+'.join(dimensions)}"


def tabulate(rows: Iterable[Counted], dimensions: Sequence[str], *, computed_at: datetime, k: int = K,
             population: str = "victims") -> dict[str, Any]:
    """One ``sanpalang.hub.Aggregate`` record: the rows counted by ``dimensions``, no cell under ``k``."""
    _check(dimensions, k)
    return _tabulated(Counter(tuple(getattr(row, d) for d in dimensions) for row in rows), dimensions,
                      computed_at, k, population)


def tabulate_counts(counts: Mapping[tuple[str, ...], int], dimensions: Sequence[str], *, computed_at: datetime,
                    k: int = K, population: str = "victims") -> dict[str, Any]:
    """``tabulate`` of persons already counted by the values of ``dimensions``."""
    _check(dimensions, k)
    return _tabulated(counts, dimensions, computed_at, k, population)


def _check(dimensions: Sequence[str], k: int) -> None:
    if k < 2:
        raise ValueError(f"k must be at least 2 for any anonymity, got {k}")
    unknown = [d for d in dimensions if d not in DIMENSIONS]
    if unknown or not dimensions:
        raise ValueError(f"unknown dimension(s) {unknown or '(none)'}; use some of {', '.join(DIMENSIONS)}")


def _tabulated(counts: Mapping[tuple[str, ...], int], dimensions: Sequence[str], computed_at: datetime, k: int,
               population: str) -> dict[str, Any]:
    total = sum(counts.values())
    record: dict[str, Any] = {"table_id": table_id(dimensions, population), "population": population,
                              "dimensions": list(dimensions), "k": k, "total": None, "cells": [],
                              "merged_cells": 0, "computed_at": computed_at}
    if total < k:
        return record
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    shown = [(values, n) for values, n in ordered if n >= k]
    merged = sum(n for _, n in ordered if n < k)
    folded = len(ordered) - len(shown)
    while folded and merged < k:  # top up with the smallest shown cell: differencing must not isolate < k
        _, n = shown.pop()
        merged, folded = merged + n, folded + 1
    cells = [{"values": list(values), "count": n, "merged": False} for values, n in shown]
    if folded:
        cells.append({"values": [MERGED] * len(dimensions), "count": merged, "merged": True})
    record.update(total=total, cells=cells, merged_cells=folded)
    return record


def aggregate_case_views(views: Iterable[Mapping[str, Any]], *, computed_at: datetime | None = None, k: int = K,
                         tables: Sequence[Sequence[str]] = TABLES,
                         details: Mapping[str, PersonDetails] | None = None) -> list[dict[str, Any]]:
    """Every table of ``tables`` over the latest view of each case (a later view of the same case id
    replaces an earlier one). ``computed_at`` defaults to the newest ``updated_at`` seen, so that a
    replay publishes the same records."""
    latest: dict[str, Mapping[str, Any]] = {}
    for view in views:
        latest[view["case_id"]] = view
    rows = [row for view in latest.values() for row in counted_persons(view, details)]
    if computed_at is None:
        stamps = [v["updated_at"] for v in latest.values()]
        if not stamps:
            raise ValueError("no case views and no computed_at: nothing tells the time of the report")
        computed_at = max(stamps)
    return [tabulate(rows, dims, computed_at=computed_at, k=k) for dims in tables]


class AggregateCounts:
    """The counts of every table of ``tables``, kept as case views come: a later view of a case
    takes its earlier one's persons out of the counts and puts its own in. ``tables()`` gives what
    ``aggregate_case_views`` gives over the latest view of each case."""

    def __init__(self, tables: Sequence[Sequence[str]] = TABLES, k: int = K) -> None:
        self.dimensions = [tuple(dims) for dims in tables]
        self.k = k
        self._counts: list[Counter[tuple[str, ...]]] = [Counter() for _ in self.dimensions]
        self._rows: dict[str, list[Counted]] = {}           # case id -> its counted persons
        self._computed_at: datetime | None = None            # the newest updated_at seen

    def add(self, view: Mapping[str, Any]) -> None:
        rows = counted_persons(view)
        before = self._rows.pop(view["case_id"], [])
        if rows:
            self._rows[view["case_id"]] = rows
        for dims, counts in zip(self.dimensions, self._counts):
            for row in before:
                key = tuple(getattr(row, d) for d in dims)
                counts[key] -= 1
                if not counts[key]:
                    del counts[key]
            counts.update(tuple(getattr(row, d) for d in dims) for row in rows)
        if self._computed_at is None or view["updated_at"] > self._computed_at:
            self._computed_at = view["updated_at"]

    def tables(self) -> list[dict[str, Any]]:
        if self._computed_at is None:
            raise ValueError("no case views yet: nothing tells the time of the report")
        return [tabulate_counts(counts, dims, computed_at=self._computed_at, k=self.k)
                for dims, counts in zip(self.dimensions, self._counts)]


def changed_tables(published: Mapping[str, Mapping[str, Any]], tables: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The tables whose content differs from the last published version (keyed by table id),
    ``computed_at`` aside: publish only these, so the compacted topic is not churned every tick."""
    def content(record: Mapping[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in record.items() if key != "computed_at"}
    return [dict(t) for t in tables
            if t["table_id"] not in published or content(published[t["table_id"]]) != content(t)]
