import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

SAMPLE_TEXTS = [
    "The river flows past the old mill every spring.",
    "La rivière coule près du vieux moulin chaque printemps.",
    "O rio passa pelo velho moinho todas as primaveras.",
    "Река течёт мимо старой мельницы каждую весну.",
    "What is the capital of France? Paris is the capital of France.",
    "Quelle est la capitale de la France ? Paris est la capitale de la France.",
] * 20


@pytest.fixture(scope="session")
def tiny_lm_dir(tmp_path_factory):
    """A random-init tiny Llama + byte-level BPE tokenizer with the LLaMA-2 chat template, saved
    with save_pretrained (no pretraining: fast, meaningless, same classes as a real model)."""
    import torch

    from xlit.chat import LLAMA2_TEMPLATE
    from xlit.demo import build_llama, lm_tokenizer

    torch.set_num_threads(1)
    out = tmp_path_factory.mktemp("tiny_lm")
    tok = lm_tokenizer(SAMPLE_TEXTS, 400, LLAMA2_TEMPLATE)
    model = build_llama(tok, hidden_size=32, num_layers=2, num_heads=2, max_position_embeddings=512)
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return out


FACTS = [("What is the capital of France?", "Paris is the capital of France."),
         ("Quelle est la capitale de la France ?", "Paris est la capitale de la France."),
         ("Name a river.", "The river flows past the old mill."),
         ("Say hello.", "Hello!")]


@pytest.fixture
def it_data(tmp_path):
    """A small chat-formatted IT set (JSONL of {\"messages\", \"id\"})."""
    from xlit.io import write_jsonl

    rows = [{"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}], "id": str(i)}
            for i, (q, a) in enumerate(FACTS * 4)]
    p = tmp_path / "it.jsonl"
    write_jsonl(p, rows)
    return p


@pytest.fixture
def server():
    """A local OpenAI-compatible HTTP server (tests/openai_server.py), scriptable per test."""
    from openai_server import OpenAIServer

    with OpenAIServer() as srv:
        yield srv
