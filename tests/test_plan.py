"""The memory plan (`xlit plan`): parameter counts against real models, the paper config sized by it, and an
over-tight config refused before anything is submitted."""

import subprocess
import sys
from pathlib import Path

import pytest
import torch
import yaml

import xlit.config as xc
from xlit.plan import Shape, estimate, plan, shape_of

ROOT = Path(__file__).resolve().parents[1]
LLAMA2_7B = {"vocab_size": 32000, "hidden_size": 4096, "num_layers": 32, "intermediate_size": 11008, "num_heads": 32}


def meta_llama(s: dict):
    """A Llama with real layer shapes on the meta device (no memory, no weights)."""
    from transformers import LlamaConfig, LlamaForCausalLM

    cfg = LlamaConfig(
        vocab_size=s["vocab_size"],
        hidden_size=s["hidden_size"],
        num_hidden_layers=s["num_layers"],
        intermediate_size=s["intermediate_size"],
        num_attention_heads=s["num_heads"],
        num_key_value_heads=s.get("num_kv_heads", s["num_heads"]),
        tie_word_embeddings=False,
    )
    with torch.device("meta"):
        return LlamaForCausalLM(cfg)


@pytest.mark.parametrize("name", ["llama2-7b", "llama2-13b"])
def test_parameter_counts_match_real_shapes(name):
    cfg = xc.load(ROOT / "config" / "paper.yaml")
    s = cfg["base_models"][name]["shape"]
    model = meta_llama(s)
    shape = shape_of(cfg["base_models"][name])
    assert shape.params() == sum(p.numel() for p in model.parameters())
    assert shape.params() == {"llama2-7b": 6_738_415_616, "llama2-13b": 13_015_864_320}[name]


def test_lora_parameter_count_matches_peft():
    from peft import LoraConfig, get_peft_model

    s = {
        "vocab_size": 1000,
        "hidden_size": 64,
        "num_layers": 3,
        "intermediate_size": 172,
        "num_heads": 4,
        "num_kv_heads": 2,
    }
    from transformers import LlamaConfig, LlamaForCausalLM

    model = LlamaForCausalLM(
        LlamaConfig(
            vocab_size=1000,
            hidden_size=64,
            num_hidden_layers=3,
            intermediate_size=172,
            num_attention_heads=4,
            num_key_value_heads=2,
            tie_word_embeddings=False,
        )
    )
    shape = shape_of({"shape": s})
    assert shape.params() == sum(p.numel() for p in model.parameters())
    peft = get_peft_model(model, LoraConfig(r=16, lora_alpha=8, target_modules="all-linear", task_type="CAUSAL_LM"))
    assert shape.lora_params(16) == sum(p.numel() for p in peft.parameters() if p.requires_grad)


def test_estimate_parts_follow_the_precision():
    shape = Shape(**{k: v for k, v in LLAMA2_7B.items()}, num_kv_heads=32)
    P = shape.params()
    pure = estimate(shape, "bf16-pure", None, 2, 8192, True)["parts"]
    mixed = estimate(shape, "bf16-mixed", None, 2, 8192, True)["parts"]
    assert pure["weights"] == P * 2 / 2 and pure["optimizer"] == P * 8 / 2  # bf16 weights, fp32 moments, sharded
    assert mixed["weights"] == P * 4 / 2 and mixed["gradients"] == P * 4 / 2
    one = estimate(shape, "bf16-mixed", None, 1, 8192, True)
    assert one["parts"]["bf16 weight copies"] == 2 * P and one["total"] > 16 * P
    two = estimate(shape, "bf16-mixed", None, 2, 8192, True)["total"]
    assert estimate(shape, "bf16-mixed", None, 4, 8192, True)["total"] < two < one["total"]
    no_ckpt = estimate(shape, "bf16-mixed", None, 2, 8192, False)["parts"]["activations"]
    assert no_ckpt > 5 * mixed["activations"]


def test_paper_config_fits_its_own_plan():
    cfg = xc.load(ROOT / "config" / "paper.yaml")  # load runs the check: it would raise if a run did not fit
    rows = {r["run"]: r for r in plan(cfg)}
    assert cfg["training"]["precision"] == "bf16-pure"
    assert rows["llama2-13b_dolly_en_ft"]["gpus_needed"] == 4 == rows["llama2-13b_dolly_en_ft"]["gpus_configured"]
    assert rows["llama2-7b_dolly_en_ft"]["gpus_needed"] == 2
    assert rows["llama2-13b_dolly_en_lora"]["gpus_needed"] == 1
    assert rows["llama2-13b_dolly_en_ft"]["tokens_per_update"] == 81920
    assert rows["llama2-13b_dolly_en_lora"]["tokens_per_update"] == 32768
    for r in rows.values():
        assert r["gb_per_gpu"] <= 0.9 * 80


def test_paper_fp32master_overlay_fits_too():
    cfg = yaml.safe_load((ROOT / "config" / "paper.yaml").read_text())
    overlay = yaml.safe_load((ROOT / "config" / "paper-fp32master.yaml").read_text())
    cfg["training"].update(overlay["training"])
    rows = plan(xc.validate(cfg))
    assert all(r["precision"] == "bf16-mixed" and r["gpus_needed"] <= r["gpus_configured"] for r in rows)


def tight_config(tmp_path) -> Path:
    cfg = yaml.safe_load((ROOT / "config" / "paper.yaml").read_text())
    cfg["base_models"]["llama2-13b"]["gpus"] = 1
    p = tmp_path / "tight.yaml"
    p.write_text(yaml.safe_dump(cfg, sort_keys=False))
    return p


def test_over_tight_config_is_refused_in_one_line(tmp_path):
    p = tight_config(tmp_path)
    with pytest.raises(xc.ConfigError) as e:
        xc.load(p)
    msg = str(e.value)
    assert "\n" not in msg and "runs.1 (llama2-13b_dolly_en_ft): needs 4 GPUs of 80 GB under bf16-pure" in msg
    assert "base_models.llama2-13b.gpus is 1" in msg
    r = subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "--configfile", str(p)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode != 0 and "needs 4 GPUs of 80 GB" in r.stdout + r.stderr


def test_xlit_plan_prints_the_table(capsys):
    from xlit.cli import main

    assert main(["plan", str(ROOT / "config" / "paper.yaml")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split("\t")[:3] == ["run", "precision", "params"]
    row = next(line.split("\t") for line in out if line.startswith("llama2-13b_dolly_en_ft\t"))
    assert row[1] == "bf16-pure" and row[2] == "13.02B" and row[5] == "4" and row[6] == "4" and row[7] == "81920"
