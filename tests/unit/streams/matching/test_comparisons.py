"""Comparison levels per kind: identifiers, names, dates, postcodes, categories, text."""

from datetime import date

from connectors.normalise import thai_id_check_digit
from streams.matching import (
    CategoricalComparison, DateComparison, IdentifierComparison, NameComparison, PostcodeComparison,
    TextComparison,
)
from streams.matching.strings import _edit_class_py, _jaro_winkler_py, edit_class, jaro_winkler, one_edit


def _thai_id(first12: str) -> str:
    return first12 + str(thai_id_check_digit(first12))


def level(comparison, a, b) -> str:
    return comparison.levels[comparison.compare(comparison.prepare(a), comparison.prepare(b))]


class TestIdentifierComparison:
    def test_the_same_number_written_differently_is_exact(self):
        assert level(IdentifierComparison(), "1-2345-67890-12-1", "1234567890121") == "exact"

    def test_a_transposed_digit_in_a_thai_id_is_a_near_match(self):
        valid = _thai_id("357010001234")
        swapped = valid[:1] + valid[2] + valid[1] + valid[3:]
        assert swapped != valid and thai_id_check_digit(swapped[:12]) != int(swapped[12])
        assert level(IdentifierComparison(), valid, swapped) == "transposed"

    def test_a_mistyped_digit_that_breaks_the_check_digit_is_a_near_match(self):
        valid = _thai_id("357010001234")
        typo = valid[:3] + str((int(valid[3]) + 1) % 10) + valid[4:]
        assert level(IdentifierComparison(), valid, typo) == "one_edit"

    def test_two_valid_thai_ids_one_digit_apart_are_different_people(self):
        a = _thai_id("357010001234")
        b = next(_thai_id(a[:11] + str(d)) for d in range(10) if _thai_id(a[:11] + str(d))[:12] != a[:12])
        assert level(IdentifierComparison(), a, b) == "else"

    def test_a_passport_one_letter_off_is_a_near_match(self):
        assert level(IdentifierComparison(), "MA123456", "MA128456") == "one_edit"


class TestNames:
    def test_swapped_given_and_family_names_still_match(self):
        assert level(NameComparison(), "Somchai Jaidee", "Jaidee Somchai") == "order_free"

    def test_ad_hoc_romanisations_fold_to_the_same_name(self):
        assert level(NameComparison(), "Somchai Jaidee", "Somchay Chaidi") == "exact"

    def test_thai_script_meets_its_latin_spelling(self):
        assert level(NameComparison(), "สมชาย ใจดี", "Somchai Jaidee") == "exact"

    def test_a_name_missing_its_last_word_is_a_subset(self):
        assert level(NameComparison(), "Aye Aye Khaing", "Aye Aye") == "subset"

    def test_a_typo_is_a_similar_name_and_a_stranger_is_not(self):
        # (Sirsuk is no longer a typo's example: sr and a silent r before a consonant both fold to s)
        assert level(NameComparison(), "Wanida Srisuk", "Wanida Srisak").startswith("jw")
        assert level(NameComparison(), "Wanida Srisuk", "Kyaw Zaw") == "else"

    def test_the_best_of_several_spellings_counts(self):
        assert level(NameComparison(), ["နိုင်", "Naing Win"], ["Win Naing"]) == "order_free"

    def test_myanmar_script_is_compared_on_its_exact_text(self):
        assert level(NameComparison(), "အေးအေးခိုင်", "အေးအေးခိုင်") == "exact"

    def test_blank_names_are_missing(self):
        assert NameComparison().prepare(["", None, "  "]) is None


class TestDates:
    dates = DateComparison()

    def test_the_same_day_is_exact(self):
        assert level(self.dates, "1990-08-02", date(1990, 8, 2)) == "exact"

    def test_day_and_month_swapped(self):
        assert level(self.dates, "1990-03-11", "1990-11-03") == "day_month_swapped"

    def test_a_year_only_agrees_with_a_full_date_in_that_year(self):
        assert level(self.dates, (date(1990, 1, 1), "Year"), "1990-08-02") == "year_only"

    def test_an_age_given_instead_agrees_within_a_year(self):
        assert level(self.dates, (date(1989, 1, 1), "Estimated"), "1990-08-02") == "within_1_year"

    def test_an_estimated_year_blocks_with_both_years_it_stands_for(self):
        estimate = self.dates.prepare((date(2002, 1, 1), "Estimated"))
        known = self.dates.prepare((date(2001, 5, 2), "Day"))
        assert self.dates.block_values(estimate, "year") == ("2002", "2001")
        assert self.dates.block_values(known, "year") == ("2001",)

    def test_a_slipped_digit_in_a_written_date(self):
        assert level(DateComparison(format="%Y%m%d"), "19900802", "19900803") == "one_digit"

    def test_an_impossible_date_is_still_compared_on_its_digits(self):
        assert level(DateComparison(format="%Y%m%d"), "19901302", "19900302") == "one_digit"

    def test_far_apart_dates_disagree(self):
        assert level(self.dates, "1990-08-02", "1975-01-20") == "else"


class TestOtherKinds:
    def test_postcodes_of_one_area(self):
        assert level(PostcodeComparison(), "57000", "57100") == "one_edit"
        assert level(PostcodeComparison(), "57000", "57180") == "same_area"

    def test_categories_ignore_case(self):
        assert level(CategoricalComparison(), "MMR", "mmr") == "exact"

    def test_text_levels_by_similarity(self):
        assert level(TextComparison(), "stanley street", "stanley  Street") == "exact"
        assert level(TextComparison(), "stanley street", "stanly street") == "jw>=0.9"


class TestStrings:
    def test_the_pure_python_jaro_winkler_agrees_with_the_fast_one(self):
        for a, b in [("martha", "marhta"), ("dwayne", "duane"), ("somchai", "somcai"), ("a", "b"), ("ab", "")]:
            assert abs(_jaro_winkler_py(a, b) - jaro_winkler(a, b)) < 1e-9

    def test_the_pure_python_edit_classes_agree_with_the_fast_ones(self):
        pairs = [("12345", "12345"), ("12345", "13245"), ("12345", "12845"), ("12345", "1245"),
                 ("12345", "123456"), ("12345", "54321"), ("MA123456", "MA124356"), ("", "1")]
        assert [edit_class(a, b) for a, b in pairs] == [_edit_class_py(a, b) for a, b in pairs] == [0, 1, 2, 2, 2, 3, 1, 2]

    def test_one_edit_is_one_substitution_insertion_deletion_or_swap(self):
        assert all(one_edit("12345", x) for x in ("12845", "1245", "123456", "13245"))
        assert not one_edit("12345", "12345") and not one_edit("12345", "21354")


class TestDateInputs:
    def test_compact_and_iso_dates_are_the_same_day(self):
        assert level(DateComparison(), "19900802", "1990-08-02") == "exact"

    def test_a_month_and_year_agree_with_a_day_in_that_month(self):
        assert level(DateComparison(), "1990-08", "1990-08-02") == "year_only"
