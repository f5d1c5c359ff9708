"""Rule `train`: fine-tune one run at one learning rate (xlit.train.train; on several GPUs one process
per GPU through accelerate).

input:   base (results/base/{model}/source.json), data (results/it_data/{data}/{strategy}.jsonl)
output:  the final model (output 0: results/models/{run}/lr{lr}) and, with `selection.steps`, steps (the model
         after each saved step, results/models/{run}/lr{lr}/step{N}, in the order of params.spec.save_at)
params:  spec (adaptation, lr, lora, training, chat_template, checkpoint_dir, save_at)
threads: torch threads; resources: gpu (over 1: FSDP through accelerate)
"""

from xlit.checkpoints import read_source
from xlit.smk import job
from xlit.train import launch, train

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "train") as log:
        spec = {
            **smk.params.spec,
            "base": read_source(smk.input.base),
            "data": smk.input.data,
            "output_dir": smk.output[0],
            "threads": smk.threads,
        }
        spec["step_dirs"] = dict(zip(spec.pop("save_at", []), smk.output.get("steps", [])))
        gpus = int(smk.resources.gpu)
        if gpus > 1:
            # multi-GPU full fine-tuning: one process per GPU through accelerate (FSDP), same entry point
            launch(spec, gpus, log)
        else:
            train(spec)
