"""Generation: every eval set of a checkpoint in one pass (hf), and the vLLM backend's wiring against a stand-in
`vllm` (real vLLM against hf, through the workflow: tests/test_vllm.py)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from xlit.generate import generate, generate_sets, load_generator, load_model, read_eval_sets
from xlit.io import InputError, write_jsonl

PROMPTS = {
    "en": ["Say hello.", "Name a river.", "What is the capital of France? Answer in one word."],
    "fr": ["Dis bonjour.", "Nomme une rivière.", "Quelle est la capitale de la France ? Un mot."],
}


def prompt_rows(lang):
    return [{"id": str(i), "instruction": t, "category": "c"} for i, t in enumerate(PROMPTS[lang])]


class Counting:
    """A generator that records what it is asked."""

    def __init__(self, inner):
        self.inner, self.tokenizer, self.calls = inner, inner.tokenizer, []

    def complete(self, encoded, **kw):
        self.calls.append(len(encoded))
        return self.inner.complete(encoded, **kw)


def test_generate_sets_matches_one_file_at_a_time_in_one_pass(tiny_lm_dir):
    gen = Counting(load_generator(tiny_lm_dir, "hf", device="cpu"))
    sets = {
        ("valid", "en"): ("en", prompt_rows("en")),
        ("valid", "fr"): ("fr", prompt_rows("fr")),
        ("test", "en"): ("en", prompt_rows("en")[:2]),
        ("test", "fr"): ("fr", prompt_rows("fr")),
    }
    kw = dict(max_new_tokens=6, repetition_penalty=1.2, batch_size=1)
    out = generate_sets(gen, sets, **kw)
    assert gen.calls == [6]  # one pass over the distinct prompts (test repeats valid's)
    assert list(out) == list(sets)
    model, tok = load_model(tiny_lm_dir, device="cpu")
    for key, (lang, prompts) in sets.items():
        alone = generate(model, tok, prompts, lang=lang, **kw)
        assert out[key] == alone
        assert [r["id"] for r in out[key]] == [p["id"] for p in prompts] and {r["lang"] for r in out[key]} == {lang}
        assert all(set(r) == {"id", "lang", "category", "prompt", "response", "n_tokens"} for r in out[key])
        assert all(0 <= r["n_tokens"] <= 6 for r in out[key])
    assert out[("test", "fr")] == out[("valid", "fr")]


def test_read_eval_sets_checks_alignment_per_split(tmp_path):
    files = []
    for split in ("valid", "test"):
        for lang in PROMPTS:
            p = tmp_path / f"{split}.{lang}.jsonl"
            write_jsonl(p, prompt_rows(lang))
            files.append((split, lang, str(p)))
    sets = read_eval_sets(files)
    assert list(sets) == [("valid", "en"), ("valid", "fr"), ("test", "en"), ("test", "fr")]
    assert sets[("test", "fr")][1]["instruction"] == PROMPTS["fr"][1]
    write_jsonl(tmp_path / "test.fr.jsonl", prompt_rows("fr")[:2])
    with pytest.raises(InputError, match=r"test\.fr\.jsonl: field 'id': ids not aligned"):
        read_eval_sets(files)


def test_unknown_backend_and_vllm_never_imported_on_the_default_path(tiny_lm_dir):
    with pytest.raises(ValueError, match="generation.backend: unknown backend 'tgi'"):
        load_generator(tiny_lm_dir, "tgi")
    code = (
        f"from xlit.generate import load_generator, generate_sets\n"
        f"import xlit.surface, sys\n"
        f"g = load_generator({str(tiny_lm_dir)!r}, 'hf', device='cpu')\n"
        f"generate_sets(g, {{'en': ('en', [{{'id': '1', 'instruction': 'Hi'}}])}}, max_new_tokens=2, "
        f"repetition_penalty=1.2, batch_size=1)\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] == 'vllm' or m == 'xlit.vllm_backend']\n"
        f"assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300)


# ---- CPU: the vLLM backend's wiring, against a stand-in `vllm` module ------------------------------------


@pytest.fixture
def fake_vllm(monkeypatch):
    """Stand-in `vllm` modules recording what xlit asks of them; `generate` answers fixed token ids."""
    import types

    seen = {"llm": [], "generate": [], "answer": [5, 7, 9]}

    class LLM:
        def __init__(self, **kw):
            seen["llm"].append(kw)

        def generate(self, prompts, params, use_tqdm=True, lora_request=None):
            seen["generate"].append((prompts, params))
            seen["lora_request"] = lora_request
            ids = [p["prompt_token_ids"] for p in prompts]
            out = []
            for x in ids:
                lps = [None] + [{t: types.SimpleNamespace(logprob=-0.5)} for t in x[1:]]
                out.append(
                    types.SimpleNamespace(
                        outputs=[types.SimpleNamespace(token_ids=seen["answer"])], prompt_logprobs=lps
                    )
                )
            return out

    mods = {
        "vllm": types.ModuleType("vllm"),
        "vllm.inputs": types.ModuleType("vllm.inputs"),
        "vllm.platforms": types.ModuleType("vllm.platforms"),
        "vllm.lora": types.ModuleType("vllm.lora"),
        "vllm.lora.request": types.ModuleType("vllm.lora.request"),
    }
    mods["vllm.lora.request"].LoRARequest = lambda name, id, path: {"name": name, "id": id, "path": path}
    mods["vllm"].LLM = LLM
    mods["vllm"].SamplingParams = lambda **kw: kw
    mods["vllm.inputs"].TokensPrompt = lambda **kw: kw
    mods["vllm.platforms"].current_platform = types.SimpleNamespace(
        is_cuda_alike=lambda: seen["gpu"], has_device_capability=lambda c: seen["gpu"]
    )
    seen["gpu"] = False
    for name, mod in mods.items():
        monkeypatch.setitem(sys.modules, name, mod)
    return seen


def test_vllm_backend_wiring(fake_vllm, tiny_lm_dir):
    from transformers import AutoTokenizer

    eos = AutoTokenizer.from_pretrained(tiny_lm_dir).eos_token_id
    fake_vllm["answer"] = [5, 7, eos, 9]
    gen = load_generator(tiny_lm_dir, "vllm", gpus=2, dtype="float16", enforce_eager=True)
    rows = generate_sets(
        gen, {"fr": ("fr", prompt_rows("fr"))}, max_new_tokens=4, repetition_penalty=1.2, batch_size=16
    )["fr"]
    llm = fake_vllm["llm"][0]
    assert llm["model"] == str(tiny_lm_dir) and llm["tensor_parallel_size"] == 2 and llm["dtype"] == "float16"
    assert llm["enforce_eager"] and "enable_lora" not in llm
    prompts, params = fake_vllm["generate"][0]
    assert params["temperature"] == 0.0 and params["max_tokens"] == 4 and params["repetition_penalty"] == 1.2
    assert params["stop_token_ids"] == [gen.tokenizer.eos_token_id]
    tok = gen.tokenizer
    from xlit.generate import encode_prompts

    assert [p["prompt_token_ids"] for p in prompts] == encode_prompts(tok, prompt_rows("fr"))
    # the generated ids are decoded here, up to EOS
    assert all(r["n_tokens"] == 2 and r["response"] == tok.decode([5, 7]).strip() for r in rows)
    # the dtype, as the hf backend's: float32 on a CPU, bfloat16 on a GPU (vLLM's platform says which)
    load_generator(tiny_lm_dir, "vllm")
    fake_vllm["gpu"] = True
    load_generator(tiny_lm_dir, "vllm")
    assert [c["dtype"] for c in fake_vllm["llm"][1:]] == ["float32", "bfloat16"]


@pytest.fixture
def lora_checkpoint(tiny_lm_dir, tmp_path):
    """A LoRA checkpoint of tiny_lm_dir as `train` saves it: the adapter (non-zero B: it changes the model), the
    tokenizer and xlit_checkpoint.json naming the base."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from xlit.checkpoints import CHECKPOINT_INFO

    torch.manual_seed(0)
    model = get_peft_model(
        AutoModelForCausalLM.from_pretrained(tiny_lm_dir), LoraConfig(r=4, lora_alpha=8, target_modules="all-linear")
    )
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.5)
    out = tmp_path / "lora"
    model.save_pretrained(out)
    AutoTokenizer.from_pretrained(tiny_lm_dir).save_pretrained(out)
    (out / CHECKPOINT_INFO).write_text(json.dumps({"adapter": True, "base": str(tiny_lm_dir)}))
    return out


def test_vllm_serves_a_lora_checkpoint_merged_into_its_base(fake_vllm, lora_checkpoint, tmp_path):
    """The merged model vLLM is given is the hf backend's (`load_model` merges too), in the base's dtype, in a
    job-local temporary directory that is gone with the generator."""
    import torch
    from safetensors.torch import load_file

    seen = {}

    class Spy:
        def __init__(self, **kw):
            seen["weights"] = load_file(str(Path(kw["model"]) / "model.safetensors"))
            seen["config"] = json.loads((Path(kw["model"]) / "config.json").read_text())
            seen["files"] = sorted(p.name for p in Path(kw["model"]).iterdir())
            fake_vllm["llm"].append(kw)

    sys.modules["vllm"].LLM = Spy
    gen = load_generator(lora_checkpoint, "vllm", tmpdir=str(tmp_path))
    merged_dir = Path(fake_vllm["llm"][0]["model"])
    assert merged_dir.parent == tmp_path and "enable_lora" not in fake_vllm["llm"][0]
    assert "tokenizer.json" in seen["files"] and "adapter_config.json" not in seen["files"]
    model, _ = load_model(lora_checkpoint, device="cpu")
    ref = model.state_dict()
    assert set(seen["weights"]) <= set(ref) and seen["config"]["dtype"] == "float32"
    for name, w in seen["weights"].items():
        assert torch.equal(w, ref[name]), name
    base = load_file(
        str(Path(json.loads((lora_checkpoint / "xlit_checkpoint.json").read_text())["base"]) / "model.safetensors")
    )
    assert any(not torch.equal(base[k], w) for k, w in seen["weights"].items() if k in base)  # the adapter counts
    del gen
    import gc

    gc.collect()
    assert not merged_dir.exists()


def test_nothing_touches_cuda_before_the_engine_starts(fake_vllm, lora_checkpoint, tiny_lm_dir, monkeypatch):
    """vLLM starts its engine process with `spawn` once torch.cuda is initialised in the parent; the backend's
    set-up (tokenizer, LoRA merge, dtype) must leave it alone, even on a machine where CUDA is available."""
    import torch

    touched = []

    def lazy_init():
        touched.append("torch.cuda._lazy_init")
        raise RuntimeError("CUDA initialised before vllm.LLM()")

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "_lazy_init", lazy_init)

    class LLM:
        def __init__(self, **kw):
            assert not touched and not torch.cuda.is_initialized()
            fake_vllm["llm"].append(kw)

    sys.modules["vllm"].LLM = LLM
    load_generator(tiny_lm_dir, "vllm")
    load_generator(lora_checkpoint, "vllm")
    from xlit.surface import load_fluency

    load_fluency(tiny_lm_dir, "vllm")
    assert len(fake_vllm["llm"]) == 3 and not touched


def test_vllm_fluency_reads_prompt_logprobs(fake_vllm, tiny_lm_dir):
    from xlit.fluency import FluencyLM
    from xlit.surface import load_fluency

    lm = load_fluency(tiny_lm_dir, "vllm", gpus=1)
    texts = ["Hello world", "", "Paris."]
    got = lm.nll(texts)
    ref = FluencyLM(tiny_lm_dir, device="cpu")
    for text, (nll, n) in zip(texts, got):
        if not text:
            assert n == 0 and nll != nll
            continue
        assert n == len(ref.encode(text)) - 1 and nll == pytest.approx(0.5 * n)
    params = fake_vllm["generate"][0][1]
    assert params["prompt_logprobs"] == 0 and params["max_tokens"] == 1
    assert [p["prompt_token_ids"] for p in fake_vllm["generate"][0][0]] == [ref.encode(t) for t in texts if t]


def with_precision(checkpoint, precision):
    info = json.loads((checkpoint / "xlit_checkpoint.json").read_text())
    (checkpoint / "xlit_checkpoint.json").write_text(json.dumps({**info, "precision": precision}))


def test_lora_is_merged_in_the_training_precision_or_kept_as_an_adapter(lora_checkpoint):
    """generation.lora: merge (the release: the adapter merged into its base in bf16 after bf16 training, then run
    in the generation dtype) or adapter (peft, unmerged)."""
    import torch
    from peft import PeftModel

    with_precision(lora_checkpoint, "bf16-pure")
    merged, _ = load_model(lora_checkpoint, device="cpu", dtype="float32")
    w = merged.model.layers[0].self_attn.q_proj.weight
    assert w.dtype == torch.float32 and torch.equal(w, w.bfloat16().float())  # merged in bf16
    with_precision(lora_checkpoint, "fp32")
    fp32, _ = load_model(lora_checkpoint, device="cpu", dtype="float32")
    assert not torch.equal(fp32.model.layers[0].self_attn.q_proj.weight, w)
    adapter, tok = load_model(lora_checkpoint, device="cpu", dtype="float32", lora="adapter")
    assert isinstance(adapter, PeftModel)
    ids = torch.tensor([tok("The river flows past the mill.")["input_ids"]])
    with torch.no_grad():
        assert torch.allclose(adapter(ids).logits, fp32(ids).logits, atol=1e-4)


def test_vllm_serves_a_lora_adapter_on_its_base(fake_vllm, lora_checkpoint):
    gen = load_generator(lora_checkpoint, "vllm", lora="adapter")
    llm = fake_vllm["llm"][0]
    base = json.loads((lora_checkpoint / "xlit_checkpoint.json").read_text())["base"]
    assert llm["model"] == base and llm["enable_lora"] and llm["max_lora_rank"] == 8 and llm["max_loras"] == 1
    gen.complete([[1, 2, 3]], max_new_tokens=3, repetition_penalty=1.2)
    assert fake_vllm["lora_request"]["path"] == str(lora_checkpoint)
