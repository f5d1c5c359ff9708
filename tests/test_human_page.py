"""The rating page (results/human/sheets/<lang>.html): content and blinding without a browser, then a
real headless Chromium (Debian's package, driven by Playwright) rating every item with the keyboard,
reloading, exporting, and the export going through the import into human_scores.tsv and agreement.

XLIT_SCREENSHOTS=<dir> makes the browser test save rating-fr.png and rating-ru.png there."""

import csv
import json
import os
import re
import shutil
import time
import zlib
from pathlib import Path

import pytest

from xlit import human
from xlit.agreement import COLUMNS, agreement_table
from xlit.io import InputError, read_tsv, write_tsv
from xlit.names import CRITERIA
from xlit.scores import load_scores, rating_rows

ROOT = Path(__file__).resolve().parents[1]
# the demo's five runs and twelve test prompts: its sheets have 60 items per language
RUNS = [
    ("tiny-en_demo-dolly_en_ft", "0.0003"),
    ("tiny-en_demo-dolly_en_lora", "0.001"),
    ("tiny-multi_demo-dolly_en_ft", "0.0003"),
    ("tiny-en_demo-dolly_dt_ft", "1e-05"),
    ("tiny-multi_demo-dolly_dt_ft", "3e-05"),
]
INJECTION = (
    'Voir <b>ceci</b> </script><script>window.__pwned = 1</script> <img src=x onerror="window.__pwned = 2"> & <!-- fin'
)
PROMPTS = {
    "fr": [
        (
            "Donne trois conseils pour mieux dormir.",
            "Voici trois conseils simples :\n\n1. Couchez-vous à heure fixe, même le week-end.\n"
            "2. Évitez les écrans une heure avant de dormir.\n3. Gardez la chambre fraîche, vers 18 °C.\n\n"
            "Si les troubles persistent, parlez-en à votre médecin.",
        ),
        (
            "Écris une fonction Python qui inverse une chaîne.",
            "Voici une fonction courte :\n\n```python\ndef inverse(s):\n    return s[::-1]\n```\n\n"
            "Le découpage `s[::-1]` parcourt la chaîne **à l'envers**.",
        ),
        (
            "Quelle est la capitale de l'Australie ?",
            "La capitale de l'Australie est Canberra, et non Sydney comme on le croit souvent.\n"
            "Canberra a été choisie en 1908 comme compromis entre Sydney et Melbourne.",
        ),
    ],
    "ru": [
        (
            "Дай три совета, как лучше спать.",
            "Вот три простых совета:\n\n- Ложитесь спать в одно и то же время.\n"
            "- Не смотрите в экран за час до сна.\n- Проветривайте спальню перед сном.\n\n"
            "Если бессонница не проходит, обратитесь к врачу.",
        ),
        (
            "Напиши на Python функцию, которая переворачивает строку.",
            "Вот короткая функция:\n\n```python\ndef perevernut(s):\n    return s[::-1]\n```\n\n"
            "Срез `s[::-1]` проходит строку **с конца**.",
        ),
        (
            "Какая столица у Австралии?",
            "Столица Австралии — Канберра, а не Сидней, как часто думают.\n"
            "Канберру выбрали в 1908 году как компромисс между Сиднеем и Мельбурном.",
        ),
    ],
}
for _i in range(4, 13):  # short items up to the demo's twelve prompts
    PROMPTS["fr"].append(
        (
            f"Donne un fait intéressant sur le nombre {_i}.",
            f"Le nombre {_i} est un entier naturel.\nIl suit {_i - 1} et précède {_i + 1}.",
        )
    )
    PROMPTS["ru"].append(
        (
            f"Назови интересный факт о числе {_i}.",
            f"Число {_i} — натуральное.\nОно следует за {_i - 1} и идёт перед {_i + 1}.",
        )
    )


def _generations(tmp_path, lang):
    out = []
    for k, (run, lr) in enumerate(RUNS):
        path = tmp_path / "results" / "generations" / run / f"lr{lr}" / "test" / f"{lang}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = []
        for i, (prompt, answer) in enumerate(PROMPTS[lang]):
            response = {1: answer.split("\n")[0], 2: f"{answer}\n\n{INJECTION}"}.get(k, answer)
            rows.append(
                {
                    "id": f"p{i}",
                    "lang": lang,
                    "category": "open_qa",
                    "prompt": prompt,
                    "response": response,
                    "n_tokens": 40,
                }
            )
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        out.append((run, lr, str(path)))
    return out


@pytest.fixture
def pages(tmp_path):
    """{lang: (sheet, key, page)} as the annotation_sheets rule writes them."""
    out = {}
    for lang in PROMPTS:
        sheet, key = human.write_sheets(_generations(tmp_path, lang), tmp_path / "results" / "human", lang, seed=5)
        out[lang] = (sheet, key, human.write_page(sheet))
    return out


def _page_data(page):
    m = re.search(r'<script type="application/json" id="sheet-data">(.*?)</script>', page.read_text("utf-8"), re.S)
    return json.loads(m.group(1))


def _read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


# ------------------------------------------------------------------------------------ without a browser
def test_page_holds_the_sheet_items_in_order(pages):
    for lang, (sheet, _, page) in pages.items():
        assert page == sheet.with_suffix(".html")
        data = _page_data(page)
        rows = _read_csv(sheet)
        assert data["columns"] == rows[0]
        assert [(it["item"], it["prompt"], it["response"]) for it in data["items"]] == [tuple(r[:3]) for r in rows[1:]]
        assert [c["name"] for c in data["criteria"]] == list(CRITERIA)
        assert data["lang"] == lang and f"<title>Rating sheet {lang}</title>" in page.read_text("utf-8")


def test_page_is_blind_and_self_contained(pages):
    for _lang, (_, _, page) in pages.items():
        text = page.read_text("utf-8")
        for run, lr in RUNS:
            assert run not in text and lr not in text
            for part in run.split("_"):
                if len(part) > 3:
                    assert part not in text, part
        for word in ("tiny", "lora", "dolly", "generations", "checkpoint", "model", "p0", "open_qa"):
            assert word not in text.lower(), word
        # no URL to fetch: no external script, style, font or image; a CSP forbids any connection
        assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I)
        assert not re.search(r"<(?:link|img|iframe)\b|<script[^>]+src=|@import", text, re.I) and "url(" not in text
        assert "default-src 'none'" in text


def test_untrusted_text_cannot_leave_the_data_block(pages):
    text = pages["fr"][2].read_text("utf-8")
    assert sum(INJECTION in it["response"] for it in _page_data(pages["fr"][2])["items"]) == len(PROMPTS["fr"])
    assert text.count("</script>") == 2 and text.count("<script") == 2  # the data block and the code
    assert "<!--" not in text.split('id="sheet-data">')[1]


def test_guideline_criteria_follow_the_guidelines():
    crits = human.guideline_criteria()
    flat = " ".join(human.GUIDELINES.split())
    for c in crits:
        assert list(c["levels"]) == ["2", "1", "0"]
        for s, words in c["levels"].items():
            assert f"**{s}**: {words}" in flat
        assert f"{c['name']} - {c['question']}" in flat
    acc = next(c for c in crits if c["name"] == "accuracy")
    assert len(acc["notes"]) == 1 and acc["notes"][0].startswith("Judge only what the answer says")
    with pytest.raises(ValueError, match="logic"):
        human.guideline_criteria(human.GUIDELINES.replace("- **1**: some contradictions", "- some contradictions"))


def test_write_page_rejects_a_filled_or_foreign_csv(pages, tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("item,score\nfr-0001,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a rating sheet"):
        human.write_page(bad)
    bad.write_text("item,prompt,response," + ",".join(CRITERIA) + "\nfr-0001,only a prompt\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x.csv:2: .*2 cells"):
        human.write_page(bad)


def test_annotation_sheets_script_writes_a_page_per_language(tmp_path, fake_snakemake):
    """The rule's script (as Snakemake runs it) writes <lang>.html beside each <lang>.csv."""
    gens = [(run, lr, lang, p) for lang in PROMPTS for run, lr, p in _generations(tmp_path, lang)]
    out = lambda kind, ext: [f"{tmp_path}/results/human/{kind}/{lang}.{ext}" for lang in PROMPTS]  # noqa: E731
    fake_snakemake(
        input={"generations": [g[3] for g in gens]},
        output={
            "sheets": out("sheets", "csv"),
            "pages": out("sheets", "html"),
            "key_files": out("keys", "csv"),
            "guidelines": f"{tmp_path}/results/human/guidelines.md",
        },
        params={"seed": 5, "n_items": 10, "langs": list(PROMPTS), "answers": [g[:3] for g in gens]},
        log=[tmp_path / "log"],
    ).run("annotation_sheets.py")
    for sheet, page in zip(out("sheets", "csv"), out("sheets", "html")):
        rows = _read_csv(sheet)
        assert len(rows) == 1 + 10  # 10 // 5 runs = 2 prompts x 5 runs
        assert [it["item"] for it in _page_data(Path(page))["items"]] == [r[0] for r in rows[1:]]
    assert "page " in (tmp_path / "log").read_text()


# ------------------------------------------------------------------------------------ in Chromium
CHROMIUM = os.environ.get("XLIT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason=f"no Chromium at {CHROMIUM}: apt-get install chromium (.ci/run does so as root) or set XLIT_CHROMIUM",
)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright  # a [test] dependency; its own browser is never used

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def open_page(browser):
    contexts = []

    def _open(path):
        ctx = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
        contexts.append(ctx)
        page = ctx.new_page()
        page.requests = []
        page.errors = []
        page.on("request", lambda r: page.requests.append(r.url))
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.goto(Path(path).resolve().as_uri())
        return page

    yield _open
    for ctx in contexts:
        ctx.close()


def score_for(key_row, crit):
    """The test rater's score of a response: fixed by run, prompt id and criterion."""
    return zlib.crc32(f"{key_row['run']}/{key_row['id']}/{crit}".encode()) % 3


def _rated(page):
    return page.text_content("#progtext")


def _goto(page, k):
    """Item k (0-based) with the arrow keys."""
    cur = int(page.text_content("#where").split()[1]) - 1
    for _ in range(abs(k - cur)):
        page.keyboard.press("ArrowRight" if k > cur else "ArrowLeft")
    assert page.text_content("#where").startswith(f"Item {k + 1} of ")


@needs_chromium
def test_rate_with_keyboard_reload_export_import(pages, open_page, tmp_path, capsys):
    from playwright.sync_api import expect

    keys = human.read_keys([k for _, k, _ in pages.values()])
    exported, timings = {}, {}
    for lang, (sheet, _key, path) in pages.items():
        n = len(_read_csv(sheet)) - 1
        page = open_page(path)
        # the name is asked once, on first opening
        assert page.is_visible("#namedlg")
        page.fill("#namein", "Élise Дюпон")
        page.keyboard.press("Enter")
        expect(page.locator("#namedlg")).to_be_hidden()  # closes on a later task: keys before it go to the dialog
        assert _rated(page) == f"0 / {n} rated"
        t0 = time.perf_counter()
        for _ in range(n):
            item = page.text_content("#itemid")
            for crit in CRITERIA:
                page.keyboard.press(str(score_for(keys[item], crit)))
            page.keyboard.press("Enter")
        timings[lang] = (n, time.perf_counter() - t0)
        assert _rated(page) == f"{n} / {n} rated"
        assert page.get_attribute("#bar", "aria-valuenow") == str(n)

        # the rendering: text only, paragraphs, lists and code blocks kept
        assert page.evaluate("window.__pwned") is None
        assert not page.errors
        data = _page_data(path)
        first_code = next(k for k, it in enumerate(data["items"]) if "```" in it["response"])
        first_inject = next(k for k, it in enumerate(data["items"]) if INJECTION in it["response"])
        _goto(page, first_code)
        assert "return s[::-1]" in page.text_content("#response pre code")
        assert page.locator("#response code").count() == 2 and page.locator("#response strong").count() == 1
        _goto(page, first_inject)
        assert page.locator("#response img, #response script, #response b").count() == 0
        assert INJECTION in page.text_content("#response")
        assert page.locator("#response ul li, #response p").count() >= 2
        if os.environ.get("XLIT_SCREENSHOTS"):
            # French: the answer with a code block; Russian: the one with a list
            shown = next(
                k
                for k, it in enumerate(data["items"])
                if INJECTION not in it["response"] and ("```" if lang == "fr" else "\n- ") in it["response"]
            )
            _goto(page, shown)
            page.evaluate("document.getElementById('status').classList.remove('show')")
            out = Path(os.environ["XLIT_SCREENSHOTS"])
            out.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out / f"rating-{lang}.png"), animations="disabled")
            page.set_viewport_size({"width": 760, "height": 1000})
            page.screenshot(path=str(out / f"rating-{lang}-narrow.png"), animations="disabled")
            page.set_viewport_size({"width": 1280, "height": 900})

        # reload: nothing lost, the name is not asked again
        where = page.text_content("#where")
        page.reload()
        assert not page.is_visible("#namedlg")
        assert _rated(page) == f"{n} / {n} rated" and page.text_content("#where") == where
        item = page.text_content("#itemid")
        pressed = page.eval_on_selector_all(
            ".crit", "els => els.map(e => e.querySelector('button[aria-pressed=true]').dataset.s)"
        )
        assert pressed == [str(score_for(keys[item], c)) for c in CRITERIA]

        with page.expect_download() as dl:
            page.click("#export")
        assert dl.value.suggested_filename == f"{lang}-Élise-Дюпон.csv"
        exported[lang] = tmp_path / "returned" / f"{lang}-elise.csv"
        exported[lang].parent.mkdir(exist_ok=True)
        dl.value.save_as(exported[lang])
        assert all(u.startswith(("file:", "blob:", "data:")) for u in page.requests), page.requests
        assert not page.errors

        # the exported file is the sheet with its score columns filled, same rows in the same order
        assert exported[lang].read_bytes().startswith(b"\xef\xbb\xbf")
        sheet_rows, out_rows = _read_csv(sheet), _read_csv(exported[lang])
        assert out_rows[0] == sheet_rows[0]
        assert [r[:3] for r in out_rows] == [r[:3] for r in sheet_rows]

    # the import takes the files unchanged; every score lands on the response it was given to
    rows = human.load_ratings([("elise", exported[lang]) for lang in pages], [k for _, k, _ in pages.values()])
    n_items = len(RUNS) * len(PROMPTS["fr"])
    assert len(rows) == 2 * n_items * 6
    for r in rows:
        assert r["score"] == score_for(r, r["criterion"])
    tables = tmp_path / "tables"
    human.write_human_scores(tables / "human_scores.tsv", rows)
    # a judge that agrees on every score but one, and the selected LRs: the tables the agreement rule reads
    judge = [
        dict(r, judge="judge1", score=(int(r["score"]) + 1) % 3 if i == 0 else r["score"])
        for i, r in enumerate(read_tsv(tables / "human_scores.tsv"))
    ]
    write_tsv(
        tables / "judge_scores.tsv", judge, ["judge", "run", "lr", "lang", "id", "category", "criterion", "score"]
    )
    write_tsv(
        tables / "selected_lr.tsv",
        [{"run": run, "criterion": "multilingual", "lr": lr, "score": 1.0} for run, lr in RUNS],
        ["run", "criterion", "lr", "score"],
    )
    scores = load_scores(
        tables / "judge_scores.tsv", tables / "human_scores.tsv", tables / "selected_lr.tsv", "multilingual"
    )
    table = agreement_table(rating_rows(scores), n_boot=50, seed=0)
    write_tsv(tables / "agreement.tsv", table, COLUMNS)
    got = {(r["rater_a"], r["criterion"], r["lang"]): r for r in read_tsv(tables / "agreement.tsv")}
    first = judge[0]
    for crit in CRITERIA:
        for lang in ("fr", "ru", "all"):
            r = got[("human", crit, lang)]
            assert int(r["n"]) == (2 * n_items if lang == "all" else n_items)
            off = crit == first["criterion"] and lang in (first["lang"], "all")
            assert float(r["exact"]) == pytest.approx(1 - 1 / int(r["n"]) if off else 1.0)
    with capsys.disabled():
        for lang, (n, secs) in timings.items():
            print(
                f"\n[page] {lang}: {n} items x {len(CRITERIA)} criteria rated with the keyboard in {secs:.2f} s "
                f"({1000 * secs / n:.0f} ms per item, {n * (len(CRITERIA) + 1)} key presses)"
            )


@needs_chromium
def test_partial_ratings_and_export_rules(pages, open_page, tmp_path):
    from playwright.sync_api import expect

    sheet, key, path = pages["ru"]
    n = len(_read_csv(sheet)) - 1
    page = open_page(path)
    page.click("#namecancel")  # "later": asked again at export
    expect(page.locator("#namedlg")).to_be_hidden()
    for s in "2102":
        page.keyboard.press(s)
    assert page.text_content("#badge") == "4 of 6 scored"
    page.keyboard.press("Enter")  # incomplete: stays, highlights the first missing criterion
    assert page.text_content("#where") == f"Item 1 of {n}"
    assert page.get_attribute(".crit.active", "data-crit") == CRITERIA[4]
    assert _rated(page) == f"0 / {n} rated (1 partly)"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Delete")  # clears 'accuracy' (4th)
    assert page.text_content("#badge") == "3 of 6 scored"
    page.keyboard.press("u")  # next unrated
    assert page.text_content("#where") == f"Item 2 of {n}"
    for s in "222222":
        page.keyboard.press(s)
    page.click("#export")  # no name yet: asked first
    assert page.is_visible("#namedlg")
    page.fill("#namein", "bob")
    page.keyboard.press("Enter")
    expect(page.locator("#namedlg")).to_be_hidden()
    # a partly rated item blocks the export and is shown (once the dialog's close event has run)
    expect(page.locator("#where")).to_have_text(f"Item 1 of {n}")
    expect(page.locator("#status")).to_contain_text("only partly scored")
    for s in "000":
        page.keyboard.press(s)
    assert _rated(page) == f"2 / {n} rated"
    page.on("dialog", lambda d: d.accept())  # "58 of 60 items are not rated ... Export anyway?"
    with page.expect_download() as dl:
        page.click("#export")
    assert dl.value.suggested_filename == "ru-bob.csv"
    out = tmp_path / "ru-bob.csv"
    dl.value.save_as(out)
    rows = human.load_ratings([("bob", out)], [key])
    assert len(rows) == 2 * 6
    assert sorted(r["score"] for r in rows) == sorted([2, 1, 0, 0, 0, 0] + [2] * 6)


@needs_chromium
def test_page_from_a_static_web_server(pages, browser):
    """Served over HTTP instead of opened from disk: the same page works and keeps its ratings."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from playwright.sync_api import expect

    sheet, _, path = pages["fr"]
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(path.parent))
    handler.log_message = lambda *a: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"http://127.0.0.1:{server.server_port}/{path.name}")
        page.fill("#namein", "carol")
        page.keyboard.press("Enter")
        expect(page.locator("#namedlg")).to_be_hidden()
        for s in "210210":
            page.keyboard.press(s)
        expect(page.locator("#annotator")).to_have_text("carol")
        n = len(_read_csv(sheet)) - 1
        assert page.text_content("#progtext") == f"1 / {n} rated"
        page.reload()
        assert page.text_content("#progtext") == f"1 / {n} rated" and page.text_content("#annotator") == "carol"
        assert not errors
    finally:
        ctx.close()
        server.shutdown()
        server.server_close()
