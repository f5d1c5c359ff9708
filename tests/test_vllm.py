"""vLLM in its own environment: the hand-over of a generate or surface job (`xlit.vllm_job`), workflow scripts a
spawned process can re-import, and (slow) the workflow's own generate and surface jobs on real vLLM (the CPU
build in .venv-vllm, `make vllm`) against the hf backend."""

import json
import math
import os
import runpy
import sys
from pathlib import Path

import pytest
import yaml

from xlit.io import read_jsonl, write_jsonl
from xlit.vllm_job import VLLMJobFailed

ROOT = Path(__file__).resolve().parents[1]
VLLM_PYTHON = ROOT / ".venv-vllm" / "bin" / "python"
SCRIPTS = sorted(p.name for p in (ROOT / "workflow" / "scripts").glob("*.py"))


@pytest.mark.parametrize("script", SCRIPTS)
def test_workflow_script_is_safe_to_reimport(script):
    """A spawned child process (multiprocessing `spawn`, as vLLM's engine and worker processes start) re-imports
    `__main__` from `__file__` as `__mp_main__`, and Snakemake points `__file__` at the original script, where no
    `snakemake` object exists: the script must then do nothing."""
    runpy.run_path(str(ROOT / "workflow" / "scripts" / script), run_name="__mp_main__")


# ---- the hand-over, against a stand-in `vllm` package in the child process ---------------------------------

STUB = {
    "__init__.py": """
import json, os, types

class LLM:
    def __init__(self, **kw):
        if os.environ.get("FAKE_VLLM_FAIL"):
            raise RuntimeError("the engine failed to start")
        print("fake vLLM engine " + json.dumps(kw, sort_keys=True), flush=True)

    def generate(self, prompts, params, use_tqdm=True):
        out = []
        for p in prompts:
            ids = p["prompt_token_ids"]
            lps = [None] + [{t: types.SimpleNamespace(logprob=-0.5)} for t in ids[1:]]
            out.append(types.SimpleNamespace(outputs=[types.SimpleNamespace(token_ids=[5, 7])], prompt_logprobs=lps))
        return out

def SamplingParams(**kw):
    return kw
""",
    "inputs.py": "def TokensPrompt(**kw):\n    return kw\n",
    "platforms.py": """
class current_platform:
    is_cuda_alike = staticmethod(lambda: False)
    has_device_capability = staticmethod(lambda c: False)
""",
}


@pytest.fixture
def stub_vllm(tmp_path, monkeypatch):
    """A stand-in `vllm` on the child's PYTHONPATH (never this process's)."""
    root = tmp_path / "stub"
    (root / "vllm").mkdir(parents=True)
    for name, text in STUB.items():
        (root / "vllm" / name).write_text(text)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.delenv("FAKE_VLLM_FAIL", raising=False)
    return root


def generate_job(fake_snakemake, tmp_path, model, python):
    prompts = tmp_path / "en.jsonl"
    write_jsonl(prompts, [{"id": str(i), "instruction": t} for i, t in enumerate(["Say hello.", "Name a river."])])
    gen = {"max_new_tokens": 4, "repetition_penalty": 1.2, "batch_size": 16, "backend": "vllm"}
    return fake_snakemake(
        input={"model": str(model), "prompts": [str(prompts)]},
        output=[str(tmp_path / "out" / "en.jsonl")],
        params={"sets": [["test", "en"]], "generation": gen},
        log=[str(tmp_path / "generate.log")],
        resources={"gpu": 0},
        config={"vllm": {"python": str(python), "gpu_memory_utilization": 0.08}},
    )


def test_generate_job_is_handed_over_to_the_vllm_environment(stub_vllm, fake_snakemake, tiny_lm_dir, tmp_path):
    from transformers import AutoTokenizer

    smk = generate_job(fake_snakemake, tmp_path, tiny_lm_dir, sys.executable)
    smk.run("generate.py")
    tok = AutoTokenizer.from_pretrained(tiny_lm_dir)
    rows = read_jsonl(tmp_path / "out" / "en.jsonl")
    assert [r["response"] for r in rows] == [tok.decode([5, 7]).strip()] * 2 and rows[0]["n_tokens"] == 2
    log = (tmp_path / "generate.log").read_text()
    engine = json.loads(log.split("fake vLLM engine ")[1].splitlines()[0])  # the child's output, in the job's log
    assert (
        engine["gpu_memory_utilization"] == 0.08 and engine["dtype"] == "float32" and engine["enforce_eager"] is False
    )
    assert "max_num_seqs" not in engine and engine["model"] == str(tiny_lm_dir)
    assert "xlit.vllm_job" in log and "VLLM_ENABLE_V1_MULTIPROCESSING" not in os.environ


def test_a_failed_child_fails_the_job_in_one_line(stub_vllm, fake_snakemake, tiny_lm_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_VLLM_FAIL", "1")
    smk = generate_job(fake_snakemake, tmp_path, tiny_lm_dir, sys.executable)
    with pytest.raises(VLLMJobFailed, match="the generate job in .* exited with status 1"):
        smk.run("generate.py")
    assert not (tmp_path / "out" / "en.jsonl").exists()
    assert "the engine failed to start" in (tmp_path / "generate.log").read_text()
    smk = generate_job(fake_snakemake, tmp_path, tiny_lm_dir, tmp_path / "no-venv" / "bin" / "python")
    with pytest.raises(VLLMJobFailed, match=r"vllm.python: .*no-venv/bin/python does not exist: .*`make vllm`"):
        smk.run("generate.py")


def test_surface_job_is_handed_over(stub_vllm, fake_snakemake, tiny_lm_dir, tmp_path):
    gen = tmp_path / "gen.jsonl"
    write_jsonl(
        gen, [{"id": "1", "lang": "en", "prompt": "p", "response": "The river flows past the mill.", "n_tokens": 6}]
    )
    smk = fake_snakemake(
        input={"generations": [str(gen)], "fluency": str(tiny_lm_dir)},
        output={"rows": [str(tmp_path / "rows.jsonl")], "summary": str(tmp_path / "summaries.jsonl")},
        params={
            "sets": [["valid", "en"]],
            "lid_model": None,
            "lid_label_map": None,
            "threshold": 0.5,
            "min_chars": 20,
            "batch_size": 8,
            "fluency_model": "",
            "fluency_backend": "vllm",
        },
        wildcards={"run": "tiny_demo-dolly_en_ft", "lr": "0.001"},
        log=[str(tmp_path / "surface.log")],
        resources={"gpu": 0},
        config={
            "vllm": {"python": sys.executable},
            "runs": [{"model": "tiny", "data": "demo-dolly", "strategy": "en", "adaptation": "ft"}],
        },
    )
    smk.run("surface.py")
    (row,) = read_jsonl(tmp_path / "rows.jsonl")
    assert row["fluency_ppl"] == pytest.approx(math.exp(0.5))  # the stand-in's log-probability, -0.5 per token
    (summary,) = read_jsonl(tmp_path / "summaries.jsonl")
    assert summary["run"] == "tiny_demo-dolly_en_ft" and summary["lr"] == "0.001" and summary["adaptation"] == "ft"
    assert "fake vLLM engine" in (tmp_path / "surface.log").read_text()


# ---- real vLLM (CPU) through Snakemake ------------------------------------------------------------------------


def vllm_config():
    """The demo's config on one base (tiny-multi, head size 32) with an FT and a LoRA run at one learning rate
    each; generation and fluency on vLLM in .venv-vllm."""
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    cfg["base_models"] = {"tiny-multi": cfg["base_models"]["tiny-multi"]}
    cfg["adaptations"]["ft"]["learning_rates"] = [3e-3]
    cfg["adaptations"]["lora"]["learning_rates"] = [1e-2]
    cfg["runs"] = [
        {"model": "tiny-multi", "data": "demo-dolly", "strategy": "en", "adaptation": a} for a in ("ft", "lora")
    ]
    cfg["judges"] = {"tiny": cfg["judges"]["tiny"]}
    cfg["generation"].update(backend="vllm")
    cfg["surface"].update(fluency_backend="vllm")
    cfg["vllm"] = {"python": str(VLLM_PYTHON), "gpu_memory_utilization": 0.08, "enforce_eager": True}
    return cfg


@pytest.mark.slow
@pytest.mark.skipif(
    not VLLM_PYTHON.exists(), reason="no generation environment .venv-vllm (`make vllm`; .ci/run makes it)"
)
def test_workflow_generate_and_surface_on_vllm_match_hf(tmp_path, monkeypatch):
    """One Snakemake run: the FT and the LoRA checkpoint's generate jobs and the FT checkpoint's surface job on
    vLLM (3 engine starts, with vLLM's default multiprocessing), then the same through the hf backend here."""
    from test_workflow import snakemake

    from xlit.checkpoints import resolve_model_dir
    from xlit.fluency import FluencyLM
    from xlit.generate import generate_sets, load_generator, read_eval_sets
    from xlit.paths import generation_file, surface_file, surface_summary

    assert "VLLM_ENABLE_V1_MULTIPROCESSING" not in os.environ
    cfg = vllm_config()
    sets = [(s, l) for s in ("valid", "test") for l in cfg["languages"]]
    ft, lora = "tiny-multi_demo-dolly_en_ft", "tiny-multi_demo-dolly_en_lora"
    targets = [generation_file(lora, "0.01", s, l) for s, l in sets]
    targets += [surface_file(ft, "0.003", s, l) for s, l in sets] + [surface_summary(ft, "0.003")]
    snakemake(tmp_path, *targets, config=cfg)

    for run, lr in ((ft, "0.003"), (lora, "0.01")):
        log = (tmp_path / f"logs/generate/{run}_lr{lr}.log").read_text()
        assert "xlit.vllm_job" in log and "EngineCore" in log  # vLLM's engine process wrote into the job's log
        assert ("merged into its base" in log) == (run == lora)
    assert "EngineCore" in (tmp_path / f"logs/surface/{ft}_lr0.003.log").read_text()

    # greedy answers: the hf backend on the same checkpoints and prompts (paths relative to the work directory)
    monkeypatch.chdir(tmp_path)
    prompts = read_eval_sets([(s, l, cfg["eval_sets"][s][l]) for s, l in sets])
    same = total = 0
    for run, lr in ((ft, "0.003"), (lora, "0.01")):
        gen = load_generator(f"results/models/{run}/lr{lr}", "hf", device="cpu")
        hf = generate_sets(
            gen,
            {k: (k[1], prompts[k]) for k in sets},
            **{k: cfg["generation"][k] for k in ("max_new_tokens", "repetition_penalty", "batch_size")},
        )
        for key in sets:
            vl = read_jsonl(generation_file(run, lr, *key))
            assert [r["id"] for r in vl] == [r["id"] for r in hf[key]]
            same += sum(a["response"] == b["response"] for a, b in zip(hf[key], vl))
            total += len(vl)
        assert sum(bool(r["response"]) for k in sets for r in hf[k]) > 0.8 * sum(map(len, prompts.values()))
    assert total == 2 * sum(map(len, prompts.values()))
    assert same >= 0.95 * total, f"{same}/{total} vLLM answers equal hf's"

    # fluency: the mean log-probability per token of each response, vLLM's against transformers'
    base = FluencyLM(resolve_model_dir("results/base/tiny-multi/source.json"), device="cpu")
    worst, scored = 0.0, 0
    for key in sets:
        rows = read_jsonl(surface_file(ft, "0.003", *key))
        gens = read_jsonl(generation_file(ft, "0.003", *key))
        for row, (nll, n) in zip(rows, base.nll([g["response"] for g in gens])):
            assert (row["fluency_ppl"] is None) == (n == 0)
            if n:
                worst, scored = max(worst, abs(math.log(row["fluency_ppl"]) - nll / n)), scored + 1
    assert scored > 0.9 * sum(map(len, prompts.values())) / 2 and worst <= 1e-3, f"max difference per token {worst:.2e}"
