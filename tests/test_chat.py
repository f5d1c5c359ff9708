from transformers import AutoTokenizer

from xlit.chat import LLAMA2_TEMPLATE
from xlit.generate import render_prompt


def test_llama2_template_renders_inst_form_exactly(tiny_lm_dir):
    tok = AutoTokenizer.from_pretrained(tiny_lm_dir)
    conv = [
        {"role": "user", "content": "Q1"},
        {"role": "assistant", "content": "A1"},
        {"role": "user", "content": "Q2"},
        {"role": "assistant", "content": "A2"},
    ]
    # the release's form: a space after [/INST] ends the user turn, the answer starts with its own space
    assert tok.apply_chat_template(conv, tokenize=False) == "<s>[INST] Q1 [/INST]  A1 </s><s>[INST] Q2 [/INST]  A2 </s>"
    assert render_prompt(tok, "Bonjour ?") == "<s>[INST] Bonjour ? [/INST] "
    sys_conv = [{"role": "system", "content": "Be brief."}] + conv[:2]
    assert (
        tok.apply_chat_template(sys_conv, tokenize=False)
        == "<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nQ1 [/INST]  A1 </s>"
    )


def test_assistant_only_mask_covers_responses_and_eos(tiny_lm_dir):
    tok = AutoTokenizer.from_pretrained(tiny_lm_dir)
    tok.chat_template = LLAMA2_TEMPLATE
    conv = [
        {"role": "user", "content": "What is the river?"},
        {"role": "assistant", "content": "The river flows."},
        {"role": "user", "content": "Again?"},
        {"role": "assistant", "content": "La rivière coule."},
    ]
    out = tok.apply_chat_template(conv, tokenize=True, return_dict=True, return_assistant_tokens_mask=True)
    ids, mask = out["input_ids"], out["assistant_masks"]
    assert len(ids) == len(mask)
    masked = tok.decode([i for i, m in zip(ids, mask) if m])
    unmasked = tok.decode([i for i, m in zip(ids, mask) if not m])
    assert masked == " The river flows. </s> La rivière coule. </s>"
    # the space after [/INST] stays with the prompt (in the byte-level demo tokenizer too, a token of its own)
    assert unmasked == "<s>[INST] What is the river? [/INST] <s>[INST] Again? [/INST] "
