"""Names: Thai names from the pythainlp corpus, and the spellings agencies give foreign names."""

from __future__ import annotations

import random

from connectors.normalise import detect_script
from simulator.names import (BURMESE_MALE, KHMER_GIVEN_MALE, LAO_GIVEN_MALE, TrueName, latin_spelling,
                                        make_name, thai_spelling)


def _syllable(table, canonical):
    return next(s for s in table if s.canonical == canonical)


def _spellings(name, count=400, **options):
    rng = random.Random(1)
    return {latin_spelling(name, rng, **options).full for _ in range(count)}


class TestThaiNames:
    def test_come_from_the_corpus_in_thai_script_with_an_rtgs_spelling(self):
        name = make_name(random.Random(5), "THA", "F")
        assert detect_script(name.given[0].thai).value == "Thai" and name.family
        assert name.given[0].canonical.isascii() and name.given[0].canonical[0].isupper()

    def test_the_same_seed_picks_the_same_name(self):
        assert make_name(random.Random(9), "THA", "M") == make_name(random.Random(9), "THA", "M")

    def test_get_ad_hoc_latin_spellings_besides_rtgs(self):
        name = make_name(random.Random(5), "THA", "M")
        assert len(_spellings(name, vary=1.0)) > 2


class TestForeignNames:
    AUNG_KYAW = TrueName("MMR", "M", (_syllable(BURMESE_MALE, "Aung"), _syllable(BURMESE_MALE, "Kyaw")))

    def test_burmese_names_get_the_variants_agencies_write(self):
        found = _spellings(self.AUNG_KYAW, vary=0.6, swap=0.0)
        assert {"Aung Kyaw", "Aung Kyau", "Aungkyaw"} <= {f.replace("kyau", "kyaw") if f == "Aungkyau" else f
                                                          for f in found}

    def test_burmese_names_have_no_family_name_but_two_columns_split_them_either_way(self):
        rng = random.Random(3)
        splits = {(s.first, s.last) for s in (latin_spelling(self.AUNG_KYAW, rng, vary=0.0) for _ in range(200))}
        assert ("Aung Kyaw", None) in splits and ("Aung", "Kyaw") in splits and ("Kyaw", "Aung") in splits

    def test_a_passport_spelling_is_the_canonical_one(self):
        assert latin_spelling(self.AUNG_KYAW, random.Random(1), official=True).full == "Aung Kyaw"

    def test_khmer_names_flip_between_family_first_and_given_first(self):
        name = TrueName("KHM", "M", (_syllable(KHMER_GIVEN_MALE, "Sokha"),), (_syllable(KHMER_GIVEN_MALE, "Vannak"),))
        found = _spellings(name, vary=0.0)
        assert {"Sokha Vannak", "Vannak Sokha"} <= found

    def test_lao_and_khmer_variants_include_the_known_ones(self):
        assert {"Souksavan", "Suksavanh"} <= set(_syllable(LAO_GIVEN_MALE, "Souksavanh").spellings)
        assert {"Sokhar", "Sukha"} <= set(_syllable(KHMER_GIVEN_MALE, "Sokha").spellings)
        assert "Wannak" in _syllable(KHMER_GIVEN_MALE, "Vannak").spellings

    def test_thai_script_transliterations_exist_for_every_foreign_name(self):
        rng = random.Random(2)
        for nationality in ("MMR", "KHM", "LAO"):
            spelt = thai_spelling(make_name(rng, nationality, "F"), rng, title=0.0)
            assert detect_script(spelt.full.replace(" ", "")).value == "Thai"


class TestHonestThaiSpellings:
    def test_the_simulator_never_calls_the_matchers_romaniser_or_keys(self):
        import ast
        import inspect

        from simulator import names, thai_spellings
        for module in (names, thai_spellings):
            imported = {node.module for node in ast.walk(ast.parse(inspect.getsource(module)))
                        if isinstance(node, ast.ImportFrom)}
            assert not any(m.startswith(("connectors.normalise", "streams")) for m in imported), module

    def test_canonical_forms_come_from_the_reviewed_rows_of_the_shipped_table(self):
        from simulator.thai_spellings import reviewed_rtgs
        assert reviewed_rtgs()["สมชาย"] == "Somchai"

    def test_a_persons_own_spelling_follows_the_measured_habits_several_at_once(self):
        from simulator.thai_spellings import own_spelling
        seen = {own_spelling("ขจรพงศ์", "Khachonphong", random.Random(seed)) for seed in range(300)}
        assert "Khachornphong" in seen and "Khachonpong" in seen and "Khachornpong" in seen

    def test_final_r_long_i_and_initial_cho_chan_take_their_usual_forms(self):
        from simulator.thai_spellings import own_spelling
        seen = {own_spelling("จันทร์เพ็ญ", "Chanphen", random.Random(seed)) for seed in range(200)}
        assert "Janpen" in seen
        assert {own_spelling("มาลี", "Mali", random.Random(seed)) for seed in range(50)} >= {"Malee", "Mali"}

    def test_forms_no_rule_reaches_come_from_the_hand_list(self):
        from simulator.thai_spellings import spellings
        assert spellings("ชินวัตร", "Chinnawat", random.Random(1))[0] == "Shinawatra"
