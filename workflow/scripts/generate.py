"""Rule `generate`: one checkpoint answers every eval set, the model loaded once.

input:   model (results/models/{run}/lr{lr}, or a saved step's model), prompts (one file per entry of params.sets,
         same order)
output:  results/generations/{run}/lr{lr}/{split}/{lang}.jsonl, one per entry of params.sets, same order
params:  sets ([[split, lang], ...]), generation (max_new_tokens, repetition_penalty, batch_size, backend)
threads: torch threads; resources: gpu (0: CPU; vllm: tensor parallel over them)
"""

from xlit.generate import generate_sets, load_generator, read_eval_sets
from xlit.io import write_jsonl
from xlit.smk import job

smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
with job(smk, "generate") as log:
    import torch

    torch.set_num_threads(smk.threads)
    sets = [tuple(s) for s in smk.params.sets]
    prompts = read_eval_sets([(split, lang, path) for (split, lang), path in zip(sets, smk.input.prompts)])
    g = smk.params.generation
    generator = load_generator(smk.input.model, backend=g["backend"], gpus=int(smk.resources.get("gpu", 0) or 0))
    rows = generate_sets(
        generator,
        {key: (key[1], prompts[key]) for key in sets},
        max_new_tokens=g["max_new_tokens"],
        repetition_penalty=g["repetition_penalty"],
        batch_size=g["batch_size"],
    )
    for key, path in zip(sets, smk.output):
        write_jsonl(path, rows[key])
