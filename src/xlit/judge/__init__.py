"""The LLM judge: six criteria rated 1-3 stars (scores 0-2) by an OpenAI-compatible endpoint or a local
causal LM, with a persistent cache, cost accounting and estimates.

Public API
- `CRITERIA`: ("language", "fluency", "helpfulness", "accuracy", "logic", "harmlessness")
- prompts: `DEFAULT_TEMPLATE`, `COMPACT_TEMPLATE`, `template_for(cfg, template)`, `load_template(path|None)`,
  `render(template, instruction, response)`, `neutralise(text, markers(template))`
- parsing: `parse_answer(text) -> Parsed` (`.stars` 1-3, `.scores` 0-2, `.missing`, `.unparsed`)
- running: `read_responses(path) -> [Item]`, `judge_items(items, judge_name, judge_cfg, template=,
  cache_dir=, base_dir=, on_row=, reasks=) -> [row]`, `summary(rows)`; one job (workflow rule and CLI):
  `judge_file(responses, out, judge_name, judge_cfg, template=, cache_dir=, base_dir=, lang=,
  max_error_share=, reasks=) -> [row]` (defaults: the schema's `judge` section, `DEFAULT_REASKS`), which
  raises `JudgeFailed` (nothing written; every answer that arrived is cached) when more requests failed
  after retries than `max_error_share` allows
  (`check_failures(rows, max_error_share)` is that check alone); `judge_files([(responses, out, lang)], ...)`:
  several files in one `judge_items` call (the workflow: every language of a checkpoint, the model loaded once)
- tables: `score_rows(rows, judge, run, lr, lang)`, `cost_row(rows, judge_cfg, judge, run, lr, lang)`,
  `SCORE_COLUMNS`, `COST_COLUMNS` (run, lr and lang come from the caller: the workflow's params)
- estimate: `estimate(files, judges_cfg, template=, cache_dir=) -> [row]`, `ESTIMATE_COLUMNS`

A row: {"id", "lang", "category", "judge", "scores": {criterion: 0-2}, "stars": {criterion: 1-3},
"missing": [criteria not read], "unparsed": bool (nothing readable), "reasks"/"previous_raw" (when an
answer did not parse and was asked again: how often, and the answers that did not parse), "raw": the answer
text, "usage": {"prompt_tokens", "completion_tokens"}, "cached": bool, "error": str|None, and per backend
"logprobs" (openai, when returned) or "probs"/"mass"/"truncated" (transformers)}.

Judge config keys read (`judges.<name>`; every default is the schema's, `judge_defaults()`): backend, model,
base_url, api_key_env, temperature, max_tokens, concurrency, max_retries, timeout, backoff_base, backoff_max,
logprobs, top_logprobs, price_in_per_mtok, price_out_per_mtok; transformers: batch_size (responses per forward
pass, each with its six criterion suffixes), max_length (context cap; unset: the model's), mode (`stars`: star
probabilities after a JSON prefix; `generate`: the model writes its answer greedily (max_tokens) and it goes
through the openai path's rendering, parsing and cache, without re-asks since a greedy answer does not
change); any backend: template (`compact`: COMPACT_TEMPLATE, for small-context judges, instead of judge.prompt).
Answers are cached in `<cache_dir>/judge/` (`xlit.llm.ChatCache`: one file per answer).

vllm (`vllm_judge`): the transformers `generate` mode's path (same prompt ids, `local.chat_ids`) on a vLLM engine in
the generation environment; gpus (tensor parallel), max_length (max_model_len), batch_size (requests per engine
call, answers cached after each). panel (`panel`): panel (member judges), min_members; no model call: the members'
mean per response and criterion, rounded half up into `scores`, kept in `mean`.

Modules: `core` (input, rows, cache, the generative-JSON path `judge_chat`), one per backend (`openai_backend`,
`local`: transformers, both modes; `vllm_judge`; `panel`), `run` (`judge_items` dispatches on `run.BACKENDS`,
`judge_file(s)`, `check_failures`), `job` (the workflow's judge job, `run_job(spec)`, in either environment),
`tables` (score and cost tables, estimates), `prompt` (templates), `parse` (answers).
"""

from xlit.judge.core import DEFAULT_REASKS, Item, judge_defaults, read_responses, resolve_model, template_for
from xlit.judge.local import LocalChat, LocalJudge
from xlit.judge.openai_backend import endpoint_of
from xlit.judge.parse import Parsed, parse_answer
from xlit.judge.prompt import COMPACT_TEMPLATE, DEFAULT_TEMPLATE, load_template, markers, neutralise, render
from xlit.judge.run import JudgeFailed, check_failures, judge_file, judge_files, judge_items
from xlit.judge.tables import COST_COLUMNS, ESTIMATE_COLUMNS, SCORE_COLUMNS, cost_row, estimate, score_rows, summary
from xlit.names import CRITERIA

__all__ = [
    "COMPACT_TEMPLATE",
    "CRITERIA",
    "COST_COLUMNS",
    "DEFAULT_REASKS",
    "DEFAULT_TEMPLATE",
    "ESTIMATE_COLUMNS",
    "Item",
    "JudgeFailed",
    "LocalChat",
    "LocalJudge",
    "Parsed",
    "SCORE_COLUMNS",
    "check_failures",
    "cost_row",
    "endpoint_of",
    "estimate",
    "judge_defaults",
    "judge_file",
    "judge_files",
    "judge_items",
    "load_template",
    "markers",
    "neutralise",
    "parse_answer",
    "read_responses",
    "render",
    "resolve_model",
    "score_rows",
    "summary",
    "template_for",
]
