"""The demo's trained judge: a tiny model fine-tuned (with `xlit.train.train`, the project's SFT path) on
(judge prompt, response) -> JSON star ratings, then used as a `transformers` judge in `mode: generate`
(the generative-JSON path of an API judge: rendering, greedy answer, `parse_answer`, cache).

Its training pairs come from the demo world, on the `valid` split only (the judge rates `test`: it never
sees a test response): the responses of every demo checkpoint to the valid prompts, and, per valid prompt and
language, the world's reference answer and deliberately damaged variants of it: `wrong_lang` (the same
answer in each other demo language), `wrong_fact` (the answer to another prompt), `repetition` (its first
sentence four times). Each is labelled by `xlit.simrater.true_scores` (the ground truth the simulated rater
uses, without its noise) from the response's surface features: fastText LID, repetition, and perplexity under
the reference LM. The answer is the JSON the judge prompt asks for (stars 1-3).

    candidates(prompts, answers, generations) -> [{lang, id, instruction, response, kind, must}]
    training_rows(prompts, answers, generations, lid, fluency, template=, seed=, bands=, threshold=) -> chat
        rows for xlit.train (workflow/scripts/train_judge.py trains on them)
"""

from __future__ import annotations

import json
import math
import os
from random import Random
from typing import Mapping, Sequence

from .io import iter_jsonl, require
from .judge.prompt import markers, render
from .names import CRITERIA
from .simrater import FLUENCY_PPL, true_scores
from .surface import LID_THRESHOLD, response_features, sentences

KINDS = ("reference", "wrong_lang", "wrong_fact", "repetition", "generation")


def _by_id(path, *fields: tuple[str, type]) -> dict[str, dict]:
    """id -> row of a JSONL file, each row checked to have `fields` ((name, type) pairs)."""
    out = {}
    for lineno, row in enumerate(iter_jsonl(path), 1):
        for name, kind in fields:
            require(row, name, path, lineno, kind)
        out[str(require(row, "id", path, lineno, (str, int)))] = row
    return out


def candidates(
    prompts: Mapping[str, str | os.PathLike],
    answers: Mapping[str, str | os.PathLike],
    generations: Sequence[str | os.PathLike],
) -> list[dict]:
    """Responses to rate: `{lang, id, instruction, response, kind, must}`, distinct per (lang, id, response).
    `prompts`/`answers`: per language, the valid prompts file and the demo's answers file (aligned ids);
    `generations`: valid-split generation files (rows `id lang response`)."""
    langs = list(prompts)
    instr = {
        lang: {i: r["instruction"] for i, r in _by_id(prompts[lang], ("instruction", str)).items()} for lang in langs
    }
    ans = {lang: _by_id(answers[lang], ("reference", str), ("must", list)) for lang in langs}
    out, seen = [], set()

    def add(lang, pid, response, kind):
        if (lang, pid, response) in seen or pid not in instr[lang]:
            return
        seen.add((lang, pid, response))
        out.append(
            {
                "lang": lang,
                "id": pid,
                "instruction": instr[lang][pid],
                "response": response,
                "kind": kind,
                "must": list(ans[lang][pid]["must"]),
            }
        )

    for lang in langs:
        ids = sorted(ans[lang])
        for k, pid in enumerate(ids):
            ref = ans[lang][pid]["reference"]
            add(lang, pid, ref, "reference")
            for other in langs:
                if other != lang:
                    add(lang, pid, ans[other][pid]["reference"], "wrong_lang")
            if len(ids) > 1:
                add(lang, pid, ans[lang][ids[(k + 1) % len(ids)]]["reference"], "wrong_fact")
            first = (sentences(ref) or [ref])[0]
            add(lang, pid, " ".join([first] * 4), "repetition")
    for path in generations:
        for lineno, row in enumerate(iter_jsonl(path), 1):
            lang = require(row, "lang", path, lineno)
            resp = row.get("response")
            if lang in instr and isinstance(resp, str):
                add(lang, str(require(row, "id", path, lineno, (str, int))), resp, "generation")
    return out


def answer_json(scores: Mapping[str, int]) -> str:
    """The judge's answer: JSON stars (score + 1) per criterion, in CRITERIA order."""
    return json.dumps({c: int(scores[c]) + 1 for c in CRITERIA})


def training_rows(
    prompts,
    answers,
    generations,
    lid,
    fluency,
    *,
    template: str,
    seed: int = 0,
    bands: Sequence[float] = FLUENCY_PPL,
    threshold: float = LID_THRESHOLD,
    batch_size: int = 16,
) -> list[dict]:
    """Chat-format training rows `{"messages", "id", "lang", "kind", "scores"}` (shuffled with `seed`);
    `fluency` is a `xlit.fluency.FluencyLM` (the reference LM), `lid` a `xlit.lid.LID`."""
    cands = candidates(prompts, answers, generations)
    ppl = fluency.ppl([c["response"] for c in cands], batch_size) if cands else []
    ms = markers(template)
    rows = []
    for c, p in zip(cands, ppl):
        f = response_features(c["response"], c["lang"], lid, threshold=threshold)
        scores = true_scores(
            c["response"],
            c["lang"],
            c["must"],
            f["lid_lang"],
            f["lid_prob"],
            None if math.isnan(p) else p,
            f["repetition"],
            f["max_line_run"],
            bands=bands,
            threshold=threshold,
        )
        rows.append(
            {
                "messages": [
                    {"role": "user", "content": render(template, c["instruction"], c["response"], ms)},
                    {"role": "assistant", "content": answer_json(scores)},
                ],
                "id": f"{c['lang']}/{c['id']}/{c['kind']}",
                "lang": c["lang"],
                "kind": c["kind"],
                "scores": scores,
            }
        )
    Random(f"xlit-judge-train/{seed}").shuffle(rows)
    return rows
