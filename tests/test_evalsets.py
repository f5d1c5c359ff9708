"""Eval prompt sets built from AlpacaEval: the validation split's sampling (disjoint from test, seeded),
its alignment across languages, and task categories joined onto test prompts. The translation of the
split by the tiny translator is in test_translate.py."""
from __future__ import annotations

import json

import pytest

from xlit.evalsets import assemble_split, join_categories, load_alpaca_eval, norm_text, overlap, sample_valid
from xlit.io import InputError


def alpaca(tmp_path, rows):
    p = tmp_path / "alpaca_eval.json"
    p.write_text(json.dumps(rows), encoding="utf-8")
    return p


POOL = [{"instruction": f"Question {i}: what is {i} plus {i}?", "output": "x", "generator": "g",
         "dataset": ["helpful_base", "koala", "oasst", "selfinstruct", "vicuna"][i % 5]} for i in range(40)]


def test_load_alpaca_eval(tmp_path):
    rows = load_alpaca_eval(alpaca(tmp_path, POOL))
    assert len(rows) == 40 and rows[3] == {"id": "alpaca_eval-3", "instruction": POOL[3]["instruction"],
                                           "category": "selfinstruct"}
    with pytest.raises(InputError, match=r"alpaca_eval.json:2: field 'instruction'"):
        load_alpaca_eval(alpaca(tmp_path, [POOL[0], {"dataset": "koala"}]))


def test_sample_valid_is_disjoint_seeded_and_counts(tmp_path):
    pool = load_alpaca_eval(alpaca(tmp_path, POOL + [{"instruction": "  question 5: WHAT is 5 plus 5? "}]))
    # test prompts: two of the pool's, written with other case and spacing
    test = [{"id": "1", "instruction": "QUESTION 3:  what is 3 plus 3?"},
            {"id": "2", "instruction": "question 7: what is 7 plus 7?\n"},
            {"id": "3", "instruction": "Not in the pool."}]
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
    assert [r["id"] for r in files["en"]] == [r["id"] for r in files["fr"]] == [r["id"] for r in files["ru"]] == ["a0", "a3"]
    assert files["ru"][1] == {"id": "a3", "instruction": "ru Q3", "category": "koala"}
    assert stats["kept"] == 2 and stats["dropped"] == 2 and stats["failed_by_lang"] == {"fr": 1, "ru": 1}
    with pytest.raises(InputError, match=r"fr.jsonl: field 'id': ids not aligned.*missing \['a3'\]"):
        assemble_split(en, {"fr": fr[:3]}, {"fr": "fr.jsonl"})


def test_join_categories_by_english_text():
    source = [{"id": "alpaca_eval-0", "instruction": "How do I bake bread?", "category": "koala"},
              {"id": "alpaca_eval-1", "instruction": "Name three colours.", "category": "selfinstruct"}]
    prompts = {"en": [{"id": "1", "instruction": "how do I  bake bread?", "category": ""},
                      {"id": "2", "instruction": "Name three colours.", "category": "mine"},
                      {"id": "3", "instruction": "Unknown prompt", "category": ""}],
               "fr": [{"id": "1", "instruction": "Comment faire du pain ?", "category": ""},
                      {"id": "2", "instruction": "Nomme trois couleurs.", "category": ""},
                      {"id": "3", "instruction": "Inconnu", "category": ""}]}
    out, stats = join_categories(prompts, source)
    assert [p["category"] for p in out["en"]] == [p["category"] for p in out["fr"]] == ["koala", "mine", ""]
    assert out["fr"][0]["instruction"] == "Comment faire du pain ?"
    assert stats == {"n": 3, "had_category": 1, "matched": 1, "none": 1}


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
    named = [cfg["valid_split"]["source"], cfg["judge"]["prompt"], *test.values(),
             cfg["it_datasets"]["dolly"]["path"], *cfg["it_datasets"]["dolly"]["translations"].values()]
    assert all(p in cfg["downloads"] and not (root / p).exists() for p in named)
    assert cfg["judge"]["placeholders"] == {"instruction": "%%%TASK%%%", "response": "%%%SUBMISSION%%%"}
    assert cfg["downloads"][cfg["judge"]["prompt"]].endswith("/evaluation/eval_prompt_gpt.txt")
