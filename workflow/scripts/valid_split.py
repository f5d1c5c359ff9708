"""Rule `valid_split`: the validation split: English and translated prompts aligned by id, every prompt
whose translation failed the gate in some language dropped from all; checked disjoint from the test prompts
(no validation prompt is a test prompt, one edited as xlit.evalsets' fuzzy rule takes it (`same_pairs`), or
listed in config `test_matches` as a test prompt's original).

input:   english (results/valid_split/sample/{en}.jsonl), translated (results/valid_split/translated/{lang}.jsonl
         of every non-English language), test (the English test prompts)
output:  prompts (results/valid_split/{lang}.jsonl, one per params.langs), stats (results/valid_split/split.json)
params:  langs (English first); test_matches (config: test prompts matched by hand)
"""

from xlit.data import load_prompts
from xlit.evalsets import assemble_split, same_pairs
from xlit.io import InputError, read_jsonl, write_json, write_jsonl
from xlit.smk import job

if __name__ == "__main__":  # not when a spawned child process re-imports this file
    smk = snakemake  # noqa: F821 - set by Snakemake before the script runs
    with job(smk, "valid_split") as log:
        langs = smk.params.langs
        english = read_jsonl(smk.input.english)
        paths = dict(zip(langs[1:], smk.input.translated))
        files, stats = assemble_split(english, {l: read_jsonl(p) for l, p in paths.items()}, paths, src=langs[0])
        test = load_prompts(smk.input.test)
        listed = {v: str(k) for k, v in smk.params.test_matches.items() if v}
        same = same_pairs(files[langs[0]], test)
        same += [(p["id"], listed[p["id"]], None) for p in files[langs[0]] if p["id"] in listed]
        if same:
            vid, tid, ratio = same[0]
            how = f"word similarity {ratio:.2f}" if ratio is not None else "listed in test_matches"
            raise InputError(
                smk.input.english,
                f"{len(same)} prompts are test prompts, edited or not ({smk.input.test}), e.g. {vid} and "
                f"test prompt {tid} ({how})",
            )
        if not files[langs[0]]:
            raise InputError(smk.input.english, "every prompt failed the translation gate in some language")
        for lang, path in zip(langs, smk.output.prompts):
            write_jsonl(path, files[lang])
        write_json(smk.output.stats, stats)
        log.info(
            "validation split: %d of %d prompts kept, %d dropped (failed per language: %s)",
            stats["kept"],
            stats["n"],
            stats["dropped"],
            stats["failed_by_lang"],
        )
