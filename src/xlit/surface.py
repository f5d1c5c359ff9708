"""Automatic surface features of generated responses (the paper's Figure 3, left).

Per response (`response_features` + `fluency_ppl`):
- `lid_lang`, `lid_prob`: fastText top-1 on the whole response (newlines folded);
- `correct_lang`: `lid_lang` is the prompt's language and `lid_prob >= threshold` (an empty response is
  never correct);
- `code_switch`: share of the response's sentences of at least `min_chars` characters whose top-1
  language is another one (0.0 when no sentence is long enough; 1.0 for a response wholly in another
  language);
- `n_tokens` (from the generation row), `n_words` (whitespace words), `empty` (blank response);
- `repetition`: share of word 4-grams that repeat an earlier 4-gram (1 - distinct/total; 0.0 below 4
  words), and `max_line_run`: longest run of identical consecutive non-empty lines (blank lines are
  skipped; 0 for an empty response);
- `line_pass`: the Language Confusion Benchmark's line-level check (Marchisio et al. 2024; `line_pass`): every
  line of 5 or more words, after its normalisation, is identified as the prompt's language with probability
  above 0.3; None (skipped, neither pass nor fail) when no line is that long. Its mean is `line_pass_rate`
  (LPR). Stricter than `correct_lang`: an English preamble line ("Here is the answer:") fails a French answer
  that whole-response LID passes;
- `word_pass`: the benchmark's word check, for non-Latin-script languages only (`WPR_LANGS`; None elsewhere
  and for a response that fails or skips `line_pass`): no whitespace token of the checked lines is an English
  word (lower-case, more than 3 letters, from the `english-words` package's `web2` list, the Webster's-2nd list
  the benchmark uses). Its mean is `word_pass_rate` (WPR); `lcpr` is the harmonic mean of LPR and WPR (LPR
  alone where WPR is undefined);
- `expect_lang`: the language the response is checked against (every language feature above): the row's own
  `expect_lang` when the prompt asks for another language (a constraint prompt of type `lang_xx`), else the
  prompt's language;
- `fluency_ppl`: per-token perplexity of the response alone (BOS + response tokens, no prompt, no EOS)
  under a reference causal LM; None (NaN) for an empty response.

`summarize(rows)`: `n`, and means of `correct_lang code_switch repetition empty`, `mean_tokens`,
`mean_words`, `max_line_run`, `line_pass_rate`, `word_pass_rate`, then `lcpr`; `fluency_ppl` is the geometric
mean of the per-response perplexities (exp of the mean log-perplexity), which keeps one degenerate response from
dominating. NaN/None values are ignored; a mean over nothing is NaN.
"""

from __future__ import annotations

import functools
import math
import os
import re
import string
from pathlib import Path
from typing import Any, Iterable

from .fluency import BATCH_SIZE, FluencyLM
from .io import InputError, iter_jsonl_lines, require
from .settings import section_defaults

_DEFAULTS = section_defaults("surface")  # config surface.*: the one place of these defaults
LID_THRESHOLD, MIN_CHARS = (_DEFAULTS[k] for k in ("lid_threshold", "code_switch_min_chars"))
RUN_FIELDS = ["run", "model", "data", "strategy", "adaptation", "lr", "split", "lang"]
#: every surface metric of a checkpoint's (split, language), named once: summary key -> (the per-response field it
#: averages, Figure 3's label and unit, or None where the figure leaves it out). `summarize` computes them,
#: `tables/surface.tsv` has a column each (TABLE_COLUMNS), Figure 3 draws those with a label (FIGURE3).
METRICS = {
    "correct_lang": ("correct_lang", ("correct language", "share of responses")),
    "code_switch": ("code_switch", ("code-switching", "share of sentences")),
    "mean_tokens": ("n_tokens", ("length", "tokens per response")),
    "repetition": ("repetition", ("repetition", "share of repeated 4-grams")),
    "fluency_ppl": ("fluency_ppl", ("fluency", "perplexity (ref. LM)")),  # a geometric mean
    "empty": ("empty", None),
    "mean_words": ("n_words", None),
    "max_line_run": ("max_line_run", None),
    "line_pass_rate": ("line_pass", ("line pass rate", "share of responses")),  # no line to check: left out
    "word_pass_rate": ("word_pass", None),  # among line-passing responses, in WPR_LANGS only
}
#: derived from METRICS in `summarize`, a column of the table after them
DERIVED = ("lcpr",)
#: metrics that are shares in [0, 1] (drawn on a fixed axis)
SHARES = ("correct_lang", "code_switch", "repetition", "empty", "line_pass_rate", "word_pass_rate")
#: Figure 3's panels: (metric, label, unit)
FIGURE3 = [(m, *label) for m, (_, label) in METRICS.items() if label]
TABLE_COLUMNS = [*RUN_FIELDS, "n", *METRICS, *DERIVED]

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|(?<=[。！？])|\n+")


# ---- text features --------------------------------------------------------------------------------


def sentences(text: str) -> list[str]:
    """Sentences: split at line breaks and after . ! ? … (followed by space) or 。！？."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def code_switch(text: str, lang: str, lid, min_chars: int = MIN_CHARS) -> float:
    """Share of sentences with >= min_chars characters identified (top-1) as a language other than
    `lang`; 0.0 when there is no such sentence."""
    long = [s for s in sentences(text) if len(s) >= min_chars]
    if not long:
        return 0.0
    return sum(lid.predict(s)[0] != lang for s in long) / len(long)


#: the Language Confusion Benchmark's line check: lines of fewer words are ignored; a line is in a language when
#: LID's top label is it with probability above LINE_MIN_PROB
LINE_MIN_WORDS, LINE_MIN_PROB = 5, 0.3
_LINE_STRIP = str.maketrans("", "", string.punctuation + "،")


def confusion_lines(text: str) -> list[str]:
    """The lines the benchmark checks: the text before the first "\nQ:", stripped, ASCII punctuation and `،`
    deleted, `—` made a space; lines of at least LINE_MIN_WORDS whitespace words."""
    text = text.split("\nQ:")[0].strip().replace("—", " ").translate(_LINE_STRIP)
    return [line for line in text.split("\n") if len(line.split()) >= LINE_MIN_WORDS]


def line_pass(text: str, lang: str, lid) -> bool | None:
    """Every checked line in `lang` (top label, probability above LINE_MIN_PROB); None with no line to check."""
    lines = confusion_lines(text)
    if not lines:
        return None
    return all(code == lang and prob > LINE_MIN_PROB for code, prob in map(lid.predict, lines))


#: the languages the benchmark computes WPR for (non-Latin scripts: an English word stands out), and others
#: written in a non-Latin script (xlit's addition)
WPR_LANGS = frozenset("ar hi ja ko ru zh uk bg mk sr el he fa ur bn ta te mr th ka hy".split())


@functools.lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The benchmark's English word list: lower-case words of more than 3 letters of Webster's 2nd (`web2`),
    from the `english-words` package (offline)."""
    from english_words import get_english_words_set

    return frozenset(w for w in get_english_words_set(["web2"], lower=False) if w.islower() and len(w) > 3)


def word_pass(text: str, lang: str, passed_lines: bool | None) -> bool | None:
    """No English word among the whitespace tokens of the checked lines; None outside WPR_LANGS or unless the
    response passed the line check (`passed_lines`, `line_pass`'s result)."""
    if lang not in WPR_LANGS or passed_lines is not True:
        return None
    words = english_words()
    return not any(token.strip() in words for line in confusion_lines(text) for token in line.split())


def harmonic(a: float, b: float) -> float:
    """The harmonic mean of two rates; `a` alone when `b` is NaN (LCPR where WPR is undefined)."""
    if math.isnan(b):
        return a
    return 2 * a * b / (a + b) if a + b else 0.0


def repetition(text: str, n: int = 4) -> float:
    """Share of word n-grams that repeat an earlier one: 1 - distinct/total (0.0 with < n words)."""
    words = text.split()
    grams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
    if not grams:
        return 0.0
    return 1.0 - len(set(grams)) / len(grams)


def max_line_run(text: str) -> int:
    """Longest run of identical consecutive non-empty lines (blank lines skipped)."""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    best = run = 0
    prev = None
    for line in lines:
        run = run + 1 if line == prev else 1
        prev = line
        best = max(best, run)
    return best


def response_features(
    text: str, lang: str, lid, *, threshold: float = LID_THRESHOLD, min_chars: int = MIN_CHARS
) -> dict:
    """Every feature but `n_tokens` and `fluency_ppl` (see the module docstring), against the language `lang`."""
    empty = not text.strip()
    lid_lang, lid_prob = lid.predict(text)
    passed_lines = line_pass(text, lang, lid)
    return {
        "correct_lang": (not empty) and lid_lang == lang and lid_prob >= threshold,
        "lid_lang": lid_lang,
        "lid_prob": round(lid_prob, 6),
        "code_switch": code_switch(text, lang, lid, min_chars),
        "n_words": len(text.split()),
        "empty": empty,
        "repetition": repetition(text),
        "max_line_run": max_line_run(text),
        "line_pass": passed_lines,
        "word_pass": word_pass(text, lang, passed_lines),
    }


# ---- fluency --------------------------------------------------------------------------------------


def load_fluency(model_dir, backend: str = "hf", gpus: int = 0, device: str | None = None, **vllm_kw) -> FluencyLM:
    """The reference LM loaded once: transformers (`hf`), or vLLM's prompt log-probabilities (`vllm`,
    `xlit.vllm_backend.VLLMFluency`, over `gpus` GPUs; `vllm_kw` go to `vllm.LLM`)."""
    if backend == "hf":
        return FluencyLM(model_dir, device=device)
    if backend == "vllm":
        from .vllm_backend import VLLMFluency

        return VLLMFluency(model_dir, gpus=max(1, gpus), **vllm_kw)
    raise ValueError(f"surface.fluency_backend: unknown backend {backend!r} (hf or vllm)")


def fluency_ppl(texts: list[str], model_dir, batch_size: int = BATCH_SIZE, device: str | None = None) -> list[float]:
    """Per-token perplexity of each text alone (BOS + text) under the causal LM in `model_dir`
    (a local directory, or a `source.json` naming one); NaN for empty texts."""
    return FluencyLM(model_dir, device=device).ppl(list(texts), batch_size)


# ---- files ----------------------------------------------------------------------------------------


def read_generations(path, lang: str | None = None) -> list[dict]:
    """Validated generation rows `{"id","lang","category","prompt","response","n_tokens"}`; the response
    may be empty (a valid outcome), but must be a string. With `lang`, every row must be in it."""
    rows = []
    for lineno, row in iter_jsonl_lines(path):
        require(row, "id", path, lineno, (str, int))
        row_lang = require(row, "lang", path, lineno)
        require(row, "prompt", path, lineno)
        if "response" not in row:
            raise InputError(path, "missing", line=lineno, field="response")
        if not isinstance(row["response"], str):
            raise InputError(path, f"expected a string, got {row['response']!r:.60}", line=lineno, field="response")
        n_tokens = row.get("n_tokens")
        if "n_tokens" not in row or isinstance(n_tokens, bool) or not isinstance(n_tokens, int) or n_tokens < 0:
            raise InputError(
                path, f"expected a non-negative integer, got {n_tokens!r:.60}", line=lineno, field="n_tokens"
            )
        if lang is not None and row_lang != lang:
            raise InputError(
                path, f"expected '{lang}' (the file's language), got {row_lang!r}", line=lineno, field="lang"
            )
        rows.append(row)
    return rows


def surface_rows(
    gen_rows: list[dict],
    lang: str,
    lid,
    *,
    threshold: float = LID_THRESHOLD,
    min_chars: int = MIN_CHARS,
    fluency: "FluencyLM | str | os.PathLike | None" = None,
    batch_size: int = BATCH_SIZE,
    device: str | None = None,
    ppl: list[float] | None = None,
) -> list[dict]:
    """One feature row per generation row: `id lang category` + features + `n_tokens` + `fluency_ppl`
    (None without a fluency model or for an empty response; `ppl`: the perplexities, already computed).
    `n_tokens` is taken from the row, or counted with the fluency tokenizer when absent, else None.
    A `lang` (or a row's `expect_lang`) the LID model does not know is a ValueError (it would make every response
    "another language"). A row's `type` (a constraint prompt's) is carried over."""
    if hasattr(lid, "languages"):
        from .lid import check_lang

        name = f"the LID model {Path(str(getattr(lid, 'model_path', ''))).name}"
        lang = check_lang(lang, lid.languages(), name)
        for code in {r["expect_lang"] for r in gen_rows if r.get("expect_lang")}:
            check_lang(code, lid.languages(), name)
    if fluency is not None and not isinstance(fluency, FluencyLM):
        fluency = FluencyLM(fluency, device=device)
    texts = [r["response"] for r in gen_rows]
    if ppl is None:
        ppl = fluency.ppl(texts, batch_size) if fluency is not None else [math.nan] * len(texts)
    out = []
    for row, p in zip(gen_rows, ppl):
        n_tokens = row.get("n_tokens")
        if n_tokens is None and fluency is not None:
            n_tokens = len(fluency.tokenizer(row["response"], add_special_tokens=False)["input_ids"])
        out.append(
            {
                "id": row.get("id"),
                "lang": lang,
                "category": row.get("category"),
                **({"type": row["type"]} if row.get("type") else {}),
                "expect_lang": row.get("expect_lang") or lang,
                **response_features(
                    row["response"], row.get("expect_lang") or lang, lid, threshold=threshold, min_chars=min_chars
                ),
                "n_tokens": n_tokens,
                "fluency_ppl": None if math.isnan(p) else round(p, 6),
            }
        )
    return out


def surface_sets(
    sets: dict,
    lid,
    *,
    threshold: float = LID_THRESHOLD,
    min_chars: int = MIN_CHARS,
    fluency: "FluencyLM | str | os.PathLike | None" = None,
    batch_size: int = BATCH_SIZE,
    device: str | None = None,
) -> dict:
    """`surface_rows` for every set `{key: (lang, generation rows)}` -> `{key: feature rows}`, with the
    fluency LM loaded once and scoring every distinct response of all sets in one pass (batches of
    similar lengths across languages)."""
    if fluency is not None and not isinstance(fluency, FluencyLM):
        fluency = FluencyLM(fluency, device=device)
    texts = list(dict.fromkeys(r["response"] for _, rows in sets.values() for r in rows))
    scores = dict(zip(texts, fluency.ppl(texts, batch_size))) if fluency is not None else {}
    return {
        key: surface_rows(
            rows,
            lang,
            lid,
            threshold=threshold,
            min_chars=min_chars,
            fluency=fluency,
            ppl=[scores.get(r["response"], math.nan) for r in rows],
        )
        for key, (lang, rows) in sets.items()
    }


def _num(v: Any) -> float:
    if v is None or v == "":
        return math.nan
    return float(v)


def _mean(values: Iterable[Any]) -> float:
    xs = [x for x in map(_num, values) if not math.isnan(x)]
    return sum(xs) / len(xs) if xs else math.nan


def summarize(rows: list[dict]) -> dict:
    """Means over responses (see the module docstring); `fluency_ppl` is a geometric mean."""
    logs = [math.log(x) for x in map(_num, (r.get("fluency_ppl") for r in rows)) if not math.isnan(x) and x > 0]
    out = {m: _mean(r.get(field) for r in rows) for m, (field, _) in METRICS.items()}
    out["fluency_ppl"] = math.exp(sum(logs) / len(logs)) if logs else math.nan
    out["lcpr"] = harmonic(out["line_pass_rate"], out["word_pass_rate"])
    return {"n": len(rows), **out}


def json_safe(obj: Any) -> Any:
    """NaN -> None, recursively (strict JSON)."""
    if isinstance(obj, float) and math.isnan(obj):
        return None
    if isinstance(obj, dict):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [json_safe(v) for v in obj]
    return obj


def table_columns(rows: list[dict]) -> list[str]:
    """TABLE_COLUMNS, with `step` after `lr` when the rows have one (checkpoints of `selection.steps`)."""
    if not any("step" in r for r in rows):
        return TABLE_COLUMNS
    i = TABLE_COLUMNS.index("lr") + 1
    return TABLE_COLUMNS[:i] + ["step"] + TABLE_COLUMNS[i:]


def table_rows(summaries: list[dict]) -> list[dict]:
    """Rows of `tables/surface.tsv` (columns `table_columns`) from summary dicts carrying the RUN_FIELDS (and
    `step`, for a model saved at a step), sorted by run, LR (numerically), step, split, language."""
    rows = []
    columns = table_columns(summaries)
    for s in summaries:
        rows.append({k: (math.nan if s.get(k) is None else s.get(k)) for k in columns})
    return sorted(rows, key=lambda r: (r["run"], float(r["lr"]), float(r.get("step", 0)), r["split"], r["lang"]))


def run_job(spec: dict) -> None:
    """The `surface` job: `spec` = {generations (a path per entry of sets), sets ([[split, lang], ...]), fluency
    (a model directory or source.json, or None), fluency_backend, lid_model, lid_label_map, threshold, min_chars,
    batch_size, gpus, rows (a path per entry of sets), summary (a path), meta (the summaries' run fields: run,
    model, data, strategy, adaptation, lr, step), and for vLLM engine (`vllm.LLM` arguments)}."""
    import logging
    import time

    from .io import write_jsonl
    from .lid import LID

    log = logging.getLogger("xlit.surface")
    t0 = time.time()
    keys = [tuple(k) for k in spec["sets"]]
    sets = {key: (key[1], read_generations(path, lang=key[1])) for key, path in zip(keys, spec["generations"])}
    fluency, backend = spec["fluency"], spec["fluency_backend"]
    lid = LID(spec["lid_model"] or None, spec["lid_label_map"] or None)
    n = sum(len(rows) for _, rows in sets.values())
    log.info("%d files, %d responses, LID %s, fluency model %s (%s)", len(sets), n, lid.model_path, fluency, backend)
    engine = spec.get("engine", {}) if backend == "vllm" else {}
    lm = load_fluency(fluency, backend, gpus=int(spec["gpus"]), **engine) if fluency else None
    rows = surface_sets(
        sets,
        lid,
        threshold=float(spec["threshold"]),
        min_chars=int(spec["min_chars"]),
        fluency=lm,
        batch_size=int(spec["batch_size"]),
    )
    summaries = []
    for (split, lang), rows_out in zip(keys, spec["rows"]):
        summary = summarize(rows[(split, lang)])
        write_jsonl(rows_out, json_safe(rows[(split, lang)]))
        extra = {"lid_model": str(lid.model_path), "fluency_model": str(fluency) if fluency else None}
        summaries.append(json_safe({**spec["meta"], "split": split, "lang": lang, **summary, **extra}))
        log.info("%s %s: %s", split, lang, json_safe(summary))
    write_jsonl(spec["summary"], summaries)
    log.info("done in %.1fs", time.time() - t0)
