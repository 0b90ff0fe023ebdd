"""RTGS romanisation of Thai name words: a reviewed table first, rules second.

pythainlp's `royin` engine, the hub's only romaniser before, gives the RTGS form of half of real
name words (อรุณี "Runi", กาญจนา "Kantna", ณัฐพล "Natpn"). Better engines exist but are heavy
(`thai2rom_onnx` costs ~1.8 ms a word; `tltk` pins old libraries), so their work is done offline,
once, and shipped as a table (`data/rtgs_names.csv`, built by
`bench/names_tables.py` from pythainlp's name corpora, CC BY-SA 4.0; see `data/README.md`): each
word's form, and its basis (which engines agreed). At run time a word is looked up:

1. in the table, as a whole word;
2. else as a compound of table words (Thai family names are mostly compounds of name words:
   ศรีสุขใจ is ศรี + สุขใจ), the split with the fewest pieces, each piece at least two letters and
   none starting with a vowel sign or ending with a leading vowel;
3. else pythainlp's `thai2rom_onnx` model (its weights ship with pythainlp; onnxruntime runs it),
   unless its output is cut short (shorter than 3/4 of royin's: it sometimes stops early,
   บุญเรือง -> "bunr") or the model cannot be loaded;
4. else `royin`, with the hub's fix for a silent ร after a final (`names._SILENT_R`).
Every form is a machine romanisation: never an official spelling.
"""

from __future__ import annotations

from functools import cache, lru_cache

from connectors.normalise._data import read_table

__all__ = ["table_words", "lookup", "compound", "model_form", "quiet_sessions"]

# A piece of a compound may not start with a sign that belongs to the letter before it, nor end
# with a vowel written before its consonant.
_NOT_FIRST = frozenset("ะัาำิีึืฺุู็่้๊๋์ํๅ")
_NOT_LAST = frozenset("เแโใไ")
_MAX_PIECE = 12


@cache
def _table() -> dict[str, str]:
    return {row["thai"]: row["rtgs"] for row in read_table("rtgs_names.csv")}


def table_words() -> frozenset[str]:
    """The Thai words the shipped table holds."""
    return frozenset(_table())


def lookup(word: str) -> str | None:
    """The table's form of a whole word (lower case), or None."""
    return _table().get(word)


@lru_cache(maxsize=65536)
def compound(word: str) -> str | None:
    """The word as a compound of table words (fewest pieces), romanised piece by piece, or None."""
    table = _table()
    n = len(word)
    best: list[tuple[int, str] | None] = [None] * (n + 1)
    best[0] = (0, "")
    for end in range(2, n + 1):
        if end < n and word[end] in _NOT_FIRST:
            continue
        for start in range(max(0, end - _MAX_PIECE), end - 1):
            before = best[start]
            if before is None:
                continue
            piece = word[start:end]
            form = table.get(piece)
            if form is None or piece[-1] in _NOT_LAST:
                continue
            candidate = (before[0] + 1, before[1] + form)
            if best[end] is None or candidate[0] < best[end][0]:  # type: ignore[index]
                best[end] = candidate
    found = best[n]
    return found[1] if found and found[0] > 1 else None


@cache
def _model():
    """pythainlp's thai2rom_onnx romaniser (its sessions made quiet), or None when onnxruntime
    cannot be imported."""
    try:
        from pythainlp.transliterate import thai2rom_onnx
    except ImportError:
        return None
    quiet_sessions(thai2rom_onnx)
    return thai2rom_onnx.romanize


def quiet_sessions(module) -> None:
    """The model's encoder and decoder again, on the calling thread only, never spinning.

    onnxruntime's default session keeps a thread per core that spins after every run, waiting for
    more: for this small model that burned twice the model's own CPU (2,000 table words: 3.9 ms of
    process CPU a word, 1.4 on the calling thread; 1.2 ms so), and in a fresh worker's first pass
    over the pipeline bench's six feeds, 888 us an entry in those threads against 731 in the
    correlator's own. The same weights on one thread give the same romanisations (those 2,000
    words, and the worker's outputs byte for byte on the pipeline bench's six feeds)."""
    from onnxruntime import InferenceSession, SessionOptions
    from pythainlp.corpus import get_corpus_path

    options = SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    model, network = module._THAI_TO_ROM_ONNX, module._THAI_TO_ROM_ONNX._network

    def session(name: str) -> InferenceSession:
        return InferenceSession(get_corpus_path(name), options, providers=["CPUExecutionProvider"])

    model._encoder = network.encoder = session(module._MODEL_ENCODER_NAME)
    model._decoder = network.decoder = session(module._MODEL_DECODER_NAME)


def model_form(word: str, rules: str | None) -> str | None:
    """The model's romanisation of a word (lower case) unless cut short against the rule
    engine's `rules`; None without the model."""
    romanize = _model()
    if romanize is None:
        return None
    try:
        latin = romanize(word).strip().lower().replace("-", "")
    except Exception:  # noqa: BLE001 - a third-party failure falls back to the rules
        return None
    if not latin.isascii() or not latin.isalpha() or (rules and len(latin) * 4 < len(rules) * 3):
        return None
    return latin
