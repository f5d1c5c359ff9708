"""Constraint prompts: their types (a `.types` file beside the prompts, as the release ships them), the check per
type, worked by hand, the expected language they set, the table and the figure."""

import json
import math

import pytest

from xlit.constraints import (
    check,
    check_kind,
    check_rows,
    expected_lang,
    find_reference,
    list_items,
    read_types,
    run_job,
    summarize,
    table_rows,
    types_path,
)
from xlit.data import load_prompts
from xlit.demo.constraints import write_constraint_prompts
from xlit.figures.constraints import constraints_figure
from xlit.generate import generate_sets
from xlit.io import InputError, read_jsonl, write_jsonl
from xlit.lid import LID

FR = "Il faisait très beau hier, alors nous avons fait une longue promenade dans le parc."
RU = "Вчера была прекрасная погода, поэтому мы долго гуляли в парке вместе с друзьями."
EN = "The weather was beautiful yesterday, so we went for a long walk in the park."


@pytest.fixture(scope="module")
def lid():
    return LID()


def test_kinds_and_expected_language():
    assert check_kind("lang_ru") == "lang" and check_kind("num_items_7") == "num_items"
    assert check_kind("cap_template") == "cap_template" and check_kind("short") == "short"
    assert check_kind("complex_inst") == "judged" and check_kind("simple_style") == "judged"
    with pytest.raises(ValueError, match="unknown constraint type 'num_items_0'"):
        check_kind("num_items_0")
    assert expected_lang("lang_ru", "fr") == "ru" and expected_lang("short", "fr") == "fr"
    assert expected_lang(None, "pt") == "pt"


def test_types_file_beside_the_prompts(tmp_path):
    """The release's form: one JSON list of messages per line, the types in `<stem>.types` line by line."""
    prompts = tmp_path / "modifiers.fr.jsonl"
    prompts.write_text(
        "".join(json.dumps([{"role": "user", "content": f"Question {i}. Réponds en russe."}]) + "\n" for i in (1, 2))
    )
    assert types_path(prompts) == tmp_path / "modifiers.fr.types"
    assert [p.get("type") for p in load_prompts(prompts)] == [None, None]  # no types file: plain prompts
    types_path(prompts).write_text("lang_ru\nnum_items_3\n")
    assert [(p["id"], p["type"]) for p in load_prompts(prompts)] == [("1", "lang_ru"), ("2", "num_items_3")]
    types_path(prompts).write_text("lang_ru\nbold_template\n")
    with pytest.raises(InputError, match=r"modifiers\.fr\.types:2: field 'type': unknown constraint type"):
        load_prompts(prompts)
    types_path(prompts).write_text("lang_ru\n")
    with pytest.raises(InputError, match="1 types for 2 prompts"):
        load_prompts(prompts)
    assert read_types(types_path(prompts)) == ["lang_ru"]


def test_checks_by_hand(lid):
    assert check("lang_ru", RU, expect_lang="ru", lid=lid) == (True, "lines in ru")
    assert check("lang_ru", "Voici la réponse en russe :\n" + RU, expect_lang="ru", lid=lid)[0] is False
    assert check("lang_ru", "Да.", expect_lang="ru", lid=lid)[0] is None  # no line of 5+ words: not checked
    three = "Options:\n1. tea\n2) coffee\n- water"
    assert list_items(three) == 3 and check("num_items_3", three, expect_lang="en")[0] is True
    assert check("num_items_2", three, expect_lang="en") == (False, "3 items for 2")
    assert check("markdown_template", "## Title\nplain", expect_lang="en")[0] is True
    assert check("markdown_template", "Use **this** one.", expect_lang="en")[0] is True
    assert check("markdown_template", "Just a sentence, no markup.", expect_lang="en")[0] is False
    assert check("html_template", "<!DOCTYPE html><html><body>x</body></html>", expect_lang="en")[0] is True
    assert check("html_template", "<p>only a paragraph</p>", expect_lang="en")[0] is False
    assert check("arrow_template", "--> first\n--> second", expect_lang="en")[0] is True
    assert check("arrow_template", "--> first\n- second", expect_lang="en")[0] is False
    assert check("arrow_template", "first\nsecond", expect_lang="en")[0] is False
    assert check("cap_template", "The Weather Was Fine In The Park", expect_lang="en")[0] is True
    assert check("cap_template", "The weather Was Fine", expect_lang="en")[0] is False
    assert check("cap_template", "a b c", expect_lang="en")[0] is None
    assert check("cap_template", "Вчера Была Хорошая Погода", expect_lang="ru")[0] is True
    assert check("scientific_style", EN, expect_lang="en") == (None, "judged only")
    ref = {"id": "7", "response": "one two three four five", "n_tokens": 9}
    assert check("short", "one two", expect_lang="en", reference=ref)[0] is True
    assert check("short", "one two three four five six", expect_lang="en", reference=ref)[0] is False
    assert check("long", "one two three four five six", expect_lang="en", reference=ref)[0] is True
    assert check("long", "a b c d e f", expect_lang="en", reference=ref, max_new_tokens=9)[0] is None  # ref was cut
    assert check("short", "one", expect_lang="en")[0] is None  # no unmodified answer


def test_rows_reference_and_summary(lid):
    refs = [
        {"id": "1", "prompt": "Explain kickball.", "response": " ".join(["word"] * 30), "n_tokens": 40},
        {"id": "2", "prompt": "Explain", "response": "x", "n_tokens": 1},
    ]
    assert find_reference("Explain kickball. Answer briefly.", refs)["id"] == "1"  # the longest prefix
    assert find_reference("Something else.", refs) is None
    rows = [
        {"id": "a", "lang": "fr", "prompt": "Explain kickball. Be brief.", "response": "short one", "type": "short"},
        {"id": "b", "lang": "fr", "prompt": "Q", "response": RU, "type": "lang_ru", "expect_lang": "ru"},
        {"id": "c", "lang": "fr", "prompt": "Q", "response": FR, "type": "lang_ru", "expect_lang": "ru"},
        {"id": "d", "lang": "fr", "prompt": "Q", "response": FR, "type": "complex_inst"},
        {"id": "e", "lang": "fr", "prompt": "Q", "response": FR},  # no type: not a constraint prompt
    ]
    out = check_rows(rows, lid, references=refs)
    assert [(r["id"], r["pass"]) for r in out] == [("a", True), ("b", True), ("c", False), ("d", None)]
    assert out[0]["reference_id"] == "1" and out[1]["expect_lang"] == "ru"
    s = {x["type"]: x for x in summarize(out)}
    assert s["lang_ru"] == {"type": "lang_ru", "check": "lang", "n": 2, "n_checked": 2, "pass_rate": 0.5}
    assert s["complex_inst"]["n_checked"] == 0 and math.isnan(s["complex_inst"]["pass_rate"])


def test_generation_rows_carry_type_and_expected_language():
    class Echo:  # a generator answering every prompt with its own first token id
        tokenizer = None

    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.WordLevel({"[UNK]": 0, "</s>": 1, "hi": 2}, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    Echo.tokenizer = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="</s>", unk_token="[UNK]")
    Echo.tokenizer.chat_template = "{% for m in messages %}{{ m['content'] }}{% endfor %}"
    Echo.complete = lambda self, encoded, **kw: [[2] for _ in encoded]
    prompts = [{"id": "1", "instruction": "hi", "type": "lang_pt"}, {"id": "2", "instruction": "hi hi"}]
    rows = generate_sets(Echo(), {"k": ("fr", prompts)}, max_new_tokens=2, repetition_penalty=1.0, batch_size=2)["k"]
    assert (rows[0]["type"], rows[0]["expect_lang"]) == ("lang_pt", "pt") and "type" not in rows[1]


def test_job_table_and_demo_prompts(tmp_path, lid):
    test = {}
    for lang, text in (("en", "Name a river."), ("fr", "Nomme une rivière.")):
        test[lang] = tmp_path / f"test.{lang}.jsonl"
        write_jsonl(test[lang], [{"id": f"t{i}", "instruction": f"{text} ({i})"} for i in range(12)])
    outs = {lang: str(tmp_path / "constraints" / f"{lang}.jsonl") for lang in test}
    counts = write_constraint_prompts({k: str(v) for k, v in test.items()}, outs)
    assert counts["en"]["lang_fr"] == 3 and counts["fr"]["lang_en"] == 3 and counts["en"]["num_items_3"] == 1
    loaded = load_prompts(outs["fr"])
    assert loaded[0]["instruction"] == "Nomme une rivière. (0) Réponds en anglais." and loaded[0]["type"] == "lang_en"
    gens, refs = {}, {}
    for lang in test:
        gens[lang] = tmp_path / f"gen.{lang}.jsonl"
        refs[lang] = tmp_path / f"ref.{lang}.jsonl"
        write_jsonl(
            gens[lang],
            [
                {
                    "id": p["id"],
                    "lang": lang,
                    "prompt": p["instruction"],
                    "response": EN if lang == "fr" else "- a",
                    "n_tokens": 5,
                    "type": p["type"],
                }
                for p in load_prompts(outs[lang])
            ],
        )
        write_jsonl(
            refs[lang],
            [
                {"id": p["id"], "lang": lang, "prompt": p["instruction"], "response": "x y z", "n_tokens": 3}
                for p in load_prompts(test[lang])
            ],
        )
    meta = {"run": "r", "model": "m", "data": "d", "strategy": "en", "adaptation": "ft", "lr": "0.001"}
    spec = {
        "sets": [["constraints", "en"], ["constraints", "fr"]],
        "generations": [str(gens["en"]), str(gens["fr"])],
        "references": {k: str(v) for k, v in refs.items()},
        "lid_model": None,
        "lid_label_map": None,
        "max_new_tokens": 40,
        "rows": str(tmp_path / "checked.jsonl"),
        "summary": str(tmp_path / "s.jsonl"),
        "meta": meta,
    }
    run_job(spec)
    summaries = read_jsonl(tmp_path / "s.jsonl")
    by = {(s["lang"], s["type"]): s for s in summaries}
    assert by[("fr", "lang_en")]["pass_rate"] == 1.0  # an English answer to "answer in English"
    assert by[("en", "lang_fr")]["pass_rate"] is None  # "- a" is under 5 words: nothing to check
    assert by[("en", "short")]["pass_rate"] == 1.0 and by[("en", "long")]["pass_rate"] == 0.0  # 2 words vs 3
    assert by[("en", "markdown_template")]["pass_rate"] == 1.0 and by[("fr", "num_items_3")]["pass_rate"] == 0.0
    rows = table_rows(summaries + [{**summaries[0], "lr": "0.01"}], {"r": "0.001"})
    assert list(rows[0])[:6] == ["run", "model", "data", "strategy", "adaptation", "lr"]
    assert rows[0]["type"] == "lang_fr" and rows[0]["selected"] == 1 and rows[-1]["selected"] == 0
    fig = constraints_figure(rows, tmp_path / "c.pdf")
    labels = [t.get_text() for ax in fig.axes for t in ax.get_xticklabels()]
    assert "other language" in labels and "markdown" in labels and (tmp_path / "c.pdf").stat().st_size > 1000
    write_jsonl(gens["en"], [{"id": "1", "lang": "en", "prompt": "p", "response": "r", "n_tokens": 1}])
    with pytest.raises(InputError, match="no row has a constraint type"):
        run_job(spec)


def test_judge_prompt_names_the_expected_language_only_where_it_differs():
    """A French prompt asking for a Russian answer: the judge is told to judge the language against Russian; every
    other prompt renders as before (its cached answer stays valid)."""
    from xlit.judge import DEFAULT_TEMPLATE, render
    from xlit.judge.core import Item, prompts_of

    plain = Item(id="1", instruction="Q?", response="R", lang="fr")
    asked = Item(id="2", instruction="Q? Réponds en russe.", response="R", lang="fr", expect_lang="ru")
    same = Item(id="3", instruction="Q?", response="R", lang="fr", expect_lang="fr")
    out = prompts_of([plain, asked, same], DEFAULT_TEMPLATE)
    assert out[0] == out[2] == render(DEFAULT_TEMPLATE, "Q?", "R")
    assert out[1].startswith(render(DEFAULT_TEMPLATE, asked.instruction, "R"))
    assert out[1].endswith("the expected language of the submission is Russian: the task asks for it.")
