"""Rule `surface`: per-response surface features and their summaries for every (split, lang) of one checkpoint
(xlit.surface.run_job).

input:   generations (results/generations/{run}/lr{lr}/{split}/{lang}.jsonl, one per entry of params.sets);
         fluency (optional: the reference LM's results/base/{model}/source.json)
output:  rows (results/surface/{run}/lr{lr}/{split}/{lang}.jsonl, one per entry of params.sets, same order),
         summary (results/surface/{run}/lr{lr}/summaries.jsonl: one summary per (split, lang), run and lr fields)
params:  sets ([[split, lang], ...]), lid_model (null = lid.176.ftz), lid_label_map (optional), threshold,
         min_chars, batch_size, fluency_model (optional path, used when input.fluency is absent),
         fluency_backend (hf or vllm)
wildcards: run, lr (a checkpoint id, xlit.names.checkpoint_id); threads: torch threads;
resources: gpu (vllm: tensor parallel)
config:  vllm (where vLLM runs and its engine arguments; read here, not params: they change no result)
fluency_backend vllm: the job runs in vLLM's environment (xlit.vllm_job.hand_over), its output in this job's log.
"""

from dataclasses import asdict

from xlit.config import runs
from xlit.names import split_checkpoint
from xlit.smk import job
from xlit.surface import run_job
from xlit.vllm_job import hand_over

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "surface") as log:
        w, p = smk.wildcards, smk.params
        lr, step = split_checkpoint(w.lr)  # {lr} is a checkpoint id: `1e-05`, or `1e-05-step200` (selection.steps)
        spec = {
            "generations": list(smk.input.generations),
            "sets": p.sets,
            "fluency": smk.input.get("fluency") or p.fluency_model or None,
            "fluency_backend": p.fluency_backend,
            "lid_model": p.lid_model,
            "lid_label_map": p.lid_label_map,
            "threshold": p.threshold,
            "min_chars": p.min_chars,
            "batch_size": p.batch_size,
            "gpus": int(smk.resources.get("gpu", 0) or 0),
            "threads": smk.threads,
            "rows": list(smk.output.rows),
            "summary": smk.output.summary,
            # model data strategy adaptation
            "meta": {"run": w.run, **asdict(runs(smk.config)[w.run]), "lr": lr, **({"step": step} if step else {})},
        }
        if spec["fluency"] and spec["fluency_backend"] == "vllm":
            hand_over("surface", spec, smk.config, log)
        else:
            import torch

            torch.set_num_threads(max(1, smk.threads))
            run_job(spec)
