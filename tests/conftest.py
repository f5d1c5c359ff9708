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


FACTS = [
    ("What is the capital of France?", "Paris is the capital of France."),
    ("Quelle est la capitale de la France ?", "Paris est la capitale de la France."),
    ("Name a river.", "The river flows past the old mill."),
    ("Say hello.", "Hello!"),
]


@pytest.fixture
def it_data(tmp_path):
    """A small chat-formatted IT set (JSONL of {\"messages\", \"id\"})."""
    from xlit.io import write_jsonl

    rows = [
        {"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}], "id": str(i)}
        for i, (q, a) in enumerate(FACTS * 4)
    ]
    p = tmp_path / "it.jsonl"
    write_jsonl(p, rows)
    return p


@pytest.fixture
def server():
    """A local OpenAI-compatible HTTP server (tests/openai_server.py), scriptable per test."""
    from openai_server import OpenAIServer

    with OpenAIServer() as srv:
        yield srv


class FakeSnakemake:
    """The `snakemake` object a workflow script sees (`fake_snakemake` fixture): input, output, params, wildcards,
    log and resources as Snakemake's named lists (a dict gives names, a list or one path positions), threads,
    and `config`: the schema's defaults (`xlit.config.fill_defaults` of the smallest valid config) with
    `config=` merged over them section by section."""

    def __init__(
        self, *, input=None, output=None, params=None, wildcards=None, log=None, resources=None, threads=1, config=None
    ):
        import xlit.config as xc

        self.input, self.output, self.params = _named(input), _named(output), _named(params)
        self.wildcards, self.log, self.resources = _named(wildcards), _named(log), _named(resources)
        self.threads = threads
        self.config = xc.fill_defaults(dict(xc.MINIMAL))
        for key, value in (config or {}).items():
            merged = isinstance(value, dict) and isinstance(self.config.get(key), dict)
            self.config[key] = {**self.config[key], **value} if merged else value

    def run(self, script: str):
        """Run workflow/scripts/<script> with this object as `snakemake`."""
        import runpy
        from pathlib import Path

        runpy.run_path(
            str(Path(__file__).resolve().parents[1] / "workflow" / "scripts" / script),
            init_globals={"snakemake": self},
            run_name="__main__",  # as Snakemake runs it (the body is guarded against re-imports)
        )


def _named(value):
    from snakemake.iocontainers import Namedlist

    if isinstance(value, Namedlist):
        return value

    def plain(v):  # paths as strings, like Snakemake's
        return str(v) if isinstance(v, os.PathLike) else [plain(x) for x in v] if isinstance(v, (list, tuple)) else v

    if isinstance(value, dict):
        return Namedlist(fromdict={k: plain(v) for k, v in value.items()})
    if value is None:
        return Namedlist()
    return Namedlist(toclone=plain(value if isinstance(value, (list, tuple)) else [value]))


@pytest.fixture
def fake_snakemake():
    """`fake_snakemake(input=..., output=..., params=..., wildcards=..., log=..., config=...)` -> a FakeSnakemake;
    `.run("judge.py")` runs a workflow script with it."""
    return FakeSnakemake
