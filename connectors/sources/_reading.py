"""The records inside a decoded text export: physical lines, CSV records (quoted line ends), JSON Lines.

Pure, and private to ``files.py`` (which re-exports ``FileRecord``, ``UnreadableFile`` and
``MAX_RECORD_BYTES``). Line numbers are physical (1-based, as an editor shows them); record
numbers count records, header excluded, bad ones included.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import json
import unicodedata
from dataclasses import dataclass
from typing import BinaryIO, Iterable, Iterator

from connectors.records import Origin, SourceRecord

MAX_RECORD_BYTES = 64 * 1024
_BOM = codecs.BOM_UTF8


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (no header, duplicate columns...); the message says why."""


@dataclass(frozen=True)
class FileRecord:
    """A record of a file with its number (1-based, header excluded) and physical lines (1-based)."""

    number: int
    first_line: int
    last_line: int
    record: SourceRecord


@dataclass
class _Line:
    number: int
    raw: bytes            # with its line end; cut to the limit when ``length`` exceeds it
    length: int
    text: str | None      # decoded; None when over the limit


class _WideLines:
    """``readline`` for UTF-16 bytes: a line ends at the two-byte line feed on a character boundary
    (a plain ``readline`` would cut ``0A 00`` in two and misalign every later line). Built on the
    stream's own ``readline``, the one method the file drop's hashing stream has."""

    def __init__(self, stream: BinaryIO, encoding: str) -> None:
        self._stream, self._buffer = stream, b""
        self._newline = "\n".encode(encoding)

    def readline(self, limit: int) -> bytes:
        limit -= limit % 2
        while True:
            at = self._buffer.find(self._newline)
            while at > 0 and at % 2:
                at = self._buffer.find(self._newline, at + 1)
            if 0 <= at < limit:
                line, self._buffer = self._buffer[:at + 2], self._buffer[at + 2:]
                return line
            if len(self._buffer) >= limit:
                line, self._buffer = self._buffer[:limit], self._buffer[limit:]
                return line
            more = self._stream.readline(65536)   # readline: all the file drop's hashing stream offers
            if not more:
                line, self._buffer = self._buffer, b""
                return line
            self._buffer += more


_BOMS = {"utf-8-sig": _BOM, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}


def physical_lines(stream: BinaryIO, encoding: str) -> Iterator[_Line]:
    number = 0
    reader = _WideLines(stream, encoding) if encoding.startswith("utf-16") else stream
    bom = _BOMS.get(encoding, _BOM)
    newline = b"\n" if encoding in ("utf-8", "utf-8-sig", "cp874") else "\n".encode(encoding)
    while True:
        raw = reader.readline(MAX_RECORD_BYTES + 1)
        if not raw:
            return
        number += 1
        length = len(raw)
        while length > MAX_RECORD_BYTES and not raw.endswith(newline):
            rest = reader.readline(1 << 20)
            if not rest:
                break
            length += len(rest)
            if rest.endswith(newline):
                break
        if number == 1 and raw.startswith(bom):
            raw, length = raw[len(bom):], length - len(bom)
        over = length > MAX_RECORD_BYTES
        yield _Line(number, raw[:MAX_RECORD_BYTES], length,
                    None if over else raw.decode("utf-8" if encoding == "utf-8-sig" else encoding, "replace"))


_WIDE_ENDS = (b"\r\x00\n\x00", b"\x00\r\x00\n", b"\n\x00", b"\x00\n")


def _strip_end(raw: bytes) -> bytes:
    # A UTF-16 line first (an odd-length line cannot be one); then LF or CR LF.
    wide = next((e for e in _WIDE_ENDS if raw.endswith(e)), None) if len(raw) % 2 == 0 else None
    if wide:
        return raw[:-len(wide)]
    return raw[:-2] if raw.endswith(b"\r\n") else raw[:-1] if raw.endswith(b"\n") else raw


def _too_long(name: str, number: int, line: _Line) -> FileRecord:
    return _bad(name, number, line.number, line.number, line.raw,
                f"line {line.number} is {line.length} bytes long; the limit is {MAX_RECORD_BYTES}")


def _bad(name: str, number: int, first: int, last: int, raw: bytes, problem: str) -> FileRecord:
    origin = Origin("file", name, f"line {first} (record {number})")
    return FileRecord(number, first, last, SourceRecord(origin, _strip_end(raw), None, problem))


def jsonl_records(name: str, lines: Iterator[_Line]) -> Iterator[FileRecord]:
    number = 0
    for line in lines:
        if line.text is not None and not line.text.strip():
            continue
        number += 1
        if line.text is None:
            yield _too_long(name, number, line)
            continue
        origin = Origin("file", name, f"line {line.number} (record {number})")
        raw = _strip_end(line.raw)
        try:
            value = json.loads(line.text)
        except (ValueError, RecursionError) as err:
            yield FileRecord(number, line.number, line.number,
                             SourceRecord(origin, raw, None, f"line {line.number} is not valid JSON: {err}"))
            continue
        if isinstance(value, dict):
            yield FileRecord(number, line.number, line.number, SourceRecord(origin, raw, value))
        else:
            yield FileRecord(number, line.number, line.number, SourceRecord(
                origin, raw, None, f"line {line.number} is a JSON {type(value).__name__}, not an object"))


def csv_records(name: str, lines: Iterator[_Line]) -> Iterator[FileRecord]:
    first = next((line for line in lines if line.text is None or line.text.strip()), None)
    if first is None:
        raise UnreadableFile("the file is empty: there is no header line")
    delimiter = max(",;\t|", key=lambda d: ((first.text or "").count(d), d == ","))
    pieces = _csv_pieces(itertools.chain([first], lines), delimiter)
    _, _, header, problem = next(pieces)
    if problem:
        raise UnreadableFile(f"the header cannot be read: {problem}")
    return _csv_rows(name, pieces, _columns(header, delimiter), delimiter)


def _csv_rows(name: str, pieces: Iterator[_Piece], columns: list[str], delimiter: str) -> Iterator[FileRecord]:
    number = 0
    for first, last, lines, problem in pieces:
        number += 1
        raw = b"".join(line.raw for line in lines)
        if problem is None and any("\x00" in (line.text or "") for line in lines):
            problem = f"line {first} contains NUL bytes (binary data in a text export?)"
        if problem:
            yield _bad(name, number, first, last, raw, problem)
            continue
        try:
            row = _cells(lines, delimiter)
        except csv.Error as err:
            yield _bad(name, number, first, last, raw, f"line {first} is not valid CSV: {err}")
            continue
        if len(row) != len(columns):
            yield _bad(name, number, first, last, raw,
                       f"line {first} has {len(row)} fields; the header has {len(columns)}")
            continue
        origin = Origin("file", name, f"line {first} (record {number})")
        yield FileRecord(number, first, last, SourceRecord(origin, _strip_end(raw), dict(zip(columns, row))))


def _cells(lines: list[_Line], delimiter: str) -> list[str]:
    """The cells of one CSV record, as ``csv.reader`` reads them.

    A one-line record without quote, carriage return or NUL is what most exports are made of;
    ``csv.reader`` then only splits it at the delimiter, which ``str.split`` does without building
    a reader for every record (some 2 us a record)."""
    if len(lines) == 1:
        text = lines[0].text or ""
        body = text[:-1] if text.endswith("\n") else text
        if body.endswith("\r"):
            body = body[:-1]
        if body and '"' not in body and "\r" not in body and "\x00" not in body and "\n" not in body:
            return body.split(delimiter)
    return next(csv.reader([line.text or "" for line in lines], delimiter=delimiter), [])


def _columns(lines: list[_Line], delimiter: str) -> list[str]:
    texts = [line.text or "" for line in lines]
    if any("\x00" in text for text in texts):
        raise UnreadableFile("the header line contains NUL bytes")
    try:
        cells = next(csv.reader(texts, delimiter=delimiter))
    except (csv.Error, StopIteration) as err:
        raise UnreadableFile(f"the header line is not valid CSV: {err}") from err
    names = [unicodedata.normalize("NFC", cell.strip()) for cell in cells]
    if not any(names):
        raise UnreadableFile("the header line names no column")
    columns = [n or f"column {i}" for i, n in enumerate(names, 1)]
    twice = sorted({c for c in columns if columns.count(c) > 1})
    if twice:
        raise UnreadableFile(f"the header names column(s) {', '.join(map(repr, twice))} more than once")
    return columns


_Piece = tuple[int, int, list[_Line], str | None]


def _csv_pieces(lines: Iterable[_Line], delimiter: str) -> Iterator[_Piece]:
    """Group physical lines into CSV records (a quoted field may hold line ends); skip blank lines.

    Yields (first line, last line, lines, problem or None); a record over the size limit or with a
    quote never closed is a problem, and reading resumes on the line after it.
    """
    group: list[_Line] = []
    size = 0
    for line in lines:
        if line.text is None:                           # one line over the size limit
            if group:
                yield _unclosed(group, "is still open where a line over the size limit starts")
                group, size = [], 0
            yield line.number, line.number, [line], (
                f"line {line.number} is {line.length} bytes long; the limit is {MAX_RECORD_BYTES}")
            continue
        if not group and not line.text.strip():
            continue
        group.append(line)
        size += line.length
        if not _open_quote("".join(x.text or "" for x in group) if len(group) > 1 else line.text, delimiter):
            yield group[0].number, line.number, group, None
            group, size = [], 0
        elif size > MAX_RECORD_BYTES:
            yield _unclosed(group, f"is still open after {size} bytes (limit {MAX_RECORD_BYTES})")
            group, size = [], 0
    if group:
        yield _unclosed(group, "is never closed: the file ends inside it")


def _unclosed(group: list[_Line], what: str) -> _Piece:
    first = group[0].number
    return first, group[-1].number, group, f"a quoted field opened on line {first} {what}"


def _open_quote(text: str, delimiter: str) -> bool:
    """Whether a CSV record's text ends inside a quoted field (the csv module's default rules:
    a quote opens a field only at its start; a doubled quote inside is a literal quote)."""
    if '"' not in text:
        return False
    i, n, field_start, in_quotes = 0, len(text), True, False
    while i < n:
        if in_quotes:
            j = text.find('"', i)
            if j < 0:
                return True
            if j + 1 < n and text[j + 1] == '"':
                i = j + 2
                continue
            in_quotes, field_start, i = False, False, j + 1
        elif field_start and text[i] == '"':
            in_quotes, i = True, i + 1
        else:
            j = text.find(delimiter, i)
            k = text.find("\n", i)
            if j < 0 and k < 0:
                return False
            j = min(x for x in (j, k) if x >= 0)
            field_start, i = True, j + 1
    return in_quotes
