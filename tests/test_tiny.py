from transformers import AutoModelForCausalLM, AutoTokenizer


def test_tiny_lm_roundtrip(tiny_lm_dir):
    tok = AutoTokenizer.from_pretrained(tiny_lm_dir)
    model = AutoModelForCausalLM.from_pretrained(tiny_lm_dir)
    text = "Река течёт мимо старой мельницы."
    assert tok.decode(tok.encode(text, add_special_tokens=False)) == text
    out = tok.apply_chat_template([{"role": "user", "content": " Hi "}, {"role": "assistant", "content": "Yo"}],
                                  tokenize=False)
    assert out == "<s>[INST] Hi [/INST] Yo </s>"
    assert model.config.vocab_size == len(tok)
