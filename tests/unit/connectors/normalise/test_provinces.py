"""normalise_province: Thai, English and code forms -> ISO 3166-2:TH, and the two-language table."""

import pytest

from connectors.normalise import NormaliseError, Province, normalise_province, province, provinces


class TestProvinceTable:
    def test_has_76_provinces_and_bangkok(self):
        assert len(provinces()) == 77
        assert len({p.code for p in provinces()}) == 77

    @pytest.mark.parametrize("code, thai, english", [
        ("TH-10", "กรุงเทพมหานคร", "Bangkok"), ("TH-57", "เชียงราย", "Chiang Rai"),
        ("TH-50", "เชียงใหม่", "Chiang Mai"), ("TH-85", "ระนอง", "Ranong"),
        ("TH-74", "สมุทรสาคร", "Samut Sakhon"), ("TH-20", "ชลบุรี", "Chon Buri"),
        ("TH-83", "ภูเก็ต", "Phuket"), ("TH-90", "สงขลา", "Songkhla"), ("TH-63", "ตาก", "Tak"),
        ("TH-38", "บึงกาฬ", "Bueng Kan"), ("TH-96", "นราธิวาส", "Narathiwat"),
    ])
    def test_has_the_iso_code_with_thai_and_english_names(self, code, thai, english):
        assert province(code) == Province(code, thai, english)

    def test_excludes_pattaya_as_a_province(self):
        assert "TH-S" not in {p.code for p in provinces()}

    def test_every_row_resolves_by_each_of_its_names(self):
        for row in provinces():
            assert normalise_province(row.thai) == normalise_province(row.english) == row.code

    def test_is_in_code_order(self):
        assert [p.code for p in provinces()] == sorted(p.code for p in provinces())


class TestProvinceNames:
    @pytest.mark.parametrize("written", ["Bangkok", "Krung Thep", "Krung Thep Maha Nakhon", "กรุงเทพมหานคร",
                                         "กทม.", "กรุงเทพฯ", "BKK", "bangkok metropolis"])
    def test_reads_the_ways_bangkok_is_written(self, written):
        assert normalise_province(written) == "TH-10"

    @pytest.mark.parametrize("written", ["Chiang Rai", "Chiangrai", "CHIANG-RAI", "จ.เชียงราย", "จ. เชียงราย",
                                         "จังหวัดเชียงราย", "Chiang Rai Province", "Changwat Chiang Rai", "ชร"])
    def test_reads_chiang_rai_with_prefixes_suffixes_and_spacing(self, written):
        assert normalise_province(written) == "TH-57"

    def test_reads_well_known_variants(self):
        assert normalise_province("Mahachai") == normalise_province("มหาชัย") == "TH-74"
        assert normalise_province("Korat") == normalise_province("โคราช") == "TH-30"
        assert normalise_province("Chonburi") == "TH-20"
        assert normalise_province("Ayutthaya") == "TH-14"
        assert normalise_province("Phang Nga") == "TH-82"
        assert normalise_province("Buriram") == "TH-31"

    def test_maps_pattaya_to_chon_buri(self):
        assert normalise_province("Pattaya") == normalise_province("พัทยา") == normalise_province("TH-S") == "TH-20"

    def test_refuses_an_unknown_name_with_examples(self):
        with pytest.raises(NormaliseError, match="expected a name such as เชียงราย or Chiang Rai"):
            normalise_province("Mandalay")


class TestProvinceCodes:
    @pytest.mark.parametrize("written", ["TH-57", "th-57", "TH57", "TH 57", "57", "๕๗"])
    def test_reads_the_code_in_any_form(self, written):
        assert normalise_province(written) == "TH-57"

    def test_refuses_a_code_that_is_not_a_province(self):
        with pytest.raises(NormaliseError, match="TH-99 is not a Thai province code"):
            normalise_province("TH-99")

    def test_refuses_a_lone_s(self):
        with pytest.raises(NormaliseError):
            normalise_province("S")
