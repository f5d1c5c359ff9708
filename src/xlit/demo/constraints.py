"""The demo's constraint prompts: each test prompt with one constraint sentence appended in the prompt's language,
and its type on the same line of a `.types` file beside the prompts (the form of the authors' `modifiers` release,
read by `xlit.data.load_prompts`). The sentences are the demo's own; the tiny models follow none of them."""

from __future__ import annotations

#: a constraint sentence per type and language; `{lang}` is the requested language's name in the prompt's language
SENTENCES = {
    "lang": {
        "en": "Answer in {lang}.",
        "fr": "Réponds en {lang}.",
        "pt": "Responda em {lang}.",
        "ru": "Ответь на {lang} языке.",
    },
    "short": {"en": "Keep it short.", "fr": "Sois bref.", "pt": "Seja breve.", "ru": "Ответь кратко."},
    "long": {
        "en": "Answer in detail.",
        "fr": "Réponds en détail.",
        "pt": "Responda em detalhe.",
        "ru": "Ответь подробно.",
    },
    "num_items_3": {
        "en": "Give 3 points.",
        "fr": "Donne 3 points.",
        "pt": "Dê 3 pontos.",
        "ru": "Назови 3 пункта.",
    },
    "markdown_template": {
        "en": "Format the answer in markdown.",
        "fr": "Mets la réponse en markdown.",
        "pt": "Formate a resposta em markdown.",
        "ru": "Оформи ответ в markdown.",
    },
    "html_template": {
        "en": "Write the answer as an html page.",
        "fr": "Écris la réponse comme une page html.",
        "pt": "Escreva a resposta como uma página html.",
        "ru": "Напиши ответ как страницу html.",
    },
    "arrow_template": {
        "en": "Start every point with -->",
        "fr": "Commence chaque point par -->",
        "pt": "Comece cada ponto com -->",
        "ru": "Начинай каждый пункт с -->",
    },
    "cap_template": {
        "en": "Start every word with a capital letter.",
        "fr": "Commence chaque mot par une majuscule.",
        "pt": "Comece cada palavra com maiúscula.",
        "ru": "Начинай каждое слово с заглавной буквы.",
    },
    "simple_style": {
        "en": "Use simple words.",
        "fr": "Utilise des mots simples.",
        "pt": "Use palavras simples.",
        "ru": "Используй простые слова.",
    },
}
#: language names: NAMES[prompt language][requested language] (Russian's in the form after "на ... языке")
NAMES = {
    "en": {"en": "English", "fr": "French", "pt": "Portuguese", "ru": "Russian"},
    "fr": {"en": "anglais", "fr": "français", "pt": "portugais", "ru": "russe"},
    "pt": {"en": "inglês", "fr": "francês", "pt": "português", "ru": "russo"},
    "ru": {"en": "английском", "fr": "французском", "pt": "португальском", "ru": "русском"},
}
#: the types, in the order the prompts take them (round robin); `lang` asks for the next language of the list
ORDER = ["lang", "short", "long", "num_items_3", "markdown_template", "lang", "html_template", "arrow_template"]
ORDER += ["cap_template", "simple_style"]


def write_constraint_prompts(test_files: dict[str, str], outputs: dict[str, str]) -> dict[str, dict[str, int]]:
    """For each language, the test prompts of `test_files[lang]` with a constraint each, written to
    `outputs[lang]` (id, instruction) and its `.types` beside it; returns the types' counts per language."""
    from xlit.constraints import types_path
    from xlit.data import load_prompts
    from xlit.io import atomic_path, write_jsonl

    languages, counts = list(test_files), {}
    for lang, path in test_files.items():
        made = constraint_prompts([(p["id"], p["instruction"]) for p in load_prompts(path)], lang, languages)
        with atomic_path(types_path(outputs[lang])) as tmp:
            tmp.write_text("".join(t + "\n" for _i, _p, t in made), encoding="utf-8")
        write_jsonl(outputs[lang], [{"id": i, "instruction": p} for i, p, _t in made])
        counts[lang] = {t: sum(1 for m in made if m[2] == t) for t in dict.fromkeys(m[2] for m in made)}
    return counts


def constraint_prompts(rows: list[tuple[str, str]], lang: str, languages: list[str]) -> list[tuple[str, str, str]]:
    """(id, prompt, type) for each (id, prompt text) of `rows` in `lang`: the i-th prompt gets the i-th type of
    ORDER (round robin); a `lang` constraint asks for another language of `languages` (by position, the same
    for every prompt language where possible)."""
    out, asked = [], 0
    for i, (rid, text) in enumerate(rows):
        kind = ORDER[i % len(ORDER)]
        if kind == "lang":
            others = [l for l in languages if l != lang]
            target = others[asked % len(others)]
            asked += 1
            ctype, sentence = f"lang_{target}", SENTENCES["lang"][lang].format(lang=NAMES[lang][target])
        else:
            ctype, sentence = kind, SENTENCES[kind][lang]
        out.append((rid, f"{text.rstrip()} {sentence}", ctype))
    return out
