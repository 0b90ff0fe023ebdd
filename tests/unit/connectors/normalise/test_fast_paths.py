"""The fast paths give exactly what the reference code gives: per-character loops and
the general date-time parser. Speed must not change a single answer nor a single error message."""

import re
from datetime import datetime, timedelta, timezone
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.normalise import NormaliseError, parse_datetime
from connectors.normalise import _text, dates, names, scripts

NEVER = re.compile("(?!)")  # a fast-path pattern that matches nothing: the reference path runs
# Letters, marks, digits, spaces and punctuation of the region's scripts, and troublemakers.
ALPHABET = ("abcxyzABCXYZ éÉßİ\u0301 -'’.,/:;|()_\t\n\r\x85\xa0\u2028\u3000\u200b\ufeff\u00ad\x00\x1c\ue000\u0378"
            "กขคงนมยรลวสอฮะาำิีึืุูเแโใไ่้๊๋็์\u0e4d\u0e32๐๑๙฿\u0e3b"
            "ကခငစမ\u102d\u103a၀ ຄງມ\u0eb2ກ កខង\u17b6 ÆØ\u1ea0\u1ec7\U0001F600")
TEXTS = st.text(alphabet=ALPHABET, max_size=40)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _outcome(fn, *args, **kwargs):
    try:
        return ("value", fn(*args, **kwargs))
    except NormaliseError as err:
        return ("error", str(err))


class TestCleanFastPath:
    def test_translates_every_character_it_accepts_as_the_loop_does(self):
        plain, table = _text._clean_fast()
        for low, high in _text.FAST_BLOCKS:
            for code in range(low, high + 1):
                ch = chr(code)
                reference = _outcome(_text._tidy_chars, ch, "f", ch)
                if plain.fullmatch(ch):
                    assert reference == ("value", ch.translate(table)), hex(code)
                else:
                    assert reference[0] == "error", hex(code)

    @SETTINGS
    @given(TEXTS)
    def test_clean_gives_what_the_character_loop_gives(self, text):
        fast = _outcome(_text.clean, text, "f")
        with mock.patch.object(_text, "_clean_fast", lambda: (NEVER, {})):
            assert fast == _outcome(_text.clean, text, "f")

    @SETTINGS
    @given(st.text(max_size=20))
    def test_blank_is_read_as_before(self, text):
        assert _text.is_blank(text) == (" ".join(text.split()).strip().lower() in _text.BLANKS)


class TestScripts:
    def test_every_character_has_the_script_its_ranges_give(self):
        for code in [*range(0, 0x3000), *range(0xA900, 0xAB00), 0x1F600, 0x20000]:
            ch = chr(code)
            assert scripts.script_of_char(ch) == scripts._script_of_char(ch), hex(code)
            assert scripts.script_of_char(ch) == scripts._script_of_char(ch), hex(code)  # from the table now

    @SETTINGS
    @given(TEXTS)
    def test_detects_the_script_of_every_letter_as_the_loop_does(self, text):
        found = {s for s in map(scripts._script_of_char, text) if s is not None}
        expected = found.pop() if len(found) == 1 else (scripts.Script.MIXED if found else scripts.Script.OTHER)
        assert scripts.detect_script(text) == expected


def _reference_checked(value, field):
    text = _text.clean(value, field)
    for ch in text:
        if ch.isdigit():
            raise NormaliseError(field, value, "contains a digit; a name has none")
        if scripts.script_of_char(ch) is None and ch not in names._ALLOWED_PUNCTUATION:
            raise NormaliseError(field, value, f"contains {ch!r}; a name has letters, spaces, hyphens, apostrophes "
                                               "and dots only")
    if not any(scripts.script_of_char(ch) for ch in text):
        raise NormaliseError(field, value, "has no letters; expected a name")
    return text


class TestNames:
    @SETTINGS
    @given(TEXTS)
    def test_checks_a_name_as_the_character_loop_does(self, text):
        assert _outcome(names._checked, text, "f") == _outcome(_reference_checked, text, "f")

    @SETTINGS
    @given(TEXTS)
    def test_cases_a_name_as_before(self, text):
        latin = [c for c in text if scripts.script_of_char(c) is scripts.Script.LATIN]
        title = latin and (all(c.isupper() for c in latin) or all(c.islower() for c in latin))
        assert names._case(text) == (" ".join(w.title() for w in text.split()) if title else text)


BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")


class TestIsoDateTimes:
    @SETTINGS
    @given(st.datetimes(min_value=datetime(1800, 1, 1), max_value=datetime(2200, 12, 31)),
           st.sampled_from(["T", "t", " "]), st.sampled_from(["seconds", "milliseconds", "microseconds"]),
           st.one_of(st.none(), st.just("Z"), st.integers(-16 * 60, 16 * 60).map(
               lambda m: f"{'-' if m < 0 else '+'}{abs(m) // 60:02d}:{abs(m) % 60:02d}")),
           st.sampled_from([None, timezone.utc, BANGKOK]))
    def test_read_as_the_general_parser_reads_them(self, moment, sep, spec, offset, tz):
        text = moment.isoformat(sep=sep, timespec=spec) + (offset or "")
        options = {"tz": tz} if tz else {}
        fast = _outcome(parse_datetime, text, **options)
        with mock.patch.object(dates, "_iso_datetime", lambda value, tz: None):
            assert fast == _outcome(parse_datetime, text, **options)

    @pytest.mark.parametrize("text", ["2025-02-29T10:00:00", "2025-13-01T10:00:00", "2025-01-01T24:00:00",
                                      "2568-03-01T08:00:00", "2200-01-01T08:00:00", "1849-12-31T23:59:59",
                                      "2025-01-01T10:00:00+14:30", "2025-01-01T10:00:00-15:00",
                                      "๒๐๒๕-01-01T10:00:00", "2025-01-01T10:00:00.1234567"])
    def test_anything_unusual_is_left_to_the_general_parser(self, text):
        fast = _outcome(parse_datetime, text)
        with mock.patch.object(dates, "_iso_datetime", lambda value, tz: None):
            assert fast == _outcome(parse_datetime, text)
        assert dates._iso_datetime(text, BANGKOK) is None or fast[0] == "value"

