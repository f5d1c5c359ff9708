"""xlit.validity: judge kappa vs humans, the length baseline, the human-human interval, bias and flags; the
judge_validity script on small tables."""

import math

import numpy as np
import pytest

from xlit import agreement as agr
from xlit import validity as val
from xlit.io import InputError, read_tsv, write_jsonl, write_tsv
from xlit.scores import Scores

metrics = pytest.importorskip("sklearn.metrics")

RUN, LR = "r", "0.001"


def _rows(source, scores, lang="fr", crit="accuracy", annotator=None):
    out = []
    for i, s in enumerate(scores, 1):
        if s is None:
            continue
        r = {"source": source, "run": RUN, "lr": LR, "lang": lang, "id": str(i), "category": "c"}
        r.update(criterion=crit, score=s)
        if annotator:
            r["annotator"] = annotator
        out.append(r)
    return out


def _lengths(ns, lang="fr"):
    return [{"run": RUN, "lr": LR, "lang": lang, "id": str(i), "n_tokens": n} for i, n in enumerate(ns, 1)]


# Four rated responses of six (5 and 6 are judged but not rated: they only move the length terciles).
HUMAN_A = [0, 1, 2, 2]
HUMAN_B = [0, 1, 2, 1]
JUDGE = [0, 2, 2, 1, 2, 2]
LENGTHS = [5, 30, 50, 10, 20, 40]  # terciles 16.67 and 33.33: scores 0 1 2 0 | 1 2


def _hand_scores(judges=None):
    judges = judges or {"j": JUDGE}
    return Scores(
        {RUN: LR},
        judge=[r for name, s in judges.items() for r in _rows(name, s)],
        human=_rows("human", HUMAN_A, annotator="a") + _rows("human", HUMAN_B, annotator="b"),
    )


def test_hand_checked_values():
    rows = val.validity_table(_hand_scores(), _lengths(LENGTHS), n_boot=200, seed=1)
    assert [(r["judge"], r["criterion"], r["lang"]) for r in rows] == [
        ("j", "accuracy", "fr"),
        ("j", "accuracy", "all"),
    ]
    fr, pooled = rows
    # judge vs each annotator, pairs pooled: observed 3, expected 84/8 -> 1 - 3/10.5 = 5/7
    assert fr["kappa"] == pytest.approx(5 / 7)
    assert fr["kappa"] == pytest.approx(
        metrics.cohen_kappa_score(HUMAN_A + HUMAN_B, JUDGE[:4] * 2, weights="quadratic")
    )
    # annotator a vs b: observed 1, expected 20/4 -> 0.8
    assert fr["human_kappa"] == pytest.approx(0.8)
    assert fr["human_kappa"] == pytest.approx(metrics.cohen_kappa_score(HUMAN_A, HUMAN_B, weights="quadratic"))
    # length scores 0 1 2 0 against both annotators: observed 5, expected 92/8 -> 1 - 5/11.5 = 13/23
    assert fr["length_kappa"] == pytest.approx(13 / 23)
    assert fr["length_kappa"] == pytest.approx(
        metrics.cohen_kappa_score(HUMAN_A + HUMAN_B, [0, 1, 2, 0] * 2, weights="quadratic")
    )
    # judge mean 1.25 over the rated responses, human mean of item means (0, 1, 2, 1.5) 1.125
    assert (fr["judge_mean"], fr["human_mean"]) == pytest.approx((1.25, 1.125))
    assert fr["bias"] == pytest.approx(0.125)
    assert (fr["n"], fr["human_n"], fr["raters"]) == (4, 4, "a,b")
    lo, hi = agr.bootstrap_kappa_ci(HUMAN_A, HUMAN_B, n_boot=200, seed=1, groups=[str(i) for i in range(4)])
    assert (fr["human_kappa_lo"], fr["human_kappa_hi"]) == (lo, hi)
    assert fr["flag"] == ("" if fr["kappa"] >= lo else val.FLAG_HUMAN)
    # one language: the pooled row is the same
    assert {k: pooled[k] for k in ("kappa", "length_kappa", "human_kappa", "bias", "n")} == {
        k: fr[k] for k in ("kappa", "length_kappa", "human_kappa", "bias", "n")
    }


def test_flags():
    # a judge that scores against the humans is below the length baseline (and the human interval's lower bound)
    rows = val.validity_table(_hand_scores({"bad": [2, 1, 0, 0, 0, 0]}), _lengths(LENGTHS), n_boot=200, seed=1)
    r = rows[0]
    assert r["kappa"] < 0 < r["length_kappa"]
    assert r["flag"].split(",")[0] == val.FLAG_LENGTH
    assert (val.FLAG_HUMAN in r["flag"]) == (r["kappa"] < r["human_kappa_lo"])
    assert val.flags(0.5, 0.6, 0.4) == val.FLAG_LENGTH
    assert val.flags(0.5, 0.4, 0.6) == val.FLAG_HUMAN
    assert val.flags(0.1, 0.4, 0.6) == f"{val.FLAG_LENGTH},{val.FLAG_HUMAN}"
    assert val.flags(0.5, math.nan, math.nan) == ""
    assert val.flags(0.7, 0.6, 0.6) == ""
    assert val.flags(math.nan, 0.6, 0.6) == val.FLAG_UNDEFINED
    # a constant judge against varied humans: kappa 0, defined
    rows = val.validity_table(_hand_scores({"flat": [1] * 6}), _lengths(LENGTHS), n_boot=50)
    assert rows[0]["kappa"] == 0.0 and val.FLAG_LENGTH in rows[0]["flag"]


def test_length_rule_and_ties():
    assert val.tercile_thresholds([5, 10, 20, 30, 40, 50]) == pytest.approx((50 / 3, 100 / 3))
    assert [val.length_score(n, 50 / 3, 100 / 3) for n in (5, 10, 20, 30, 40, 50)] == [0, 0, 1, 1, 2, 2]
    # many answers cut at the same length: ties fall into the lower band (n <= t is not above t)
    t1, t2 = val.tercile_thresholds([10, 10, 10, 10, 50, 60])
    assert t1 == 10 and [val.length_score(n, t1, t2) for n in (10, 50, 60)] == [0, 2, 2]
    # thresholds per language: the same lengths score differently against another language's distribution
    rows = val.length_ratings(_lengths([1, 2, 3], "fr") + _lengths([10, 20, 30], "ru"), ["accuracy"])
    assert [(r["lang"], r["score"]) for r in rows] == [("fr", 0), ("fr", 1), ("fr", 2), ("ru", 0), ("ru", 1), ("ru", 2)]
    with pytest.raises(ValueError):
        val.tercile_thresholds([])


def test_matches_agreement_table_on_random_data():
    rng = np.random.default_rng(3)
    langs, n = ["en", "fr"], 40
    truth = {lang: rng.integers(0, 3, n) for lang in langs}
    noisy = {lang: lambda t: np.clip(t + rng.choice([-1, 0, 0, 1], t.size), 0, 2) for lang in langs}
    judge, human, lengths = [], [], []
    for lang in langs:
        for crit in ("accuracy", "logic"):
            t = truth[lang]
            judge += _rows("j1", noisy[lang](t).tolist(), lang, crit) + _rows(
                "j2", rng.integers(0, 3, n).tolist(), lang, crit
            )
            for name in ("a", "b"):
                human += _rows("human", noisy[lang](t).tolist(), lang, crit, annotator=name)
        lengths += _lengths((truth[lang] * 20 + rng.integers(0, 60, n)).tolist(), lang)
    scores = Scores({RUN: LR}, judge=judge, human=human)
    rows = val.validity_table(scores, lengths, n_boot=300, seed=7)
    assert len(rows) == 2 * 2 * 3
    from xlit.scores import rating_rows

    table = agr.agreement_table(rating_rows(scores), n_boot=300, seed=7)
    cells = {(r["rater_a"], r["rater_b"], r["criterion"], r["lang"]): r for r in table}
    for r in rows:
        jh = cells[(agr.HUMAN, r["judge"], r["criterion"], r["lang"])]
        hh = cells[("human:a", "human:b", r["criterion"], r["lang"])]
        assert r["kappa"] == pytest.approx(jh["kappa"])
        assert (r["human_kappa"], r["human_kappa_lo"], r["human_kappa_hi"]) == pytest.approx(
            (hh["kappa"], hh["kappa_lo"], hh["kappa_hi"])
        )
        assert r["human_kappa_lo"] < r["human_kappa"] < r["human_kappa_hi"]
    # length tracks the truth here, the random judge does not: flagged below the baseline, the noisy one is not
    for r in rows:
        assert r["length_kappa"] > 0.2
        assert (val.FLAG_LENGTH in r["flag"]) == (r["judge"] == "j2"), r


def test_judge_without_scores_is_reported():
    rows = val.validity_table(_hand_scores(), _lengths(LENGTHS), n_boot=50, judges=["j", "silent"])
    silent = [r for r in rows if r["judge"] == "silent"]
    assert len(silent) == 2 and all(r["n"] == 0 and r["flag"] == val.FLAG_UNDEFINED for r in silent)
    assert all(math.isnan(r["kappa"]) and math.isnan(r["bias"]) for r in silent)
    assert silent[0]["human_kappa"] == pytest.approx(0.8)  # the human side does not depend on the judge


def test_missing_length_and_no_humans():
    with pytest.raises(ValueError, match=r"1 rated response.*run r lr0.001 fr id 4"):
        val.validity_table(_hand_scores(), _lengths(LENGTHS[:3]))
    assert val.validity_table(Scores({RUN: LR}, judge=_rows("j", JUDGE)), _lengths(LENGTHS)) == []


@pytest.mark.parametrize(
    "line, field",
    [
        ({"id": "1"}, "n_tokens"),
        ({"id": "1", "n_tokens": True}, "n_tokens"),
        ({"id": "1", "n_tokens": -1}, "n_tokens"),
        ({"n_tokens": 3}, "id"),
    ],
)
def test_read_lengths_errors(tmp_path, line, field):
    path = tmp_path / "s.jsonl"
    write_jsonl(path, [{"id": "0", "n_tokens": 4}, line])
    with pytest.raises(InputError, match=rf"s.jsonl:2: field '{field}'"):
        val.read_lengths([(RUN, LR, "fr", path)])


def test_read_lengths_duplicate_id(tmp_path):
    path = tmp_path / "s.jsonl"
    write_jsonl(path, [{"id": "0", "n_tokens": 4}, {"id": "0", "n_tokens": 5}])
    with pytest.raises(InputError, match=r"s.jsonl:2: field 'id': id '0' already on line 1"):
        val.read_lengths([(RUN, LR, "fr", path)])


def test_script(tmp_path, fake_snakemake):
    judge = [
        {"judge": "j", "run": RUN, "lr": LR, "lang": "fr", "id": str(i), "category": "c", "criterion": c, "score": s}
        for c in ("accuracy", "fluency")
        for i, s in enumerate(JUDGE, 1)
    ]
    human = [
        {"annotator": a, "run": RUN, "lr": LR, "lang": "fr", "id": str(i), "category": "c", "criterion": c, "score": s}
        for a, scores in (("simulated-a", HUMAN_A), ("simulated-b", HUMAN_B))
        for c in ("accuracy", "fluency")
        for i, s in enumerate(scores, 1)
    ]
    write_tsv(tmp_path / "judge.tsv", judge, list(judge[0]))
    write_tsv(tmp_path / "human.tsv", human, list(human[0]))
    write_tsv(
        tmp_path / "selected.tsv",
        [{"run": RUN, "criterion": "multilingual", "lr": LR, "step": "last", "score": 1}],
        ["run", "criterion", "lr", "step", "score"],
    )
    write_jsonl(tmp_path / "surface.jsonl", [{"id": str(i), "n_tokens": n} for i, n in enumerate(LENGTHS, 1)])
    out = {k: tmp_path / f"out.{k}" for k in ("tsv", "pdf", "png")}
    fake_snakemake(
        input={
            "judge": tmp_path / "judge.tsv",
            "human": tmp_path / "human.tsv",
            "selected": tmp_path / "selected.tsv",
            "surface": [tmp_path / "surface.jsonl"],
        },
        output={"table": out["tsv"], "pdf": out["pdf"], "png": out["png"]},
        params={
            "selection": "multilingual",
            "n_boot": 100,
            "seed": 0,
            "surface": [[RUN, LR, "fr"]],
            "judges": ["j", "unparsed"],
        },
        log=[tmp_path / "log.txt"],
    ).run("judge_validity.py")
    rows = read_tsv(out["tsv"])
    assert list(rows[0]) == val.COLUMNS
    assert [(r["judge"], r["criterion"], r["lang"]) for r in rows] == [
        (j, c, l) for j in ("j", "unparsed") for c in ("fluency", "accuracy") for l in ("fr", "all")
    ]
    assert {(r["n"], r["flag"]) for r in rows[4:]} == {("0", val.FLAG_UNDEFINED)}
    assert float(rows[0]["kappa"]) == pytest.approx(5 / 7) and rows[0]["raters"] == "simulated-a,simulated-b"
    assert out["png"].stat().st_size > 5000 and out["pdf"].read_bytes().startswith(b"%PDF")
    assert "8 rows" in (tmp_path / "log.txt").read_text()
