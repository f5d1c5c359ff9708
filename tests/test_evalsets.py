"""Eval prompt sets built from AlpacaEval: test prompts matched to it (exact, the fuzzy rule for edited prompts,
the listed `test_matches`), the validation split's sampling (disjoint from test and from what is near it,
seeded), its alignment across languages, and task categories joined onto test prompts. The translation of the
split by the tiny translator is in test_translate.py."""

from __future__ import annotations

import json
import re

import pytest

from xlit.evalsets import (
    assemble_split,
    join_categories,
    load_alpaca_eval,
    match_prompts,
    norm_text,
    overlap,
    require_matched,
    same_pairs,
    sample_valid,
    similarity,
    words,
)
from xlit.io import InputError


def alpaca(tmp_path, rows):
    p = tmp_path / "alpaca_eval.json"
    p.write_text(json.dumps(rows), encoding="utf-8")
    return p


POOL = [
    {
        "instruction": f"Question {i}: what is {i} plus {i}?",
        "output": "x",
        "generator": "g",
        "dataset": ["helpful_base", "koala", "oasst", "selfinstruct", "vicuna"][i % 5],
    }
    for i in range(40)
]


def test_load_alpaca_eval(tmp_path):
    rows = load_alpaca_eval(alpaca(tmp_path, POOL))
    assert len(rows) == 40 and rows[3] == {
        "id": "alpaca_eval-3",
        "instruction": POOL[3]["instruction"],
        "category": "selfinstruct",
    }
    with pytest.raises(InputError, match=r"alpaca_eval.json:2: field 'instruction'"):
        load_alpaca_eval(alpaca(tmp_path, [POOL[0], {"dataset": "koala"}]))


def test_sample_valid_is_disjoint_seeded_and_counts(tmp_path):
    pool = load_alpaca_eval(alpaca(tmp_path, POOL + [{"instruction": "  question 5: WHAT is 5 plus 5? "}]))
    # test prompts: two of the pool's, written with other case and spacing
    test = [
        {"id": "1", "instruction": "QUESTION 3:  what is 3 plus 3?"},
        {"id": "2", "instruction": "question 7: what is 7 plus 7?\n"},
        {"id": "3", "instruction": "Not in the pool."},
    ]
    rows, stats = sample_valid(pool, test, 20, seed=1)
    assert len(rows) == 20 and not overlap(rows, test)
    assert stats == {"pool": 41, "test": 3, "test_overlap": 2, "repeats": 1, "candidates": 38, "n": 20, "seed": 1}
    assert [r["id"] for r in rows] == sorted((r["id"] for r in rows), key=lambda i: int(i.split("-")[1]))
    assert rows == sample_valid(pool, test, 20, seed=1)[0]
    assert rows != sample_valid(pool, test, 20, seed=2)[0]
    assert len({norm_text(r["instruction"]) for r in rows}) == 20
    with pytest.raises(InputError, match="only 38 prompts are left.*asks for 39"):
        sample_valid(pool, test, 39, seed=1, source="alpaca_eval.json")


def test_assemble_split_drops_a_failure_in_any_language():
    en = [{"id": f"a{i}", "instruction": f"Q{i}", "category": "koala"} for i in range(4)]
    fr = [{"id": f"a{i}", "instruction": f"fr Q{i}", "category": "koala", "ok": i != 1} for i in range(4)]
    ru = [{"id": f"a{i}", "instruction": f"ru Q{i}", "category": "koala", "ok": i != 2} for i in reversed(range(4))]
    files, stats = assemble_split(en, {"fr": fr, "ru": ru})
    assert (
        [r["id"] for r in files["en"]]
        == [r["id"] for r in files["fr"]]
        == [r["id"] for r in files["ru"]]
        == ["a0", "a3"]
    )
    assert files["ru"][1] == {"id": "a3", "instruction": "ru Q3", "category": "koala"}
    assert stats["kept"] == 2 and stats["dropped"] == 2 and stats["failed_by_lang"] == {"fr": 1, "ru": 1}
    with pytest.raises(InputError, match=r"fr.jsonl: field 'id': ids not aligned.*missing \['a3'\]"):
        assemble_split(en, {"fr": fr[:3]}, {"fr": "fr.jsonl"})


def test_join_categories_by_english_text():
    source = [
        {"id": "alpaca_eval-0", "instruction": "How do I bake bread?", "category": "koala"},
        {"id": "alpaca_eval-1", "instruction": "Name three colours.", "category": "selfinstruct"},
    ]
    prompts = {
        "en": [
            {"id": "1", "instruction": "how do I  bake bread?", "category": ""},
            {"id": "2", "instruction": "Name three colours.", "category": "mine"},
            {"id": "3", "instruction": "Unknown prompt", "category": ""},
        ],
        "fr": [
            {"id": "1", "instruction": "Comment faire du pain ?", "category": ""},
            {"id": "2", "instruction": "Nomme trois couleurs.", "category": ""},
            {"id": "3", "instruction": "Inconnu", "category": ""},
        ],
    }
    # a prompt matched to nothing stops the job in one line naming it, unless it is listed (null: no original)
    with pytest.raises(InputError, match=r"^en.jsonl: 1 test prompt\(s\) match no AlpacaEval prompt surely: 3 "):
        join_categories(prompts, source, path="en.jsonl")
    out, stats = join_categories(prompts, source, listed={"3": None})
    assert [p["category"] for p in out["en"]] == [p["category"] for p in out["fr"]] == ["koala", "mine", ""]
    assert out["fr"][0]["instruction"] == "Comment faire du pain ?"
    assert stats == {
        "n": 3,
        "had_category": 1,
        "matched": 1,
        "exact": 1,
        "fuzzy": 0,
        "listed": 0,
        "none": 1,
        "edited": {},
    }
    out, stats = join_categories(prompts, source, listed={3: "alpaca_eval-1"})  # YAML may read the id as a number
    assert out["ru" if "ru" in out else "fr"][2]["category"] == "selfinstruct" and stats["edited"] == {
        "3": ["alpaca_eval-1", 0.0, "listed"]
    }


# AlpacaEval-like prompts (our own), and test prompts edited from some of them as the authors edited theirs
EDIT_POOL = [
    {"instruction": "How do I grow potatoes in a small garden?", "dataset": "helpful_base"},
    {"instruction": "I want to get better at chess openings", "dataset": "koala"},
    {"instruction": "Give me a sample 3 day itienary for a trip to Lisbon, starting from Porto", "dataset": "oasst"},
    {
        "instruction": "Rewrite the given sentence in a formal register.\n\nHey, what's up with the late report?",
        "dataset": "selfinstruct",
    },
    {
        "instruction": "Please give me a list of the rivers of Portugal. I am going to pick one to ask about later.",
        "dataset": "vicuna",
    },
    {"instruction": "I'm trying to learn how to fix a leaking tap.", "dataset": "helpful_base"},
    {"instruction": "What is the boiling point of water at high altitude?", "dataset": "oasst"},
    {"instruction": "How do I grow tomatoes?", "dataset": "koala"},
    {"instruction": "Write a haiku about autumn leaves.", "dataset": "vicuna"},
]
EDITED = [
    # a word changed (and a typo fixed), punctuation: the rule is sure
    ("1", "Give me a sample 3 day itinerary for a trip to Lisbon, starting from Porto.", "alpaca_eval-2", "fuzzy"),
    # the input folded into the sentence after a colon
    (
        "2",
        "Rewrite the given sentence in a formal register: Hey, what's up with the late report?",
        "alpaca_eval-3",
        "fuzzy",
    ),
    # the second sentence cut off
    ("3", "Please give me a list of the rivers of Portugal.", "alpaca_eval-4", "fuzzy"),
    # a sentence appended
    (
        "4",
        "I'm trying to learn how to fix a leaking tap, tell me, how to do it step by step.",
        "alpaca_eval-5",
        "fuzzy",
    ),
    # case and spacing only
    ("5", "what is the boiling point of  water at high altitude?", "alpaca_eval-6", "exact"),
    # a statement made a question on a short prompt: near, but the rule is unsure
    ("6", "How do I get better at chess openings?", None, "unsure"),
    # nothing like it in the pool
    ("7", "Explain the rules of cricket to a child.", None, "missing"),
]


def edited_sets():
    pool = [
        {"id": f"alpaca_eval-{i}", "instruction": r["instruction"], "category": r["dataset"]}
        for i, r in enumerate(EDIT_POOL)
    ]
    test = [{"id": i, "instruction": t, "category": ""} for i, t, _, _ in EDITED]
    return pool, test


def test_the_fuzzy_rule_finds_edited_prompts():
    pool, test = edited_sets()
    matches = match_prompts(test, pool)
    assert {m.id: (m.source, m.how) for m in matches.values()} == {i: (s, h) for i, _, s, h in EDITED}
    assert matches["1"].score > 0.85 and matches["6"].near == ("alpaca_eval-1",) and matches["7"].near == ()
    # the shorter contained word for word in the longer: sure from 8 words on, whatever the ratio
    cut = similarity(words(EDITED[2][1]), words(EDIT_POOL[4]["instruction"]))
    assert cut[0] < 0.85 and cut[1] is True
    assert similarity(words("Please list rivers."), words("Please list rivers. Then pick one.")) == (
        pytest.approx(2 * 3 / 9),
        False,
    )
    # two AlpacaEval texts that qualify equally: the rule cannot choose, the pair must be listed
    twins = [
        {"id": "alpaca_eval-0", "instruction": "Name the planets of the solar system in order from the sun. Briefly."},
        {"id": "alpaca_eval-1", "instruction": "Please name the planets of the solar system in order from the sun."},
    ]
    short = [{"id": "1", "instruction": "Name the planets of the solar system in order from the sun"}]
    assert match_prompts(short, twins)["1"].how == "unsure"
    assert match_prompts(short, twins[:1])["1"].how == "fuzzy"
    # an empty text matches nothing
    assert (
        match_prompts([{"id": "1", "instruction": "?!"}], [{"id": "alpaca_eval-0", "instruction": "..."}])["1"].how
        == "missing"
    )


def test_unmatched_prompts_fail_in_one_line_and_the_list_settles_them():
    pool, test = edited_sets()
    with pytest.raises(InputError) as e:
        require_matched(match_prompts(test, pool), test, "en.jsonl")
    msg = str(e.value)
    assert "\n" not in msg and msg.startswith("en.jsonl: 2 test prompt(s) match no AlpacaEval prompt surely: 6 (")
    assert "6 ('How do I get better at chess openings?': nearest alpaca_eval-1 at 0.75)" in msg
    assert "7 ('Explain the rules of cricket to a child.': no AlpacaEval prompt near)" in msg
    assert msg.endswith("list each under test_matches (its AlpacaEval id, or null for none)")
    listed = {"6": "alpaca_eval-1", "7": None}
    matches = match_prompts(test, pool, listed)
    require_matched(matches, test, "en.jsonl")
    assert [matches[i].how for i in ("6", "7")] == ["listed", "none"]
    # a listed pair overrides the rule; a wrong id is refused in one line
    assert match_prompts(test, pool, {"1": None})["1"].how == "none"
    with pytest.raises(InputError, match=r"test_matches: '99' is no test prompt id"):
        match_prompts(test, pool, {"99": None})
    with pytest.raises(InputError, match=r"test_matches.3: 'alpaca_eval-42' is no AlpacaEval id"):
        match_prompts(test, pool, {"3": "alpaca_eval-42"})
    prompts = {"en": test, "fr": [{**t, "instruction": "fr " + t["instruction"]} for t in test]}
    out, stats = join_categories(prompts, pool, listed=listed)
    assert [p["category"] for p in out["fr"]] == [
        "oasst",
        "selfinstruct",
        "vicuna",
        "helpful_base",
        "oasst",
        "koala",
        "",
    ]
    assert (stats["exact"], stats["fuzzy"], stats["listed"], stats["none"]) == (1, 4, 1, 1)
    assert stats["edited"]["2"][0] == "alpaca_eval-3" and stats["edited"]["6"][2] == "listed"


def test_the_validation_pool_leaves_out_edited_originals_and_near_prompts():
    pool, test = edited_sets()
    rows, stats = sample_valid(pool, test, 2, seed=0)
    # out: 6 (same text), 2 3 4 5 (edited), 1 (near test 6, unsure); left: 0, 7 and 8
    assert stats["test_overlap"] == 6 and stats["candidates"] == 3
    assert {r["id"] for r in rows} <= {"alpaca_eval-0", "alpaca_eval-7", "alpaca_eval-8"} and not same_pairs(rows, test)
    assert not overlap(rows, test)
    # a listed original is left out too, however far its text
    rows, stats = sample_valid(pool, test, 2, seed=0, listed={"7": "alpaca_eval-8"})
    assert stats["test_overlap"] == 7 and {r["id"] for r in rows} == {"alpaca_eval-0", "alpaca_eval-7"}
    with pytest.raises(InputError, match="only 2 prompts are left after removing the 7 that are test prompts or near"):
        sample_valid(pool, test, 3, seed=0, listed={"7": "alpaca_eval-8"})
    assert same_pairs(pool, test[:1]) == [("alpaca_eval-2", "1", 0.933)]


def test_scripts_match_edited_test_prompts(tmp_path, fake_snakemake):
    """test_categories: categories through the fuzzy rule and `test_matches`, one line for an unmatched prompt;
    valid_split: a listed original or a prompt near a test prompt in the split stops the job."""
    from xlit.data import load_prompts

    source = alpaca(tmp_path, EDIT_POOL)
    en, fr = tmp_path / "en.jsonl", tmp_path / "fr.jsonl"
    en.write_text("".join(json.dumps([{"role": "user", "content": t}]) + "\n" for _, t, _, _ in EDITED))
    fr.write_text("".join(json.dumps([{"role": "user", "content": "fr " + t}]) + "\n" for _, t, _, _ in EDITED))
    outs = [tmp_path / "out" / "en.jsonl", tmp_path / "out" / "fr.jsonl"]
    log = tmp_path / "logs" / "test_categories.log"

    def categories(listed):
        fake_snakemake(
            input={"source": source, "prompts": [en, fr]},
            output=outs,
            params={"langs": ["en", "fr"], "test_matches": listed},
            log=[log],
        ).run("test_categories.py")

    # ids are the file's line numbers: EDITED's ids are 1..7 in order
    with pytest.raises(InputError, match=r"en.jsonl: 2 test prompt\(s\) match no AlpacaEval prompt surely: 6 .*; 7 "):
        categories({})
    assert not outs[0].exists()
    categories({"6": "alpaca_eval-1", "7": None})
    cats = ["oasst", "selfinstruct", "vicuna", "helpful_base", "oasst", "koala", ""]
    assert [p["category"] for p in load_prompts(outs[1])] == cats
    text = log.read_text()
    assert "4 edited and matched by the fuzzy rule, 1 listed in test_matches), 1 listed with no original" in text
    assert "test prompt 1 = alpaca_eval-2 (fuzzy, word similarity 0.93)" in text

    rows = [{"id": f"alpaca_eval-{i}", "instruction": EDIT_POOL[i]["instruction"], "category": ""} for i in (0, 8)]
    sample, translated = tmp_path / "sample.jsonl", tmp_path / "translated.fr.jsonl"

    def split(rows, listed):
        sample.write_text("".join(json.dumps(r) + "\n" for r in rows))
        translated.write_text("".join(json.dumps({**r, "instruction": "fr", "ok": True}) + "\n" for r in rows))
        fake_snakemake(
            input={"english": sample, "translated": [translated], "test": en},
            output={
                "prompts": [tmp_path / "v" / "en.jsonl", tmp_path / "v" / "fr.jsonl"],
                "stats": tmp_path / "v.json",
            },
            params={"langs": ["en", "fr"], "test_matches": listed},
            log=[tmp_path / "logs" / "valid_split.log"],
        ).run("valid_split.py")

    with pytest.raises(
        InputError, match=r"1 prompts are test prompts, edited or not .* alpaca_eval-8 and test prompt 7 "
    ):
        split(rows, {"7": "alpaca_eval-8"})
    split(rows, {"7": None})
    assert (tmp_path / "v" / "fr.jsonl").exists()
    near = [{"id": "alpaca_eval-9", "instruction": EDITED[0][1] + " Thanks", "category": ""}]
    with pytest.raises(InputError, match=r"alpaca_eval-9 and test prompt 1 \(word similarity 0.9"):
        split(near, {})


def test_check_config_stops_a_dry_run_on_an_unmatched_prompt(tmp_path, monkeypatch):
    from xlit.evalsets import check_config

    monkeypatch.chdir(tmp_path)
    alpaca(tmp_path, EDIT_POOL)
    cfg = {
        "languages": ["en"],
        "eval_sets": {"test": {"en": "en.jsonl"}},
        "test_categories": {"source": "alpaca_eval.json"},
        "test_matches": {},
    }
    check_config(cfg)  # the files are not there yet: nothing to check
    (tmp_path / "en.jsonl").write_text(
        "".join(json.dumps([{"role": "user", "content": t}]) + "\n" for _, t, _, _ in EDITED)
    )
    with pytest.raises(InputError, match=r"^en.jsonl: 2 test prompt\(s\)"):
        check_config(cfg)
    check_config({**cfg, "test_matches": {"6": "alpaca_eval-1", "7": None}})
    check_config({k: v for k, v in cfg.items() if k != "test_categories"})


def test_paper_config_valid_is_built_and_disjoint_from_test():
    from pathlib import Path

    from xlit import config as xc

    root = Path(__file__).resolve().parents[1]
    cfg = xc.load(root / "config" / "paper.yaml")
    valid, test = cfg["eval_sets"]["valid"], cfg["eval_sets"]["test"]
    assert not set(valid.values()) & set(test.values())
    assert all(valid[l] == f"results/valid_split/{l}.jsonl" for l in cfg["languages"])
    assert cfg["valid_split"] == {"source": "data/alpaca_eval/alpaca_eval.json", "n": 100, "seed": 0}
    assert cfg["test_categories"]["source"] == cfg["valid_split"]["source"]
    # every input the paper config names under data/ is fetched, never shipped
    named = [
        cfg["valid_split"]["source"],
        cfg["judge"]["prompt"],
        *test.values(),
        cfg["it_datasets"]["dolly"]["path"],
        *cfg["it_datasets"]["dolly"]["translations"].values(),
    ]
    assert all(p in cfg["downloads"] and not (root / p).exists() for p in named)
    assert cfg["judge"]["placeholders"] == {"instruction": "%%%TASK%%%", "response": "%%%SUBMISSION%%%"}
    assert cfg["downloads"][cfg["judge"]["prompt"]].endswith("/evaluation/eval_prompt_gpt.txt")


@pytest.mark.slow
def test_workflow_builds_valid_split_and_uses_given_translations(tmp_path):
    """The rules on a demo-sized config: the validation split from an AlpacaEval-like file (sample, the
    `openai` translation backend over real HTTP, LID gate, alignment across languages), the test categories,
    and dt data from a given French translation (import_translations, checked like machine output) with pt and
    ru machine-translated. The local server translates the demo world's sentences from its parallel data and
    leaves one valid prompt untranslated in Portuguese (the gate drops it from every language)."""
    import subprocess
    import sys
    from pathlib import Path

    import yaml
    from openai_server import OpenAIServer

    from xlit.data import check_aligned, load_prompts
    from xlit.io import read_jsonl, read_tsv

    root = Path(__file__).resolve().parents[1]
    cfg = yaml.safe_load((root / "config" / "config.yaml").read_text())
    cfg["demo"].update(n_corpus=200, n_it=30, n_valid=3, n_test=4)
    cfg["it_datasets"]["demo-dolly"]["translations"] = {"fr": "results/demo/it/dolly.fr.jsonl"}
    cfg["valid_split"] = {"source": "alpaca_eval.json", "n": 8, "seed": 0}
    cfg["test_categories"] = {"source": "alpaca_eval.json"}
    cfg["eval_sets"]["valid"] = {l: f"results/valid_split/{l}.jsonl" for l in cfg["languages"]}
    langs = cfg["languages"]

    def smk(*args):
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "snakemake",
                "--snakefile",
                str(root / "Snakefile"),
                "--directory",
                str(tmp_path),
                "--cores",
                "2",
                *args,
                "--configfile",
                str(tmp_path / "config.yaml"),
            ],
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
        return r.stdout + r.stderr

    (tmp_path / "config.yaml").write_text(yaml.safe_dump(cfg))
    smk("results/demo/parallel/fr.test.jsonl")
    names = {"French": "fr", "Portuguese": "pt", "Russian": "ru"}
    world = {
        l: {
            r["en"]: r["tgt"]
            for part in ("train", "test")
            for r in read_jsonl(tmp_path / f"results/demo/parallel/{l}.{part}.jsonl")
        }
        for l in names.values()
    }
    test_en = load_prompts(tmp_path / "results/demo/prompts/test/en.jsonl")
    pool = [
        {"instruction": r["en"], "dataset": "koala"}
        for r in read_jsonl(tmp_path / "results/demo/parallel/fr.test.jsonl")
    ]
    pool += [{"instruction": p["instruction"], "dataset": "vicuna"} for p in test_en]
    (tmp_path / "alpaca_eval.json").write_text(json.dumps(pool))
    sampled = []

    def translate(req, n):
        prompt = req["messages"][-1]["content"]
        lang = next(code for name, code in names.items() if f"into {name}" in prompt)
        text = prompt.split("<text>\n", 1)[1].rsplit("\n</text>", 1)[0]
        if lang == "pt" and sampled and text == sampled[0]:
            return text  # left in English: fails the LID gate
        return world[lang].get(text, text)

    targets = [
        "results/it_data/demo-dolly/dt.jsonl",
        "results/tables/translation_quality.tsv",
        *[f"results/valid_split/{l}.jsonl" for l in langs],
        *[f"results/prompts/test/{l}.jsonl" for l in langs],
    ]
    with OpenAIServer(handler=translate) as srv:
        cfg["translation"] = {
            "backend": "openai",
            "model": "world",
            "batch_size": 8,
            "endpoint": {"base_url": srv.base_url, "api_key_env": None, "concurrency": 4},
        }
        (tmp_path / "config.yaml").write_text(yaml.safe_dump(cfg))
        dry = smk("-n", *targets)
        stats = dry.split("Job stats:")[-1]
        assert re.search(r"^import_translations\s+1$", stats, re.M) and re.search(
            r"^translate_it_data\s+2$", stats, re.M
        )
        assert re.search(r"^translate_valid\s+3$", stats, re.M) and "build_translator" not in stats
        smk("results/valid_split/sample/en.jsonl")
        sampled.append(read_jsonl(tmp_path / "results/valid_split/sample/en.jsonl")[2]["instruction"])
        smk(*targets)

    valid = {l: load_prompts(tmp_path / f"results/valid_split/{l}.jsonl") for l in langs}
    check_aligned(valid, {l: l for l in langs})
    split = json.loads((tmp_path / "results/valid_split/split.json").read_text())
    assert split["failed_by_lang"]["pt"] >= 1 and sampled[0] not in {p["instruction"] for p in valid["en"]}
    assert len(valid["en"]) == split["kept"] == 8 - split["dropped"] >= 6
    assert not overlap(valid["en"], test_en) and {p["category"] for p in valid["fr"]} == {"koala"}
    # the test prompts themselves are in this pool, and whatever the fuzzy rule takes for one stays out too
    assert json.loads((tmp_path / "results/valid_split/sample/sample.json").read_text())["test_overlap"] >= len(test_en)
    assert not same_pairs(valid["en"], test_en)
    assert all(p["instruction"] == world["ru"][e["instruction"]] for p, e in zip(valid["ru"], valid["en"]))
    test = {l: load_prompts(tmp_path / f"results/prompts/test/{l}.jsonl") for l in langs}
    assert [p["id"] for p in test["ru"]] == [p["id"] for p in test_en] and all(p["category"] for p in test["ru"])
    fr = read_jsonl(tmp_path / "results/translations/demo-dolly/fr.jsonl")
    given = read_jsonl(tmp_path / "results/demo/it/dolly.fr.jsonl")
    assert [r["instruction"] for r in fr] == [r["instruction"] for r in given][: len(fr)] and len(fr) == 30
    assert all(r["lang"] == "fr" and r["source_id"] == r["id"] for r in fr)
    q = {r["lang"]: r for r in read_tsv(tmp_path / "results/tables/translation_quality.tsv")}
    assert set(q) == {"fr", "pt", "ru"} and q["fr"]["n"] == "30" and float(q["fr"]["chrf"]) == pytest.approx(100)
    assert float(q["fr"]["lid_ok_share"]) > 0.9
    assert json.loads((tmp_path / "results/translations/demo-dolly/fr.quality.json").read_text())["translator"]["given"]
    dt = read_jsonl(tmp_path / "results/it_data/demo-dolly/dt.jsonl")
    assert {r["lang"] for r in dt} == set(langs) and sum(r["lang"] == "fr" for r in dt) == 30
    assert (tmp_path / "logs/import_translations/demo-dolly/fr.log").stat().st_size > 0


def test_config_checks_for_given_translations_and_valid_split():
    import copy
    from pathlib import Path

    import yaml

    from xlit import config as xc

    base = yaml.safe_load((Path(__file__).resolve().parents[1] / "config" / "config.yaml").read_text())
    cfg = copy.deepcopy(base)
    cfg["it_datasets"]["demo-dolly"]["translations"] = {"de": "x.jsonl"}
    with pytest.raises(xc.ConfigError, match=r"it_datasets.demo-dolly.translations.de: not a target language"):
        xc.validate(cfg, "c.yaml")
    cfg = copy.deepcopy(base)  # every target language given: dt needs no MT model
    cfg["it_datasets"]["demo-dolly"]["translations"] = {l: f"{l}.jsonl" for l in ("fr", "pt", "ru")}
    cfg.pop("translation")
    xc.validate(cfg, "c.yaml")
    cfg["valid_split"] = {"source": "alpaca_eval.json"}
    with pytest.raises(xc.ConfigError, match=r"c.yaml: valid_split: needs a `translation` section"):
        xc.validate(cfg, "c.yaml")
    cfg = copy.deepcopy(base)
    cfg["it_datasets"]["demo-dolly"]["translations"] = {"fr": "fr.jsonl"}
    cfg.pop("translation")
    with pytest.raises(xc.ConfigError, match="`dt` needs a `translation` section"):
        xc.validate(cfg, "c.yaml")
