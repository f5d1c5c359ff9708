"""Running a judge: `judge_items` (the backend its config names), one job per file or several files at
once (`judge_file`, `judge_files`), and the check that fails a job whose requests failed (`check_failures`)."""

from __future__ import annotations

import logging
import os
from typing import Any, Callable, Mapping, Sequence

from xlit.io import write_jsonl
from xlit.judge import local, openai_backend, panel, vllm_judge
from xlit.judge.core import DEFAULT_MAX_ERROR_SHARE, DEFAULT_REASKS, Item, read_responses, template_for
from xlit.paths import BASE_DIR

log = logging.getLogger("xlit.judge")

#: `judges.<name>.backend` -> its module: `judge(items, judge, cfg, template, cache_dir, base_dir, on_row,
#: reasks) -> rows` and `request_keys(cfg, prompts, base_dir) -> (keys, calls per prompt, max tokens out)`
#: (`panel` asks no model: the workflow averages its members' files, `run_job`)
BACKENDS = {"openai": openai_backend, "transformers": local, "vllm": vllm_judge, "panel": panel}


class JudgeFailed(RuntimeError):
    """More requests failed (after retries) than the tolerance allows; every answer that arrived is cached."""

    one_line = True  # xlit.smk.job logs it without a traceback


def backend_of(judge: str, cfg: Mapping[str, Any]):
    """The module (`BACKENDS`) of a judge's backend."""
    backend = cfg.get("backend", "openai")
    if backend not in BACKENDS:
        raise ValueError(f"judges.{judge}.backend: unknown backend {backend!r} (one of {', '.join(BACKENDS)})")
    return BACKENDS[backend]


def judge_items(
    items: Sequence[Item],
    judge: str,
    cfg: Mapping[str, Any],
    *,
    template: str | None = None,
    cache_dir: str | os.PathLike | None = "cache",
    base_dir: str | os.PathLike = BASE_DIR,
    on_row: Callable[[int, dict], Any] | None = None,
    reasks: int = DEFAULT_REASKS,
) -> list[dict]:
    """One output row per item (same order). `cfg` is `judges.<judge>` of the config. Requests that fail
    after retries give rows with an `error` (see `check_failures`); an openai answer that does not parse is
    asked again up to `reasks` times (the row's `reasks` says how often, `previous_raw` what came before)."""
    template = template_for(cfg, template)
    return backend_of(judge, cfg).judge(items, judge, cfg, template, cache_dir, base_dir, on_row, reasks)


def check_failures(
    rows: Sequence[dict], max_error_share: float = DEFAULT_MAX_ERROR_SHARE, judge: str = "", source: str = ""
) -> int:
    """Raise JudgeFailed (one line: how many failed, the first error, that the rest is cached) when the share
    of rows with an `error` exceeds `max_error_share`; below it, log a warning. Returns the error count.
    Call it before writing a job's output, so that a failed job leaves no output and is run again; every
    answer that arrived is already in the cache, so the re-run sends only the failed requests."""
    errors = [r for r in rows if r.get("error")]
    if not errors:
        return 0
    what = f"{source}: " if source else ""
    what += f"judge {judge}: " if judge else ""
    first = " ".join(str(errors[0]["error"]).split())  # one line even when a server sent a page
    first = first if len(first) <= 300 else first[:297] + "..."
    line = f"{what}{len(errors)} of {len(rows)} requests failed after retries (first: {first})"
    if len(errors) / len(rows) > max_error_share:
        raise JudgeFailed(
            f"{line}; the {len(rows) - len(errors)} answers that arrived are cached: re-run to "
            f"send only the failed ones (tolerance judge.max_error_share={max_error_share:g})"
        )
    log.warning("%s; within judge.max_error_share=%g: kept as rows without scores", line, max_error_share)
    return len(errors)


def judge_file(
    responses: str | os.PathLike,
    out: str | os.PathLike | None,
    judge: str,
    cfg: Mapping[str, Any],
    *,
    template: str | None = None,
    cache_dir: str | os.PathLike | None = "cache",
    base_dir: str | os.PathLike = BASE_DIR,
    lang: str = "",
    max_error_share: float = DEFAULT_MAX_ERROR_SHARE,
    reasks: int = DEFAULT_REASKS,
    on_row: Callable[[int, dict], Any] | None = None,
) -> list[dict]:
    """One judge job: read `responses`, judge them, fail (JudgeFailed, nothing written) when more requests
    failed than `max_error_share` allows, else write the rows to `out` (when given) and return them.
    `lang` fills rows without a language. `xlit judge` calls this; the workflow's `judge` rule `judge_files`."""
    return judge_files(
        [(responses, out, lang)],
        judge,
        cfg,
        template=template,
        cache_dir=cache_dir,
        base_dir=base_dir,
        max_error_share=max_error_share,
        reasks=reasks,
        on_row=on_row,
    )[0]


def judge_files(
    jobs: Sequence[tuple[str | os.PathLike, str | os.PathLike | None, str]],
    judge: str,
    cfg: Mapping[str, Any],
    *,
    template: str | None = None,
    cache_dir: str | os.PathLike | None = "cache",
    base_dir: str | os.PathLike = BASE_DIR,
    max_error_share: float = DEFAULT_MAX_ERROR_SHARE,
    reasks: int = DEFAULT_REASKS,
    on_row: Callable[[int, dict], Any] | None = None,
) -> list[list[dict]]:
    """`judge_file` for several `(responses, out, lang)` at once (e.g. every language of a checkpoint): all
    their items go through one `judge_items` call, so a transformers judge is loaded once and batches across
    files, and openai requests share one pool. Failures are checked per file before anything is written: a
    file over `max_error_share` raises JudgeFailed and no file is written. Returns the rows per file."""
    per_file = [read_responses(src) for src, _, _ in jobs]
    items = [it for its in per_file for it in its]
    log.info(
        "judge %s (%s %s): %d responses from %s",
        judge,
        cfg.get("backend"),
        cfg.get("model"),
        len(items),
        ", ".join(str(src) for src, _, _ in jobs),
    )
    rows = judge_items(
        items, judge, cfg, template=template, cache_dir=cache_dir, base_dir=base_dir, on_row=on_row, reasks=reasks
    )
    out, start = [], 0
    for (src, _, lang), its in zip(jobs, per_file):
        chunk, start = rows[start : start + len(its)], start + len(its)
        for r in chunk:
            r["lang"] = r["lang"] or lang
        check_failures(chunk, max_error_share, judge, str(src))
        out.append(chunk)
    for (_, dst, _), chunk in zip(jobs, out):
        if dst is not None:
            write_jsonl(dst, chunk)
    return out
