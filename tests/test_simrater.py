"""The demo's simulated rater: ground-truth rules, seeded noise, and sheets that pass the strict import."""

import csv
import json

import pytest

from xlit import human, simrater
from xlit.agreement import quadratic_kappa
from xlit.demo import answer_terms, write_demo_world
from xlit.io import InputError, read_jsonl
from xlit.names import CRITERIA

RUNS = [("tiny-en_demo-dolly_en_ft", "0.0003"), ("tiny-multi_demo-dolly_dt_ft", "0.003")]


def test_true_scores_rules():
    must = ["tiber"]
    good = simrater.true_scores("Rome lies on the Tiber.", "en", must, "en", 0.9, 20.0)
    assert good == {c: 2 for c in CRITERIA}
    wrong_lang = simrater.true_scores("Rome se trouve sur le Tibre.", "en", must, "fr", 0.9, 20.0)
    assert wrong_lang["language"] == 0 and wrong_lang["accuracy"] == 0 and wrong_lang["helpfulness"] == 0
    unsure = simrater.true_scores("Rome lies on the Tiber.", "en", must, "en", 0.3, 20.0)
    assert unsure["language"] == 1 and unsure["helpfulness"] == 1 and unsure["accuracy"] == 2
    wrong_fact = simrater.true_scores("Rome lies on the Seine.", "en", must, "en", 0.9, 20.0)
    assert wrong_fact["accuracy"] == 0 and wrong_fact["helpfulness"] == 0 and wrong_fact["fluency"] == 2
    repeated = simrater.true_scores("Rome lies on the Tiber. " * 4, "en", must, "en", 0.9, 20.0, repetition=0.7)
    assert repeated["fluency"] == 1 and repeated["logic"] == 1 and repeated["helpfulness"] == 1
    nonsense = simrater.true_scores("ssss tt", "en", must, "en", 0.9, 9000.0)
    assert nonsense["fluency"] == 0 and nonsense["logic"] == 0 and nonsense["helpfulness"] == 0
    assert simrater.true_scores("  ", "en", must, None, None, None)["helpfulness"] == 0
    assert simrater.true_scores("x", "en", must, "en", 0.9, 100.0, bands=(50, 200))["fluency"] == 1


def test_noise_is_seeded_and_moves_about_the_noise_share():
    truth = {c: 1 for c in CRITERIA}
    a = [simrater.noisy(truth, 1, f"en-{i:04d}", 0.2) for i in range(500)]
    assert a == [simrater.noisy(truth, 1, f"en-{i:04d}", 0.2) for i in range(500)]
    moved = sum(s[c] != 1 for s in a for c in CRITERIA) / (500 * len(CRITERIA))
    assert 0.15 < moved < 0.25
    assert all(simrater.noisy({c: 2 for c in CRITERIA}, 3, "x", 1.0)[c] in (1, 2) for c in CRITERIA)
    assert simrater.noisy(truth, 1, "en-0001", 0.0) == truth


def test_answer_terms():
    terms = answer_terms("The journey takes 3 hours and 55 minutes.", "How long is the journey?")
    assert terms == ["takes", "3", "hours", "55"] and "journey" not in terms
    assert answer_terms("Rome lies on the Tiber.", "Rome lies on the Tiber?") == ["rome", "lies", "tiber"]


@pytest.fixture
def demo(tmp_path):
    """A small demo world, generations of two checkpoints (references, some damaged), their surface rows."""
    world = tmp_path / "results" / "demo"
    write_demo_world(world, n_corpus=20, n_it=16, n_valid=2, n_test=8, n_parallel=20, n_parallel_test=5)
    for lang in ("en", "fr"):
        prompts = read_jsonl(world / "prompts" / "test" / f"{lang}.jsonl")
        answers = {r["id"]: r for r in read_jsonl(world / "answers" / "test" / f"{lang}.jsonl")}
        for k, (run, lr) in enumerate(RUNS):
            rows, surf = [], []
            for i, p in enumerate(prompts):
                ref = answers[p["id"]]["reference"]
                resp = ref if (i + k) % 3 else "zzz qqq"
                rows.append(
                    {
                        "id": p["id"],
                        "lang": lang,
                        "category": p["category"],
                        "prompt": p["instruction"],
                        "response": resp,
                        "n_tokens": 5,
                    }
                )
                surf.append(
                    {
                        "id": p["id"],
                        "lang": lang,
                        "lid_lang": lang if i % 4 else "ru",
                        "lid_prob": 0.9,
                        "repetition": 0.0,
                        "max_line_run": 1,
                        "fluency_ppl": 30.0 if (i + k) % 3 else 5000.0,
                    }
                )
            for sub, data in (("generations", rows), ("surface", surf)):
                path = tmp_path / "results" / sub / run / f"lr{lr}" / "test" / f"{lang}.jsonl"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in data), encoding="utf-8")
    return tmp_path


def _simulate(root, rater, seed, noise=0.15):
    out = []
    for lang in ("en", "fr"):
        gens = [
            (run, lr, root / "results" / "generations" / run / f"lr{lr}" / "test" / f"{lang}.jsonl") for run, lr in RUNS
        ]
        human.write_sheets(gens, root / "results" / "human", lang, seed=0)
        surface = [
            (run, lr, root / "results" / "surface" / run / f"lr{lr}" / "test" / f"{lang}.jsonl") for run, lr in RUNS
        ]
        path = root / "results" / "human" / "simulated" / rater / f"{lang}.csv"
        rows = simrater.simulate_sheet(
            root / "results/human/sheets" / f"{lang}.csv",
            root / "results/human/keys" / f"{lang}.csv",
            root / "results/demo/answers/test" / f"{lang}.jsonl",
            surface,
            path,
            seed=seed,
            noise=noise,
        )
        out.append((lang, path, rows))
    return out


def test_simulated_sheets_pass_the_strict_import_and_two_raters_disagree_somewhat(demo):
    a, b = _simulate(demo, "simulated-a", 1), _simulate(demo, "simulated-b", 2)
    keys = [demo / "results/human/keys" / f"{lang}.csv" for lang in ("en", "fr")]
    sheets = [("simulated-a", p) for _, p, _ in a] + [("simulated-b", p) for _, p, _ in b]
    rows = human.load_ratings(sheets, keys)
    assert len(rows) == 2 * 2 * 2 * 8 * len(CRITERIA)
    assert {r["run"] for r in rows} == {run for run, _ in RUNS}
    by = {}
    for r in rows:
        by.setdefault((r["run"], r["lang"], r["id"], r["criterion"]), {})[r["annotator"]] = r["score"]
    pairs = [(v["simulated-a"], v["simulated-b"]) for v in by.values()]
    differ = sum(x != y for x, y in pairs) / len(pairs)
    assert 0.05 < differ < 0.5
    for crit in ("language", "fluency", "accuracy"):
        x, y = zip(*[(v["simulated-a"], v["simulated-b"]) for k, v in by.items() if k[3] == crit])
        assert quadratic_kappa(x, y) > 0.3
    # the ground truth follows the damage: the nonsense responses get fluency 0, the references 2
    truth = {r["item"]: r["truth"] for _, _, rs in a for r in rs}
    with open(demo / "results/human/keys/en.csv", encoding="utf-8") as f:
        key = {r["item"]: r for r in csv.DictReader(f)}
    sheet = {r["item"]: r["response"] for r in human.read_sheet(demo / "results/human/sheets/en.csv")}
    for item, t in truth.items():
        if item in sheet:
            assert t["fluency"] == (0 if sheet[item] == "zzz qqq" else 2), (item, key[item])


def test_missing_surface_row_is_an_input_error(demo):
    _simulate(demo, "simulated-a", 1)
    with pytest.raises(InputError, match="no surface row"):
        simrater.simulate_sheet(
            demo / "results/human/sheets/en.csv",
            demo / "results/human/keys/en.csv",
            demo / "results/demo/answers/test/en.jsonl",
            [(*RUNS[0], demo / "results/surface" / RUNS[0][0] / f"lr{RUNS[0][1]}" / "test" / "en.jsonl")],
            demo / "out.csv",
            seed=1,
            noise=0.1,
        )
    assert not (demo / "out.csv").exists()
