import copy
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from xlit import config as xc
from xlit.names import lr_str

ROOT = Path(__file__).resolve().parents[1]


def raw(name="config.yaml"):
    return yaml.safe_load((ROOT / "config" / name).read_text())


@pytest.mark.parametrize("name", ["config.yaml", "paper.yaml"])
def test_shipped_configs_validate(name):
    cfg = xc.load(ROOT / "config" / name)
    assert cfg["languages"][0] == "en"
    assert cfg["training"]["adam_beta2"] == 0.95  # defaults filled


def test_paper_grid_matches_the_study():
    cfg = xc.load(ROOT / "config" / "paper.yaml")
    runs = xc.runs(cfg)
    assert {(r.model, r.data, r.adaptation) for r in runs.values() if r.strategy == "en"} == {
        ("llama2-7b", "dolly", "ft"),
        ("llama2-13b", "dolly", "ft"),
        ("llama2-13b", "dolly", "lora"),
        ("llama2-13b", "lima", "ft"),
        ("tower-7b", "dolly", "ft"),
    }
    for ad, released in (("ft", 1e-5), ("lora", 1e-4)):
        lrs = cfg["adaptations"][ad]["learning_rates"]
        assert len(lrs) >= 4 and released in lrs and max(lrs) / min(lrs) >= 30
    t = cfg["training"]
    assert (t["adam_beta1"], t["adam_beta2"], t["weight_decay"], t["max_length"]) == (0.9, 0.95, 0.1, 2048)
    assert t["too_long"] == "skip"  # the release's loader leaves longer examples out
    assert cfg["adaptations"]["lora"]["r"] == 16 and cfg["adaptations"]["lora"]["alpha"] == 8
    assert cfg["generation"] == {
        "max_new_tokens": 512,
        "repetition_penalty": 1.2,
        "batch_size": 16,
        "do_sample": False,
        "backend": "vllm",
        "gpus": 1,
        "lora": "merge",  # LoRA merged into its base in the training precision, as the release
    }
    assert cfg["surface"]["fluency_backend"] == "vllm"


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda c: c["training"].update(max_length="long"), "training.max_length: expected"),
        (lambda c: c["runs"][0].update(strategy="xx"), "runs.0.strategy: expected one of ['en', 'dt']"),
        (lambda c: c["runs"][0].pop("adaptation"), "runs.0.adaptation: required key is missing"),
        (lambda c: c["adaptations"]["lora"].update(r=0), "adaptations.lora.r"),
        (lambda c: c.update(bogus=1), "my.yaml: unknown key 'bogus' (known: adaptations,"),
        (lambda c: c["runs"][0].update(model="nope"), "runs.0.model: 'nope' is not defined in `base_models`"),
        (lambda c: c["eval_sets"]["test"].pop("ru"), "eval_sets.test: no prompt file for language(s) ['ru']"),
        (lambda c: c["runs"].append(dict(c["runs"][0])), "duplicate run"),
        (lambda c: c["languages"].append("EN"), "languages.4"),
    ],
)
def test_bad_config_names_the_key(mutate, expected):
    cfg = copy.deepcopy(raw())
    mutate(cfg)
    with pytest.raises(xc.ConfigError) as e:
        xc.validate(cfg, "my.yaml")
    msg = str(e.value)
    assert "\n" not in msg and msg.startswith("my.yaml: ")
    assert expected in msg


def test_dt_refused_without_translation():
    cfg = copy.deepcopy(raw())
    cfg.pop("translation", None)
    cfg["runs"].append({"model": "tiny-en", "data": "demo-dolly", "strategy": "dt", "adaptation": "ft"})
    with pytest.raises(xc.ConfigError, match="`dt` needs a `translation` section"):
        xc.validate(cfg)


def test_yaml_syntax_error_names_line(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("languages: [en\nruns: 1\n")
    with pytest.raises(xc.ConfigError, match=r"c.yaml:\d+: not valid YAML"):
        xc.load(p)


def test_lr_strings_and_grid():
    cfg = xc.load(ROOT / "config" / "config.yaml")
    assert lr_str(1e-5) == "1e-05" and lr_str(3e-4) == "0.0003"
    ckpts = xc.checkpoints(cfg)
    n = sum(len(cfg["adaptations"][r["adaptation"]]["learning_rates"]) for r in cfg["runs"])
    assert len(ckpts) == n == len(set(ckpts))


def test_snakemake_rejects_bad_config_before_any_job(tmp_path):
    bad = tmp_path / "bad.yaml"
    cfg = raw()
    cfg["generation"]["repetition_penalty"] = "high"
    bad.write_text(yaml.safe_dump(cfg))
    r = subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "--configfile", str(bad)], cwd=ROOT, capture_output=True, text=True
    )
    assert r.returncode != 0
    assert "generation.repetition_penalty: expected number, got 'high'" in r.stdout + r.stderr


def test_paper_dry_run_lists_the_grid():
    """One train job per (run, LR) and one generate job per checkpoint (all splits and languages): the paper
    evaluates the models saved every 200 of its 1,000 updates, as the release validated them."""
    cfg = xc.load(ROOT / "config" / "paper.yaml")
    r = subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "all_generations", "--configfile=config/paper.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    stats = r.stdout.split("Job stats:")[-1]
    counts = {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)$", stats, re.M)}
    n_ckpt = len(xc.checkpoints(cfg))
    assert counts["train"] == 35 and counts["generate"] == n_ckpt == 35 * 5  # 7 runs x 5 LRs x 5 steps
    # dolly -> fr, pt, ru for the two dt runs: the released translations, checked on CPU, no MT job
    assert counts["import_translations"] == 3 and "translate_it_data" not in counts
    # the validation split it builds: sample, translate into fr, pt, ru, align; and the test categories
    assert (counts["valid_prompts"], counts["translate_valid"], counts["valid_split"], counts["test_categories"]) == (
        1,
        3,
        1,
        1,
    )


def test_canonical_params_compare_by_meaning():
    a = yaml.safe_load("b: {y: 3.0e-4, x: [1, 2.0]}\na: 512.0\nc: -0.0\n")
    b = yaml.safe_load("a: 512\nc: 0\nb:\n  x: [1.0, 2]\n  y: 0.0003\n")
    assert repr(a) != repr(b) and repr(xc.canonical(a)) == repr(xc.canonical(b))
    assert xc.canonical(a) == {"a": 512, "b": {"x": [1, 2], "y": 0.0003}, "c": 0}
    assert isinstance(xc.canonical(512.0), int) and xc.canonical(0.5) == 0.5 and xc.canonical(True) is True
    assert xc.canonical(("x", {"k": 1.5})) == ["x", {"k": 1.5}] and xc.canonical(None) is None
    # a params function of the wildcards is wrapped: its result is canonical
    fn = xc.canonical(lambda wc: {"z": wc, "a": 2.0})
    assert list(fn("w")) == ["a", "z"] and fn("w") == {"a": 2, "z": "w"}


def test_every_rule_param_is_canonical():
    """Each `name=value` under a rule's `params:` goes through canonical() (see xlit.config.canonical)."""
    entries = []
    for smk in sorted((ROOT / "workflow" / "rules").glob("*.smk")):
        lines = smk.read_text().splitlines()
        for i, line in enumerate(lines):
            if line.strip() != "params:":
                continue
            indent = len(line) - len(line.lstrip()) + 4
            for entry in lines[i + 1 :]:
                if entry.strip() and len(entry) - len(entry.lstrip()) < indent:
                    break
                if len(entry) - len(entry.lstrip()) == indent:
                    entries.append((smk.name, entry.strip()))
    assert len(entries) > 20
    bad = [e for e in entries if not re.match(r"^\w+=canonical\(", e[1])]
    assert not bad, bad
