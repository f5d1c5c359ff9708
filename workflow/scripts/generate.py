"""Rule `generate`: one checkpoint answers every eval set, the model loaded once (xlit.generate.run_job).

input:   model (results/models/{run}/lr{lr}, or a saved step's model), prompts (one file per entry of params.sets,
         same order)
output:  results/generations/{run}/lr{lr}/{split}/{lang}.jsonl, one per entry of params.sets, same order
params:  sets ([[split, lang], ...]), generation (max_new_tokens, repetition_penalty, batch_size, backend)
threads: torch threads; resources: gpu (0: CPU; vllm: tensor parallel over them), tmpdir (vllm: a LoRA
         checkpoint is merged there)
config:  vllm (where vLLM runs and its engine arguments; read here, not params: they change no result)
backend vllm: the job runs in vLLM's environment (xlit.vllm_job.hand_over), its output in this job's log.
"""

from xlit.generate import run_job
from xlit.smk import job
from xlit.vllm_job import hand_over

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "generate") as log:
        spec = {
            "model": smk.input.model,
            "prompts": list(smk.input.prompts),
            "sets": smk.params.sets,
            "generation": dict(smk.params.generation),
            "outputs": list(smk.output),
            "gpus": int(smk.resources.get("gpu", 0) or 0),
            "threads": smk.threads,
            "tmpdir": smk.resources.get("tmpdir"),
        }
        if spec["generation"]["backend"] == "vllm":
            hand_over("generate", spec, smk.config, log)
        else:
            import torch

            torch.set_num_threads(smk.threads)
            run_job(spec)
