"""The byte-level BPE tokenizers of the demo's tiny models, trained locally with `tokenizers` and wrapped as
transformers fast tokenizers (same classes and save format as a hub model's).

`train_bpe` is the one trainer; `lm_tokenizer` (the tiny Llama: `<s>`, chat template, left padding) and
`mt_tokenizer` (the tiny Marian: `</s>` after each text, a `>>xx<<` token per target language, unknown bytes as
`<unk>`, a space before each text, right padding) set its parameters and wrap it."""

from __future__ import annotations

LM_SPECIALS = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"}
PAD, EOS, UNK = "<pad>", "</s>", "<unk>"


def train_bpe(
    texts: list[str],
    vocab_size: int,
    specials: list[str],
    *,
    unk_token: str | None = None,
    add_prefix_space: bool = False,
):
    """A byte-level BPE `tokenizers.Tokenizer` trained on `texts`; `specials` take the first ids, in order."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE(unk_token=unk_token))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=add_prefix_space)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer=trainer)
    return tok


def lm_tokenizer(texts: list[str], vocab_size: int, chat_template: str):
    """The tiny causal LM's tokenizer (a transformers fast tokenizer with `chat_template`)."""
    from transformers import PreTrainedTokenizerFast

    tok = train_bpe(texts, vocab_size, list(LM_SPECIALS.values()))
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, **LM_SPECIALS)
    fast.chat_template = chat_template
    fast.padding_side = "left"
    return fast


def lang_token(lang: str) -> str:
    """The target-language token put before an MT source text, as OPUS-MT multi-target models do."""
    return f">>{lang}<<"


def mt_tokenizer(texts: list[str], vocab_size: int, langs: list[str]):
    """The tiny translator's tokenizer (a transformers fast tokenizer; `</s>` ends every encoded text)."""
    from tokenizers import processors
    from transformers import PreTrainedTokenizerFast

    tok = train_bpe(
        texts, vocab_size, [PAD, EOS, UNK] + [lang_token(l) for l in langs], unk_token=UNK, add_prefix_space=True
    )
    tok.post_processor = processors.TemplateProcessing(
        single=f"$A {EOS}", pair=f"$A {EOS} $B {EOS}", special_tokens=[(EOS, tok.token_to_id(EOS))]
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        pad_token=PAD,
        eos_token=EOS,
        unk_token=UNK,
        extra_special_tokens=[lang_token(l) for l in langs],
        clean_up_tokenization_spaces=False,
        model_max_length=512,
    )
    fast.padding_side = "right"
    return fast
