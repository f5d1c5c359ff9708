"""The paper's figures 2, 4 and 5, and the right panel of figure 3 (helpfulness by task category).

All figures are matplotlib (Agg), saved as PDF (TrueType fonts, so run and criterion names can be found
in the PDF text) and PNG, sized for a two-column paper (7 in wide, 8 pt text), with the value written
in every cell. Scores are 0-2 means: first over the raters of an item (several annotators), then over
items, so each response weighs the same.

Inputs are the workflow's tables, read with :func:`load_scores`:
``results/tables/selected_lr.tsv`` (``run criterion lr step score``; ``criterion`` is the LR-selection
criterion, one row per run and criterion; ``step`` a number with ``selection.steps``, else ``last``), ``results/tables/judge_scores.tsv`` (``judge run lr lang id
category criterion score``, empty score = missing) and ``results/tables/human_scores.tsv``
(``annotator run lr lang id category criterion score``; may hold no rows). Only the selected checkpoint
of each run is shown; a checkpoint is its id (``xlit.config.checkpoint_id``: the lr, or ``1e-05-step200``
for a selected step), as the score tables write it in ``lr``, and the figures label it ``lr 1e-05, step 200``.
"""
from __future__ import annotations

import math
import os
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from . import agreement as agr  # noqa: E402
from .agreement import CRITERIA  # noqa: E402
from . import select  # noqa: E402
from .config import split_checkpoint  # noqa: E402
from .io import InputError, atomic_path, read_tsv  # noqa: E402

NO_HUMANS = "no human ratings were supplied"
#: annotator names of simulated raters (the demo's xlit.simrater): figures say their side is simulated
SIMULATED_PREFIX = "simulated"
SIMULATED_NOTE = ("Note: the human side is SIMULATED (demo: raters simulated from the demo world's ground truth "
                  "with seeded noise; no person rated these responses).")
SCORE_CMAP = "YlGnBu"
STYLE = {
    "pdf.fonttype": 42, "ps.fonttype": 42, "font.size": 8, "axes.titlesize": 8.5, "axes.labelsize": 8,
    "xtick.labelsize": 7.5, "ytick.labelsize": 7.5, "figure.dpi": 100, "savefig.dpi": 200,
}
WIDTH = 7.0  # inches, full text width of a two-column paper


# ------------------------------------------------------------------------------------------ data
@dataclass
class Scores:
    """Ratings of the selected checkpoints. ``selected``: run -> checkpoint id (lr, or ``lr-stepN``) in display order; ``judge`` and
    ``human``: rows ``source run lr lang id category criterion score`` (score int; ``source`` is the judge
    name or ``human``; human rows also carry ``annotator``); ``judges``: judge names in table order."""
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


def _lr(v: Any) -> str:
    try:
        return f"{float(v):g}"
    except (TypeError, ValueError):
        return str(v)


def read_selected(path: str | os.PathLike, selection: str | None = None) -> dict[str, str]:
    """run -> selected checkpoint id (`xlit.select.read_selected`); without ``selection`` the file must hold a
    single criterion."""
    if selection is None:
        crits = {c for _, c in select.read_selected(path)}
        if len(crits) > 1:
            raise InputError(path, f"runs have two selected learning rates (criteria {', '.join(sorted(crits))}); "
                             "name the selection criterion", field="criterion")
        selection = crits.pop() if crits else ""
    return {run: _lr(lr) for run, lr in select.read_selected(path, selection).items()}


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
        lr = _lr(r["lr"])
        if selected is not None and selected.get(r["run"]) != lr:
            continue
        raw = (r.get("score") or "").strip()
        if not raw:
            continue
        s = agr.parse_score(raw)
        if s is None:
            raise InputError(path, f"score must be 0, 1 or 2, got {raw!r}", line=i, field="score")
        row = {"source": r[source_col] if source_col == "judge" else "human", "run": r["run"], "lr": lr,
               "lang": r["lang"], "id": r["id"], "category": r.get("category", ""), "criterion": r["criterion"],
               "score": s}
        if source_col == "annotator":
            row["annotator"] = r["annotator"]
        out.append(row)
    return out


def load_scores(judge_path: str | os.PathLike | None, human_path: str | os.PathLike | None,
                selected_path: str | os.PathLike, selection: str | None = None) -> Scores:
    selected = read_selected(selected_path, selection)
    judge = read_score_table(judge_path, selected, "judge") if judge_path else []
    human = read_score_table(human_path, selected, "annotator") if human_path and os.path.exists(human_path) else []
    return Scores(selected, judge, human)


def mean_grid(rows: Sequence[dict[str, Any]], row_field: str | tuple[str, ...], row_keys: Sequence[Any],
              col_field: str, col_keys: Sequence[Any]) -> np.ndarray:
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


# --------------------------------------------------------------------------------------- drawing
def heatmap(ax, values: np.ndarray, row_labels: Sequence[str], col_labels: Sequence[str], *, title: str = "",
            vmin: float = 0.0, vmax: float = 2.0, cmap: str = SCORE_CMAP, fmt: str = "{:.2f}",
            fontsize: float = 7.0, rotate: float = 35, show_rows: bool = True, origin: str = "upper"):
    """Heatmap with each value written in its cell (NaN cells grey, marked '-')."""
    values = np.asarray(values, dtype=float)
    cm = matplotlib.colormaps[cmap].with_extremes(bad="#dddddd")
    im = ax.imshow(np.ma.masked_invalid(values), cmap=cm, vmin=vmin, vmax=vmax, aspect="auto", origin=origin,
                   interpolation="nearest")
    ax.set_xticks(range(len(col_labels)), labels=list(col_labels), rotation=rotate,
                  ha="right" if rotate else "center", rotation_mode="anchor")
    ax.set_yticks(range(len(row_labels)), labels=list(row_labels) if show_rows else [""] * len(row_labels))
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    norm = matplotlib.colors.Normalize(vmin, vmax)
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            v = values[i, j]
            if math.isnan(v):
                ax.text(j, i, "-", ha="center", va="center", fontsize=fontsize, color="#555555")
                continue
            r, g, b, _ = cm(norm(v))
            light = 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5
            ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=fontsize,
                    color="black" if light else "white")
    if title:
        ax.set_title(title)
    return im


def simulated(scores: Scores) -> bool:
    """True when every human rating comes from a simulated rater (annotator name `simulated...`)."""
    names = {str(r.get("annotator", "")) for r in scores.human}
    return bool(names) and all(n.startswith(SIMULATED_PREFIX) for n in names)


def human_title(scores: Scores) -> str:
    """The title of the human side: "Human ratings", or "Simulated raters (a, b)" in the demo."""
    if simulated(scores):
        return "Simulated raters (" + ", ".join(sorted({str(r["annotator"]) for r in scores.human})) + ")"
    return "Human ratings"


def _note(fig, text: str, y: float = 0.995) -> None:
    fig.text(0.5, y, text, ha="center", va="top", fontsize=8.5, style="italic", color="#7a1f1f")


def save(fig, pdf: str | os.PathLike | None, png: str | os.PathLike | None = None) -> None:
    """Save atomically as PDF and/or PNG, then close the figure."""
    for path, fmt in ((pdf, "pdf"), (png, "png")):
        if path:
            with atomic_path(path) as tmp:
                fig.savefig(tmp, format=fmt, bbox_inches="tight")
    plt.close(fig)


def _panel_grid(n: int, row_height: float, extra: float = 0.0):
    """Up to two panels side by side (more would make the cells too small to read at paper width);
    further panels go on further rows. Unused slots are hidden."""
    ncols = min(n, 2)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(WIDTH if ncols > 1 else WIDTH * 0.62, row_height * nrows + extra),
                             squeeze=False, constrained_layout=True)
    for ax in list(axes.flat)[n:]:
        ax.set_axis_off()
    return fig, axes


def checkpoint_label(ckpt: str) -> str:
    """``lr 1e-05``, or ``lr 1e-05, step 200`` for a checkpoint saved at a step (``selection.steps``)."""
    lr, step = split_checkpoint(ckpt)
    return f"lr {lr}" + ("" if step is None else f", step {step}")


def _step_note(scores: Scores, run: str) -> str:
    """`` (step 200)`` when the run's selected checkpoint was saved at a step, else nothing."""
    step = split_checkpoint(scores.selected[run])[1]
    return "" if step is None else f" (step {step})"


def _run_labels(scores: Scores, runs: Sequence[str]) -> list[str]:
    return [f"{r}  ({checkpoint_label(scores.selected[r])})" for r in runs]


def _message_figure(text: str, title: str):
    fig = plt.figure(figsize=(WIDTH, 1.2))
    fig.text(0.5, 0.62, title, ha="center", va="center", fontsize=9, weight="bold")
    fig.text(0.5, 0.35, text, ha="center", va="center", fontsize=8.5)
    return fig


# --------------------------------------------------------------------------------------- figure 2
def fig2(scores: Scores, pdf: str | os.PathLike | None = None, png: str | os.PathLike | None = None, *,
         runs: Sequence[str] | None = None, criteria: Sequence[str] = CRITERIA):
    """Human (left) and judge (right; one panel per judge) mean scores: rows = runs at their selected
    LR, columns = criteria. Without human ratings: the judge panel(s) and a line saying so."""
    runs = list(runs or scores.runs)
    with plt.rc_context(STYLE):
        panels = ([("human", human_title(scores), scores.human)] if scores.human else []) + \
                 [(j, f"Judge: {j}", [r for r in scores.judge if r["source"] == j]) for j in scores.judges]
        if not runs or not panels:
            fig = _message_figure(NO_HUMANS + "; no judge scores either." if not panels else "no runs selected",
                                  "Figure 2: scores per run and criterion")
            save(fig, pdf, png)
            return fig
        fig, axes = _panel_grid(len(panels), 0.9 + 0.28 * len(runs), extra=0.2 if not scores.human else 0)
        for k, (ax, (_, title, rows)) in enumerate(zip(axes.flat, panels)):
            grid = mean_grid(rows, "run", runs, "criterion", criteria)
            im = heatmap(ax, grid, _run_labels(scores, runs), criteria, title=title, show_rows=(k % 2 == 0))
        fig.colorbar(im, ax=list(axes.flat)[:len(panels)], shrink=0.8 if len(panels) <= 2 else 0.5, aspect=15,
                     label="mean score (0-2)")
        if not scores.human:
            fig.suptitle(f"Note: {NO_HUMANS}; judge scores only.", fontsize=8.5, style="italic", color="#7a1f1f")
        elif simulated(scores):
            fig.suptitle(SIMULATED_NOTE, fontsize=8.5, style="italic", color="#7a1f1f")
        save(fig, pdf, png)
        return fig


# ------------------------------------------------------------------------------ figure 3, right
def plot_category_scores(ax, rows: Sequence[dict[str, Any]], *, runs: Sequence[str] | None = None,
                         criterion: str = "helpfulness", categories: Sequence[str] | None = None,
                         title: str | None = None, run_labels: Sequence[str] | None = None,
                         fontsize: float = 6.5, show_rows: bool = True):
    """Figure 3 (right): mean ``criterion`` score (0-2) per run (rows) and task category (columns),
    drawn onto ``ax`` as a heatmap with values in the cells. ``rows``: score rows (``run lr lang id
    category criterion score``), e.g. ``Scores.human`` if there are human ratings, else the judge's,
    already restricted to the selected checkpoints (as :func:`load_scores` does). Categories default
    to those present, alphabetically; rows without a category count as ``(none)``. Returns the image
    (for a colorbar). With no data the axes say so."""
    rows = [dict(r, category=r.get("category") or "(none)") for r in rows if r["criterion"] == criterion]
    runs = list(runs) if runs is not None else list(dict.fromkeys(r["run"] for r in rows))
    categories = list(categories) if categories is not None else sorted({r["category"] for r in rows})
    if title is None:
        title = f"{criterion} by task category"  # the caller may add the source on a second line
    if not rows or not runs or not categories:
        ax.set_axis_off()
        ax.text(0.5, 0.5, f"no {criterion} scores", ha="center", va="center", transform=ax.transAxes)
        ax.set_title(title)
        return None
    grid = mean_grid(rows, "run", runs, "category", categories)
    im = heatmap(ax, grid, list(run_labels) if run_labels is not None else runs, categories, title=title,
                 fontsize=fontsize, rotate=40, show_rows=show_rows)
    ax.tick_params(labelsize=STYLE["xtick.labelsize"])  # readable at paper size whatever the caller's rc
    ax.title.set_fontsize(STYLE["axes.titlesize"])
    return im


def plot_run_categories(ax, rows: Sequence[dict[str, Any]], run: str, *, criterion: str = "helpfulness",
                        categories: Sequence[str] | None = None, langs: Sequence[str] | None = None,
                        title: str | None = None, fontsize: float = 6.5):
    """Figure 3 (right) for one run, for ``xlit.fig3.figure(right_panel=...)`` whose rows are runs: mean
    ``criterion`` score per task category (rows) and language (columns, plus ``all``) of ``run``.
    Categories default to those present in ``rows`` for any run (so every run's panel has the same
    rows). Returns the image, or None (axes saying there are no scores)."""
    crit_rows = [dict(r, category=r.get("category") or "(none)") for r in rows if r["criterion"] == criterion]
    categories = list(categories) if categories is not None else sorted({r["category"] for r in crit_rows})
    langs = list(langs) if langs is not None else sorted({r["lang"] for r in crit_rows}, key=lambda l: (l != "en", l))
    mine = [r for r in crit_rows if r["run"] == run]
    if title is None:
        title = f"{criterion} by task category"
    if not mine or not categories:
        ax.set_axis_off()
        ax.text(0.5, 0.5, f"no {criterion} scores for {run}", ha="center", va="center", transform=ax.transAxes,
                fontsize=STYLE["font.size"])
        ax.set_title(title, fontsize=STYLE["axes.titlesize"])
        return None
    grid = mean_grid(mine, "category", categories, "lang", langs)
    overall = mean_grid(mine, "category", categories, "run", [run])
    im = heatmap(ax, np.hstack([grid, overall]), categories, langs + ["all"], title=title, fontsize=fontsize,
                 rotate=0)
    ax.axvline(len(langs) - 0.5, color="white", lw=2.0)
    ax.tick_params(labelsize=STYLE["xtick.labelsize"])
    ax.title.set_fontsize(STYLE["axes.titlesize"])
    return im


def category_panel(scores: Scores, criterion: str = "helpfulness"):
    """A ``right_panel(ax, run)`` callback for ``xlit.fig3.figure``: :func:`plot_run_categories` on the
    human ratings if any, else the first judge's; the title names the source."""
    rows, label = category_rows(scores)
    categories = sorted({r.get("category") or "(none)" for r in rows if r["criterion"] == criterion})

    def draw(ax, run):
        plot_run_categories(ax, rows, run, criterion=criterion, categories=categories, langs=scores.langs,
                            title=f"{criterion} by task category ({label})")
    return draw


def category_rows(scores: Scores) -> tuple[list[dict[str, Any]], str]:
    """The rows figure 3 (right) should use and a label for them: human ratings if any, else the first
    judge's."""
    if scores.human:
        return scores.human, "simulated raters" if simulated(scores) else "human ratings"
    judges = scores.judges
    if not judges:
        return [], "no ratings"
    return [r for r in scores.judge if r["source"] == judges[0]], f"judge: {judges[0]}"


# --------------------------------------------------------------------------------------- figure 4
def fig4(scores: Scores, pdf: str | os.PathLike | None = None, png: str | os.PathLike | None = None, *,
         runs: Sequence[str] | None = None, langs: Sequence[str] | None = None,
         criteria: Sequence[str] = CRITERIA):
    """Per-language scores: one panel per source (human, then each judge); rows = run x language
    (grouped by run), columns = criteria, mean 0-2 in the cells."""
    runs = list(runs or scores.runs)
    langs = list(langs or scores.langs)
    with plt.rc_context(STYLE):
        panels = ([(human_title(scores), scores.human)] if scores.human else []) + \
                 [(f"Judge: {j}", [r for r in scores.judge if r["source"] == j]) for j in scores.judges]
        if not runs or not langs or not panels:
            fig = _message_figure(NO_HUMANS + "; no judge scores either." if not panels else "no runs selected",
                                  "Figure 4: scores per language")
            save(fig, pdf, png)
            return fig
        keys = [(r, l) for r in runs for l in langs]
        labels = [f"{r}{_step_note(scores, r)}  {l}" if i == 0 else l for r in runs for i, l in enumerate(langs)]
        fig, axes = _panel_grid(len(panels), 1.0 + 0.19 * len(keys), extra=0.2 if not scores.human else 0)
        for k, (ax, (title, rows)) in enumerate(zip(axes.flat, panels)):
            grid = mean_grid(rows, ("run", "lang"), keys, "criterion", criteria)
            im = heatmap(ax, grid, labels, criteria, title=title, show_rows=(k % 2 == 0), fontsize=6.5)
            for g in range(1, len(runs)):
                ax.axhline(g * len(langs) - 0.5, color="white", lw=2.0)
        fig.colorbar(im, ax=list(axes.flat)[:len(panels)], shrink=0.6 if len(panels) <= 2 else 0.4, aspect=20,
                     label="mean score (0-2)")
        if not scores.human:
            fig.suptitle(f"Note: {NO_HUMANS}; judge scores only.", fontsize=8.5, style="italic", color="#7a1f1f")
        elif simulated(scores):
            fig.suptitle(SIMULATED_NOTE, fontsize=8.5, style="italic", color="#7a1f1f")
        save(fig, pdf, png)
        return fig


# --------------------------------------------------------------------------------------- figure 5
def fig5_pair(scores: Scores) -> tuple[str, str, str, str] | None:
    """What figure 5 compares: (rater_a, rater_b, label_a, label_b), a on the vertical axis. Pooled
    humans vs the first judge; without humans the first two judges; None if there is nothing."""
    judges = scores.judges
    if scores.human and judges:
        return agr.HUMAN, judges[0], "simulated rater" if simulated(scores) else "human rating", f"{judges[0]} rating"
    if len(judges) >= 2:
        return judges[0], judges[1], f"{judges[0]} rating", f"{judges[1]} rating"
    return None


def rating_rows(scores: Scores) -> list[dict[str, Any]]:
    """Scores -> agreement rating rows (``rater group item lang criterion score``)."""
    rows = agr.ratings_from_judge([dict(r, judge=r["source"]) for r in scores.judge])
    rows += agr.ratings_from_human(scores.human)
    return rows


def fig5(scores: Scores, pdf: str | os.PathLike | None = None, png: str | os.PathLike | None = None, *,
         criteria: Sequence[str] = CRITERIA):
    """Agreement matrices per criterion, all languages pooled: percent of responses rated x by the judge
    (horizontal) and y by humans (vertical); with several annotators each annotator's rating counts.
    Without humans: the first two judges, or a figure saying there is nothing to compare."""
    pair = fig5_pair(scores)
    with plt.rc_context(STYLE):
        if pair is None:
            why = (f"{NO_HUMANS}, and only one judge is configured: nothing to compare." if scores.judges
                   else f"{NO_HUMANS}, and there are no judge scores: nothing to compare.")
            fig = _message_figure(why, "Figure 5: agreement matrices")
            save(fig, pdf, png)
            return fig
        ra, rb, la, lb = pair
        ratings = rating_rows(scores)
        ncols = 3
        nrows = math.ceil(len(criteria) / ncols)
        fig, axes = plt.subplots(nrows, ncols, figsize=(WIDTH, 2.25 * nrows + 0.3), squeeze=False,
                                 constrained_layout=True)
        stats = []
        for crit in criteria:
            a, b, items = agr.paired_scores(ratings, ra, rb, crit)
            stats.append((crit, agr.percent_matrix(a, b), agr.quadratic_kappa(a, b), len(a)))
        vmax = max([np.nanmax(m) for _, m, _, n in stats if n] + [1.0])
        for ax, (crit, m, kappa, n) in zip(axes.flat, stats):
            kap = "nan" if math.isnan(kappa) else f"{kappa:.2f}"
            heatmap(ax, m, ["0", "1", "2"], ["0", "1", "2"], vmin=0, vmax=vmax, cmap="Blues", fmt="{:.1f}%",
                    fontsize=7.5, rotate=0, origin="lower",
                    title=f"{crit}\n(n={n}, quadratic kappa={kap})")
            ax.set_xlabel(lb)
            ax.set_ylabel(la)
            ax.set_aspect("equal")
        for ax in list(axes.flat)[len(criteria):]:
            ax.set_axis_off()
        if ra != agr.HUMAN:
            fig.suptitle(f"Note: {NO_HUMANS}; judge {ra} vs judge {rb}.", fontsize=8.5, style="italic",
                         color="#7a1f1f")
        elif simulated(scores):
            fig.suptitle(SIMULATED_NOTE, fontsize=8.5, style="italic", color="#7a1f1f")
        save(fig, pdf, png)
        return fig
