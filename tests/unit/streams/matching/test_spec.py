"""The comparison spec: validated when built, with errors that name the column."""

import pytest

from streams.matching import DateComparison, SpecError, parse_spec
from streams.matching.persons import persons_spec


class TestSpec:
    def test_refuses_an_unknown_kind_naming_the_column(self):
        with pytest.raises(SpecError, match=r"field 'dob': unknown kind 'birthday'"):
            parse_spec('[fields]\nname = "name"\ndob = "birthday"\n')

    def test_refuses_a_blocking_key_on_an_unknown_column(self):
        with pytest.raises(SpecError, match=r"unknown column 'postcode'"):
            parse_spec('[fields]\nname = "name"\n[blocking]\nkeys = [["name", "postcode"]]\n')

    def test_refuses_an_option_the_kind_does_not_have(self):
        with pytest.raises(SpecError, match=r"field 'sex': kind 'categorical' has no option 'format'"):
            parse_spec('[fields]\nsex = { kind = "categorical", format = "%Y" }\n')

    def test_refuses_a_transform_the_kind_does_not_have(self):
        with pytest.raises(SpecError, match=r"column 'sex' \(categorical\) has no transform 'year'"):
            parse_spec('[fields]\nsex = "categorical"\n[blocking]\nkeys = [["sex:year"]]\n')

    def test_refuses_a_data_set_without_a_compared_column(self):
        spec = parse_spec('[fields]\nname = "name"\ndob = "date"\n')
        with pytest.raises(SpecError, match=r"column 'dob' of the spec is not in the data"):
            spec.check_columns(["name", "sex"])

    def test_refuses_a_possible_threshold_above_the_link_threshold(self):
        with pytest.raises(SpecError, match="possible"):
            parse_spec('[fields]\nname = "name"\n[thresholds]\nlink = 2\npossible = 5\n')

    def test_an_inline_table_sets_the_kind_and_its_options(self):
        spec = parse_spec('[fields]\ndob = { kind = "date", format = "%Y%m%d" }\n')
        assert spec.comparison("dob") == DateComparison(format="%Y%m%d")

    def test_without_blocking_keys_the_matcher_derives_them_from_the_kinds(self):
        spec = parse_spec('[fields]\ngiven = "name"\nfamily = "name"\ndob = "date"\nid = "identifier"\n')
        assert [str(k) for k in spec.blocking] == ["id", "dob", "given+family", "given+dob:year", "given", "family+dob:year", "family"]

    def test_a_key_on_both_swapped_name_columns_is_order_free(self):
        spec = parse_spec('[fields]\ng = { kind = "name", swap_with = "f" }\nf = "name"\n'
                          '[blocking]\nkeys = [["g", "f"]]\n')
        assert spec.blocking[0].sorted_pair

    def test_the_default_persons_spec_is_valid(self):
        assert "national_id" in persons_spec().columns


class TestSeparator:
    def test_a_field_may_hold_alternatives_in_one_text_cell(self):
        spec = parse_spec('[fields]\nname = { kind = "name", separator = "|" }\nsex = "categorical"\n')
        assert spec.separators == {"name": "|"} and spec.comparison("name").kind == "name"

    def test_an_empty_separator_is_refused(self):
        with pytest.raises(SpecError, match=r"field 'name': separator"):
            parse_spec('[fields]\nname = { kind = "name", separator = "" }\n')

    def test_the_separator_is_part_of_the_spec_digest(self):
        plain = parse_spec('[fields]\nname = "name"\n')
        split = parse_spec('[fields]\nname = { kind = "name", separator = "|" }\n')
        assert plain.digest != split.digest
