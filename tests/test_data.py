import json

import pytest

from xlit.data import check_aligned, load_it_rows, load_prompts
from xlit.io import InputError


def write(path, rows):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def test_dolly_keeps_context_and_category(tmp_path):
    p = write(
        tmp_path / "d.jsonl",
        [
            {"instruction": "Summarize.", "context": "A long text.", "response": "Short.", "category": "summarization"},
            {"instruction": "Name a fruit.", "context": "", "response": "Apple.", "category": "open_qa"},
        ],
    )
    rows = load_it_rows(p, "dolly")
    assert rows[0]["messages"] == [
        {"role": "user", "content": "Summarize.\n\nA long text."},
        {"role": "assistant", "content": "Short."},
    ]
    assert rows[0]["category"] == "summarization" and rows[1]["messages"][0]["content"] == "Name a fruit."


def test_lima_multi_turn_kept(tmp_path):
    p = write(
        tmp_path / "l.jsonl",
        [
            {"conversations": ["q1", "a1", "q2", "a2"], "source": "stackexchange"},
            {"conversations": ["q", "a"], "source": "wikihow"},
        ],
    )
    rows = load_it_rows(p, "lima")
    assert [m["role"] for m in rows[0]["messages"]] == ["user", "assistant", "user", "assistant"]
    assert rows[0]["messages"][2]["content"] == "q2" and rows[1]["category"] == "wikihow"


def test_messages_format_both_shapes(tmp_path):
    conv = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    p = write(tmp_path / "m.jsonl", [{"messages": conv, "id": "x1"}, conv])
    rows = load_it_rows(p, "messages")
    assert rows[0]["id"] == "x1" and rows[1]["messages"] == conv


@pytest.mark.parametrize(
    "fmt, line, expected",
    [
        ("dolly", {"instruction": "x", "context": "", "category": "c"}, "d.jsonl:2: field 'response': missing"),
        ("dolly", '{"instruction": "x",', "d.jsonl:2: not valid JSON"),
        ("lima", {"conversations": "not a list"}, "d.jsonl:2: field 'conversations'"),
        ("messages", {"messages": [{"role": "bot", "content": "x"}]}, "d.jsonl:2: field 'messages'"),
    ],
)
def test_malformed_lines_name_file_line_field(tmp_path, fmt, line, expected):
    good = {
        "dolly": {"instruction": "a", "context": "", "response": "b", "category": "c"},
        "lima": {"conversations": ["a", "b"]},
        "messages": {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]},
    }
    p = write(tmp_path / "d.jsonl", [good[fmt], line])
    with pytest.raises(InputError) as e:
        load_it_rows(p, fmt)
    assert expected in str(e.value)


def test_prompts_both_forms_and_alignment(tmp_path):
    a = write(
        tmp_path / "en.jsonl",
        [
            {"id": "1", "instruction": "Hi", "category": "open_qa"},
            {"id": "2", "instruction": "Bye", "category": "open_qa"},
        ],
    )
    b = write(tmp_path / "fr.jsonl", [[{"role": "user", "content": "Salut"}], [{"role": "user", "content": "Adieu"}]])
    pa, pb = load_prompts(a), load_prompts(b)
    assert pb[1] == {"id": "2", "instruction": "Adieu", "category": ""}
    check_aligned({"en": pa, "fr": pb}, {"en": str(a), "fr": str(b)})
    c = write(tmp_path / "pt.jsonl", [{"id": "1", "instruction": "Oi"}])
    with pytest.raises(InputError, match="pt.jsonl: field 'id': ids not aligned"):
        check_aligned({"en": pa, "pt": load_prompts(c)}, {"en": str(a), "pt": str(c)})
    d = write(tmp_path / "dup.jsonl", [{"id": "1", "instruction": "x"}, {"id": "1", "instruction": "y"}])
    with pytest.raises(InputError, match="dup.jsonl:2: field 'id': duplicate id"):
        load_prompts(d)
