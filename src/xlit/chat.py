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

TEMPLATES = {"llama2": LLAMA2_TEMPLATE}


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
