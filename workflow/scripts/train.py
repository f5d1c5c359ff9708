"""Rule `train`: the final model (output 0) and, with `selection.steps`, the model after each saved step
(output `steps`, in the order of params.spec.save_at)."""
import subprocess
from pathlib import Path

from xlit.io import write_json
from xlit.smk import job
from xlit.train import launch_command, resolve_base, train

with job(snakemake, "train") as log:  # noqa: F821
    smk = snakemake  # noqa: F821
    spec = {**smk.params.spec, "base": resolve_base(smk.input.base), "data": smk.input.data,
            "output_dir": smk.output[0], "threads": smk.threads}
    spec["step_dirs"] = dict(zip(spec.pop("save_at", []), smk.output.get("steps", [])))
    gpus = int(smk.resources.gpu)
    if gpus > 1:
        # multi-GPU full fine-tuning: one process per GPU through accelerate (FSDP), same entry point
        spec_file = Path(spec["checkpoint_dir"]) / "spec.json"
        write_json(spec_file, spec)
        cmd = launch_command(spec_file, gpus)
        log.info("launching %s", " ".join(cmd))
        subprocess.run(cmd, check=True)
    else:
        train(spec)
