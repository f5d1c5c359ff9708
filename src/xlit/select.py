"""Choosing each run's learning rate (and, with `selection.steps`, training step) from the surface table
(`tables/surface.tsv`).

Quality of one (checkpoint, language) row of the table:

    quality = correct_lang - 0.5 * code_switch - 0.5 * repetition - 0.5 * empty + 0 * line_pass_rate

(weights overridable with `weights={"correct_lang": .., "code_switch": .., "repetition": .., "empty": ..,
"line_pass_rate": ..}`; a NaN feature contributes nothing). `line_pass_rate` (the Language Confusion Benchmark's
LPR, `xlit.surface`) is off by default; `{"correct_lang": 0, "line_pass_rate": 1}` selects on it instead. Fluency
perplexity is deliberately left out: a degenerate, looping response gets a *low* perplexity, and its scale differs
between languages.

Criteria (`select_lr(rows, criterion)`), on one split (default `valid`):
- `multilingual`: mean quality over the non-English languages, among the LRs whose English
  `correct_lang` is at least `english_floor`. If no LR reaches the floor, the LR with the best English
  `correct_lang` is taken (with a warning) and reported with its multilingual score. If the run has no
  English rows the floor is not applied (warning).
- `english`: quality of English alone (what an English-only practitioner would pick).

Missing languages: the languages a run is judged on are those any of its LRs has on the split. An LR
missing one of them is skipped with a warning (a missing language must not count as a good one); if no
LR has them all, every LR is scored on the languages it has (warning).

Steps: with `selection.steps` the table has a `step` column and the candidates are (lr, step) pairs, each
scored like an LR above (warnings name them `lr 1e-05 step 200`); without one every row is the final model
(step `last`).

Ties (scores equal to 1e-9): the smaller LR wins, then the earlier step (the conservative choice; the study
finds smaller LRs transfer better). Output rows: `{"run", "criterion", "lr", "step", "score"}` with `lr` as
written in the table and `step` the step number or `last`.
"""

from __future__ import annotations

import math
import warnings
from collections import defaultdict

from .io import InputError, read_tsv, write_tsv
from .names import checkpoint_id, split_checkpoint

SELECTION_CRITERIA = ("multilingual", "english")
DEFAULT_WEIGHTS = {"correct_lang": 1.0, "code_switch": 0.5, "repetition": 0.5, "empty": 0.5, "line_pass_rate": 0.0}
#: the features that count for a checkpoint (the others count against it)
FOR = ("correct_lang", "line_pass_rate")
SELECTED_COLUMNS = ["run", "criterion", "lr", "step", "score"]
LAST = "last"  # the step of the final model


class SelectionWarning(UserWarning):
    pass


def _f(v) -> float:
    if v is None or v == "":
        return math.nan
    return float(v)


def quality(row: dict, weights: dict | None = None) -> float:
    """correct_lang minus weighted penalties (see the module docstring); NaN features count as 0."""
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    total = 0.0
    for key in DEFAULT_WEIGHTS:  # shares (xlit.surface.SHARES): FOR count for, the others against
        x = _f(row.get(key))
        if not math.isnan(x) and w[key]:
            total += (1 if key in FOR else -1) * w[key] * x
    return total


def _step(row: dict) -> int | None:
    """The step of a table row: None for the final model (no `step`, or `last`)."""
    v = row.get("step")
    return None if v is None or str(v) in ("", "nan", LAST) else int(float(v))


def _order(ckpt: str) -> tuple[float, float]:
    lr, step = split_checkpoint(ckpt)
    return float(lr), math.inf if step is None else step


def _name(ckpt: str) -> str:
    """`lr 1e-05`, or `lr 1e-05 step 200`: a candidate in warnings."""
    lr, step = split_checkpoint(ckpt)
    return f"lr {lr}" + ("" if step is None else f" step {step}")


def _best(candidates: dict[str, float]) -> str:
    """The checkpoint with the highest score; ties (to 1e-9) go to the smaller LR, then the earlier step."""
    return min(candidates, key=lambda c: (-round(candidates[c], 9), _order(c)))


def _warn(msg: str) -> None:
    warnings.warn(msg, SelectionWarning, stacklevel=3)


def select_lr(
    table_rows: list[dict],
    criterion: str,
    *,
    split: str = "valid",
    english: str = "en",
    english_floor: float = 0.5,
    weights: dict | None = None,
) -> list[dict]:
    """One `{"run","criterion","lr","step","score"}` per run found in `table_rows` (sorted by run)."""
    if criterion not in SELECTION_CRITERIA:
        raise ValueError(f"unknown selection criterion {criterion!r}; expected one of {list(SELECTION_CRITERIA)}")
    all_runs = sorted({r["run"] for r in table_rows})
    # run -> checkpoint id (the lr, or `lr-stepN`) -> lang -> row; below, `lrs` / `lr` name these candidates
    grid: dict[str, dict[str, dict[str, dict]]] = defaultdict(lambda: defaultdict(dict))
    for r in table_rows:
        if r["split"] != split:
            continue
        ckpt = checkpoint_id(r["lr"], _step(r))
        cell = grid[r["run"]][ckpt]
        if r["lang"] in cell:
            raise ValueError(f"two rows for run {r['run']} {_name(ckpt)} split {split} lang {r['lang']}")
        if _f(r.get("n", 1)) == 0:
            continue  # no responses: as if missing
        cell[r["lang"]] = r
    out = []
    for run in all_runs:
        if run not in grid:
            raise ValueError(f"run {run} has no surface rows on split '{split}'")
        lrs = grid[run]
        pick = _select_multilingual if criterion == "multilingual" else _select_english
        ckpt, score = pick(run, lrs, english=english, english_floor=english_floor, weights=weights)
        lr, step = split_checkpoint(ckpt)
        out.append(
            {
                "run": run,
                "criterion": criterion,
                "lr": lr,
                "step": LAST if step is None else step,
                "score": round(score, 6),
            }
        )
    return out


def _complete(run: str, lrs: dict[str, dict[str, dict]], langs: set[str]) -> dict[str, dict[str, dict]]:
    ok = {lr: cell for lr, cell in lrs.items() if langs <= set(cell)}
    if not ok:
        _warn(f"{run}: no learning rate has every language {sorted(langs)}; scoring each on what it has")
        return lrs
    for lr in sorted(set(lrs) - set(ok), key=_order):
        _warn(f"{run}: {_name(lr)} skipped, missing {sorted(langs - set(lrs[lr]))}")
    return ok


def _select_multilingual(run, lrs, *, english, english_floor, weights):
    langs = {lang for cell in lrs.values() for lang in cell}
    others = langs - {english}
    if not others:
        raise ValueError(f"{run}: no non-English language to select on (criterion multilingual)")
    lrs = _complete(run, lrs, langs)
    scores = {}
    for lr, cell in lrs.items():
        qs = [quality(cell[lang], weights) for lang in sorted(others) if lang in cell]
        if qs:
            scores[lr] = sum(qs) / len(qs)
    if not scores:
        raise ValueError(f"{run}: no learning rate has a non-English language")
    eng = {lr: _f(cell[english]["correct_lang"]) for lr, cell in lrs.items() if english in cell and lr in scores}
    if not eng:
        _warn(f"{run}: no '{english}' rows; the English floor is not applied")
        return (lr := _best(scores)), scores[lr]
    passing = {lr: s for lr, s in scores.items() if lr in eng and eng[lr] >= english_floor}
    if passing:
        return (lr := _best(passing)), passing[lr]
    lr = _best({k: (-math.inf if math.isnan(v) else v) for k, v in eng.items()})
    _warn(
        f"{run}: no learning rate keeps English correct_lang >= {english_floor}; "
        f"taking the best English one, {_name(lr)} ({eng[lr]:.3f})"
    )
    return lr, scores[lr]


def _select_english(run, lrs, *, english, english_floor, weights):
    scores = {lr: quality(cell[english], weights) for lr, cell in lrs.items() if english in cell}
    if not scores:
        raise ValueError(f"{run}: no '{english}' rows (criterion english)")
    for lr in sorted(set(lrs) - set(scores), key=_order):
        _warn(f"{run}: {_name(lr)} skipped, missing '{english}'")
    return (lr := _best(scores)), scores[lr]


def select_all(table_rows: list[dict], criteria=SELECTION_CRITERIA, **kwargs) -> list[dict]:
    """`select_lr` for each criterion, concatenated (run-major order)."""
    rows = [r for c in criteria for r in select_lr(table_rows, c, **kwargs)]
    order = {c: i for i, c in enumerate(criteria)}
    return sorted(rows, key=lambda r: (r["run"], order[r["criterion"]]))


def write_selected(path, rows: list[dict]) -> None:
    """`tables/selected_lr.tsv`: columns `run criterion lr step score`."""
    write_tsv(path, rows, SELECTED_COLUMNS)


def read_selected(path, criterion: str | None = None) -> dict:
    """{run: checkpoint id} under one `criterion` (for workflow input functions and figures); without one,
    {(run, criterion): checkpoint id}. The id (`xlit.config.checkpoint_id`) is the lr for the final model,
    `1e-05-step200` for a selected step: as written in paths (`lr{id}`) and score tables. A table without a
    `step` column selects final models. A malformed table raises InputError naming file, line and field."""
    rows = read_tsv(path)
    if rows and not set(SELECTED_COLUMNS[:3]) <= set(rows[0]):
        raise InputError(path, f"needs columns {' '.join(SELECTED_COLUMNS[:3])}", line=1)
    if criterion is None:
        return {(r["run"], r["criterion"]): _checkpoint(path, line, r) for line, r in enumerate(rows, 2)}
    crits = list(dict.fromkeys(r["criterion"] for r in rows))
    if rows and criterion not in crits:
        raise InputError(
            path, f"no rows for selection criterion {criterion!r} (has {', '.join(crits)})", field="criterion"
        )
    out: dict[str, str] = {}
    for line, r in enumerate(rows, 2):
        if r["criterion"] != criterion:
            continue
        if r["run"] in out:
            raise InputError(path, f"run {r['run']!r} is selected twice under {criterion!r}", line=line, field="run")
        out[r["run"]] = _checkpoint(path, line, r)
    return out


def _checkpoint(path, line: int, row: dict) -> str:
    try:
        return checkpoint_id(row["lr"], _step(row))
    except ValueError:
        raise InputError(
            path, f"expected a step number or {LAST!r}, got {row['step']!r}", line=line, field="step"
        ) from None
