# Input functions, a section per stage file (in the Snakefile's order), and the default target. Every path comes
# from xlit.paths (imported in common.smk), never typed here. Included right after common.smk.


# ---- demo.smk (and translate.smk: the demo's parallel data) --------------------------------------------------------
def demo_outputs():
    if "demo" not in config:
        return []
    return (
        [demo_corpus(l) for l in LANGS]
        + [demo_it(l) for l in LANGS]
        + [demo_prompts(s, l) for s in names.SPLITS for l in LANGS]
        + [demo_answers(s, l) for s in names.SPLITS for l in LANGS]
        + demo_parallel_files()
    )


def demo_parallel_files():
    return [demo_parallel(l, part) for l in LANGS[1:] for part in ("train", "test")]


# ---- base.smk ------------------------------------------------------------------------------------------------------
def base_inputs(wildcards):
    m = model_cfg(wildcards.model)
    if "tiny" in m:
        return [demo_corpus(l) for l in m["tiny"]["corpus_langs"]]
    return []


# ---- data.smk and translate.smk ------------------------------------------------------------------------------------
def it_source(wildcards):
    d = config["it_datasets"][wildcards.data]
    return [d["path"]] if "path" in d else []


def it_translations(wildcards):
    if wildcards.strategy != "dt":
        return []
    return [translation_files(wildcards.data, lang)["data"] for lang in LANGS[1:]]


def given_translation_file(wildcards):
    w = given_wildcards(wildcards)
    return config["it_datasets"][w.data]["translations"][w.lang]


def translator_input(wildcards):
    return [TRANSLATOR_META] if TRANSLATION.get("model") == "tiny" else []


def it_reference(wildcards):
    """A reference translation of the dataset, aligned by id, for chrF/BLEU: `it_datasets.<d>.references.<lang>`,
    else in the demo the sibling file `dolly.<lang>.jsonl` of `dolly.en.jsonl`."""
    d = config["it_datasets"][wildcards.data]
    ref = (d.get("references") or {}).get(wildcards.lang)
    if ref:
        return [ref]
    if "demo" in config and d.get("path") == demo_it(LANGS[0]):
        return [demo_it(wildcards.lang)]
    return []


# ---- valid.smk -----------------------------------------------------------------------------------------------------
def valid_split_outputs():
    return [valid_split_file(lang) for lang in LANGS]


# ---- generate.smk --------------------------------------------------------------------------------------------------
def checkpoint_model(wildcards):
    """The model directory of checkpoint {lr} (an id, xlit.names.checkpoint_id) of {run}: the final model, or
    a saved step's (a step at training.max_steps is the final model)."""
    lr, step = names.split_checkpoint(wildcards.lr)
    final = step is None or step == config["training"]["max_steps"]
    return model_dir(wildcards.run, lr) if final else step_model_dir(wildcards.run, lr, step)


def all_generation_files():
    return [
        generation_file(run, lr, split, lang) for run, lr in CHECKPOINTS for split, lang in EVAL_SETS + CONSTRAINT_SETS
    ]


def eval_file(split, lang):
    """The prompt file of (split, language); with `test_categories`, the test prompts with categories joined."""
    if split == "test" and TEST_CATEGORIES:
        return test_prompts(lang)
    return config["eval_sets"][split][lang]


def constraint_types_files(sets):
    """The `.types` file beside each constraint prompt file of `sets` (read with the prompts: xlit.data.load_prompts)."""
    return [types_path(config["eval_sets"][split][lang]) for split, lang in sets if split in CONSTRAINT_SPLITS]


# ---- surface.smk ---------------------------------------------------------------------------------------------------
def fluency_model_input(wildcards):
    m = config["surface"]["fluency_model"]
    return base_source(m) if m in config["base_models"] else []


def surface_summaries(wildcards=None):
    return [surface_summary(run, lr) for run, lr in CHECKPOINTS]


# ---- constraints.smk -----------------------------------------------------------------------------------------------
def constraint_generations(wildcards):
    return [generation_file(wildcards.run, wildcards.lr, s, l) for s in CONSTRAINT_SPLITS for l in LANGS]


def constraint_references(wildcards):
    if CONSTRAINT_REFERENCE is None:
        return []
    return [generation_file(wildcards.run, wildcards.lr, CONSTRAINT_REFERENCE, l) for l in LANGS]


def constraint_summaries(wildcards=None):
    return [constraint_summary(run, lr) for run, lr in CHECKPOINTS]


# ---- the selected checkpoints (read once the select_lr checkpoint has run): judge.smk, human.smk -------------------
def selected_lrs():
    """{run: checkpoint id} under config selection.criterion, read once select_lr has run."""
    from xlit.select import read_selected

    return read_selected(checkpoints.select_lr.get().output.selected, config["selection"]["criterion"])


def selected_answers(wildcards=None):
    """(run, checkpoint id, language) of every selected checkpoint's answers on the judge split, run by run: the
    order of selected_generations and simulated_rating_surface (their rules' params name each file's checkpoint)."""
    return [(run, lr, lang) for run, lr in selected_lrs().items() for lang in LANGS]


def selected_generations(wildcards=None):
    return [generation_file(run, lr, JUDGE_SPLIT, lang) for run, lr, lang in selected_answers()]


def judge_jobs(wildcards=None):
    """(judge, run, checkpoint id, language) of every judge output, in judge_outputs' order (judge_table's params)."""
    return [
        (judge, run, lr, lang)
        for judge in sorted(config["judges"])  # sorted: reordering the config's judges changes no param
        for run, lr in selected_lrs().items()
        for lang in LANGS
    ]


def judge_outputs(wildcards=None):
    return [judge_result_file(*job) for job in judge_jobs()]


def simulated_rating_surface(wildcards):
    """The surface rows of the rated responses: the selected checkpoints on the judge split, every language."""
    return [surface_file(run, lr, JUDGE_SPLIT, lang) for run, lr, lang in selected_answers()]


# ---- judge.smk -----------------------------------------------------------------------------------------------------
def judge_model_input(wildcards):
    """The base model's source.json when a transformers judge names a base model of the config; the trained
    model (its `model` path, built by `train_judge`) of a judge with `train:`."""
    c = judge_cfg(wildcards)
    if c.get("train"):
        return [c["model"]]
    if c["backend"] in ("transformers", "vllm") and c["model"] in config["base_models"]:
        return base_source(c["model"])
    return []


def judge_member_files(wildcards):
    """A panel judge's members' outputs for the same checkpoint, member by member, each over LANGS (none for
    other judges)."""
    members = judge_cfg(wildcards).get("panel") or []
    return [judge_result_file(m, wildcards.run, wildcards.lr, lang) for m in members for lang in LANGS]


def train_judge_inputs(wildcards):
    t = JUDGES[wildcards.judge]["train"]
    return {
        "base": base_source(t["base"]),
        "fluency": base_source(config["surface"]["fluency_model"]),
        "prompts": [config["eval_sets"]["valid"][lang] for lang in LANGS],
        "answers": [demo_answers("valid", lang) for lang in LANGS],
        "generations": [
            generation_file(run, lr, "valid", lang) for run, lr in JUDGE_TRAIN_CHECKPOINTS for lang in LANGS
        ],
    }


# ---- human.smk -----------------------------------------------------------------------------------------------------
def human_rating_sheets():
    return [r["path"] for r in config["human"]["ratings"]]


def human_annotators():
    return [r["annotator"] for r in config["human"]["ratings"]]


def human_key_files():
    return sorted({human_key(r["lang"]) for r in config["human"]["ratings"]})


# ---- the default target (the Snakefile's `rule all`) ---------------------------------------------------------------
def study_targets():
    figs = [figure(f"fig{i}", ext) for i in (2, 3, 4, 5) for ext in ("pdf", "png")]
    tables = [
        table(t)
        for t in ("surface", "selected_lr", "judge_scores", "judge_cost", "human_scores", "agreement", "judge_validity")
    ]
    figs += [figure("judge_validity", ext) for ext in ("pdf", "png")]
    if any(r.strategy == "dt" for r in RUNS.values()):
        tables.append(table("translation_quality"))
    if CONSTRAINT_SPLITS:
        tables.append(table("constraints"))
        figs += [figure("constraints", ext) for ext in ("pdf", "png")]
    return figs + tables + [HUMAN_GUIDELINES]
