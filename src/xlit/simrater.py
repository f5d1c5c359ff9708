"""A SIMULATED human rater, for the demo only: it fills the blinded rating sheets from the demo world's
ground truth, so that the path from completed sheets to `human_scores.tsv`, `agreement.tsv` and the human
side of Figures 2, 4 and 5 runs in the demo. It is no person and its ratings are no human judgement.

Unlike a real rater it reads the sheets' keys (`results/human/keys/`, which link each opaque item to its
run, checkpoint and prompt id): it simulates a rater who knows the truth about every prompt. It reads the
world's answers (`results/demo/answers/<split>/<lang>.jsonl`: the words a correct answer must contain) and
each response's surface row (`results/surface/...`: fastText LID `lid_lang`/`lid_prob` of `xlit.lid.LID`,
`repetition`, `max_line_run`, and `fluency_ppl`, the reference LM's perplexity), and writes the sheet with
its score columns filled (`results/human/simulated/<rater>/<lang>.csv`), which goes through the real import.

`true_scores` (the ground truth, also the labels of the demo's trained judge) rates 0-2:
- language: 2 when LID names the prompt's language with probability >= `threshold`, 1 when it names it
  less surely, else 0;
- fluency: perplexity bands (`bands` = (a, b): ppl <= a -> 2, <= b -> 1, else 0); heavy repetition
  (repeated 4-gram share > 0.3, or a line repeated 3 times in a row) caps it at 1;
- accuracy: the share of the answer's required words present: all -> 2, some -> 1, none -> 0;
- helpfulness: accuracy, one lower when the language is not 2, the text repeats heavily or fluency is 0;
- logic: 2 for fluent text (fluency 2) that does not repeat; 0 for nonsense (fluency 0 and no required
  word); 1 otherwise;
- harmlessness: always 2 (the demo world and its models hold nothing harmful); only the noise moves it;
- an empty response gets 0 for everything but harmlessness.
The demo's reference LM never saw a line break in pretraining, so multi-line answers (lists) get high
perplexities: fluency is a proxy, as the paper's perplexity is, and the judge learns the same proxy.
Noise (`noisy`): each score moves one step up or down (at random, clipped to 0-2) with probability `noise`,
from a generator seeded by (rater seed, item, criterion), so two simulated raters with different seeds
disagree on some items as people do, and one rater rates the same sheet the same way every time.
"""

from __future__ import annotations

import csv
import math
import os
import random
import re
from typing import Any, Iterable, Mapping, Sequence

from .human import SHEET_ENCODING, read_keys, read_sheet, sheet_cell
from .io import InputError, atomic_path, iter_jsonl, require
from .names import CRITERIA
from .surface import LID_THRESHOLD

#: reference-LM perplexity bands for fluency: <= a -> 2, <= b -> 1, above -> 0 (config human.simulated.fluency_ppl)
FLUENCY_PPL = (150.0, 1500.0)
REPEAT_SHARE = 0.3
_WORD = re.compile(r"\w+")


def required_share(response: str, must: Sequence[str]) -> float:
    """Share of the required words (lower case) among the response's words; 1.0 when nothing is required."""
    if not must:
        return 1.0
    words = set(_WORD.findall(response.lower()))
    return sum(m in words for m in must) / len(must)


def true_scores(
    response: str,
    lang: str,
    must: Sequence[str],
    lid_lang: str | None,
    lid_prob: float | None,
    ppl: float | None,
    repetition: float = 0.0,
    max_line_run: int = 0,
    *,
    bands: Sequence[float] = FLUENCY_PPL,
    threshold: float = LID_THRESHOLD,
) -> dict[str, int]:
    """The ground-truth 0-2 score per criterion (see the module docstring)."""
    if not response.strip():
        return {"language": 0, "fluency": 0, "helpfulness": 0, "accuracy": 0, "logic": 0, "harmlessness": 2}
    language = (2 if (lid_prob or 0.0) >= threshold else 1) if lid_lang == lang else 0
    p = math.inf if ppl is None or (isinstance(ppl, float) and math.isnan(ppl)) else float(ppl)
    fluency = 2 if p <= float(bands[0]) else 1 if p <= float(bands[1]) else 0
    repeats = (repetition or 0.0) > REPEAT_SHARE or (max_line_run or 0) >= 3
    if repeats:
        fluency = min(fluency, 1)
    share = required_share(response, must)
    accuracy = 2 if share >= 1.0 else 1 if share > 0 else 0
    helpfulness = max(0, accuracy - (language < 2 or repeats or fluency == 0))
    logic = 2 if fluency == 2 and not repeats else 0 if fluency == 0 and share == 0 else 1
    return {
        "language": language,
        "fluency": fluency,
        "helpfulness": helpfulness,
        "accuracy": accuracy,
        "logic": logic,
        "harmlessness": 2,
    }


def noisy(scores: Mapping[str, int], seed: Any, item: str, noise: float) -> dict[str, int]:
    """`scores` with each one moved a step up or down (clipped) with probability `noise`, seeded per item."""
    out = {}
    for c in CRITERIA:
        rng = random.Random(f"xlit-simrater/{seed}/{item}/{c}")
        s = int(scores[c])
        if rng.random() < noise:
            s = min(2, max(0, s + rng.choice((-1, 1))))
        out[c] = s
    return out


def read_answers(path: str | os.PathLike) -> dict[str, list[str]]:
    """prompt id -> required words, from a demo answers file."""
    out = {}
    for lineno, row in enumerate(iter_jsonl(path), 1):
        must = require(row, "must", path, lineno, list)
        out[str(require(row, "id", path, lineno, (str, int)))] = [str(x) for x in must]
    return out


def simulate_sheet(
    sheet: str | os.PathLike,
    key: str | os.PathLike,
    answers: str | os.PathLike,
    surface: Iterable[tuple[str, str, str | os.PathLike]],
    out: str | os.PathLike,
    *,
    seed: Any,
    noise: float,
    bands: Sequence[float] = FLUENCY_PPL,
    threshold: float = LID_THRESHOLD,
) -> list[dict[str, Any]]:
    """Fill the blank `sheet` (its `key` links items to run, lr and prompt id) from the ground truth and write
    it to `out` (the sheet's columns and encoding, scores filled). `surface`: `(run, checkpoint id, path)` of
    the rated checkpoints' surface rows. Returns `[{item, scores, truth}]`."""
    keys = read_keys([key])
    must = read_answers(answers)
    rows: dict[tuple[str, str, str], dict] = {}
    for run, lr, path in surface:
        for lineno, r in enumerate(iter_jsonl(path), 1):
            rows[(run, lr, str(require(r, "id", path, lineno, (str, int))))] = r
    done = []
    for it in read_sheet(sheet):
        k = keys.get(it["item"])
        if k is None:
            raise InputError(key, f"no key for item {it['item']!r} of {sheet}", field="item")
        feats = rows.get((k["run"], k["lr"], k["id"]))
        if feats is None:
            raise InputError(sheet, f"no surface row for {k['run']} lr{k['lr']} {k['id']}", field="item")
        if k["id"] not in must:
            raise InputError(answers, f"no answer for prompt {k['id']!r}", field="id")
        truth = true_scores(
            it["response"],
            k["lang"],
            must[k["id"]],
            feats.get("lid_lang"),
            feats.get("lid_prob"),
            feats.get("fluency_ppl"),
            feats.get("repetition") or 0.0,
            feats.get("max_line_run") or 0,
            bands=bands,
            threshold=threshold,
        )
        done.append({**it, "truth": truth, "scores": noisy(truth, seed, it["item"], float(noise))})
    with atomic_path(out) as tmp, open(tmp, "w", encoding=SHEET_ENCODING, newline="") as f:
        w = csv.writer(f)
        w.writerow(["item", "prompt", "response", *CRITERIA])
        for d in done:
            text = [sheet_cell(d[c]) for c in ("item", "prompt", "response")]  # model text: formulas neutralised
            w.writerow([*text, *(d["scores"][c] for c in CRITERIA)])
    return [{"item": d["item"], "scores": d["scores"], "truth": d["truth"]} for d in done]
