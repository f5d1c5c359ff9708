"""A panel judge: the mean of its members' scores per response and criterion (rounded half up onto 0-2, the mean
kept), members' missing scores, config checks, and the workflow's judge and judge_table scripts on a panel."""

from fractions import Fraction
from math import floor

import pytest
import yaml

import xlit.config as xc
from xlit.io import InputError, read_jsonl, read_tsv, write_jsonl
from xlit.judge import CRITERIA, estimate
from xlit.judge.panel import combine, panel_files, round_half_up
from xlit.judge.run import judge_items

PANEL = {"backend": "panel", "panel": ["a", "b"]}


def row(i, scores, lang="en", **kw):
    """A member's output row (as xlit.judge.core.make_row writes it) with `scores` for some criteria."""
    return {
        "id": str(i),
        "lang": lang,
        "category": "qa",
        "scores": dict(scores),
        "stars": {c: s + 1 for c, s in scores.items()},
        "missing": [c for c in CRITERIA if c not in scores],
        "unparsed": not scores,
        **kw,
    }


def every(score):
    return {c: score for c in CRITERIA}


def test_round_half_up_is_exact():
    for n in range(1, 7):
        for total in range(0, 2 * n + 1):
            assert round_half_up(total, n) == floor(Fraction(total, n) + Fraction(1, 2)), (total, n)
    assert [round_half_up(t, 2) for t in range(5)] == [0, 1, 1, 2, 2]  # 0.5 -> 1, 1.5 -> 2 (not to even: 0, 2)


def test_mean_rounded_half_up_and_kept():
    a = [row(1, every(0)), row(2, every(1)), row(3, every(2)), row(4, every(0))]
    b = [row(1, every(1)), row(2, every(2)), row(3, every(2)), row(4, every(2))]
    rows = combine([("a", a), ("b", b)], "p", PANEL)
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"] and all(r["judge"] == "p" for r in rows)
    assert [r["scores"]["fluency"] for r in rows] == [1, 2, 2, 1]
    assert [r["mean"]["fluency"] for r in rows] == [0.5, 1.5, 2.0, 1.0]
    assert all(r["stars"] == {c: s + 1 for c, s in r["scores"].items()} for r in rows)
    assert rows[0]["members"]["logic"] == {"a": 0, "b": 1} and rows[0]["missing"] == [] and not rows[0]["unparsed"]
    assert rows[0]["category"] == "qa" and rows[0]["lang"] == "en" and rows[0]["error"] is None
    # three members: means in thirds
    c = [row(1, every(2)), row(2, every(2)), row(3, every(0)), row(4, every(0))]
    three = combine([("a", a), ("b", b), ("c", c)], "p", {**PANEL, "panel": ["a", "b", "c"]})
    assert [r["scores"]["accuracy"] for r in three] == [1, 2, 1, 1]  # 3/3, 5/3, 4/3, 2/3
    assert [r["mean"]["accuracy"] for r in three] == [1.0, 1.6667, 1.3333, 0.6667]


def test_missing_member_scores():
    """A criterion a member did not score (unparsed, missing key, failed request) is missing from the panel
    unless min_members allows the others' mean."""
    a = [row(1, {"language": 2, "fluency": 1}), row(2, {}, error="HTTP 500"), row(3, every(1))]
    b = [row(1, every(2)), row(2, every(2)), row(3, {})]
    strict = combine([("a", a), ("b", b)], "p", PANEL)
    assert strict[0]["scores"] == {"language": 2, "fluency": 2}  # 2 and 1.5 -> 2
    assert strict[0]["missing"] == [c for c in CRITERIA if c not in ("language", "fluency")]
    assert strict[1]["scores"] == {} and strict[1]["unparsed"] and strict[2]["scores"] == {}
    loose = combine([("a", a), ("b", b)], "p", {**PANEL, "min_members": 1})
    assert loose[0]["scores"] == {**every(2), "fluency": 2} and loose[0]["mean"]["accuracy"] == 2.0
    assert loose[0]["members"]["accuracy"] == {"b": 2}
    assert loose[1]["scores"] == every(2) and loose[2]["scores"] == every(1)


def test_members_must_rate_the_same_responses(tmp_path):
    a = [row(1, every(1)), row(2, every(1))]
    with pytest.raises(InputError, match="judge b rated other responses than a"):
        combine([("a", a), ("b", [row(1, every(1)), row(3, every(1))])], "p", PANEL)
    with pytest.raises(InputError, match="an id twice"):
        combine([("a", a), ("b", [row(1, every(1)), row(1, every(1))])], "p", PANEL)
    fa, fb = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_jsonl(fa, a)
    write_jsonl(fb, a[:1])
    with pytest.raises(InputError, match=str(fb)):
        panel_files([([fa, fb], tmp_path / "p.jsonl")], ["a", "b"], "p", PANEL)
    with pytest.raises(InputError, match="missing: the panel p needs its members' scores"):
        panel_files([([fa, tmp_path / "nope.jsonl"], None)], ["a", "b"], "p", PANEL)
    assert not (tmp_path / "p.jsonl").exists()


@pytest.mark.parametrize(
    "judges, expected",
    [
        ({"p": {"backend": "panel", "panel": ["a", "x"]}}, "judges.p.panel: 'x' is not a judge"),
        ({"p": {"backend": "panel", "panel": ["a", "p"]}}, "judges.p.panel: a circle of panels (p -> p)"),
        (
            {"p": {"backend": "panel", "panel": ["a", "q"]}, "q": {"backend": "panel", "panel": ["a", "p"]}},
            "judges.p.panel: a circle of panels (p -> q -> p)",
        ),
        ({"p": {"backend": "panel", "panel": ["a", "b"], "min_members": 3}}, "judges.p.min_members: 3 but"),
        ({"p": {"backend": "panel", "panel": ["a", "b"], "model": "m"}}, "judges.p.model: a panel has no model"),
        ({"p": {"backend": "panel", "panel": ["a"]}}, "judges.p.panel: "),  # minItems 2
        ({"p": {"backend": "panel"}}, "judges.p.panel: required key is missing"),
        ({"p": {"backend": "openai", "model": "m", "panel": ["a", "b"]}}, "judges.p.panel: a setting of `backend: "),
        ({"p": {"backend": "panel", "panel": ["a", "b"], "gpus": 2}}, "judges.p.gpus: a setting of `backend: "),
        ({"p": {"backend": "vllm", "model": "m", "mode": "stars"}}, "judges.p.mode: a vllm judge writes its answer"),
        ({"p": {"backend": "vllm"}}, "judges.p.model: required key is missing"),
    ],
)
def test_config_checks(tmp_path, judges, expected):
    members = {"a": {"backend": "openai", "model": "m"}, "b": {"backend": "transformers", "model": "t"}}
    conf = tmp_path / "judges.yaml"
    conf.write_text(yaml.safe_dump({"judges": {**members, **judges}}))
    with pytest.raises(xc.ConfigError) as e:
        xc.load_judges(conf)
    assert "\n" not in str(e.value) and str(e.value).startswith(f"{conf}: {expected}"), str(e.value)


def test_valid_panel_and_vllm_judges(tmp_path):
    conf = tmp_path / "judges.yaml"
    judges = {
        "a": {"backend": "openai", "model": "m"},
        "v": {"backend": "vllm", "model": "org/judge-70b", "gpus": 4, "max_length": 8192, "batch_size": 64},
        "p": {"backend": "panel", "panel": ["a", "v"]},
        "pp": {"backend": "panel", "panel": ["p", "a"], "min_members": 1},
    }
    conf.write_text(yaml.safe_dump({"judges": judges}))
    assert xc.load_judges(conf)["judges"]["pp"]["panel"] == ["p", "a"]
    with pytest.raises(ValueError, match="judges.p: a panel averages its members' scores"):
        judge_items([], "p", judges["p"])
    resp = tmp_path / "r.jsonl"
    write_jsonl(resp, [{"id": "1", "instruction": "q", "response": "r"}])
    (est,) = estimate([resp], {"p": judges["p"]}, cache_dir=tmp_path / "cache")
    assert (est["requests"], est["to_send"], est["est_cost_usd"]) == (0, 0, 0)


def test_judge_script_and_table_on_a_panel(fake_snakemake, tmp_path):
    """The workflow's judge script on a panel judge: its members' files in (member by member, each over the
    languages), one file per language out; judge_table reads it like any judge's."""
    langs = ["en", "fr"]
    member_files = {}
    for m, base in (("a", 0), ("b", 1)):
        for lang in langs:
            f = tmp_path / "results" / "judge" / m / "run" / "lr0.01" / f"{lang}.jsonl"
            write_jsonl(f, [row(i, every(min(2, base + i)), lang=lang) for i in range(3)])
            member_files[(m, lang)] = f
    gens = []
    for lang in langs:
        g = tmp_path / f"gen.{lang}.jsonl"
        write_jsonl(g, [{"id": str(i), "prompt": "q", "response": "r"} for i in range(3)])
        gens.append(g)
    outs = [tmp_path / "results" / "judge" / "p" / "run" / "lr0.01" / f"{lang}.jsonl" for lang in langs]
    fake_snakemake(
        input={"responses": gens, "members": [member_files[(m, l)] for m in ("a", "b") for l in langs]},
        output=outs,
        log=[tmp_path / "p.log"],
        wildcards={"judge": "p", "run": "run", "lr": "0.01"},
        params={
            "langs": langs,
            "judge": PANEL,
            "prompt": None,
            "cache_dir": tmp_path / "cache",
            "base_dir": tmp_path / "base",
        },
    ).run("judge.py")
    for out, lang in zip(outs, langs):
        rows = read_jsonl(out)
        assert [r["lang"] for r in rows] == [lang] * 3
        assert [r["scores"]["logic"] for r in rows] == [1, 2, 2]  # (0+1)/2, (1+2)/2, (2+2)/2 rounded half up
        assert [r["mean"]["logic"] for r in rows] == [0.5, 1.5, 2.0]
    assert "fr: 3 rows, 0 from cache, 0 errors" in (tmp_path / "p.log").read_text()
    scores, cost = tmp_path / "judge_scores.tsv", tmp_path / "judge_cost.tsv"
    fake_snakemake(
        input=outs,
        output={"scores": scores, "cost": cost},
        log=[tmp_path / "t.log"],
        params={"judges": {"p": PANEL}, "jobs": [["p", "run", "0.01", lang] for lang in langs]},
    ).run("judge_table.py")
    table = read_tsv(scores)
    assert len(table) == 2 * 3 * len(CRITERIA) and {r["score"] for r in table} == {"1", "2"}
    assert {r["judge"] for r in table} == {"p"}
    assert [float(r["cost_usd"]) for r in read_tsv(cost)] == [0.0, 0.0]
