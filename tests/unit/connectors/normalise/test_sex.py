"""normalise_sex: Thai and English forms to Male / Female / Other / Unknown."""

import pytest

from connectors.normalise import HTCDS_GENDER, SEXES, NormaliseError, normalise_sex


class TestSex:
    @pytest.mark.parametrize("written", ["ชาย", "ช", "ช.", "เพศชาย", "M", "m", "male", "MALE", "Man", "boy", "ด.ช.", "นาย", "1"])
    def test_reads_male(self, written):
        assert normalise_sex(written) == "Male"

    @pytest.mark.parametrize("written", ["หญิง", "ญ", "เพศหญิง", "F", "female", "Woman", "girl", "ด.ญ.", "นางสาว", "น.ส.", "2"])
    def test_reads_female(self, written):
        assert normalise_sex(written) == "Female"

    @pytest.mark.parametrize("written", ["other", "อื่นๆ", "X", "non-binary"])
    def test_reads_other(self, written):
        assert normalise_sex(written) == "Other"

    @pytest.mark.parametrize("written", [None, "", "  ", "-", "ไม่ระบุ", "ไม่ทราบ", "unknown", "U", "N/A", "0", "9"])
    def test_reads_blanks_and_unknown_as_unknown(self, written):
        assert normalise_sex(written) == "Unknown"

    def test_refuses_anything_else_saying_what_is_expected(self):
        with pytest.raises(NormaliseError, match="expected ชาย/หญิง, ช/ญ, M/F, male/female"):
            normalise_sex("yes")

    def test_has_an_htcds_gender_for_each_value(self):
        assert set(HTCDS_GENDER) == set(SEXES)
        assert HTCDS_GENDER["Female"] == "Feminine"
