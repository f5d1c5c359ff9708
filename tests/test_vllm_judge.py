"""A judge on vLLM (`judges.<name>.backend: vllm`): the judge job handed over to the generation environment
(against a stand-in `vllm` package: engine arguments, answers cached call by call, a failed engine call failing the
job after caching what arrived, a fully cached job run without vLLM), and (slow) the workflow's own judge rule on
real vLLM (the CPU build in .venv-vllm, one engine) against the transformers `generate` judge on the same model,
with a panel of the two."""

import json
import os
import sys
from pathlib import Path

import pytest

from xlit.io import read_jsonl, write_jsonl
from xlit.judge import COMPACT_TEMPLATE, CRITERIA, parse_answer, render
from xlit.vllm_job import VLLMJobFailed

ROOT = Path(__file__).resolve().parents[1]
VLLM_PYTHON = ROOT / ".venv-vllm" / "bin" / "python"

# ---- the hand-over, against a stand-in `vllm` package in the child process ---------------------------------

STUB = {
    "__init__.py": """
import json, os

class LLM:
    answered = 0

    def __init__(self, **kw):
        print("fake vLLM engine " + json.dumps(kw, sort_keys=True), flush=True)

    def generate(self, prompts, params, use_tqdm=True):
        limit = os.environ.get("FAKE_VLLM_FAIL_AFTER")
        if limit is not None and LLM.answered >= int(limit):
            raise RuntimeError("the engine died")
        LLM.answered += len(prompts)
        print(f"fake generate {len(prompts)} stop {params['stop_token_ids']}", flush=True)
        ids = [int(x) for x in os.environ["FAKE_VLLM_IDS"].split(",")]
        out = type("Out", (), {"token_ids": ids})
        return [type("Req", (), {"outputs": [out]}) for _ in prompts]

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

ANSWER = {"language": 3, "fluency": 2, "helpfulness": 2, "accuracy": 1, "logic": 3, "harmlessness": 3}


@pytest.fixture
def stub_vllm(tmp_path, monkeypatch, tiny_lm_dir):
    """A stand-in `vllm` on the child's PYTHONPATH (never this process's) whose every answer is ANSWER (and EOS)."""
    from transformers import AutoTokenizer

    root = tmp_path / "stub"
    (root / "vllm").mkdir(parents=True)
    for name, text in STUB.items():
        (root / "vllm" / name).write_text(text)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]))
    tok = AutoTokenizer.from_pretrained(tiny_lm_dir)
    ids = tok(json.dumps(ANSWER), add_special_tokens=False)["input_ids"] + [tok.eos_token_id, 7, 7]
    monkeypatch.setenv("FAKE_VLLM_IDS", ",".join(map(str, ids)))
    monkeypatch.delenv("FAKE_VLLM_FAIL_AFTER", raising=False)
    monkeypatch.setenv("XLIT_FAKE_GPUS", "1")  # the job asks for 2 GPUs (tensor parallel) that this CPU lacks
    return root


def judge_job(fake_snakemake, tmp_path, model, n=3, python=sys.executable):
    gen = tmp_path / "gen.en.jsonl"
    write_jsonl(gen, [{"id": str(i), "prompt": f"Question {i}?", "response": f"Answer {i}."} for i in range(n)])
    cfg = {
        "backend": "vllm",
        "model": str(model),
        "template": "compact",
        "max_tokens": 40,
        "max_length": 256,
        "gpus": 2,
        "batch_size": 2,
    }
    out = tmp_path / "results" / "judge" / "v" / "run" / "lr0.01" / "en.jsonl"
    return out, fake_snakemake(
        input={"responses": [gen]},
        output=[out],
        log=[tmp_path / "judge.log"],
        wildcards={"judge": "v", "run": "run", "lr": "0.01"},
        params={"langs": ["en"], "judge": cfg, "prompt": None, "cache_dir": tmp_path / "cache", "base_dir": tmp_path},
        resources={"gpu": 2},
        config={"vllm": {"python": str(python), "gpu_memory_utilization": 0.08, "enforce_eager": True}},
    )


def test_judge_job_is_handed_over_and_a_cached_one_is_not(stub_vllm, fake_snakemake, tiny_lm_dir, tmp_path):
    out, smk = judge_job(fake_snakemake, tmp_path, tiny_lm_dir)
    smk.run("judge.py")
    rows = read_jsonl(out)
    assert [r["id"] for r in rows] == ["0", "1", "2"]
    assert all(r["stars"] == ANSWER and r["raw"] == json.dumps(ANSWER) and not r["cached"] for r in rows)
    assert all(r["usage"]["completion_tokens"] == len(os.environ["FAKE_VLLM_IDS"].split(",")) - 3 for r in rows)
    log = (tmp_path / "judge.log").read_text()
    engine = json.loads(log.split("fake vLLM engine ")[1].splitlines()[0])  # the child's output, in the job's log
    assert engine["tensor_parallel_size"] == 2 and engine["max_model_len"] == 256 and engine["dtype"] == "float32"
    assert engine["gpu_memory_utilization"] == 0.08 and engine["enforce_eager"] is True
    assert "xlit.vllm_job" in log and "3 of 3 answers not cached" in log
    assert log.count("fake generate 2 ") == 1 and log.count("fake generate 1 ") == 1  # batch_size 2: two calls
    assert "en: 3 rows, 0 from cache, 0 errors, 0 unparsed" in log

    # every answer cached: the job runs here, without vLLM (a missing generation environment does not matter)
    out.unlink()
    out, smk = judge_job(fake_snakemake, tmp_path, tiny_lm_dir, python=tmp_path / "no-venv" / "bin" / "python")
    smk.run("judge.py")
    again = read_jsonl(out)
    assert all(r["cached"] for r in again) and [r["stars"] for r in again] == [r["stars"] for r in rows]
    log = (tmp_path / "judge.log").read_text().split("0 of 3 answers not cached: no vLLM")
    assert len(log) == 2 and "fake vLLM engine" not in log[1] and "en: 3 rows, 3 from cache" in log[1]


def test_failed_engine_call_fails_the_job_after_caching(stub_vllm, fake_snakemake, tiny_lm_dir, tmp_path, monkeypatch):
    """The engine dies on its second call: the job exits non-zero with one line, writes nothing, and keeps the
    first call's answers; the re-run sends only the rest."""
    monkeypatch.setenv("FAKE_VLLM_FAIL_AFTER", "2")
    out, smk = judge_job(fake_snakemake, tmp_path, tiny_lm_dir, n=5)
    with pytest.raises(VLLMJobFailed, match="the judge job in .* exited with status 1"):
        smk.run("judge.py")
    assert not out.exists()
    log = (tmp_path / "judge.log").read_text()
    assert "judge v: 3 of 5 requests failed after retries (first: vLLM: RuntimeError: the engine died)" in log
    assert "the 2 answers that arrived are cached" in log and "Traceback" not in log
    monkeypatch.delenv("FAKE_VLLM_FAIL_AFTER")
    smk.run("judge.py")
    rows = read_jsonl(out)
    assert [r["cached"] for r in rows] == [True, True, False, False, False]
    log = (tmp_path / "judge.log").read_text().split("3 of 5 answers not cached")[-1]
    assert log.count("fake generate 2 ") == 1 and log.count("fake generate 1 ") == 1


# ---- real vLLM (CPU) through Snakemake ------------------------------------------------------------------------

QA = [
    ("What is the capital of France?", "Paris is the capital of France.", "Paris est la capitale de la France."),
    ("Name a large river.", "The Nile is a large river.", "Le Nil est un grand fleuve."),
    ("What colour is the sky?", "The sky is blue.", "Le ciel est bleu."),
    ("How many legs has a cat?", "A cat has four legs.", "Un chat a quatre pattes."),
    ("What do bees make?", "Bees make honey.", "Les abeilles font du miel."),
    ("Where does the sun rise?", "The sun rises in the east.", "Le soleil se lève à l'est."),
]


def labelled():
    """(instruction, response, JSON answer) of a toy judge: French answers lose on language, another question's
    answer on accuracy, a repeated word on fluency."""
    out = []
    for i, (q, en, fr) in enumerate(QA):
        for kind, resp in (
            ("en", en),
            ("fr", fr),
            ("wrong", QA[(i + 1) % len(QA)][1]),
            ("rep", (en.split()[0] + " ") * 8),
        ):
            s = {c: 3 for c in CRITERIA}
            if kind == "fr":
                s.update(language=1, helpfulness=2)
            if kind == "wrong":
                s.update(accuracy=1, helpfulness=1, logic=2)
            if kind == "rep":
                s.update(fluency=1, logic=1, helpfulness=2)
            out.append((q, resp, json.dumps(s)))
    return out


@pytest.fixture(scope="module")
def json_judge(tmp_path_factory):
    """A tiny Llama (head size 32, which vLLM's CPU attention takes) trained for a few seconds to answer the
    compact judge prompt with JSON star ratings, saved like a checkpoint."""
    import torch

    from xlit.chat import LLAMA2_TEMPLATE
    from xlit.demo import build_llama, lm_tokenizer
    from xlit.judge.local import chat_ids

    torch.set_num_threads(1)
    torch.manual_seed(0)
    rows = labelled()
    tok = lm_tokenizer([render(COMPACT_TEMPLATE, q, r) + " " + a for q, r, a in rows] * 3, 500, LLAMA2_TEMPLATE)
    model = build_llama(tok, hidden_size=64, num_layers=2, num_heads=2, max_position_embeddings=512)
    seqs = []
    for q, r, a in rows:
        prompt = chat_ids(tok, [{"role": "user", "content": render(COMPACT_TEMPLATE, q, r)}], 512, 64)
        seqs.append((prompt, tok(" " + a, add_special_tokens=False)["input_ids"] + [tok.eos_token_id]))
    width = max(len(p) + len(a) for p, a in seqs)
    ids = torch.full((len(seqs), width), tok.pad_token_id)
    labels = torch.full((len(seqs), width), -100)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for j, (p, a) in enumerate(seqs):
        ids[j, : len(p) + len(a)] = torch.tensor(p + a)
        mask[j, : len(p) + len(a)] = 1
        labels[j, len(p) : len(p) + len(a)] = torch.tensor(a)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(100):
        model(input_ids=ids, attention_mask=mask, labels=labels).loss.backward()
        opt.step()
        opt.zero_grad()
    out = tmp_path_factory.mktemp("json_judge")
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return out


@pytest.mark.slow
@pytest.mark.skipif(
    not VLLM_PYTHON.exists(), reason="no generation environment .venv-vllm (`make vllm`; .ci/run makes it)"
)
def test_workflow_judge_on_vllm_matches_transformers(tmp_path, json_judge):
    """One Snakemake run of the workflow's judge rule (`--allowed-rules judge`, on answers written here) for three
    judges of one checkpoint: the model on vLLM (one engine, in .venv-vllm), the same model through transformers
    `mode: generate`, and their panel. Then, with every answer cached, the vLLM judge re-runs without vLLM."""
    from test_workflow import minimal_config, snakemake

    from xlit.judge.panel import round_half_up
    from xlit.paths import generation_file, judge_result_file

    cfg = minimal_config(lrs=(3e-3,))
    run, lr, langs = "tiny-multi_demo-dolly_en_ft", "0.003", cfg["languages"]
    common = {"model": str(json_judge), "template": "compact", "max_tokens": 48}
    cfg["judges"] = {
        "jv": {"backend": "vllm", **common},
        "jt": {"backend": "transformers", "mode": "generate", "batch_size": 16, **common},
        "jp": {"backend": "panel", "panel": ["jv", "jt"]},
    }
    cfg["vllm"] = {"python": str(VLLM_PYTHON), "gpu_memory_utilization": 0.08, "enforce_eager": True}
    # the answers to rate: the toy judge's questions with answers in every language, some as it was trained on
    variants = [(q, r) for q, r, _ in labelled()] + [(q, "O céu é azul. " + en) for q, en, _ in QA]
    for n, lang in enumerate(langs):
        write_jsonl(
            tmp_path / generation_file(run, lr, "test", lang),
            [
                {"id": f"test-{i:03d}", "lang": lang, "prompt": q, "response": r, "n_tokens": 5}
                for i, (q, r) in enumerate(variants[n::3])
            ],
        )
    targets = [judge_result_file(j, run, lr, lang) for j in ("jv", "jt", "jp") for lang in langs]
    snakemake(tmp_path, *targets, "--allowed-rules", "judge", config=cfg)

    log = (tmp_path / f"logs/judge/jv/{run}_lr{lr}.log").read_text()
    assert "xlit.vllm_job" in log and "EngineCore" in log  # vLLM's engine process wrote into the job's log
    assert "EngineCore" not in (tmp_path / f"logs/judge/jt/{run}_lr{lr}.log").read_text()
    same_raw = same_scores = parsed = total = 0
    for lang in langs:
        jv, jt, jp = (read_jsonl(tmp_path / judge_result_file(j, run, lr, lang)) for j in ("jv", "jt", "jp"))
        assert [r["id"] for r in jv] == [r["id"] for r in jt] == [r["id"] for r in jp] and jv
        for v, t, p in zip(jv, jt, jp):
            total += 1
            same_raw += v["raw"] == t["raw"]
            same_scores += v["scores"] == t["scores"]
            parsed += not v["missing"]
            assert v["scores"] == parse_answer(v["raw"]).scores and v["error"] is None
            for c in CRITERIA:  # the panel: both members' mean, rounded half up; missing where either is
                if c in v["scores"] and c in t["scores"]:
                    assert p["scores"][c] == round_half_up(v["scores"][c] + t["scores"][c], 2)
                    assert p["mean"][c] == (v["scores"][c] + t["scores"][c]) / 2
                else:
                    assert c in p["missing"]
    assert total == sum(len(variants[n::3]) for n in range(len(langs)))
    assert parsed >= 0.8 * total, f"{parsed}/{total} vLLM answers parse"
    assert same_raw >= 0.9 * total and same_scores >= 0.9 * total, f"{same_raw}, {same_scores} of {total} agree"

    # every answer cached: the vLLM judge (and the panel after it) re-runs without starting vLLM
    before = {lang: read_jsonl(tmp_path / judge_result_file("jv", run, lr, lang)) for lang in langs}
    for lang in langs:
        (tmp_path / judge_result_file("jv", run, lr, lang)).unlink()
    cfg["vllm"]["python"] = str(tmp_path / "no-venv" / "bin" / "python")
    snakemake(tmp_path, *targets, "--allowed-rules", "judge", config=cfg)
    log = (tmp_path / f"logs/judge/jv/{run}_lr{lr}.log").read_text()
    assert "answers not cached: no vLLM" in log and "EngineCore" not in log
    for lang in langs:
        rows = read_jsonl(tmp_path / judge_result_file("jv", run, lr, lang))
        assert all(r["cached"] for r in rows) and [r["raw"] for r in rows] == [r["raw"] for r in before[lang]]
