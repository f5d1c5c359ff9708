"""The workflow's `judge` job as one function, `run_job(spec)`, callable in the workflow's environment (its
script) and in the generation environment (`xlit.vllm_job`, for `backend: vllm`): one judge on one checkpoint's
answers, every language at once, one output file per language; a panel averages its members' files.

spec: judge (name), cfg (`judges.<judge>`), template (the template text, or None: the built-in one), files
([[responses, out, lang], ...]), members (panel: [[a member's file per member] per entry of files]), cache_dir,
base_dir, max_error_share, reasks, run and lr (for the log), threads (torch threads of a transformers judge),
engine (vllm: `vllm.LLM` arguments, config `vllm`).

`hand_over_needed(spec)`: whether the job needs vLLM's engine (a vllm judge with answers not yet cached); the
workflow script hands only those over, so a finished or fully cached vllm judge re-runs without starting vLLM.
"""

from __future__ import annotations

import logging

from xlit.judge import panel, vllm_judge
from xlit.judge.core import cache_for, read_responses
from xlit.judge.run import judge_files
from xlit.judge.tables import cost_row, summary

log = logging.getLogger("xlit.judge")


def hand_over_needed(spec: dict) -> bool:
    """True for a vllm judge whose cache lacks some answer of the job's files (logged), else False."""
    cfg = spec["cfg"]
    if cfg.get("backend") != "vllm":
        return False
    items = [it for src, _, _ in spec["files"] for it in read_responses(src)]
    cache = cache_for(spec.get("cache_dir"))
    try:
        missing = vllm_judge.needs_engine(items, cfg, spec.get("template"), cache, spec.get("base_dir"))
    finally:
        cache.close()
    log.info(
        "judge %s: %d of %d answers not cached%s", spec["judge"], missing, len(items), "" if missing else ": no vLLM"
    )
    return bool(missing)


def run_job(spec: dict) -> list[list[dict]]:
    """The job (see the module docstring) in this process; returns the rows per file. Raises JudgeFailed (no
    file written, every answer that arrived cached) when more requests failed than max_error_share allows."""
    cfg = dict(spec["cfg"])
    name = spec["judge"]
    if cfg.get("backend") == "panel":
        members = panel.members_of(cfg)
        per_file = panel.panel_files(
            [(m, out) for m, (_, out, _) in zip(spec["members"], spec["files"])], members, name, cfg
        )
    else:
        if cfg.get("backend") == "transformers" and spec.get("threads"):
            import torch

            torch.set_num_threads(max(1, int(spec["threads"])))
        vllm_judge.ENGINE_ARGS.clear()
        vllm_judge.ENGINE_ARGS.update(spec.get("engine") or {})
        per_file = judge_files(
            [tuple(f) for f in spec["files"]],
            name,
            cfg,
            template=spec.get("template"),
            cache_dir=spec.get("cache_dir"),
            base_dir=spec["base_dir"],
            max_error_share=float(spec["max_error_share"]),
            reasks=int(spec["reasks"]),
        )
    for (_, _, lang), rows in zip(spec["files"], per_file):
        s, c = summary(rows), cost_row(rows, cfg, name, spec.get("run", ""), spec.get("lr", ""), lang)
        log.info(
            "%s: %d rows, %d from cache, %d errors, %d unparsed, %d missing scores; tokens in %d out %d; "
            "cost $%.4f (new $%.4f); means %s",
            lang,
            s["n"],
            s["cached"],
            s["errors"],
            s["unparsed"],
            s["missing_scores"],
            c["prompt_tokens"],
            c["completion_tokens"],
            c["cost_usd"],
            c["new_cost_usd"],
            s["means"],
        )
    return per_file
