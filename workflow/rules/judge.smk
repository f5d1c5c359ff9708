# The LLM judge: one job per (judge, selected checkpoint) on config judge.split (test), all languages at once
# (a transformers judge is loaded once per job), one file per language; then the score and cost tables;
# judge_estimate prints what judging the grid would cost before paying.
# Input functions (selected_generations, judge_outputs, judge_member_files) are in inputs.smk; judge_conda,
# judge_gpus and MODEL_JUDGES in common.smk.
# Judge answers are cached under {cache_dir}/judge/ (never an output; survives killed jobs; xlit.cache).
# The API key is read from the environment variable `judges.<name>.api_key_env` at run time only.
# Parallel openai judge jobs multiply the request rate (jobs x concurrency): each takes one `judge_api`
# resource, so `--resources judge_api=1` keeps a single job talking to the endpoint at a time.
# A `vllm` judge runs in vLLM's environment (config `vllm`; envs/vllm.yaml under --sdm conda) on its `gpus` (tensor
# parallel); a `panel` judge asks no model: it averages its members' outputs for the same checkpoint.


wildcard_constraints:
    judge="|".join(map(re.escape, JUDGES)) or "no-judge-configured",


rule judge:
    input:
        responses=[generation_file("{run}", "{lr}", JUDGE_SPLIT, lang) for lang in LANGS],
        model=judge_model_input,
        prompt=[JUDGE_PROMPT] if JUDGE_PROMPT else [],
        members=judge_member_files,
    output:
        [judge_result_file("{judge}", "{run}", "{lr}", lang) for lang in LANGS],
    log:
        "logs/judge/{judge}/{run}_lr{lr}.log",
    benchmark:
        "benchmarks/judge/{judge}/{run}_lr{lr}.tsv"
    conda:
        judge_conda
    threads: lambda wc: cpu_threads(judge_gpus(wc)) if judge_cfg(wc)["backend"] in MODEL_JUDGES else 1
    resources:
        gpu=judge_gpus,
        mem_mb=lambda wc: 8000 if judge_cfg(wc)["backend"] in MODEL_JUDGES else 1000,
        runtime=60,
        judge_api=lambda wc: int(judge_cfg(wc)["backend"] == "openai"),
    params:
        langs=canonical(LANGS),
        judge=canonical(judge_cfg),
        prompt=canonical(JUDGE_PROMPT_SPEC),
        cache_dir=canonical(CACHE_DIR),
        base_dir=canonical(BASE_DIR),
    script:
        "../scripts/judge.py"


rule judge_table:
    input:
        judge_outputs,
    output:
        scores=report(table("judge_scores"), caption="../report/judge_scores.rst", category="Tables"),
        cost=report(table("judge_cost"), caption="../report/judge_cost.rst", category="Tables"),
    log:
        "logs/judge_table/judge_table.log",
    benchmark:
        "benchmarks/judge_table/judge_table.tsv"
    conda:
        "../../envs/report.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        judges=canonical(JUDGES),
        jobs=canonical(judge_jobs),
    script:
        "../scripts/judge_table.py"


rule judge_estimate:
    input:
        selected_generations,
    output:
        table("judge_estimate"),
    log:
        "logs/judge_estimate/judge_estimate.log",
    benchmark:
        "benchmarks/judge_estimate/judge_estimate.tsv"
    conda:
        "../../envs/eval.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        judges=canonical(JUDGES),
        prompt=canonical(JUDGE_PROMPT_SPEC),
        cache_dir=canonical(CACHE_DIR),
        base_dir=canonical(BASE_DIR),
    script:
        "../scripts/judge_estimate.py"


# The demo's trained judge (judges.<name>.train): a tiny model fine-tuned by xlit.train on (judge prompt,
# valid-split response) -> JSON star ratings labelled from the demo world's ground truth (xlit.judge_train);
# the `judge` rule then uses it like any `transformers` judge in `mode: generate`. Never sees a test response.
if TRAINED_JUDGES:

    rule train_judge:
        input:
            unpack(train_judge_inputs),
        output:
            model=directory(judge_model_dir("{judge}")),
            data=judge_train_file("{judge}"),
        log:
            "logs/train_judge/{judge}.log",
        benchmark:
            "benchmarks/train_judge/{judge}.tsv"
        # the demo's longest job after the translator: start it as soon as the en runs' answers exist, beside
        # the dt runs, rather than after them (where it held up every judge job)
        priority: 10
        conda:
            "../../envs/train.yaml"
        threads: 1
        resources:
            mem_mb=2000,
            runtime=20,
        params:
            spec=canonical(train_judge_params),
        script:
            "../scripts/train_judge.py"
