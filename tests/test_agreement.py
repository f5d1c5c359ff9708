import math
import subprocess
import sys

import numpy as np
import pytest

from xlit import agreement as agr

krippendorff = pytest.importorskip("krippendorff")
metrics = pytest.importorskip("sklearn.metrics")

PROFILES = {
    "balanced": [1 / 3, 1 / 3, 1 / 3],
    "unbalanced": [0.75, 0.2, 0.05],
    "two-values": [0.5, 0.0, 0.5],
}


def _pair(seed, p, n=None):
    rng = np.random.default_rng(seed)
    n = n or int(rng.integers(8, 300))
    a = rng.choice(3, n, p=p)
    noise = rng.choice([-1, 0, 0, 1], n)
    b = np.clip(a + noise, 0, 2)
    if p[1] == 0:
        b = np.where(b == 1, a, b)
    return a, b


@pytest.mark.parametrize("profile", list(PROFILES))
@pytest.mark.parametrize("seed", range(6))
def test_kappa_matches_sklearn(seed, profile):
    a, b = _pair(seed, PROFILES[profile])
    ours = agr.quadratic_kappa(a, b)
    theirs = metrics.cohen_kappa_score(a, b, weights="quadratic")
    assert ours == pytest.approx(theirs, abs=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_kappa_independent_raters(seed):
    rng = np.random.default_rng(100 + seed)
    a, b = rng.choice(3, 50, p=[0.6, 0.3, 0.1]), rng.choice(3, 50, p=[0.2, 0.3, 0.5])
    assert agr.quadratic_kappa(a, b) == pytest.approx(metrics.cohen_kappa_score(a, b, weights="quadratic"))


@pytest.mark.parametrize("profile", list(PROFILES))
@pytest.mark.parametrize("seed", range(6))
def test_alpha_two_raters_matches_krippendorff(seed, profile):
    a, b = _pair(seed, PROFILES[profile])
    ours = agr.krippendorff_alpha_pairs(a, b)
    theirs = krippendorff.alpha(reliability_data=np.array([a, b], dtype=float), level_of_measurement="ordinal")
    assert ours == pytest.approx(theirs, abs=1e-10)
    assert agr.krippendorff_alpha_ordinal(np.array([a, b])) == pytest.approx(theirs, abs=1e-10)


@pytest.mark.parametrize("seed", range(6))
def test_alpha_many_raters_missing_matches_krippendorff(seed):
    rng = np.random.default_rng(seed)
    raters, units = int(rng.integers(2, 6)), int(rng.integers(10, 80))
    truth = rng.choice(3, units, p=[0.7, 0.2, 0.1])
    data = np.clip(truth + rng.choice([-1, 0, 0, 0, 1], (raters, units)), 0, 2).astype(float)
    data[rng.random(data.shape) < 0.3] = np.nan
    ours = agr.krippendorff_alpha_ordinal(data)
    theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal")
    assert ours == pytest.approx(theirs, abs=1e-10)


def test_perfect_and_degenerate():
    assert agr.quadratic_kappa([0, 1, 2, 2], [0, 1, 2, 2]) == pytest.approx(1.0)
    assert agr.krippendorff_alpha_pairs([0, 1, 2, 2], [0, 1, 2, 2]) == pytest.approx(1.0)
    # one category only, for both raters: undefined, not an error
    st = agr.pair_stats([1, 1, 1], [1, 1, 1], n_boot=50)
    assert st["n"] == 3 and st["exact"] == 1.0 and st["within1"] == 1.0
    assert math.isnan(st["kappa"]) and math.isnan(st["alpha"])
    assert math.isnan(st["kappa_lo"]) and math.isnan(st["kappa_hi"])
    assert np.nansum(st["matrix"]) == pytest.approx(100.0)
    # no items
    st = agr.pair_stats([], [], n_boot=50)
    assert st["n"] == 0
    assert all(math.isnan(st[k]) for k in ("exact", "within1", "kappa", "alpha", "kappa_lo", "kappa_hi"))
    assert np.isnan(st["matrix"]).all()
    # constant rater A vs varied B: kappa 0 (sklearn agrees)
    a, b = [2, 2, 2, 2], [0, 1, 2, 2]
    assert agr.quadratic_kappa(a, b) == pytest.approx(metrics.cohen_kappa_score(a, b, weights="quadratic"))


def test_out_of_range_rejected():
    with pytest.raises(ValueError):
        agr.quadratic_kappa([0, 3], [0, 1])
    with pytest.raises(ValueError):
        agr.percent_matrix([0, 1.5], [0, 1])


@pytest.mark.parametrize("seed", range(5))
def test_matrix_sums_to_100_and_counts(seed):
    a, b = _pair(seed, PROFILES["unbalanced"])
    m = agr.percent_matrix(a, b)
    assert m.shape == (3, 3)
    assert m.sum() == pytest.approx(100.0)
    assert m[2, 0] == pytest.approx(100.0 * np.mean((a == 2) & (b == 0)))
    assert np.trace(m) == pytest.approx(100.0 * agr.exact_agreement(a, b))
    assert agr.within_one(a, b) == pytest.approx(1.0 - (m[0, 2] + m[2, 0]) / 100.0)


def test_bootstrap_seeded_and_covers():
    a, b = _pair(3, PROFILES["balanced"], n=200)
    lo, hi = agr.bootstrap_kappa_ci(a, b, n_boot=400, seed=7)
    assert (lo, hi) == agr.bootstrap_kappa_ci(a, b, n_boot=400, seed=7)
    assert (lo, hi) != agr.bootstrap_kappa_ci(a, b, n_boot=400, seed=8)
    assert lo < agr.quadratic_kappa(a, b) < hi
    assert hi - lo < 0.4
    # a cluster bootstrap with every pair its own group equals the plain one
    assert agr.bootstrap_kappa_ci(a, b, n_boot=400, seed=7, groups=range(len(a))) == (lo, hi)
    # larger n -> narrower interval
    a2, b2 = _pair(3, PROFILES["balanced"], n=2000)
    lo2, hi2 = agr.bootstrap_kappa_ci(a2, b2, n_boot=400, seed=7)
    assert hi2 - lo2 < hi - lo


def test_bootstrap_matches_naive_cluster_resampling():
    """The interval equals (up to Monte Carlo error) a plain resampling of items, clusters included."""
    rng = np.random.default_rng(11)
    items = 300
    truth = rng.choice(3, items, p=[0.5, 0.3, 0.2])
    a, b, groups = [], [], []
    for i in range(items):  # three annotators per item against one judge
        judge = int(np.clip(truth[i] + rng.integers(-1, 2), 0, 2))
        for _ in range(3):
            a.append(int(np.clip(truth[i] + rng.choice([-1, 0, 0, 1]), 0, 2))), b.append(judge), groups.append(i)
    a, b, groups = np.array(a), np.array(b), np.array(groups)
    lo, hi = agr.bootstrap_kappa_ci(a, b, n_boot=4000, seed=1, groups=groups)
    naive = []
    for _ in range(4000):
        pick = rng.integers(0, items, items)
        rows = np.concatenate([np.flatnonzero(groups == g) for g in pick])
        naive.append(agr.quadratic_kappa(a[rows], b[rows]))
    nlo, nhi = np.percentile(naive, [2.5, 97.5])
    assert lo == pytest.approx(nlo, abs=0.02) and hi == pytest.approx(nhi, abs=0.02)
    # ignoring the clusters gives a narrower (over-confident) interval
    plo, phi = agr.bootstrap_kappa_ci(a, b, n_boot=4000, seed=1)
    assert phi - plo < hi - lo


def _ratings():
    rng = np.random.default_rng(0)
    rows = []
    for lang in ("en", "fr"):
        for i in range(40):
            item = ("run1", "1e-05", lang, f"p{i}")
            truth = int(rng.integers(0, 3))
            for crit in ("helpfulness", "fluency"):
                for judge in ("j1", "j2"):
                    rows.append(
                        {
                            "rater": judge,
                            "group": "judge",
                            "item": item,
                            "lang": lang,
                            "criterion": crit,
                            "score": int(np.clip(truth + rng.integers(-1, 2), 0, 2)),
                        }
                    )
                for ann in ("human:alice", "human:bob"):
                    rows.append(
                        {"rater": ann, "group": "human", "item": item, "lang": lang, "criterion": crit, "score": truth}
                    )
    return rows


def test_agreement_table_rows():
    rows = _ratings()
    pairs = agr.default_pairs(rows)
    assert ("human", "j1") in pairs and ("human", "j2") in pairs
    assert ("human:alice", "human:bob") in pairs and ("j1", "j2") in pairs
    assert ("human:alice", "j1") in pairs
    table = agr.agreement_table(rows, n_boot=100, seed=1)
    assert set(table[0]) == set(agr.COLUMNS)
    assert len(table) == len(pairs) * 2 * 3  # criteria x (en, fr, all)
    assert [r["criterion"] for r in table[:6]] == ["fluency"] * 3 + ["helpfulness"] * 3  # study order
    by = {(r["rater_a"], r["rater_b"], r["criterion"], r["lang"]): r for r in table}
    assert by[("human:alice", "human:bob", "fluency", "all")]["kappa"] == pytest.approx(1.0)
    assert by[("human", "j1", "fluency", "en")]["n"] == 80  # two annotators x 40 items
    assert by[("j1", "j2", "fluency", "all")]["n"] == 80
    r = by[("human:alice", "j1", "helpfulness", "fr")]
    a, b, _ = agr.paired_scores(rows, "human:alice", "j1", "helpfulness", "fr")
    assert r["kappa"] == pytest.approx(metrics.cohen_kappa_score(a, b, weights="quadratic"))
    assert r["kappa_lo"] <= r["kappa"] <= r["kappa_hi"]


def test_agreement_table_no_overlap_is_nan():
    rows = [
        {"rater": "a", "group": None, "item": ("", "x"), "lang": "", "criterion": "fluency", "score": 1},
        {"rater": "b", "group": None, "item": ("", "y"), "lang": "", "criterion": "fluency", "score": 2},
    ]
    table = agr.agreement_table(rows, n_boot=10)
    assert len(table) == 1 and table[0]["lang"] == "all" and table[0]["n"] == 0
    assert math.isnan(table[0]["kappa"])


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_rating_files_and_cli(tmp_path):
    rng = np.random.default_rng(5)
    a_lines, b_lines = ["id,criterion,score,lang"], ["id,criterion,score,lang"]
    for i in range(30):
        for crit in ("helpfulness", "accuracy"):
            s = int(rng.integers(0, 3))
            a_lines.append(f"q{i},{crit},{s},fr")
            b_lines.append(f"q{i},{crit},{s if i % 4 else (s + 1) % 3},fr")
    a = _write(tmp_path / "alice.csv", "\n".join(a_lines) + "\n")
    b = _write(tmp_path / "gpt.csv", "\n".join(b_lines) + "\n")
    out = tmp_path / "out.tsv"
    from xlit.cli import main

    assert main(["agreement", str(a), str(b), "--n-boot", "50", "--out", str(out)]) == 0
    text = out.read_text()
    assert text.splitlines()[0].split("\t") == agr.COLUMNS
    assert "alice\tgpt\thelpfulness\tfr\t30" in text
    # as a process, aligned output
    res = subprocess.run(
        [sys.executable, "-m", "xlit.cli", "agreement", str(a), str(b), "--n-boot", "20"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "rater_a" in res.stdout and "alice" in res.stdout and "accuracy" in res.stdout


@pytest.mark.parametrize(
    "body, field, line",
    [
        ("id,criterion,score\nq1,fluency,3\n", "score", 2),
        ("id,criterion,score\nq1,fluency,1\nq2,fluency,1.5\n", "score", 3),
        ("id,criterion,score\nq1,fluency,1\nq1,fluency,2\n", "id", 3),
        ("id,criterion\nq1,fluency\n", "score", 1),
    ],
)
def test_rating_file_errors(tmp_path, body, field, line):
    p = _write(tmp_path / "bad.csv", body)
    with pytest.raises(agr.InputError) as e:
        agr.read_rating_file(p)
    assert e.value.field == field and e.value.line == line and str(p) in str(e.value)


def test_cli_error_exit_code(tmp_path, capsys):
    from xlit.cli import main

    good = _write(tmp_path / "a.csv", "id,criterion,score\nq1,fluency,1\n")
    bad = _write(tmp_path / "b.csv", "id,criterion,score\nq1,fluency,x\n")
    assert main(["agreement", str(good), str(bad)]) == 2
    assert "b.csv:2" in capsys.readouterr().err


# ------------------------------------------------------------------ the workflow's own sheets (issue 21)
def _completed_sheets(tmp_path, langs=("fr",)):
    """Blank sheets and keys written by the workflow's code (xlit.human.write_sheets), completed by two
    annotators as the rating page or a spreadsheet saves them (alice and bob differ on every 4th item)."""
    import csv
    import json

    from xlit.human import SHEET_ENCODING, write_sheets
    from xlit.names import CRITERIA

    keys, files = [], {"alice": [], "bob": []}
    for lang in langs:
        gen = tmp_path / f"gen.{lang}.jsonl"
        gen.write_text(
            "".join(
                json.dumps({"id": str(i), "lang": lang, "prompt": f"Q{i}", "response": f"-{i} = answer"}) + "\n"
                for i in range(24)
            )
        )
        sheet, key = write_sheets([("run", "1e-05", gen)], tmp_path / "human", lang, seed=0)
        keys.append(key)
        with open(sheet, encoding=SHEET_ENCODING, newline="") as f:
            rows = list(csv.reader(f))
        for who in files:
            out = tmp_path / f"{who}.{lang}.csv"
            with open(out, "w", encoding=SHEET_ENCODING, newline="") as f:
                w = csv.writer(f)
                w.writerow(rows[0])
                for i, r in enumerate(rows[1:]):
                    s = [(i + j) % 3 for j in range(len(CRITERIA))]
                    if who == "bob" and i % 4 == 0:
                        s = [(x + 1) % 3 for x in s]
                    w.writerow(r[:3] + [str(x) for x in s])
            files[who].append(out)
    return files, keys


def test_cli_reads_the_workflows_sheets(tmp_path, capsys):
    from xlit.cli import main

    files, keys = _completed_sheets(tmp_path)
    a, b = files["alice"][0], files["bob"][0]
    assert main(["agreement", str(a), str(b), "--n-boot", "20", "--tsv"]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert rows[0] == agr.COLUMNS
    body = {(r[2], r[3]): r for r in rows[1:]}
    assert set(body) == {(c, "all") for c in agr.CRITERIA}  # no key: items by their sheet id, no language
    assert all(r[:2] == ["alice.fr", "bob.fr"] and r[4] == "24" and float(r[5]) == 0.75 for r in body.values())
    # with the keys: checkpoints' items, a row per language, each response checked against its key
    args = ["agreement", str(a), str(b), "--n-boot", "20", "--tsv", "--keys", str(keys[0])]
    assert main(args) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()[1:]]
    assert {(r[2], r[3]) for r in rows} == {(c, lang) for c in agr.CRITERIA for lang in ("fr", "all")}
    assert all(r[4] == "24" and float(r[5]) == 0.75 for r in rows)


def test_cli_sheet_errors_are_the_imports(tmp_path, capsys):
    """A sheet is read by the workflow's import: its checks, its one-line-first error."""
    from xlit.cli import main

    files, keys = _completed_sheets(tmp_path)
    bad = tmp_path / "carol.csv"
    lines = files["bob"][0].read_text(encoding="utf-8-sig").splitlines()
    lines[2] = lines[2][: lines[2].rindex(",")] + ",7"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    assert main(["agreement", str(files["alice"][0]), str(bad), "--n-boot", "0"]) == 2
    err = capsys.readouterr().err
    assert "carol.csv:3: field 'harmlessness': score '7' is out of range" in err
    assert "no 'id' column" not in err
