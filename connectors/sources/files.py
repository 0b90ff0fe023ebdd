"""Reading dropped export files: bytes in, source records out. Pure: no clock, no paths, no Kafka.

The file-drop shell (``filedrop.py``) watches a directory and moves files; everything it decides
about their content lives here, so that a unit test can feed any bytes at all:

* ``scan`` reads the content once, as a stream of chunks: its SHA-256 (the checkpoint's identity),
  its encoding (UTF-8, UTF-8 with BOM, UTF-16 with BOM as Excel's "Unicode Text" saves it, else
  TIS-620 / Windows-874) and whether it is readable at all.
* ``read_records`` streams the records of a readable file from a binary stream, each with its
  record number and physical line span. A bad line becomes a record without fields and with the
  reason (a dead letter); only a file whose header cannot be read raises ``UnreadableFile``.
* what the watcher decides about entries (ready, partial, duplicate, changed, not a regular file)
  and the dead letters that leave a trace of them live in ``_watching.py``, re-exported here.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import itertools
from dataclasses import dataclass
from typing import BinaryIO, Iterable, Iterator

from connectors.records import Origin, SourceRecord
from connectors.sources._reading import (MAX_RECORD_BYTES, FileRecord, UnreadableFile, csv_records, jsonl_records,
                                         physical_lines)
from connectors.sources._watching import (WHOLE_FILE, Observation, Prior, Watched, changed_letter, duplicate_letter,
                                          file_format, free_name, is_partial, prior, ready_files, refusal_letter,
                                          what_changed)

__all__ = ["MAX_RECORD_BYTES", "FileRecord", "Observation", "Prior", "Scan", "UnreadableFile", "WHOLE_FILE", "Watched",
           "changed_letter", "duplicate_letter", "file_format", "free_name", "is_partial", "prior", "read_bytes",
           "read_records", "ready_files", "refusal_letter", "rejection", "scan", "what_changed"]

HEAD_BYTES = 256 * 1024
_BOM = codecs.BOM_UTF8
_MAGIC = ((b"PK\x03\x04", "a ZIP archive (an .xlsx workbook?)"), (b"\xd0\xcf\x11\xe0", "an old Excel/Office document"),
          (b"%PDF", "a PDF document"), (b"\x1f\x8b", "a gzip archive"), (b"\xff\xfe\x00\x00", "UTF-32 text"),
          (b"\x00\x00\xfe\xff", "UTF-32 text"), (b"SQLite format 3\x00", "an SQLite database"))
# Excel's "Unicode Text" (and "UTF-16 CSV") export: UTF-16 little-endian after its byte-order mark.
_UTF16 = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_CONTROL = frozenset(range(0, 32)) - {9, 10, 12, 13, 26, 27}


@dataclass(frozen=True)
class Scan:
    """One pass over a file's bytes: identity, encoding, and why it cannot be read (if so)."""

    sha256: str
    size: int
    head: bytes                 # the first 256 KiB: what a whole-file dead letter carries
    encoding: str | None        # "utf-8", "utf-8-sig", "utf-16-le", "utf-16-be" or "cp874"; None when unreadable
    problem: str | None = None

    @property
    def source_id(self) -> str:
        return f"file:{self.sha256}"


# --- one pass: digest, encoding, binary? --------------------------------------------------------

def scan(chunks: Iterable[bytes]) -> Scan:
    """Digest and classify a file's content, read once as a stream of chunks."""
    chunks = iter(chunks)
    first = next(chunks, b"")
    wide = next((name for bom, name in _UTF16 if first.startswith(bom)), None)
    wide = None if any(first.startswith(magic) for magic, _ in _MAGIC) else wide   # UTF-32 starts alike
    if wide:
        return _scan_utf16(itertools.chain([first], chunks), wide)
    chunks = itertools.chain([first], chunks)
    digest, size, head = hashlib.sha256(), 0, bytearray()
    utf8 = codecs.getincrementaldecoder("utf-8")("strict")
    cp874 = codecs.getincrementaldecoder("cp874")("strict")
    utf8_error = cp874_error = None
    for chunk in chunks:
        digest.update(chunk)
        if len(head) < HEAD_BYTES:
            head += chunk[:HEAD_BYTES - len(head)]
        for decoder, error in ((utf8, utf8_error), (cp874, cp874_error)):
            if error is None:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as err:
                    error = f"byte 0x{chunk[err.start]:02x} at offset {size + err.start}"
                if decoder is utf8:
                    utf8_error = error
                else:
                    cp874_error = error
        size += len(chunk)
    utf8_error = utf8_error or _final(utf8, size)
    cp874_error = cp874_error or _final(cp874, size)
    head_bytes = bytes(head)
    problem = _binary(head_bytes)
    encoding = None
    if problem is None:
        if utf8_error is None:
            encoding = "utf-8-sig" if head_bytes.startswith(_BOM) else "utf-8"
        elif cp874_error is None:
            encoding = "cp874"
        else:
            problem = (f"the text is neither UTF-8 (invalid {utf8_error}) nor TIS-620 / Windows-874 "
                       f"(undefined {cp874_error})")
    if encoding and b"\r" in head_bytes and b"\n" not in head_bytes and size > 0:
        encoding, problem = None, "lines end in CR only (old Mac format); export with LF or CRLF line ends"
    return Scan(digest.hexdigest(), size, head_bytes, encoding, problem)


def _scan_utf16(chunks: Iterable[bytes], encoding: str) -> Scan:
    """A file that opens with a UTF-16 byte-order mark: UTF-16 throughout, or unreadable."""
    digest, size, head = hashlib.sha256(), 0, bytearray()
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    error = None
    for chunk in chunks:
        digest.update(chunk)
        if len(head) < HEAD_BYTES:
            head += chunk[:HEAD_BYTES - len(head)]
        if error is None:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as err:
                error = f"invalid {encoding.upper()} at offset {size + err.start} ({err.reason})"
        size += len(chunk)
    error = error or _final(decoder, size)
    if error:
        return Scan(digest.hexdigest(), size, bytes(head), None, f"the text starts as UTF-16 but is not: {error}")
    binary = _binary(head[2:len(head) - len(head) % 2].decode(encoding, "replace").encode("utf-8"))
    return Scan(digest.hexdigest(), size, bytes(head), None if binary else encoding, binary)


def _final(decoder: codecs.IncrementalDecoder, size: int) -> str | None:
    try:
        decoder.decode(b"", final=True)
        return None
    except UnicodeDecodeError:
        return f"truncated character at the end (offset {size})"


def _binary(head: bytes) -> str | None:
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return f"this is {what}, not CSV or JSON Lines text"
    sample = head[:8192]
    controls = sum(1 for b in sample if b in _CONTROL)
    if sample and ((controls * 20 > len(sample) and controls >= 16) or b"\x00" in sample[:sample.find(b"\n") + 1 or len(sample)]):
        return f"binary data, not text ({controls} control bytes in the first {len(sample)})"
    return None


def rejection(name: str, found: Scan, reason: str) -> SourceRecord:
    """The one record that stands for a whole unreadable file: its head, where, why and its size."""
    return SourceRecord(Origin("file", name, WHOLE_FILE), found.head, None,
                        f"the file cannot be read: {reason} (size {found.size} bytes; "
                        f"the first {min(found.size, HEAD_BYTES)} bytes are attached)")


# --- records ------------------------------------------------------------------------------------

def read_records(name: str, kind: str, found: Scan, stream: BinaryIO) -> Iterator[FileRecord]:
    """Every record of a readable file, bad ones included; ``UnreadableFile`` before the first if none can be."""
    if found.encoding is None:
        raise UnreadableFile(found.problem or "the file cannot be decoded")
    lines = physical_lines(stream, found.encoding)
    if kind == "csv":
        return csv_records(name, lines)
    return jsonl_records(name, lines)


def read_bytes(name: str, data: bytes) -> tuple[Scan, list[FileRecord] | SourceRecord]:
    """Everything at once (tests, small files): the scan and the records, or the whole-file dead letter."""
    found = scan([data[i:i + 65536] for i in range(0, len(data), 65536)])
    if found.problem:
        return found, rejection(name, found, found.problem)
    try:
        return found, list(read_records(name, file_format(name) or "csv", found, io.BytesIO(data)))
    except UnreadableFile as err:
        return found, rejection(name, found, str(err))
