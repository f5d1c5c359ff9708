"""Chat templates. The paper's is LLaMA-2's `<s>[INST] {user} [/INST] {assistant} </s>`, no system prompt.

Templates carry `{% generation %}` markers around assistant text so that trl can compute the loss on
assistant tokens only (`assistant_only_loss=True`), and the same template renders prompts at generation.
"""

from __future__ import annotations

LLAMA2_TEMPLATE = (
    "{% for message in messages %}"
    "{% if message['role'] == 'system' %}"
    "{% if not loop.first %}{{ raise_exception('a system message must come first') }}{% endif %}"
    "{% elif message['role'] == 'user' %}"
    "{% if loop.index0 == 1 and messages[0]['role'] == 'system' %}"
    "{{ bos_token + '[INST] <<SYS>>\\n' + messages[0]['content'].strip() + '\\n<</SYS>>\\n\\n'"
    " + message['content'].strip() + ' [/INST]' }}"
    "{% else %}{{ bos_token + '[INST] ' + message['content'].strip() + ' [/INST]' }}{% endif %}"
    "{% elif message['role'] == 'assistant' %}"
    "{% generation %}{{ ' ' + message['content'].strip() + ' ' + eos_token }}{% endgeneration %}"
    "{% else %}{{ raise_exception('unknown role: ' + message['role']) }}{% endif %}"
    "{% endfor %}"
)

TEMPLATES = {"llama2": LLAMA2_TEMPLATE}


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
