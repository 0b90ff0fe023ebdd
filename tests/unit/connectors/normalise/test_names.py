"""parse_name / name_from_parts: honorifics kept apart, order hints, single names, scripts."""

import pytest

from connectors.normalise import NormaliseError, PersonName, Script, detect_script, name_from_parts, parse_name


class TestThaiNames:
    def test_splits_a_glued_title_from_the_given_name(self):
        name = parse_name("นายสมชาย ใจดี")
        assert (name.honorific, name.given, name.family) == ("นาย", "สมชาย", "ใจดี")

    @pytest.mark.parametrize("title", ["นาย", "นาง", "นางสาว", "น.ส.", "ด.ช.", "ด.ญ.", "เด็กชาย", "เด็กหญิง"])
    def test_strips_each_thai_title_glued_or_spaced(self, title):
        for written in (f"{title}สมศรี มีสุข", f"{title} สมศรี มีสุข"):
            name = parse_name(written)
            assert (name.honorific, name.given, name.family) == (title, "สมศรี", "มีสุข")

    def test_strips_a_police_rank(self):
        assert parse_name("ร.ต.อ.สมชาย ใจดี").honorific == "ร.ต.อ."

    def test_does_not_cut_a_name_that_only_begins_like_a_title(self):
        assert parse_name("คุณากร ใจดี").given == "คุณากร"

    def test_keeps_na_ayutthaya_as_one_family_name(self):
        name = parse_name("สมชาย ณ อยุธยา")
        assert (name.given, name.family) == ("สมชาย", "ณ อยุธยา")

    def test_reads_family_first_when_told(self):
        name = parse_name("ใจดี สมชาย", family_first=True)
        assert (name.given, name.family) == ("สมชาย", "ใจดี")

    def test_romanises_thai_script_in_rtgs(self):
        assert parse_name("นายสมชาย ใจดี").romanised == "Somchai Chaidi"

    def test_reports_thai_script(self):
        assert parse_name("สมชาย ใจดี").script is Script.THAI


class TestLatinNames:
    def test_title_cases_an_upper_case_export(self):
        name = parse_name("SOMCHAI JAIDEE")
        assert (name.given, name.family, name.romanised) == ("Somchai", "Jaidee", "Somchai Jaidee")

    def test_keeps_mixed_case_as_written(self):
        assert parse_name("Ronald McDonald").family == "McDonald"

    def test_reads_family_comma_given(self):
        name = parse_name("JAIDEE, Somchai")
        assert (name.given, name.family) == ("Somchai", "Jaidee")

    def test_strips_english_titles(self):
        name = parse_name("Mrs. Somsri Meesuk")
        assert (name.honorific, name.given, name.family) == ("Mrs.", "Somsri", "Meesuk")

    def test_collapses_whitespace_and_zero_width_spaces(self):
        assert parse_name("  Somchai \u200b  Jaidee ").full == "Somchai Jaidee"

    def test_keeps_a_single_name_without_family(self):
        assert parse_name("Somchai") == PersonName("Somchai", None, None, Script.LATIN, "Somchai")

    def test_reads_family_first_for_vietnamese_when_told(self):
        name = parse_name("Nguyen Van An", family_first=True)
        assert (name.given, name.family) == ("Van An", "Nguyen")


class TestBurmeseNames:
    def test_keeps_a_myanmar_nationals_whole_name_as_given(self):
        name = parse_name("Aung Kyaw Moe", nationality="MMR")
        assert (name.given, name.family) == ("Aung Kyaw Moe", None)

    @pytest.mark.parametrize("title", ["U", "Daw", "Ko", "Maung", "Mg", "Ma", "Saw", "Naw"])
    def test_moves_the_burmese_honorific_to_its_own_field(self, title):
        name = parse_name(f"{title} Aung Kyaw", nationality="MMR")
        assert (name.honorific, name.given, name.family) == (title, "Aung Kyaw", None)

    def test_strips_u_and_daw_without_a_hint_and_keeps_no_family(self):
        name = parse_name("Daw Aye Aye Myint")
        assert (name.honorific, name.given, name.family) == ("Daw", "Aye Aye Myint", None)

    def test_leaves_ma_alone_when_the_person_is_chinese(self):
        name = parse_name("Ma Yun", nationality="CHN", family_first=True)
        assert (name.honorific, name.given, name.family) == (None, "Yun", "Ma")

    def test_leaves_ko_alone_without_a_hint(self):
        assert parse_name("Ko Ko Naing").honorific is None

    def test_keeps_myanmar_script_and_its_honorific(self):
        name = parse_name("ဦး သန့်")
        assert (name.honorific, name.given, name.family, name.script, name.romanised) == (
            "ဦး", "သန့်", None, Script.MYANMAR, None)


class TestLaoAndKhmerNames:
    def test_strips_a_lao_title_with_the_lao_hint(self):
        name = parse_name("Thao Somphone Phommavong", nationality="LAO")
        assert (name.honorific, name.given, name.family) == ("Thao", "Somphone", "Phommavong")

    def test_detects_lao_and_khmer_script(self):
        assert parse_name("ທ້າວ ສົມພອນ").script is Script.LAO
        assert parse_name("សុខ ចាន់").script is Script.KHMER


class TestNameParts:
    def test_splits_a_title_left_in_the_given_column(self):
        name = name_from_parts("นายสมชาย", "ใจดี")
        assert (name.honorific, name.given, name.family) == ("นาย", "สมชาย", "ใจดี")

    def test_takes_a_separate_title_column(self):
        assert name_from_parts("Aung Kyaw", None, honorific="Ko").honorific == "Ko"

    @pytest.mark.parametrize("blank", ["", "-", "ไม่มี", None])
    def test_reads_a_blank_family_as_none(self, blank):
        assert name_from_parts("Aung Kyaw", blank).family is None


class TestRefusedNames:
    def test_refuses_digits(self):
        with pytest.raises(NormaliseError, match="contains a digit"):
            parse_name("Somchai 2")

    def test_refuses_injection_punctuation(self):
        with pytest.raises(NormaliseError, match="contains ';'"):
            parse_name("'; DROP TABLE persons--")

    def test_refuses_a_title_alone(self):
        with pytest.raises(NormaliseError, match="only a title"):
            parse_name("นาย")

    def test_refuses_punctuation_only(self):
        with pytest.raises(NormaliseError, match="has no letters"):
            parse_name("- . -")

    def test_refuses_two_commas(self):
        with pytest.raises(NormaliseError, match="one comma at most"):
            parse_name("A, B, C")


class TestScriptDetection:
    @pytest.mark.parametrize("text, script", [
        ("สมชาย", Script.THAI), ("Somchai", Script.LATIN), ("Nguyễn", Script.LATIN),
        ("အောင်", Script.MYANMAR), ("សុខ", Script.KHMER), ("ສົມພອນ", Script.LAO),
        ("สมชาย Jaidee", Script.MIXED), ("Иван", Script.OTHER), ("123", Script.OTHER),
    ])
    def test_names_the_script(self, text, script):
        assert detect_script(text) is script
