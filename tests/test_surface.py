import json
import math

import pytest

from xlit.fluency import FluencyLM
from xlit.io import InputError
from xlit.lid import LID, default_model_path, map_label
from xlit.surface import (
    DERIVED,
    METRICS,
    TABLE_COLUMNS,
    code_switch,
    confusion_lines,
    fluency_ppl,
    harmonic,
    line_pass,
    max_line_run,
    read_generations,
    repetition,
    response_features,
    sentences,
    summarize,
    surface_rows,
    surface_sets,
    table_rows,
    word_pass,
)

EN = [
    "The weather was beautiful yesterday, so we went for a long walk in the park.",
    "My brother works as an engineer in a large company near the city centre.",
    "Please remember to buy some bread and milk on your way home tonight.",
    "The children are reading interesting books about animals and their habitats.",
]
FR = [
    "Il faisait très beau hier, alors nous avons fait une longue promenade dans le parc.",
    "Mon frère travaille comme ingénieur dans une grande entreprise près du centre-ville.",
    "N'oublie pas d'acheter du pain et du lait en rentrant à la maison ce soir.",
    "Les enfants lisent des livres intéressants sur les animaux et leurs habitats.",
]
PT = [
    "O tempo estava lindo ontem, então fizemos uma longa caminhada no parque.",
    "Meu irmão trabalha como engenheiro em uma grande empresa perto do centro da cidade.",
    "Não se esqueça de comprar pão e leite no caminho para casa hoje à noite.",
]
RU = [
    "Вчера была прекрасная погода, поэтому мы долго гуляли в парке.",
    "Мой брат работает инженером в большой компании недалеко от центра города.",
    "Не забудь купить хлеб и молоко по дороге домой сегодня вечером.",
]


@pytest.fixture(scope="module")
def lid():
    return LID()


def test_default_model_is_the_wheel_file():
    path = default_model_path()
    assert path.name == "lid.176.ftz" and path.parent.name == "resources"
    assert path.stat().st_size > 500_000


@pytest.mark.parametrize("lang,texts", [("en", EN), ("fr", FR), ("pt", PT), ("ru", RU)])
def test_lid_per_language(lid, lang, texts):
    for t in texts:
        got, prob = lid.predict(t)
        assert got == lang, t
        assert 0.5 < prob <= 1.0


def test_lid_folds_newlines_and_blank(lid):
    assert lid.predict(FR[0] + "\n\n" + FR[1])[0] == "fr"
    assert lid.predict("  \n ") == ("", 0.0)
    top = lid.predict_k(PT[0], k=3)
    assert len(top) == 3 and top[0][0] == "pt" and top[0][1] >= top[1][1]


def test_lid_mixed_text_majority(lid):
    # whole-response LID follows the dominant language; code_switch sees the minority
    mixed = " ".join(FR[:3] + EN[:1])
    assert lid.predict(mixed)[0] == "fr"
    assert code_switch(mixed, "fr", lid) == pytest.approx(0.25)


def test_label_mapping():
    assert map_label("__label__fr") == "fr"
    assert map_label("__label__fra_Latn") == "fr"
    assert map_label("__label__por_Latn") == "pt"
    assert map_label("__label__rus_Cyrl") == "ru"
    assert map_label("__label__zho_Hant") == "zh"
    assert map_label("__label__arb_Arab") == "ar"
    assert map_label("__label__xyz_Latn") == "xyz"  # unknown: kept
    assert map_label("__label__fr", {"__label__fr": "french"}) == "french"
    assert map_label("__label__fr", {"fr": "FR"}) == "FR"


def test_lid_explicit_label_map(tmp_path):
    m = tmp_path / "map.tsv"
    m.write_text("# label\tlang\n__label__fr\tfra\n", encoding="utf-8")
    lid = LID(label_map=str(m))
    assert lid.predict(FR[0])[0] == "fra"
    assert lid.predict(EN[0])[0] == "en"
    with pytest.raises(FileNotFoundError):
        LID(tmp_path / "nope.ftz")


def test_sentences_split():
    assert sentences("One. Two!  Three?\nFour\n\nFive") == ["One.", "Two!", "Three?", "Four", "Five"]
    assert sentences("你好。世界！") == ["你好。", "世界！"]
    assert sentences("") == []


def test_code_switch_constructed_mixes(lid):
    two_of_four = " ".join([EN[0], FR[0], EN[1], FR[1]])
    assert code_switch(two_of_four, "en", lid) == pytest.approx(0.5)
    assert code_switch(two_of_four, "fr", lid) == pytest.approx(0.5)
    assert code_switch("\n".join(EN), "en", lid) == 0.0
    assert code_switch("\n".join(RU), "en", lid) == 1.0
    # short sentences (< min_chars) are not judged
    assert code_switch(EN[0] + " Oui. Merci!", "en", lid) == 0.0
    assert code_switch("Oui. Merci!", "en", lid) == 0.0
    assert code_switch(" ".join(PT[:2] + EN[:2]), "pt", lid, min_chars=1000) == 0.0


def test_repetition_and_loops():
    loop = "a b c d " * 3
    assert repetition(loop) == pytest.approx(1 - 4 / 9)
    assert repetition("one two three four five six") == 0.0
    assert repetition("too short") == 0.0
    assert repetition("x " * 100) == pytest.approx(1 - 1 / 97)
    assert max_line_run("x\nx\n\nx\ny") == 3
    assert max_line_run("a\nb\na\nb") == 1
    assert max_line_run("I like it.\n" * 5 + "End") == 5
    assert max_line_run("") == 0


def test_response_features(lid):
    f = response_features(" ".join(FR[:2]), "fr", lid)
    assert f["correct_lang"] is True and f["lid_lang"] == "fr" and f["code_switch"] == 0.0
    assert f["n_words"] == len(" ".join(FR[:2]).split()) and f["empty"] is False
    assert response_features(EN[0], "fr", lid)["correct_lang"] is False
    assert response_features(FR[0], "fr", lid, threshold=1.01)["correct_lang"] is False
    e = response_features("  ", "fr", lid)
    assert e == {
        "correct_lang": False,
        "lid_lang": "",
        "lid_prob": 0.0,
        "code_switch": 0.0,
        "n_words": 0,
        "empty": True,
        "repetition": 0.0,
        "max_line_run": 0,
        "line_pass": None,  # no line to check: neither a pass nor a fail
        "word_pass": None,
    }


def test_line_pass_is_the_language_confusion_benchmark_s(lid):
    """A French answer with an English preamble line: whole-response LID calls it French, the line check fails
    it (the benchmark's point); short lines are not checked; the text after "\nQ:" is not the answer."""
    answer = "\n".join(FR[:3])
    assert line_pass(answer, "fr", lid) is True
    preamble = "Here is the answer you asked for in French:\n" + answer
    assert response_features(preamble, "fr", lid)["correct_lang"] is True and line_pass(preamble, "fr", lid) is False
    assert line_pass("Voici.\n" + answer, "fr", lid) is True  # a line under 5 words is ignored
    assert line_pass(answer + "\nQ: " + EN[0], "fr", lid) is True
    assert line_pass("Oui, merci !", "fr", lid) is None
    assert confusion_lines("Bonjour — le monde, c'est « beau » ici.") == ["Bonjour   le monde cest « beau » ici"]
    rows = [{"line_pass": True}, {"line_pass": False}, {"line_pass": None}, {"line_pass": True}]
    assert summarize([{**r, "correct_lang": 1} for r in rows])["line_pass_rate"] == pytest.approx(2 / 3)


class _FixedLID:
    """LID answering (label, probability) from a table of lines: the 0.3 threshold, exactly."""

    def __init__(self, table):
        self.table = table

    def predict(self, text):
        return self.table[text]


def test_line_pass_threshold_is_above_0_3():
    line = "un deux trois quatre cinq"
    assert line_pass(line, "fr", _FixedLID({line: ("fr", 0.31)})) is True
    assert line_pass(line, "fr", _FixedLID({line: ("fr", 0.3)})) is False  # not above 0.3: "unknown", a miss
    assert line_pass(line, "fr", _FixedLID({line: ("en", 0.9)})) is False
    short = "un deux trois quatre"  # 4 tokens: not checked, so the response is skipped
    assert line_pass(short, "fr", _FixedLID({})) is None


def test_word_pass_and_lcpr_by_hand(lid):
    """WPR (Russian only here): among responses whose every line passes, those with no English word (lower-case,
    > 3 letters); LCPR the harmonic mean of LPR and WPR."""
    answer = "\n".join(RU[:2])
    assert line_pass(answer, "ru", lid) is True and word_pass(answer, "ru", True) is True
    mixed = RU[0] + "\n" + "Мой брат работает инженером в большой компании, this is important."
    assert line_pass(mixed, "ru", lid) is True  # the line is still Russian to LID
    assert word_pass(mixed, "ru", True) is False  # "this" and "important" are English words
    assert word_pass("Мой брат работает в Google и любит API каждый день.", "ru", True) is True  # not lower-case
    assert word_pass(answer, "ru", False) is None and word_pass(answer, "ru", None) is None  # line fail / skip
    assert word_pass("\n".join(FR[:2]), "fr", True) is None  # Latin script: no WPR
    rows = [
        {"line_pass": True, "word_pass": True},
        {"line_pass": True, "word_pass": False},
        {"line_pass": False, "word_pass": None},
        {"line_pass": None, "word_pass": None},
    ]
    s = summarize(rows)
    assert s["line_pass_rate"] == pytest.approx(2 / 3) and s["word_pass_rate"] == pytest.approx(1 / 2)
    assert s["lcpr"] == pytest.approx(2 * (2 / 3) * (1 / 2) / (2 / 3 + 1 / 2))
    fr = summarize([{"line_pass": True, "word_pass": None}, {"line_pass": False, "word_pass": None}])
    assert math.isnan(fr["word_pass_rate"]) and fr["lcpr"] == fr["line_pass_rate"] == 0.5
    assert harmonic(0.0, 0.0) == 0.0


def test_expected_language_per_row(lid):
    """A French prompt that asks for a Russian answer is right when answered in Russian."""
    rows = [
        {
            "id": "1",
            "lang": "fr",
            "prompt": "p",
            "response": "\n".join(RU[:2]),
            "n_tokens": 9,
            "type": "lang_ru",
            "expect_lang": "ru",
        },
        {"id": "2", "lang": "fr", "prompt": "p", "response": "\n".join(RU[:2]), "n_tokens": 9},
    ]
    out = surface_rows(rows, "fr", lid)
    assert [r["expect_lang"] for r in out] == ["ru", "fr"] and out[0]["type"] == "lang_ru" and "type" not in out[1]
    assert [r["correct_lang"] for r in out] == [True, False] and [r["line_pass"] for r in out] == [True, False]
    assert out[0]["word_pass"] is True and out[1]["word_pass"] is None
    with pytest.raises(ValueError, match="'xx'"):
        surface_rows([{**rows[0], "expect_lang": "xx"}], "fr", lid)


# ---- fluency -------------------------------------------------------------------------------------


def _direct_ppl(model_dir, text):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir).eval()
    ids = torch.tensor([[tok.bos_token_id] + tok.encode(text, add_special_tokens=False)])
    with torch.no_grad():
        return math.exp(model(input_ids=ids, labels=ids).loss.item())


def test_fluency_matches_transformers_loss(tiny_lm_dir):
    texts = [FR[0], "Paris.", EN[1] + " " + EN[2], "", RU[0], "Yes"]
    batched = fluency_ppl(texts, tiny_lm_dir, batch_size=4, device="cpu")  # padded batches
    single = fluency_ppl(texts, tiny_lm_dir, batch_size=1, device="cpu")
    assert math.isnan(batched[3]) and math.isnan(single[3])
    for i, t in enumerate(texts):
        if not t:
            continue
        ref = _direct_ppl(tiny_lm_dir, t)
        assert batched[i] == pytest.approx(ref, rel=1e-4), t
        assert single[i] == pytest.approx(ref, rel=1e-4), t
    # a random 400-token vocabulary model: perplexity of the order of the vocabulary size
    assert 50 < batched[0] < 2000


def test_fluency_counts_tokens_and_reads_source_json(tiny_lm_dir, tmp_path):
    src = tmp_path / "source.json"
    src.write_text(json.dumps({"path": str(tiny_lm_dir)}))
    lm = FluencyLM(src, device="cpu")
    out = lm.nll(["Hello world", ""], batch_size=2)
    n = len(lm.tokenizer("Hello world", add_special_tokens=False)["input_ids"])
    assert out[0][1] == n and lm.tokens_scored == n
    assert math.isnan(out[1][0]) and out[1][1] == 0


# ---- files, rows, summary ------------------------------------------------------------------------


def _gen(i, response, lang="fr", n_tokens=5):
    return {
        "id": f"q{i}",
        "lang": lang,
        "category": "open_qa",
        "prompt": "Question ?",
        "response": response,
        "n_tokens": n_tokens,
    }


def _write(path, rows):
    path.write_text(
        "".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    return path


def test_read_generations_reports_bad_lines(tmp_path):
    ok = _write(tmp_path / "ok.jsonl", [_gen(1, FR[0]), "\n", _gen(2, "")])
    assert [r["id"] for r in read_generations(ok, lang="fr")] == ["q1", "q2"]
    bad = _write(tmp_path / "bad.jsonl", [_gen(1, FR[0]), "\n", '{"id": "q2", "lang": \n'])
    with pytest.raises(InputError, match=r"bad\.jsonl:3: not valid JSON"):
        read_generations(bad)
    missing = _write(
        tmp_path / "missing.jsonl", [_gen(1, FR[0]), {k: v for k, v in _gen(2, "x").items() if k != "response"}]
    )
    with pytest.raises(InputError, match=r"missing\.jsonl:2: field 'response': missing"):
        read_generations(missing)
    wrong = _write(tmp_path / "wrong.jsonl", [_gen(1, FR[0], n_tokens="5")])
    with pytest.raises(InputError, match=r"wrong\.jsonl:1: field 'n_tokens'"):
        read_generations(wrong)
    other = _write(tmp_path / "other.jsonl", [_gen(1, FR[0]), _gen(2, EN[0], lang="en")])
    with pytest.raises(InputError, match=r"other\.jsonl:2: field 'lang'"):
        read_generations(other, lang="fr")


def test_surface_rows_and_summary(lid, tiny_lm_dir):
    gens = [
        _gen(1, " ".join(FR[:2]), n_tokens=30),
        _gen(2, EN[0], n_tokens=20),
        _gen(3, "", n_tokens=0),
        _gen(4, "Je pense.\n" * 4, n_tokens=10),
    ]
    rows = surface_rows(gens, "fr", lid, fluency=tiny_lm_dir, batch_size=2, device="cpu")
    assert [r["id"] for r in rows] == ["q1", "q2", "q3", "q4"]
    assert [r["correct_lang"] for r in rows[:3]] == [True, False, False]
    assert rows[2]["fluency_ppl"] is None and rows[0]["fluency_ppl"] > 1
    assert rows[3]["max_line_run"] == 4
    s = summarize(rows)
    assert s["n"] == 4
    assert s["mean_tokens"] == pytest.approx(15.0)
    assert s["empty"] == pytest.approx(0.25)
    assert s["code_switch"] == pytest.approx(0.25)  # the English response: 1 of 1 sentence
    assert s["correct_lang"] == pytest.approx(sum(r["correct_lang"] for r in rows) / 4)
    ppl = [r["fluency_ppl"] for r in rows if r["fluency_ppl"] is not None]
    assert s["fluency_ppl"] == pytest.approx(math.exp(sum(map(math.log, ppl)) / 3))
    assert math.isnan(summarize([])["correct_lang"])


def test_surface_sets_equal_per_file_rows_with_one_model_load(lid, tiny_lm_dir, monkeypatch):
    sets = {
        ("valid", "fr"): ("fr", [_gen(1, FR[0]), _gen(2, ""), _gen(3, EN[0])]),
        ("test", "fr"): ("fr", [_gen(1, FR[0]), _gen(2, FR[1])]),  # a response shared with valid
        ("test", "ru"): ("ru", [_gen(1, RU[0], lang="ru"), _gen(2, RU[1] + " " + EN[1], lang="ru")]),
    }
    per_file = {
        k: surface_rows(rows, lang, lid, fluency=tiny_lm_dir, batch_size=1, device="cpu")
        for k, (lang, rows) in sets.items()
    }
    loads, scored = [], []
    init, ppl = FluencyLM.__init__, FluencyLM.ppl
    monkeypatch.setattr(FluencyLM, "__init__", lambda self, *a, **k: (loads.append(a), init(self, *a, **k))[1])
    monkeypatch.setattr(
        FluencyLM, "ppl", lambda self, texts, bs=8: (scored.append(list(texts)), ppl(self, texts, bs))[1]
    )
    together = surface_sets(sets, lid, fluency=tiny_lm_dir, batch_size=3, device="cpu")
    assert len(loads) == 1 and len(scored) == 1 and len(scored[0]) == 6  # one pass over the distinct responses
    assert list(together) == list(sets)
    for k in sets:
        assert [r["id"] for r in together[k]] == [r["id"] for r in per_file[k]]
        for a, b in zip(together[k], per_file[k]):
            assert {f: v for f, v in a.items() if f != "fluency_ppl"} == {
                f: v for f, v in b.items() if f != "fluency_ppl"
            }
            assert (
                a["fluency_ppl"] == pytest.approx(b["fluency_ppl"], rel=1e-4)
                if b["fluency_ppl"]
                else a["fluency_ppl"] is None
            )
    assert together[("test", "ru")][0]["lang"] == "ru" and together[("test", "ru")][0]["correct_lang"]
    without = surface_sets(sets, lid)
    assert all(r["fluency_ppl"] is None for rows in without.values() for r in rows)


def test_table_rows():
    s = {
        "run": "tiny-multi_demo-dolly_en_ft",
        "model": "tiny-multi",
        "data": "demo-dolly",
        "strategy": "en",
        "adaptation": "ft",
        "lr": "0.003",
        "split": "valid",
        "lang": "fr",
        "n": 3,
        "correct_lang": 0.5,
        "code_switch": 0.1,
        "mean_tokens": 12.0,
        "repetition": 0.0,
        "fluency_ppl": None,
        "empty": 0.0,
        "extra": 1,
    }
    rows = table_rows([s, {**s, "lr": "0.0003"}, {**s, "lang": "en"}])
    assert list(rows[0]) == TABLE_COLUMNS
    assert TABLE_COLUMNS[-6:] == ["empty", "mean_words", "max_line_run", "line_pass_rate", "word_pass_rate", "lcpr"]
    assert set(summarize([])) == {"n", *METRICS, *DERIVED} and math.isnan(rows[0]["mean_words"])
    assert [(r["lr"], r["lang"]) for r in rows] == [("0.0003", "fr"), ("0.003", "en"), ("0.003", "fr")]
    assert rows[0]["model"] == "tiny-multi" and rows[0]["adaptation"] == "ft" and math.isnan(rows[0]["fluency_ppl"])


# ---- CLI -----------------------------------------------------------------------------------------


def test_cli_plain_text_and_jsonl(tmp_path, capsys, tiny_lm_dir):
    from xlit.cli import main

    txt = tmp_path / "r.txt"
    txt.write_text(FR[0] + "\n\n" + EN[0] + "\n", encoding="utf-8")
    assert main(["surface", "--lang", "fr", str(txt)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n"] == 2 and out["correct_lang"] == 0.5 and out["fluency_ppl"] is None
    assert out["mean_tokens"] is None

    jl = _write(tmp_path / "r.jsonl", [{"response": FR[1], "n_tokens": 7}, {"response": FR[2], "n_tokens": 9}])
    rows_out = tmp_path / "rows.jsonl"
    assert (
        main(
            [
                "surface",
                "--lang",
                "fr",
                str(jl),
                "--fluency-model",
                str(tiny_lm_dir),
                "--device",
                "cpu",
                "--rows",
                str(rows_out),
            ]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["correct_lang"] == 1.0 and out["mean_tokens"] == 8.0 and out["fluency_ppl"] > 1
    assert len(rows_out.read_text().splitlines()) == 2


def test_cli_malformed_jsonl_exit_2(tmp_path, capsys):
    from xlit.cli import main

    bad = _write(tmp_path / "bad.jsonl", [{"response": FR[0]}, '{"response": "oops"\n'])
    assert main(["surface", "--lang", "fr", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:2:" in err and "not valid JSON" in err
    nofield = _write(tmp_path / "nofield.txt", [{"response": FR[0]}, {"text": "x"}])  # auto-detected JSONL
    assert main(["surface", "--lang", "fr", str(nofield)]) == 2
    assert "nofield.txt:2: field 'response': missing" in capsys.readouterr().err


def test_cli_add_parser_registers_subcommand():
    from xlit.cli import build_parser
    from xlit.cli.surface import run

    args = build_parser().parse_args(["surface", "--lang", "pt", "f.jsonl", "--lid-model", "m.ftz"])
    assert args.func is run and args.lang == "pt" and args.lid_model == "m.ftz" and args.fluency_model is None
