"""normalise_nationality: Thai names, English names and demonyms, ISO codes -> alpha-3."""

import csv
from importlib import resources

import pytest

from connectors.normalise import STATELESS, NormaliseError, alpha2_of, country_name, normalise_nationality


class TestThaiNames:
    @pytest.mark.parametrize("written, code", [
        ("พม่า", "MMR"), ("เมียนมา", "MMR"), ("เมียนมาร์", "MMR"), ("กัมพูชา", "KHM"), ("เขมร", "KHM"),
        ("ลาว", "LAO"), ("สปป.ลาว", "LAO"), ("ไทย", "THA"), ("เวียดนาม", "VNM"), ("จีน", "CHN"),
        ("อินเดีย", "IND"), ("บังกลาเทศ", "BGD"), ("ศรีลังกา", "LKA"), ("เนปาล", "NPL"), ("ปากีสถาน", "PAK"),
        ("อินโดนีเซีย", "IDN"), ("ฟิลิปปินส์", "PHL"), ("มาเลเซีย", "MYS"), ("สิงคโปร์", "SGP"),
        ("บรูไน", "BRN"), ("ติมอร์-เลสเต", "TLS"), ("ยูกันดา", "UGA"), ("เคนยา", "KEN"),
        ("เอธิโอเปีย", "ETH"), ("รัสเซีย", "RUS"), ("ยูเครน", "UKR"),
    ])
    def test_reads_the_thai_name(self, written, code):
        assert normalise_nationality(written) == code

    def test_ignores_the_words_sanchat_and_chao(self):
        assert normalise_nationality("สัญชาติพม่า") == normalise_nationality("ชาวพม่า") == "MMR"
        assert normalise_nationality("สัญชาติ กัมพูชา") == "KHM"


class TestEnglishNames:
    @pytest.mark.parametrize("written, code", [
        ("Myanmar", "MMR"), ("Burmese", "MMR"), ("Burma", "MMR"), ("Cambodian", "KHM"), ("Khmer", "KHM"),
        ("Lao", "LAO"), ("Laotian", "LAO"), ("Laos", "LAO"), ("Lao PDR", "LAO"), ("Thai", "THA"),
        ("Vietnamese", "VNM"), ("Viet Nam", "VNM"), ("Vietnam", "VNM"), ("Chinese", "CHN"),
        ("Bangladeshi", "BGD"), ("Sri Lankan", "LKA"), ("Nepalese", "NPL"), ("Nepali", "NPL"),
        ("Pakistani", "PAK"), ("Indonesian", "IDN"), ("Filipino", "PHL"), ("Ugandan", "UGA"),
        ("Kenyan", "KEN"), ("Ethiopian", "ETH"), ("Russian", "RUS"), ("Russian Federation", "RUS"),
        ("Ukrainian", "UKR"), ("Uzbek", "UZB"), ("Côte d'Ivoire", "CIV"), ("Cote d'Ivoire", "CIV"),
    ])
    def test_reads_the_english_name_or_demonym(self, written, code):
        assert normalise_nationality(written) == code

    def test_ignores_case_and_the_words_national_and_citizen(self):
        assert normalise_nationality("MYANMAR NATIONAL") == normalise_nationality("burmese citizen") == "MMR"


class TestCodes:
    def test_reads_alpha_2_and_alpha_3_in_any_case(self):
        assert normalise_nationality("MM") == normalise_nationality("mmr") == "MMR"
        assert normalise_nationality("kh") == "KHM"

    def test_reads_the_withdrawn_code_for_burma(self):
        assert normalise_nationality("BUR") == "MMR"

    def test_maps_every_alpha_2_in_the_table(self):
        text = resources.files("connectors.normalise").joinpath("data").joinpath("countries.csv").read_text("utf-8")
        rows = list(csv.DictReader(text.splitlines()))
        assert len(rows) == 249
        assert all(normalise_nationality(row["alpha2"]) == row["alpha3"] for row in rows)
        assert all(normalise_nationality(row["name"]) == row["alpha3"] for row in rows)

    def test_gives_the_alpha_2_and_name_of_an_alpha_3(self):
        assert alpha2_of("MMR") == "MM"
        assert country_name("LAO") == "Laos"
        assert alpha2_of(STATELESS) is None


class TestStatelessAndEthnicGroups:
    def test_reads_stateless_as_the_icao_code(self):
        assert normalise_nationality("ไร้สัญชาติ") == normalise_nationality("Stateless") == "XXA"
        assert country_name("XXA") == "Stateless"

    @pytest.mark.parametrize("written", ["กะเหรี่ยง", "Karen", "ไทใหญ่", "Shan", "มอญ", "Rohingya"])
    def test_refuses_an_ethnic_group_saying_it_is_not_a_nationality(self, written):
        with pytest.raises(NormaliseError, match="is an ethnic group, not a nationality"):
            normalise_nationality(written)

    def test_refuses_unknown_text_with_examples(self):
        with pytest.raises(NormaliseError, match="expected e.g. พม่า, Myanmar, Burmese, MM or MMR"):
            normalise_nationality("Atlantis")

    def test_refuses_an_unknown_code(self):
        with pytest.raises(NormaliseError, match="not a known country"):
            normalise_nationality("XX")

    def test_aliases_all_point_to_known_codes(self):
        text = resources.files("connectors.normalise").joinpath("data").joinpath("nationality_aliases.csv").read_text("utf-8")
        for row in csv.DictReader(text.splitlines()):
            assert normalise_nationality(row["alias"]) == row["alpha3"], row
