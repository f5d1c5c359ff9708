"""The conda envs of the rule groups pin the same versions as pyproject.toml."""

import re
from pathlib import Path

import pytest
import tomllib
import yaml

ROOT = Path(__file__).resolve().parents[1]
PINS = {
    re.split(r"[=<>]", d)[0]: d for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
}


@pytest.mark.parametrize("env", sorted(p.name for p in (ROOT / "envs").glob("*.yaml")))
def test_env_pins_match_pyproject(env):
    spec = yaml.safe_load((ROOT / "envs" / env).read_text())
    pip = next(d["pip"] for d in spec["dependencies"] if isinstance(d, dict))
    reqs = [r for r in pip if not r.startswith("-")]
    assert reqs, env
    for r in reqs:
        name = re.split(r"[=<>]", r)[0]
        assert PINS.get(name) == r, f"{env}: {r} differs from pyproject's {PINS.get(name)}"


def test_every_job_rule_names_an_env():
    """Each rule that runs code (script/shell/run) declares a conda env from envs/ (for --sdm conda)."""
    for smk in (ROOT / "workflow" / "rules").glob("*.smk"):
        blocks = re.split(r"^\s*(?=(?:rule|checkpoint) [\w]+:)", smk.read_text(), flags=re.M)
        for block in blocks[1:]:
            name = block.split(":")[0]
            if re.search(r"^\s+(script|shell|run):", block, re.M):
                m = re.search(r'^\s+conda:\s*\n\s+"\.\./\.\./envs/(\w+)\.yaml"', block, re.M)
                assert m and (ROOT / "envs" / f"{m.group(1)}.yaml").exists(), f"{smk.name}: {name} has no conda env"
