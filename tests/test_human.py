import csv
import json

import pytest

from xlit import human
from xlit.io import InputError
from xlit.names import CRITERIA

RUNS = [
    ("tiny-en_demo-dolly_en_ft", "0.0003"),
    ("tiny-en_demo-dolly_en_lora", "0.001"),
    ("tiny-multi_demo-dolly_dt_ft", "3e-05"),
]
PROMPTS = {
    "fr": ["Écris un poème sur la mer.", "Combien font 2 + 3 ?", "Classe: chat, chien, voiture."],
    "ru": ["Напиши стихотворение о море.", "Сколько будет 2 + 3?", "Назови столицу Франции."],
}


def _generations(tmp_path, lang):
    out = []
    for k, (run, lr) in enumerate(RUNS):
        path = tmp_path / "results" / "generations" / run / f"lr{lr}" / "test" / f"{lang}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = [
            {
                "id": f"p{i}",
                "lang": lang,
                "category": ["creative", "math", "classification"][i],
                "prompt": p,
                "response": f'Réponse {k}-{i}, ligne un.\nLigne deux, avec "guillemets", virgules.',
                "n_tokens": 12,
            }
            for i, p in enumerate(PROMPTS[lang])
        ]
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        out.append((run, lr, str(path)))
    return out


@pytest.fixture
def sheets(tmp_path):
    outdir = tmp_path / "results" / "human"
    made = {}
    for lang in PROMPTS:
        made[lang] = human.write_sheets(_generations(tmp_path, lang), outdir, lang, seed=3)
    return made


def _read(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def _fill(sheet, dest, score=lambda i, c: str((i + len(c)) % 3), drop=(), edit=None):
    rows = _read(sheet)
    header = rows[0]
    for i, row in enumerate(rows[1:]):
        for j, col in enumerate(header):
            if col in CRITERIA:
                row[j] = score(i, col)
    body = [r for i, r in enumerate(rows[1:]) if i not in drop]
    if edit:
        edit(header, body)
    with open(dest, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header] + body)
    return dest


def test_sheet_layout_and_key(sheets):
    sheet, key = sheets["fr"]
    rows = _read(sheet)
    assert rows[0] == ["item", "prompt", "response", *CRITERIA]
    assert len(rows) == 1 + len(RUNS) * 3
    assert all(r[3:] == [""] * 6 for r in rows[1:])
    assert len({r[0] for r in rows[1:]}) == 9
    keys = human.read_keys([key])
    assert set(keys) == {r[0] for r in rows[1:]}
    assert {(k["run"], k["lr"]) for k in keys.values()} == set(RUNS)
    # multi-line responses with quotes survive the CSV round trip
    assert any("\n" in r[2] and '"guillemets"' in r[2] for r in rows[1:])
    assert sheet.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets show Cyrillic right


def test_blinding_leaks_no_run_or_lr(sheets):
    for _lang, (sheet, key) in sheets.items():
        text = sheet.read_text(encoding="utf-8-sig")
        for run, lr in RUNS:
            assert run not in text
            assert f"lr{lr}" not in text and lr not in text
            for part in run.split("_"):
                if len(part) > 3:  # model, data set, adaptation names (not 'en'/'ft', common letter pairs)
                    assert part not in text, part
        for word in ("tiny", "lora", "dolly", "generations", "checkpoint", "model"):
            assert word not in text.lower()
        # the order is not grouped by run: consecutive rows come from different runs somewhere
        keys = human.read_keys([key])
        order = [keys[r[0]]["run"] for r in _read(sheet)[1:]]
        assert order != sorted(order)


def test_shuffle_is_seeded(tmp_path):
    gens = _generations(tmp_path, "fr")
    a = human.write_sheets(gens, tmp_path / "a", "fr", seed=1)[0].read_text(encoding="utf-8-sig")
    b = human.write_sheets(list(reversed(gens)), tmp_path / "b", "fr", seed=1)[0].read_text(encoding="utf-8-sig")
    c = human.write_sheets(gens, tmp_path / "c", "fr", seed=2)[0].read_text(encoding="utf-8-sig")
    assert a == b and a != c


def test_n_items_same_prompts_for_every_run(tmp_path):
    sheet, key = human.write_sheets(_generations(tmp_path, "fr"), tmp_path / "h", "fr", seed=0, n_items=6)
    keys = human.read_keys([key])
    assert len(keys) == 6  # 6 // 3 runs = 2 prompts x 3 runs
    ids = {}
    for k in keys.values():
        ids.setdefault(k["run"], set()).add(k["id"])
    assert len({frozenset(v) for v in ids.values()}) == 1


def test_wrong_language_rejected(tmp_path):
    gens = _generations(tmp_path, "fr")
    with pytest.raises(InputError, match="language 'fr'"):
        human.write_sheets(gens, tmp_path / "h", "ru", seed=0)


def test_guidelines(tmp_path):
    p = human.write_guidelines(tmp_path / "g.md")
    text = p.read_text()
    for crit in CRITERIA:
        assert "## " in text and crit in text
    assert text.count("**2**") == 6 and text.count("**1**") == 6 and text.count("**0**") == 6


def test_import_two_annotators(sheets, tmp_path):
    fr_a = _fill(sheets["fr"][0], tmp_path / "alice_fr.csv")
    fr_b = _fill(sheets["fr"][0], tmp_path / "bob_fr.csv", score=lambda i, c: "2", drop={0, 1})
    ru_a = _fill(sheets["ru"][0], tmp_path / "alice_ru.csv")
    keys = [sheets["fr"][1], sheets["ru"][1]]
    rows = human.load_ratings([("alice", fr_a), ("bob", fr_b), ("alice", ru_a)], keys)
    assert len(rows) == (9 + 7 + 9) * 6
    assert set(rows[0]) == set(human.HUMAN_COLUMNS)
    assert {r["annotator"] for r in rows} == {"alice", "bob"}
    assert all(isinstance(r["score"], int) and 0 <= r["score"] <= 2 for r in rows)
    assert {(r["run"], r["lr"]) for r in rows} == set(RUNS)
    # every item's rating goes to the checkpoint the key names
    bob = {(r["run"], r["id"], r["criterion"]) for r in rows if r["annotator"] == "bob"}
    assert len(bob) == 7 * 6
    out = tmp_path / "human_scores.tsv"
    human.write_human_scores(out, rows)
    assert out.read_text().splitlines()[0].split("\t") == human.HUMAN_COLUMNS


def _set(row_index, column, value):
    def edit(header, body):
        body[row_index][header.index(column)] = value

    return edit


BAD = {
    "out_of_range": (_set(2, "fluency", "3"), 4, "fluency", "out of range"),
    "negative": (_set(0, "logic", "-1"), 2, "logic", "out of range"),
    "non_integer": (_set(1, "accuracy", "1.5"), 3, "accuracy", "not an integer"),
    "text": (_set(4, "helpfulness", "good"), 6, "helpfulness", "not an integer"),
    "missing_cell": (_set(3, "harmlessness", ""), 5, "harmlessness", "missing score"),
    "unknown_item": (_set(5, "item", "fr-9999"), 7, "item", "unknown item"),
    "duplicate_item": (lambda h, b: b.append(list(b[0])), 11, "item", "already rated"),
    "edited_response": (_set(0, "response", "something else entirely"), 2, "response", "differ from the key"),
}


@pytest.mark.parametrize("kind", list(BAD))
def test_import_rejects_bad_sheet_naming_file_row_column(sheets, tmp_path, kind):
    edit, row, column, words = BAD[kind]
    good = _fill(sheets["ru"][0], tmp_path / "good_ru.csv")
    bad = _fill(sheets["fr"][0], tmp_path / f"{kind}.csv", edit=edit)
    keys = [sheets["fr"][1], sheets["ru"][1]]
    with pytest.raises(InputError) as e:
        human.load_ratings([("alice", good), ("bob", bad)], keys)
    err = e.value
    assert err.path == str(bad) and err.line == row and err.field == column
    msg = str(err)
    assert f"{bad}:{row}" in msg and f"'{column}'" in msg and words in msg
    assert "nothing was imported" in msg


def test_import_collects_all_errors(sheets, tmp_path):
    def edit(header, body):
        body[0][header.index("fluency")] = "7"
        body[1][header.index("logic")] = ""
        body[2][header.index("item")] = "nope"

    bad = _fill(sheets["fr"][0], tmp_path / "bad.csv", edit=edit)
    with pytest.raises(InputError) as e:
        human.load_ratings([("alice", bad)], [sheets["fr"][1]])
    assert len(e.value.errors) == 3
    assert [(r, c) for _, r, c, _ in e.value.errors] == [(2, "fluency"), (3, "logic"), (4, "item")]
    assert "2 more problem(s)" in str(e.value)


def test_import_missing_column(sheets, tmp_path):
    def edit(header, body):
        j = header.index("logic")
        del header[j]
        for r in body:
            del r[j]

    bad = _fill(sheets["fr"][0], tmp_path / "nologic.csv", edit=edit)
    with pytest.raises(InputError) as e:
        human.load_ratings([("alice", bad)], [sheets["fr"][1]])
    assert e.value.line == 1 and e.value.field == "logic"


def test_import_is_all_or_nothing(sheets, tmp_path, monkeypatch):
    """One bad cell in the last sheet: no rows come back, not the first sheet's."""
    good = _fill(sheets["ru"][0], tmp_path / "good.csv")
    bad = _fill(sheets["fr"][0], tmp_path / "bad.csv", edit=_set(8, "fluency", "5"))
    result = None
    with pytest.raises(InputError):
        result = human.load_ratings([("alice", good), ("alice", bad)], [sheets["fr"][1], sheets["ru"][1]])
    assert result is None


def test_spreadsheet_quirks_accepted(sheets, tmp_path):
    """'2.0' as some spreadsheets write it, CRLF line ends, blank trailing rows, no BOM, prompt and
    response columns removed."""

    def edit(header, body):
        body[0][header.index("fluency")] = "2.0"
        body.append([""] * len(header))
        for col in ("response", "prompt"):
            j = header.index(col)
            del header[j]
            for r in body:
                del r[j]

    p = _fill(sheets["fr"][0], tmp_path / "quirky.csv", edit=edit)
    p.write_bytes(p.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    rows = human.load_ratings([("alice", p)], [sheets["fr"][1]])
    assert len(rows) == 9 * 6
