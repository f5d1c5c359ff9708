"""Rule `surface`: per-response surface features and their summary for one (checkpoint, split, lang).

input:  generations (results/generations/{run}/lr{lr}/{split}/{lang}.jsonl);
        fluency (optional: the reference LM directory, or its base/{model}/source.json)
output: rows (results/surface/{run}/lr{lr}/{split}/{lang}.jsonl), summary (.../{lang}.summary.json)
params: lid_model (null = lid.176.ftz), lid_label_map (optional), threshold, min_chars, batch_size,
        fluency_model (optional path, used when input.fluency is absent), model/data/strategy/adaptation
        (optional; parsed from the run id otherwise)
wildcards: run, lr, split, lang
"""
import time

import torch

from xlit.io import write_json, write_jsonl
from xlit.lid import LID
from xlit.surface import json_safe, parse_run, read_generations, summarize, surface_rows
from xlit.smk import job

with job(snakemake, "surface") as log:  # noqa: F821
    sm = snakemake  # noqa: F821
    torch.set_num_threads(max(1, sm.threads))
    w, p = sm.wildcards, sm.params
    lang = w.lang
    t0 = time.time()
    gens = read_generations(sm.input.generations, lang=lang)
    fluency = sm.input.get("fluency") or p.get("fluency_model") or None
    lid = LID(p.get("lid_model") or None, p.get("lid_label_map") or None)
    log.info("%d responses, LID %s, fluency model %s", len(gens), lid.model_path, fluency)
    rows = surface_rows(gens, lang, lid, threshold=float(p.get("threshold", 0.5)),
                        min_chars=int(p.get("min_chars", 20)), fluency=fluency,
                        batch_size=int(p.get("batch_size", 8)), device=p.get("device") or None)
    summary = summarize(rows)
    meta = {"run": w.run, **parse_run(w.run), "lr": w.lr, "split": w.split, "lang": lang}
    for k in ("model", "data", "strategy", "adaptation"):
        if p.get(k):
            meta[k] = p.get(k)
    write_jsonl(sm.output.rows, json_safe(rows))
    write_json(sm.output.summary, json_safe({**meta, **summary, "lid_model": str(lid.model_path),
                                             "fluency_model": str(fluency) if fluency else None}))
    log.info("summary %s (%.1fs)", json_safe(summary), time.time() - t0)
