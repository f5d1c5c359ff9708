"""The LLaMA-2 template, token by token (issue 22): the ids xlit trains on and generates from are the ids the
authors' release produced, which tokenised `<s>[INST] {user} [/INST] ` + ` {assistant} </s>` piece by piece
between the special tokens. The LLaMA-2 tokenizer cannot be fetched here: the tokenizer below has its pieces
(a SentencePiece-style BPE with `▁`, transformers' own LLaMA class, LLaMA-2's ids for the pieces at the seam,
`▁▁` merged last as in LLaMA-2, whose two-space piece has the lowest score)."""

from __future__ import annotations

import re

import pytest

from xlit.chat import LLAMA2_TEMPLATE, piecewise_prefix, with_template
from xlit.generate import encode_prompts, render_prompt

#: LLaMA-2's ids of the pieces around `[INST]`/`[/INST]` (`▁[` INST `]`, `▁[` `/` INST `]`, the lone `▁`)
LLAMA2_IDS = {"<unk>": 0, "<s>": 1, "</s>": 2, "▁▁": 259, "▁[": 518, "INST": 25580, "]": 29962, "/": 29914}
LLAMA2_IDS |= {"▁": 29871, "[": 29961}
WORDS = ["What", "is", "the", "capital", "of", "France", "?", "Paris", ".", "Sure", "!", "It", "Say", "hi", "Hi"]


def llama_like(legacy: bool = False):
    """transformers' LlamaTokenizer (what AutoTokenizer builds for LLaMA-2) over a small vocabulary."""
    from transformers import LlamaTokenizer

    merges: list[tuple[str, str]] = [("I", "N"), ("IN", "S"), ("INS", "T"), ("▁", "[")]
    for word in WORDS:  # every word with its `▁`, merged letter by letter (punctuation stays a piece of its own)
        if not word.isalpha():
            continue
        piece = "▁" + word[0]
        merges.append(("▁", word[0]))
        for c in word[1:]:
            merges.append((piece, c))
            piece += c
    merges.append(("▁", "▁"))  # last: two spaces before a word are `▁` + `▁word`
    merges = list(dict.fromkeys(merges))
    vocab = dict(LLAMA2_IDS)
    pieces = sorted({c for w in WORDS for c in w} | {"I", "N", "S", "T", "IN", "INS", "[", "/"})
    pieces += [a + b for a, b in merges]
    for p in pieces:
        if p not in vocab:
            vocab[p] = 30000 + len(vocab)
    return LlamaTokenizer(vocab=vocab, merges=merges, legacy=legacy)


def as_release(tok, text: str) -> list[int]:
    """The release's tokenisation: the text split at `<s>`/`</s>`, each piece tokenised on its own."""
    ids = []
    for piece in re.split(r"(<s>|</s>)", text):
        if piece in ("<s>", "</s>"):
            ids.append(tok.convert_tokens_to_ids(piece))
        elif piece:
            ids += tok(piece, add_special_tokens=False)["input_ids"]
    return ids


def release_text(user: str, answer: str | None = None) -> str:
    """The release's rendering, written out: the user turn with a space after `[/INST]`, the answer after
    another space, a space before `</s>`."""
    text = "<s>" + "[INST] " + user.strip() + " [/INST]" + " "
    return text if answer is None else text + " " + answer.strip() + " " + "</s>"


@pytest.fixture
def tok():
    return with_template(llama_like(), LLAMA2_TEMPLATE)  # as xlit.train and the plan set a tokenizer up


def test_only_llama2_s_template_switches_to_piecewise():
    other = "{% for m in messages %}{{ m['content'] }}{% endfor %}"
    assert with_template(llama_like(), other).backend_tokenizer.pre_tokenizer.prepend_scheme == "first"
    assert with_template(llama_like(), LLAMA2_TEMPLATE).backend_tokenizer.pre_tokenizer.prepend_scheme == "always"


CONV = [{"role": "user", "content": "What is the capital of France?"}, {"role": "assistant", "content": "Paris."}]


def test_the_seam_is_the_release_s(tok):
    prompt = encode_prompts(tok, [{"instruction": CONV[0]["content"]}])[0]
    out = tok.apply_chat_template(CONV, tokenize=True, return_dict=True, return_assistant_tokens_mask=True)
    ids, mask = out["input_ids"], out["assistant_masks"]
    # the same ids as the release, for the prompt the model continues and for the training example
    assert render_prompt(tok, CONV[0]["content"]) == release_text(CONV[0]["content"])
    assert prompt == as_release(tok, release_text(CONV[0]["content"]))
    assert ids == as_release(tok, release_text(CONV[0]["content"], CONV[1]["content"]))
    tokens = tok.convert_ids_to_tokens(ids)
    assert tokens == [
        "<s>", "▁[", "INST", "]", "▁What", "▁is", "▁the", "▁capital", "▁of", "▁France", "?",
        "▁[", "/", "INST", "]", "▁", "▁Paris", ".", "▁", "</s>",
    ]  # fmt: skip
    # at the seam, in LLaMA-2's ids: `]` 29962, the lone `▁` 29871, then the answer's first word
    seam = len(prompt)
    assert ids[seam - 5 : seam] == [518, 29914, 25580, 29962, 29871]
    assert ids[:seam] == prompt and tokens[seam] == "▁Paris"
    # loss on the answer only: from its first word through `▁` and `</s>`; the lone `▁` belongs to the prompt
    assert mask == [0] * seam + [1] * (len(ids) - seam)


def test_before_the_fix_the_seam_had_no_lone_space(tok):
    old = LLAMA2_TEMPLATE.replace("' [/INST] '", "' [/INST]'")
    assert old != LLAMA2_TEMPLATE
    ids = tok.apply_chat_template(CONV, tokenize=True, chat_template=old)
    if not isinstance(ids, list):
        ids = ids["input_ids"]
    tokens = tok.convert_ids_to_tokens(ids)
    i = tokens.index("/")
    assert tokens[i - 1 : i + 4] == ["▁[", "/", "INST", "]", "▁Paris"]  # 29962 then the answer, no 29871


def test_multi_turn_and_every_piece_prefixed(tok):
    conv = CONV + [{"role": "user", "content": "Say hi!"}, {"role": "assistant", "content": "Hi!"}]
    ids = tok.apply_chat_template(conv, tokenize=True, return_dict=True)["input_ids"]
    text = release_text(CONV[0]["content"], CONV[1]["content"]) + release_text("Say hi!", "Hi!")
    assert ids == as_release(tok, text)
    tokens = tok.convert_ids_to_tokens(ids)
    assert tokens[tokens.index("</s>") : tokens.index("</s>") + 3] == ["</s>", "<s>", "▁["]


def test_piecewise_prefix_is_what_the_release_did_and_survives_a_save(tmp_path):
    from transformers import AutoTokenizer

    raw = llama_like()  # as transformers 5 loads LLaMA-2: no `▁` after a special token
    text = release_text(CONV[0]["content"], CONV[1]["content"])
    plain = raw(text, add_special_tokens=False)["input_ids"]
    assert raw.convert_ids_to_tokens(plain)[:2] == ["<s>", "["] and plain != as_release(raw, text)
    fixed = piecewise_prefix(raw)
    assert fixed(text, add_special_tokens=False)["input_ids"] == as_release(fixed, text)
    fixed.save_pretrained(tmp_path)
    again = AutoTokenizer.from_pretrained(tmp_path)
    assert again(text, add_special_tokens=False)["input_ids"] == as_release(again, text)
    # a tokenizer that already prefixes every piece, or a byte-level one, is left as it is
    legacy = llama_like(legacy=True)
    assert piecewise_prefix(legacy) is legacy and legacy(text, add_special_tokens=False)["input_ids"] == as_release(
        legacy, text
    )
