"""Reading one native record's fields: every problem collected, dropped person data noted.

A mapping reads all the fields it needs through one `FieldReader`, which never raises for a bad value:
problems (the record cannot be a true event) and notes (a person attribute left out, an unknown
label mapped to Other) are collected, and `finish()` raises one `MappingError` naming every
problem. Each message names the native field, quotes the value and says what was expected, in
the words of `NormaliseError` (`persons[1].dob '31/02/2561': day 31 does not exist...`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Callable, TypeVar

from connectors.mapping.kept import ITEMS, ITEMS_TEXT, READ, TEXTS, keep, pure
from connectors.mapping.values import ID_LENGTH, LABEL_LENGTH, TEXT_LENGTH, clean_text, parse_day, parse_day_be, \
    parse_moment, parse_moment_be, to_millis, vocab_key
from connectors.normalise import (Era, NormaliseError, is_blank, normalise_nationality, normalise_province,
                                  thai_digits_to_ascii)
from connectors.normalise._text import BLANK_LENGTH, _is_blank_text
from connectors.records import MappingError

__all__ = ["LABEL_LENGTH", "ID_LENGTH", "TEXT_LENGTH", "MAX_ITEMS", "FieldReader", "clean_text", "parse_moment", "pure",
           "to_millis", "vocab_key"]  # the value helpers are re-exported from values

T = TypeVar("T")
MAX_ITEMS = 500  # list entries (persons, crew, labels) in one record
_LIST_SEPARATORS = str.maketrans({",": ";", "\n": ";", "\r": ";"})
_YES = {"true", "yes", "y", "1", "ใช่", "มี", "ส่ง", "ส่งต่อ", "จับกุม", "จับกุมแล้ว", "ให้ความยินยอม", "ยินยอม"}
_NO = {"false", "no", "n", "0", "ไม่ใช่", "ไม่มี", "ไม่ส่ง", "ไม่ส่งต่อ", "ไม่จับกุม", "ไม่ยินยอม", "ปฏิเสธ"}


@pure
def _free_text(value: object, field: str) -> str:
    return clean_text(value, field, TEXT_LENGTH, multiline=True)


@pure
def _identifier(value: object, field: str) -> str:
    return clean_text(value, field, ID_LENGTH)


for _parse in (clean_text, parse_moment, parse_moment_be, parse_day, parse_day_be, normalise_province,
               normalise_nationality):
    pure(_parse)


class FieldReader:
    """The fields of one native record (or of a part of it: a person, a crew entry)."""

    def __init__(self, fields: Mapping[str, Any], where: str = "", *, problems: list[str] | None = None,
                 notes: list[str] | None = None, short_era: Era | None = None) -> None:
        self.fields = fields
        self.short_era = short_era   # the era this source writes two-digit years in (Excel's 02/08/61)
        self.where = where
        self.problems: list[str] = [] if problems is None else problems
        self.notes: list[str] = [] if notes is None else notes
        self.code = "invalid-record"

    @classmethod
    def of(cls, fields: object, *, short_era: Era | None = None) -> FieldReader:
        if type(fields) is not dict and not isinstance(fields, Mapping):
            raise MappingError([f"the record is a {type(fields).__name__}, not an object of named fields"],
                               code="not-an-object")
        return cls(fields, short_era=short_era)

    def child(self, fields: Mapping[str, Any], where: str) -> FieldReader:
        """A reader of a nested part, sharing this record's problems, notes and era."""
        return FieldReader(fields, where, problems=self.problems, notes=self.notes, short_era=self.short_era)

    # --- raw access and messages ---------------------------------------------------------------
    def name(self, key: str) -> str:
        return f"{self.where}{key}"

    def get(self, key: str) -> Any:
        return self.fields.get(key)

    def given(self, key: str) -> bool:
        value = self.fields.get(key)  # not is_blank(value), inlined
        return not (value is None or (isinstance(value, str) and len(value) <= BLANK_LENGTH
                                      and _is_blank_text(value)))

    def problem(self, key: str, value: object, reason: str) -> None:
        self.problems.append(str(NormaliseError(self.name(key), value, reason)))

    def missing(self, key: str, expected: str) -> None:
        self.problems.append(f"{self.name(key)}: missing; expected {expected}")

    def note(self, message: str) -> None:
        self.notes.append(message)

    def finish(self) -> None:
        """Raise one MappingError naming every problem found, if any."""
        if self.problems:
            raise MappingError(list(dict.fromkeys(self.problems)), code=self.code)

    # --- typed reads ---------------------------------------------------------------------------
    def read(self, key: str, parse: Callable[..., T], expected: str, *, required: bool = False,
             lenient: bool = False) -> T | None:
        """`parse(value, field=...)` of a non-blank value; None when blank or unreadable.

        Unreadable: a problem, or a note when `lenient` (the value is dropped, the event kept).
        """
        value = self.fields.get(key)
        kept = READ.get(parse)   # None unless parse is pure (see kept)
        if kept is not None and type(value) is str:
            found = kept.get(value)
            if found is not None:   # read before by a pure parser (see kept): not blank, no problem
                return found
        # is_blank(value), inlined: this runs for every field of every record
        if value is None or (isinstance(value, str) and len(value) <= BLANK_LENGTH and _is_blank_text(value)):
            if required:
                self.missing(key, expected)
            return None
        try:
            found = parse(value, field=f"{self.where}{key}")
        except NormaliseError as err:
            if lenient:
                self.note(f"dropped {err}")
            else:
                self.problems.append(str(err))
            return None
        if kept is not None and found is not None and type(value) is str and len(value) <= LABEL_LENGTH:
            keep(kept, value, found)
        return found

    def label(self, key: str, *, required: bool = False, max_length: int = LABEL_LENGTH) -> str | None:
        parse = clean_text if type(max_length) is int and max_length == LABEL_LENGTH else \
            lambda v, field: clean_text(v, field, max_length)
        return self.read(key, parse, "a name or label", required=required)

    def text(self, key: str, *, required: bool = False) -> str | None:
        return self.read(key, _free_text, "text", required=required)

    def ident(self, key: str, *, required: bool = False) -> str | None:
        return self.read(key, _identifier, "an identifier", required=required)

    def moment(self, key: str, *, required: bool = False) -> datetime | None:
        return self.read(key, parse_moment_be if self.short_era is Era.BE else parse_moment,
                         "a date and time such as 02/08/2561 14:30 or 2018-08-02T14:30:00+07:00", required=required)

    def day(self, key: str, *, required: bool = False) -> date | None:
        return self.read(key, parse_day_be if self.short_era is Era.BE else parse_day,
                         "a date such as 30/06/2568 or 2025-06-30", required=required)

    def province(self, key: str, *, required: bool = True) -> str | None:
        return self.read(key, normalise_province, "a Thai province (เชียงราย, Chiang Rai, 57 or TH-57)",
                         required=required)

    def country(self, key: str, *, required: bool = False, lenient: bool = False) -> str | None:
        return self.read(key, normalise_nationality, "a country (พม่า, Myanmar, MM or MMR)", required=required,
                         lenient=lenient)

    def flag(self, key: str, *, required: bool = False, default: bool | None = None) -> bool | None:
        value = self.get(key)
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if is_blank(value):
            if required:
                self.missing(key, "yes or no")
            return default
        word = vocab_key(value) if isinstance(value, str) and len(value) <= 40 else None
        if word in _YES or word in _NO:
            return word in _YES
        self.problem(key, value, "expected yes or no (true/false, Y/N, 1/0, ใช่/ไม่ใช่, มี/ไม่มี)")
        return default

    def count(self, key: str) -> int | None:
        value = self.get(key)
        if is_blank(value):
            return None
        if isinstance(value, str) and len(value) <= 20:
            digits = thai_digits_to_ascii(value).replace(",", "").strip()
            value = int(digits) if digits.isascii() and digits.isdigit() else value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10_000_000:
            return value
        self.problem(key, value, "expected a whole number such as 46")
        return None

    def objects(self, key: str, *, required: bool = False, many: bool = True) -> list[FieldReader]:
        """Readers of the nested object (or, when `many`, the array of objects) in `key`."""
        value = self.fields.get(key)
        if value is None:   # the common absent field, before the checks below
            if required:
                self.missing(key, "a list of objects" if many else "an object")
            return []
        # `type(...) is dict or` before each isinstance: the Mapping check is an ABC's, ~10x slower
        mapping = type(value) is dict or isinstance(value, Mapping)
        if is_blank(value) or ((mapping or isinstance(value, list)) and not value):
            if required:
                self.missing(key, "a list of objects" if many else "an object")
            return []
        name = self.name(key)
        if mapping:
            entries, wheres = [value], [f"{name}{'[0]' if many else ''}."]
        elif many and isinstance(value, list):
            if len(value) > MAX_ITEMS:
                self.problem(key, value, f"has {len(value)} entries; at most {MAX_ITEMS} are accepted")
                return []
            entries, wheres = value, [f"{name}[{i}]." for i in range(len(value))]
        else:
            self.problem(key, value, "expected a JSON array of objects" if many else "expected a JSON object")
            return []
        out = []
        for entry, where in zip(entries, wheres):
            if type(entry) is dict or isinstance(entry, Mapping):
                out.append(self.child(entry, where))
            else:
                self.problems.append(f"{where[:-1]}: expected an object with named fields, got {type(entry).__name__}")
        return out

    def items(self, key: str) -> list[str]:
        """A list: a JSON array of texts, or text separated by ';' (also ',' or line breaks).

        Remembered (`kept.ITEMS`) by the text or the texts of the array, when read without a
        problem: labels, agencies and offences come back as the same few lists."""
        value = self.fields.get(key)
        kept_as: str | tuple[str, ...] | None = None
        if type(value) is str:
            kept_as = value if len(value) <= ITEMS_TEXT else None
        elif type(value) is list and TEXTS.issuperset(map(type, value)):
            kept_as = tuple(value)   # texts only: never equal to another list with a number or a flag
        if kept_as is not None:
            kept = ITEMS.get(kept_as)
            if kept is not None:
                return list(kept)
        problems = len(self.problems)
        out = self._items(key, value)
        if kept_as is not None and len(self.problems) == problems:
            keep(ITEMS, kept_as, tuple(out))
        return out

    def _items(self, key: str, value: Any) -> list[str]:
        if is_blank(value):
            return []
        if isinstance(value, str):
            if len(value) > TEXT_LENGTH:
                self.problem(key, value, f"is {len(value)} characters long; at most {TEXT_LENGTH} are accepted")
                return []
            raw = [part for part in value.translate(_LIST_SEPARATORS).split(";") if part.strip()]
        elif isinstance(value, list):
            raw = [part for part in value if not is_blank(part)]
        else:
            self.problem(key, value, "expected a list (a JSON array, or values separated by ';')")
            return []
        if len(raw) > MAX_ITEMS:
            self.problem(key, value, f"has {len(raw)} entries; at most {MAX_ITEMS} are accepted")
            return []
        out = []
        for index, part in enumerate(raw):
            try:
                out.append(clean_text(part, f"{self.name(key)}[{index}]"))
            except NormaliseError as err:
                self.problems.append(str(err))
        return out

    def choice(self, key: str, table: Mapping[str, str], expected: str, *, required: bool = False,
               other: str | None = None) -> str | None:
        """One value of a vocabulary (keys in `vocab_key` form). Unknown: `other` with a note when the
        vocabulary is open, a problem when it is closed (`other` None)."""
        value = self.read(key, clean_text, expected, required=required)
        if value is None:
            return None
        found = table.get(vocab_key(value))
        if found is not None:
            return found
        if other is None:
            self.problem(key, value, f"expected {expected}")
            return None
        self.note(f"{self.name(key)} {value!r} is not a known value; mapped to {other}")
        return other

    def labels(self, key: str, table: Mapping[str, str], other: str = "Other") -> list[str]:
        """Values of an open vocabulary, in order, without repeats; unknown labels become `other`."""
        out: list[str] = []
        for item in self.items(key):
            found = table.get(vocab_key(item))
            if found is None:
                self.note(f"{self.name(key)} {item!r} is not a known value; mapped to {other}")
                found = other
            if found not in out:
                out.append(found)
        return out
