"""Figure 5: agreement matrices per criterion (percent of responses rated x by one rater and y by the other)."""

from __future__ import annotations

import math
import os
from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np

from .. import agreement as agr
from ..names import CRITERIA
from ..scores import Scores, rating_rows, simulated
from .style import NO_HUMANS, SIMULATED_NOTE, STYLE, WIDTH, heatmap, message_figure, note, save


def fig5_pair(scores: Scores) -> tuple[str, str, str, str] | None:
    """What figure 5 compares: (rater_a, rater_b, label_a, label_b), a on the vertical axis. Pooled
    humans vs the first judge; without humans the first two judges; None if there is nothing."""
    judges = scores.judges
    if scores.human and judges:
        return agr.HUMAN, judges[0], "simulated rater" if simulated(scores) else "human rating", f"{judges[0]} rating"
    if len(judges) >= 2:
        return judges[0], judges[1], f"{judges[0]} rating", f"{judges[1]} rating"
    return None


def fig5(scores: Scores, *outputs: str | os.PathLike | None, criteria: Sequence[str] = CRITERIA):
    """Agreement matrices per criterion, all languages pooled: percent of responses rated x by the judge
    (horizontal) and y by humans (vertical); with several annotators each annotator's rating counts; saved to
    each of ``outputs``. Without humans: the first two judges, or a figure saying there is nothing to compare."""
    pair = fig5_pair(scores)
    with plt.rc_context(STYLE):
        if pair is None:
            why = (
                f"{NO_HUMANS}, and only one judge is configured: nothing to compare."
                if scores.judges
                else f"{NO_HUMANS}, and there are no judge scores: nothing to compare."
            )
            fig = message_figure(why, "Figure 5: agreement matrices")
            save(fig, outputs)
            return fig
        ra, rb, la, lb = pair
        ratings = rating_rows(scores)
        ncols = 3
        nrows = math.ceil(len(criteria) / ncols)
        fig, axes = plt.subplots(
            nrows, ncols, figsize=(WIDTH, 2.25 * nrows + 0.3), squeeze=False, constrained_layout=True
        )
        stats = []
        for crit in criteria:
            a, b, items = agr.paired_scores(ratings, ra, rb, crit)
            stats.append((crit, agr.percent_matrix(a, b), agr.quadratic_kappa(a, b), len(a)))
        vmax = max([np.nanmax(m) for _, m, _, n in stats if n] + [1.0])
        for ax, (crit, m, kappa, n) in zip(axes.flat, stats):
            kap = "nan" if math.isnan(kappa) else f"{kappa:.2f}"
            heatmap(
                ax,
                m,
                ["0", "1", "2"],
                ["0", "1", "2"],
                vmin=0,
                vmax=vmax,
                cmap="Blues",
                fmt="{:.1f}%",
                fontsize=7.5,
                rotate=0,
                origin="lower",
                title=f"{crit}\n(n={n}, quadratic kappa={kap})",
            )
            ax.set_xlabel(lb)
            ax.set_ylabel(la)
            ax.set_aspect("equal")
        for ax in list(axes.flat)[len(criteria) :]:
            ax.set_axis_off()
        if ra != agr.HUMAN:
            note(fig, f"Note: {NO_HUMANS}; judge {ra} vs judge {rb}.")
        elif simulated(scores):
            note(fig, SIMULATED_NOTE)
        save(fig, outputs)
        return fig
