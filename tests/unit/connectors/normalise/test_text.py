"""The shared guard: text only, bounded length, encoding damage and control characters refused."""

import pickle

import pytest

from connectors.normalise import MAX_LENGTH, NormaliseError, is_blank, parse_date, thai_digits_to_ascii
from connectors.normalise._text import clean


class TestCleaning:
    def test_collapses_whitespace_and_drops_zero_width_characters(self):
        assert clean(" a\u200b\u00a0 b\tc\ufeff ", "f") == "a b c"

    def test_converts_thai_digits(self):
        assert thai_digits_to_ascii("๐๑๒๓๔๕๖๗๘๙") == "0123456789"

    def test_joins_sara_am_typed_as_two_characters(self):
        assert clean("\u0e19\u0e4d\u0e32", "f") == "\u0e19\u0e33"

    def test_refuses_text_longer_than_the_limit_before_parsing(self):
        with pytest.raises(NormaliseError, match=f"is {MAX_LENGTH + 1} characters long; at most {MAX_LENGTH}"):
            clean("1" * (MAX_LENGTH + 1), "f")

    def test_refuses_the_replacement_character_pointing_at_the_encoding(self):
        with pytest.raises(NormaliseError, match="TIS-620 / Windows-874"):
            clean("\ufffd\ufffd", "f")

    def test_refuses_control_characters(self):
        with pytest.raises(NormaliseError, match="U\\+0000"):
            clean("2561\x00", "f")

    def test_refuses_private_use_glyphs_of_legacy_thai_fonts(self):
        with pytest.raises(NormaliseError, match="private-use character U\\+F70A"):
            clean("\uf70a", "f")

    def test_refuses_empty_text(self):
        with pytest.raises(NormaliseError, match="is empty"):
            clean(" \u200b ", "f")

    def test_refuses_non_text(self):
        with pytest.raises(NormaliseError, match="expected text, got bytes"):
            clean(b"2561", "f")


class TestBlanks:
    @pytest.mark.parametrize("value", [None, "", "  ", "-", "N/A", "null", "ไม่ระบุ", "ไม่ทราบ", "ไม่มี"])
    def test_recognises_placeholders_for_missing_values(self, value):
        assert is_blank(value)

    @pytest.mark.parametrize("value", ["0", "พม่า", 0, "Somchai"])
    def test_does_not_take_values_for_blanks(self, value):
        assert not is_blank(value)


class TestNormaliseError:
    def test_names_field_value_and_reason(self):
        error = NormaliseError("dob", "31/02/2561", "day 31 does not exist")
        assert (error.field, error.value, error.reason) == ("dob", "31/02/2561", "day 31 does not exist")
        assert str(error) == "dob '31/02/2561': day 31 does not exist"

    def test_shortens_long_values_in_the_message_but_keeps_them_whole(self):
        error = NormaliseError("name", "x" * 1000, "too long")
        assert len(str(error)) < 120 and "(1000 characters)" in str(error)
        assert error.value == "x" * 1000

    def test_is_a_value_error(self):
        assert issubclass(NormaliseError, ValueError)

    def test_survives_pickling(self):
        error = pickle.loads(pickle.dumps(NormaliseError("f", "v", "r")))
        assert (error.field, error.value, error.reason) == ("f", "v", "r")

    def test_uses_the_field_name_given_by_the_caller(self):
        with pytest.raises(NormaliseError, match="^วันเกิด "):
            parse_date("x", field="วันเกิด")
