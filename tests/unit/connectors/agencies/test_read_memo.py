"""`FieldReader.read` keeps what pure parsers made of a text: a kept value reads as it did, and
problems, notes and missing values are found every time, naming the reader's own field."""

from datetime import datetime, timezone

from connectors.mapping import kept as _kept
from connectors.mapping.fields import FieldReader, clean_text, parse_moment


def _clear_reads():
    for kept in _kept.READ.values():
        kept.clear()


def _read(fields, key, parse, **options):
    r = FieldReader(fields, "persons[2].")
    return r.read(key, parse, "something", **options), r.problems, r.notes


def test_a_kept_value_is_what_the_parser_gives():
    _clear_reads()
    for _ in range(3):
        assert _read({"at": "02/08/2561 14:30"}, "at", parse_moment) == \
            (datetime(2018, 8, 2, 7, 30, tzinfo=timezone.utc), [], [])
        assert _read({"unit": "  กก.2  บก.ปคม. "}, "unit", clean_text) == ("กก.2 บก.ปคม.", [], [])
    assert "02/08/2561 14:30" in _kept.READ[parse_moment]


def test_problems_notes_and_blanks_are_found_every_time_with_the_field_of_the_reader():
    _clear_reads()
    for key in ("a", "b"):
        value, problems, notes = _read({key: "31/02/2561"}, key, parse_moment)
        assert value is None and problems and problems[0].startswith(f"persons[2].{key} ") and not notes
        value, problems, notes = _read({key: "31/02/2561"}, key, parse_moment, lenient=True)
        assert value is None and not problems and notes[0].startswith(f"dropped persons[2].{key} ")
        assert _read({key: "-"}, key, clean_text, required=True) == \
            (None, [f"persons[2].{key}: missing; expected something"], [])
    assert not any(_kept.READ.values())


def test_only_pure_parsers_and_short_texts_are_kept():
    _clear_reads()
    _read({"x": "abc"}, "x", lambda v, field: v.upper())
    _read({"x": 12}, "x", clean_text)
    _read({"x": "y" * 300}, "x", lambda v, field: clean_text(v, field, 400))
    assert not any(_kept.READ.values())


def test_lists_are_kept_by_their_texts_and_their_problems_found_every_time():
    _kept.ITEMS.clear()
    for _ in range(2):
        for value in ("ยึดเอกสาร; หนี้สิน,ทำงานเกินเวลา", ["sexual", " forced  labour "], []):
            r = FieldReader({"x": value})
            expected = FieldReader({"x": value})._items("x", value)
            got = r.items("x")
            assert got == expected and not r.problems
            got.append("changed")   # the caller's own list
        r = FieldReader({"x": ["ok", "bad\x00"]}, "p.")
        assert r.items("x") == ["ok"] and r.problems[0].startswith("p.x[1] ")
    assert ("ok", "bad\x00") not in _kept.ITEMS
    FieldReader({"x": ["a", 1]}).items("x")
    FieldReader({"x": ["a", True]}).items("x")
    assert set(_kept.ITEMS) == {"ยึดเอกสาร; หนี้สิน,ทำงานเกินเวลา", ("sexual", " forced  labour "), ()}
