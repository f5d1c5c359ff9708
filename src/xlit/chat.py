"""Chat templates. The paper's is LLaMA-2's, as the authors' release renders it: a user turn is
`<s>[INST] {user} [/INST] ` (with a space after `[/INST]`), an assistant turn ` {assistant} </s>`, no system
prompt. Tokenised (the tokenizer splits the text at `<s>`/`</s>` and tokenises each piece, a LLaMA-2 tokenizer
putting `▁` before each piece), a single-turn example is, token by token:

    <s> ▁[ INST ] ▁{user...} ▁[ / INST ] ▁ ▁{assistant...} ▁ </s>

a lone `▁` after `[/INST]` (id 29871 in LLaMA-2's vocabulary), then the answer's first word with its own `▁`:
the two spaces between `[/INST]` and the answer are two tokens, not one `▁▁` (LLaMA-2 merges `▁▁` last). The
generation prompt is the same text up to and including that lone `▁`, so a model continues exactly where the
training answers start; the loss mask (`{% generation %}`, from the second space on) leaves the lone `▁` to
the prompt and covers the answer, the `▁` before `</s>` and `</s>`.

Templates carry `{% generation %}` markers around assistant text so that trl can compute the loss on
assistant tokens only (`assistant_only_loss=True`), and the same template renders prompts at generation.

The release tokenised the text between special tokens piece by piece, each piece getting its `▁`; a whole
rendered string gives the same ids where the tokenizer puts `▁` before every such piece. transformers 5 loads
LLaMA-2's tokenizer with `legacy=False` (`Metaspace(prepend_scheme="first")`): no `▁` after `<s>`, so
`<s>[INST]` becomes `<s> [` instead of `<s> ▁[`. `piecewise_prefix(tokenizer)` restores the release's form
wherever a tokenizer is loaded for the llama2 template.
"""

from __future__ import annotations

LLAMA2_TEMPLATE = (
    "{% for message in messages %}"
    "{% if message['role'] == 'system' %}"
    "{% if not loop.first %}{{ raise_exception('a system message must come first') }}{% endif %}"
    "{% elif message['role'] == 'user' %}"
    "{% if loop.index0 == 1 and messages[0]['role'] == 'system' %}"
    "{{ bos_token + '[INST] <<SYS>>\\n' + messages[0]['content'].strip() + '\\n<</SYS>>\\n\\n'"
    " + message['content'].strip() + ' [/INST] ' }}"
    "{% else %}{{ bos_token + '[INST] ' + message['content'].strip() + ' [/INST] ' }}{% endif %}"
    "{% elif message['role'] == 'assistant' %}"
    "{% generation %}{{ ' ' + message['content'].strip() + ' ' + eos_token }}{% endgeneration %}"
    "{% else %}{{ raise_exception('unknown role: ' + message['role']) }}{% endif %}"
    "{% endfor %}"
)

# The families' own instruct templates, for bases whose instruct tokens are trained, each ending an answer with
# its end-of-turn token inside `{% generation %}` (the loss covers the answer and that token), and `text`: an
# ordinary-text template that ends an answer with the base's own EOS (Llama-3.1 base: `<|eot_id|>` and the header
# tokens are untrained there). No template inserts a default system prompt (the paper uses none).
_ROLE_ERROR = "{% else %}{{ raise_exception('unknown role: ' + message['role']) }}{% endif %}"
_BOS = "{% if bos_token %}{{ bos_token }}{% endif %}"

LLAMA3_TEMPLATE = (
    _BOS + "{% for message in messages %}"
    "{% if message['role'] in ['system', 'user'] %}"
    "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'"
    " + message['content'] | trim + '<|eot_id|>' }}"
    "{% elif message['role'] == 'assistant' %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}"
    "{% generation %}{{ message['content'] | trim + '<|eot_id|>' }}{% endgeneration %}" + _ROLE_ERROR + "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}"
)

CHATML_TEMPLATE = (  # Qwen2 / Qwen2.5: `<|im_end|>` ends a turn, while the base's EOS is `<|endoftext|>`
    "{% for message in messages %}"
    "{% if message['role'] in ['system', 'user'] %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{% elif message['role'] == 'assistant' %}{{ '<|im_start|>assistant\\n' }}"
    "{% generation %}{{ message['content'] + '<|im_end|>' }}{% endgeneration %}{{ '\\n' }}"
    + _ROLE_ERROR
    + "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

GEMMA_TEMPLATE = (  # Gemma / Gemma-2: no system role
    _BOS + "{% for message in messages %}"
    "{% if message['role'] == 'system' %}{{ raise_exception('Gemma templates have no system role') }}"
    "{% elif message['role'] == 'user' %}"
    "{{ '<start_of_turn>user\\n' + message['content'] | trim + '<end_of_turn>\\n' }}"
    "{% elif message['role'] == 'assistant' %}{{ '<start_of_turn>model\\n' }}"
    "{% generation %}{{ message['content'] | trim + '<end_of_turn>' }}{% endgeneration %}{{ '\\n' }}"
    + _ROLE_ERROR
    + "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<start_of_turn>model\\n' }}{% endif %}"
)

MISTRAL_TEMPLATE = (  # Mistral-7B-v0.3 as its HF template spaces it: `[INST] user[/INST] answer</s>`
    _BOS + "{% for message in messages %}"
    "{% if message['role'] == 'system' %}"
    "{% if not loop.first %}{{ raise_exception('a system message must come first') }}{% endif %}"
    "{% elif message['role'] == 'user' %}"
    "{% if loop.index0 == 1 and messages[0]['role'] == 'system' %}"
    "{{ '[INST] ' + messages[0]['content'] | trim + '\\n\\n' + message['content'] | trim + '[/INST]' }}"
    "{% else %}{{ '[INST] ' + message['content'] | trim + '[/INST]' }}{% endif %}"
    "{% elif message['role'] == 'assistant' %}"
    "{% generation %}{{ ' ' + message['content'] | trim + eos_token }}{% endgeneration %}"
    + _ROLE_ERROR
    + "{% endfor %}"
)

OLMO2_TEMPLATE = (  # OLMo-2 (Tulu 3): plain-text role tags, every answer ends with EOS
    _BOS + "{% for message in messages %}"
    "{% if message['role'] in ['system', 'user'] %}{{ '<|' + message['role'] + '|>\\n' + message['content'] + '\\n' }}"
    "{% elif message['role'] == 'assistant' %}{{ '<|assistant|>\\n' }}"
    "{% generation %}{{ message['content'] + eos_token }}{% endgeneration %}"
    "{% if not loop.last %}{{ '\\n' }}{% endif %}" + _ROLE_ERROR + "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}"
)

TEXT_TEMPLATE = (  # ordinary text: only the base's own BOS and EOS, which pretraining trained
    _BOS + "{% for message in messages %}"
    "{% if message['role'] == 'system' %}{{ message['content'] | trim + '\\n\\n' }}"
    "{% elif message['role'] == 'user' %}"
    "{{ '### Instruction:\\n' + message['content'] | trim + '\\n\\n### Response:\\n' }}"
    "{% elif message['role'] == 'assistant' %}"
    "{% generation %}{{ message['content'] | trim + eos_token }}{% endgeneration %}"
    "{% if not loop.last %}{{ '\\n\\n' }}{% endif %}" + _ROLE_ERROR + "{% endfor %}"
)

TEMPLATES = {
    "llama2": LLAMA2_TEMPLATE,
    "llama3": LLAMA3_TEMPLATE,
    "chatml": CHATML_TEMPLATE,
    "gemma": GEMMA_TEMPLATE,
    "mistral": MISTRAL_TEMPLATE,
    "olmo2": OLMO2_TEMPLATE,
    "text": TEXT_TEMPLATE,
}


def piecewise_prefix(tokenizer):
    """`tokenizer`, made to tokenise a rendered chat as the release did: a SentencePiece-style (`Metaspace`)
    fast tokenizer that puts its `▁` only before the first piece of a text (`prepend_scheme="first"`) puts it
    before every piece between special tokens (`"always"`, LLaMA-2's own `legacy` form), and keeps doing so
    once saved and loaded again (`legacy` in its config). Other tokenizers (byte-level BPE, `always`
    already) are returned as they are."""
    from tokenizers import pre_tokenizers

    backend = getattr(tokenizer, "backend_tokenizer", None)
    pre = getattr(backend, "pre_tokenizer", None)
    if not isinstance(pre, pre_tokenizers.Metaspace) or pre.prepend_scheme != "first":
        return tokenizer
    backend.pre_tokenizer = pre_tokenizers.Metaspace(
        replacement=pre.replacement, prepend_scheme="always", split=pre.split
    )
    if hasattr(tokenizer, "legacy"):
        tokenizer.legacy = True
    tokenizer.init_kwargs["legacy"] = True
    return tokenizer


def with_template(tokenizer, template: str | None):
    """`tokenizer` set up to render `template` (a literal, `get_template`'s): the template set, and for LLaMA-2's
    the release's piecewise tokenisation (`piecewise_prefix`), which a saved checkpoint keeps."""
    if template:
        tokenizer.chat_template = template
    if template == LLAMA2_TEMPLATE:
        piecewise_prefix(tokenizer)
    return tokenizer


def rendered_lengths(tokenizer, conversations: list[list[dict]]) -> list[int]:
    """Tokens of each conversation as training feeds it: the tokenizer's chat template rendered, then tokenised in
    one batch without added special tokens (what `apply_chat_template(tokenize=True)` does row by row)."""
    texts = tokenizer.apply_chat_template(conversations, tokenize=False)
    return [len(ids) for ids in tokenizer(texts, add_special_tokens=False)["input_ids"]]


def get_template(name_or_template: str) -> str:
    """A template by name (`llama2`) or a literal Jinja template (anything containing `{%`)."""
    if name_or_template in TEMPLATES:
        return TEMPLATES[name_or_template]
    if "{%" in name_or_template:
        return name_or_template
    raise ValueError(
        f"unknown chat template {name_or_template!r}: use one of {sorted(TEMPLATES)} or a Jinja template string"
    )


def user_prompt(instruction: str) -> list[dict]:
    """The single-turn conversation used at evaluation: no system prompt, as in the paper."""
    return [{"role": "user", "content": instruction}]


# ---- the end of a turn: template, EOS, stop tokens and pad agree (checked at the start of training) ----------------
#: a user turn and an answer that no tokenizer merges with what the template writes around them
PROBE = [{"role": "user", "content": "XLITPROMPT"}, {"role": "assistant", "content": "XLITANSWER"}]
#: existing tokens a base may pad with, in order of preference, before a new one is added (`PAD_TOKEN`)
PAD_CANDIDATES = ("<pad>", "<|pad|>", "[PAD]", "<|finetune_right_pad_id|>", "<|finetune_right_pad|>", "<|padding|>")
PAD_TOKEN = "<|xlit_pad|>"


class TemplateError(ValueError):
    """A chat template whose end of turn, EOS, stop tokens, pad or loss mask do not agree (one line)."""

    one_line = True


def _special_ids(tokenizer) -> set[int]:
    decoder = getattr(tokenizer, "added_tokens_decoder", {}) or {}
    return set(tokenizer.all_special_ids) | {i for i, t in decoder.items() if getattr(t, "special", False)}


def end_of_turn(tokenizer) -> str:
    """The token that ends an answer in the tokenizer's chat template: the first special token the template writes
    after the answer (llama2 and text: the tokenizer's EOS; chatml `<|im_end|>`; llama3 `<|eot_id|>`; gemma
    `<end_of_turn>`). A template that writes none (or writes it as text the tokenizer splits) can never stop."""
    if not getattr(tokenizer, "chat_template", None):
        raise TemplateError("the tokenizer has no chat template: set base_models.<model>.chat_template")
    text = tokenizer.apply_chat_template(PROBE, tokenize=False)
    after = text[text.index(PROBE[1]["content"]) + len(PROBE[1]["content"]) :]
    special = _special_ids(tokenizer)
    for i in tokenizer(after, add_special_tokens=False)["input_ids"]:
        if i in special:
            return tokenizer.convert_ids_to_tokens(i)
    raise TemplateError(
        f"the chat template ends an answer with {after!r}, which holds no special token of the tokenizer: "
        "generation could never stop (add the token to the tokenizer, or use chat_template: text)"
    )


def template_tokens(tokenizer) -> set[int]:
    """The special tokens the chat template writes (a conversation and a generation prompt): control tokens,
    which the pad must not be."""
    ids: set[int] = set()
    special = _special_ids(tokenizer)
    for conv, gen in ((PROBE, False), (PROBE[:1], True)):
        text = tokenizer.apply_chat_template(conv, tokenize=False, add_generation_prompt=gen)
        ids |= {i for i in tokenizer(text, add_special_tokens=False)["input_ids"] if i in special}
    return ids


def choose_pad(tokenizer) -> tuple[str, bool]:
    """(pad token, whether it is new): the tokenizer's own pad unless it is EOS, BOS or a token the template
    writes; else an existing pad-like token (`PAD_CANDIDATES`), else `<unk>`, else a new `PAD_TOKEN` (the caller
    gives the model an embedding row for it where it has none spare)."""
    taken = template_tokens(tokenizer) | {tokenizer.eos_token_id, tokenizer.bos_token_id}
    vocab = tokenizer.get_vocab()
    own = [tokenizer.pad_token] if tokenizer.pad_token is not None else []
    for tok in [*own, *PAD_CANDIDATES, tokenizer.unk_token]:
        if tok is not None and tok in vocab and vocab[tok] not in taken:
            return tok, False
    return PAD_TOKEN, True


def align_tokens(tokenizer) -> dict:
    """Make the tokenizer agree with its chat template (set with `with_template`): EOS is the template's end of
    turn (Qwen2.5's base says `<|endoftext|>` while ChatML ends turns with `<|im_end|>`: a model tuned on it stops
    only if EOS becomes `<|im_end|>`), and the pad is never EOS nor a control token (`choose_pad`; a new pad
    token is added to the tokenizer). Returns what was decided: `end_of_turn`, `eos_token` (and `eos_was`),
    `pad_token` (and `pad_was`, `pad_added`). Raises `TemplateError` where they cannot agree."""
    end = end_of_turn(tokenizer)
    out = {"end_of_turn": end, "eos_was": tokenizer.eos_token, "pad_was": tokenizer.pad_token}
    if tokenizer.eos_token != end:
        tokenizer.eos_token = end
        if end_of_turn(tokenizer) != end:  # a template that writes `eos_token` itself now ends with another token
            raise TemplateError(f"the chat template's end of turn moves with the tokenizer's EOS ({end!r})")
    pad, added = choose_pad(tokenizer)
    if added:
        tokenizer.add_special_tokens({"pad_token": pad})
    else:
        tokenizer.pad_token = pad
    return {**out, "eos_token": tokenizer.eos_token, "pad_token": pad, "pad_added": added}


def stop_token_ids(tokenizer, generation_config=None) -> list[int]:
    """The ids that end generation, for the hf and vLLM backends alike: the tokenizer's EOS first, then any other
    EOS of the checkpoint's `generation_config` (a checkpoint trained by xlit has only one: `check_agreement`)."""
    ids = [tokenizer.eos_token_id]
    extra = getattr(generation_config, "eos_token_id", None) if generation_config is not None else None
    for i in extra if isinstance(extra, (list, tuple)) else [extra]:
        if i is not None and int(i) not in ids:
            ids.append(int(i))
    return ids


def check_agreement(tokenizer, generation_config) -> None:
    """The three agree, or one line says which does not: the template's end of turn, the tokenizer's EOS and
    `generation_config.eos_token_id`, and the stop tokens of generation (`stop_token_ids`); the pad is not EOS."""
    end = end_of_turn(tokenizer)
    end_id = tokenizer.convert_tokens_to_ids(end)
    if tokenizer.eos_token != end:
        raise TemplateError(
            f"the chat template ends a turn with {end!r} but the tokenizer's EOS is {tokenizer.eos_token!r}"
        )
    gen_eos = getattr(generation_config, "eos_token_id", None)
    gen_eos = list(gen_eos) if isinstance(gen_eos, (list, tuple)) else [gen_eos]
    if gen_eos != [end_id]:
        raise TemplateError(
            f"generation_config.eos_token_id is {gen_eos} but the chat template ends a turn with {end!r} ({end_id})"
        )
    stops = stop_token_ids(tokenizer, generation_config)
    if stops != [end_id]:
        raise TemplateError(
            f"generation would stop at {stops} but the chat template ends a turn with {end!r} ({end_id})"
        )
    if tokenizer.pad_token_id is None or tokenizer.pad_token_id == end_id:
        raise TemplateError(
            f"the pad token {tokenizer.pad_token!r} is the end of turn: it would be masked out of the loss"
        )


def check_loss_mask(tokenizer) -> dict:
    """What the loss covers at the prompt/answer seam, as trl's `assistant_only_loss` computes it (the template's
    `{% generation %}` mask): the generation prompt's tokens are a prefix of the training conversation's and
    outside the mask, and the masked tokens are the answer and its end of turn, the end of turn last. Returns the
    masked tokens; raises `TemplateError` otherwise."""
    enc = tokenizer.apply_chat_template(PROBE, tokenize=True, return_dict=True, return_assistant_tokens_mask=True)
    ids, mask = list(enc["input_ids"]), list(enc["assistant_masks"])
    prompt = tokenizer.apply_chat_template(PROBE[:1], tokenize=True, return_dict=True, add_generation_prompt=True)
    prompt = list(prompt["input_ids"])
    end = end_of_turn(tokenizer)
    covered = [i for i, m in zip(ids, mask) if m]
    if not covered:
        raise TemplateError("the chat template marks no answer with {% generation %}: the loss would cover nothing")
    if ids[: len(prompt)] != prompt:
        raise TemplateError(
            "the generation prompt is tokenised differently from the same text in training: "
            f"{tokenizer.convert_ids_to_tokens(prompt[-3:])} vs "
            f"{tokenizer.convert_ids_to_tokens(ids[len(prompt) - 3 : len(prompt)])}"
        )
    if any(mask[: len(prompt)]):
        raise TemplateError("the loss mask covers part of the prompt")
    first = mask.index(1)
    last = len(mask) - 1 - mask[::-1].index(1)
    if not all(mask[first : last + 1]) or tokenizer.convert_ids_to_tokens(ids[last]) != end:
        raise TemplateError(
            f"the loss mask must end with the end of turn {end!r}; it covers {tokenizer.convert_ids_to_tokens(covered)}"
        )
    answer = tokenizer.decode(ids[first:last], skip_special_tokens=False).strip()
    if answer != PROBE[1]["content"]:
        raise TemplateError(f"the loss mask covers {answer!r} besides the answer and its end of turn")
    return {"masked": tokenizer.convert_ids_to_tokens(covered)}
