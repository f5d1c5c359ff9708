"""The judge-validity panel of the report: each judge's kappa against the human side beside the human-human
interval and the length-only baseline, per criterion, a panel per language (rows of `xlit.validity`)."""

from __future__ import annotations

import math
import os
from typing import Any, Sequence

import matplotlib.pyplot as plt

from ..validity import FLAG_UNDEFINED
from .style import NO_HUMANS, SIMULATED_NOTE, STYLE, message_figure, note, panel_grid, save

JUDGE_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
FLAG_COLOR = "#c00000"


def validity_figure(rows: Sequence[dict[str, Any]], *outputs: str | os.PathLike | None, simulated: bool = False):
    """A panel per language (then ``all``): per criterion, the human-human 95% interval (grey bar) and kappa
    (black tick), each judge's kappa (a dot) and its length baseline's (a dash in the judge's colour); a flagged
    judge's dot is ringed in red and the panel title counts flagged cells. Saved to each of ``outputs``."""
    with plt.rc_context(STYLE):
        if not rows:
            fig = message_figure(f"{NO_HUMANS} (or no judge scores): nothing to compare.", "Judge validity")
            save(fig, outputs)
            return fig
        langs = list(dict.fromkeys(r["lang"] for r in rows))
        judges = list(dict.fromkeys(r["judge"] for r in rows))
        criteria = list(dict.fromkeys(r["criterion"] for r in rows))
        cell = {(r["judge"], r["criterion"], r["lang"]): r for r in rows}
        fig, axes = panel_grid(len(langs), 2.1, extra=0.4)
        width = 0.6 / max(len(judges), 1)
        for ax, lang in zip(axes.flat, langs):
            flagged = 0
            for x, crit in enumerate(criteria):
                h = cell[(judges[0], crit, lang)]
                if not math.isnan(h["human_kappa_lo"]):
                    ax.plot([x, x], [h["human_kappa_lo"], h["human_kappa_hi"]], color="#bbbbbb", lw=6, zorder=1)
                if not math.isnan(h["human_kappa"]):
                    ax.plot([x - 0.35, x + 0.35], [h["human_kappa"]] * 2, color="black", lw=1, zorder=2)
                for k, judge in enumerate(judges):
                    r = cell[(judge, crit, lang)]
                    xj = x + (k - (len(judges) - 1) / 2) * width
                    color = JUDGE_COLORS[k % len(JUDGE_COLORS)]
                    bad = bool(r["flag"]) and r["flag"] != FLAG_UNDEFINED
                    flagged += bad
                    if not math.isnan(r["length_kappa"]):
                        ax.plot([xj], [r["length_kappa"]], marker="_", ms=9, mew=1.6, color=color, zorder=3)
                    if not math.isnan(r["kappa"]):
                        ax.plot(
                            [xj],
                            [r["kappa"]],
                            marker="o",
                            ms=5,
                            color=color,
                            mec=FLAG_COLOR if bad else color,
                            mew=1.6 if bad else 0.5,
                            zorder=4,
                        )
            ax.axhline(0, color="#888888", lw=0.5, ls=":")
            ax.set_xticks(range(len(criteria)), labels=criteria, rotation=30, ha="right", rotation_mode="anchor")
            ax.set_xlim(-0.6, len(criteria) - 0.4)
            ax.set_ylim(min(-0.3, *[_low(cell[(j, c, lang)]) for j in judges for c in criteria]), 1.05)
            ax.set_ylabel("quadratic kappa vs humans")
            n = max(cell[(j, c, lang)]["n"] for j in judges for c in criteria)
            ax.set_title(f"{'all languages' if lang == 'all' else lang} (n={n}; {flagged} flagged)")
        handles = [
            plt.Line2D([], [], color="#bbbbbb", lw=6, label="human-human 95% interval"),
            plt.Line2D([], [], color="black", lw=1, label="human-human kappa"),
            *[
                plt.Line2D([], [], color=JUDGE_COLORS[k % len(JUDGE_COLORS)], marker="o", ls="", label=f"judge {j}")
                for k, j in enumerate(judges)
            ],
            plt.Line2D([], [], color="#555555", marker="_", ms=9, mew=1.6, ls="", label="length baseline"),
            plt.Line2D([], [], color="white", marker="o", mec=FLAG_COLOR, mew=1.6, ls="", label="flagged"),
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 4), frameon=False)
        if simulated:
            note(fig, SIMULATED_NOTE)
        save(fig, outputs)
        return fig


def _low(r: dict[str, Any]) -> float:
    vals = [r[c] for c in ("kappa", "length_kappa", "human_kappa_lo") if not math.isnan(r[c])]
    return min(vals, default=0.0) - 0.1
