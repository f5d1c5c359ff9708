import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from xlit import figures as F
from xlit import scores as S
from xlit.io import InputError, read_tsv, write_tsv
from xlit.names import CRITERIA

pypdf = pytest.importorskip("pypdf")

RUNS = ["tiny-en_demo-dolly_en_ft", "tiny-en_demo-dolly_en_lora", "tiny-multi_demo-dolly_dt_ft"]
LANGS = ["en", "fr", "pt", "ru"]
CATS = ["brainstorming", "classification", "open_qa"]
REPO = Path(__file__).resolve().parents[1]


def make_tables(d: Path, judges=("gpt35", "localjudge"), annotators=("alice", "bob"), n=6):
    """Synthetic selected_lr / judge_scores / human_scores tables; the selected LR differs per criterion
    and the other LR carries absurd scores (all 0) so a wrong filter shows."""
    rng = np.random.default_rng(0)
    sel, judge, hum = [], [], []
    for _k, run in enumerate(RUNS):
        sel.append({"run": run, "criterion": "multilingual", "lr": "1e-05", "score": 0.5})
        sel.append({"run": run, "criterion": "english", "lr": "0.0001", "score": 0.7})
        for lr in ("1e-05", "0.0001"):
            for lang in LANGS:
                for i in range(n):
                    truth = int(rng.integers(0, 3))
                    for crit in CRITERIA:
                        for j in judges:
                            s = 0 if lr == "0.0001" else int(np.clip(truth + rng.integers(-1, 2), 0, 2))
                            judge.append(
                                {
                                    "judge": j,
                                    "run": run,
                                    "lr": lr,
                                    "lang": lang,
                                    "id": f"p{i}",
                                    "category": CATS[i % 3],
                                    "criterion": crit,
                                    "score": "" if (i == 0 and crit == "logic") else s,
                                }
                            )
                        if lr == "1e-05":
                            for a in annotators:
                                hum.append(
                                    {
                                        "annotator": a,
                                        "run": run,
                                        "lr": lr,
                                        "lang": lang,
                                        "id": f"p{i}",
                                        "category": CATS[i % 3],
                                        "criterion": crit,
                                        "score": truth,
                                    }
                                )
    write_tsv(d / "selected_lr.tsv", sel, ["run", "criterion", "lr", "score"])
    write_tsv(d / "judge_scores.tsv", judge, "judge run lr lang id category criterion score".split())
    write_tsv(d / "human_scores.tsv", hum, "annotator run lr lang id category criterion score".split())
    return d


@pytest.fixture
def tables(tmp_path):
    return make_tables(tmp_path)


def _text(pdf: Path) -> str:
    assert pdf.exists() and pdf.stat().st_size > 1000
    reader = pypdf.PdfReader(str(pdf))
    text = "\n".join(p.extract_text() for p in reader.pages)
    # pypdf sometimes breaks a rotated label inside a word (at a kerning step: "classi\nfication");
    # labels are searched for with line breaks removed as well
    return text + "\n" + text.replace("\n", "")


def _load(d, human=True, selection="multilingual"):
    return S.load_scores(
        d / "judge_scores.tsv", d / "human_scores.tsv" if human else None, d / "selected_lr.tsv", selection
    )


def test_load_scores_filters_selected(tables):
    s = _load(tables)
    assert s.runs == RUNS and set(s.selected.values()) == {"1e-05"}
    assert s.judges == ["gpt35", "localjudge"] and s.langs == LANGS
    assert all(r["lr"] == "1e-05" for r in s.judge + s.human)
    # the missing judge score (empty) is skipped, not turned into a number
    assert len(s.judge) == 3 * 4 * 6 * 6 * 2 - 3 * 4 * 2
    with pytest.raises(InputError, match="two selected learning rates"):
        S.read_selected(tables / "selected_lr.tsv")
    with pytest.raises(InputError, match="no rows for selection"):
        S.read_selected(tables / "selected_lr.tsv", "nonsense")


def test_mean_grid_averages_items_first():
    rows = [
        {"run": "r", "lr": "1", "lang": "fr", "id": "a", "criterion": "c", "score": 2, "category": ""},
        {"run": "r", "lr": "1", "lang": "fr", "id": "a", "criterion": "c", "score": 2, "category": ""},
        {"run": "r", "lr": "1", "lang": "fr", "id": "a", "criterion": "c", "score": 2, "category": ""},
        {"run": "r", "lr": "1", "lang": "fr", "id": "b", "criterion": "c", "score": 0, "category": ""},
    ]
    g = S.mean_grid(rows, "run", ["r", "missing"], "criterion", ["c"])
    assert g[0, 0] == pytest.approx(1.0) and np.isnan(g[1, 0])


def test_fig2_with_humans(tables, tmp_path):
    pdf, png = tmp_path / "fig2.pdf", tmp_path / "fig2.png"
    F.fig2(_load(tables), pdf, png)
    text = _text(pdf)
    assert png.stat().st_size > 5000
    for label in RUNS + list(CRITERIA) + ["Human ratings", "gpt35", "localjudge"]:
        assert label in text, label
    assert F.NO_HUMANS not in text
    assert any(f"{v:.2f}" in text for v in np.linspace(0, 2, 201))


def test_fig2_without_humans_says_so(tables, tmp_path):
    pdf = tmp_path / "fig2.pdf"
    F.fig2(_load(tables, human=False), pdf, tmp_path / "fig2.png")
    text = _text(pdf)
    assert F.NO_HUMANS in text
    assert "Human ratings" not in text
    for label in RUNS + list(CRITERIA):
        assert label in text


def test_fig2_empty_human_table_counts_as_none(tables, tmp_path):
    write_tsv(tables / "human_scores.tsv", [], "annotator run lr lang id category criterion score".split())
    pdf = tmp_path / "fig2.pdf"
    F.fig2(_load(tables), pdf)
    assert F.NO_HUMANS in _text(pdf)


def test_fig4(tables, tmp_path):
    pdf = tmp_path / "fig4.pdf"
    F.fig4(_load(tables), pdf, tmp_path / "fig4.png")
    text = _text(pdf)
    for label in RUNS + list(CRITERIA) + LANGS + ["Human ratings", "gpt35"]:
        assert label in text, label
    pdf2 = tmp_path / "fig4n.pdf"
    F.fig4(_load(tables, human=False), pdf2)
    assert F.NO_HUMANS in _text(pdf2)


def test_fig5_human_vs_judge(tables, tmp_path):
    pdf = tmp_path / "fig5.pdf"
    F.fig5(_load(tables), pdf, tmp_path / "fig5.png")
    text = _text(pdf)
    for label in list(CRITERIA) + ["human rating", "gpt35 rating", "quadratic kappa", "%"]:
        assert label in text, label
    # each criterion's matrix sums to 100
    s = _load(tables)
    from xlit import agreement as agr

    a, b, _ = agr.paired_scores(S.rating_rows(s), "human", "gpt35", "fluency")
    assert agr.percent_matrix(a, b).sum() == pytest.approx(100.0)
    assert len(a) == 2 * 3 * 4 * 6  # annotators x runs x langs x items


def test_simulated_raters_are_labelled_as_such(tmp_path):
    d = make_tables(tmp_path, annotators=("simulated-a", "simulated-b"))
    s = _load(d)
    assert S.simulated(s) and F.human_title(s) == "Simulated raters (simulated-a, simulated-b)"
    assert F.fig5_pair(s)[2] == "simulated rater" and S.category_rows(s)[1] == "simulated raters"
    for fig in (F.fig2, F.fig4, F.fig5):
        pdf = tmp_path / f"{fig.__name__}.pdf"
        fig(s, pdf)
        text = " ".join(_text(pdf).split())
        assert "SIMULATED" in text and "no person rated" in text, fig.__name__
    (tmp_path / "mixed").mkdir()
    mixed = _load(make_tables(tmp_path / "mixed", annotators=("simulated-a", "alice")))
    assert not S.simulated(mixed) and F.human_title(mixed) == "Human ratings"


def test_fig5_without_humans(tables, tmp_path):
    pdf = tmp_path / "fig5.pdf"
    F.fig5(_load(tables, human=False), pdf)
    text = _text(pdf)
    assert F.NO_HUMANS in text and "gpt35 rating" in text and "localjudge rating" in text
    (tmp_path / "one").mkdir()
    one = make_tables(tmp_path / "one", judges=("gpt35",))
    pdf1 = tmp_path / "fig5_one.pdf"
    F.fig5(_load(one, human=False), pdf1)
    text1 = _text(pdf1)
    assert F.NO_HUMANS in text1 and "nothing to compare" in text1


def test_category_panel_on_given_axes(tables, tmp_path):
    import matplotlib.pyplot as plt

    s = _load(tables)
    rows, label = S.category_rows(s)
    assert label == "human ratings"
    fig, (left, right) = plt.subplots(1, 2, figsize=(7, 2.5), constrained_layout=True)
    im = F.plot_category_scores(right, rows, runs=s.runs, title=f"helpfulness by task category ({label})")
    assert im is not None and right.get_title().startswith("helpfulness")
    pdf = tmp_path / "fig3r.pdf"
    F.save(fig, [pdf, tmp_path / "fig3r.png"])
    text = _text(pdf)
    for label in RUNS + CATS:
        assert label in text, label
    # no data: the axes say so
    fig, ax = plt.subplots()
    assert F.plot_category_scores(ax, [], runs=RUNS) is None
    assert any("no helpfulness scores" in t.get_text() for t in ax.texts)
    plt.close(fig)
    # judge fallback
    rows, label = S.category_rows(S.Scores(s.selected, s.judge, []))
    assert label == "judge: gpt35" and {r["source"] for r in rows} == {"gpt35"}


def test_message_figures_when_nothing(tmp_path):
    write_tsv(
        tmp_path / "selected_lr.tsv",
        [{"run": "r", "criterion": "multilingual", "lr": "1e-05", "score": 1}],
        ["run", "criterion", "lr", "score"],
    )
    write_tsv(tmp_path / "judge_scores.tsv", [], "judge run lr lang id category criterion score".split())
    s = S.load_scores(tmp_path / "judge_scores.tsv", tmp_path / "absent.tsv", tmp_path / "selected_lr.tsv")
    for fn in (F.fig2, F.fig4, F.fig5):
        pdf = tmp_path / f"{fn.__name__}.pdf"
        fn(s, pdf, tmp_path / f"{fn.__name__}.png")
        assert F.NO_HUMANS in _text(pdf)


SNAKEFILE = """
import sys
from xlit.config import canonical
from xlit.paths import *
configfile: "config.yaml"
LANGS = {langs!r}
SIMULATED_RATERS = {{}}
def selected_answers(wildcards=None):
    return [(run, "1e-05", lang) for run in {runs!r} for lang in LANGS]
def selected_generations(wildcards=None):
    return [generation_file(run, lr, "test", lang) for run, lr, lang in selected_answers()]
def human_rating_sheets():
    return [r["path"] for r in config["human"]["ratings"]]
def human_annotators():
    return [r["annotator"] for r in config["human"]["ratings"]]
def human_key_files():
    return sorted({{human_key(r["lang"]) for r in config["human"]["ratings"]}})
def simulated_rating_surface(wildcards=None):
    return [surface_file(run, lr, "test", lang) for run, lr, lang in selected_answers()]
# the tables the figures read, made by the test (judge_table and select_lr live in files not included here)
rule judge_table:
    output: scores=table("judge_scores")
rule select_lr:
    output: selected=table("selected_lr")
include: "{repo}/workflow/rules/human.smk"
include: "{repo}/workflow/rules/figures.smk"
rule all:
    default_target: True
    input: "results/fig2.pdf", "results/fig4.pdf", "results/fig5.pdf", "results/tables/agreement.tsv",
           "results/human/sheets/fr.csv"
"""


@pytest.mark.slow
def test_rules_run_under_snakemake(tmp_path):
    """The draft rule files, with stand-ins for common.smk's input functions, run the scripts end to end:
    no human ratings configured -> empty human table, judge-only figures, judge-vs-judge agreement."""
    snakemake = shutil.which("snakemake", path=str(Path(sys.executable).parent))
    if not snakemake:
        pytest.skip("snakemake not installed beside this python")
    make_tables(tmp_path / "results" / "tables")
    os.remove(tmp_path / "results" / "tables" / "human_scores.tsv")
    for run in RUNS:
        for lang in ["en", "fr"]:
            p = tmp_path / "results" / "generations" / run / "lr1e-05" / "test" / f"{lang}.jsonl"
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(
                f'{{"id": "p1", "lang": "{lang}", "category": "qa", "prompt": "Q?", "response": "A.", "n_tokens": 2}}\n'
            )
    (tmp_path / "config.yaml").write_text(
        "seed: 0\nselection: {criterion: multilingual}\nhuman: {sheets_per_lang: null, ratings: []}\n"
    )
    (tmp_path / "Snakefile").write_text(SNAKEFILE.format(langs=["en", "fr"], runs=RUNS, repo=REPO))
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    res = subprocess.run(
        [snakemake, "--cores", "1", "all", "--quiet"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr[-3000:]
    agreement = read_tsv(tmp_path / "results" / "tables" / "agreement.tsv")
    assert {(r["rater_a"], r["rater_b"]) for r in agreement} == {("gpt35", "localjudge")}
    assert F.NO_HUMANS in _text(tmp_path / "results" / "fig2.pdf")
    assert (tmp_path / "results" / "human" / "guidelines.md").exists()
    assert read_tsv(tmp_path / "results" / "tables" / "human_scores.tsv") == []

    # two annotators return the French sheet: the import, agreement and figures pick them up
    import csv

    sheet = tmp_path / "results" / "human" / "sheets" / "fr.csv"
    with open(sheet, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    for name, score in (("alice", "2"), ("bob", "1")):
        with open(tmp_path / f"{name}_fr.csv", "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows([rows[0]] + [r[:3] + [score] * 6 for r in rows[1:]])
    (tmp_path / "config.yaml").write_text(
        "seed: 0\nselection: {criterion: multilingual}\nhuman: {sheets_per_lang: null, ratings: ["
        "{annotator: alice, lang: fr, path: alice_fr.csv}, {annotator: bob, lang: fr, path: bob_fr.csv}]}\n"
    )
    res = subprocess.run(
        [snakemake, "--cores", "1", "all", "--quiet"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr[-3000:]
    humans = read_tsv(tmp_path / "results" / "tables" / "human_scores.tsv")
    assert len(humans) == 2 * len(RUNS) * 6 and {r["annotator"] for r in humans} == {"alice", "bob"}
    pairs = {(r["rater_a"], r["rater_b"]) for r in read_tsv(tmp_path / "results" / "tables" / "agreement.tsv")}
    assert {("human", "gpt35"), ("human:alice", "human:bob"), ("gpt35", "localjudge")} <= pairs
    assert F.NO_HUMANS not in _text(tmp_path / "results" / "fig2.pdf")
    assert "human rating" in _text(tmp_path / "results" / "fig5.pdf")


def test_category_panel_hook_per_run(tables, tmp_path):
    """The fig3 right-panel hook: draw(ax, run) for each run row; same categories in every panel."""
    import matplotlib.pyplot as plt

    s = _load(tables)
    draw = F.category_panel(s)
    fig, axes = plt.subplots(len(RUNS), 1, figsize=(3.5, 6), constrained_layout=True)
    for ax, run in zip(axes, RUNS):
        draw(ax, run)
        assert [t.get_text() for t in ax.get_yticklabels()] == CATS
        assert [t.get_text() for t in ax.get_xticklabels()] == LANGS + ["all"]
        assert "human ratings" in ax.get_title()
    pdf = tmp_path / "panel.pdf"
    F.save(fig, [pdf])
    text = _text(pdf)
    assert "helpfulness by task category" in text and all(c in text for c in CATS)
    fig, ax = plt.subplots()
    assert F.plot_run_categories(ax, s.human, "no-such-run") is None
    plt.close(fig)
