"""Evaluation prompt sets the workflow builds from AlpacaEval's eval set (`tatsu-lab/alpaca_eval`, a JSON list
of 805 rows with `instruction` and `dataset`, its source set):

- the validation split: AlpacaEval prompts whose normalised English text matches no test prompt, N of them
  sampled with a seed (`sample_valid`), machine-translated like `dt` data (`translate_prompts`: the same
  segmenter, segment cache and LID gate), then aligned across languages (`assemble_split`: a prompt whose
  translation fails the gate in any language is dropped from every language, and counted);
- task categories for the test prompts (`join_categories`): the `dataset` of the AlpacaEval row whose
  normalised English text matches the English test prompt, where the English file has no category.

Prompt rows are `{"id", "instruction", "category"}` (xlit.data.load_prompts' form).
"""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

from xlit.io import InputError, require
from xlit.mt.itdata import LID_THRESHOLD


def norm_text(text: str) -> str:
    """The matching key of a prompt: Unicode NFKC, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def load_alpaca_eval(path: str | Path) -> list[dict]:
    """AlpacaEval's eval set (JSON list or JSONL) as prompts: id `alpaca_eval-{0-based index}`, the
    instruction, and its `dataset` (helpful_base, koala, oasst, selfinstruct, vicuna) as category."""
    from xlit.data import _rows_with_lines

    out = []
    for i, (line, row) in enumerate(_rows_with_lines(path)):
        if not isinstance(row, dict):
            raise InputError(path, "expected an object with `instruction`", line=line)
        dataset = row.get("dataset") or ""
        if not isinstance(dataset, str):
            raise InputError(path, "expected a string", line=line, field="dataset")
        out.append(
            {"id": f"alpaca_eval-{i}", "instruction": require(row, "instruction", path, line), "category": dataset}
        )
    if not out:
        raise InputError(path, "no prompts")
    return out


def sample_valid(
    pool: list[dict], test_prompts: list[dict], n: int, seed: int, source: str | Path = "valid_split.source"
) -> tuple[list[dict], dict]:
    """`n` prompts of `pool` drawn with `seed`, none of whose normalised text is a test prompt's (repeats
    within the pool are kept once). Returns (prompts in pool order, counts)."""
    test = {norm_text(p["instruction"]) for p in test_prompts}
    seen: set[str] = set()
    candidates, overlap, repeats = [], 0, 0
    for p in pool:
        key = norm_text(p["instruction"])
        if key in test:
            overlap += 1
        elif key in seen:
            repeats += 1
        else:
            seen.add(key)
            candidates.append(p)
    if n > len(candidates):
        raise InputError(
            source,
            f"only {len(candidates)} prompts are left after removing the {overlap} that are "
            f"test prompts; valid_split.n asks for {n}",
        )
    picked = sorted(random.Random(seed).sample(range(len(candidates)), n))
    stats = {
        "pool": len(pool),
        "test": len(test_prompts),
        "test_overlap": overlap,
        "repeats": repeats,
        "candidates": len(candidates),
        "n": n,
        "seed": seed,
    }
    return [candidates[i] for i in picked], stats


def translate_prompts(
    prompts: list[dict],
    tgt: str,
    translator,
    *,
    src: str = "en",
    lid=None,
    lid_threshold: float = LID_THRESHOLD,
    max_chars: int = 400,
) -> tuple[list[dict], dict]:
    """Prompts translated into `tgt` through a Translator (xlit.mt.make_translator), each with
    `ok`: the translation is non-empty and passes the LID gate. Returns (rows, quality record)."""
    from xlit.mt.itdata import lid_check, segment_gates, translate_rows

    rows = [
        {
            "id": p["id"],
            "instruction": p["instruction"],
            "context": "",
            "response": "",
            "category": p.get("category", ""),
        }
        for p in prompts
    ]
    out, pairs = translate_rows(rows, translator, tgt, src=src, max_chars=max_chars)
    lid_ok = lid_check(out, tgt, lid, lid_threshold)
    result = [
        {
            "id": r["id"],
            "instruction": r["instruction"],
            "category": r["category"],
            "ok": bool(k and r["instruction"].strip()),
        }
        for r, k in zip(out, lid_ok)
    ]
    failed = [r["id"] for r in result if not r["ok"]]
    quality = {
        "lang": tgt,
        "n": len(result),
        "lid_ok_share": sum(lid_ok) / len(lid_ok) if lid_ok else 0.0,
        **segment_gates(pairs),
        "failed": len(failed),
        "failed_ids": failed[:50],
        "translator": dict(translator.stats),
    }
    return result, quality


def assemble_split(
    english: list[dict], translated: dict[str, list[dict]], paths: dict[str, str] | None = None, src: str = "en"
) -> tuple[dict[str, list[dict]], dict]:
    """Aligned prompt files: `{lang: rows}` with English (`src`) first, keeping the ids whose translation is `ok`
    in every language. `translated` maps a language to translate_prompts' rows (which must hold exactly
    the English ids). Returns (files, counts: kept, dropped, dropped per language)."""
    paths = paths or {}
    en_ids = [p["id"] for p in english]
    failed: dict[str, list[str]] = {}
    by_lang: dict[str, dict[str, dict]] = {}
    for lang, rows in translated.items():
        ids = [r["id"] for r in rows]
        if sorted(ids) != sorted(en_ids):
            extra, missing = sorted(set(ids) - set(en_ids))[:5], sorted(set(en_ids) - set(ids))[:5]
            raise InputError(
                paths.get(lang, lang),
                f"ids not aligned with the English prompts: extra {extra}, missing {missing}",
                field="id",
            )
        by_lang[lang] = {r["id"]: r for r in rows}
        failed[lang] = [r["id"] for r in rows if not r.get("ok", True)]
    bad = {i for ids in failed.values() for i in ids}
    keep = [p for p in english if p["id"] not in bad]
    files = {src: [{"id": p["id"], "instruction": p["instruction"], "category": p.get("category", "")} for p in keep]}
    for lang, rows in by_lang.items():
        files[lang] = [
            {"id": p["id"], "instruction": rows[p["id"]]["instruction"], "category": p.get("category", "")}
            for p in keep
        ]
    stats = {
        "n": len(english),
        "kept": len(keep),
        "dropped": len(bad),
        "failed_by_lang": {lang: len(ids) for lang, ids in failed.items()},
        "dropped_ids": sorted(bad)[:50],
    }
    return files, stats


def join_categories(
    prompts_by_lang: dict[str, list[dict]], source: list[dict], english: str = "en"
) -> tuple[dict[str, list[dict]], dict]:
    """Prompt sets (aligned by id) with the category of each id taken from `source` (prompts with a
    category, e.g. load_alpaca_eval's) by the normalised English text, where the English prompt has none.
    Prompts with neither keep an empty category (figures show "(none)"). Returns (prompts, counts)."""
    cats = {}
    for p in source:
        cats.setdefault(norm_text(p["instruction"]), p.get("category", ""))
    joined, had, matched = {}, 0, 0
    for p in prompts_by_lang[english]:
        if p.get("category"):
            joined[p["id"]] = p["category"]
            had += 1
        elif cats.get(norm_text(p["instruction"])):
            joined[p["id"]] = cats[norm_text(p["instruction"])]
            matched += 1
    out = {
        lang: [{**p, "category": p.get("category") or joined.get(p["id"], "")} for p in rows]
        for lang, rows in prompts_by_lang.items()
    }
    n = len(prompts_by_lang[english])
    return out, {"n": n, "had_category": had, "matched": matched, "none": n - had - matched}


def overlap(a: list[dict], b: list[dict]) -> list[str]:
    """Normalised texts present in both prompt lists."""
    return sorted({norm_text(p["instruction"]) for p in a} & {norm_text(p["instruction"]) for p in b})
