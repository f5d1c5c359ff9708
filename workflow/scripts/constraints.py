"""Rule `constraints`: one checkpoint's answers to the constraint prompts, checked per constraint type
(xlit.constraints.run_job).

input:   generations (results/generations/{run}/lr{lr}/{split}/{lang}.jsonl of the constraint splits, in the order
         of params.sets), references (the same checkpoint's answers on the reference split, one per language, or none)
output:  rows (results/constraints/{run}/lr{lr}/checked.jsonl), summary (.../summaries.jsonl: one line per split,
         language and type)
params:  sets ([[split, lang], ...]), reference (the reference split or null), max_new_tokens (generation's),
         lid_model, lid_label_map
wildcards: run, lr (a checkpoint id)
"""

from dataclasses import asdict

from xlit.config import runs
from xlit.constraints import run_job
from xlit.names import split_checkpoint
from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "constraints"):
        w, p = smk.wildcards, smk.params
        lr, step = split_checkpoint(w.lr)
        langs = [lang for _split, lang in p.sets]
        refs = list(smk.input.references)
        run_job(
            {
                "sets": p.sets,
                "generations": list(smk.input.generations),
                "references": dict(zip(dict.fromkeys(langs), refs)) if refs else {},
                "lid_model": p.lid_model,
                "lid_label_map": p.lid_label_map,
                "max_new_tokens": p.max_new_tokens,
                "rows": smk.output.rows,
                "summary": smk.output.summary,
                "meta": {"run": w.run, **asdict(runs(smk.config)[w.run]), "lr": lr, **({"step": step} if step else {})},
            }
        )
