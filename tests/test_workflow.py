"""End-to-end: the Snakemake workflow on a minimal demo config, in a temporary directory."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from xlit import agreement as agr
from xlit.figures import fig5_pair
from xlit.io import read_jsonl, read_tsv
from xlit.scores import load_scores, rating_rows

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("en", "fr", "pt", "ru")
pytestmark = pytest.mark.slow


def minimal_config(lrs=(3e-3, 1e-2)):
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    cfg["demo"].update(n_corpus=300, n_it=40, n_valid=3, n_test=3)
    cfg["base_models"] = {
        "tiny-multi": {
            "tiny": {
                "corpus_langs": ["en", "fr", "pt", "ru"],
                "vocab_size": 600,
                "hidden_size": 32,
                "num_layers": 1,
                "num_heads": 2,
                "steps": 10,
                "batch_size": 8,
                "seq_len": 64,
            },
            "chat_template": "llama2",
            "gpus": 0,
            "mem_mb": 1000,
            "runtime": 10,
        }
    }
    cfg["adaptations"]["ft"]["learning_rates"] = list(lrs)
    cfg["training"].update(max_steps=3, max_length=128, tokens_per_batch=256, save_steps=2)
    cfg["generation"].update(max_new_tokens=6)
    cfg["runs"] = [{"model": "tiny-multi", "data": "demo-dolly", "strategy": "en", "adaptation": "ft"}]
    cfg["surface"] = {"fluency_model": "tiny-multi"}
    cfg["judges"] = {"tiny": cfg["judges"]["tiny"]}
    return cfg


def demo_judges(cfg):
    """`cfg` with the demo's trained judge first (a few steps: the wiring, not the quality)."""
    cfg["judges"] = {
        "tiny-trained": {
            **yaml.safe_load((ROOT / "config" / "config.yaml").read_text())["judges"]["tiny-trained"],
            "train": {"base": "tiny-multi", "lr": 3e-3, "steps": 3, "max_length": 256},
        },
        **cfg["judges"],
    }
    return cfg


def snakemake(workdir, *args, config=None, config_text=None):
    """Run snakemake on `config` dumped in its own key order (or on `config_text`, as written)."""
    if config is not None:
        config_text = yaml.safe_dump(config, sort_keys=False)
    if config_text is not None:
        (workdir / "config.yaml").write_text(config_text)
    cmd = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(ROOT / "Snakefile"),
        "--directory",
        str(workdir),
        "--configfile",
        str(workdir / "config.yaml"),
        "--cores",
        "2",
        *args,
    ]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return r.stdout + r.stderr


def job_counts(out: str) -> dict[str, int]:
    stats = out.split("Job stats:")[-1]
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)$", stats, re.M)}


def test_whole_study_then_nothing_then_only_the_changed_branch(tmp_path):
    snakemake(tmp_path, config=demo_judges(minimal_config()))  # the default target: the whole study
    run = "tiny-multi_demo-dolly_en_ft"
    for lr in ("0.003", "0.01"):
        for split in ("valid", "test"):
            for lang in ("en", "fr", "pt", "ru"):
                rows = read_jsonl(tmp_path / f"results/generations/{run}/lr{lr}/{split}/{lang}.jsonl")
                assert len(rows) == 3 and all(r["lang"] == lang for r in rows)
                assert all(set(r) >= {"id", "prompt", "response", "n_tokens"} for r in rows)
    fr = read_jsonl(tmp_path / f"results/generations/{run}/lr0.003/test/fr.jsonl")
    en = read_jsonl(tmp_path / f"results/generations/{run}/lr0.003/test/en.jsonl")
    assert [r["id"] for r in fr] == [r["id"] for r in en] and fr[0]["prompt"] != en[0]["prompt"]
    assert (tmp_path / "logs/train" / f"{run}_lr0.003.log").stat().st_size > 0
    assert (tmp_path / "benchmarks/train" / f"{run}_lr0.003.tsv").exists()
    # every run finished: no trainer checkpoint is left behind (the final models are what the study keeps)
    assert not [p for p in (tmp_path / "results").rglob("checkpoint-*")]
    assert (tmp_path / f"results/models/{run}/lr0.003/model.safetensors").exists()
    # one generate and one surface job per checkpoint, one judge job per (judge, checkpoint)
    assert sorted(p.name for p in (tmp_path / "benchmarks/generate").iterdir()) == [
        f"{run}_lr0.003.tsv",
        f"{run}_lr0.01.tsv",
    ]
    assert len(list((tmp_path / "benchmarks/surface").iterdir())) == 2
    assert len(list((tmp_path / "benchmarks/judge/tiny").iterdir())) == 1
    # the demo's trained judge: trained on valid-split responses only, then used in generate mode
    train_rows = read_jsonl(tmp_path / "results/judge_train/tiny-trained.jsonl")
    assert {r["kind"] for r in train_rows} == {"reference", "wrong_lang", "wrong_fact", "repetition", "generation"}
    assert all(r["id"].split("/")[1].startswith("valid-") for r in train_rows)
    trained = read_jsonl(tmp_path / f"results/judge/tiny-trained/{run}/lr0.003/fr.jsonl")
    assert len(trained) == 3 and all(r["raw"] is not None and "probs" not in r for r in trained)

    surface = read_tsv(tmp_path / "results/tables/surface.tsv")
    assert {(r["lr"], r["split"], r["lang"]) for r in surface} == {
        (lr, s, l) for lr in ("0.003", "0.01") for s in ("valid", "test") for l in ("en", "fr", "pt", "ru")
    }
    assert {"line_pass_rate", "word_pass_rate", "lcpr"} <= set(surface[0])
    assert all(r["word_pass_rate"] == "nan" for r in surface if r["lang"] != "ru")  # WPR: non-Latin scripts only
    selected = read_tsv(tmp_path / "results/tables/selected_lr.tsv")
    assert {r["criterion"] for r in selected} == {"multilingual", "english"}
    chosen = next(r["lr"] for r in selected if r["criterion"] == "multilingual")
    # the demo's constraint prompts (each test prompt with a constraint): answered and checked per type
    constraints = read_tsv(tmp_path / "results/tables/constraints.tsv")
    assert {(r["lr"], r["lang"]) for r in constraints} == {(lr, l) for lr in ("0.003", "0.01") for l in LANGS}
    assert {r["type"] for r in constraints if r["lang"] == "en"} == {"lang_fr", "short", "long"}  # 3 test prompts
    assert {r["lr"] for r in constraints if r["selected"] == "1"} == {chosen}
    checked = read_jsonl(tmp_path / f"results/constraints/{run}/lr0.003/checked.jsonl")
    asked = [r for r in checked if r["type"].startswith("lang_")]
    assert asked and all(r["expect_lang"] == r["type"][5:] != r["lang"] for r in asked)
    gen = read_jsonl(tmp_path / f"results/generations/{run}/lr0.003/constraints/fr.jsonl")
    assert gen[0]["type"] == "lang_en" and gen[0]["expect_lang"] == "en" and "anglais" in gen[0]["prompt"]
    assert all(r["reference_id"] == r["id"] for r in checked if r["type"] in ("short", "long"))
    assert (tmp_path / "results/constraints.pdf").stat().st_size > 1000
    scores = read_tsv(tmp_path / "results/tables/judge_scores.tsv")
    assert scores and {r["lr"] for r in scores} == {chosen} and {r["lang"] for r in scores} == {"en", "fr", "pt", "ru"}
    assert all(r["score"] in ("0", "1", "2") for r in scores)
    for i in (2, 3, 4, 5):
        assert (tmp_path / f"results/fig{i}.pdf").stat().st_size > 1000
        assert (tmp_path / f"results/fig{i}.png").stat().st_size > 1000
    assert (tmp_path / "results/human/sheets/fr.csv").exists()
    # the simulated raters' sheets went through the real import into human_scores, agreement and the figures
    human = read_tsv(tmp_path / "results/tables/human_scores.tsv")
    assert {r["annotator"] for r in human} == {"simulated-a", "simulated-b"}
    assert len(human) == 2 * 4 * 3 * 6 and {r["lr"] for r in human} == {chosen}
    agreement = read_tsv(tmp_path / "results/tables/agreement.tsv")
    pairs = {(r["rater_a"], r["rater_b"]) for r in agreement}
    assert ("human", "tiny") in pairs and ("human:simulated-a", "human:simulated-b") in pairs
    # how far each judge can be trusted: every judge x criterion x language (+ all), its kappa the agreement table's
    validity = read_tsv(tmp_path / "results/tables/judge_validity.tsv")
    assert {(r["judge"], r["lang"]) for r in validity} == {
        (j, l) for j in ("tiny-trained", "tiny") for l in ("en", "fr", "pt", "ru", "all")
    }
    assert len(validity) == 2 * 6 * 5 and {r["raters"] for r in validity} == {"simulated-a,simulated-b"}
    # responses compared: all 3 per language for `tiny`; the 3-step trained judge may parse none (n 0, flagged)
    assert {(r["lang"] == "all", r["n"]) for r in validity if r["judge"] == "tiny"} == {(False, "3"), (True, "12")}
    assert all(r["flag"] == "kappa_undefined" for r in validity if r["n"] == "0")
    kappas = {(r["rater_b"], r["criterion"], r["lang"]): r["kappa"] for r in agreement if r["rater_a"] == "human"}
    assert all(r["kappa"] == kappas.get((r["judge"], r["criterion"], r["lang"]), "nan") for r in validity)
    known = {"", "below_length_baseline", "outside_human_interval", "kappa_undefined"}
    assert all(set(r["flag"].split(",")) <= known for r in validity)
    assert (tmp_path / "results/judge_validity.png").stat().st_size > 1000
    # Figure 5 (simulated raters vs the first judge with scores) has non-constant cells, different per criterion
    scores = load_scores(
        tmp_path / "results/tables/judge_scores.tsv",
        tmp_path / "results/tables/human_scores.tsv",
        tmp_path / "results/tables/selected_lr.tsv",
        "multilingual",
    )
    ra, rb, la, _ = fig5_pair(scores)
    assert ra == agr.HUMAN and la == "simulated rater"
    matrices = [agr.percent_matrix(*agr.paired_scores(rating_rows(scores), ra, rb, c)[:2]) for c in agr.CRITERIA]
    assert max(int((m > 0).sum()) for m in matrices) >= 2
    assert len({tuple(m.round(1).flat) for m in matrices}) >= 2

    assert "Nothing to be done" in snakemake(tmp_path, "-n")
    # the constraint split is answered by jobs of its own: without it (or adding it), no valid/test job re-runs
    plain = demo_judges(minimal_config())
    del plain["eval_sets"]["constraints"]
    assert "Nothing to be done" in snakemake(tmp_path, "-n", config=plain)
    # the same config rewritten: keys sorted, re-indented, 3.0e-3 for 0.003, 6.0 for 6: params compare by meaning
    same = yaml.safe_dump(demo_judges(minimal_config()), sort_keys=True, indent=4).replace("- 0.003\n", "- 3.0e-3\n")
    same = same.replace("max_new_tokens: 6\n", "max_new_tokens: 6.0\n")
    assert "3.0e-3" in same and "6.0" in same and yaml.safe_load(same) == demo_judges(minimal_config())
    assert "Nothing to be done" in snakemake(tmp_path, "-n", config_text=same)

    out = snakemake(tmp_path, "-n", config=demo_judges(minimal_config(lrs=(3e-3, 3e-2))))
    counts = job_counts(out)
    assert counts["train"] == 1 and counts["generate"] == 1 and counts["surface"] == 1
    assert counts["generate_constraints"] == 1 and counts["constraints"] == 1
    assert "build_base" not in counts and "demo_world" not in counts
    assert "lr0.03" in out and "lr0.003/" not in out.split("Job stats:")[0]

    snakemake(tmp_path, "--report", str(tmp_path / "report.html"), config=demo_judges(minimal_config()))
    html = (tmp_path / "report.html").read_text(errors="ignore")
    assert "fig2" in html and "selected_lr" in html and "judge_validity" in html
