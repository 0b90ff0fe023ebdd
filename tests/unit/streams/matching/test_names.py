"""Names across agencies: titles dropped, and the sound key for spellings name_key keeps apart."""

from datetime import date

from streams.matching import DateComparison, IdentifierComparison, NameComparison
from streams.matching.names import fold_name, sound_key, sounds_alike


def level(comparison, a, b) -> str:
    return comparison.levels[comparison.compare(comparison.prepare(a), comparison.prepare(b))]


class TestTitles:
    def test_a_thai_title_is_dropped_glued_or_spaced(self):
        assert fold_name("นายสมชาย ใจดี") == fold_name("นาย สมชาย ใจดี") == fold_name("Somchai Jaidee")

    def test_a_burmese_title_in_latin_script_is_dropped(self):
        assert fold_name("Mg Than Zaw Tin") == fold_name("Than Zaw Tin")
        assert fold_name("Daw Khin Khaing") == fold_name("Ma Khin Khaing") == fold_name("Khin Khaing")

    def test_a_title_alone_is_kept_as_the_only_name_there_is(self):
        assert fold_name("Ma") == "ma"


class TestSoundKey:
    def test_aspirates_and_vowel_runs_fold(self):
        assert sound_key(fold_name("Soe Htoon Aung")) == sound_key(fold_name("So Htun Aong"))

    def test_lao_x_s_and_thai_ch_are_one_sound(self):
        assert sounds_alike(fold_name("Van Xaiyavong"), fold_name("Wan Chaiwong"))
        assert sounds_alike(fold_name("Van Sayavong"), fold_name("วัน ไชยวงศ์"))

    def test_words_written_together_sound_alike(self):
        assert sounds_alike(fold_name("Soemyint Zin"), fold_name("Soe Myint Zin"))
        assert sounds_alike(fold_name("เฮงยาน"), fold_name("Hein Yann"))

    def test_words_written_together_fold_where_they_meet(self):
        assert sounds_alike(fold_name("Choaey Sanda"), fold_name("CHO AYE SANDAR"))
        assert sounds_alike(fold_name("Khantnaing Soe"), fold_name("Khant Naing Soh"))

    def test_words_written_together_in_another_order_sound_alike(self):
        assert sounds_alike(fold_name("Thidacho"), fold_name("CHOE THIDA"))

    def test_a_burmese_medial_w_is_the_vowel_thai_script_writes(self):
        assert sounds_alike(fold_name("Yihtwe Cho"), fold_name("ยี เทว โช"))      # เทว: RTGS "Theo"
        assert sound_key(fold_name("Nwe")) == sound_key(fold_name("Nway"))
        assert sound_key(fold_name("Lwin")) != sound_key(fold_name("Lin"))

    def test_a_final_r_is_silent(self):
        assert sounds_alike(fold_name("Sandar Sandar"), fold_name("ซันดา ซันดา"))

    def test_a_lao_final_e_after_n_or_m_is_silent(self):
        assert sounds_alike(fold_name("Phetsamone Sengdara"), fold_name("Phetsamon Saengdara"))
        assert sound_key(fold_name("Htwe")) == sound_key(fold_name("Tway"))  # an -e after a w stays

    def test_a_silent_thai_r_after_a_final_is_not_romanised_as_n(self):
        assert fold_name("เพชรสมร แสงดารา") == fold_name("Phetsamon Saengdara")
        assert fold_name("บุตร") == fold_name("But") and fold_name("สมุทร") == fold_name("Samut")
        assert sounds_alike(fold_name("เพชรสมร แสงดารา"), fold_name("Phetsamone Sengdara"))

    def test_a_burmese_name_in_thai_script_sounds_like_its_latin_spelling(self):
        assert sounds_alike(fold_name("Thant Zaw Tin"), fold_name("ตั้น ซอ ติน"))

    def test_a_t_after_n_before_a_vowel_starts_a_syllable_and_is_kept(self):
        assert sounds_alike(fold_name("Ninthida"), fold_name("Nin Thida"))
        assert not sounds_alike(fold_name("Za Hnin Yee"), fold_name("Zinn Tin"))

    def test_a_silent_e_after_n_stays_silent_when_the_next_word_is_glued_on(self):
        assert sounds_alike(fold_name("Khinemoh"), fold_name("Khine Mo"))

    def test_an_r_after_a_vowel_before_a_consonant_is_silent(self):
        assert sounds_alike(fold_name("Thidarkhinn"), fold_name("Thida Khinn"))
        assert sounds_alike(fold_name("Porn"), fold_name("Phon"))

    def test_vowels_meeting_where_words_join_are_not_folded_again(self):
        assert not sounds_alike(fold_name("Zawhain Myin"), fold_name("So Ong Mayin"))

    def test_sound_words_of_one_name_among_anothers_are_not_enough(self):
        assert not sounds_alike(fold_name("Tin Kyaw"), fold_name("Soh Lin Tinn"))
        assert not sounds_alike(fold_name("So Tin"), fold_name("Than Zaw Tin"))

    def test_one_shared_word_is_not_enough(self):
        assert not sounds_alike(fold_name("Aung Kyaw"), fold_name("Aung Min Thu"))


class TestNameLevels:
    def test_romanisations_of_one_burmese_name_are_sounds_alike(self):
        assert level(NameComparison(), "Mg Than Zaw Tin", ["ตั้น ซอ ติน", "Tan So Tin"]) in ("exact", "sounds_alike")
        assert level(NameComparison(), "Thant Zow Tin", "Than Zaw Tin") == "sounds_alike"

    def test_a_burmese_title_that_is_also_a_name_syllable_is_compared_both_ways(self):
        assert level(NameComparison(), "Ko Aung", "Ong Ko") == "sounds_alike"
        assert level(NameComparison(), "Ko Aung", "Aung") == "exact"

    def test_a_thai_title_is_never_kept_as_a_name(self):
        assert NameComparison().prepare("นาย สมชาย") == NameComparison().prepare("Somchai")

    def test_a_title_does_not_break_an_exact_match(self):
        assert level(NameComparison(), "U Aung Kyaw Moe", "Aung Kyaw Moe") == "exact"

    def test_the_sound_blocking_key_meets_joined_and_split_words(self):
        comparison = NameComparison()
        joined = comparison.block_values(comparison.prepare("Soemyint Zin"), "sound")
        split = comparison.block_values(comparison.prepare("Soe Myint Zin"), "sound")
        assert set(joined) & set(split)

    def test_the_sound_blocking_key_meets_words_joined_in_another_order(self):
        comparison = NameComparison()
        joined = comparison.block_values(comparison.prepare("Thidacho"), "sound")
        split = comparison.block_values(comparison.prepare("Choe Thida"), "sound")
        assert set(joined) & set(split)

    def test_the_sound_words_blocking_key_files_each_word(self):
        comparison = NameComparison()
        assert comparison.block_values(comparison.prepare("Soe Htun Aung"), "sound_words") == ("so", "ton", "on")


class TestEstimatedYears:
    """An age gives the year of the event minus the age: the person was born that year or the one before."""

    def test_an_age_agrees_with_the_year_before(self):
        assert level(DateComparison(), [(date(1999, 1, 1), "Estimated")], [(date(1998, 1, 1), "Year")]) == "year_only"

    def test_two_ages_a_year_apart_agree(self):
        assert level(DateComparison(), [(date(1999, 1, 1), "Estimated")], [(date(1998, 1, 1), "Estimated")]) == "year_only"

    def test_an_age_and_the_year_after_it_are_only_near(self):
        assert level(DateComparison(), [(date(1999, 1, 1), "Estimated")], [(date(2000, 1, 1), "Year")]) == "within_1_year"

    def test_an_estimated_year_is_read_from_text(self):
        assert level(DateComparison(), "~1999", "1998-07-14") == "year_only"


class TestPhoneNumbers:
    def test_one_number_with_two_country_codes_is_exact(self):
        assert level(IdentifierComparison(), "+855977311026", "+66977311026") == "exact"

    def test_a_thai_trunk_zero_is_the_country_code(self):
        assert level(IdentifierComparison(), "0977311026", "+66 97 731 1026") == "exact"

    def test_a_13_digit_migrant_number_starting_with_zero_is_left_whole(self):
        assert level(IdentifierComparison(), "0096573303997", "0196573303997") != "exact"


class TestThaiHabits:
    """The folds of the Latin habits measured on real Thai spellings (issue 15)."""

    def test_bh_and_dh_are_the_rtgs_ph_and_th(self):
        assert sounds_alike(fold_name("Abhisit"), fold_name("อภิสิทธิ์"))
        assert sound_key(fold_name("Yongchaiyudh")) == sound_key(fold_name("Yongchaiyut"))

    def test_a_silent_final_r_after_a_consonant_is_dropped(self):
        assert sound_key(fold_name("Prawitr")) == sound_key(fold_name("Prawit"))

    def test_a_final_l_is_n_and_a_final_d_ch_or_j_is_t(self):
        assert sound_key(fold_name("Thanaphol")) == sound_key(fold_name("Thanaphon"))
        assert sound_key(fold_name("Surayud")) == sound_key(fold_name("Surayut"))
        assert sound_key(fold_name("Nadech")) == sound_key(fold_name("Nadet"))
        assert sound_key(fold_name("Pairoj")) == sound_key(fold_name("Phairot"))

    def test_er_is_oe_and_g_is_k_except_in_ng(self):
        assert sound_key(fold_name("Prasert")) == sound_key(fold_name("Prasoet"))
        assert sound_key(fold_name("Boonkerd")) == sound_key(fold_name("Bunkoet"))
        assert sound_key(fold_name("Kugimiya")) == sound_key(fold_name("Khukimiya"))
        assert sound_key(fold_name("Songkrasin")) != sound_key(fold_name("Sokkrasin"))

    def test_sr_is_the_rtgs_s_of_sri(self):
        assert sound_key(fold_name("Srisuk")) == sound_key(fold_name("Sisuk"))

    def test_a_syllable_closing_b_or_d_is_p_or_t(self):
        assert sound_key(fold_name("Kobsak")) == sound_key(fold_name("Kopsak"))
        assert sound_key(fold_name("Chidchob")) == sound_key(fold_name("Chitchop"))

    def test_a_final_s_or_tch_is_the_rtgs_final_t(self):
        assert sound_key(fold_name("Prapas")) == sound_key(fold_name("Praphat"))
        assert sound_key(fold_name("Petch")) == sound_key(fold_name("Phet"))

    def test_ae_is_not_folded_to_a(self):
        assert sound_key(fold_name("Khamphaeng")) != sound_key(fold_name("Khamphang"))
        assert sound_key(fold_name("Daengda")) != sound_key(fold_name("Dangda"))


class TestAliases:
    def test_each_alias_is_a_name_of_the_same_person(self):
        names = NameComparison().prepare(["สมชาย ใจดี (น้องมา)"])
        assert fold_name("สมชาย ใจดี") in names and fold_name("มา") in names

    def test_an_at_sign_or_the_word_or_separates_two_names(self):
        assert level(NameComparison(), ["Somchai Jaidee @ Lek"], ["Lek"]) == "exact"
        assert level(NameComparison(), ["สมชาย ใจดี หรือ เล็ก"], ["Somchai Jaidee"]) == "exact"

    def test_a_slash_between_two_names_keeps_both(self):
        assert level(NameComparison(), ["Aung Kyaw / Ko Aung"], ["Ko Aung"]) in ("exact", "order_free")


class TestOtherScripts:
    def test_burmese_khmer_and_lao_script_meet_their_usual_latin_spellings(self):
        assert sounds_alike(fold_name("မင်းအောင်လှိုင်"), fold_name("Min Aung Hlaing"))
        assert sounds_alike(fold_name("ហ៊ុន សែន"), fold_name("Hun Sen"))
        assert sounds_alike(fold_name("ສອນໄຊ ສີພັນດອນ"), fold_name("Sonexay Siphandone"))
