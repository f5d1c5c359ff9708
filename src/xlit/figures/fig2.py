"""Figure 2: mean scores per run (at its selected checkpoint) and criterion, human and judge side by side."""

from __future__ import annotations

import os
from typing import Sequence

import matplotlib.pyplot as plt

from ..names import CRITERIA
from ..scores import Scores, mean_grid
from .style import NO_HUMANS, STYLE, heatmap, human_note, message_figure, panel_grid, run_labels, save, source_panels


def fig2(
    scores: Scores,
    *outputs: str | os.PathLike | None,
    runs: Sequence[str] | None = None,
    criteria: Sequence[str] = CRITERIA,
):
    """Human (left) and judge (right; one panel per judge) mean scores: rows = runs at their selected
    checkpoint, columns = criteria; saved to each of ``outputs`` (.pdf, .png). Without human ratings: the judge
    panel(s) and a line saying so."""
    runs = list(runs or scores.runs)
    with plt.rc_context(STYLE):
        panels = source_panels(scores)
        if not runs or not panels:
            fig = message_figure(
                NO_HUMANS + "; no judge scores either." if not panels else "no runs selected",
                "Figure 2: scores per run and criterion",
            )
            save(fig, outputs)
            return fig
        fig, axes = panel_grid(len(panels), 0.9 + 0.28 * len(runs), extra=0.2 if not scores.human else 0)
        for k, (ax, (title, rows)) in enumerate(zip(axes.flat, panels)):
            grid = mean_grid(rows, "run", runs, "criterion", criteria)
            im = heatmap(ax, grid, run_labels(scores, runs), criteria, title=title, show_rows=(k % 2 == 0))
        fig.colorbar(
            im,
            ax=list(axes.flat)[: len(panels)],
            shrink=0.8 if len(panels) <= 2 else 0.5,
            aspect=15,
            label="mean score (0-2)",
        )
        human_note(fig, scores)
        save(fig, outputs)
        return fig
