"""Several names of one person written in one field: each is kept, none is dropped."""

from connectors.normalise import parse_name
from connectors.normalise.aliases import split_aliases


class TestSplitAliases:
    def test_an_at_sign_separates_a_nickname(self):
        assert split_aliases("Somchai Jaidee @ Lek") == ("Somchai Jaidee", "Lek")
        assert split_aliases("สมชาย@เล็ก") == ("สมชาย", "เล็ก")

    def test_the_word_or_and_aka_separate_names(self):
        assert split_aliases("สมชาย ใจดี หรือ เล็ก") == ("สมชาย ใจดี", "เล็ก")
        assert split_aliases("Somchai aka Lek") == ("Somchai", "Lek")

    def test_a_bracketed_nickname_is_an_alias_wherever_it_stands(self):
        assert split_aliases("สมชาย ใจดี (น้องมา)") == ("สมชาย ใจดี", "มา")
        assert split_aliases("Somchai (Lek) Jaidee") == ("Somchai Jaidee", "Lek")

    def test_a_slash_between_two_names_keeps_both_and_the_two_columns_read_as_one_name(self):
        assert split_aliases("Aung Kyaw / Ko Aung") == ("Aung Kyaw", "Ko Aung", "Aung Kyaw Ko Aung")
        assert "AUNG KYAW MOE" in split_aliases("AUNG KYAW / MOE")

    def test_a_kinship_word_is_taken_off_an_alias_but_never_off_the_name(self):
        assert split_aliases("น้องนุช (พี่เล็ก)") == ("น้องนุช", "เล็ก")

    def test_a_plain_name_is_one_name(self):
        assert split_aliases("Somchai Jaidee") == ("Somchai Jaidee",)


class TestParsedAliases:
    def test_the_first_name_is_parsed_and_the_others_kept(self):
        name = parse_name("นายสมชาย ใจดี (น้องมา)")
        assert (name.honorific, name.given, name.family, name.aliases) == ("นาย", "สมชาย", "ใจดี", ("มา",))

    def test_a_name_without_aliases_has_none(self):
        assert parse_name("Somchai Jaidee").aliases == ()
