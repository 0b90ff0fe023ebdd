"""RTGS of Thai name words: the shipped table first, compounds of its words, then the rules."""

from connectors.normalise import romanise_thai
from connectors.normalise.rtgs import compound, lookup, table_words


class TestShippedTable:
    def test_holds_the_corpus_name_words_with_their_rtgs_form(self):
        assert len(table_words()) > 15_000
        assert lookup("สมชาย") == "somchai"

    def test_the_table_corrects_what_royin_got_wrong(self):
        assert romanise_thai("อรุณี") == "Aruni"       # royin: "Runi"
        assert romanise_thai("กาญจนา") == "Kanchana"   # royin: "Kantna"
        assert romanise_thai("วิไลวรรณ") == "Wilaiwan"  # royin: "Winwaian"
        assert romanise_thai("ประเสริฐ") == "Prasoet"   # royin: "Praserit"


class TestCompounds:
    def test_a_word_the_table_lacks_is_read_as_table_words_joined(self):
        word = "สมชาย" + "ใจดี"
        assert word not in table_words() and compound(word) == "somchaichaidi"

    def test_a_piece_never_starts_with_a_vowel_sign(self):
        assert compound("กา" + "ี") is None
