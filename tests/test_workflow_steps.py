"""selection.steps in the workflow: a tiny config whose runs keep the models after 10 and 20 updates."""

import json

import pytest
from test_workflow import job_counts, minimal_config, snakemake

from xlit.io import read_tsv

RUN = "tiny-multi_demo-dolly_en_ft"


def steps_config(steps=(10, 20)):
    cfg = minimal_config()
    cfg["training"].update(max_steps=20, save_steps=10)
    cfg["selection"] = {**cfg.get("selection", {}), "steps": list(steps)}
    return cfg


def test_dry_run_evaluates_every_step(tmp_path):
    plain = job_counts(snakemake(tmp_path, "-n", config=minimal_config()))
    out = snakemake(tmp_path, "-n", config=steps_config())
    counts = job_counts(out)
    # one train job per lr still; one generate and one surface job per (lr, step), valid and test splits in each
    assert counts["train"] == plain["train"] == 2
    assert counts["generate"] == counts["surface"] == 2 * plain["generate"] == 4
    assert f"results/models/{RUN}/lr0.003/step10" in out and f"results/models/{RUN}/lr0.003/step20" not in out
    for lr in ("0.003-step10", "0.003-step20", "0.01-step10"):
        assert f"results/generations/{RUN}/lr{lr}/valid/fr.jsonl" in out
    assert f"results/generations/{RUN}/lr0.003/valid" not in out


@pytest.mark.slow
def test_steps_are_selected_and_shown(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    snakemake(tmp_path, "results/fig2.pdf", "results/fig3.pdf", config=steps_config())
    info = json.loads((tmp_path / f"results/models/{RUN}/lr0.003/step10/xlit_checkpoint.json").read_text())
    assert (
        info["steps"] == 10
        and json.loads((tmp_path / f"results/models/{RUN}/lr0.003/xlit_checkpoint.json").read_text())["steps"] == 20
    )
    surface = read_tsv(tmp_path / "results/tables/surface.tsv")
    assert {(r["lr"], r["step"]) for r in surface} == {(lr, s) for lr in ("0.003", "0.01") for s in ("10", "20")}
    selected = read_tsv(tmp_path / "results/tables/selected_lr.tsv")
    assert list(selected[0]) == ["run", "criterion", "lr", "step", "score"]
    assert {r["step"] for r in selected} <= {"10", "20"}
    chosen = next(r for r in selected if r["criterion"] == "multilingual")
    scores = read_tsv(tmp_path / "results/tables/judge_scores.tsv")
    assert {r["lr"] for r in scores} == {f"{chosen['lr']}-step{chosen['step']}"}
    fig2 = pypdf.PdfReader(str(tmp_path / "results/fig2.pdf")).pages[0].extract_text()
    assert f"lr {chosen['lr']}, step {chosen['step']}" in fig2
    fig3 = pypdf.PdfReader(str(tmp_path / "results/fig3.pdf")).pages[0].extract_text()
    assert f"@ step {chosen['step']}" in fig3
