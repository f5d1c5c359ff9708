"""The prelude of the workflow's MT jobs (rules `translate_it_data`, `translate_valid`, `import_translations`),
written once: `mt_job(snakemake, lang, data=None)` gives what each reads before it translates or checks.

The rules' names it reads: input `source` (the English dataset's file; empty for a hub dataset) and `translator`
(the demo's tiny translator's xlit_translator.json, or empty); params `translation` (config `translation`; a rule
without it translates nothing), `src`, `cache_dir`, `lid_model`, `dataset` (the `it_datasets.<d>` mapping).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class MTJob:
    #: xlit.lid.LID of the rule's `lid_model` (the LID gate)
    lid: Any
    #: the English dataset's file (a job given `data`), else None
    source: str | Path | None = None
    #: the cached translator (xlit.mt.Translator) of a rule with params.translation, else None; close() it
    translator: Any = None


def mt_job(smk, lang: str, data: str | None = None) -> MTJob:
    """What an MT job reads first. With params.translation: torch's threads (the job's), the language check of
    English (params.src) into `lang` and the translator behind the segment cache (`{cache_dir}/translate/`;
    the demo's tiny translator is the folder of the `translator` input). With `data`: the source file, the
    `source` input or for a hub dataset (`hf`) its download under `{cache_dir}/translate/sources/` (the same
    rows with the same ids as prepare_it_data's). Always: the LID model of params.lid_model."""
    from xlit.lid import LID

    p = smk.params
    translates = "translation" in p.keys()
    if translates:  # the language check first: an unsupported language fails before any download
        import torch

        from xlit.mt.codes import check_languages

        torch.set_num_threads(smk.threads)
        model_dir = str(Path(smk.input.translator[0]).parent) if smk.input.translator else None
        check_languages(p.translation, [lang], src=p.src, model_dir=model_dir)
    source = translator = None
    if data is not None:
        if smk.input.source:
            source = smk.input.source[0]
        else:
            from xlit.data import fetch_hf_dataset

            source = fetch_hf_dataset(p.dataset["hf"], Path(p.cache_dir) / "translate" / "sources" / f"{data}.jsonl")
    if translates:
        from xlit.mt.engine import make_translator

        translator = make_translator(p.translation, cache_dir=p.cache_dir, model_dir=model_dir)
    return MTJob(lid=LID(p.lid_model), source=source, translator=translator)


#: the quality record's counts and shares an MT job logs, in this order, where the record has them
LOGGED = ("n", "missing", "dropped", "failed", "lid_ok_share", "empty_share", "untranslated_share", "chrf", "bleu")


def write_results(smk, log, rows: list[dict], quality: dict, what: str) -> None:
    """An MT job's two outputs (`data`: the rows, `quality`: the quality record) and one log line: `what`, then
    the record's LOGGED fields and the translator's segment counts (a job that translated)."""
    from xlit.io import write_json, write_jsonl

    write_jsonl(smk.output.data, rows)
    write_json(smk.output.quality, quality)
    show = lambda v: f"{v:.4g}" if isinstance(v, float) else str(v)  # noqa: E731
    fields = [f"{k} {show(quality[k])}" for k in LOGGED if k in quality]
    if quality.get("translator"):
        fields.append(f"segments {quality['translator']}")
    log.info("%s: %s", what, ", ".join(fields))
