from xlit.data import check_aligned, load_prompts
from xlit.generate import generate, load_model
from xlit.io import write_jsonl
from xlit.smk import job

with job(snakemake, "generate") as log:  # noqa: F821
    smk = snakemake  # noqa: F821
    import torch

    torch.set_num_threads(smk.threads)
    paths = dict(zip(smk.params.langs, smk.input.prompts))
    prompts = {lang: load_prompts(p) for lang, p in paths.items()}
    check_aligned(prompts, paths)
    lang = smk.wildcards.lang
    model, tokenizer = load_model(smk.input.model)
    g = smk.params.generation
    rows = generate(model, tokenizer, prompts[lang], max_new_tokens=g["max_new_tokens"],
                    repetition_penalty=g["repetition_penalty"], batch_size=g["batch_size"], lang=lang)
    write_jsonl(smk.output[0], rows)
