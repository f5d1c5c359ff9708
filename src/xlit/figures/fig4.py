"""Figure 4: mean scores per run, language and criterion, one panel per rating source."""

from __future__ import annotations

import os
from typing import Sequence

import matplotlib.pyplot as plt

from ..names import CRITERIA
from ..scores import Scores, mean_grid
from .style import NO_HUMANS, STYLE, heatmap, human_note, message_figure, panel_grid, save, source_panels, step_note


def fig4(
    scores: Scores,
    *outputs: str | os.PathLike | None,
    runs: Sequence[str] | None = None,
    langs: Sequence[str] | None = None,
    criteria: Sequence[str] = CRITERIA,
):
    """Per-language scores: one panel per source (human, then each judge); rows = run x language
    (grouped by run), columns = criteria, mean 0-2 in the cells; saved to each of ``outputs``."""
    runs = list(runs or scores.runs)
    langs = list(langs or scores.langs)
    with plt.rc_context(STYLE):
        panels = source_panels(scores)
        if not runs or not langs or not panels:
            fig = message_figure(
                NO_HUMANS + "; no judge scores either." if not panels else "no runs selected",
                "Figure 4: scores per language",
            )
            save(fig, outputs)
            return fig
        keys = [(r, l) for r in runs for l in langs]
        labels = [f"{r}{step_note(scores, r)}  {l}" if i == 0 else l for r in runs for i, l in enumerate(langs)]
        fig, axes = panel_grid(len(panels), 1.0 + 0.19 * len(keys), extra=0.2 if not scores.human else 0)
        for k, (ax, (title, rows)) in enumerate(zip(axes.flat, panels)):
            grid = mean_grid(rows, ("run", "lang"), keys, "criterion", criteria)
            im = heatmap(ax, grid, labels, criteria, title=title, show_rows=(k % 2 == 0), fontsize=6.5)
            for g in range(1, len(runs)):
                ax.axhline(g * len(langs) - 0.5, color="white", lw=2.0)
        fig.colorbar(
            im,
            ax=list(axes.flat)[: len(panels)],
            shrink=0.6 if len(panels) <= 2 else 0.4,
            aspect=20,
            label="mean score (0-2)",
        )
        human_note(fig, scores)
        save(fig, outputs)
        return fig
