"""The constraint figure: pass rate per constraint type (columns) and run (rows), one panel per prompt language, for
the checkpoints LR selection chose (rows of results/tables/constraints.tsv with `selected` 1). Types of one group
are pooled (`lang_*` -> "answer in another language", `num_items_*` -> "list N items"), weighted by the responses
checked; judged-only types have no automatic check and are left out (the note says which)."""

from __future__ import annotations

import os

import matplotlib.pyplot as plt
import numpy as np

from ..constraints import JUDGED, LENGTHS, TEMPLATES, type_group
from .style import STYLE, heatmap, message_figure, note, panel_grid, save

LABELS = {"lang": "other language", "num_items": "N items", **{t: t.removesuffix("_template") for t in TEMPLATES}}


def pooled(rows: list[dict]) -> dict[tuple[str, str, str], tuple[float, int]]:
    """{(lang, run, group): (pass rate over checked responses, responses checked)}."""
    acc: dict[tuple[str, str, str], list[float]] = {}
    for r in rows:
        checked = int(float(r["n_checked"] or 0))
        if not checked:
            continue
        key = (r["lang"], r["run"], type_group(r["type"]))
        passed, n = acc.get(key, (0.0, 0))
        acc[key] = (passed + float(r["pass_rate"]) * checked, n + checked)
    return {k: (p / n, n) for k, (p, n) in acc.items()}


def constraints_figure(rows: list[dict], *outputs: str | os.PathLike | None):
    """Draw the figure from constraints.tsv rows (only the `selected` ones are drawn) and save it to `outputs`."""
    chosen = [r for r in rows if str(r.get("selected")) == "1"]
    with plt.rc_context(STYLE):
        if not chosen:
            fig = message_figure("no selected checkpoint has checked constraint answers", "Constraint following")
            save(fig, outputs)
            return fig
        rates = pooled(chosen)
        langs = list(dict.fromkeys(r["lang"] for r in chosen))
        runs = sorted({r["run"] for r in chosen})
        groups = [g for g in ["lang", "num_items", *TEMPLATES, *LENGTHS] if any(k[2] == g for k in rates)]
        fig, axes = panel_grid(len(langs), 0.35 * len(runs) + 1.3, extra=0.3)
        for ax, lang in zip(axes.flat, langs):
            values = np.array([[rates.get((lang, run, g), (np.nan, 0))[0] for g in groups] for run in runs])
            heatmap(
                ax,
                values,
                runs,
                [LABELS.get(g, g) for g in groups],
                vmin=0,
                vmax=1,
                fmt="{:.2f}",
                title=f"prompts in {lang}: pass rate",
                show_rows=ax in axes[:, 0],
            )
        judged = sorted({r["type"] for r in chosen if r["type"] in JUDGED})
        if judged:
            note(fig, "Judged only, no automatic check (not drawn): " + ", ".join(judged))
        save(fig, outputs)
        return fig
