"""Offline builder of the shipped RTGS table of Thai name words (`connectors/normalise/data/rtgs_names.csv`).

Not run by the hub: it needs engines the hub does not depend on, installed in a private venv:

    python3 -m venv /tmp/names-venv
    /tmp/names-venv/bin/pip install pythainlp==5.4.0 onnxruntime thaiphon
    /tmp/names-venv/bin/python -m bench.names_tables connectors/normalise/data/rtgs_names.csv

Words: pythainlp's name corpora (`thai_male_names`, `thai_female_names`, `thai_family_names`,
CC BY-SA 4.0), one word each, and the words of its dictionary (`thai_words`, CC BY-SA 4.0 too)
found inside those names (`table_words`). Three engines romanise every word: pythainlp's `thai2rom_onnx` (a
seq2seq model whose weights ship with pythainlp 5.x; 85-90% exact RTGS, but it sometimes stops
early: บุญเรือง -> "bunr"), `thaiphon`'s rule-and-lexicon `rtgs` scheme (62-68%) and pythainlp's
`royin` with the hub's silent-ร fix (49-51%). The form kept, and its `basis`, is the first of:
1. `onnx+thaiphon`: the model and thaiphon agree (two engines failing in different ways: the review);
2. `onnx+royin`: the model and royin agree;
3. `onnx`: the model alone, when not cut short (at least 3/4 of thaiphon's length): the model is
   right far more often than the rule engines, even where those two agree with each other (their
   shared faults: เจริญ "cherin", ประเสริฐ "praserit");
4. `thaiphon+royin`: the two rule engines agree;
otherwise the word is left out (the runtime falls back to the model, if installed, or royin).
Then one known fault of the model is corrected (`fix_initial_phon`: พร- read "phora").
Rows of basis 3-4 are machine output nobody checked; the basis says so. Engines' outputs are
kept beside the table (`<out>.engines`) so that the choice can be made again without re-running
them: `python -m bench.names_tables OUT --from-engines OLD.engines`.
"""

from __future__ import annotations

import csv
import sys

__all__ = ["build"]


def _plausible(model: str, *rules: str) -> bool:
    """The model's output is letters and not cut short (at least 3/4 of the shorter rule
    engine's length: บุญเรือง "bunr" against "bunrueang", but สมุทร "samut" against royin's "samut")."""
    shortest = min((len(r) for r in rules if r), default=0)
    return model.isascii() and model.isalpha() and len(model) * 4 >= shortest * 3


def choose(model: str, rules: str, royin: str) -> tuple[str, str] | None:
    """(form, basis) for one word's three romanisations (lower case, no hyphens); None when
    only one rule engine vouches for a form (the runtime's own fallback does as well)."""
    if model == rules and _plausible(model, rules, royin):
        return model, "onnx+thaiphon"
    if model == royin and _plausible(model, rules, royin):
        return model, "onnx+royin"
    if _plausible(model, rules, royin):
        return model, "onnx"
    if rules == royin and rules.isalpha():
        return rules, "thaiphon+royin"
    return None


def table_words() -> list[str]:
    """The corpora's single-word names, and the words of pythainlp's dictionary (`thai_words`, 3 to
    12 Thai letters) found inside one of them: the pieces names are compounded of (สนธิ in
    สนธิชัย), for the runtime's compound reading of names the table lacks."""
    import re

    from pythainlp.corpus import thai_family_names, thai_female_names, thai_male_names, thai_words

    names = sorted({w.strip() for corpus in (thai_male_names(), thai_female_names(), thai_family_names())
                    for w in corpus if w.strip() and " " not in w.strip()})
    known, blob = set(names), "\n".join(names)
    pieces = sorted(w for w in thai_words() if 3 <= len(w) <= 12 and re.fullmatch("[ก-๛]+", w)
                    and w not in known and w in blob)
    return names + pieces


def build(out_path: str) -> dict[str, int]:
    """Run the three engines on `table_words()`, keep their outputs beside the table
    (`<out>.engines`), and choose each word's form (`rechoose`)."""
    rows = engines_of(table_words())
    with open(out_path + ".engines", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return rechoose(out_path, out_path + ".engines")


def engines_of(words: list[str]) -> list[tuple[str, str, str, str]]:
    """The three engines' outputs for `words` (rows as in `<out>.engines`)."""
    import re

    import thaiphon
    from pythainlp.transliterate import romanize

    silent_r = re.compile(r"(?<=[aeiou])([ktp])n(?![aeiou])")
    rows = []
    for word in words:
        try:
            rows.append((word, romanize(word, engine="thai2rom_onnx").strip().lower().replace("-", ""),
                         thaiphon.transcribe(word, "rtgs").strip().lower().replace("-", ""),
                         silent_r.sub(r"\1", romanize(word, engine="royin").strip().lower())))
        except Exception:  # noqa: BLE001 - an engine failing on a word drops the word
            continue
    return rows


def fix_initial_phon(kept: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The model's one systematic fault in names: พร starting a word before a consonant is the
    syllable "phon" (พรทิพย์ Phonthip), which it reads "phora" / "phoro" (71 words). Such a word
    whose rest is a word the engines agreed on gets "phon" + that word's form (basis `onnx+phon`)."""
    agreed = {word: form for word, form, basis in kept if basis in ("onnx+thaiphon", "onnx+royin")}
    out = []
    for word, form, basis in kept:
        rest = word[2:]
        if basis == "onnx" and word.startswith("พร") and form.startswith(("phora", "phoro")) and rest in agreed:
            form, basis = "phon" + agreed[rest], "onnx+phon"
        out.append((word, form, basis))
    return out


def rechoose(out_path: str, engines_path: str) -> dict[str, int]:
    """The table made again from stored engine outputs (rows: thai, model, thaiphon, royin)."""
    from collections import Counter

    with open(engines_path, encoding="utf-8") as handle:
        raw = list(csv.reader(handle))
    kept = []
    for word, model, rules, royin in raw:
        chosen = choose(model, rules, royin)
        if chosen and chosen[0].isascii() and chosen[0].isalpha():
            kept.append((word, *chosen))
    kept = fix_initial_phon(kept)
    _write(out_path, kept)
    return {"words": len(raw), **Counter(basis for _, _, basis in kept)}


def _write(out_path: str, kept: list[tuple[str, str, str]]) -> None:
    with open(out_path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("thai", "rtgs", "basis"))
        writer.writerows(kept)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[2] == "--from-engines":
        print(rechoose(sys.argv[1], sys.argv[3]), file=sys.stderr)
    else:
        print(build(sys.argv[1]), file=sys.stderr)
