"""RTGS of Thai name words: the shipped table first, compounds of its words, then the rules."""

from connectors.normalise import romanise_thai
from connectors.normalise.rtgs import compound, lookup, model_form, table_words


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


class TestModelSessions:
    """The thai2rom model runs on the calling thread: onnxruntime's default per-core threads spun
    after every run and cost more CPU than the model (connectors.normalise.rtgs.quiet_sessions)."""

    def test_the_encoder_and_decoder_use_one_thread_that_never_spins(self):
        assert model_form("สมชาย", None) == "somchai"          # the model loaded
        from pythainlp.transliterate import thai2rom_onnx
        network = thai2rom_onnx._THAI_TO_ROM_ONNX._network
        for session in (network.encoder, network.decoder):
            options = session.get_session_options()
            assert options.intra_op_num_threads == 1
            assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"

    def test_it_romanises_as_the_default_sessions_did(self):
        # each form as pythainlp's own (default) sessions gave it, before the sessions were made quiet
        expected = {"ประเสริฐ": "prasoet", "บุญเรือง": "bunr", "ธีรวัฒน์": "thirawat", "เพ็ญศรี": "phensi",
                    "อนุชา": "anucha"}
        assert {word: model_form(word, None) for word in expected} == expected
