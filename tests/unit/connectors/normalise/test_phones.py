"""normalise_phone: E.164, Thai by default, the nationality hint for migrants' home numbers."""

import pytest

from connectors.normalise import NormaliseError, normalise_phone


class TestThaiNumbers:
    @pytest.mark.parametrize("written", ["081-234-5678", "0812345678", "081 234 5678", "(081) 234-5678",
                                         "๐๘๑๒๓๔๕๖๗๘", "+66 81 234 5678", "+66812345678", "66812345678",
                                         "0066812345678", "001 66 81 234 5678"])
    def test_reads_a_mobile_in_every_usual_form(self, written):
        assert normalise_phone(written) == "+66812345678"

    def test_reads_a_bangkok_landline(self):
        assert normalise_phone("02-123-4567") == "+6621234567"

    def test_drops_an_extension(self):
        assert normalise_phone("02-123-4567 ต่อ 12") == "+6621234567"
        assert normalise_phone("02-123-4567 ext. 12") == "+6621234567"

    def test_refuses_the_hotline_and_other_short_numbers(self):
        with pytest.raises(NormaliseError, match="short service numbers are not accepted"):
            normalise_phone("1300")

    def test_refuses_an_invalid_thai_number_saying_what_was_expected(self):
        with pytest.raises(NormaliseError, match="not a valid number in Thailand; expected e.g. 081-234-5678"):
            normalise_phone("0123456")

    def test_refuses_letters(self):
        with pytest.raises(NormaliseError, match="expected a phone number"):
            normalise_phone("call me")


class TestNeighbouringCountries:
    def test_reads_a_myanmar_mobile_with_the_myanmar_hint(self):
        assert normalise_phone("09 797 123 456", nationality="MMR") == "+959797123456"

    def test_refuses_a_myanmar_national_number_without_the_hint(self):
        with pytest.raises(NormaliseError, match="not a valid number in Thailand"):
            normalise_phone("09797123456")

    def test_reads_international_forms_without_a_hint(self):
        assert normalise_phone("+95 9 797 123 456") == "+959797123456"
        assert normalise_phone("+855 12 345 678") == "+85512345678"
        assert normalise_phone("+856 20 5555 1234") == "+8562055551234"

    def test_reads_a_cambodian_mobile_with_the_cambodia_hint(self):
        assert normalise_phone("012 345 678", nationality="KHM") == "+85512345678"

    def test_reads_a_lao_mobile_with_the_laos_hint(self):
        assert normalise_phone("020 5555 1234", nationality="LAO") == "+8562055551234"

    def test_prefers_a_thai_mobile_over_a_myanmar_landline(self):
        assert normalise_phone("081-234-5678", nationality="MMR") == "+66812345678"

    def test_names_both_countries_when_neither_fits(self):
        with pytest.raises(NormaliseError, match="Thailand or MMR"):
            normalise_phone("0123456", nationality="MMR")

    def test_ignores_an_unknown_nationality_hint(self):
        assert normalise_phone("0812345678", nationality="XXA") == "+66812345678"
