"""Thai ID and migrant ID check digits; passport and document numbers tidied, never guessed."""

import pytest

from connectors.normalise import (
    NormaliseError,
    normalise_document_number,
    normalise_migrant_id,
    normalise_passport,
    normalise_thai_id,
    thai_id_check_digit,
)

# 1 1 0 1 7 0 0 2 0 7 5 3 weighted 13..2 sum to 159; 159 mod 11 = 5; 11 - 5 = 6.
VALID = "1101700207536"


class TestThaiIdCheckDigit:
    def test_follows_the_mod_11_rule(self):
        assert thai_id_check_digit("110170020753") == 6

    def test_wraps_eleven_and_ten_to_a_single_digit(self):
        # sums with remainder 0 give 11 -> 1; remainder 1 gives 10 -> 0
        assert {thai_id_check_digit(str(n).zfill(12)) for n in range(0, 200)} <= set(range(10))


class TestThaiNationalId:
    def test_accepts_thirteen_digits_with_a_valid_check_digit(self):
        assert normalise_thai_id(VALID) == VALID

    @pytest.mark.parametrize("written", ["1-1017-00207-53-6", "1 1017 00207 53 6", "1.1017.00207.53.6",
                                         "๑๑๐๑๗๐๐๒๐๗๕๓๖", " 1101700207536 "])
    def test_accepts_separators_and_thai_digits(self, written):
        assert normalise_thai_id(written) == VALID

    def test_refuses_a_mistyped_digit_naming_the_check_digit(self):
        with pytest.raises(NormaliseError, match="check digit is 6 but the first 12 digits give"):
            normalise_thai_id("1101700207636")

    def test_catches_two_swapped_digits(self):
        with pytest.raises(NormaliseError, match="check digit"):
            normalise_thai_id("1011700207536")

    def test_refuses_the_wrong_number_of_digits(self):
        with pytest.raises(NormaliseError, match="has 12 digits; a Thai ID has 13"):
            normalise_thai_id("110170020753")

    def test_refuses_letters(self):
        with pytest.raises(NormaliseError, match="expected 13 digits"):
            normalise_thai_id("11017002075A6")


class TestMigrantIds:
    def test_accepts_a_pink_card_number_starting_with_zero(self):
        number = "00" + "1234567890"
        full = number + str(thai_id_check_digit(number))
        assert normalise_migrant_id(full) == full

    def test_accepts_a_migrant_number_starting_with_six_or_seven(self):
        for first12 in ("650008063608", "737783533740"):
            full = first12 + str(thai_id_check_digit(first12))
            assert normalise_migrant_id(full) == full

    def test_reports_errors_under_the_migrant_field(self):
        first12 = "001234567890"
        wrong = first12 + str((thai_id_check_digit(first12) + 1) % 10)
        with pytest.raises(NormaliseError, match="^migrant_id .*check digit"):
            normalise_migrant_id(wrong)


class TestPassports:
    def test_upper_cases_and_removes_spaces(self):
        assert normalise_passport("ma 123 456") == "MA123456"
        assert normalise_passport("aa-1234567") == "AA1234567"

    def test_keeps_o_and_zero_as_written(self):
        assert normalise_passport("MAO12345") == "MAO12345"

    def test_refuses_symbols(self):
        with pytest.raises(NormaliseError, match="contains \"'\"; expected Latin letters"):
            normalise_passport("MA123'; DROP TABLE--")

    def test_refuses_a_number_without_digits(self):
        with pytest.raises(NormaliseError, match="has no digit"):
            normalise_passport("ABCDEFG")

    def test_refuses_too_short_or_long(self):
        with pytest.raises(NormaliseError, match="expected 5 to 15"):
            normalise_passport("A12")
        with pytest.raises(NormaliseError, match="expected 5 to 15"):
            normalise_passport("A" * 16 + "1")

    def test_refuses_thai_letters(self):
        with pytest.raises(NormaliseError, match="Latin letters and digits only"):
            normalise_passport("กข123456")


class TestDocumentNumbers:
    def test_tidies_a_work_permit_number(self):
        assert normalise_document_number("wp/2561/001234") == "WP2561001234"

    def test_uses_the_given_length_bounds(self):
        with pytest.raises(NormaliseError, match="expected 8 to 8"):
            normalise_document_number("1234567", min_length=8, max_length=8)
