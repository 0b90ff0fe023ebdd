"""name_key: which ad-hoc romanisations fold together, and which stay apart on purpose."""

import pytest

from connectors.normalise import NormaliseError, name_key


class TestVariantsThatFold:
    @pytest.mark.parametrize("a, b", [
        ("Somchai", "Somchay"),          # y/i after a vowel
        ("Jaidee", "Chaidi"),            # j/ch, ee/i
        ("Phongsak", "Pongsak"),         # ph/p
        ("Suthep", "Sutep"),             # th/t
        ("Khin Mar", "Kin Mar"),         # kh/k
        ("Vichai", "Wichai"),            # v/w
        ("Somboon", "Sombun"),           # oo/u
        ("Souk", "Suk"),                 # ou/u (Lao)
        ("Aung Kyaw", "Aung Kyau"),      # w/u after a vowel (Burmese)
        ("Nattapong", "Natthaphong"),    # double letters, th, ph
        ("Nguyễn", "Nguyen"),            # accents
        ("SOMCHAI-JAIDEE", "somchai jaidee"),  # case, hyphens
    ])
    def test_folds_common_romanisation_variants(self, a, b):
        assert name_key(a) == name_key(b)

    def test_folds_thai_script_with_an_ad_hoc_spelling(self):
        assert name_key("สมชาย ใจดี") == name_key("Somchay Jaidee") == "somcai caidi"


class TestVariantsThatStayApart:
    @pytest.mark.parametrize("a, b", [
        ("Thida", "Theda"),        # e/i is a real difference in many names
        ("Mo", "Moe"),             # Burmese Mo and Moe are written apart
        ("Thandar", "Thanda"),     # a final consonant is kept
        ("Aungkyaw", "Aung Kyaw"),  # joined words are not split
        ("Somchai", "Somsak"),
    ])
    def test_keeps_distinct_spellings_apart(self, a, b):
        assert name_key(a) != name_key(b)


class TestWordOrder:
    def test_keeps_word_order_by_default(self):
        assert name_key("Jaidee Somchai") != name_key("Somchai Jaidee")

    def test_can_ignore_word_order_for_swapped_names(self):
        assert name_key("Jaidee Somchai", order_free=True) == name_key("Somchai Jaidee", order_free=True)


class TestKeylessNames:
    def test_refuses_myanmar_script_which_has_no_key(self):
        with pytest.raises(NormaliseError, match="no Latin or Thai letters"):
            name_key("အောင်ကျော်")
