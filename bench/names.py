"""`sanpalang bench names`: how well names in each script meet their real Latin spellings.

The list (`bench/data/names_real.csv`) is real names from public sources, written by hand for this
benchmark and never used to build the matcher's tables: Thai public figures' name words with the
RTGS form (the Royal Institute's system, as their Wikipedia articles give it) and the spelling
the person uses (passport, own website, press), common Thai given and family names with the usual
ad-hoc spellings, and Burmese, Khmer and Lao names in their own script with their usual Latin
spellings. Figures, per script:

- exact RTGS (Thai): the romanisation equals the RTGS form (case, spaces and hyphens aside), on
  all words and on the words the shipped RTGS table does not hold (the runtime fallback's share);
- keyed: the native-script name gets a Latin key (`name_key` does not refuse it);
- same key: `fold_name` of the native name equals that of the spelling;
- sounds alike or better: the name comparison puts the pair at "sounds_alike" or stronger;
- false joins: distinct names of the list (and of pythainlp's Thai name corpora, sampled) that
  sound alike: a fold that brings real spellings together must not bring different names together;
- us per name: `fold_name_forms` of each native name with every cache emptied.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

__all__ = ["add_arguments", "run", "measure", "load_names"]

DATA = Path(__file__).parent / "data" / "names_real.csv"
GOALS = {"exact_rtgs": 0.90, "sounds_alike_thai": 0.85, "sounds_alike_other": 0.80}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--pairs", type=int, default=100_000, help="pairs of distinct corpus names checked for false joins")
    parser.add_argument("--seed", type=int, default=0)


def run(args: argparse.Namespace, settings: Any = None) -> int:
    figures = measure(pairs=args.pairs, seed=args.seed)
    print(json.dumps(figures, indent=2, ensure_ascii=False) if args.json else _table(figures))
    return 0


def load_names(path: Path = DATA) -> list[dict[str, Any]]:
    """Rows: script, native, rtgs ('' when not Thai), spellings (a list), source."""
    with path.open(encoding="utf-8") as handle:
        return [{**row, "spellings": row["spellings"].split("|")} for row in csv.DictReader(handle)]


def _plain(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalpha())


def _clear_caches() -> None:
    from connectors.normalise import name_keys, names
    from streams.matching import comparisons, names as matching_names
    for module in (name_keys, names, matching_names, comparisons):
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


def measure(*, pairs: int = 100_000, seed: int = 0, path: Path = DATA) -> dict[str, Any]:
    from connectors.normalise import NormaliseError, name_key, romanise_thai
    from streams.matching.comparisons import NameComparison
    from streams.matching.names import fold_name, fold_name_forms

    rows = load_names(path)
    romanise_thai("ก")  # load the engines first: their start-up is not a name's cost
    _clear_caches()
    started = time.perf_counter()
    for row in rows:
        fold_name_forms(row["native"])
    us_per_name = (time.perf_counter() - started) / len(rows) * 1e6

    table = _table_words()
    comparison = NameComparison()
    alike = comparison.levels.index("sounds_alike")
    by_script: dict[str, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    misses: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        s = by_script[row["script"]]
        s["names"] += 1
        try:
            name_key(row["native"])
            s["keyed"] += 1
        except NormaliseError:
            pass
        if row["rtgs"]:
            got = _plain(romanise_thai(row["native"]) or "")
            held_out = row["native"] not in table
            s["rtgs_words"] += 1
            s["rtgs_exact"] += got == _plain(row["rtgs"])
            s["rtgs_held_out"] += held_out
            s["rtgs_held_out_exact"] += held_out and got == _plain(row["rtgs"])
        native = comparison.prepare([row["native"]])
        for spelling in row["spellings"]:
            s["pairs"] += 1
            s["same_key"] += fold_name(row["native"]) == fold_name(spelling)
            level = comparison.compare(native, comparison.prepare([spelling])) if native else len(comparison.levels)
            if level <= alike:
                s["sounds_alike"] += 1
            elif len(misses[row["script"]]) < 12:
                misses[row["script"]].append(f"{row['native']} {fold_name(row['native'])} / {spelling} {fold_name(spelling)}")
    scripts = {}
    for script, s in by_script.items():
        out = {"names": s["names"], "keyed": round(s["keyed"] / s["names"], 3), "pairs": s["pairs"],
               "same_key": round(s["same_key"] / s["pairs"], 3), "sounds_alike": round(s["sounds_alike"] / s["pairs"], 3)}
        if s["rtgs_words"]:
            out["exact_rtgs"] = round(s["rtgs_exact"] / s["rtgs_words"], 3)
            out["exact_rtgs_held_out"] = (round(s["rtgs_held_out_exact"] / s["rtgs_held_out"], 3)
                                          if s["rtgs_held_out"] else None)
            out["held_out_words"] = s["rtgs_held_out"]
        out["misses"] = misses[script]
        scripts[script] = out
    return {"scripts": scripts, "us_per_name_uncached": round(us_per_name, 1),
            "false_joins": _false_joins(rows, comparison, alike, pairs, seed), "goals": GOALS}


def _table_words() -> frozenset[str]:
    try:
        from connectors.normalise.rtgs import table_words
    except ImportError:  # before the table shipped
        return frozenset()
    return table_words()


def _false_joins(rows: list[dict[str, Any]], comparison: Any, alike: int, pairs: int, seed: int) -> dict[str, Any]:
    """Distinct names sounding alike: every pair of the list's names of one script, and `pairs`
    random pairs of distinct words from pythainlp's Thai name corpora (Thai script)."""
    out: dict[str, Any] = {}
    # "subset" (one name's words all in the other's: Sok / Sok An) is a level of its own, not a fold
    joins = {i for i, level in enumerate(comparison.levels[:alike + 1]) if level != "subset"}
    by_script: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        prepared = comparison.prepare([row["native"]])
        if prepared:
            by_script[row["script"]].append((row["native"], prepared))
    for script, names in by_script.items():
        joined, total = [], 0
        for i, (a, pa) in enumerate(names):
            for b, pb in names[i + 1:]:
                total += 1
                if comparison.compare(pa, pb) in joins:
                    joined.append(f"{a} / {b}")
        out[script] = {"pairs": total, "joined": len(joined), "examples": joined[:8]}
    from pythainlp.corpus import thai_family_names, thai_female_names, thai_male_names
    words = sorted({w for c in (thai_male_names(), thai_female_names(), thai_family_names()) for w in c if " " not in w})
    rng = random.Random(seed)
    sample = rng.sample(words, min(3000, len(words)))
    prepared = {w: comparison.prepare([w]) for w in sample}
    joined, examples = 0, []
    for _ in range(pairs):
        a, b = rng.sample(sample, 2)
        if prepared[a] and prepared[b] and comparison.compare(prepared[a], prepared[b]) in joins:
            joined += 1
            if len(examples) < 8:
                examples.append(f"{a} {prepared[a][0]} / {b} {prepared[b][0]}")
    out["thai_corpus"] = {"pairs": pairs, "joined": joined, "rate": round(joined / max(pairs, 1), 5), "examples": examples}
    return out


def _table(figures: dict[str, Any]) -> str:
    lines = [f"{'script':8} {'names':>5} {'keyed':>6} {'pairs':>5} {'same key':>8} {'sounds alike+':>13} {'exact RTGS':>10} {'held out':>8}"]
    for script, s in figures["scripts"].items():
        rtgs = f"{s['exact_rtgs']:.3f}" if "exact_rtgs" in s else "-"
        held = f"{s['exact_rtgs_held_out']:.3f}" if s.get("exact_rtgs_held_out") is not None else "-"
        lines.append(f"{script:8} {s['names']:>5} {s['keyed']:>6.3f} {s['pairs']:>5} {s['same_key']:>8.3f} "
                     f"{s['sounds_alike']:>13.3f} {rtgs:>10} {held:>8}")
    lines.append(f"us per name (uncached): {figures['us_per_name_uncached']}")
    for script, f in figures["false_joins"].items():
        lines.append(f"false joins {script}: {f['joined']} of {f['pairs']} pairs of distinct names")
    lines.append(f"goals: exact RTGS >= {GOALS['exact_rtgs']}, Thai sounds alike >= {GOALS['sounds_alike_thai']}, "
                 f"Myanmar/Khmer/Lao keyed 1.0 and sounds alike >= {GOALS['sounds_alike_other']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sanpalang bench names")
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
