"""What one HTTP intake body holds, decided without trusting it (pure): its source records.

Any bytes at all end as records: the items of a JSON body, each to be routed, or one unreadable
record that names why the body could not be read (and carries it whole to its dead letter). The
limits are checked before or while parsing, never left to the interpreter, because each of these
used to escape as a 500 with no trace:

- nesting over ``MAX_DEPTH`` levels (Python's parser recurses and raises ``RecursionError`` near
  1,000; no agency record nests more than a handful);
- integers over ``MAX_DIGITS`` digits (Python refuses over 4,300 with a ``ValueError``; a record
  id of 13 digits is the longest number an agency sends);
- text that is not characters: a stray byte of another encoding, a UTF-8/16 encoded surrogate
  (refused by strict decoding), or a ``\\ud800`` escape that is not half of a pair (valid JSON, but
  no UTF-8 string can hold it: the event, the dead letter and the item's JSON would all fail);
- ``NaN`` / ``Infinity``, which Python's parser accepts and JSON does not.

The text is UTF-8 unless the request declares its charset (one of ``CHARSETS``: a Thai system may
send TIS-620 or windows-874); UTF-16 and UTF-32 are recognised as RFC 4627 describes, a
byte-order mark is skipped.
"""

from __future__ import annotations

import codecs
import itertools
import json
import re
from typing import Any

from connectors.records import Origin, SourceRecord

__all__ = ["CHARSETS", "MAX_DEPTH", "MAX_DIGITS", "PATH", "BodyError", "item_json", "nesting", "parse_body",
           "split_body"]

PATH = "/v1/records"
MAX_DEPTH = 64
MAX_DIGITS = 100

_NOT_SKELETON = bytes(c for c in range(256) if c not in b'"[]{}')
_SKELETON_STRING = re.compile(rb'"[^"]*"')
_STEP = [1 if c in b"[{" else -1 for c in range(256)]
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
# Strict decoders of these never yield a surrogate; odd codecs (unicode_escape, utf-7) would.
CHARSETS = frozenset({"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be",
                      "tis-620", "cp874", "iso8859-11", "ascii", "iso8859-1"})
_ALIASES = {"windows-874": "cp874"}   # the IANA name Python does not know


class BodyError(ValueError):
    """The body cannot be read as records; the message says why, for the caller and the dead letter."""


def split_body(body: bytes, request_id: str, max_records: int, *, item_bytes: bool = True,
               charset: str | None = None, problem: str | None = None) -> list[SourceRecord]:
    """The source records of one request body; an unreadable body (or a ``problem`` found in the
    request's headers) is one unreadable record carrying the body whole.

    Each record's ``raw`` is its item as JSON text; with ``item_bytes=False`` an object item gets
    ``b""`` instead: ``routing.route_deferred`` writes the text only for the items dead-lettered,
    and saves some 10 us an item."""
    def origin(index: int | None) -> Origin:
        where = f"request {request_id}" + ("" if index is None else f" item {index}")
        return Origin("http", f"POST {PATH}", where)

    try:
        if problem:
            raise BodyError(problem)
        items, text = _items(body, charset, max_records)
    except BodyError as err:
        return [SourceRecord(origin(None), body, None, str(err))]
    unencodable = _unencodable if _SURROGATE_ESCAPE.search(text) else (lambda _: False)
    records = []
    for index, item in enumerate(items):
        if unencodable(item):
            records.append(SourceRecord(origin(index), item_json(item), None,
                                        f"item {index} holds a \\ud800-\\udfff escape that is not half of a "
                                        "surrogate pair, which is no character"))
        elif isinstance(item, dict):
            records.append(SourceRecord(origin(index), item_json(item) if item_bytes else b"", item))
        else:
            records.append(SourceRecord(origin(index), item_json(item), None,
                                        f"item {index} is a JSON {type(item).__name__}, not an object"))
    return records


def _items(body: bytes, charset: str | None, max_records: int) -> tuple[list[Any], str]:
    text, encoding = _text(body, charset)
    parsed = parse_body(text, None if encoding.startswith(("utf-16", "utf-32")) else body)
    items = parsed.get("records") if isinstance(parsed, dict) and "records" in parsed else parsed
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        raise BodyError("the body must be a JSON object, an array of objects, or {\"records\": [...]}")
    if len(items) > max_records:
        raise BodyError(f"{len(items)} records in one request; send at most {max_records} per request")
    return items, text


def _text(body: bytes, charset: str | None) -> tuple[str, str]:
    try:
        encoding = codecs.lookup(_ALIASES.get(charset.lower(), charset)).name if charset else json.detect_encoding(body)
    except LookupError:
        encoding = charset or ""
    if encoding not in CHARSETS:
        raise BodyError(f"the declared charset {charset!r} is not one this intake reads; send UTF-8")
    try:
        return body.decode(encoding).removeprefix("\ufeff"), encoding
    except UnicodeDecodeError as err:
        raise BodyError(f"the body is not {encoding} text ({err.reason} at byte {err.start}); "
                        "send UTF-8 or declare the charset in Content-Type") from None


def parse_body(text: str, ascii_bytes: bytes | None = None) -> Any:
    """The JSON value of ``text`` within the limits above; ``BodyError`` naming the one broken.
    ``ascii_bytes``: the text in an ASCII-compatible encoding, if at hand (saves encoding it)."""
    depth = nesting(text.encode("utf-8", "surrogatepass") if ascii_bytes is None else ascii_bytes)
    if depth > MAX_DEPTH:
        raise BodyError(f"the body nests {depth} levels deep; at most {MAX_DEPTH} are read")
    try:
        return json.loads(text, parse_int=_integer, parse_constant=_constant)
    except BodyError:
        raise
    except ValueError as err:   # json.JSONDecodeError and anything the parser refuses
        raise BodyError(f"the body is not JSON: {err}") from None


def nesting(text: bytes) -> int:
    """How deep the brackets of JSON ``text`` (in an ASCII-compatible encoding) nest, those inside
    strings not counted.

    In C-speed steps, as the intake pays it per request (1-2 ms for 1,000 records, where a
    regular expression removing the strings took 20): escapes out, then only quotes and brackets
    kept (the skeleton), then the strings out: with no bracket in any string they are all ``""``
    pairs, and one ``replace`` removes them; otherwise a regular expression, on the skeleton only."""
    if b"\\" in text:
        text = text.replace(b"\\\\", b"").replace(b'\\"', b"")
    skeleton = text.translate(None, _NOT_SKELETON)
    brackets = skeleton.replace(b'""', b"")
    if b'"' in brackets:
        brackets = _SKELETON_STRING.sub(b"", skeleton)
    return max(itertools.accumulate(map(_STEP.__getitem__, brackets)), default=0)


def _integer(digits: str) -> int:
    if len(digits) > MAX_DIGITS + digits.startswith("-"):
        raise BodyError(f"the body holds an integer of {len(digits.lstrip('-'))} digits; at most {MAX_DIGITS}")
    return int(digits)


def _constant(name: str) -> float:
    raise BodyError(f"the body holds {name}, which is not a JSON number")


def _unencodable(item: Any) -> bool:
    try:
        json.dumps(item, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return True
    return False


def item_json(item: Any) -> bytes:
    """An item of a request as the bytes its dead letter carries (UTF-8 JSON; a lone surrogate, which
    UTF-8 cannot hold, stays the ``\\ud800`` escape it came as)."""
    try:
        return json.dumps(item, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return json.dumps(item).encode()
