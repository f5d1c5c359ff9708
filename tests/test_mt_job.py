"""`xlit.mt.job.mt_job`: the prelude of the workflow's MT jobs (translate_it_data, translate_valid,
import_translations), written once."""

import sys

import pytest

from xlit.config import section_defaults
from xlit.mt import UnsupportedLanguage
from xlit.mt.job import mt_job


class NoTorch:
    def __getattr__(self, name):
        raise AssertionError(f"torch.{name} used by a job that translates nothing")


def test_a_job_that_translates_nothing_gets_source_and_lid_only(tmp_path, fake_snakemake, monkeypatch):
    src = tmp_path / "dolly.en.jsonl"
    src.write_text("")
    smk = fake_snakemake(
        input={"source": [src], "given": tmp_path / "fr.jsonl", "reference": []},
        params={"dataset": {"format": "dolly"}, "lang": "fr", "data": "d", "cache_dir": tmp_path, "lid_model": None},
    )
    monkeypatch.setitem(sys.modules, "torch", NoTorch())  # import_translations sets no torch threads
    mt = mt_job(smk, "fr", data="d")
    assert mt.source == str(src) and mt.translator is None and mt.lid is not None


def test_the_language_is_checked_before_any_download(tmp_path, fake_snakemake, monkeypatch):
    import xlit.data

    fetched = []
    monkeypatch.setattr(xlit.data, "fetch_hf_dataset", lambda *a: fetched.append(a))
    cfg = {**section_defaults("translation"), "backend": "hf", "model": "facebook/nllb-200-distilled-600M"}
    smk = fake_snakemake(
        input={"source": [], "translator": [], "reference": []},
        params={"translation": cfg, "dataset": {"hf": "x/y"}, "src": "en", "cache_dir": tmp_path, "lid_model": None},
    )
    with pytest.raises(UnsupportedLanguage):
        mt_job(smk, "tlh", data="d")
    assert fetched == []


def test_a_hub_dataset_is_fetched_into_the_translate_cache(tmp_path, fake_snakemake, monkeypatch):
    import xlit.data

    monkeypatch.setattr(xlit.data, "fetch_hf_dataset", lambda hf, out: (hf, out))
    smk = fake_snakemake(
        input={"source": [], "given": [], "reference": []},
        params={"dataset": {"hf": "x/y"}, "cache_dir": tmp_path, "lid_model": None},
    )
    assert mt_job(smk, "fr", data="d").source == ("x/y", tmp_path / "translate" / "sources" / "d.jsonl")
