"""Machine translation of IT data (issue 3): segmenter, language codes, segment cache and resume, the
`hf` backend on a real (tiny, locally trained) MarianMT model, the `openai` backend over real HTTP,
quality gates, dt mixing, and the tiny translator beating the copy baseline."""

from __future__ import annotations

import json
import random

import pytest

from xlit.io import read_jsonl, write_jsonl
from xlit.mt import (
    HFBackend,
    Translator,
    UnsupportedLanguage,
    check_languages,
    family_of,
    lang_spec,
    make_translator,
    mix_dt,
    reassemble,
    segment,
    segment_gates,
    supported_languages,
    translate_dataset,
    translate_rows,
)

# ---- a small synthetic world of parallel sentences (until the demo world's parallel data is used) ------

NOUNS = [
    ("cat", "chat", "gato", "кошка"),
    ("dog", "chien", "cão", "собака"),
    ("house", "maison", "casa", "дом"),
    ("river", "rivière", "rio", "река"),
    ("tree", "arbre", "árvore", "дерево"),
    ("book", "livre", "livro", "книга"),
    ("city", "ville", "cidade", "город"),
    ("bird", "oiseau", "pássaro", "птица"),
    ("car", "voiture", "carro", "машина"),
    ("garden", "jardin", "jardim", "сад"),
    ("king", "roi", "rei", "король"),
    ("forest", "forêt", "floresta", "лес"),
    ("friend", "ami", "amigo", "друг"),
    ("ship", "navire", "navio", "корабль"),
    ("window", "fenêtre", "janela", "окно"),
]
ADJS = [
    ("old", "vieux", "velho", "старый"),
    ("small", "petit", "pequeno", "маленький"),
    ("red", "rouge", "vermelho", "красный"),
    ("happy", "heureux", "feliz", "счастливый"),
    ("quiet", "calme", "calmo", "тихий"),
    ("new", "nouveau", "novo", "новый"),
]
VERBS = [
    ("sees", "voit", "vê", "видит"),
    ("likes", "aime", "gosta de", "любит"),
    ("finds", "trouve", "encontra", "находит"),
    ("follows", "suit", "segue", "следует за"),
    ("builds", "construit", "constrói", "строит"),
    ("watches", "regarde", "observa", "смотрит на"),
]
WHEN = [
    ("in the morning", "le matin", "de manhã", "утром"),
    ("every day", "chaque jour", "todos os dias", "каждый день"),
    ("near the sea", "près de la mer", "perto do mar", "у моря"),
    ("at night", "la nuit", "à noite", "ночью"),
]
IDX = {"fr": 1, "pt": 2, "ru": 3}


def render(a, n, v, n2, w, lang):
    if lang == "en":
        return f"The {a[0]} {n[0]} {v[0]} the {n2[0]} {w[0]}."
    if lang == "fr":
        return f"Le {n[1]} {a[1]} {v[1]} le {n2[1]} {w[1]}."
    if lang == "pt":
        return f"O {n[2]} {a[2]} {v[2]} o {n2[2]} {w[2]}."
    return f"{a[3].capitalize()} {n[3]} {w[3]} {v[3]} {n2[3]}."


def synth_pair(rng, lang):
    parts = [rng.choice(x) for x in (ADJS, NOUNS, VERBS, NOUNS, WHEN)]
    return render(*parts, "en"), render(*parts, lang)


def world_translate(en: str, lang: str) -> str:
    """The synthetic world's exact translation of one of its English sentences (else the input)."""
    import re

    def alt(xs):
        return "(" + "|".join(re.escape(x[0]) for x in xs) + ")"

    m = re.fullmatch(f"The {alt(ADJS)} {alt(NOUNS)} {alt(VERBS)} the {alt(NOUNS)} {alt(WHEN)}\\.", en)
    if not m:
        return en
    lists = (ADJS, NOUNS, VERBS, NOUNS, WHEN)
    return render(*[next(x for x in xs if x[0] == g) for xs, g in zip(lists, m.groups())], lang)


def write_parallel(d, langs=("fr", "pt", "ru"), n_train=1500, n_test=60):
    d.mkdir(parents=True, exist_ok=True)
    for lang in langs:
        rng, pairs = random.Random(lang), {}
        while len(pairs) < n_train + n_test:
            en, t = synth_pair(rng, lang)
            pairs[en] = t
        items = list(pairs.items())
        write_jsonl(d / f"{lang}.train.jsonl", [{"en": e, "tgt": t} for e, t in items[:n_train]])
        write_jsonl(d / f"{lang}.test.jsonl", [{"en": e, "tgt": t} for e, t in items[n_train:]])
    return d


TINY_TEST_SETTINGS = {
    "vocab_size": 800,
    "d_model": 128,
    "layers": 2,
    "heads": 4,
    "ffn_dim": 256,
    "steps": 400,
    "warmup": 40,
    "eval_pairs": 60,
}


@pytest.fixture(scope="session")
def tiny_translator(tmp_path_factory):
    """The demo translator built by the real builder on synthetic parallel data (~25 s on one core)."""
    import torch

    from xlit.demo import build_translator

    torch.set_num_threads(1)
    root = tmp_path_factory.mktemp("mt")
    par = write_parallel(root / "parallel")
    out = root / "translator"
    meta = build_translator(par, ["fr", "pt", "ru"], out, TINY_TEST_SETTINGS, log=lambda *a: None)
    return out, meta, par


TINY_CFG = {"backend": "hf", "model": "tiny", "batch_size": 8, "max_length": 64, "num_beams": 1}


class Counting:
    """Wraps a real backend and counts what reaches it (no fake translations)."""

    def __init__(self, inner, fail_after_batches: int | None = None):
        self.inner, self.fail_after = inner, fail_after_batches
        self.batches, self.segments = 0, []

    def context(self, src, tgt):
        return self.inner.context(src, tgt)

    def translate_batch(self, segs, src, tgt):
        if self.fail_after is not None and self.batches >= self.fail_after:
            raise KeyboardInterrupt("simulated kill")
        self.batches += 1
        self.segments += segs
        return self.inner.translate_batch(segs, src, tgt)


class Identity:
    """A backend that returns its input: for structure tests and the 'untranslated' gate."""

    name = "identity"

    def context(self, src, tgt):
        return {"backend": "identity", "src": src, "tgt": tgt}

    def translate_batch(self, segs, src, tgt):
        return list(segs)


# ---- segmenter -------------------------------------------------------------------------------------

STRUCTURED = [
    "Plain sentence. Another one! A third?",
    "Para one line one.\nPara one line two.\n\nPara two after a blank line.\n\n\n",
    "Steps:\n1. Boil water. Wait a bit.\n2) Add pasta\n  - sub bullet one\n  * sub bullet two\n• dot bullet\n",
    "Here is code:\n```python\ndef f(x):\n    # Not translated. Really.\n    return x\n```\nAfter the code. Done.",
    "Unclosed fence:\n```\ncode line. More code.",
    "Dr. Smith met J. K. Rowling in the U.S. yesterday. They talked.",
    "# Heading\n> A quote here. And more.\n\nTrailing spaces   \n\ttabbed line.",
    "Windows\r\nline endings.\r\nOK.",
    "Numbers only: 1999. 42\n- 3.14\n",
    "",
    "   ",
    "Русский текст. Ещё одно предложение!",
]


@pytest.mark.parametrize("text", STRUCTURED)
def test_segment_roundtrip_identity(text):
    seg = segment(text)
    assert reassemble(seg, seg.segments) == text


def test_segment_structure_survives_translation():
    text = STRUCTURED[2] + "\n" + STRUCTURED[3]
    seg = segment(text)
    out = reassemble(seg, [s.upper() for s in seg.segments])
    assert out.splitlines()[:7] == [
        "STEPS:",
        "1. BOIL WATER. WAIT A BIT.",
        "2) ADD PASTA",
        "  - SUB BULLET ONE",
        "  * SUB BULLET TWO",
        "• DOT BULLET",
        "",
    ]
    assert "def f(x):\n    # Not translated. Really.\n    return x\n```" in out  # code verbatim
    assert "AFTER THE CODE. DONE." in out
    assert all("def f" not in s and "```" not in s for s in seg.segments)
    # sentences are split, list markers and abbreviations are not segments of their own
    assert "Boil water." in seg.segments and "Wait a bit." in seg.segments
    s2 = segment(STRUCTURED[5]).segments
    assert s2 == ["Dr. Smith met J. K. Rowling in the U.S. yesterday.", "They talked."]
    # a translation with line breaks cannot break the structure
    assert reassemble(segment("1. A.\n2. B."), ["x\ny", "z"]) == "1. x y\n2. z"


def test_long_sentence_is_cut_not_truncated():
    text = ", ".join(f"clause number {i} with some words" for i in range(60)) + "."
    seg = segment(text, max_chars=120)
    assert len(seg.segments) > 10 and max(map(len, seg.segments)) <= 120
    assert reassemble(seg, seg.segments) == text
    nospace = "x" * 500  # a single 500-char token is never cut inside
    assert segment(nospace, max_chars=100).segments == [nospace]


# ---- language codes --------------------------------------------------------------------------------


def test_codes_per_family():
    nllb = {"model": "facebook/nllb-200-3.3B"}
    assert family_of(nllb) == "nllb"
    s = lang_spec(nllb, "en", "fr")
    assert (s.src_lang, s.forced_bos, s.prefix) == ("eng_Latn", "fra_Latn", "")
    assert lang_spec(nllb, "en", "ru").forced_bos == "rus_Cyrl"
    assert lang_spec(nllb, "en", "pt").forced_bos == "por_Latn"
    m2m = {"model": "facebook/m2m100_418M"}
    s = lang_spec(m2m, "en", "pt")
    assert (family_of(m2m), s.src_lang, s.forced_bos, s.prefix) == ("m2m100", "en", "__pt__", "")
    mad = {"model": "google/madlad400-3b-mt"}
    s = lang_spec(mad, "en", "fr")
    assert (family_of(mad), s.src_lang, s.forced_bos, s.prefix) == ("madlad", None, None, "<2fr> ")
    pair = {"model": "Helsinki-NLP/opus-mt-{src}-{tgt}"}
    assert family_of(pair) == "marian" and lang_spec(pair, "en", "fr").prefix == ""
    multi = {"model": "Helsinki-NLP/opus-mt-tc-big-en-romance"}
    assert lang_spec(multi, "en", "pt").prefix == ">>por<< "
    assert lang_spec(multi, "en", "pt", vocab={">>pt<<": 5, ">>fr<<": 6}).prefix == ">>pt<< "
    with pytest.raises(UnsupportedLanguage, match=">>fr<<"):
        lang_spec(multi, "en", "ru", vocab={">>pt<<": 5, ">>fr<<": 6})
    assert (
        lang_spec({"model": "x", "family": "nllb", "lang_codes": {"fr": "fra_Latn"}}, "en", "fr").forced_bos
        == "fra_Latn"
    )
    with pytest.raises(UnsupportedLanguage, match="no token"):
        lang_spec(nllb, "en", "fr", vocab={"eng_Latn": 1})


def test_check_languages_lists_supported():
    check_languages({"model": "facebook/nllb-200-3.3B"}, ["fr", "pt", "ru"])
    with pytest.raises(UnsupportedLanguage) as e:
        check_languages({"model": "facebook/nllb-200-3.3B"}, ["fr", "xx"])
    assert "xx" in str(e.value) and "fr, " in str(e.value) and "rus" not in str(e.value)
    with pytest.raises(UnsupportedLanguage, match="supported: .*ast"):
        check_languages({"model": "facebook/m2m100_418M"}, ["eo"])
    with pytest.raises(ValueError, match="family"):
        check_languages({"model": "some/unknown-model"}, ["fr"])
    check_languages({"model": "tiny"}, ["fr", "pt", "ru"])  # not built yet: checked at load
    assert supported_languages({"model": "Helsinki-NLP/opus-mt-{src}-{tgt}"}) is None


def test_tiny_languages_from_built_model(tiny_translator):
    out, meta, _ = tiny_translator
    assert family_of({"model": str(out)}) == "tiny"
    assert supported_languages({"model": "tiny"}, out) == ["en", "fr", "pt", "ru"]
    with pytest.raises(UnsupportedLanguage, match="supported: en, fr, pt, ru"):
        check_languages({"model": "tiny"}, ["de"], model_dir=out)


# ---- the tiny translator, through the same hf backend as NLLB -----------------------------------------


def test_tiny_translator_beats_copying(tiny_translator):
    out, meta, par = tiny_translator
    import sacrebleu

    assert meta["last_loss"] < meta["first_loss"] / 3
    for lang in ("fr", "pt", "ru"):
        e = meta["eval"][lang]
        assert e["chrf"] >= e["chrf_copy"] + 20, (lang, e)
    # the generic hf backend (AutoTokenizer + AutoModelForSeq2SeqLM) reproduces the builder's evaluation
    be = HFBackend(TINY_CFG, model_dir=out)
    pairs = [(r["en"], r["tgt"]) for r in read_jsonl(par / "fr.test.jsonl")[:30]]
    hyps = be.translate_batch([e for e, _ in pairs], "en", "fr")
    chrf = sacrebleu.corpus_chrf(hyps, [[t for _, t in pairs]]).score
    copy = sacrebleu.corpus_chrf([e for e, _ in pairs], [[t for _, t in pairs]]).score
    assert chrf >= copy + 20, (chrf, copy, hyps[:3])
    assert be.n_truncated == 0


# ---- cache and resume ---------------------------------------------------------------------------------


def test_cache_hit_means_zero_model_calls(tiny_translator, tmp_path):
    out, _, par = tiny_translator
    segs = [r["en"] for r in read_jsonl(par / "pt.test.jsonl")[:20]]
    c1 = Counting(HFBackend(TINY_CFG, model_dir=out))
    t1 = Translator(c1, tmp_path / "cache", batch_size=8)
    first = t1.translate_segments(segs + segs[:5], "en", "pt")  # duplicates sent once
    assert sorted(c1.segments) == sorted(segs) and c1.batches == 3
    t1.close()
    # a new process (new Translator, new backend): everything cached, the model is not even loaded
    inner = HFBackend(TINY_CFG, model_dir=out)
    c2 = Counting(inner)
    again = Translator(c2, tmp_path / "cache", batch_size=8).translate_segments(segs, "en", "pt")
    assert again == first[:20] and c2.batches == 0 and inner._models == {}
    # a second dataset sharing text translates only its new segments
    c3 = Counting(HFBackend(TINY_CFG, model_dir=out))
    new = ["The red king finds the ship at night.", "The new bird likes the forest every day."]
    Translator(c3, tmp_path / "cache", batch_size=8).translate_segments(segs[:10] + new, "en", "pt")
    assert sorted(c3.segments) == sorted(set(new) - set(segs))
    # another target language or other decoding parameters are other keys
    c4 = Counting(HFBackend({**TINY_CFG, "num_beams": 2}, model_dir=out))
    Translator(c4, tmp_path / "cache", batch_size=8).translate_segments(segs[:3], "en", "pt")
    assert c4.batches == 1


def test_resume_after_kill(tiny_translator, tmp_path):
    out, _, par = tiny_translator
    segs = [r["en"] for r in read_jsonl(par / "ru.test.jsonl")[:24]]
    killed = Counting(HFBackend(TINY_CFG, model_dir=out), fail_after_batches=2)
    with pytest.raises(KeyboardInterrupt):
        Translator(killed, tmp_path / "cache", batch_size=5).translate_segments(segs, "en", "ru")
    assert len(killed.segments) == 10
    # a temporary file left by a kill mid-write is never read
    entry = next(p for p in (tmp_path / "cache").rglob("*.json") if p.name != "context.json")
    (entry.parent / f".{entry.stem}.x.tmp").write_text('{"key": "abc", "value": {"out": "trunc')
    rerun = Counting(HFBackend(TINY_CFG, model_dir=out))
    res = Translator(rerun, tmp_path / "cache", batch_size=5).translate_segments(segs, "en", "ru")
    assert sorted(rerun.segments) == sorted(set(segs) - set(killed.segments))
    assert len(res) == 24 and all(res)
    assert any(c in res[0] for c in "абвгдеёжзийклмнопрстуфхцчшщыьэюя")


# ---- datasets, quality gates, dt mixing -----------------------------------------------------------------

DOLLY = [
    {
        "id": "d1",
        "instruction": "The old cat sees the river at night. The happy dog likes the tree every day.",
        "context": "",
        "response": "1. The red bird finds the book in the morning.\n2. The new car follows the king near the sea.",
        "category": "brainstorming",
    },
    {
        "id": "d2",
        "instruction": "The small king builds the ship every day.",
        "context": "The quiet forest watches the city at night.\n\n```\nprint('code is kept')\n```",
        "response": "The old friend likes the garden in the morning.",
        "category": "closed_qa",
    },
]


def test_translate_dataset_hf_with_reference(tiny_translator, tmp_path):
    out, _, _ = tiny_translator
    src = tmp_path / "dolly.en.jsonl"
    write_jsonl(src, DOLLY)
    # the reference: the synthetic world's own translation, sentence by sentence
    ref_tr = Translator(_WorldBackend(), None)
    ref_rows, _ = translate_rows(read_jsonl(src), ref_tr, "fr")
    ref = tmp_path / "dolly.fr.jsonl"
    write_jsonl(ref, ref_rows)
    tr = make_translator(TINY_CFG, cache_dir=tmp_path / "cache", model_dir=out)
    rows, q = translate_dataset(src, "dolly", "fr", tr, data="demo-dolly", reference=ref)
    assert [r["source_id"] for r in rows] == ["d1", "d2"] and [r["id"] for r in rows] == ["d1", "d2"]
    assert set(rows[0]) == {"id", "instruction", "context", "response", "category", "lang", "source_id"}
    assert rows[0]["lang"] == "fr" and rows[1]["category"] == "closed_qa" and rows[0]["context"] == ""
    assert rows[0]["response"].startswith("1. ") and "\n2. " in rows[0]["response"]
    assert rows[1]["context"].endswith("\n\n```\nprint('code is kept')\n```")
    assert q["n"] == 2 and q["dropped"] == 0 and q["empty_share"] == 0
    assert q["chrf"] is not None and q["chrf"] > 50 and q["bleu"] is not None
    assert q["translator"]["translated"] == 7


class _WorldBackend:
    """The synthetic world's exact translation, used to write reference files."""

    def context(self, src, tgt):
        return {"world": tgt}

    def translate_batch(self, segs, src, tgt):
        return [world_translate(s, tgt) for s in segs]


def test_lid_gate_drops_untranslated(tmp_path):
    src = tmp_path / "d.jsonl"
    write_jsonl(src, DOLLY)
    keep_rows, q = translate_dataset(src, "dolly", "fr", Translator(Identity(), None), data="x")
    assert len(keep_rows) == 2 and q["lid_ok_share"] == 0 and q["dropped"] == 0 and q["lid_failed"] == 2
    assert q["untranslated_share"] == 1.0 and q["chrf"] is None
    drop_rows, q2 = translate_dataset(src, "dolly", "fr", Translator(Identity(), None), data="x", drop_failed_lid=True)
    assert drop_rows == [] and q2["dropped"] == 2
    assert segment_gates([("one two three", ""), ("a b", "a b")])["empty_share"] == 0.5


def test_mix_dt():
    en = [
        {
            "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}],
            "id": f"e{i}",
            "lang": "en",
            "category": "c",
        }
        for i in range(5)
    ]
    fr = [
        {
            "id": f"e{i}",
            "instruction": "Salut",
            "context": "Contexte",
            "response": "Bonjour",
            "category": "c",
            "lang": "fr",
            "source_id": f"e{i}",
        }
        for i in range(6)
    ]  # e5 is not among the English rows
    ru = [
        {
            "id": f"e{i}",
            "instruction": "Привет",
            "context": "",
            "response": "Здравствуйте",
            "category": "c",
            "lang": "ru",
            "source_id": f"e{i}",
        }
        for i in range(5)
    ]
    rows = mix_dt(en, {"results/translations/d/fr.jsonl": fr, "ru": ru}, seed=3)
    assert len(rows) == 15 and rows == mix_dt(en, {"results/translations/d/fr.jsonl": fr, "ru": ru}, seed=3)
    assert rows != mix_dt(en, {"fr": fr, "ru": ru}, seed=4)
    assert {r["lang"] for r in rows} == {"en", "fr", "ru"}
    f = next(r for r in rows if r["lang"] == "fr")
    assert f["messages"][0]["content"] == "Salut\n\nContexte" and f["messages"][1]["content"] == "Bonjour"
    assert all(r["source_id"] == r["id"] for r in rows) and all(r["category"] == "c" for r in rows)


# ---- the openai backend against a local OpenAI-compatible server (real HTTP, real client) -------------------


def test_openai_backend_over_http(tmp_path):
    from openai_server import OpenAIServer

    def handler(req, n):
        prompt = req["messages"][-1]["content"]
        assert "into French" in prompt
        text = prompt.split("<text>\n", 1)[1].rsplit("\n</text>", 1)[0]
        return f'"[fr] {text}"'  # quotes the model added are removed

    cfg = {"backend": "openai", "model": "gpt-test", "batch_size": 4}
    src = tmp_path / "d.jsonl"
    write_jsonl(src, DOLLY)
    with OpenAIServer(handler=handler, latency=0.05) as srv:
        cfg["endpoint"] = {"base_url": srv.base_url, "api_key_env": None, "concurrency": 4}
        tr = make_translator(cfg, cache_dir=tmp_path / "cache")
        rows, q = translate_dataset(src, "dolly", "fr", tr, data="x")
        n_first = srv.count
        assert n_first == 7 and srv.max_in_flight >= 2
        assert (
            rows[0]["instruction"]
            == "[fr] The old cat sees the river at night. [fr] The happy dog likes the tree every day."
        )
        assert rows[0]["response"].startswith("1. [fr] The red bird")
        assert srv.requests[0]["body"]["model"] == "gpt-test" and srv.requests[0]["body"]["temperature"] == 0
        # a re-run (new process) sends nothing
        tr2 = make_translator(cfg, cache_dir=tmp_path / "cache")
        rows2, _ = translate_dataset(src, "dolly", "fr", tr2, data="x")
        assert rows2 == rows and srv.count == n_first
    # both caches exist: the segment cache and xlit.llm's chat cache
    from xlit.llm import ChatCache

    assert len(list((tmp_path / "cache" / "translate").rglob("*.json"))) > 1  # entries beside context.json
    assert len(ChatCache(tmp_path / "cache" / "llm")) == n_first


def test_openai_backend_failure_is_clear_and_resumable(tmp_path):
    from openai_server import OpenAIServer, Reply

    def handler(req, n):
        text = req["messages"][-1]["content"].split("<text>\n", 1)[1].rsplit("\n</text>", 1)[0]
        return Reply(status=400) if "king" in text else f"[fr] {text}"

    with OpenAIServer(handler=handler) as srv:
        cfg = {
            "backend": "openai",
            "model": "gpt-test",
            "batch_size": 2,
            "endpoint": {"base_url": srv.base_url, "api_key_env": None, "max_retries": 0},
        }
        tr = make_translator(cfg, cache_dir=tmp_path / "cache")
        with pytest.raises(RuntimeError, match="failed.*re-run to resume"):
            tr.translate_segments(["A cat.", "A king.", "A dog."], "en", "fr")
        n = srv.count
        assert n == 3
        srv.handler = lambda req, n: "[fr] ok"
        tr2 = make_translator(cfg, cache_dir=tmp_path / "cache")
        assert tr2.translate_segments(["A cat.", "A king.", "A dog."], "en", "fr") == [
            "[fr] A cat.",
            "[fr] ok",
            "[fr] A dog.",
        ]
        assert srv.count == n + 1  # only the failed request is sent again (the others: xlit.llm's cache)


def test_nllb_path_with_real_classes(tmp_path):
    """NLLB's code path (tokenizer.src_lang, forced_bos_token_id) on a random-init miniature with the real
    NllbTokenizer and M2M100 architecture, loaded by the same generic hf backend."""
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer

    torch.set_num_threads(1)
    tok = NllbTokenizer()  # 4 specials + the 202 NLLB language codes, no BPE merges: enough for codes
    cfg = M2M100Config(
        vocab_size=len(tok),
        d_model=16,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=32,
        decoder_ffn_dim=32,
        max_position_embeddings=64,
        pad_token_id=1,
        eos_token_id=2,
        bos_token_id=0,
        decoder_start_token_id=2,
    )
    M2M100ForConditionalGeneration(cfg).save_pretrained(tmp_path / "nllb-mini")
    tok.save_pretrained(tmp_path / "nllb-mini")
    tcfg = {"backend": "hf", "model": str(tmp_path / "nllb-mini"), "max_length": 6}
    assert family_of(tcfg) == "nllb"
    be = HFBackend(tcfg)
    assert len(be.translate_batch(["hello world", "x"], "fr", "ru")) == 2
    inp, out = be.last_ids
    ids = be._models[str(tmp_path / "nllb-mini")][0].convert_tokens_to_ids
    assert (inp[:, 0] == ids("fra_Latn")).all()  # source language token first
    assert (out[:, 1] == ids("rus_Cyrl")).all()  # forced target language token
    assert out.shape[1] <= 6 + 2
    with pytest.raises(UnsupportedLanguage):
        be.translate_batch(["x"], "en", "xx")


# ---- the validation split and given translations (issue 12) ------------------------------------------


class _Leaves:
    """A real backend that leaves the segments in `untouched` in English (a translation failure)."""

    def __init__(self, inner, untouched):
        self.inner, self.untouched = inner, set(untouched)

    def context(self, src, tgt):
        return {**self.inner.context(src, tgt), "leaves": sorted(self.untouched)}

    def translate_batch(self, segs, src, tgt):
        outs = self.inner.translate_batch(segs, src, tgt)
        return [s if s in self.untouched else o for s, o in zip(segs, outs)]


def _world_pool(n, seed=7):
    rng = random.Random(seed)
    pool = {}
    while len(pool) < n:
        pool[synth_pair(rng, "fr")[0]] = None
    return [
        {"id": f"alpaca_eval-{i}", "instruction": s, "category": ["koala", "oasst", "vicuna"][i % 3]}
        for i, s in enumerate(pool)
    ]


def test_valid_split_with_the_tiny_translator(tiny_translator, tmp_path):
    """AlpacaEval-like pool -> sample disjoint from test -> tiny translator into fr/pt/ru with the LID gate ->
    aligned split; a prompt left untranslated in one language is dropped from every language."""
    from xlit.evalsets import assemble_split, overlap, sample_valid, translate_prompts
    from xlit.lid import LID

    out, _, _ = tiny_translator
    pool = _world_pool(30)
    test = [{"id": str(i), "instruction": p["instruction"].upper()} for i, p in enumerate(pool[:6])]
    english, stats = sample_valid(pool, test, 12, seed=0)
    assert stats["test_overlap"] == 6 and len(english) == 12 and not overlap(english, test)
    lid = LID()
    translated, quality = {}, {}
    for lang in ("fr", "pt", "ru"):
        tr = make_translator(TINY_CFG, cache_dir=tmp_path / "cache", model_dir=out)
        if lang == "pt":  # one prompt left in English: fails the LID gate
            tr.backend = _Leaves(tr.backend, [english[3]["instruction"]])
        translated[lang], quality[lang] = translate_prompts(english, lang, tr, lid=lid)
        tr.close()
    assert [r["id"] for r in translated["ru"]] == [p["id"] for p in english]
    assert translated["pt"][3]["instruction"] == english[3]["instruction"] and not translated["pt"][3]["ok"]
    assert quality["pt"]["failed"] >= 1 and english[3]["id"] in quality["pt"]["failed_ids"]
    assert all(q["translator"]["translated"] == 12 and q["empty_share"] == 0 for q in quality.values())
    assert sum(r["ok"] for rows in translated.values() for r in rows) >= 30  # the tiny translator passes the gate
    files, split = assemble_split(english, translated)
    kept = [p["id"] for p in files["en"]]
    assert english[3]["id"] not in kept and split["dropped"] == 12 - len(kept) >= 1
    assert all([p["id"] for p in files[l]] == kept for l in ("fr", "pt", "ru"))
    assert all(set(p) == {"id", "instruction", "category"} for l in files for p in files[l])
    assert not overlap(files["en"], test)
    ru = {p["id"]: p for p in files["ru"]}
    assert all(any("\u0400" <= c <= "\u04ff" for c in ru[i]["instruction"]) for i in kept)


def test_valid_split_scripts(tiny_translator, tmp_path, fake_snakemake):
    """The workflow scripts valid_prompts -> translate_valid -> valid_split, and test_categories."""
    import json

    from xlit.config import section_defaults
    from xlit.data import check_aligned, load_prompts

    def run(name, **kw):
        fake_snakemake(log=[tmp_path / f"{name}.log"], **kw).run(name)

    out, _, _ = tiny_translator
    pool = _world_pool(20, seed=3)
    source = tmp_path / "alpaca_eval.json"
    source.write_text(
        json.dumps([{"instruction": p["instruction"], "output": "", "dataset": p["category"]} for p in pool])
    )
    test_en = tmp_path / "test.en.jsonl"
    write_jsonl(
        test_en,
        [
            {"id": "t1", "instruction": pool[0]["instruction"], "category": ""},
            {"id": "t2", "instruction": "Not an AlpacaEval prompt.", "category": ""},
        ],
    )
    test_fr = tmp_path / "test.fr.jsonl"
    write_jsonl(
        test_fr,
        [
            {"id": "t1", "instruction": "Une question.", "category": ""},
            {"id": "t2", "instruction": "Pas une question.", "category": ""},
        ],
    )
    sample, d = tmp_path / "valid/sample/en.jsonl", tmp_path / "valid"
    run(
        "valid_prompts.py",
        input={"source": source, "test": test_en},
        output={"prompts": sample, "stats": d / "sample/sample.json"},
        params={"n": 8, "seed": 0, "test_matches": {}},
    )
    assert json.loads((d / "sample/sample.json").read_text())["test_overlap"] == 1
    translated = []
    for lang in ("fr", "ru"):
        translated.append(str(d / f"translated/{lang}.jsonl"))
        run(
            "translate_valid.py",
            input={"prompts": sample, "translator": [out / "xlit_translator.json"]},
            output={"data": translated[-1], "quality": d / f"translated/{lang}.quality.json"},
            params={
                "translation": {**section_defaults("translation"), **TINY_CFG},
                "src": "en",
                "cache_dir": tmp_path / "cache",
                "lid_model": None,
            },
            wildcards={"lang": lang},
        )
    outs = [str(d / f"{l}.jsonl") for l in ("en", "fr", "ru")]
    run(
        "valid_split.py",
        input={"english": sample, "translated": translated, "test": test_en},
        output={"prompts": outs, "stats": d / "split.json"},
        params={"langs": ["en", "fr", "ru"], "test_matches": {}},
    )
    prompts = {l: load_prompts(p) for l, p in zip(("en", "fr", "ru"), outs)}
    check_aligned(prompts, dict(zip(("en", "fr", "ru"), outs)))
    split = json.loads((d / "split.json").read_text())
    assert len(prompts["en"]) == split["kept"] == 8 - split["dropped"] >= 5
    assert pool[0]["instruction"] not in {p["instruction"] for p in prompts["en"]}
    assert all(p["category"] in ("koala", "oasst", "vicuna") for p in prompts["fr"])
    # the test prompts get AlpacaEval's `dataset` as category where it matches, "" otherwise
    cats = [str(tmp_path / f"cat.{l}.jsonl") for l in ("en", "fr")]
    run(
        "test_categories.py",
        input={"source": source, "prompts": [test_en, test_fr]},
        output=cats,
        params={"langs": ["en", "fr"], "test_matches": {"t2": None}},  # t2 has no AlpacaEval original: listed
    )
    assert [p["category"] for p in read_jsonl(cats[1])] == [pool[0]["category"], ""]


def test_given_translations_are_aligned_and_checked(tmp_path, fake_snakemake):
    """Given translations (by id, or by position without ids; any row form) pass the same checks as machine
    output: LID gate, counts, chrF against a reference; mix_dt takes them like translate_it_data's rows."""
    from xlit.data import load_it_rows
    from xlit.io import InputError
    from xlit.mt import given_translations

    src = tmp_path / "dolly.en.jsonl"
    english = [
        {
            "instruction": f"The old cat sees the dog {w}.",
            "context": "",
            "response": "The king builds the ship.",
            "category": "open_qa",
        }
        for w in ("in the morning", "every day", "at night")
    ]
    write_jsonl(src, english)  # no ids: `dolly.en-{line}`
    fr = [
        {"conversations": ["Le vieux chat voit le chien le matin.", "Le roi construit le navire."]},
        [
            {"role": "user", "content": "Le vieux chat voit le chien chaque jour."},
            {"role": "assistant", "content": "Le roi construit le navire."},
        ],
        {"instruction": "The old cat sees the dog at night.", "context": "", "response": "The king builds the ship."},
    ]
    given = tmp_path / "dolly.fr.jsonl"
    write_jsonl(given, fr)  # like the released files: no ids, aligned by line; the last one left in English
    ref = tmp_path / "ref.fr.jsonl"  # a reference translation with ids, for chrF
    write_jsonl(
        ref, [{"id": f"dolly.en-{i}", **(r if isinstance(r, dict) else {"messages": r})} for i, r in enumerate(fr, 1)]
    )
    rows, q = given_translations(src, "dolly", "fr", given, data="dolly", reference=ref)
    assert [r["id"] for r in rows] == [r["source_id"] for r in rows] == ["dolly.en-1", "dolly.en-2", "dolly.en-3"]
    assert rows[0]["conversations"][0].startswith("Le vieux") and rows[1]["messages"][1]["role"] == "assistant"
    assert all(r["lang"] == "fr" and r["category"] == "open_qa" for r in rows)
    assert q["n"] == 3 and q["lid_failed"] == 1 and q["lid_failed_ids"] == ["dolly.en-3"] and q["missing"] == 0
    assert q["untranslated_share"] > 0 and q["translator"] == {"given": str(given), "rows": 3}
    assert q["chrf"] == pytest.approx(100) and q["n_ref_texts"] == 6
    # the workflow's script: the same rows and record, and one log line of the record
    out = {"data": tmp_path / "job" / "fr.jsonl", "quality": tmp_path / "job" / "fr.quality.json"}
    fake_snakemake(
        input={"source": [src], "given": given, "reference": [ref]},
        output=out,
        params={"dataset": {"format": "dolly"}, "lang": "fr", "data": "dolly", "lid_threshold": 0.5}
        | {"drop_failed_lid": False, "cache_dir": tmp_path, "lid_model": None},
        log=[tmp_path / "job.log"],
    ).run("import_translations.py")
    assert read_jsonl(out["data"]) == rows and json.loads(out["quality"].read_text())["n"] == 3
    assert "dolly -> fr given in" in (tmp_path / "job.log").read_text()
    kept, q2 = given_translations(src, "dolly", "fr", given, drop_failed_lid=True, max_examples=2)
    assert [r["id"] for r in kept] == ["dolly.en-1", "dolly.en-2"] and q2["dropped"] == 0 and q2["n"] == 2
    dt = mix_dt(load_it_rows(src, "dolly"), {"fr": rows}, seed=0)
    assert len(dt) == 6 and sum(r["lang"] == "fr" for r in dt) == 3
    assert (
        next(r for r in dt if r["lang"] == "fr" and r["id"] == "dolly.en-1")["messages"][1]["content"]
        == "Le roi construit le navire."
    )
    # with ids: any order, a subset (the rest counted missing); a stranger id or a short file without ids is an error
    by_id = tmp_path / "by_id.jsonl"
    write_jsonl(
        by_id,
        [
            {
                "id": "dolly.en-2",
                "instruction": "Le chat voit le chien.",
                "context": "",
                "response": "Le roi construit le navire.",
            }
        ],
    )
    rows, q = given_translations(src, "dolly", "fr", by_id)
    assert [r["id"] for r in rows] == ["dolly.en-2"] and q["missing"] == 2 and rows[0]["context"] == ""
    write_jsonl(by_id, [{"id": "x9", "instruction": "a", "response": "b"}])
    with pytest.raises(InputError, match=r"by_id.jsonl:1: field 'id': id 'x9' is not an id of the English"):
        given_translations(src, "dolly", "fr", by_id)
    write_jsonl(given, fr[:2])
    with pytest.raises(InputError, match=r"dolly.fr.jsonl: 2 rows but 3 in the English source"):
        given_translations(src, "dolly", "fr", given)
    write_jsonl(given, [{"text": "?"}])
    with pytest.raises(InputError, match=r"dolly.fr.jsonl:1: expected a Dolly"):
        given_translations(src, "dolly", "fr", given)
