"""Language codes per MT model family, in ONE place.

Every family maps the workflow's ISO 639-1 codes (`en`, `fr`, `pt`, `ru`, ...) to what the model needs:

| family | source side | target side |
|---|---|---|
| `nllb` (NLLB-200) | `tokenizer.src_lang = "eng_Latn"` | `forced_bos_token_id = id("fra_Latn")` |
| `m2m100` | `tokenizer.src_lang = "en"` | `forced_bos_token_id = id("__fr__")` |
| `madlad` (MADLAD-400, T5) | text as is | prefix `"<2fr> "` on the source text |
| `marian` (OPUS-MT) | text as is | one model per pair (`{tgt}` in the model id) or prefix `">>fra<< "` |
| `tiny` (xlit's demo translator) | text as is | prefix `">>fr<< "` on the source text |

A config may override any code with `translation.lang_codes: {fr: "fra_Latn"}`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

# ISO 639-1 -> (NLLB-200 code, ISO 639-3 code as used by OPUS-MT/Tatoeba `>>xxx<<` tokens)
LANGS: dict[str, tuple[str, str]] = {
    "af": ("afr_Latn", "afr"),
    "am": ("amh_Ethi", "amh"),
    "ar": ("arb_Arab", "ara"),
    "az": ("azj_Latn", "aze"),
    "be": ("bel_Cyrl", "bel"),
    "bg": ("bul_Cyrl", "bul"),
    "bn": ("ben_Beng", "ben"),
    "bs": ("bos_Latn", "bos"),
    "ca": ("cat_Latn", "cat"),
    "cs": ("ces_Latn", "ces"),
    "cy": ("cym_Latn", "cym"),
    "da": ("dan_Latn", "dan"),
    "de": ("deu_Latn", "deu"),
    "el": ("ell_Grek", "ell"),
    "en": ("eng_Latn", "eng"),
    "es": ("spa_Latn", "spa"),
    "et": ("est_Latn", "est"),
    "eu": ("eus_Latn", "eus"),
    "fa": ("pes_Arab", "fas"),
    "fi": ("fin_Latn", "fin"),
    "fr": ("fra_Latn", "fra"),
    "ga": ("gle_Latn", "gle"),
    "gl": ("glg_Latn", "glg"),
    "gu": ("guj_Gujr", "guj"),
    "he": ("heb_Hebr", "heb"),
    "hi": ("hin_Deva", "hin"),
    "hr": ("hrv_Latn", "hrv"),
    "hu": ("hun_Latn", "hun"),
    "hy": ("hye_Armn", "hye"),
    "id": ("ind_Latn", "ind"),
    "is": ("isl_Latn", "isl"),
    "it": ("ita_Latn", "ita"),
    "ja": ("jpn_Jpan", "jpn"),
    "ka": ("kat_Geor", "kat"),
    "kk": ("kaz_Cyrl", "kaz"),
    "km": ("khm_Khmr", "khm"),
    "kn": ("kan_Knda", "kan"),
    "ko": ("kor_Hang", "kor"),
    "lt": ("lit_Latn", "lit"),
    "lv": ("lvs_Latn", "lav"),
    "mk": ("mkd_Cyrl", "mkd"),
    "ml": ("mal_Mlym", "mal"),
    "mr": ("mar_Deva", "mar"),
    "ms": ("zsm_Latn", "msa"),
    "my": ("mya_Mymr", "mya"),
    "ne": ("npi_Deva", "nep"),
    "nl": ("nld_Latn", "nld"),
    "no": ("nob_Latn", "nob"),
    "pa": ("pan_Guru", "pan"),
    "pl": ("pol_Latn", "pol"),
    "pt": ("por_Latn", "por"),
    "ro": ("ron_Latn", "ron"),
    "ru": ("rus_Cyrl", "rus"),
    "sk": ("slk_Latn", "slk"),
    "sl": ("slv_Latn", "slv"),
    "sq": ("als_Latn", "sqi"),
    "sr": ("srp_Cyrl", "srp"),
    "sv": ("swe_Latn", "swe"),
    "sw": ("swh_Latn", "swa"),
    "ta": ("tam_Taml", "tam"),
    "te": ("tel_Telu", "tel"),
    "th": ("tha_Thai", "tha"),
    "tl": ("tgl_Latn", "tgl"),
    "tr": ("tur_Latn", "tur"),
    "uk": ("ukr_Cyrl", "ukr"),
    "ur": ("urd_Arab", "urd"),
    "uz": ("uzn_Latn", "uzb"),
    "vi": ("vie_Latn", "vie"),
    "zh": ("zho_Hans", "zho"),
    "zu": ("zul_Latn", "zul"),
}

# The 100 languages of facebook/m2m100_418M and m2m100_1.2B (fairseq codes; tokens are `__xx__`).
M2M100_LANGS = (
    "af am ar ast az ba be bg bn br bs ca ceb cs cy da de el en es et fa ff fi fr fy ga gd gl gu ha he hi hr ht "
    "hu hy id ig ilo is it ja jv ka kk km kn ko lb lg ln lo lt lv mg mk ml mn mr ms my ne nl no ns oc or pa pl "
    "ps pt ro ru sd si sk sl so sq sr ss su sv sw ta th tl tn tr uk ur uz vi wo xh yi yo zh zu"
).split()

FAMILIES = ("nllb", "m2m100", "madlad", "marian", "tiny")
TINY_META = "xlit_translator.json"  # written by xlit.demo.build_translator beside the weights


class UnsupportedLanguage(ValueError):
    """A language the configured translation model cannot produce or read."""


@dataclass(frozen=True)
class LangSpec:
    """How one family expresses a (src, tgt) pair.

    `src_lang`: value for `tokenizer.src_lang` (or None); `forced_bos`: token to force as the first decoder
    token (or None); `prefix`: text put before every source segment (or "")."""

    src_lang: str | None
    forced_bos: str | None
    prefix: str


def infer_family(model: str, model_dir: str | Path | None = None) -> str:
    """Family from the model id/path (or the saved config.json when given a local directory)."""
    m = str(model).lower()
    if m == "tiny":
        return "tiny"
    d = Path(model_dir) if model_dir else Path(str(model))
    if d.is_dir() and (d / TINY_META).exists():
        return "tiny"
    for key, fam in (
        ("nllb", "nllb"),
        ("m2m100", "m2m100"),
        ("madlad", "madlad"),
        ("opus-mt", "marian"),
        ("marian", "marian"),
    ):
        if key in m:
            return fam
    cfg = d / "config.json"
    if d.is_dir() and cfg.exists():
        mt = json.loads(cfg.read_text()).get("model_type", "")
        if mt == "m2m_100":  # NLLB checkpoints use the M2M100 architecture: tell them apart by the tokenizer
            tc = d / "tokenizer_config.json"
            return "nllb" if tc.exists() and "Nllb" in tc.read_text() else "m2m100"
        if mt == "marian":
            return "marian"
        if mt == "t5":
            return "madlad"
    raise ValueError(
        f"cannot infer the translation family of model {model!r}: set translation.family to one "
        f"of {', '.join(FAMILIES)}"
    )


def family_of(cfg: dict, model_dir: str | Path | None = None) -> str:
    fam = cfg.get("family") or infer_family(cfg["model"], model_dir)
    if fam not in FAMILIES:
        raise ValueError(f"translation.family {fam!r} is not one of {', '.join(FAMILIES)}")
    return fam


def is_per_pair(cfg: dict) -> bool:
    """Marian-style: one model per language pair, the model id carrying `{src}`/`{tgt}` placeholders."""
    return "{tgt}" in str(cfg.get("model", ""))


def model_for(cfg: dict, src: str, tgt: str) -> str:
    """The model id/path for this pair (fills `{src}`/`{tgt}` for per-pair Marian models)."""
    return str(cfg["model"]).replace("{src}", src).replace("{tgt}", tgt)


def _marian_targets(cfg: dict, model_dir: str | Path | None) -> list[str] | None:
    """Target languages of a multi-target Marian model, read from its vocabulary's `>>xx<<` tokens;
    None when the vocabulary is not on disk (a hub id not yet downloaded)."""
    d = Path(model_dir or cfg["model"])
    vocab = d / "vocab.json"
    if not vocab.exists():
        return None
    toks = [t for t in json.loads(vocab.read_text(encoding="utf-8")) if re.fullmatch(r">>\w+<<", t)]
    by3 = {v[1]: k for k, v in LANGS.items()}
    langs = set()
    for t in toks:
        c = t[2:-2]
        langs.add(by3.get(c, c))
    return sorted(langs)


def supported_languages(cfg: dict, model_dir: str | Path | None = None) -> list[str] | None:
    """ISO 639-1 codes the configured model supports; None when that cannot be known offline
    (a multi-target Marian hub id not on disk, or the tiny translator before it is built)."""
    fam = family_of(cfg, model_dir)
    overrides = set((cfg.get("lang_codes") or {}).keys())
    if fam == "nllb":
        base = set(LANGS)
    elif fam == "m2m100":
        base = set(M2M100_LANGS)
    elif fam == "madlad":
        base = set(LANGS) | set(M2M100_LANGS)
    elif fam == "marian":
        if is_per_pair(cfg):
            return None  # any pair, as long as the per-pair model exists
        found = _marian_targets(cfg, model_dir)
        if found is None:
            return sorted(overrides) or None
        base = set(found)
    else:  # tiny
        d = Path(model_dir) if model_dir else None
        if d is None or not (d / TINY_META).exists():
            return None
        base = set(json.loads((d / TINY_META).read_text())["languages"]) | {"en"}
    return sorted(base | overrides)


def check_languages(translation_cfg: dict, languages, src: str = "en", model_dir: str | Path | None = None) -> None:
    """Raise UnsupportedLanguage (listing what the model supports) if the configured translator cannot
    translate `src` into every language in `languages`. Called at config validation.

    Languages that cannot be checked offline (per-pair Marian models, a multi-target Marian hub id not on
    disk, the tiny demo translator before it is built) pass here and fail at load time instead, with the same
    message. The `openai` backend (a chat model asked in words) has no code table: nothing to check."""
    if translation_cfg.get("backend") == "openai":
        return
    fam = family_of(translation_cfg, model_dir)
    sup = supported_languages(translation_cfg, model_dir)
    if sup is None:
        return
    bad = [l for l in [src, *languages] if l not in sup]
    if bad:
        raise UnsupportedLanguage(
            f"translation model {translation_cfg['model']!r} (family {fam}) does not support "
            f"{', '.join(sorted(set(bad)))}; supported: {', '.join(sup)}"
            + (
                ""
                if fam in ("marian", "tiny")
                else " (add translation.lang_codes: {xx: <model's code>} for a language missing from xlit's table)"
            )
        )


def lang_spec(
    cfg: dict, src: str, tgt: str, model_dir: str | Path | None = None, vocab: dict | None = None
) -> LangSpec:
    """How to ask this family for a src->tgt translation. `vocab` (the tokenizer's vocabulary, when loaded)
    lets Marian pick `>>fra<<` vs `>>fr<<` and lets every family check its codes exist."""
    fam = family_of(cfg, model_dir)
    over = cfg.get("lang_codes") or {}
    check_languages(cfg, [tgt], src=src, model_dir=model_dir)

    def need(token: str, lang: str) -> str:
        if vocab is not None and token not in vocab:
            raise UnsupportedLanguage(
                f"translation model {cfg['model']!r} (family {fam}) has no token {token!r} for language {lang!r}"
            )
        return token

    def nllb(l):
        return over.get(l) or LANGS[l][0]

    if fam == "nllb":
        return LangSpec(need(nllb(src), src), need(nllb(tgt), tgt), "")
    if fam == "m2m100":
        s, t = over.get(src, src), over.get(tgt, tgt)
        return LangSpec(s, need(f"__{t}__", tgt), "")
    if fam == "madlad":
        t = over.get(tgt) or f"<2{tgt}>"
        return LangSpec(None, None, need(t, tgt) + " ")
    if fam == "tiny":
        t = over.get(tgt) or f">>{tgt}<<"
        return LangSpec(None, None, need(t, tgt) + " ")
    # marian
    if is_per_pair(cfg):
        return LangSpec(None, None, "")
    if tgt in over:
        return LangSpec(None, None, need(over[tgt], tgt) + " ")
    cands = [f">>{LANGS[tgt][1]}<<" if tgt in LANGS else None, f">>{tgt}<<"]
    cands = [c for c in cands if c]
    if vocab is not None:
        for c in cands:
            if c in vocab:
                return LangSpec(None, None, c + " ")
        toks = sorted(t for t in vocab if re.fullmatch(r">>\w+<<", t))
        if not toks:  # a single-target model: no prefix
            return LangSpec(None, None, "")
        raise UnsupportedLanguage(
            f"Marian model {cfg['model']!r} has no target token for {tgt!r} "
            f"(tried {', '.join(cands)}); its target tokens: {', '.join(toks)}"
        )
    return LangSpec(None, None, cands[0] + " ")
