"""Issue 21, a newcomer's first hour, the config side: every mistake of the issue's table that a config check can
catch stops in ONE line naming the config key (every section closed, with a "did you mean"; stacked configs and
judges-only files; inputs named by key; languages the config cannot serve; a target read as a config file), and
the schema ships inside the package."""

import copy
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from xlit import config as xc
from xlit.cli import main

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "config" / "config.yaml"
PAPER = ROOT / "config" / "paper.yaml"


def raw(path=DEMO) -> dict:
    return yaml.safe_load(path.read_text())


def one_line(err: str) -> str:
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


def write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def refused(capsys, *args) -> str:
    """`xlit ARGS` fails with exit code 2 and one line: that line."""
    assert main(list(map(str, args))) == 2, args
    return one_line(capsys.readouterr().err)


def smk(*args, cwd=ROOT, env=None):
    return subprocess.run(
        [sys.executable, "-m", "snakemake", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def lines_with(text: str, needle: str) -> list[str]:
    return [line for line in text.splitlines() if needle in line]


# ---- 1. every section closed, with "did you mean" -------------------------------------------------------


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (
            lambda c: c["selection"].update(critrion="english"),
            "selection: unknown key 'critrion' (did you mean 'criterion'?)",
        ),
        (
            lambda c: c["surface"].update(lid_treshold=0.3),
            "surface: unknown key 'lid_treshold' (did you mean 'lid_threshold'?)",
        ),
        (lambda c: c.update(judge={"promt": "x.txt"}), "judge: unknown key 'promt' (did you mean 'prompt'?)"),
        (
            lambda c: c["human"].update(sheets_per_language=5),
            "human: unknown key 'sheets_per_language' (did you mean 'sheets_per_lang'?)",
        ),
        (
            lambda c: c["judges"]["tiny"].update(price_in_per_mtk=1.0),
            "judges.tiny: unknown key 'price_in_per_mtk' (did you mean 'price_in_per_mtok'?)",
        ),
        (
            lambda c: c["selection"].update(weights={"codeswitch": 1}),
            "selection.weights: unknown key 'codeswitch' (did you mean 'code_switch'?)",
        ),
        (
            lambda c: c["translation"]["translator"].update(max_lenght=32),
            "translation.translator: unknown key 'max_lenght' (did you mean 'max_length'?)",
        ),
        (
            lambda c: c["translation"].update(endpoint={"timout": 5}),
            "translation.endpoint: unknown key 'timout' (did you mean 'timeout'?)",
        ),
        (lambda c: c.update(judgs={}), "unknown key 'judgs' (did you mean 'judges'?)"),
        (lambda c: c.update(zzz=1), "unknown key 'zzz' (known: adaptations, base_models, cache_dir,"),
        # a setting of the other backend: refused too (a local judge never reads base_url)
        (
            lambda c: c["judges"]["tiny"].update(base_url="http://127.0.0.1:8765/v1"),
            "judges.tiny.base_url: a setting of `backend: openai` judges; this one's backend is transformers",
        ),
    ],
)
def test_unknown_key_anywhere_is_one_line_naming_it(mutate, expected):
    cfg = copy.deepcopy(raw())
    mutate(cfg)
    with pytest.raises(xc.ConfigError) as e:
        xc.validate(cfg, "config")
    assert "\n" not in str(e.value) and str(e.value).startswith(f"config: {expected}"), str(e.value)


def test_every_object_in_the_schema_is_closed():
    """Each schema object with named keys refuses others (additionalProperties: false)."""
    open_ = []

    def walk(node, path):
        if isinstance(node, dict):
            if "properties" in node and node.get("additionalProperties") is not False:
                open_.append(".".join(map(str, path)))
            for k, v in node.items():
                walk(v, [*path, k])
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, [*path, i])

    walk(xc._schema(), [])
    assert not open_, open_


def test_the_shipped_settings_of_each_backend_pass():
    """Keys a backend legitimately has (the demo's two local judges, the paper's API judge, an OpenAI-compatible
    translation endpoint) are all known; defaults filled on a judge of either backend pass a second check."""
    for path in (DEMO, PAPER):
        cfg = xc.load(path)
        xc.check_schema(cfg)  # the filled config (temperature, logprobs, gpus defaults) passes again
    cfg = raw()
    cfg["judges"]["api"] = {
        "backend": "openai",
        "model": "m",
        "base_url": "http://127.0.0.1:8765/v1",
        "api_key_env": None,
        "extra_body": {"top_k": 1},
        "retry_after_max": 10,
        "template": "compact",
        "max_tokens": 64,
    }
    cfg["translation"]["lang_codes"] = {"fr": "fra_Latn"}
    xc.validate(cfg)


def test_judges_only_file_and_stacked_configs_are_strict(tmp_path, capsys):
    judges = write(
        tmp_path / "judges.yaml",
        {
            "judges": {
                "local": {"backend": "openai", "model": "m", "base_url": "http://127.0.0.1:8765/v1", "api_key_evn": "K"}
            }
        },
    )
    expected = f"{judges}: judges.local: unknown key 'api_key_evn' (did you mean 'api_key_env'?)"
    assert refused(capsys, "validate", judges) == f"error: {expected}"
    assert refused(capsys, "judge", "--config", judges, tmp_path / "r.jsonl") == f"error: {expected}"
    overlay = write(tmp_path / "overlay.yaml", {"surface": {"fluency_backnd": "vllm"}})
    line = refused(capsys, "validate", DEMO, overlay)
    assert line == f"error: {DEMO} + {overlay}: surface: unknown key 'fluency_backnd' (did you mean 'fluency_backend'?)"


# ---- 2. several files, in Snakemake's order; a judges-only file ------------------------------------------


def test_several_files_merge_as_snakemake_does(tmp_path, capsys):
    from snakemake.utils import update_config

    a, b = raw(), raw(ROOT / "config" / "demo-vllm.yaml")
    expected = copy.deepcopy(a)
    update_config(expected, b)
    assert xc.read(DEMO, ROOT / "config" / "demo-vllm.yaml") == expected
    cfg = xc.load(DEMO, ROOT / "config" / "demo-vllm.yaml")
    assert cfg["generation"]["backend"] == "vllm" and cfg["generation"]["max_new_tokens"] == 40  # merged key by key
    lr = write(tmp_path / "lr.yaml", {"adaptations": {"ft": {"learning_rates": [3.0e-4, 3.0e-3, 1.0e-2]}}})
    assert main(["validate", str(DEMO), str(lr)]) == 0
    assert capsys.readouterr().out.strip() == f"{DEMO} + {lr}: valid; 5 runs, 14 checkpoints"
    assert main(["grid", str(DEMO), str(lr)]) == 0
    assert capsys.readouterr().out.count("\tft\t0.01\n") == 4  # the four ft runs get the added LR
    fp32 = ROOT / "config" / "paper-fp32master.yaml"
    assert main(["plan", "--no-data", str(PAPER), str(fp32)]) == 0
    assert "bf16-mixed" in capsys.readouterr().out


def test_validate_takes_a_judges_only_file_and_plan_says_what_it_is(tmp_path, capsys):
    judges = write(
        tmp_path / "judges.yaml", {"judges": {"gpt": {"backend": "openai", "model": "gpt-4o"}}, "cache_dir": "c"}
    )
    assert main(["validate", str(judges)]) == 0
    assert (
        capsys.readouterr().out.strip() == f"{judges}: a valid judges-only file (for `xlit judge --config`): judges gpt"
    )
    line = refused(capsys, "plan", judges)
    assert (
        line.startswith(f"error: {judges}: a judges-only file (judges, judge, cache_dir")
        and "not a workflow config" in line
    )


# ---- 3. the schema inside the package ------------------------------------------------------------------------


@pytest.mark.slow
def test_wheel_carries_the_schema_and_an_installed_xlit_validates(tmp_path):
    src = tmp_path / "src"
    for name in ("pyproject.toml", "README.md"):
        (tmp_path / "proj").mkdir(exist_ok=True)
        (tmp_path / "proj" / name).write_bytes((ROOT / name).read_bytes())
    shutil.copytree(ROOT / "src", tmp_path / "proj" / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    wheels = tmp_path / "wheels"
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(wheels), "."],
        cwd=tmp_path / "proj",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    (wheel,) = wheels.glob("xlit-*.whl")
    with zipfile.ZipFile(wheel) as z:
        assert "xlit/schema/config.schema.yaml" in z.namelist()
        z.extractall(src)
    # the unpacked wheel (as installed, no source tree beside it) validates the paper config
    code = "import xlit.config as xc; print(xc.SCHEMA); xc.load(%r)" % str(PAPER)
    r = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(src)},
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == str(src / "xlit" / "schema" / "config.schema.yaml")
    assert not (ROOT / "config" / "schema").exists()  # one copy only


# ---- 4. inputs checked up front, named by config key --------------------------------------------------------


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (
            lambda c: c["eval_sets"]["test"].update(fr="data/prompts/fr.jsonl"),
            "eval_sets.test.fr: data/prompts/fr.jsonl does not exist",
        ),
        (
            lambda c: c["it_datasets"]["demo-dolly"].update(path="data/it/mine.jsonl"),
            "it_datasets.demo-dolly.path: data/it/mine.jsonl does not exist",
        ),
        (
            lambda c: c["human"]["ratings"].append({"annotator": "ana", "lang": "fr", "path": "ratings/ana-fr.csv"}),
            "human.ratings.8.path: ratings/ana-fr.csv does not exist",
        ),
    ],
)
def test_missing_input_is_one_line_naming_the_key(tmp_path, capsys, monkeypatch, mutate, expected):
    monkeypatch.chdir(ROOT)
    cfg = raw()
    mutate(cfg)
    bad = write(tmp_path / "bad.yaml", cfg)
    assert refused(capsys, "validate", bad) == f"error: {bad}: {expected}"


def test_downloads_and_workflow_outputs_are_not_required_up_front(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # nothing exists here: the paper's data are downloads, the demo's written by rules
    for path in (DEMO, PAPER):
        xc.check_inputs(xc.load(path))


def test_judge_key_named_by_config_key(monkeypatch, capsys):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.chdir(ROOT)
    assert main(["validate", str(PAPER)]) == 0
    warning = one_line(capsys.readouterr().err)
    assert warning == (
        f"warning: {PAPER}: judges.gpt35.api_key_env: OPENAI_API_KEY is not set: export the judge's API key before "
        "the judge jobs run"
    )
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert xc.missing_api_keys(xc.load(PAPER)) == []
    # a local server without api_key_env needs none; one that names a variable needs that one
    local = {"backend": "openai", "model": "m", "base_url": "http://127.0.0.1:8765/v1"}
    assert xc.missing_api_keys({"judges": {"l": local}}) == []
    assert xc.missing_api_keys({"judges": {"l": {**local, "api_key_env": "XLIT_SURELY_UNSET"}}}) == [
        "config: judges.l.api_key_env: XLIT_SURELY_UNSET is not set: export the judge's API key before the judge "
        "jobs run"
    ]


@pytest.mark.slow
def test_dry_run_names_a_missing_input_by_config_key(tmp_path):
    for key, lang, path in (
        ("test", "fr", "data/prompts/fr.jsonl"),  # a file the user meant to add
        ("valid", "pt", "results/demo/prompt/valid/pt.jsonl"),  # a typo: no rule writes it
    ):
        cfg = raw()
        cfg["eval_sets"][key][lang] = path
        r = smk("-n", "--configfile", write(tmp_path / "bad.yaml", cfg))
        out = r.stdout + r.stderr
        assert r.returncode != 0
        assert lines_with(out, f"config: eval_sets.{key}.{lang}: {path} does not exist and no rule makes it"), out
    # a plan with nothing to do (a finished study: here a download already there) checks the inputs all the same
    (tmp_path / "done.txt").write_text("")
    cfg["downloads"] = {"done.txt": "file:///dev/null"}
    for name, expected in (("bad.yaml", 1), ("good.yaml", 0)):
        r = smk("-n", "done.txt", "-s", ROOT / "Snakefile", "--configfile", write(tmp_path / name, cfg), cwd=tmp_path)
        assert r.returncode == expected and ("Nothing to be done" in r.stdout + r.stderr) == (expected == 0)
        if expected:
            assert lines_with(
                r.stdout + r.stderr, f"config: eval_sets.valid.pt: {path} does not exist and no rule makes it"
            )
        cfg["eval_sets"]["valid"]["pt"] = "results/demo/prompts/valid/pt.jsonl"


@pytest.mark.slow
def test_paper_dry_run_warns_of_the_missing_key_and_a_real_run_refuses_before_any_job(tmp_path):
    env = {"OPENAI_API_KEY": ""}
    r = smk("-n", "-s", ROOT / "Snakefile", "--directory", tmp_path, "--configfile", PAPER, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    assert lines_with(r.stderr, "warning: config: judges.gpt35.api_key_env: OPENAI_API_KEY is not set")
    # a real run whose jobs judge: refused in onstart, before its first job (here: a download)
    target = "results/tables/judge_scores.tsv"  # before --configfile (see the last test)
    r = smk(target, "--cores", "1", "-s", ROOT / "Snakefile", "--directory", tmp_path, "--configfile", PAPER, env=env)
    assert r.returncode != 0
    assert lines_with(r.stdout + r.stderr, "judges.gpt35.api_key_env: OPENAI_API_KEY is not set")
    assert not (tmp_path / "data").exists() and not (tmp_path / "results").exists()


# ---- 5. a language the config cannot serve ------------------------------------------------------------------

SPANISH = (
    "languages: the demo world writes en, fr, pt, ru only, not es; another language needs real data (a config "
    "without `demo:`, like config/paper.yaml): its own valid and test prompts in eval_sets, IT data or an MT "
    "model for `dt` runs (translation), a language the LID model knows"
)


def with_spanish(cfg: dict) -> dict:
    cfg["languages"].append("es")
    for split in ("valid", "test"):
        cfg["eval_sets"][split]["es"] = f"results/demo/prompts/{split}/es.jsonl"
    return cfg


def test_demo_with_spanish_is_refused_at_validation(tmp_path, capsys):
    bad = write(tmp_path / "es.yaml", with_spanish(raw()))
    assert refused(capsys, "validate", bad) == f"error: {bad}: {SPANISH}"


def test_paper_language_without_its_prompts_says_what_it_needs():
    cfg = raw(PAPER)
    cfg["languages"].append("es")
    with pytest.raises(xc.ConfigError) as e:
        xc.validate(cfg, "config")
    assert str(e.value) == (
        "config: eval_sets.valid: no prompt file for language(s) ['es']: every language of `languages` needs its "
        "own valid (valid_split builds them: results/valid_split/<lang>.jsonl) and test prompts, aligned by id with "
        "the others'"
    )


@pytest.mark.slow
def test_demo_with_spanish_is_refused_by_the_dry_run(tmp_path):
    r = smk("-n", "--configfile", write(tmp_path / "es.yaml", with_spanish(raw())))
    assert r.returncode != 0 and lines_with(r.stdout + r.stderr, f"config: {SPANISH}")


# ---- 6. a target after --configfile ------------------------------------------------------------------------

TRAP = (
    "results/fig2.pdf: not a config file (.yaml, .yml, .json): a target after --configfile is read as one: put "
    "targets before --configfile, or end the list with --"
)


def test_target_after_configfile_gets_the_one_line_hint_from_validate(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert refused(capsys, "validate", "config/paper.yaml", "results/fig2.pdf") == f"error: {TRAP}"


@pytest.mark.slow
def test_snakemake_reads_a_target_after_configfile_before_the_snakefile(tmp_path):
    """Snakemake loads --configfile files before it reads the Snakefile: the trap cannot be caught there, so the
    README uses one order (targets first) and `xlit validate` gives the hint; both documented orders plan."""
    pdf = tmp_path / "results" / "fig2.pdf"
    pdf.parent.mkdir()
    pdf.write_bytes(b"%PDF-1.4\n\xe2\xe3\xcf\xd3\n")
    wrong = smk("-n", "-s", ROOT / "Snakefile", "--configfile", DEMO, "results/fig2.pdf", cwd=tmp_path)
    assert wrong.returncode != 0
    for args in (
        ["results/tables/surface.tsv", "--configfile", DEMO],
        ["--configfile", DEMO, "--", "results/tables/surface.tsv"],
    ):
        r = smk("-n", "-s", ROOT / "Snakefile", *args, cwd=tmp_path)
        assert r.returncode == 0, r.stderr[-2000:]
