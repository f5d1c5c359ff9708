"""What every figure shares: the style (`STYLE`, `WIDTH`), `save`, the heatmap with values in its cells, the
panel grid, the notes and labels.

Figures are matplotlib (Agg), saved as PDF (TrueType fonts, so run and criterion names can be found in the PDF
text) and PNG at 200 dpi, sized for a two-column paper (7 in wide, 8 pt text).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any, Iterable, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..io import atomic_path  # noqa: E402
from ..names import split_checkpoint  # noqa: E402
from ..scores import Scores, simulated  # noqa: E402

NO_HUMANS = "no human ratings were supplied"
SIMULATED_NOTE = (
    "Note: the human side is SIMULATED (demo: raters simulated from the demo world's ground truth "
    "with seeded noise; no person rated these responses)."
)
SCORE_CMAP = "YlGnBu"
STYLE = {
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "font.size": 8,
    "axes.titlesize": 8.5,
    "axes.labelsize": 8,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "figure.dpi": 100,
    "savefig.dpi": 200,
}
WIDTH = 7.0  # inches, full text width of a two-column paper


def save(fig, outputs: Iterable[str | os.PathLike | None]) -> None:
    """Save to each path (format from the suffix: .pdf, .png; None skipped) atomically, in `STYLE`, then close
    the figure."""
    with plt.rc_context(STYLE):
        for path in outputs:
            if path:
                with atomic_path(path) as tmp:
                    fig.savefig(tmp, format=Path(path).suffix.lstrip("."), bbox_inches="tight")
    plt.close(fig)


def heatmap(
    ax,
    values: np.ndarray,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    title: str = "",
    vmin: float = 0.0,
    vmax: float = 2.0,
    cmap: str = SCORE_CMAP,
    fmt: str = "{:.2f}",
    fontsize: float = 7.0,
    rotate: float = 35,
    show_rows: bool = True,
    origin: str = "upper",
):
    """Heatmap with each value written in its cell (NaN cells grey, marked '-')."""
    values = np.asarray(values, dtype=float)
    cm = matplotlib.colormaps[cmap].with_extremes(bad="#dddddd")
    im = ax.imshow(
        np.ma.masked_invalid(values),
        cmap=cm,
        vmin=vmin,
        vmax=vmax,
        aspect="auto",
        origin=origin,
        interpolation="nearest",
    )
    ax.set_xticks(
        range(len(col_labels)),
        labels=list(col_labels),
        rotation=rotate,
        ha="right" if rotate else "center",
        rotation_mode="anchor",
    )
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
            ax.text(
                j, i, fmt.format(v), ha="center", va="center", fontsize=fontsize, color="black" if light else "white"
            )
    if title:
        ax.set_title(title)
    return im


def panel_grid(n: int, row_height: float, extra: float = 0.0):
    """Up to two panels side by side (more would make the cells too small to read at paper width);
    further panels go on further rows. Unused slots are hidden."""
    ncols = min(n, 2)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(WIDTH if ncols > 1 else WIDTH * 0.62, row_height * nrows + extra),
        squeeze=False,
        constrained_layout=True,
    )
    for ax in list(axes.flat)[n:]:
        ax.set_axis_off()
    return fig, axes


def message_figure(text: str, title: str):
    """A figure that only says why there is nothing to draw."""
    fig = plt.figure(figsize=(WIDTH, 1.2))
    fig.text(0.5, 0.62, title, ha="center", va="center", fontsize=9, weight="bold")
    fig.text(0.5, 0.35, text, ha="center", va="center", fontsize=8.5)
    return fig


def note(fig, text: str) -> None:
    """A warning line above the panels (e.g. that the human side is missing or simulated)."""
    fig.suptitle(text, fontsize=8.5, style="italic", color="#7a1f1f")


def source_panels(scores: Scores) -> list[tuple[str, list[dict[str, Any]]]]:
    """(title, rows) per rating source: the human ratings if any, then each judge."""
    return ([(human_title(scores), scores.human)] if scores.human else []) + [
        (f"Judge: {j}", [r for r in scores.judge if r["source"] == j]) for j in scores.judges
    ]


def human_note(fig, scores: Scores) -> None:
    """Say above the panels that there are no human ratings, or that they are simulated."""
    if not scores.human:
        note(fig, f"Note: {NO_HUMANS}; judge scores only.")
    elif simulated(scores):
        note(fig, SIMULATED_NOTE)


def human_title(scores: Scores) -> str:
    """The title of the human side: "Human ratings", or "Simulated raters (a, b)" in the demo."""
    if simulated(scores):
        return "Simulated raters (" + ", ".join(sorted({str(r["annotator"]) for r in scores.human})) + ")"
    return "Human ratings"


def checkpoint_label(ckpt: str) -> str:
    """``lr 1e-05``, or ``lr 1e-05, step 200`` for a checkpoint saved at a step (``selection.steps``)."""
    lr, step = split_checkpoint(ckpt)
    return f"lr {lr}" + ("" if step is None else f", step {step}")


def step_note(scores: Scores, run: str) -> str:
    """`` (step 200)`` when the run's selected checkpoint was saved at a step, else nothing."""
    step = split_checkpoint(scores.selected[run])[1]
    return "" if step is None else f" (step {step})"


def run_labels(scores: Scores, runs: Sequence[str]) -> list[str]:
    """``run  (lr 1e-05)`` per run: its selected checkpoint."""
    return [f"{r}  ({checkpoint_label(scores.selected[r])})" for r in runs]
