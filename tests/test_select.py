import math
import re
from pathlib import Path

import pytest

from xlit.io import InputError, read_tsv, write_tsv
from xlit.select import DEFAULT_WEIGHTS, SelectionWarning, quality, read_selected, select_all, select_lr, write_selected
from xlit.surface import FIGURE3, METRICS, SHARES, TABLE_COLUMNS

RUN = "tiny-en_demo-dolly_en_ft"


def row(lr, lang, correct, cs=0.0, rep=0.0, empty=0.0, run=RUN, split="valid", n=8):
    return {
        "run": run,
        "lr": lr,
        "split": split,
        "lang": lang,
        "n": n,
        "correct_lang": correct,
        "code_switch": cs,
        "repetition": rep,
        "empty": empty,
        "mean_tokens": 10.0,
        "fluency_ppl": 20.0,
    }


def grid(spec, **kw):
    """spec: {lr: {lang: correct_lang}}"""
    return [row(lr, lang, c, **kw) for lr, langs in spec.items() for lang, c in langs.items()]


def pick(rows, criterion, **kw):
    return {r["run"]: (r["lr"], r["score"]) for r in select_lr(rows, criterion, **kw)}


def test_quality_definition():
    r = row("1e-05", "fr", 0.9, cs=0.2, rep=0.1, empty=0.2)
    assert quality(r) == pytest.approx(0.9 - 0.5 * 0.2 - 0.5 * 0.1 - 0.5 * 0.2)
    assert quality(r, {"code_switch": 0.0}) == pytest.approx(0.9 - 0.05 - 0.1)
    assert quality({**r, "repetition": "nan"}) == pytest.approx(0.9 - 0.1 - 0.1)
    assert set(DEFAULT_WEIGHTS) == {"correct_lang", "code_switch", "repetition", "empty", "line_pass_rate"}
    assert set(DEFAULT_WEIGHTS) <= set(SHARES) <= set(METRICS)  # surface metrics, named once in xlit.surface
    # LPR is off by default; selecting on it instead of whole-response LID:
    assert quality({**r, "line_pass_rate": 0.5}) == quality(r)
    lpr = {"correct_lang": 0.0, "line_pass_rate": 1.0}
    assert quality({**r, "line_pass_rate": 0.5}, lpr) == pytest.approx(0.5 - 0.1 - 0.05 - 0.1)


def test_multilingual_vs_english_contrast():
    # big LR: perfect English, other languages answered in English; small LR: transfers
    rows = grid(
        {"1e-05": {"en": 0.9, "fr": 0.8, "pt": 0.7, "ru": 0.9}, "0.0001": {"en": 1.0, "fr": 0.1, "pt": 0.2, "ru": 0.0}}
    )
    assert pick(rows, "multilingual")[RUN] == ("1e-05", pytest.approx(0.8))
    assert pick(rows, "english")[RUN] == ("0.0001", pytest.approx(1.0))


def test_penalties_change_the_choice():
    rows = grid({"1e-05": {"en": 0.9, "fr": 0.8}}) + [row("3e-05", "en", 0.9), row("3e-05", "fr", 0.9, cs=0.1, rep=0.4)]
    assert pick(rows, "multilingual")[RUN][0] == "1e-05"  # 0.8 vs 0.9 - 0.05 - 0.2 = 0.65
    assert pick(rows, "multilingual", weights={"repetition": 0.0})[RUN][0] == "3e-05"


def test_ties_go_to_the_smaller_lr():
    rows = grid({"0.001": {"en": 1.0, "fr": 0.5}, "1e-05": {"en": 1.0, "fr": 0.5}, "0.0001": {"en": 1.0, "fr": 0.5}})
    assert pick(rows, "multilingual")[RUN][0] == "1e-05"
    assert pick(rows, "english")[RUN][0] == "1e-05"
    # float noise below 1e-9 is a tie too
    rows = grid({"0.001": {"en": 1.0, "fr": 0.5 + 1e-12}, "1e-05": {"en": 1.0, "fr": 0.5}})
    assert pick(rows, "multilingual")[RUN][0] == "1e-05"


def test_english_floor():
    rows = grid({"1e-05": {"en": 0.4, "fr": 0.9}, "0.0001": {"en": 0.8, "fr": 0.6}})
    assert pick(rows, "multilingual")[RUN] == ("0.0001", pytest.approx(0.6))
    assert pick(rows, "multilingual", english_floor=0.3)[RUN][0] == "1e-05"
    # nobody reaches the floor: the best English LR, reported with its multilingual score
    rows = grid({"1e-05": {"en": 0.2, "fr": 0.9}, "0.0001": {"en": 0.3, "fr": 0.6}})
    with pytest.warns(SelectionWarning, match="best English one, lr 0.0001"):
        assert pick(rows, "multilingual")[RUN] == ("0.0001", pytest.approx(0.6))


def test_missing_language_skips_that_lr():
    # the 1e-05 checkpoint lacks ru: it must not win on the languages it happens to have
    rows = grid({"1e-05": {"en": 1.0, "fr": 1.0, "pt": 1.0}, "0.0001": {"en": 1.0, "fr": 0.5, "pt": 0.5, "ru": 0.5}})
    with pytest.warns(SelectionWarning, match=r"lr 1e-05 skipped, missing \['ru'\]"):
        assert pick(rows, "multilingual")[RUN] == ("0.0001", pytest.approx(0.5))
    # English criterion: only English matters; an LR without English is skipped
    rows = grid({"1e-05": {"fr": 1.0}, "0.0001": {"en": 0.7, "fr": 0.2}})
    with pytest.warns(SelectionWarning, match="lr 1e-05 skipped, missing 'en'"):
        assert pick(rows, "english")[RUN] == ("0.0001", pytest.approx(0.7))


def test_missing_languages_everywhere_scores_what_exists():
    rows = grid({"1e-05": {"en": 1.0, "fr": 0.6}, "0.0001": {"en": 1.0, "pt": 0.9}})
    with pytest.warns(SelectionWarning, match="no learning rate has every language"):
        assert pick(rows, "multilingual")[RUN] == ("0.0001", pytest.approx(0.9))


def test_zero_response_rows_count_as_missing():
    rows = grid({"1e-05": {"en": 1.0, "fr": 0.5}, "0.0001": {"en": 1.0}}) + [row("0.0001", "fr", 0.0, n=0)]
    with pytest.warns(SelectionWarning):
        assert pick(rows, "multilingual")[RUN][0] == "1e-05"


def test_no_english_rows():
    rows = grid({"1e-05": {"fr": 0.2, "pt": 0.4}, "0.0001": {"fr": 0.6, "pt": 0.8}})
    with pytest.warns(SelectionWarning, match="floor is not applied"):
        assert pick(rows, "multilingual")[RUN] == ("0.0001", pytest.approx(0.7))
    with pytest.raises(ValueError, match="no 'en' rows"):
        select_lr(rows, "english")


def test_split_filter_several_runs_and_errors():
    other = "tiny-multi_demo-dolly_en_ft"
    rows = (
        grid({"1e-05": {"en": 1.0, "fr": 0.9}, "0.0001": {"en": 1.0, "fr": 0.1}})
        + grid({"1e-05": {"en": 1.0, "fr": 0.0}, "0.0001": {"en": 1.0, "fr": 1.0}}, split="test")
        + grid({"0.001": {"en": 0.9, "fr": 0.2}, "0.01": {"en": 0.9, "fr": 0.4}}, run=other)
    )
    res = select_lr(rows, "multilingual")
    assert [(r["run"], r["lr"]) for r in res] == [(RUN, "1e-05"), (other, "0.01")]
    assert pick([r for r in rows if r["run"] == RUN], "multilingual", split="test")[RUN][0] == "0.0001"
    with pytest.raises(ValueError, match="unknown selection criterion"):
        select_lr(rows, "bleu")
    with pytest.raises(ValueError, match="two rows"):
        select_lr(rows + [rows[0]], "english")
    with pytest.raises(ValueError, match=f"run {RUN} has no surface rows on split 'valid'"):
        select_lr([r for r in rows if r["run"] == other] + grid({"1e-05": {"en": 1.0}}, split="test"), "english")


def test_roundtrip_through_tsv(tmp_path):
    rows = [
        {**r, "model": "tiny-en", "data": "demo-dolly", "strategy": "en", "adaptation": "ft"}
        for r in grid(
            {
                "0.0003": {"en": 0.9, "fr": 0.7, "pt": 0.5, "ru": 0.6},
                "0.003": {"en": 1.0, "fr": 0.2, "pt": 0.1, "ru": 0.3},
            }
        )
    ]
    rows[0]["fluency_ppl"] = math.nan
    write_tsv(tmp_path / "surface.tsv", rows, TABLE_COLUMNS)
    table = read_tsv(tmp_path / "surface.tsv")  # strings, as the rule reads them
    sel = select_all(table, ["multilingual", "english"])
    assert [(r["criterion"], r["lr"]) for r in sel] == [("multilingual", "0.0003"), ("english", "0.003")]
    out = tmp_path / "selected_lr.tsv"
    write_selected(out, sel)
    lines = out.read_text().splitlines()
    assert lines[0] == "run\tcriterion\tlr\tstep\tscore"
    assert lines[1] == f"{RUN}\tmultilingual\t0.0003\tlast\t0.6"
    assert read_selected(out) == {(RUN, "multilingual"): "0.0003", (RUN, "english"): "0.003"}
    assert read_selected(out, "english") == {RUN: "0.003"}


def test_fig3_left_with_right_panel_hook(tmp_path):
    from xlit.figures import fig3, save
    from xlit.figures.fig3 import figure

    other = "tiny-multi_demo-dolly_en_lora"
    rows = grid({"0.0003": {"en": 0.9, "fr": 0.7, "ru": 0.6}, "0.003": {"en": 1.0, "fr": 0.2, "ru": 0.3}}) + grid(
        {"0.001": {"en": 0.9, "fr": 0.6}}, run=other
    )
    write_tsv(tmp_path / "surface.tsv", rows, TABLE_COLUMNS)
    write_selected(tmp_path / "sel.tsv", select_all(rows, ["multilingual", "english"]))
    fig3(
        read_tsv(tmp_path / "surface.tsv"), read_tsv(tmp_path / "sel.tsv"), tmp_path / "fig3.pdf", tmp_path / "fig3.png"
    )
    from pypdf import PdfReader

    assert len(PdfReader(tmp_path / "fig3.pdf").pages) == 1
    assert (tmp_path / "fig3.png").read_bytes()[:4] == b"\x89PNG"

    called = []
    fig = figure(rows, [], right_panel=lambda ax, run: (called.append(run), ax.bar(["a"], [1])))
    assert called == [RUN, other]
    assert len(fig.axes) == 2 * (len(FIGURE3) + 1)  # a panel per figure-3 metric, and the right panel
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_title() == "correct language"
    assert {l.get_label() for l in ax.get_lines()} >= {"en", "fr", "ru"}
    save(fig, [tmp_path / "hook.png"])

    spans = []
    fig = figure(rows, [], right_spanning=lambda ax, runs: (spans.append((ax, runs)), ax.imshow([[0, 1], [1, 2]])))
    ((ax, runs),) = spans
    assert runs == [RUN, other] and len(fig.axes) == 2 * len(FIGURE3) + 1
    assert ax.get_title() == "helpfulness by category"
    assert ax.get_position().height > 1.5 * fig.axes[0].get_position().height  # spans both rows
    save(fig, [tmp_path / "span.png"])
    with pytest.raises(ValueError, match="not both"):
        figure(rows, [], right_panel=print, right_spanning=print)
    with pytest.raises(ValueError, match="no surface rows"):
        figure(rows, split="test")


# ---- selection.steps: candidates are (lr, step) -----------------------------------------------------------
def step_grid(spec, **kw):
    """spec: {(lr, step): {lang: correct_lang}}: surface rows of models saved at steps."""
    return [
        {**row(lr, lang, c, **kw), "step": str(step)} for (lr, step), langs in spec.items() for lang, c in langs.items()
    ]


def test_steps_select_the_best_lr_and_step():
    # the large LR transfers early and forgets later; the small one transfers only at its last step
    rows = step_grid(
        {
            ("1e-05", 10): {"en": 0.9, "fr": 0.2},
            ("1e-05", 20): {"en": 0.9, "fr": 0.6},
            ("0.0001", 10): {"en": 0.9, "fr": 0.8},
            ("0.0001", 20): {"en": 1.0, "fr": 0.1},
        }
    )
    [multi] = select_lr(rows, "multilingual")
    assert (multi["lr"], multi["step"], multi["score"]) == ("0.0001", 10, pytest.approx(0.8))
    [eng] = select_lr(rows, "english")
    assert (eng["lr"], eng["step"]) == ("0.0001", 20)
    # ties: the smaller LR, then the earlier step
    tied = step_grid({(lr, step): {"en": 1.0, "fr": 0.5} for lr in ("0.0001", "1e-05") for step in (20, 10)})
    assert [(r["lr"], r["step"]) for r in select_lr(tied, "multilingual")] == [("1e-05", 10)]
    # a (lr, step) missing a language is skipped, and the warning names the step
    with pytest.warns(SelectionWarning, match=r"lr 0.0001 step 10 skipped, missing \['fr'\]"):
        res = select_lr(
            [r for r in rows if not (r["lr"] == "0.0001" and r["step"] == "10" and r["lang"] == "fr")], "multilingual"
        )
    assert (res[0]["lr"], res[0]["step"]) == ("1e-05", 20)
    with pytest.raises(ValueError, match="two rows for run .* lr 1e-05 step 10 split valid lang en"):
        select_lr(rows + rows[:1], "english")


def test_selected_steps_roundtrip_as_checkpoint_ids(tmp_path):
    rows = step_grid({("1e-05", 10): {"en": 0.9, "fr": 0.2}, ("1e-05", 20): {"en": 0.9, "fr": 0.6}})
    out = tmp_path / "selected_lr.tsv"
    write_selected(out, select_all(rows))
    assert read_tsv(out)[0] == {"run": RUN, "criterion": "multilingual", "lr": "1e-05", "step": "20", "score": "0.6"}
    assert read_selected(out, "multilingual") == {RUN: "1e-05-step20"}  # as the workflow's paths write it
    assert read_selected(out) == {(RUN, "multilingual"): "1e-05-step20", (RUN, "english"): "1e-05-step10"}
    # a table without a step column (written before selection.steps existed) selects final models
    write_tsv(
        out, [{"run": RUN, "criterion": "multilingual", "lr": "1e-05", "score": 1}], ["run", "criterion", "lr", "score"]
    )
    assert read_selected(out, "multilingual") == {RUN: "1e-05"}
    write_tsv(
        out,
        [{"run": RUN, "criterion": "multilingual", "lr": "1e-05", "step": "late", "score": 1}],
        ["run", "criterion", "lr", "step", "score"],
    )
    for criterion in ("multilingual", None):
        with pytest.raises(InputError, match="selected_lr.tsv:2: field 'step': expected a step number or 'last'"):
            read_selected(out, criterion)


def test_checkpoint_ids():
    from xlit.names import checkpoint_id, split_checkpoint

    assert checkpoint_id("1e-05") == checkpoint_id("1e-05", "last") == "1e-05"
    assert checkpoint_id("1e-05", 200) == "1e-05-step200"
    assert split_checkpoint("1e-05-step200") == ("1e-05", 200) and split_checkpoint("0.0003") == ("0.0003", None)


@pytest.mark.parametrize(
    "steps, expected",
    [
        ("lst", "selection.steps: expected one of ['last'], got 'lst'"),
        ([0, 10], "selection.steps.0: 0 is less than the minimum of 1"),
        ([10, 2.5], "selection.steps.1: expected integer, got 2.5"),
        ([20, 10], "selection.steps: expected increasing steps, got [20, 10]"),
        ([10, 10], "selection.steps: expected increasing steps"),
        ([10, 50], "selection.steps: step 50 is beyond training.max_steps (40)"),
        ([], "selection.steps: an empty list"),
    ],
)
def test_bad_selection_steps_name_the_field(steps, expected):
    import yaml

    from xlit.config import ConfigError, validate

    cfg = yaml.safe_load((Path(__file__).resolve().parents[1] / "config" / "config.yaml").read_text())
    cfg["training"]["max_steps"] = 40
    with pytest.raises(ConfigError, match=re.escape(expected)):
        validate({**cfg, "selection": {**cfg.get("selection", {}), "steps": steps}})
    cfg["training"].update(max_steps=None, epochs=1)
    with pytest.raises(ConfigError, match="selection.steps: needs training.max_steps"):
        validate({**cfg, "selection": {"steps": [10]}})


def test_step_grid_of_a_config():
    import yaml

    from xlit.config import checkpoints, validate

    cfg = yaml.safe_load((Path(__file__).resolve().parents[1] / "config" / "config.yaml").read_text())
    cfg["training"]["max_steps"] = 40
    last = checkpoints(validate(cfg))
    steps = checkpoints(validate({**cfg, "selection": {"steps": [20, 40]}}))
    assert len(steps) == 2 * len(last)
    assert [c for c in steps if c[0] == last[0][0]][:2] == [
        (last[0][0], f"{last[0][1]}-step20"),
        (last[0][0], f"{last[0][1]}-step40"),
    ]


def test_figures_show_the_selected_step(tmp_path):
    from xlit.figures import checkpoint_label, fig2
    from xlit.figures.fig3 import figure
    from xlit.scores import load_scores

    rows = step_grid(
        {
            (lr, step): {"en": 0.9, "fr": 0.1 * step / 10 + (lr == "1e-05") * 0.3}
            for lr in ("1e-05", "0.0001")
            for step in (10, 20)
        }
    )
    sel = select_all(rows)
    assert {(r["criterion"], r["lr"], r["step"]) for r in sel} == {
        ("multilingual", "1e-05", 20),
        ("english", "1e-05", 10),
    }
    fig = figure(rows, sel)
    ax = fig.axes[0]
    assert ax.get_ylabel().startswith(f"{RUN} @ step 20 (english: step 10)")
    assert all(len(line.get_xdata()) == 2 for line in ax.get_lines() if line.get_label() in ("en", "fr"))
    fr = next(line for line in ax.get_lines() if line.get_label() == "fr")
    assert sorted(fr.get_ydata()) == pytest.approx([0.2, 0.5])  # step 20 of each LR, not step 10
    assert "each run at its selected step" in fig._suptitle.get_text()

    assert checkpoint_label("1e-05-step20") == "lr 1e-05, step 20" and checkpoint_label("1e-05") == "lr 1e-05"
    write_selected(tmp_path / "selected_lr.tsv", sel)
    write_tsv(
        tmp_path / "judge_scores.tsv",
        [
            {
                "judge": "j",
                "run": RUN,
                "lr": lr,
                "lang": "fr",
                "id": "1",
                "category": "c",
                "criterion": "language",
                "score": s,
            }
            for lr, s in (("1e-05-step20", 2), ("1e-05-step10", 0))
        ],
        "judge run lr lang id category criterion score".split(),
    )
    scores = load_scores(tmp_path / "judge_scores.tsv", None, tmp_path / "selected_lr.tsv", "multilingual")
    assert scores.selected == {RUN: "1e-05-step20"} and [r["score"] for r in scores.judge] == [2]
    fig2(scores, tmp_path / "fig2.pdf")
    from pypdf import PdfReader

    assert "lr 1e-05, step 20" in PdfReader(tmp_path / "fig2.pdf").pages[0].extract_text()
