"""Evaluation prompt sets the workflow builds from AlpacaEval's eval set (`tatsu-lab/alpaca_eval`, a JSON list
of 805 rows with `instruction` and `dataset`, its source set):

- which AlpacaEval prompt each test prompt is (`match_prompts`): the same normalised text, else a fuzzy rule
  (the authors edited some of their test prompts: a word changed, punctuation, an input folded into the
  sentence, a sentence appended or cut), else the config's `test_matches` (a test prompt's AlpacaEval id, or
  null for one with no original) where the rule is unsure or finds none;
- the validation split: AlpacaEval prompts that are neither a test prompt's match nor near one, N of them
  sampled with a seed (`sample_valid`), machine-translated like `dt` data (`translate_prompts`: the same
  segmenter, segment cache and LID gate), then aligned across languages (`assemble_split`: a prompt whose
  translation fails the gate in any language is dropped from every language, and counted);
- task categories for the test prompts (`join_categories`): the `dataset` of the AlpacaEval row matched to
  the English test prompt, where the English file has no category; a test prompt matched to nothing and not
  listed stops the job in one line naming it.

Prompt rows are `{"id", "instruction", "category"}` (xlit.data.load_prompts' form).
"""

from __future__ import annotations

import difflib
import random
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from xlit.io import InputError, require
from xlit.mt.itdata import LID_THRESHOLD

#: The fuzzy rule, on words (NFKC, case-folded, punctuation and spacing ignored): a test prompt is an AlpacaEval
#: prompt edited when difflib's ratio over the two word lists is at least SURE_RATIO, or when every word of the
#: shorter, in order, is in the longer and there are at least SURE_WORDS of them (a prompt cut short, or with a
#: sentence appended); and no other AlpacaEval text qualifies as well. From NEAR_RATIO up the rule is unsure:
#: the pair must be listed (`test_matches`), and such AlpacaEval prompts stay out of the validation pool.
SURE_RATIO = 0.85
SURE_WORDS = 8
NEAR_RATIO = 0.6


def norm_text(text: str) -> str:
    """The matching key of a prompt: Unicode NFKC, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def words(text: str) -> tuple[str, ...]:
    """The fuzzy rule's view of a prompt: its words, NFKC and case-folded, without punctuation."""
    return tuple(re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold()))


@dataclass(frozen=True)
class Match:
    """How a test prompt was matched: `how` is `exact` (same normalised text), `fuzzy` (the rule is sure),
    `listed` (test_matches names its row), `none` (listed as having no original), `unsure` (only near rows)
    or `missing` (nothing near); `source` the AlpacaEval id (exact, fuzzy, listed), `score` the best ratio,
    `near` the AlpacaEval ids from NEAR_RATIO up (best first), `sure` those the rule alone would take for this
    prompt (SURE_RATIO or contained)."""

    id: str
    how: str
    source: str | None
    score: float
    near: tuple[str, ...] = ()
    sure: tuple[str, ...] = ()

    def excluded(self) -> set[str]:
        """What must stay out of a validation split: the match, every row the rule would take for this prompt,
        and, where the rule is unsure, every row near it."""
        return {i for i in (self.source, *self.sure, *(self.near if self.how == "unsure" else ())) if i}

    @property
    def ok(self) -> bool:
        return self.how not in ("unsure", "missing")


def similarity(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[float, bool]:
    """(difflib's ratio of two word lists, whether the shorter is in the longer, in order, with SURE_WORDS words
    or more); (0, False) below NEAR_RATIO."""
    return _compare(difflib.SequenceMatcher(None, a, b, autojunk=False))


def _compare(sm: difflib.SequenceMatcher) -> tuple[float, bool]:
    a, b = sm.a, sm.b
    if not a or not b:
        return 0.0, False
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    contained = len(short) >= SURE_WORDS and set(short) <= set(long_)
    if not contained and (sm.real_quick_ratio() < NEAR_RATIO or sm.quick_ratio() < NEAR_RATIO):
        return 0.0, False
    ratio = sm.ratio()
    if contained:
        contained = sum(block.size for block in sm.get_matching_blocks()) == len(short)
    return (ratio, contained) if ratio >= NEAR_RATIO or contained else (0.0, False)


def _sure(ratio: float, contained: bool) -> bool:
    return ratio >= SURE_RATIO or contained


def _scan(test: list[dict], pool: list[dict]) -> dict[str, list[tuple[float, bool, int]]]:
    """Per test id, the pool rows from NEAR_RATIO up (or contained): (ratio, contained, pool index), best first."""
    pool_words = [words(p["instruction"]) for p in pool]
    sm = difflib.SequenceMatcher(None, autojunk=False)
    out = {}
    for t in test:
        sm.set_seq2(words(t["instruction"]))  # difflib indexes its second sequence: once per test prompt
        hits = []
        for j, pw in enumerate(pool_words):
            sm.set_seq1(pw)
            ratio, contained = _compare(sm)
            if ratio >= NEAR_RATIO or contained:
                hits.append((ratio, contained, j))
        out[t["id"]] = sorted(hits, key=lambda h: (_sure(h[0], h[1]), h[0], -h[2]), reverse=True)
    return out


def check_listed(listed: dict | None, test: list[dict], pool: list[dict], source: str = "test_matches") -> dict:
    """`test_matches` with string keys, checked against the test ids and the AlpacaEval ids."""
    listed = {str(k): v for k, v in (listed or {}).items()}
    test_ids, pool_ids = {t["id"] for t in test}, {p["id"] for p in pool}
    for k, v in listed.items():
        if k not in test_ids:
            raise InputError(source, f"test_matches: {k!r} is no test prompt id (the English test file's ids)")
        if v is not None and v not in pool_ids:
            raise InputError(source, f"test_matches.{k}: {v!r} is no AlpacaEval id (alpaca_eval-<0-based row>)")
    return listed


def match_prompts(test: list[dict], pool: list[dict], listed: dict | None = None, source: str = "test_matches") -> dict:
    """{test id: Match}: each test prompt's AlpacaEval row, by exact normalised text, the fuzzy rule, or `listed`
    ({test id: AlpacaEval id or None}, which wins over the rule)."""
    listed = check_listed(listed, test, pool, source)
    exact: dict[str, int] = {}
    for j, p in enumerate(pool):
        exact.setdefault(norm_text(p["instruction"]), j)
    scans = _scan(test, pool)
    by_id = {p["id"]: p for p in pool}
    out = {}
    for t in test:
        hits = scans[t["id"]]
        near = tuple(dict.fromkeys(pool[j]["id"] for _, _, j in hits))
        sure = tuple(dict.fromkeys(pool[j]["id"] for r, c, j in hits if _sure(r, c)))
        best = hits[0][0] if hits else 0.0
        key = norm_text(t["instruction"])
        if t["id"] in listed:
            v = listed[t["id"]]
            pair = (words(t["instruction"]), words(by_id[v]["instruction"])) if v else None
            score = difflib.SequenceMatcher(None, *pair, autojunk=False).ratio() if pair else best
            out[t["id"]] = Match(t["id"], "listed" if v else "none", v, score, near, sure)
        elif key in exact:
            out[t["id"]] = Match(t["id"], "exact", pool[exact[key]]["id"], 1.0, near, sure)
        elif hits and _sure(*hits[0][:2]) and not _rival(hits, pool):
            out[t["id"]] = Match(t["id"], "fuzzy", pool[hits[0][2]]["id"], best, near, sure)
        else:
            out[t["id"]] = Match(t["id"], "unsure" if hits else "missing", None, best, near, sure)
    return out


def _rival(hits: list, pool: list[dict]) -> bool:
    """Another row of a different text qualifies as well as the best one: the rule cannot choose."""
    best = hits[0]
    text = norm_text(pool[best[2]]["instruction"])
    return any(
        _sure(r, c) and (c, r) >= (best[1], best[0]) and norm_text(pool[j]["instruction"]) != text
        for r, c, j in hits[1:]
    )


def require_matched(matches: dict, test: list[dict], path: str | Path, ids: set | None = None) -> None:
    """One line naming every test prompt (of `ids`, default all) that the rule could not match and
    `test_matches` does not list."""
    text = {t["id"]: t["instruction"] for t in test}
    bad = [m for m in matches.values() if not m.ok and (ids is None or m.id in ids)]
    if not bad:
        return
    parts = [
        f"{m.id} ({' '.join(text[m.id].split())[:40]!r}: "
        + (f"nearest {m.near[0]} at {m.score:.2f})" if m.near else "no AlpacaEval prompt near)")
        for m in bad[:6]
    ]
    more = f" and {len(bad) - 6} more ({', '.join(m.id for m in bad[6:])})" if len(bad) > 6 else ""
    raise InputError(
        path,
        f"{len(bad)} test prompt(s) match no AlpacaEval prompt surely: {'; '.join(parts)}{more}; "
        "list each under test_matches (its AlpacaEval id, or null for none)",
    )


def check_config(config: dict) -> None:
    """The test_categories job's matching, ahead of it (for a dry run, once its input files exist): one
    InputError naming every English test prompt without a category that is neither matched nor listed in
    `test_matches`. Does nothing without `test_categories` or before the files are there."""
    section = config.get("test_categories")
    if not section:
        return
    source, path = Path(section["source"]), Path(config["eval_sets"]["test"][config["languages"][0]])
    if not (source.is_file() and path.is_file()):
        return
    from xlit.data import load_prompts

    todo = [p for p in load_prompts(path) if not p.get("category")]
    require_matched(match_prompts(todo, load_alpaca_eval(source), config.get("test_matches")), todo, path)


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
    pool: list[dict],
    test_prompts: list[dict],
    n: int,
    seed: int,
    source: str | Path = "valid_split.source",
    listed: dict | None = None,
) -> tuple[list[dict], dict]:
    """`n` prompts of `pool` drawn with `seed`, none of which is a test prompt's match or might be
    (`Match.excluded`: the same normalised text, what the fuzzy rule takes for a test prompt, the rows
    `listed` names, and the near rows of a prompt the rule is unsure about); repeats within the pool are kept
    once. Returns (prompts in pool order, counts)."""
    matches = match_prompts(test_prompts, pool, listed)
    excluded = set().union(*(m.excluded() for m in matches.values()))
    seen: set[str] = set()
    candidates, overlap, repeats = [], 0, 0
    for p in pool:
        key = norm_text(p["instruction"])
        if p["id"] in excluded:
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
            f"test prompts or near one; valid_split.n asks for {n}",
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
    prompts_by_lang: dict[str, list[dict]],
    source: list[dict],
    english: str = "en",
    listed: dict | None = None,
    path: str | Path = "test prompts",
) -> tuple[dict[str, list[dict]], dict]:
    """Prompt sets (aligned by id) with the category of each id taken from `source` (prompts with a
    category, e.g. load_alpaca_eval's) through `match_prompts` on the English text, where the English prompt
    has none. A prompt listed with no original (`listed` null) keeps an empty category (figures show
    "(none)"); one that is neither matched nor listed raises one InputError naming it (`path`: the English
    file). Returns (prompts, counts: n, had_category, matched (exact + fuzzy + listed), exact, fuzzy, listed,
    none, and `edited`: {test id: [AlpacaEval id, ratio, how]} for the fuzzy and listed ones)."""
    english_rows = prompts_by_lang[english]
    todo = [p for p in english_rows if not p.get("category")]
    matches = match_prompts(todo, source, listed)
    require_matched(matches, todo, path)
    cats = {p["id"]: p.get("category", "") for p in source}
    joined = {p["id"]: p["category"] for p in english_rows if p.get("category")}
    joined.update({m.id: cats[m.source] for m in matches.values() if m.source})
    out = {
        lang: [{**p, "category": p.get("category") or joined.get(p["id"], "")} for p in rows]
        for lang, rows in prompts_by_lang.items()
    }
    count = {how: sum(m.how == how for m in matches.values()) for how in ("exact", "fuzzy", "listed", "none")}
    stats = {
        "n": len(english_rows),
        "had_category": len(english_rows) - len(todo),
        "matched": count["exact"] + count["fuzzy"] + count["listed"],
        **count,
        "edited": {
            m.id: [m.source, round(m.score, 3), m.how] for m in matches.values() if m.how in ("fuzzy", "listed")
        },
    }
    return out, stats


def same_pairs(a: list[dict], b: list[dict]) -> list[tuple[str, str, float]]:
    """(id in a, id in b, ratio) for every pair of prompts the fuzzy rule takes for one prompt, edited or not
    (SURE_RATIO, or one contained in the other): what must not be both a validation and a test prompt."""
    scans = _scan(b, a)
    return [(a[j]["id"], bid, round(r, 3)) for bid, hits in scans.items() for r, c, j in hits if _sure(r, c)]


def overlap(a: list[dict], b: list[dict]) -> list[str]:
    """Normalised texts present in both prompt lists."""
    return sorted({norm_text(p["instruction"]) for p in a} & {norm_text(p["instruction"]) for p in b})
