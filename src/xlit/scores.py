"""The judge and human score tables of the selected checkpoints, for the figures and the agreement table.

Inputs are the workflow's tables, read with :func:`load_scores`:
``results/tables/selected_lr.tsv`` (``run criterion lr step score``; ``criterion`` is the LR-selection
criterion, one row per run and criterion; ``step`` a number with ``selection.steps``, else ``last``),
``results/tables/judge_scores.tsv`` (``judge run lr lang id category criterion score``, empty score = missing)
and ``results/tables/human_scores.tsv`` (``annotator run lr lang id category criterion score``; may hold no
rows). Only the selected checkpoint of each run is kept; a checkpoint is its id (``xlit.config.checkpoint_id``:
the lr, or ``1e-05-step200`` for a selected step), as the score tables write it in ``lr``. Means are 0-2:
first over the raters of an item (several annotators), then over items, so each response weighs the same.
No matplotlib here: the agreement table uses this module too.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from . import agreement as agr
from . import select
from .io import InputError, read_tsv
from .names import lr_key

#: annotator names of simulated raters (the demo's xlit.simrater): figures say their side is simulated
SIMULATED_PREFIX = "simulated"


@dataclass
class Scores:
    """Ratings of the selected checkpoints. ``selected``: run -> checkpoint id (lr, or ``lr-stepN``) in display
    order; ``judge`` and ``human``: rows ``source run lr lang id category criterion score`` (score int;
    ``source`` is the judge name or ``human``; human rows also carry ``annotator``); ``judges``: judge names
    in table order."""

    selected: dict[str, str]
    judge: list[dict[str, Any]] = field(default_factory=list)
    human: list[dict[str, Any]] = field(default_factory=list)

    @property
    def judges(self) -> list[str]:
        return list(dict.fromkeys(r["source"] for r in self.judge))

    @property
    def runs(self) -> list[str]:
        return list(self.selected)

    @property
    def langs(self) -> list[str]:
        return sorted({r["lang"] for r in self.judge + self.human}, key=lambda l: (l != "en", l))


def read_selected(path: str | os.PathLike, selection: str | None = None) -> dict[str, str]:
    """run -> selected checkpoint id (`xlit.select.read_selected`); without ``selection`` the file must hold a
    single criterion."""
    if selection is None:
        crits = {c for _, c in select.read_selected(path)}
        if len(crits) > 1:
            raise InputError(
                path,
                f"runs have two selected learning rates (criteria {', '.join(sorted(crits))}); "
                "name the selection criterion",
                field="criterion",
            )
        selection = crits.pop() if crits else ""
    return {run: lr_key(lr) for run, lr in select.read_selected(path, selection).items()}


def read_score_table(path: str | os.PathLike, selected: dict[str, str] | None, source_col: str) -> list[dict]:
    """judge_scores.tsv (``source_col="judge"``) or human_scores.tsv (``"annotator"``) -> rows of the
    selected checkpoints with int scores; empty scores are skipped, anything else not 0-2 is an error."""
    out = []
    path = os.fspath(path)
    rows = read_tsv(path)
    need = {source_col, "run", "lr", "lang", "id", "criterion", "score"}
    if rows and not need <= set(rows[0]):
        raise InputError(path, f"missing column(s) {', '.join(sorted(need - set(rows[0])))}", line=1)
    for i, r in enumerate(rows, 2):
        lr = lr_key(r["lr"])
        if selected is not None and selected.get(r["run"]) != lr:
            continue
        raw = (r.get("score") or "").strip()
        if not raw:
            continue
        s = agr.parse_score(raw)
        if s is None:
            raise InputError(path, f"score must be 0, 1 or 2, got {raw!r}", line=i, field="score")
        row = {
            "source": r[source_col] if source_col == "judge" else "human",
            "run": r["run"],
            "lr": lr,
            "lang": r["lang"],
            "id": r["id"],
            "category": r.get("category", ""),
            "criterion": r["criterion"],
            "score": s,
        }
        if source_col == "annotator":
            row["annotator"] = r["annotator"]
        out.append(row)
    return out


def load_scores(
    judge_path: str | os.PathLike | None,
    human_path: str | os.PathLike | None,
    selected_path: str | os.PathLike,
    selection: str | None = None,
) -> Scores:
    """The three tables -> :class:`Scores` of the checkpoints selected under ``selection``; a missing human
    table counts as no human ratings."""
    selected = read_selected(selected_path, selection)
    judge = read_score_table(judge_path, selected, "judge") if judge_path else []
    human = read_score_table(human_path, selected, "annotator") if human_path and os.path.exists(human_path) else []
    return Scores(selected, judge, human)


def mean_grid(
    rows: Sequence[dict[str, Any]],
    row_field: str | tuple[str, ...],
    row_keys: Sequence[Any],
    col_field: str,
    col_keys: Sequence[Any],
) -> np.ndarray:
    """Mean score per (row key, column key): first per item over raters, then over items; NaN if none."""

    def key(r, f):
        return tuple(r[x] for x in f) if isinstance(f, tuple) else r[f]

    per_item: dict[tuple, list[int]] = defaultdict(list)
    for r in rows:
        per_item[(key(r, row_field), key(r, col_field), r["run"], r["lr"], r["lang"], r["id"])].append(r["score"])
    cells: dict[tuple, list[float]] = defaultdict(list)
    for (rk, ck, *_), scores in per_item.items():
        cells[(rk, ck)].append(float(np.mean(scores)))
    grid = np.full((len(row_keys), len(col_keys)), np.nan)
    for i, rk in enumerate(row_keys):
        for j, ck in enumerate(col_keys):
            if cells.get((rk, ck)):
                grid[i, j] = float(np.mean(cells[(rk, ck)]))
    return grid


def rating_rows(scores: Scores) -> list[dict[str, Any]]:
    """Scores -> agreement rating rows (``rater group item lang criterion score``)."""
    rows = agr.ratings_from_judge([dict(r, judge=r["source"]) for r in scores.judge])
    rows += agr.ratings_from_human(scores.human)
    return rows


def simulated(scores: Scores) -> bool:
    """True when every human rating comes from a simulated rater (annotator name `simulated...`)."""
    names = {str(r.get("annotator", "")) for r in scores.human}
    return bool(names) and all(n.startswith(SIMULATED_PREFIX) for n in names)


def category_rows(scores: Scores) -> tuple[list[dict[str, Any]], str]:
    """The rows figure 3 (right) should use and a label for them: human ratings if any, else the first
    judge's."""
    if scores.human:
        return scores.human, "simulated raters" if simulated(scores) else "human ratings"
    judges = scores.judges
    if not judges:
        return [], "no ratings"
    return [r for r in scores.judge if r["source"] == judges[0]], f"judge: {judges[0]}"
