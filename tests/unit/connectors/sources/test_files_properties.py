"""Any bytes at all as a dropped file: the reader never raises, and every line is accounted for."""

import csv
import io
import unicodedata

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from connectors.sources.files import WHOLE_FILE, read_bytes

THAI = "กขคงจฉชซญดตถทนบปผพฟภมยรลวศสหอฮะาิีึืุูเแโใไ่้๊๋์๐๑๒"
CELL = st.text(alphabet=THAI + 'abcXYZ019 ,;"\n\r\t-/.', max_size=12)
ALPHABET = THAI + 'abc019 ,;"\n\r\t{}[]:\x00\\'

FILES = st.one_of(
    st.binary(max_size=3000),
    st.text(alphabet=ALPHABET, max_size=600).map(lambda t: t.encode("utf-8")),
    st.text(alphabet=ALPHABET, max_size=600).map(lambda t: t.encode("cp874")),
    st.text(alphabet=ALPHABET, max_size=600).map(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8")),
)


def physical_lines(data):
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [line + b"\n" for line in lines]


def check_accounted(name, data):
    found, result = read_bytes(name, data)
    if not isinstance(result, list):
        assert result.origin.position == WHOLE_FILE and result.fields is None and result.problem
        assert result.raw == data[:256 * 1024]
        return None
    lines = physical_lines(data)
    assert [r.number for r in result] == list(range(1, len(result) + 1))
    covered = set()
    previous_last = 0
    for item in result:
        record = item.record
        assert (record.fields is None) == (record.problem is not None)
        assert isinstance(record.raw, bytes) and record.origin.kind == "file"
        assert record.origin.position == f"line {item.first_line} (record {item.number})"
        assert previous_last < item.first_line <= item.last_line <= len(lines)
        previous_last = item.last_line
        covered.update(range(item.first_line, item.last_line + 1))
    encoding = "utf-8" if found.encoding == "utf-8-sig" else found.encoding
    if name.endswith(".csv"):   # the header comes before the first record
        start = result[0].first_line if result else len(lines) + 1
    else:
        start = 1
    uncovered = [n for n in range(start, len(lines) + 1) if n not in covered]
    assert all(not lines[n - 1].decode(encoding).strip() for n in uncovered), uncovered
    return result


class TestAnyBytes:
    @settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
    @given(FILES)
    def test_a_csv_never_raises_and_every_line_is_a_record_blank_or_the_header(self, data):
        check_accounted("any.csv", data)

    @settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
    @given(FILES)
    def test_a_jsonl_file_never_raises_and_every_line_is_a_record_or_blank(self, data):
        check_accounted("any.jsonl", data)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class TestRoundTrip:
    @settings(max_examples=150)
    @given(st.integers(1, 5).flatmap(lambda n: st.tuples(
        st.lists(st.text(alphabet=THAI + "abc", min_size=1, max_size=6), min_size=n, max_size=n, unique_by=lambda name: unicodedata.normalize("NFC", name)),
        st.lists(st.lists(CELL, min_size=n, max_size=n), max_size=20))),
        st.sampled_from(["utf-8", "utf-8-sig", "cp874"]))
    def test_a_csv_written_by_the_csv_module_reads_back_row_for_row(self, table, encoding):
        header, rows = table
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
        data = text.getvalue().encode(encoding)
        assume(encoding != "cp874" or not _is_utf8(data))   # such bytes are read as UTF-8: they cannot tell
        result = check_accounted("t.csv", data)             # (e.g. "ยก" in TIS-620 is C2 A1, "¡" in UTF-8)
        blank = [len(row) == 1 and row[0] and not row[0].strip() and not set(row[0]) & set('\r\n"') for row in rows]
        names = [unicodedata.normalize("NFC", name) for name in header]
        expected = [dict(zip(names, row)) for row, skipped in zip(rows, blank) if not skipped]
        assert [r.record.fields for r in result] == expected
