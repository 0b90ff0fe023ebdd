"""The agencies' value helpers give exactly what the reference code gives: the per-character loop,
uncached calls. Speed must not change a value nor an error message."""

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.mapping import envelope as _common, values as _values
from connectors.mapping.values import clean_text, vocab_key
from connectors.normalise import NormaliseError, thai_digits_to_ascii
from connectors.normalise._text import FAST_BLOCKS

NEVER = re.compile("(?!)")
ALPHABET = ("abcXYZ 019 éß\u0301 -_.'/:;|\t\n\r\x0b\x1c\x85\xa0\u2028\u2029\u3000\u200b\ufeff\u00ad\x00\ue000\u0378"
            "กขนมยรอะาำิีุเแโ่้็์\u0e4d\u0e32๐๑๙ ကမ\u103a ຄກ ក\u17b6 \u1ec7\U0001F600\ud800")
TEXTS = st.text(alphabet=ALPHABET, max_size=60)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _outcome(fn, *args, **kwargs):
    try:
        return ("value", fn(*args, **kwargs))
    except NormaliseError as err:
        return ("error", str(err))


class TestCleanText:
    def test_a_whole_number_reads_as_its_digits_every_time_and_a_flag_is_still_refused(self):
        assert [clean_text(2, "version") for _ in range(3)] == ["2", "2", "2"]
        with pytest.raises(NormaliseError, match="expected text, got bool"):   # not cached as 1
            clean_text(True, "flag")

    def test_a_whole_number_too_long_names_the_callers_field_each_time(self):
        for _ in range(2):
            with pytest.raises(NormaliseError, match="^id <int>: is 121 characters long"):
                clean_text(10 ** 120, "id", 100)

    @pytest.mark.parametrize("multiline", [False, True])
    def test_translates_every_character_it_accepts_as_the_loop_does(self, multiline):
        plain, table = _values._fast(multiline)
        for low, high in FAST_BLOCKS:
            for code in range(low, high + 1):
                ch = chr(code)
                reference = _outcome(_values._kept, ch, "f", ch, multiline)
                if plain.fullmatch(ch):
                    assert reference == ("value", ch.translate(table)), hex(code)
                else:
                    assert reference[0] == "error", hex(code)

    @SETTINGS
    @given(st.one_of(TEXTS, st.integers(), st.booleans(), st.none()), st.sampled_from([3, 100, 200, 4000]),
           st.booleans())
    def test_gives_what_the_uncached_character_loop_gives_first_and_again(self, value, max_length, multiline):
        with mock.patch.object(_values, "_fast", lambda multiline: (NEVER, {})):
            reference = _outcome(_values._clean_text, value, "f", max_length, multiline)
        for field in ("f", "f", "g"):
            expected = reference if field == "f" else _outcome(_values._clean_text, value, field, max_length,
                                                                multiline)
            assert _outcome(clean_text, value, field, max_length, multiline=multiline) == expected


def _reference_vocab_key(text):
    folded = unicodedata.normalize("NFC", thai_digits_to_ascii(text)).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "_-.")


class TestVocabularyKeys:
    @SETTINGS
    @given(TEXTS)
    def test_vocabulary_keys_are_the_loops(self, text):
        assert vocab_key(text) == _reference_vocab_key(text) == vocab_key(text)


BANGKOK = timezone(timedelta(hours=7))


class TestEventDay:
    def test_the_bangkok_date_of_a_moment_is_astimezones_for_equal_instants_in_any_zone(self):
        utc_evening = datetime(2025, 3, 4, 17, 30, tzinfo=timezone.utc)   # 00:30 on the 5th in Bangkok
        same_instant = utc_evening.astimezone(timezone(timedelta(hours=-5)))
        for moment in (utc_evening, same_instant, utc_evening - timedelta(hours=1)):
            head = _common.Head("labour", "S", "r", "v", "TH-74", moment, moment)
            assert head.as_of == moment.astimezone(_common.BANGKOK).date()
        assert _common.Head("labour", "S", "r", "v", "TH-74", same_instant, same_instant).as_of == date(2025, 3, 5)

    def test_a_record_without_a_moment_has_no_date(self):
        assert _common.Head("labour", "S", "r", "v", "TH-74", None, None).as_of is None
