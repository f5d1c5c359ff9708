"""Rule `train_judge` (demo): label (judge prompt, valid-split response) pairs from the demo world's ground
truth (`xlit.judge_train.training_rows`) and fine-tune the judge on them with `xlit.train.train`.

input:   base (the base model's source.json), fluency (the reference LM's source.json), prompts and answers
         (valid split, one per params.spec["langs"]), generations (the checkpoints' valid-split generations)
output:  model (results/judge_model/{judge}), data (results/judge_train/{judge}.jsonl)
params:  spec: langs, lr, template (the judge's `template`), seed, fluency_ppl, threshold, chat_template,
         training (the config's training section with the judge's steps), checkpoint_dir
threads: torch threads
"""

from collections import Counter

from xlit.checkpoints import read_source
from xlit.fluency import FluencyLM
from xlit.io import write_jsonl
from xlit.judge import template_for
from xlit.judge_train import training_rows
from xlit.lid import LID
from xlit.names import CRITERIA
from xlit.simrater import FLUENCY_PPL
from xlit.smk import job
from xlit.train import train

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "train_judge") as log:
        p = smk.params.spec
        langs = list(p["langs"])
        rows = training_rows(
            dict(zip(langs, smk.input.prompts)),
            dict(zip(langs, smk.input.answers)),
            list(smk.input.generations),
            LID(),
            FluencyLM(read_source(smk.input.fluency)),
            template=template_for({"template": p.get("template")}, None),
            seed=int(p["seed"]),
            bands=[float(x) for x in (p.get("fluency_ppl") or FLUENCY_PPL)],
            threshold=float(p["threshold"]),
        )
        write_jsonl(smk.output.data, rows)
        log.info("%d training pairs: %s", len(rows), dict(sorted(Counter(r["kind"] for r in rows).items())))
        for c in CRITERIA:
            log.info("labels %s: %s", c, dict(sorted(Counter(r["scores"][c] for r in rows).items())))
        info = train(
            {
                "adaptation": "ft",
                "lr": float(p["lr"]),
                "lora": None,
                "training": p["training"],
                "chat_template": p["chat_template"],
                "checkpoint_dir": p["checkpoint_dir"],
                "base": read_source(smk.input.base),
                "data": smk.output.data,
                "output_dir": smk.output.model,
                "threads": smk.threads,
            }
        )
        log.info(
            "judge trained: %d steps, loss %s, %.1f s",
            info.get("steps", 0),
            info.get("train_loss"),
            info.get("wall_s") or 0,
        )
