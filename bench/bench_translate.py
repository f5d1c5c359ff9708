"""Segments/s of the `hf` translation backend, batched (sorted by length) vs one segment at a time.

    .venv/bin/python bench/bench_translate.py [--translator results/translator/tiny]
        [--parallel results/demo/parallel] [--n 256] [--batch-sizes 1 8 32] [--threads 2] [--lang fr]
        [--model facebook/nllb-200-distilled-600M]   # any hf seq2seq model instead of the tiny one

Uses the demo's tiny translator when it exists (else builds one, ~1-2 min, from the demo parallel data, or
from the tests' synthetic world when the demo has not been generated). No segment cache: every segment is
translated. Prints one line per batch size and the speed-up over batch size 1.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--translator", default=str(ROOT / "results/translator/tiny"))
    ap.add_argument("--parallel", default=str(ROOT / "results/demo/parallel"))
    ap.add_argument("--model", default=None, help="a hub id / path of another seq2seq MT model")
    ap.add_argument("--family", default=None)
    ap.add_argument("--lang", default="fr")
    ap.add_argument("--n", type=int, default=256)
    ap.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 8, 32])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-length", type=int, default=128)
    a = ap.parse_args(argv)

    import torch

    torch.set_num_threads(a.threads)
    from xlit.demo import build_translator
    from xlit.io import read_jsonl
    from xlit.mt import Translator, make_backend

    parallel = Path(a.parallel)
    if not (parallel / f"{a.lang}.test.jsonl").exists():
        sys.path.insert(0, str(ROOT / "tests"))
        from test_translate import write_parallel  # the tests' synthetic world

        parallel = write_parallel(Path(tempfile.mkdtemp()) / "parallel")
        print(f"no demo parallel data: using the synthetic world in {parallel}")
    if a.model:
        cfg, model_dir = {"backend": "hf", "model": a.model, "family": a.family, "max_length": a.max_length}, None
    else:
        model_dir = Path(a.translator)
        if not (model_dir / "xlit_translator.json").exists():
            model_dir = Path(tempfile.mkdtemp()) / "tiny"
            print(f"building a tiny translator in {model_dir} ...")
            langs = sorted(p.name.split(".")[0] for p in parallel.glob("*.train.jsonl"))
            build_translator(parallel, langs, model_dir, log=lambda *x: None)
        cfg = {"backend": "hf", "model": "tiny", "max_length": a.max_length}
    segs = [r["en"] for r in read_jsonl(parallel / f"{a.lang}.test.jsonl")]
    segs += [r["en"] for r in read_jsonl(parallel / f"{a.lang}.train.jsonl")][: max(0, a.n - len(segs))]
    segs = list(dict.fromkeys(segs))[: a.n]
    backend = make_backend(cfg, model_dir=model_dir)
    backend.translate_batch(segs[:2], "en", a.lang)  # load + warm up
    print(
        f"{len(segs)} segments (mean {sum(map(len, segs)) / len(segs):.0f} chars), en->{a.lang}, "
        f"{a.threads} thread(s), model {a.model or model_dir}"
    )
    base = None
    for bs in a.batch_sizes:
        tr = Translator(backend, None, batch_size=bs)
        t0 = time.perf_counter()
        tr.translate_segments(segs, "en", a.lang)
        dt = time.perf_counter() - t0
        rate = len(segs) / dt
        base = base or rate
        print(f"batch_size {bs:>3}: {rate:8.1f} segments/s  ({dt:6.2f} s, x{rate / base:.1f} vs the first)")


if __name__ == "__main__":
    main()
