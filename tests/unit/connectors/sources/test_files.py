"""Reading dropped files: encodings, Thai headers, quoted line ends, bad lines, whole-file rejection."""

import codecs
import io

import pytest

from connectors.sources.files import (MAX_RECORD_BYTES, WHOLE_FILE, UnreadableFile, file_format, free_name, read_bytes,
                                      read_records, scan)

THAI_CSV = "เลขที่,ชื่อ,จังหวัด\r\n1,สมชาย ใจดี,ระนอง\r\n2,นายมิน อ่อง,สมุทรสาคร\r\n"


def records(name, data):
    found, result = read_bytes(name, data)
    assert isinstance(result, list), getattr(result, "problem", result)
    return result


def rejected(name, data):
    found, result = read_bytes(name, data)
    assert not isinstance(result, list), result
    return result


class TestEncodings:
    def test_reads_utf8(self):
        got = records("a.csv", THAI_CSV.encode("utf-8"))
        assert [r.record.fields["ชื่อ"] for r in got] == ["สมชาย ใจดี", "นายมิน อ่อง"]

    def test_reads_utf8_with_bom_without_the_bom_in_the_first_column_name(self):
        data = b"\xef\xbb\xbf" + THAI_CSV.encode("utf-8")
        assert scan([data]).encoding == "utf-8-sig"
        assert list(records("a.csv", data)[0].record.fields) == ["เลขที่", "ชื่อ", "จังหวัด"]

    def test_reads_windows_874_with_thai_headers(self):
        data = THAI_CSV.encode("cp874")
        assert scan([data]).encoding == "cp874"
        got = records("a.csv", data)
        assert got[1].record.fields == {"เลขที่": "2", "ชื่อ": "นายมิน อ่อง", "จังหวัด": "สมุทรสาคร"}

    def test_reads_excel_unicode_text_utf16_with_bom_and_tabs(self):
        data = THAI_CSV.replace(",", "\t").encode("utf-16")     # Excel's "Unicode Text": BOM, LE, tabs
        assert scan([data]).encoding == "utf-16-le"
        got = records("a.csv", data)
        assert got[1].record.fields == {"เลขที่": "2", "ชื่อ": "นายมิน อ่อง", "จังหวัด": "สมุทรสาคร"}

    def test_reads_big_endian_utf16_split_across_chunks(self):
        data = codecs.BOM_UTF16_BE + THAI_CSV.replace(",", "\t").encode("utf-16-be")
        found = scan([data[i:i + 5] for i in range(0, len(data), 5)])
        assert found.encoding == "utf-16-be"
        got = list(read_records("a.csv", "csv", found, io.BytesIO(data)))
        assert [r.record.fields["ชื่อ"] for r in got] == ["สมชาย ใจดี", "นายมิน อ่อง"]

    def test_keeps_the_original_utf16_bytes_of_a_record_without_its_line_end(self):
        got = records("a.csv", THAI_CSV.replace(",", "\t").encode("utf-16"))
        assert got[0].record.raw == "1\tสมชาย ใจดี\tระนอง".encode("utf-16-le")

    def test_a_utf16_line_feed_byte_inside_a_character_does_not_end_the_line(self):
        # U+0A41 U+4E00 is 41 0A 00 4E in UTF-16LE: bytes 0A 00 (a line feed) across two characters.
        data = "id\tname\r\n1\t\u0a41\u4e00\r\n".encode("utf-16")
        assert [r.record.fields["name"] for r in records("a.csv", data)] == ["\u0a41\u4e00"]

    def test_detects_the_encoding_across_chunk_boundaries(self):
        data = THAI_CSV.encode("utf-8") * 50
        chunks = [data[i:i + 7] for i in range(0, len(data), 7)]   # splits multi-byte characters
        assert scan(chunks).encoding == "utf-8"

    def test_keeps_the_original_bytes_of_a_windows_874_record(self):
        got = records("a.csv", THAI_CSV.encode("cp874"))
        assert got[0].record.raw == "1,สมชาย ใจดี,ระนอง".encode("cp874")

    def test_header_names_are_stripped_and_nfc_normalised(self):
        decomposed = "e\u0301"      # é as e + combining acute
        got = records("a.csv", f" id , {decomposed} \n1,2\n".encode())
        assert list(got[0].record.fields) == ["id", "\u00e9"]

    def test_a_file_neither_utf8_nor_windows_874_is_rejected_whole(self):
        letter = rejected("a.csv", b"id,name\n1,\x81\x82\n")
        assert letter.origin.position == WHOLE_FILE
        assert "neither UTF-8" in letter.problem and "size 13 bytes" in letter.problem


class TestCsvLines:
    def test_a_quoted_line_end_stays_in_its_field_and_line_numbers_stay_physical(self):
        data = b'id,note\n1,"two\nlines"\n2,"three\n\nlines"\n3,plain\n'
        got = records("a.csv", data)
        assert [(r.number, r.first_line, r.last_line) for r in got] == [(1, 2, 3), (2, 4, 6), (3, 7, 7)]
        assert got[1].record.fields["note"] == "three\n\nlines"
        assert got[2].record.origin.position == "line 7 (record 3)"

    def test_doubled_quotes_are_literal_quotes(self):
        got = records("a.csv", b'id,note\n1,"say ""hi"", then\ngo"\n')
        assert got[0].record.fields["note"] == 'say "hi", then\ngo'

    def test_a_quote_inside_an_unquoted_field_does_not_open_a_quoted_field(self):
        got = records("a.csv", b'id,note\n1,5" screen\n2,x\n')
        assert [r.record.fields["note"] for r in got] == ['5" screen', "x"]

    def test_blank_lines_are_skipped_and_not_counted_as_records(self):
        got = records("a.csv", b"id\n\n1\n  \n2\n")
        assert [(r.number, r.first_line) for r in got] == [(1, 3), (2, 5)]

    def test_crlf_line_ends_are_not_part_of_values_nor_raw(self):
        got = records("a.csv", b"id,name\r\n1,a\r\n")
        assert got[0].record.fields == {"id": "1", "name": "a"} and got[0].record.raw == b"1,a"

    def test_semicolon_and_tab_separated_exports_are_read(self):
        assert records("a.csv", b"id;name\n1;a\n")[0].record.fields == {"id": "1", "name": "a"}
        assert records("a.csv", b"id\tname\n1\ta\n")[0].record.fields == {"id": "1", "name": "a"}

    def test_an_empty_header_cell_gets_its_position_as_name(self):
        assert records("a.csv", b"id,,name\n1,x,a\n")[0].record.fields == {"id": "1", "column 2": "x", "name": "a"}


class TestBadLines:
    def test_a_row_with_the_wrong_field_count_is_a_problem_and_the_rest_continues(self):
        got = records("a.csv", b"id,name\n1,a\n2,b,extra\n3,c\n")
        assert [r.record.fields is None for r in got] == [False, True, False]
        bad = got[1].record
        assert bad.problem == "line 3 has 3 fields; the header has 2"
        assert bad.raw == b"2,b,extra" and bad.origin.location == "a.csv:line 3 (record 2)"

    def test_a_line_with_nul_bytes_is_a_problem(self):
        got = records("a.csv", b"id,name\n1,a\x00b\n2,c\n")
        assert "NUL" in got[0].record.problem and got[1].record.fields == {"id": "2", "name": "c"}

    def test_a_line_over_the_size_limit_is_a_problem_carrying_its_first_bytes(self):
        data = b"id,name\n1," + b"x" * (MAX_RECORD_BYTES + 10) + b"\n2,b\n"
        got = records("a.csv", data)
        assert "the limit is 65536" in got[0].record.problem and len(got[0].record.raw) <= MAX_RECORD_BYTES
        assert got[1].record.fields == {"id": "2", "name": "b"} and got[1].first_line == 3

    def test_a_quote_never_closed_is_one_problem_up_to_the_end(self):
        got = records("a.csv", b'id,name\n1,a\n2,"b\n3,c\n')
        assert got[1].record.problem == "a quoted field opened on line 3 is never closed: the file ends inside it"
        assert (got[1].first_line, got[1].last_line) == (3, 4)

    def test_a_jsonl_line_that_is_not_an_object_is_a_problem(self):
        got = records("a.jsonl", b'{"id": 1}\n[1, 2]\n{"id": \n"text"\n{"id": 2}\n')
        assert [r.record.fields for r in got] == [{"id": 1}, None, None, None, {"id": 2}]
        assert got[1].record.problem == "line 2 is a JSON list, not an object"
        assert got[2].record.problem.startswith("line 3 is not valid JSON")
        assert got[2].record.raw == b'{"id": '

    def test_jsonl_keeps_thai_text_from_utf8(self):
        got = records("a.ndjson", '{"ชื่อ": "สมหญิง"}\n'.encode())
        assert got[0].record.fields == {"ชื่อ": "สมหญิง"}


class TestWholeFileRejection:
    @pytest.mark.parametrize("data, why", [
        (b"PK\x03\x04" + bytes(100), "ZIP archive"),
        (b"\xff\xfe\x00\x00i\x00\x00\x00", "UTF-32"),
        (b"\xff\xfei\x00\x00\xd8d\x00", "starts as UTF-16"),
        (bytes(range(256)) * 4, "binary data"),
        (b"", "no header line"),
        (b"\n\n  \n", "no header line"),
        (b"id,id\n1,2\n", "'id' more than once"),
        (b",,\n1,2,3\n", "names no column"),
        (b"a\x00b,c\n1,2\n", "binary data"),
        (b"id,name\r1,a\r", "CR only"),
    ])
    def test_an_unreadable_file_becomes_one_whole_file_record(self, data, why):
        letter = rejected("export.csv", data)
        assert letter.fields is None and letter.origin.position == WHOLE_FILE and why in letter.problem
        assert letter.raw == data[:256 * 1024]

    def test_the_whole_file_record_carries_only_the_first_256_kib(self):
        letter = rejected("big.csv", b"PK\x03\x04" + b"x" * 300_000)
        assert len(letter.raw) == 256 * 1024 and "size 300004 bytes" in letter.problem

    def test_an_empty_jsonl_file_has_no_records_and_is_not_rejected(self):
        assert records("a.jsonl", b"") == []

    def test_reading_an_unreadable_scan_raises_unreadable_file(self):
        found = scan([b"PK\x03\x04"])
        with pytest.raises(UnreadableFile):
            read_records("a.csv", "csv", found, io.BytesIO(b"PK\x03\x04"))


class TestWatching:
    def test_formats_are_known_by_extension_and_partial_copies_are_ignored(self):
        assert [file_format(n) for n in ("a.csv", "B.CSV", "a.jsonl", "a.ndjson", "a.txt", ".a.csv",
                                         "a.csv.part", "a.csv.tmp", "csv")] == [
            "csv", "csv", "jsonl", "jsonl", None, None, None, None, None]

    def test_a_taken_name_gets_a_number_before_its_extension(self):
        assert free_name("x.csv", {"y.csv"}) == "x.csv"
        assert free_name("x.csv", {"x.csv", "x.2.csv"}) == "x.3.csv"
        assert free_name("noext", {"noext"}) == "noext.2"

    def test_the_checkpoint_identity_is_the_content_digest(self):
        assert scan([b"id\n1\n"]).source_id == scan([b"id\n", b"1\n"]).source_id
        assert scan([b"id\n1\n"]).source_id != scan([b"id\n2\n"]).source_id


class TestUtf16FromAReadlineOnlyStream:
    def test_reads_through_a_stream_that_offers_only_readline_as_the_file_drop_does(self):
        class ReadlineOnly:
            def __init__(self, data):
                self._stream = io.BytesIO(data)

            def readline(self, size=-1):
                return self._stream.readline(size)

        data = THAI_CSV.replace(",", "\t").encode("utf-16")
        got = list(read_records("a.csv", "csv", scan([data]), ReadlineOnly(data)))
        assert [r.record.fields["ชื่อ"] for r in got] == ["สมชาย ใจดี", "นายมิน อ่อง"]
