"""How far each judge can be trusted: ``results/tables/judge_validity.tsv`` (rule ``judge_validity``).

Per judge, criterion and language (and an ``all`` row, languages pooled), on the responses of the selected
checkpoints that the judge scored and at least one annotator rated:

- ``kappa``: quadratic-weighted Cohen's kappa of the judge against the human side. With several annotators
  per response, every annotator's rating of a response is paired with the judge's score of it and one kappa is
  taken over the pooled pairs (the ``human`` vs judge row of ``agreement.tsv``, :mod:`xlit.agreement`), so the
  judge is compared with one rater at a time, as the human-human kappa compares one rater with another;
- ``length_kappa``: the same kappa for a length-only baseline, "the longer answer scores higher": a response
  of ``n_tokens`` (its surface row) gets 0 if ``n_tokens <= t1``, 1 if ``t1 < n_tokens <= t2``, 2 if
  ``n_tokens > t2``, where ``t1, t2`` are the 1/3 and 2/3 quantiles (numpy's default, linear interpolation)
  of ``n_tokens`` over every response of the selected checkpoints in that language; the same 0-2 score for
  every criterion, paired with the annotators' ratings like the judge's, on the judge's responses;
- ``human_kappa`` with ``human_kappa_lo``/``human_kappa_hi``: kappa between annotators on the responses two
  or more of them rated (every pair of annotators' ratings of a response, pooled; with two annotators the
  annotator-pair row of ``agreement.tsv``, the same numbers) and its 95% percentile bootstrap interval
  (responses resampled, all pairs of a response together; seeded; :func:`xlit.agreement.pair_stats`);
- ``bias``: mean judge score - mean human score over the compared responses (a response's human score is
  the mean of its annotators'), with both means (``judge_mean``, ``human_mean``);
- ``n``: compared responses; ``human_n``: responses with two or more annotators; ``raters``: the annotators;
- ``flag`` (comma-separated, empty when none): ``below_length_baseline`` when ``kappa < length_kappa``,
  ``outside_human_interval`` when ``kappa < human_kappa_lo`` (the interval's lower bound), each only when both
  numbers are defined; ``kappa_undefined`` when the judge's kappa is NaN (no compared responses, or a single
  score used by both sides).

No matplotlib here (the figure is :mod:`xlit.figures.validity`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from itertools import combinations
from typing import Any, Iterable, Sequence

import numpy as np

from . import agreement as agr
from .io import InputError, iter_jsonl_lines, require
from .names import CRITERIA
from .scores import Scores, rating_rows

#: the length-only baseline's rater name in the rating rows
LENGTH = "length"
COLUMNS = [
    "judge",
    "criterion",
    "lang",
    "n",
    "kappa",
    "length_kappa",
    "human_kappa",
    "human_kappa_lo",
    "human_kappa_hi",
    "human_n",
    "bias",
    "judge_mean",
    "human_mean",
    "raters",
    "flag",
]
FLAG_LENGTH = "below_length_baseline"
FLAG_HUMAN = "outside_human_interval"
FLAG_UNDEFINED = "kappa_undefined"


# ------------------------------------------------------------------------------------ length baseline
def read_lengths(files: Iterable[tuple[str, str, str, Any]]) -> list[dict[str, Any]]:
    """``(run, checkpoint id, lang, path)`` of surface files -> rows ``run lr lang id n_tokens``; a row without a
    non-negative integer ``n_tokens`` (or ``id``), or an id twice in one file, is an InputError naming the file,
    line and field."""
    out = []
    for run, lr, lang, path in files:
        seen: dict[str, int] = {}
        for lineno, r in iter_jsonl_lines(path):
            rid = str(require(r, "id", path, lineno, (str, int)))
            if rid in seen:
                raise InputError(path, f"id {rid!r} already on line {seen[rid]}", line=lineno, field="id")
            seen[rid] = lineno
            n = r.get("n_tokens")
            if isinstance(n, bool) or not isinstance(n, int) or n < 0:
                raise InputError(path, f"expected a non-negative integer, got {n!r:.60}", line=lineno, field="n_tokens")
            out.append({"run": run, "lr": lr, "lang": lang, "id": rid, "n_tokens": n})
    return out


def tercile_thresholds(lengths: Sequence[float]) -> tuple[float, float]:
    """(t1, t2): the 1/3 and 2/3 quantiles (linear interpolation) of ``lengths``."""
    if not len(lengths):
        raise ValueError("no lengths")
    t1, t2 = np.quantile(np.asarray(lengths, dtype=float), [1 / 3, 2 / 3])
    return float(t1), float(t2)


def length_score(n: float, t1: float, t2: float) -> int:
    """0 if n <= t1, 1 if t1 < n <= t2, 2 if n > t2."""
    return int(n > t1) + int(n > t2)


def length_ratings(lengths: Sequence[dict[str, Any]], criteria: Sequence[str]) -> list[dict[str, Any]]:
    """Rows of :func:`read_lengths` -> rating rows of the rater :data:`LENGTH` (one per response and criterion),
    the thresholds taken per language."""
    by_lang: dict[str, list[float]] = defaultdict(list)
    for r in lengths:
        by_lang[r["lang"]].append(r["n_tokens"])
    cuts = {lang: tercile_thresholds(v) for lang, v in by_lang.items()}
    rows = [
        {**r, "judge": LENGTH, "criterion": c, "score": length_score(r["n_tokens"], *cuts[r["lang"]])}
        for r in lengths
        for c in criteria
    ]
    return agr.ratings_from_judge(rows)


# --------------------------------------------------------------------------------------- the table
def _mean(values: Iterable[float]) -> float:
    v = list(values)
    return float(np.mean(v)) if v else math.nan


def _bias(human: np.ndarray, judge: np.ndarray, items: Sequence[Any]) -> tuple[float, float]:
    """(judge mean, human mean) over items: a response's human score is the mean of its annotators'."""
    per_item: dict[Any, list[int]] = defaultdict(list)
    judged: dict[Any, int] = {}
    for h, j, it in zip(human, judge, items):
        per_item[it].append(int(h))
        judged[it] = int(j)
    return _mean(judged[it] for it in per_item), _mean(_mean(v) for v in per_item.values())


def _human_pairs(ratings, annotators, criterion, lang):
    """Every pair of annotators' ratings of the same response, pooled: (a, b, item of each pair)."""
    a, b, items = [], [], []
    for ra, rb in combinations(annotators, 2):
        x, y, its = agr.paired_scores(ratings, ra, rb, criterion, lang)
        a.append(x), b.append(y), items.extend(its)
    if not a:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), []
    return np.concatenate(a), np.concatenate(b), items


def flags(kappa: float, length_kappa: float, human_lo: float) -> str:
    """The ``flag`` cell (see the module docstring)."""
    if math.isnan(kappa):
        return FLAG_UNDEFINED
    out = []
    if not math.isnan(length_kappa) and kappa < length_kappa:
        out.append(FLAG_LENGTH)
    if not math.isnan(human_lo) and kappa < human_lo:
        out.append(FLAG_HUMAN)
    return ",".join(out)


def validity_table(
    scores: Scores,
    lengths: Sequence[dict[str, Any]],
    *,
    n_boot: int = 1000,
    seed: int = 0,
    criteria: Sequence[str] | None = None,
    judges: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Rows of ``judge_validity.tsv`` (:data:`COLUMNS`) per judge, criterion (the study's six, then any others
    seen) and language (English first, then the others, then ``all``); none without human ratings or judges.
    ``lengths``: rows of :func:`read_lengths` covering every compared response (a missing one is an error).
    ``judges`` (default: those with scores) may name judges without a single parsed score: their rows say
    ``kappa_undefined`` with n = 0, so a judge that failed to score shows up instead of vanishing."""
    judges = list(judges) if judges is not None else scores.judges
    if not scores.human or not judges:
        return []
    ratings = rating_rows(scores)
    seen = list(dict.fromkeys(r["criterion"] for r in ratings))
    if criteria is None:
        criteria = [c for c in CRITERIA if c in seen] + [c for c in seen if c not in CRITERIA]
    length_rows = length_ratings(lengths, criteria)
    with_length = {r["item"] for r in length_rows}
    rated = {r["item"] for r in ratings if r["group"] == agr.HUMAN}
    missing = sorted(rated - with_length, key=str)
    if missing:
        run, lr, lang, rid = missing[0]
        raise ValueError(
            f"{len(missing)} rated response(s) have no surface row (n_tokens) for the length baseline, "
            f"the first: run {run} lr{lr} {lang} id {rid}"
        )
    ratings += [r for r in length_rows if r["item"] in rated]
    annotators = list(dict.fromkeys(r["rater"] for r in ratings if r["group"] == agr.HUMAN))
    langs = scores.langs
    by_crit: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in ratings:
        by_crit[r["criterion"]].append(r)
    human_cells: dict[tuple[str, str], dict[str, Any]] = {}
    for crit in criteria:
        for lang in langs + ["all"]:
            sel = None if lang == "all" else lang
            a, b, items = _human_pairs(by_crit[crit], annotators, crit, sel)
            st = agr.pair_stats(a, b, n_boot=n_boot, seed=seed, groups=items)
            names = {r["rater"] for r in by_crit[crit] if r["group"] == agr.HUMAN and sel in (None, r["lang"])}
            human_cells[(crit, lang)] = {
                "human_kappa": st["kappa"],
                "human_kappa_lo": st["kappa_lo"],
                "human_kappa_hi": st["kappa_hi"],
                "human_n": len(set(items)),
                "raters": ",".join(n.removeprefix(f"{agr.HUMAN}:") for n in annotators if n in names),
            }
    rows = []
    for judge in judges:
        for crit in criteria:
            for lang in langs + ["all"]:
                sel = None if lang == "all" else lang
                h, j, items = agr.paired_scores(by_crit[crit], agr.HUMAN, judge, crit, sel)
                judged = set(items)
                hl, ln, litems = agr.paired_scores(by_crit[crit], agr.HUMAN, LENGTH, crit, sel)
                keep = np.fromiter((it in judged for it in litems), bool, count=len(litems))
                kappa = agr.quadratic_kappa(h, j)
                length_kappa = agr.quadratic_kappa(hl[keep], ln[keep])
                judge_mean, human_mean = _bias(h, j, items)
                hc = human_cells[(crit, lang)]
                rows.append(
                    {
                        "judge": judge,
                        "criterion": crit,
                        "lang": lang,
                        "n": len(judged),
                        "kappa": kappa,
                        "length_kappa": length_kappa,
                        **hc,
                        "bias": judge_mean - human_mean,
                        "judge_mean": judge_mean,
                        "human_mean": human_mean,
                        "flag": flags(kappa, length_kappa, hc["human_kappa_lo"]),
                    }
                )
    return rows
