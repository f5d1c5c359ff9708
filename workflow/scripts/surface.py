"""Rule `surface`: per-response surface features and their summaries for every (split, lang) of one checkpoint.

input:   generations (results/generations/{run}/lr{lr}/{split}/{lang}.jsonl, one per entry of params.sets);
         fluency (optional: the reference LM's results/base/{model}/source.json)
output:  rows (results/surface/{run}/lr{lr}/{split}/{lang}.jsonl, one per entry of params.sets, same order),
         summary (results/surface/{run}/lr{lr}/summaries.jsonl: one summary per (split, lang), run and lr fields)
params:  sets ([[split, lang], ...]), lid_model (null = lid.176.ftz), lid_label_map (optional), threshold,
         min_chars, batch_size, fluency_model (optional path, used when input.fluency is absent),
         fluency_backend (hf or vllm)
wildcards: run, lr (a checkpoint id, xlit.names.checkpoint_id); threads: torch threads;
resources: gpu (vllm: tensor parallel)
"""

import time
from dataclasses import asdict

import torch

from xlit.config import runs
from xlit.io import write_jsonl
from xlit.lid import LID
from xlit.names import split_checkpoint
from xlit.smk import job
from xlit.surface import json_safe, load_fluency, read_generations, summarize, surface_sets

smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
with job(smk, "surface") as log:
    torch.set_num_threads(max(1, smk.threads))
    w, p = smk.wildcards, smk.params
    lr, step = split_checkpoint(w.lr)  # {lr} is a checkpoint id: `1e-05`, or `1e-05-step200` (selection.steps)
    t0 = time.time()
    keys = [tuple(s) for s in p.sets]
    sets = {key: (key[1], read_generations(path, lang=key[1])) for key, path in zip(keys, smk.input.generations)}
    fluency = smk.input.get("fluency") or p.fluency_model or None
    lid = LID(p.lid_model or None, p.lid_label_map or None)
    log.info(
        "%d files, %d responses, LID %s, fluency model %s (%s)",
        len(sets),
        sum(len(rows) for _, rows in sets.values()),
        lid.model_path,
        fluency,
        p.fluency_backend,
    )
    lm = load_fluency(fluency, p.fluency_backend, gpus=int(smk.resources.get("gpu", 0) or 0)) if fluency else None
    rows = surface_sets(
        sets, lid, threshold=float(p.threshold), min_chars=int(p.min_chars), fluency=lm, batch_size=int(p.batch_size)
    )
    run = asdict(runs(smk.config)[w.run])  # model data strategy adaptation
    summaries = []
    for (split, lang), rows_out in zip(keys, smk.output.rows):
        summary = summarize(rows[(split, lang)])
        meta = {"run": w.run, **run, "lr": lr, **({"step": step} if step else {}), "split": split, "lang": lang}
        write_jsonl(rows_out, json_safe(rows[(split, lang)]))
        summaries.append(
            json_safe(
                {
                    **meta,
                    **summary,
                    "lid_model": str(lid.model_path),
                    "fluency_model": str(fluency) if fluency else None,
                }
            )
        )
        log.info("%s %s: %s", split, lang, json_safe(summary))
    write_jsonl(smk.output.summary, summaries)
    log.info("done in %.1fs", time.time() - t0)
