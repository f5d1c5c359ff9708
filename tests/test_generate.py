"""Generation: every eval set of a checkpoint in one pass (hf), and the vLLM backend against hf (GPU only)."""

import importlib.util
import json
import subprocess
import sys

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


# ---- GPU: vLLM against transformers ---------------------------------------------------------------


def _cuda() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


needs_vllm = pytest.mark.skipif(
    not _cuda() or importlib.util.find_spec("vllm") is None,
    reason="needs a CUDA GPU and vLLM (pip install -e '.[vllm]')",
)


@pytest.fixture(scope="module")
def peaked_llama(tmp_path_factory):
    """A random-init Llama (head size 64, as vLLM's kernels like) with a large init scale, so that its
    next-token distributions are peaked and greedy decoding does not hinge on rounding."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from xlit.chat import LLAMA2_TEMPLATE
    from xlit.demo import lm_tokenizer

    texts = [t for ts in PROMPTS.values() for t in ts] * 20 + ["The river flows past the old mill."] * 20
    tok = lm_tokenizer(texts, 400, LLAMA2_TEMPLATE)
    torch.manual_seed(0)
    cfg = LlamaConfig(
        vocab_size=len(tok),
        hidden_size=256,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=4,
        intermediate_size=512,
        max_position_embeddings=1024,
        initializer_range=0.3,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
        pad_token_id=tok.pad_token_id,
        tie_word_embeddings=False,
    )
    out = tmp_path_factory.mktemp("peaked_llama")
    LlamaForCausalLM(cfg).save_pretrained(out)
    tok.save_pretrained(out)
    return out


@pytest.fixture
def vllm_in_process(monkeypatch):
    """vLLM's engine in this process (no spawned engine process under pytest, after torch used CUDA)."""
    monkeypatch.setenv("VLLM_ENABLE_V1_MULTIPROCESSING", "0")


@needs_vllm
def test_vllm_greedy_matches_hf(peaked_llama, vllm_in_process):
    import random

    rng = random.Random(0)
    words = "river mill capital France hello name answer the old past flows one word say".split()
    prompts = [
        {"id": str(i), "instruction": " ".join(rng.choice(words) for _ in range(rng.randint(2, 12)))} for i in range(64)
    ]
    kw = dict(max_new_tokens=32, repetition_penalty=1.2, batch_size=16)
    hf = generate_sets(load_generator(peaked_llama, "hf", gpus=1, dtype="float16"), {"en": ("en", prompts)}, **kw)
    vl = generate_sets(
        load_generator(peaked_llama, "vllm", gpus=1, dtype="float16", enforce_eager=True, gpu_memory_utilization=0.3),
        {"en": ("en", prompts)},
        **kw,
    )
    same = sum(a["response"] == b["response"] for a, b in zip(hf["en"], vl["en"]))
    assert sum(r["n_tokens"] for r in hf["en"]) > 10 * len(prompts)  # not a test of empty strings
    assert same >= 0.95 * len(prompts), f"{same}/{len(prompts)} identical"


@needs_vllm
def test_vllm_fluency_matches_hf(peaked_llama, vllm_in_process):
    import torch

    from xlit.surface import FluencyLM
    from xlit.vllm_backend import VLLMFluency

    texts = ["The river flows past the old mill.", "Say hello.", "", "Quelle est la capitale de la France ?"]
    ref = FluencyLM(peaked_llama, device="cuda", dtype=torch.float16).nll(texts)
    got = VLLMFluency(peaked_llama, gpus=1, dtype="float16", enforce_eager=True, gpu_memory_utilization=0.3).nll(texts)
    for (a, n), (b, m) in zip(ref, got):
        assert n == m and (a != a and b != b or b == pytest.approx(a, rel=0.02))


# ---- CPU: the vLLM backend's wiring, against a stand-in `vllm` module ------------------------------------


@pytest.fixture
def fake_vllm(monkeypatch):
    """Stand-in `vllm` modules recording what xlit asks of them; `generate` answers fixed token ids."""
    import types

    seen = {"llm": [], "generate": [], "answer": [5, 7, 9]}

    class LLM:
        def __init__(self, **kw):
            seen["llm"].append(kw)

        def generate(self, prompts, params, lora_request=None, use_tqdm=True):
            seen["generate"].append((prompts, params, lora_request))
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
        "vllm.lora": types.ModuleType("vllm.lora"),
        "vllm.lora.request": types.ModuleType("vllm.lora.request"),
    }
    mods["vllm"].LLM = LLM
    mods["vllm"].SamplingParams = lambda **kw: kw
    mods["vllm.inputs"].TokensPrompt = lambda **kw: kw
    mods["vllm.lora.request"].LoRARequest = lambda *a: a
    for name, mod in mods.items():
        monkeypatch.setitem(sys.modules, name, mod)
    return seen


def test_vllm_backend_wiring(fake_vllm, tiny_lm_dir, tmp_path):
    import shutil

    from transformers import AutoTokenizer

    from xlit.train import CHECKPOINT_INFO

    eos = AutoTokenizer.from_pretrained(tiny_lm_dir).eos_token_id
    fake_vllm["answer"] = [5, 7, eos, 9]
    gen = load_generator(tiny_lm_dir, "vllm", gpus=2, dtype="float16")
    rows = generate_sets(
        gen, {"fr": ("fr", prompt_rows("fr"))}, max_new_tokens=4, repetition_penalty=1.2, batch_size=16
    )["fr"]
    llm = fake_vllm["llm"][0]
    assert llm["model"] == str(tiny_lm_dir) and llm["tensor_parallel_size"] == 2 and llm["dtype"] == "float16"
    assert "enable_lora" not in llm
    prompts, params, lora = fake_vllm["generate"][0]
    assert params["temperature"] == 0.0 and params["max_tokens"] == 4 and params["repetition_penalty"] == 1.2
    assert params["stop_token_ids"] == [gen.tokenizer.eos_token_id] and lora is None
    tok = gen.tokenizer
    from xlit.generate import encode_prompts

    assert [p["prompt_token_ids"] for p in prompts] == encode_prompts(tok, prompt_rows("fr"))
    # the generated ids are decoded here, up to EOS
    assert all(r["n_tokens"] == 2 and r["response"] == tok.decode([5, 7]).strip() for r in rows)

    lora_dir = tmp_path / "lora"
    shutil.copytree(tiny_lm_dir, lora_dir)
    (lora_dir / CHECKPOINT_INFO).write_text(json.dumps({"adapter": True, "base": "/models/base"}))
    (lora_dir / "adapter_config.json").write_text(json.dumps({"r": 12}))
    gen = load_generator(lora_dir, "vllm", gpus=1)
    generate_sets(gen, {"en": ("en", prompt_rows("en"))}, max_new_tokens=4, repetition_penalty=1.2, batch_size=16)
    llm = fake_vllm["llm"][1]
    assert llm["model"] == "/models/base" and llm["tokenizer"] == str(lora_dir)
    assert llm["enable_lora"] and llm["max_lora_rank"] == 16
    assert fake_vllm["generate"][1][2] == ("xlit-adapter", 1, str(lora_dir))


def test_vllm_fluency_reads_prompt_logprobs(fake_vllm, tiny_lm_dir):
    from xlit.surface import FluencyLM, load_fluency

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
