"""What a base model needs besides its weights, decided once for training and generation: the attention
implementation (`base_models.<m>.attn_implementation`, else a safe default per model type), the model made to
agree with its tokenizer (an embedding row for a new pad token, `generation_config`'s EOS and pad: the template's
end of turn, `xlit.chat.align_tokens`), and a check that the end-of-turn token was trained in the base.

Defaults per model type (`ATTN_DEFAULTS`): Gemma-2 (and 3) soft-cap attention logits, which sdpa ignores, and
give NaN with sdpa under padding: eager. Every other type: sdpa (transformers' own default).
"""

from __future__ import annotations

import logging

log = logging.getLogger("xlit.basemodel")

ATTN_DEFAULTS = {"gemma2": "eager", "gemma3": "eager", "gemma3_text": "eager"}
ATTN_IMPLEMENTATIONS = ("eager", "sdpa", "flash_attention_2", "flex_attention")
#: an embedding row whose norm is under this share of the median row's was never trained (Llama-3's base: the
#: reserved and chat tokens, `<|eot_id|>` included, are near zero)
UNTRAINED_SHARE = 1e-3


def attn_implementation(model_type: str, setting: str | None = None) -> str:
    """The attention implementation for a model type: `setting` when given, else `ATTN_DEFAULTS` or sdpa."""
    if setting:
        if setting not in ATTN_IMPLEMENTATIONS:
            raise ValueError(f"attn_implementation: expected one of {list(ATTN_IMPLEMENTATIONS)}, got {setting!r}")
        return setting
    return ATTN_DEFAULTS.get(model_type, "sdpa")


def model_type(path) -> str:
    """`config.json`'s model_type of a model directory or hub id (read from the local files only)."""
    from transformers import AutoConfig

    return AutoConfig.from_pretrained(str(path)).model_type


def untrained_tokens(model, token_ids: list[int]) -> list[int]:
    """Those of `token_ids` whose input (or output) embedding row is near zero next to the median row
    (`UNTRAINED_SHARE`): tokens the base never learnt. Rows not held here (meta, FSDP's other ranks) count as
    trained."""
    import torch

    out = []
    for emb in {
        id(e): e for e in (model.get_input_embeddings(), model.get_output_embeddings()) if e is not None
    }.values():
        w = emb.weight
        if w.device.type == "meta" or w.dim() != 2 or not w.numel():
            continue
        with torch.no_grad():
            norms = w.detach().float().norm(dim=1)
            floor = UNTRAINED_SHARE * float(norms.median())
            out += [i for i in token_ids if i < len(norms) and float(norms[i]) < floor and i not in out]
    return out


def prepare_model(model, tokenizer, tokens: dict, lora: bool) -> dict:
    """Make `model` agree with `tokenizer` after `xlit.chat.align_tokens` (`tokens`, what it decided): an
    embedding row for a new pad token where the model has none spare (full fine-tuning only: a LoRA adapter
    would not carry it), `generation_config` (saved with the checkpoint) and `config` with the template's end of
    turn as EOS and the pad; then refuse, for LoRA, an end of turn the base never trained (it stays frozen, so
    the model never learns to stop), and warn for full fine-tuning. Returns what was done."""
    end_id = tokenizer.convert_tokens_to_ids(tokens["end_of_turn"])
    pad_id = tokenizer.pad_token_id
    rows = model.get_input_embeddings().weight.shape[0]
    resized = False
    if pad_id >= rows:
        if lora:
            raise ValueError(
                f"the base has no pad token other than EOS and no spare embedding row for a new one "
                f"({tokens['pad_token']!r}, id {pad_id}): give its tokenizer a pad token, or fine-tune fully"
            )
        model.resize_token_embeddings(len(tokenizer), mean_resizing=False)
        resized = True
    for cfg in (model.generation_config, model.config):
        if cfg is not None:
            cfg.eos_token_id = end_id
            cfg.pad_token_id = pad_id
    untrained = untrained_tokens(model, [end_id])
    if untrained:
        msg = (
            f"the end-of-turn token {tokens['end_of_turn']!r} (id {end_id}) looks untrained in the base "
            "(its embedding is near zero)"
        )
        if lora:
            raise ValueError(
                f"{msg}: under LoRA it stays so and the model never learns to stop; use chat_template: text "
                "(the base's own EOS) or full fine-tuning"
            )
        log.warning("%s: full fine-tuning has to learn it", msg)
    return {"resized_embeddings": resized, "end_of_turn_untrained": bool(untrained)}
