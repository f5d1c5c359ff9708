"""Figure 3: surface features against the learning rate, per run (left), and a score by task category (right).

Left: one row of panels per run, one panel per feature (`FEATURES`), LR on a log x axis, one line per
language (same colour in every panel), and vertical lines on the chosen LR of each selection criterion
(`multilingual`: solid black, filled triangle at the top; `english`: dashed grey, open triangle at the
bottom, so both stay visible when they choose the same LR). With `selection.steps` (a `step` column in the
surface table) each run's curves are those of the step selected under `criterion`, named in the run's label,
with the other criterion's step where it differs.

Right panel hooks (use one of the two):
- `right_panel=fn`: one more column, one axes per run; `fn(ax, run)` draws into each, e.g.
  `category_panel(scores)` (helpfulness per task category and language of that run);
- `right_spanning=fn`: one more column holding a single axes spanning every row; `fn(ax, runs)` draws
  into it, `runs` in the figure's row order (top to bottom), e.g.
  `lambda ax, runs: plot_category_scores(ax, rows, runs=runs)`.
`right_title` is set when the hook leaves the axes untitled; `right_width` is its width relative to a
feature panel.
"""

from __future__ import annotations

import math
import os
from typing import Any, Callable, Iterable, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, NullFormatter

from ..scores import Scores, category_rows, mean_grid
from ..surface import FIGURE3, SHARES
from .style import STYLE, heatmap, save

FEATURES = FIGURE3  # (metric, label, unit), named once in xlit.surface.METRICS
# marker position: "top" (pointing down from the top edge) or "bottom" (pointing up), so that two
# criteria choosing the same LR stay distinguishable
CRITERION_STYLE = {
    "multilingual": {"color": "black", "linestyle": "-", "marker": "v", "fill": "full", "y": 1.0},
    "english": {"color": "tab:gray", "linestyle": "--", "marker": "^", "fill": "none", "y": 0.0},
}
OTHER_STYLE = {"color": "tab:purple", "linestyle": ":", "marker": "D", "fill": "none", "y": 1.0}


def _f(v) -> float:
    try:
        return math.nan if v is None or v == "" else float(v)
    except ValueError:
        return math.nan


def _lang_order(langs: Iterable[str], english: str = "en") -> list[str]:
    langs = set(langs)
    return ([english] if english in langs else []) + sorted(langs - {english})


def fig3(surface_rows: list[dict], selected_rows: list[dict] = (), *outputs: str | os.PathLike | None, **options):
    """Figure 3 from surface-table rows and selected-LR rows (`results/tables/surface.tsv`, `selected_lr.tsv`)
    in `STYLE`, saved to each of ``outputs`` (.pdf, .png); returns it. ``options``: as for :func:`figure`."""
    with plt.rc_context(STYLE):
        fig = figure(surface_rows, selected_rows, **options)
        save(fig, outputs)
    return fig


def figure(
    surface_rows: list[dict],
    selected_rows: list[dict] = (),
    *,
    split: str = "valid",
    features=FEATURES,
    english: str = "en",
    criterion: str = "multilingual",
    right_panel: Callable | None = None,
    right_spanning: Callable | None = None,
    right_title: str = "helpfulness by category",
    right_width: float = 1.6,
):
    """The figure (not saved) from surface-table rows and selected-LR rows."""
    rows = [r for r in surface_rows if r["split"] == split]
    if not rows:
        raise ValueError(f"no surface rows on split '{split}'")
    runs = sorted({r["run"] for r in rows})
    langs = _lang_order((r["lang"] for r in rows), english)
    colours = {lang: plt.get_cmap("tab10")(i % 10) for i, lang in enumerate(langs)}
    chosen: dict[str, dict[str, float]] = {}
    steps: dict[str, dict[str, str]] = {}  # run -> criterion -> selected step (with selection.steps)
    for s in selected_rows:
        chosen.setdefault(s["run"], {})[s["criterion"]] = float(s["lr"])
        if str(s.get("step", "last")) != "last":
            steps.setdefault(s["run"], {})[s["criterion"]] = str(s["step"])
    if any("step" in r for r in rows):  # one step per run: the selected one (without a selection, the last)
        shown = {
            run: steps.get(run, {}).get(criterion) or str(max(int(r["step"]) for r in rows if r["run"] == run))
            for run in {r["run"] for r in rows}
        }
        rows = [r for r in rows if str(r["step"]) == shown[r["run"]]]

    if right_panel and right_spanning:
        raise ValueError("give right_panel or right_spanning, not both")
    extra = bool(right_panel or right_spanning)
    widths = [1.0] * len(features) + ([right_width] if extra else [])
    fig = plt.figure(figsize=(2.9 * sum(widths), 2.4 * len(runs) + 0.8), layout="constrained")
    gs = fig.add_gridspec(len(runs), len(widths), width_ratios=widths)
    axes = [
        [fig.add_subplot(gs[i, j]) for j in range(len(features))]
        + ([fig.add_subplot(gs[i, -1])] if right_panel else [])
        for i in range(len(runs))
    ]
    for i, run in enumerate(runs):
        run_rows = [r for r in rows if r["run"] == run]
        lr_values = sorted({float(r["lr"]) for r in run_rows})
        lr_labels = {float(r["lr"]): str(r["lr"]) for r in run_rows}
        for j, (key, title, unit) in enumerate(features):
            ax = axes[i][j]
            for lang in langs:
                pts = sorted((float(r["lr"]), _f(r.get(key))) for r in run_rows if r["lang"] == lang)
                if pts:
                    ax.plot(
                        [p[0] for p in pts],
                        [p[1] for p in pts],
                        marker="o",
                        ms=4,
                        lw=1.5,
                        color=colours[lang],
                        label=lang,
                    )
            ax.set_xscale("log")
            lo, hi = lr_values[0], lr_values[-1]
            pad = (hi / lo) ** 0.2 if hi > lo else 3.0
            ax.set_xlim(lo / pad, hi * pad)
            ax.set_xticks(lr_values, [lr_labels[v] for v in lr_values], fontsize=7)
            ax.minorticks_off()
            if key in SHARES:
                ax.set_ylim(-0.05, 1.05)
            elif key == "fluency_ppl":
                vals = [v for v in (_f(r.get(key)) for r in run_rows) if v > 0]
                if vals and max(vals) / min(vals) >= 20:  # >= a decade: log scale, plain numbers
                    ax.set_yscale("log")
                    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
                    ax.yaxis.set_minor_formatter(NullFormatter())
            for crit, lr in chosen.get(run, {}).items():
                st = CRITERION_STYLE.get(crit, OTHER_STYLE)
                ax.axvline(lr, color=st["color"], linestyle=st["linestyle"], lw=1.2, zorder=0)
                ax.plot(
                    [lr],
                    [st["y"]],
                    transform=ax.get_xaxis_transform(),
                    marker=st["marker"],
                    ms=8,
                    color=st["color"],
                    fillstyle=st["fill"],
                    clip_on=False,
                    ls="none",
                    zorder=5,
                )
            ax.set_title(title, fontsize=9)
            ax.tick_params(axis="y", labelsize=7)
            ax.grid(alpha=0.3)
            if i == len(runs) - 1:
                ax.set_xlabel("learning rate", fontsize=8)
            if j == 0:
                ax.set_ylabel(f"{run}{_step_label(steps.get(run), criterion)}\n{unit}", fontsize=8)
            else:
                ax.set_ylabel(unit, fontsize=7)
        if right_panel:
            ax = axes[i][-1]
            right_panel(ax, run)
            if not ax.get_title():
                ax.set_title(right_title, fontsize=9)

    if right_spanning:
        ax = fig.add_subplot(gs[:, -1])
        right_spanning(ax, list(runs))
        if not ax.get_title():
            ax.set_title(right_title, fontsize=9)

    handles = [Line2D([], [], color=colours[l], marker="o", ms=4, label=l) for l in langs]
    used = {c for d in chosen.values() for c in d}
    for crit in [c for c in CRITERION_STYLE if c in used] + sorted(used - set(CRITERION_STYLE)):
        st = CRITERION_STYLE.get(crit, OTHER_STYLE)
        handles.append(
            Line2D(
                [],
                [],
                color=st["color"],
                linestyle=st["linestyle"],
                marker=st["marker"],
                fillstyle=st["fill"],
                label=f"chosen LR ({crit})",
            )
        )
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), fontsize=8, frameon=False)
    at_step = ", each run at its selected step" if steps else ""
    fig.suptitle(f"Surface features vs learning rate ({split} split{at_step})", fontsize=10)
    return fig


def _step_label(steps: dict[str, str] | None, criterion: str) -> str:
    """`` @ step 200`` (the step the curves show), `` @ step 200 (english: step 400)`` where another criterion
    chose another step; nothing without steps."""
    if not steps or criterion not in steps:
        return ""
    others = [f"{c}: step {s}" for c, s in steps.items() if c != criterion and s != steps[criterion]]
    return f" @ step {steps[criterion]}" + (f" ({', '.join(others)})" if others else "")


# ------------------------------------------------------------------------------ right panel
def plot_category_scores(
    ax,
    rows: Sequence[dict[str, Any]],
    *,
    runs: Sequence[str] | None = None,
    criterion: str = "helpfulness",
    categories: Sequence[str] | None = None,
    title: str | None = None,
    run_labels: Sequence[str] | None = None,
    fontsize: float = 6.5,
    show_rows: bool = True,
):
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
    im = heatmap(
        ax,
        grid,
        list(run_labels) if run_labels is not None else runs,
        categories,
        title=title,
        fontsize=fontsize,
        rotate=40,
        show_rows=show_rows,
    )
    ax.tick_params(labelsize=STYLE["xtick.labelsize"])  # readable at paper size whatever the caller's rc
    ax.title.set_fontsize(STYLE["axes.titlesize"])
    return im


def plot_run_categories(
    ax,
    rows: Sequence[dict[str, Any]],
    run: str,
    *,
    criterion: str = "helpfulness",
    categories: Sequence[str] | None = None,
    langs: Sequence[str] | None = None,
    title: str | None = None,
    fontsize: float = 6.5,
):
    """Figure 3 (right) for one run, for ``fig3(right_panel=...)`` whose rows are runs: mean
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
        ax.text(
            0.5,
            0.5,
            f"no {criterion} scores for {run}",
            ha="center",
            va="center",
            transform=ax.transAxes,
            fontsize=STYLE["font.size"],
        )
        ax.set_title(title, fontsize=STYLE["axes.titlesize"])
        return None
    grid = mean_grid(mine, "category", categories, "lang", langs)
    overall = mean_grid(mine, "category", categories, "run", [run])
    im = heatmap(ax, np.hstack([grid, overall]), categories, langs + ["all"], title=title, fontsize=fontsize, rotate=0)
    ax.axvline(len(langs) - 0.5, color="white", lw=2.0)
    ax.tick_params(labelsize=STYLE["xtick.labelsize"])
    ax.title.set_fontsize(STYLE["axes.titlesize"])
    return im


def category_panel(scores: Scores, criterion: str = "helpfulness"):
    """A ``right_panel(ax, run)`` callback for :func:`fig3`: :func:`plot_run_categories` on the
    human ratings if any, else the first judge's; the title names the source."""
    rows, label = category_rows(scores)
    categories = sorted({r.get("category") or "(none)" for r in rows if r["criterion"] == criterion})

    def draw(ax, run):
        plot_run_categories(
            ax,
            rows,
            run,
            criterion=criterion,
            categories=categories,
            langs=scores.langs,
            title=f"{criterion} by task category ({label})",
        )

    return draw
