"""The paper's figures 2-5 (matplotlib, Agg): `style` (the shared style, `save`, heatmap, labels), a module per
figure (`fig2`, `fig3`, `fig4`, `fig5`). Each `figN(data, *outputs)` draws the figure, saves it to each output
path (.pdf, .png) and returns it; figures 2, 4 and 5 take `xlit.scores.Scores` (`load_scores`, re-exported
here for the figure scripts), figure 3 the surface and selected-LR table rows.
"""

from ..scores import load_scores
from .fig2 import fig2
from .fig3 import category_panel, fig3, plot_category_scores, plot_run_categories
from .fig4 import fig4
from .fig5 import fig5, fig5_pair
from .style import NO_HUMANS, STYLE, checkpoint_label, human_title, save

__all__ = [
    "NO_HUMANS",
    "STYLE",
    "category_panel",
    "checkpoint_label",
    "fig2",
    "fig3",
    "fig4",
    "fig5",
    "fig5_pair",
    "human_title",
    "load_scores",
    "plot_category_scores",
    "plot_run_categories",
    "save",
]
