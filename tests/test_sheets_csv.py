"""Rating sheets are safe to open in a spreadsheet (issue 21): a prompt or response that a spreadsheet would
read as a formula is written with one leading `'` (OWASP: CSV injection), and every reader of the sheets
(the rating page, the import, `xlit agreement`) gets the text back exactly."""

from __future__ import annotations

import csv
import json
import random

import pytest

from xlit.human import (
    FORMULA_START,
    SHEET_ENCODING,
    load_ratings,
    read_cell,
    read_sheet,
    sheet_cell,
    write_page,
    write_sheets,
)
from xlit.names import CRITERIA

ANSWERS = [
    '=HYPERLINK("http://x","cliquez")',
    "-5+3",
    "@SUM(A1)",
    "+1",
    "\tAn answer led by a tab.",
    "\rAn answer led by a carriage return.",
    "'Quoted', she said.",  # a normal answer that starts with a quote
    "'=not a formula, quoted by its writer",
    "''two quotes",
    "'",
    "",
    "A plain answer = 2 + 2.",
    "-",
]


def sheet(tmp_path, answers=ANSWERS, prompt=lambda i: f"Question {i}?"):
    gen = tmp_path / "gen.jsonl"
    gen.write_text(
        "".join(
            json.dumps({"id": str(i), "lang": "fr", "prompt": prompt(i), "response": a}) + "\n"
            for i, a in enumerate(answers)
        ),
        encoding="utf-8",
    )
    return write_sheets([("run", "1e-05", gen)], tmp_path / "human", "fr", seed=0)


def cells(path) -> list[list[str]]:
    with open(path, encoding=SHEET_ENCODING, newline="") as f:
        return list(csv.reader(f))


def test_cell_round_trip_and_no_cell_starts_a_formula():
    rng = random.Random(0)
    alphabet = ["=", "+", "-", "@", "\t", "\r", "'", "a", " ", "1", "\n"]
    samples = ANSWERS + ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 5))) for _ in range(3000)]
    for s in samples:
        c = sheet_cell(s)
        assert not c.startswith(FORMULA_START), repr(s)
        assert read_cell(c) == s, repr(s)
        assert c in (s, "'" + s)
    assert sheet_cell('=HYPERLINK("http://x","cliquez")') == '\'=HYPERLINK("http://x","cliquez")'
    assert sheet_cell("'Quoted', she said.") == "'Quoted', she said."  # nothing to protect: as it is
    assert read_cell("=1+1") == "=1+1"  # a cell saved back without its quote reads the same


def test_sheet_cells_are_neutralised_and_read_back_exactly(tmp_path):
    sheet_path, _ = sheet(tmp_path, prompt=lambda i: "=cmd|' /C calc'!A0" if i == 0 else f"Question {i}?")
    rows = cells(sheet_path)
    assert rows[0] == ["item", "prompt", "response", *CRITERIA]
    for r in rows[1:]:
        for c in r[:3]:
            assert not c.startswith(FORMULA_START), r
    by_response = {read_cell(r[2]): r[2] for r in rows[1:]}
    assert by_response['=HYPERLINK("http://x","cliquez")'] == '\'=HYPERLINK("http://x","cliquez")'
    assert by_response["-5+3"] == "'-5+3" and by_response["@SUM(A1)"] == "'@SUM(A1)" and by_response["+1"] == "'+1"
    assert by_response["\tAn answer led by a tab."] == "'\tAn answer led by a tab."
    # the rating page and the simulated raters read the sheet: the text as generated
    items = read_sheet(sheet_path)
    assert sorted(it["response"] for it in items) == sorted(ANSWERS)
    assert "=cmd|' /C calc'!A0" in {it["prompt"] for it in items}
    page = write_page(sheet_path).read_text(encoding="utf-8")
    assert "'=HYPERLINK" not in page and "=HYPERLINK" in page


def fill(rows: list[list[str]], unquote: bool = False) -> list[list[str]]:
    """A completed sheet: every score 2 (the score cells as a person types them); `unquote`: the text as a
    spreadsheet may save it back (its added quotes gone) or as the rating page exports it."""
    out = [rows[0]]
    for r in rows[1:]:
        text = [read_cell(c) for c in r[:3]] if unquote else r[:3]
        out.append(text + ["2", "1", "0", "2", "1", "0"])
    return out


@pytest.mark.parametrize("unquote", [False, True], ids=["as written", "quotes removed"])
def test_import_reads_the_neutralised_sheet(tmp_path, unquote):
    sheet_path, key_path = sheet(tmp_path)
    done = tmp_path / "alice.csv"
    with open(done, "w", encoding=SHEET_ENCODING, newline="") as f:
        csv.writer(f).writerows(fill(cells(sheet_path), unquote))
    rows = load_ratings([("alice", done)], [key_path])
    assert len(rows) == len(ANSWERS) * len(CRITERIA)
    assert {r["id"] for r in rows} == {str(i) for i in range(len(ANSWERS))}
    assert [r["score"] for r in rows[: len(CRITERIA)]] == [2, 1, 0, 2, 1, 0]  # score cells as they are


def test_edited_text_is_still_caught(tmp_path):
    sheet_path, key_path = sheet(tmp_path)
    rows = fill(cells(sheet_path))
    i = next(n for n, r in enumerate(rows) if r[2] == "'-5+3")
    rows[i][2] = "'-5+4"
    done = tmp_path / "alice.csv"
    with open(done, "w", encoding=SHEET_ENCODING, newline="") as f:
        csv.writer(f).writerows(rows)
    with pytest.raises(Exception, match="differ from the key"):
        load_ratings([("alice", done)], [key_path])


def test_score_cells_are_not_unquoted(tmp_path):
    """Scores are read as typed: a negative or quoted score is an error, never turned into another value."""
    sheet_path, key_path = sheet(tmp_path, answers=["-5+3"])
    rows = fill(cells(sheet_path))
    rows[1][3] = "-1"
    rows[1][4] = "'2"
    done = tmp_path / "alice.csv"
    with open(done, "w", encoding=SHEET_ENCODING, newline="") as f:
        csv.writer(f).writerows(rows)
    with pytest.raises(Exception) as e:
        load_ratings([("alice", done)], [key_path])
    fields = {(c, m.split(" is ")[0]) for _, _, c, m in e.value.errors}
    assert fields == {(CRITERIA[0], "score '-1'"), (CRITERIA[1], 'score "\'2"')}
