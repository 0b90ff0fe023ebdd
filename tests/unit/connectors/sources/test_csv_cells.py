"""A CSV record's cells are csv.reader's, whether split directly (plain one-line records) or read by it."""

from __future__ import annotations

import csv

from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.sources._reading import _cells, _Line

CHARACTERS = st.sampled_from(["a", "ก", " ", ",", ";", "\t", "|", '"', "\r", "\n", "\x00", "\x0b", "\u2028", "'"])
LINES = st.tuples(st.lists(CHARACTERS, max_size=14).map("".join), st.sampled_from(["", "\n", "\r\n", "\r"]))


def _reader(text: str, delimiter: str):
    try:
        return next(csv.reader([text], delimiter=delimiter), [])
    except csv.Error as err:
        return type(err)


def _ours(text: str, delimiter: str):
    try:
        return _cells([_Line(1, text.encode(), len(text), text)], delimiter)
    except csv.Error as err:
        return type(err)


class TestCsvCells:
    @settings(max_examples=3000, deadline=None)
    @given(LINES, st.sampled_from(",;\t|"))
    def test_a_one_line_record_gives_csv_readers_cells_or_error(self, line, delimiter):
        text = "".join(line)
        assert _ours(text, delimiter) == _reader(text, delimiter)

    def test_a_plain_row_is_split_at_its_delimiter(self):
        assert _ours("INSP-1,สมุทรสาคร,,1020\r\n", ",") == ["INSP-1", "สมุทรสาคร", "", "1020"]

    def test_a_quoted_record_over_two_lines_is_read_by_csv_reader(self):
        lines = [_Line(1, b"", 0, 'a,"two\n'), _Line(2, b"", 0, 'lines",c\n')]
        assert _cells(lines, ",") == ["a", "two\nlines", "c"]
