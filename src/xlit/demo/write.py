"""Writing the demo world's files (see the package docstring): the IT set and eval prompts from one pool of
examples with unique instructions, their reference answers, the pretraining corpus and the parallel text."""

from __future__ import annotations

import re
from pathlib import Path
from random import Random
from typing import Callable

from xlit.io import atomic_path, write_jsonl

from .grammar import LANGS, Unit
from .tasks_qa import QA_TASKS
from .tasks_text import TEXT_TASKS
from .tasks_write import WRITE_TASKS
from .world import World, misc_qa

CATEGORIES = (
    "open_qa",
    "general_qa",
    "classification",
    "closed_qa",
    "brainstorming",
    "information_extraction",
    "summarization",
    "creative_writing",
)
# databricks-dolly-15k category sizes: the demo IT set keeps these proportions.
DOLLY_SIZES = {
    "open_qa": 3742,
    "general_qa": 2191,
    "classification": 2136,
    "closed_qa": 1773,
    "brainstorming": 1766,
    "information_extraction": 1506,
    "summarization": 1188,
    "creative_writing": 709,
}

Example = tuple  # (instruction, context | None, response), each a Unit
# per category, the generators an example is drawn from (uniformly: a repeated one is drawn more often)
GENERATORS: dict[str, list[Callable]] = {**QA_TASKS, **TEXT_TASKS, **WRITE_TASKS}


def _allocate(n: int, weights: dict[str, float]) -> dict[str, int]:
    """n split over the categories in proportion to weights (largest remainder), each >= 1 if n allows."""
    if n <= 0:
        return {c: 0 for c in CATEGORIES}
    base = {c: 1 for c in CATEGORIES} if n >= len(CATEGORIES) else {c: 0 for c in CATEGORIES}
    rest = n - sum(base.values())
    total = sum(weights.values())
    exact = {c: rest * weights[c] / total for c in CATEGORIES}
    out = {c: base[c] + int(exact[c]) for c in CATEGORIES}
    left = n - sum(out.values())
    for c in sorted(CATEGORIES, key=lambda c: (-(exact[c] - int(exact[c])), CATEGORIES.index(c)))[:left]:
        out[c] += 1
    return out


def _round_robin(n: int) -> list[str]:
    return [CATEGORIES[i % len(CATEGORIES)] for i in range(n)]


def _examples(w: World, seed: int, need: dict[str, int]) -> dict[str, list[Example]]:
    """`need[cat]` examples per category whose instructions are unique in every language."""
    seen = {lang: set() for lang in LANGS}
    out = {}
    for cat in CATEGORIES:
        rng = Random(f"xlit-demo-it:{seed}:{cat}")
        got: list[Example] = []
        tries = 0
        while len(got) < need[cat]:
            tries += 1
            if tries > 200 * need[cat] + 1000:
                raise ValueError(
                    f"demo world: cannot make {need[cat]} distinct '{cat}' examples "
                    f"(got {len(got)}); lower n_it/n_valid/n_test"
                )
            q, ctx, r = rng.choice(GENERATORS[cat])(w, rng)
            if any(q[lang] in seen[lang] for lang in LANGS):
                continue
            for lang in LANGS:
                seen[lang].add(q[lang])
            got.append((q, ctx, r))
        out[cat] = got
    return out


_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+")


def _segments(text: str) -> list[str]:
    return [s for line in text.split("\n") for s in _SENT_SPLIT.split(line.strip()) if s]


def _corpus(w: World, seed: int, lang: str, n: int) -> list[str]:
    rng = Random(f"xlit-demo-corpus:{seed}:{lang}")
    qa_fmt = {
        "en": "Question: {q} Answer: {a}",
        "fr": "Question : {q} Réponse : {a}",
        "pt": "Pergunta: {q} Resposta: {a}",
        "ru": "Вопрос: {q} Ответ: {a}",
    }[lang]
    lines = []
    for _ in range(n):
        x = rng.random()
        if x < 0.30:
            line = rng.choice(w.facts)[lang]
        elif x < 0.40:
            f1, f2 = rng.sample(w.facts, 2)
            line = f"{f1[lang]} {f2[lang]}"
        elif x < 0.65:
            line = rng.choice(w.passages)[lang]
        elif x < 0.82:
            q, a = rng.choice(w.qas)
            line = qa_fmt.format(q=q[lang], a=a[lang])
        elif x < 0.92:
            q, a = rng.choice(w.qas)
            line = f"— {q[lang]} — {a[lang]}"
        else:
            q, a = misc_qa(w, rng)
            line = f"{q[lang]} {a[lang]}"
        lines.append(line.replace("\n", " "))
    return lines


def _aligned_split(unit: Unit, sep) -> list[Unit]:
    """A unit cut into aligned pieces (lines with a string, sentences with a regex) if it cuts into as many
    pieces in every language, else nothing; a regex that does not cut gives nothing either."""
    parts = {
        lang: [x.strip() for x in (unit[lang].split(sep) if isinstance(sep, str) else sep.split(unit[lang]))]
        for lang in LANGS
    }
    n = len(parts["en"])
    if any(len(v) != n for v in parts.values()) or (n == 1 and not isinstance(sep, str)):
        return []
    return [u for u in ({lang: parts[lang][i] for lang in LANGS} for i in range(n)) if all(u.values())]


def _parallel_pool(w: World, seed: int, forbidden: dict[str, set], need: int) -> list[Unit]:
    """Aligned single-line units (facts, questions, instruction and response lines, misc) in a seeded order,
    unique in every language, none of them a line or sentence of the IT set or the eval prompts."""
    rng = Random(f"xlit-demo-parallel:{seed}")
    seen = {lang: set() for lang in LANGS}
    pool: list[Unit] = []

    def add(u: Unit):
        if any(u[lang] in seen[lang] or u[lang] in forbidden[lang] for lang in LANGS):
            return
        for lang in LANGS:
            seen[lang].add(u[lang])
        pool.append(u)

    for q, a in w.qas:
        add(q)
        add(a)
    for cat in CATEGORIES:
        for _ in range(150):
            q, ctx, r = rng.choice(GENERATORS[cat])(w, rng)
            for unit in (q, ctx, r):
                if unit is None:
                    continue
                for line in _aligned_split(unit, "\n"):
                    add(line)
                    for sentence in _aligned_split(line, _SENT_SPLIT):
                        add(sentence)
    for _ in range(max(200, len(pool) // 8)):
        for u in misc_qa(w, rng):
            add(u)
    tries = 0
    while len(pool) < need:
        tries += 1
        if tries > 50 * need:
            raise ValueError(f"demo world: only {len(pool)} distinct parallel sentences for {need} requested")
        for u in misc_qa(w, rng):
            add(u)
    rng.shuffle(pool)
    return pool


_WORD = re.compile(r"\w+")


def answer_terms(reference: str, prompt: str, limit: int = 4) -> list[str]:
    """What a correct answer to `prompt` must contain: up to `limit` words of the reference answer (lower
    case) that carry its facts: numbers and words of 4+ letters that the prompt does not already contain;
    when there are none (the answer restates the prompt), the reference's numbers and long words."""
    seen = set(_WORD.findall(prompt.lower()))
    words = [x for x in dict.fromkeys(_WORD.findall(reference.lower())) if x.isdigit() or len(x) >= 4]
    new = [x for x in words if x not in seen]
    return (new or words)[:limit]


def _write_text(path: Path, lines: list[str]) -> None:
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as f:
        for line in lines:
            f.write(line + "\n")


def write_demo_world(
    outdir,
    *,
    seed=0,
    languages=("en", "fr", "pt", "ru"),
    n_corpus=1500,
    n_it=300,
    n_valid=12,
    n_test=20,
    n_parallel=1500,
    n_parallel_test=100,
) -> dict:
    """Write the demo world under `outdir` (see the module docstring); return a summary of counts."""
    languages = tuple(languages)
    bad = [l for l in languages if l not in LANGS]
    if bad:
        raise ValueError(f"demo world: unsupported language(s) {bad}; supported: {list(LANGS)}")
    counts = dict(
        n_corpus=n_corpus,
        n_it=n_it,
        n_valid=n_valid,
        n_test=n_test,
        n_parallel=n_parallel,
        n_parallel_test=n_parallel_test,
    )
    for k, v in counts.items():
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise ValueError(f"demo world: {k} must be a non-negative integer, got {v!r}")
    out = Path(outdir)
    w = World(seed)

    # IT set and eval prompts come from one pool of examples with unique instructions.
    it_need = _allocate(n_it, DOLLY_SIZES)
    valid_cats, test_cats = _round_robin(n_valid), _round_robin(n_test)
    need = {c: it_need[c] + valid_cats.count(c) + test_cats.count(c) for c in CATEGORIES}
    pool = _examples(w, seed, need)
    taken = {c: 0 for c in CATEGORIES}

    def take(cat):
        ex = pool[cat][taken[cat]]
        taken[cat] += 1
        return ex

    def prompt_text(q, ctx, lang):
        return q[lang] + ("\n\n" + ctx[lang] if ctx else "")

    prompts = {}
    for split, cats in (("valid", valid_cats), ("test", test_cats)):
        width = max(3, len(str(len(cats))))
        prompts[split] = [(f"{split}-{i + 1:0{width}d}", cat, take(cat)) for i, cat in enumerate(cats)]
    it_rows = [(cat, take(cat)) for cat in CATEGORIES for _ in range(it_need[cat])]
    Random(f"xlit-demo-it-order:{seed}").shuffle(it_rows)
    it_rows = [(f"demo-{i + 1:06d}", cat, ex) for i, (cat, ex) in enumerate(it_rows)]

    for lang in ("en",) + tuple(l for l in languages if l != "en"):
        write_jsonl(
            out / "it" / f"dolly.{lang}.jsonl",
            [
                {
                    "id": i,
                    "instruction": q[lang],
                    "context": ctx[lang] if ctx else "",
                    "response": r[lang],
                    "category": cat,
                }
                for i, cat, (q, ctx, r) in it_rows
            ],
        )
    for split, rows in prompts.items():
        for lang in languages:
            write_jsonl(
                out / "prompts" / split / f"{lang}.jsonl",
                [{"id": i, "instruction": prompt_text(q, ctx, lang), "category": cat} for i, cat, (q, ctx, _r) in rows],
            )

    for split, rows in prompts.items():
        for lang in languages:
            write_jsonl(
                out / "answers" / split / f"{lang}.jsonl",
                [
                    {"id": i, "reference": r[lang], "must": answer_terms(r[lang], prompt_text(q, ctx, lang))}
                    for i, _cat, (q, ctx, r) in rows
                ],
            )
    for lang in languages:
        _write_text(out / "corpus" / f"{lang}.txt", _corpus(w, seed, lang, n_corpus))

    targets = [l for l in languages if l != "en"]
    par_counts = {}
    if targets:
        forbidden = {lang: set() for lang in LANGS}
        for _i, _cat, (q, ctx, r) in it_rows + [x for rows in prompts.values() for x in rows]:
            for unit in (q, ctx, r):
                if unit:
                    for lang in LANGS:
                        forbidden[lang].update(_segments(unit[lang]))
                        forbidden[lang].update(s.strip() for s in unit[lang].split("\n"))
        pool_units = _parallel_pool(w, seed, forbidden, n_parallel + n_parallel_test)
        test_units = pool_units[:n_parallel_test]
        train_units = pool_units[n_parallel_test : n_parallel_test + n_parallel]
        for lang in targets:
            write_jsonl(out / "parallel" / f"{lang}.test.jsonl", [{"en": u["en"], "tgt": u[lang]} for u in test_units])
            write_jsonl(
                out / "parallel" / f"{lang}.train.jsonl", [{"en": u["en"], "tgt": u[lang]} for u in train_units]
            )
            par_counts[lang] = {"train": len(train_units), "test": len(test_units)}

    return {
        "seed": seed,
        "languages": list(languages),
        "corpus": {lang: n_corpus for lang in languages},
        "it": len(it_rows),
        "it_categories": {c: it_need[c] for c in CATEGORIES},
        "prompts": {split: len(rows) for split, rows in prompts.items()},
        "prompt_categories": {
            split: {c: sum(1 for _i, cat, _e in rows if cat == c) for c in CATEGORIES}
            for split, rows in prompts.items()
        },
        "parallel": par_counts,
        "facts": len(w.facts),
    }
