from transformers import AutoModelForCausalLM, AutoTokenizer


def test_tiny_lm_roundtrip(tiny_lm_dir):
    tok = AutoTokenizer.from_pretrained(tiny_lm_dir)
    model = AutoModelForCausalLM.from_pretrained(tiny_lm_dir)
    text = "Река течёт мимо старой мельницы."
    assert tok.decode(tok.encode(text, add_special_tokens=False)) == text
    out = tok.apply_chat_template(
        [{"role": "user", "content": " Hi "}, {"role": "assistant", "content": "Yo"}], tokenize=False
    )
    assert out == "<s>[INST] Hi [/INST]  Yo </s>"  # the release's trailing space after [/INST]
    assert model.config.vocab_size == len(tok)


def test_one_bpe_trainer_two_wrappings():
    """The LM and MT tokenizers share `train_bpe`: the same merges from the same texts and settings; each wrapping
    keeps its own conventions (LM: no specials added, left padding; MT: `</s>` after a text, one id per
    language token, right padding)."""
    from xlit.chat import LLAMA2_TEMPLATE
    from xlit.demo import lm_tokenizer, mt_tokenizer
    from xlit.demo.tokenizer import train_bpe

    texts = [
        "The river flows past the old mill.",
        "La rivière passe devant le vieux moulin.",
        "Река течёт мимо старой мельницы.",
    ] * 20
    lm = lm_tokenizer(texts, 300, LLAMA2_TEMPLATE)
    raw = train_bpe(texts, 300, ["<s>", "</s>", "<unk>", "<pad>"])
    assert lm.backend_tokenizer.get_vocab() == raw.get_vocab()
    assert [lm.bos_token_id, lm.eos_token_id, lm.unk_token_id, lm.pad_token_id] == [0, 1, 2, 3]
    assert lm.encode(texts[2], add_special_tokens=False) == raw.encode(texts[2]).ids
    assert lm.padding_side == "left" and lm.chat_template == LLAMA2_TEMPLATE

    mt = mt_tokenizer(texts, 300, ["fr", "ru"])
    ids = mt(">>ru<< The river flows.")["input_ids"]
    assert ids[0] == mt.convert_tokens_to_ids(">>ru<<") == 4 and ids[-1] == mt.eos_token_id == 1
    assert mt.decode(ids, skip_special_tokens=True).strip() == "The river flows."
    assert mt.padding_side == "right" and mt.pad_token_id == 0
