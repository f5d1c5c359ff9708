"""Machine translation of instruction-tuning data for the `dt` strategy: the one MT API.

    from xlit.mt import make_translator, translate_dataset, mix_dt, check_languages

- `check_languages(translation_cfg, languages)`: raise UnsupportedLanguage, listing what the configured
  model supports, when it cannot translate English into one of `languages` (config validation).
- `make_translator(translation_cfg, cache_dir="cache", model_dir=None).translate_segments(segs, src, tgt)`:
  the `hf` or `openai` backend behind the persistent segment cache (`{cache_dir}/translate/`), batched and
  sorted by length. Backends alone (`HFBackend`, `OpenAIBackend`) have `translate_batch` (no cache).
- `segment(text)` / `reassemble(seg, translations)`: paragraphs -> sentences, structure kept.
- `translate_dataset(source, fmt, tgt, translator, ...) -> (rows, quality)`: a whole IT file, with the
  quality gates of results/tables/translation_quality.tsv (`QUALITY_COLUMNS`).
- `given_translations(source, fmt, tgt, given, ...) -> (rows, quality)`: a given translation (e.g. the
  authors' released one) aligned with the English rows and checked like `translate_dataset`'s output.
- `mix_dt(english_rows, translated_rows_by_lang, seed)`: English + every translation, shuffled.

Modules: `codes` (model families and their language codes), `backends` (`hf`, `openai`), `cache` (the segment
cache), `engine` (`Translator`), `segment`, `itdata` (IT files: translation, quality gates, mixing), `job` (the
workflow's MT jobs' prelude, `mt_job`: source file, language check, translator, LID). The demo's
tiny translator is built by `xlit.demo.build_translator` and loaded by the `hf` backend like any local model.
"""

from xlit.mt.backends import HFBackend, OpenAIBackend, make_backend
from xlit.mt.cache import SegmentCache
from xlit.mt.codes import FAMILIES, UnsupportedLanguage, check_languages, family_of, lang_spec, supported_languages
from xlit.mt.engine import Translator, make_translator
from xlit.mt.itdata import (
    QUALITY_COLUMNS,
    given_translations,
    lid_check,
    load_source_rows,
    mix_dt,
    reference_scores,
    segment_gates,
    translate_dataset,
    translate_rows,
)
from xlit.mt.segment import Segmented, reassemble, segment

__all__ = [
    "FAMILIES",
    "HFBackend",
    "OpenAIBackend",
    "QUALITY_COLUMNS",
    "SegmentCache",
    "Segmented",
    "Translator",
    "UnsupportedLanguage",
    "check_languages",
    "family_of",
    "given_translations",
    "lang_spec",
    "lid_check",
    "load_source_rows",
    "make_backend",
    "make_translator",
    "mix_dt",
    "reassemble",
    "reference_scores",
    "segment",
    "segment_gates",
    "supported_languages",
    "translate_dataset",
    "translate_rows",
]
