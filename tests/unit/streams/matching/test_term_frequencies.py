"""Term frequencies: a name is as common as its most common folded form, in any word order."""

from streams.matching import NameComparison
from streams.matching.tf import TermFrequencies


def _interned(tf: TermFrequencies, comparison: NameComparison, *names: str) -> list[int]:
    codes = []
    for name in names:
        tf.add_value(comparison.prepare([name]))
        codes.append(len(codes) + 1)
    return codes


class TestTermFrequencies:
    def test_a_title_that_is_a_name_syllable_does_not_hide_a_common_name(self):
        comparison = NameComparison()
        tf = TermFrequencies(comparison)
        ko, u, bare = _interned(tf, comparison, "Ko Thet", "U Thet", "Thet")
        for code in (ko, u, bare):
            tf.count(code)
        assert tf.carriers(ko) == tf.carriers(u) == tf.carriers(bare) == 3

    def test_words_in_another_order_are_the_same_term(self):
        comparison = NameComparison()
        tf = TermFrequencies(comparison)
        one, other = _interned(tf, comparison, "Moe Sandar", "Sandar Moe")
        tf.count(one)
        tf.count(other)
        assert tf.carriers(one) == 2

    def test_an_unseen_or_missing_value_has_no_carriers(self):
        comparison = NameComparison()
        tf = TermFrequencies(comparison)
        (code,) = _interned(tf, comparison, "Aung Kyaw")
        assert tf.carriers(code) == 0 and tf.carriers(0) == 0
