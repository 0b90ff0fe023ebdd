"""13-digit population numbers: the kind by the leading digits, zeros Excel dropped restored."""

import pytest

from connectors.normalise import NormaliseError, id13_kind, normalise_id13, thai_id_check_digit


def number(first12: str) -> str:
    return first12 + str(thai_id_check_digit(first12))


PINK_CARD = number("001234567890")        # a registered migrant worker: 00...
STATELESS = number("063570089123")        # a highland person without Thai nationality: 0 then not 0
IRREGULAR = number("612345678901")        # entered irregularly or temporarily: 6
THAI = number("110170020753")


class TestKindByLeadingDigits:
    @pytest.mark.parametrize("digits, kind", [
        (PINK_CARD, "PinkCard"), (STATELESS, "NonThaiId"), (IRREGULAR, "NonThaiId"),
        (number("712345678901"), "NonThaiId"), (THAI, "ThaiId"), (number("812345678901"), "ThaiId"),
    ])
    def test_names_the_kind_by_the_leading_digits(self, digits, kind):
        assert id13_kind(normalise_id13(digits)) == kind

    def test_refuses_a_number_starting_with_nine_even_with_a_good_check_digit(self):
        with pytest.raises(NormaliseError, match="starts with 9"):
            normalise_id13(number("912345678901"))


class TestLeadingZerosExcelDropped:
    def test_pads_a_pink_card_that_lost_two_zeros_then_checks_it(self):
        assert normalise_id13(PINK_CARD.lstrip("0")) == PINK_CARD

    def test_pads_a_number_read_as_an_integer(self):
        assert normalise_id13(int(STATELESS)) == STATELESS

    def test_a_padded_number_with_a_wrong_check_digit_is_still_refused(self):
        wrong = PINK_CARD[:-1] + str((int(PINK_CARD[-1]) + 1) % 10)
        with pytest.raises(NormaliseError, match="check digit"):
            normalise_id13(wrong.lstrip("0"))

    def test_does_not_pad_a_number_written_with_separators(self):
        with pytest.raises(NormaliseError, match="has 11 digits"):
            normalise_id13("12-3456-7890-5")
