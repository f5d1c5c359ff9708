"""Agreement between two raters on 0-2 ordinal scores (humans, judges, or any rating file).

Everything here works on integer scores in ``0..K-1`` (K = 3 for the study's 0/1/2 scale):

- :func:`percent_matrix` - K x K matrix, percent of items rated ``x`` by rater A (rows) and ``y`` by
  rater B (columns); sums to 100 (all NaN when there are no items);
- :func:`exact_agreement`, :func:`within_one` - shares of items (0-1);
- :func:`quadratic_kappa` - Cohen's kappa with quadratic weights (equals scikit-learn's
  ``cohen_kappa_score(weights="quadratic")``);
- :func:`krippendorff_alpha_ordinal` - Krippendorff's alpha with the ordinal metric for any number of
  raters and missing values (equals the ``krippendorff`` package's ``alpha(level_of_measurement=
  "ordinal")``), and :func:`alpha_from_counts` for two raters from their pair counts;
- :func:`bootstrap_kappa_ci` - seeded percentile bootstrap interval for kappa, resampling *items*
  (a cluster bootstrap: when one item contributes several pairs, e.g. several annotators against one
  judge, they are resampled together).

Degenerate inputs never raise: no items, or a single category used by both raters, give NaN.

:func:`agreement_table` turns rating rows (``rater``, ``item``, ``lang``, ``criterion``, ``score``)
into the ``results/tables/agreement.tsv`` rows for every pair of raters, per criterion and language plus
an ``all`` language row.
"""

from __future__ import annotations

import csv
import math
import os
from collections import defaultdict
from itertools import combinations
from typing import Any, Iterable, Sequence

import numpy as np

from .io import InputError
from .names import CRITERIA, lr_key

K = 3  # scores 0, 1, 2
COLUMNS = ["rater_a", "rater_b", "criterion", "lang", "n", "exact", "within1", "kappa", "alpha", "kappa_lo", "kappa_hi"]
HUMAN = "human"  # the pooled human rater: every annotator's rating of an item, each paired with the other rater's


# --------------------------------------------------------------------------------------------- basics
def _as_int_array(x: Sequence[int] | np.ndarray, k: int) -> np.ndarray:
    a = np.asarray(x)
    if a.size and (a.dtype.kind not in "iu" and not np.all(np.equal(np.mod(a, 1), 0))):
        raise ValueError("scores must be integers")
    a = a.astype(np.int64)
    if a.size and (a.min() < 0 or a.max() >= k):
        raise ValueError(f"scores must lie in 0..{k - 1}")
    return a


def pair_counts(a: Sequence[int], b: Sequence[int], k: int = K) -> np.ndarray:
    """K x K counts: [x, y] = number of items rated x by A and y by B."""
    a, b = _as_int_array(a, k), _as_int_array(b, k)
    if a.shape != b.shape:
        raise ValueError(f"the two raters have {a.size} and {b.size} scores")
    return np.bincount(a * k + b, minlength=k * k).reshape(k, k)


def percent_matrix(a: Sequence[int], b: Sequence[int], k: int = K) -> np.ndarray:
    """Percent of items rated x by A (row x) and y by B (column y); sums to 100, all NaN if no items."""
    c = pair_counts(a, b, k).astype(float)
    n = c.sum()
    return c * (100.0 / n) if n else np.full((k, k), np.nan)


def exact_agreement(a: Sequence[int], b: Sequence[int]) -> float:
    a, b = np.asarray(a), np.asarray(b)
    return float(np.mean(a == b)) if a.size else math.nan


def within_one(a: Sequence[int], b: Sequence[int]) -> float:
    a, b = np.asarray(a), np.asarray(b)
    return float(np.mean(np.abs(a - b) <= 1)) if a.size else math.nan


def _quadratic_weights(k: int) -> np.ndarray:
    i = np.arange(k)
    return (i[:, None] - i[None, :]).astype(float) ** 2


def kappa_from_counts(counts: np.ndarray) -> np.ndarray | float:
    """Quadratic-weighted kappa from K x K count matrices (``(..., K, K)``, vectorised); NaN when
    undefined (no items, or expected disagreement 0 - both raters used one and the same category)."""
    c = np.asarray(counts, dtype=float)
    k = c.shape[-1]
    w = _quadratic_weights(k)
    n = c.sum(axis=(-2, -1))
    with np.errstate(invalid="ignore", divide="ignore"):
        observed = (c * w).sum(axis=(-2, -1))
        expected = (c.sum(axis=-1)[..., :, None] * c.sum(axis=-2)[..., None, :] * w).sum(axis=(-2, -1)) / n
        kappa = 1.0 - observed / expected
    kappa = np.where((n > 0) & (expected > 0), kappa, np.nan)
    return float(kappa) if kappa.ndim == 0 else kappa


def quadratic_kappa(a: Sequence[int], b: Sequence[int], k: int = K) -> float:
    """Cohen's kappa with quadratic weights on the fixed scale 0..K-1."""
    return kappa_from_counts(pair_counts(a, b, k))


def _ordinal_delta(n_c: np.ndarray) -> np.ndarray:
    """Krippendorff's ordinal distance for values 0..K-1 with pairable-value totals n_c (``(..., K)``):
    delta(c, k) = (sum_{g=c..k} n_g - (n_c + n_k) / 2) ** 2."""
    cum = np.cumsum(n_c, axis=-1)
    k = n_c.shape[-1]
    lo = np.minimum.outer(np.arange(k), np.arange(k))
    hi = np.maximum.outer(np.arange(k), np.arange(k))
    before = np.where(lo > 0, np.take(cum, np.maximum(lo - 1, 0), axis=-1), 0.0)
    between = np.take(cum, hi, axis=-1) - before
    return (between - (n_c[..., :, None] + n_c[..., None, :]) / 2.0) ** 2


def _alpha_from_coincidences(o: np.ndarray) -> np.ndarray | float:
    o = np.asarray(o, dtype=float)
    n_c = o.sum(axis=-1)
    n = n_c.sum(axis=-1)
    delta = _ordinal_delta(n_c)
    with np.errstate(invalid="ignore", divide="ignore"):
        d_o = (o * delta).sum(axis=(-2, -1))
        d_e = (n_c[..., :, None] * n_c[..., None, :] * delta).sum(axis=(-2, -1))
        alpha = 1.0 - (n - 1) * d_o / d_e
    alpha = np.where((n > 1) & (d_e > 0), alpha, np.nan)
    return float(alpha) if alpha.ndim == 0 else alpha


def alpha_from_counts(counts: np.ndarray) -> np.ndarray | float:
    """Ordinal alpha for two raters from their K x K pair counts (each pair one unit, no missing)."""
    c = np.asarray(counts, dtype=float)
    return _alpha_from_coincidences(c + np.swapaxes(c, -1, -2))


def krippendorff_alpha_ordinal(data: Sequence[Sequence[float]] | np.ndarray, k: int = K) -> float:
    """Krippendorff's alpha, ordinal metric, values 0..K-1.

    ``data`` is the reliability matrix: one row per rater, one column per unit, NaN where a rater did
    not rate a unit. Units with fewer than two values are not pairable and are ignored. NaN when alpha
    is undefined (fewer than two pairable values, or a single value used throughout).
    """
    d = np.asarray(data, dtype=float)
    if d.ndim != 2:
        raise ValueError("reliability data must be raters x units")
    present = ~np.isnan(d)
    values = np.where(present, d, 0).astype(np.int64)
    if np.any(values[present] < 0) or np.any(values[present] >= k):
        raise ValueError(f"scores must lie in 0..{k - 1}")
    # per unit, how many raters gave each value: (units, K)
    per_unit = np.stack([((values == v) & present).sum(axis=0) for v in range(k)], axis=1).astype(float)
    m = per_unit.sum(axis=1)
    ok = m >= 2
    pu, mu = per_unit[ok], m[ok]
    # coincidences: o_ck = sum_u n_uc * (n_uk - [c == k]) / (m_u - 1)
    o = np.einsum("uc,uk->ck", pu / (mu - 1)[:, None], pu) - np.diag((pu / (mu - 1)[:, None]).sum(axis=0))
    return _alpha_from_coincidences(o)


def krippendorff_alpha_pairs(a: Sequence[int], b: Sequence[int], k: int = K) -> float:
    return alpha_from_counts(pair_counts(a, b, k))


def bootstrap_kappa_ci(
    a: Sequence[int],
    b: Sequence[int],
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    groups: Sequence[Any] | None = None,
    k: int = K,
) -> tuple[float, float]:
    """Percentile bootstrap interval for quadratic kappa, seeded.

    ``groups`` (one label per pair, e.g. the item) makes it a cluster bootstrap: whole groups are
    resampled. Resamples where kappa is undefined are dropped; NaN bounds if fewer than half of the
    resamples are usable (or no items / n_boot < 1).
    """
    a, b = _as_int_array(a, k), _as_int_array(b, k)
    if a.size == 0 or n_boot < 1:
        return math.nan, math.nan
    codes = a * k + b
    if groups is None:
        gidx = np.arange(a.size)
    else:
        index: dict[Any, int] = {}
        gidx = np.fromiter((index.setdefault(g, len(index)) for g in groups), dtype=np.int64, count=a.size)
    n_groups = int(gidx.max()) + 1
    per_group = np.zeros((n_groups, k * k))
    np.add.at(per_group, (gidx, codes), 1.0)
    # Drawing n_groups groups with replacement only matters through how many of each *kind* of group
    # (identical count vectors) are drawn: a multinomial over the kinds, the same distribution as
    # resampling group indices, at a cost independent of the number of items.
    kinds, kind_of = np.unique(per_group, axis=0, return_inverse=True)
    freq = np.bincount(kind_of.ravel(), minlength=len(kinds)) / n_groups
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(n_groups, freq, size=n_boot)  # (n_boot, kinds)
    kappas = [np.atleast_1d(kappa_from_counts((weights @ kinds).reshape(n_boot, k, k)))]
    ks = np.concatenate(kappas)
    ks = ks[~np.isnan(ks)]
    if ks.size < n_boot / 2:
        return math.nan, math.nan
    tail = (1.0 - level) / 2.0 * 100.0
    lo, hi = np.percentile(ks, [tail, 100.0 - tail])
    return float(lo), float(hi)


def pair_stats(
    a: Sequence[int],
    b: Sequence[int],
    *,
    n_boot: int = 1000,
    seed: int = 0,
    groups: Sequence[Any] | None = None,
    k: int = K,
) -> dict[str, Any]:
    """All agreement numbers for one pair of score vectors (aligned: a[i] and b[i] rate the same item)."""
    counts = pair_counts(a, b, k)
    lo, hi = bootstrap_kappa_ci(a, b, n_boot=n_boot, seed=seed, groups=groups, k=k)
    return {
        "n": int(counts.sum()),
        "exact": exact_agreement(a, b),
        "within1": within_one(a, b),
        "kappa": kappa_from_counts(counts),
        "alpha": alpha_from_counts(counts),
        "kappa_lo": lo,
        "kappa_hi": hi,
        "matrix": percent_matrix(a, b, k),
    }


# ------------------------------------------------------------------------------------ rating rows
# A rating row: {"rater": str, "group": "human" | "judge" | None, "item": hashable, "lang": str,
#                "criterion": str, "score": int}


def ratings_from_judge(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """judge_scores rows (judge run lr lang id category criterion score) -> rating rows; empty scores
    (missing judgments) are skipped."""
    out = []
    for r in rows:
        s = r.get("score")
        if s is None or (isinstance(s, str) and not s.strip()):
            continue
        out.append(
            {
                "rater": r["judge"],
                "group": "judge",
                "item": _item(r),
                "lang": r.get("lang", ""),
                "criterion": r["criterion"],
                "score": int(float(s)),
            }
        )
    return out


def ratings_from_human(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """human rows (annotator run lr lang id category criterion score) -> rating rows, rater
    ``human:<annotator>``, group ``human``."""
    out = []
    for r in rows:
        s = r.get("score")
        if s is None or (isinstance(s, str) and not s.strip()):
            continue
        out.append(
            {
                "rater": f"{HUMAN}:{r['annotator']}",
                "group": HUMAN,
                "item": _item(r),
                "lang": r.get("lang", ""),
                "criterion": r["criterion"],
                "score": int(float(s)),
            }
        )
    return out


def _item(r: dict[str, Any]) -> tuple[str, str, str, str]:
    return (str(r.get("run", "")), lr_key(r.get("lr", "")), str(r.get("lang", "")), str(r["id"]))


def paired_scores(
    ratings: Sequence[dict[str, Any]], rater_a: str, rater_b: str, criterion: str, lang: str | None = None
) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    """Aligned scores of two raters on the items both rated (one criterion; one language or all).

    ``human`` as a rater name means every annotator (group ``human``): each annotator's rating of an
    item is paired with the other rater's rating of it. Returns (a, b, item of each pair).
    """
    index = _index([r for r in ratings if r["criterion"] == criterion and (lang is None or r["lang"] == lang)])
    a, b, items, _ = _pairs(index, rater_a, rater_b)
    return a, b, items


def _index(ratings: Iterable[dict[str, Any]]) -> dict[str, dict[Any, list[tuple[int, str]]]]:
    """rater (and ``human`` for the pooled annotators) -> item -> [(score, lang)]."""
    index: dict[str, dict[Any, list[tuple[int, str]]]] = defaultdict(lambda: defaultdict(list))
    for r in ratings:
        index[r["rater"]][r["item"]].append((r["score"], r["lang"]))
        if r.get("group") == HUMAN and r["rater"] != HUMAN:
            index[HUMAN][r["item"]].append((r["score"], r["lang"]))
    return index


def _pairs(index, rater_a: str, rater_b: str) -> tuple[np.ndarray, np.ndarray, list[Any], list[str]]:
    by_a, by_b = index.get(rater_a, {}), index.get(rater_b, {})
    a, b, items, langs = [], [], [], []
    for item in sorted(set(by_a) & set(by_b), key=str):
        for x, lang in by_a[item]:
            for y, _ in by_b[item]:
                a.append(x), b.append(y), items.append(item), langs.append(lang)
    return np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64), items, langs


def default_pairs(ratings: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    """Pooled ``human`` vs each judge; each pair of annotators; each annotator vs each judge when there
    are several annotators (with one, that row would repeat the pooled one); each pair of judges; and,
    for raters without a group (rating files), each pair of them."""
    judges = _ordered({r["rater"] for r in ratings if r.get("group") == "judge"}, ratings)
    annotators = _ordered({r["rater"] for r in ratings if r.get("group") == HUMAN}, ratings)
    others = _ordered({r["rater"] for r in ratings if r.get("group") not in ("judge", HUMAN)}, ratings)
    pairs: list[tuple[str, str]] = []
    if annotators:
        pairs += [(HUMAN, j) for j in judges]
        pairs += list(combinations(annotators, 2))
        if len(annotators) > 1:
            pairs += [(h, j) for h in annotators for j in judges]
    pairs += list(combinations(judges, 2))
    pairs += list(combinations(others, 2))
    return pairs


def _ordered(names: set[str], ratings: Sequence[dict[str, Any]]) -> list[str]:
    first = {}
    for i, r in enumerate(ratings):
        first.setdefault(r["rater"], i)
    return sorted(names, key=lambda n: first[n])


def agreement_table(
    ratings: Sequence[dict[str, Any]],
    pairs: Sequence[tuple[str, str]] | None = None,
    *,
    criteria: Sequence[str] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """Rows ``rater_a rater_b criterion lang n exact within1 kappa alpha kappa_lo kappa_hi`` for every
    pair (default :func:`default_pairs`), criterion (default: the study's six, then any others seen)
    and language, plus an ``all``-languages row per pair and criterion. Pairs with no common items get
    n = 0 and NaN numbers. The bootstrap resamples items; its seed is the same for every cell."""
    ratings = list(ratings)
    if pairs is None:
        pairs = default_pairs(ratings)
    seen_crit = list(dict.fromkeys(r["criterion"] for r in ratings))
    if criteria is None:
        criteria = [c for c in CRITERIA if c in seen_crit] + [c for c in seen_crit if c not in CRITERIA]
    langs = sorted({r["lang"] for r in ratings if r["lang"]}, key=_lang_key)
    by_crit: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in ratings:
        by_crit[r["criterion"]].append(r)
    rows = []
    for crit in criteria:
        index = _index(by_crit.get(crit, []))
        for ra, rb in pairs:
            a, b, items, item_langs = _pairs(index, ra, rb)
            item_langs = np.asarray(item_langs, dtype=object)
            for lang in langs + ["all"]:
                keep = np.ones(len(a), bool) if lang == "all" else (item_langs == lang)
                st = pair_stats(
                    a[keep], b[keep], n_boot=n_boot, seed=seed, groups=[it for it, k in zip(items, keep) if k]
                )
                rows.append(
                    {"rater_a": ra, "rater_b": rb, "criterion": crit, "lang": lang, **{c: st[c] for c in COLUMNS[4:]}}
                )
    order = {p: i for i, p in enumerate(pairs)}
    rows.sort(key=lambda r: order[(r["rater_a"], r["rater_b"])])  # stable: pair, then criterion, then lang
    return rows


def _lang_key(lang: str) -> tuple[int, str]:
    return (0 if lang == "en" else 1, lang)


# ------------------------------------------------------------------------------- rating files (CLI)
def read_rating_file(path: str | os.PathLike, rater: str | None = None) -> list[dict[str, Any]]:
    """A ratings file for ``xlit agreement``: CSV (or TSV if named .tsv) with columns ``id criterion
    score`` and optionally ``lang``, one row per rating. Empty scores are skipped (missing); anything
    else that is not an integer 0-2, and a repeated (id, lang, criterion), is an InputError naming the
    file, row (the header is row 1) and column."""
    path = os.fspath(path)
    rater = rater or os.path.splitext(os.path.basename(path))[0]
    delim = "\t" if path.endswith(".tsv") else ","
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f, delimiter=delim)
        header = [h.strip() for h in (reader.fieldnames or [])]
        for col in ("id", "criterion", "score"):
            if col not in header:
                raise InputError(
                    path,
                    f"no '{col}' column (columns: {', '.join(header) or 'none'}; expected id criterion score "
                    f"[lang], one row per rating, or a rating sheet: item and the criteria {' '.join(CRITERIA)})",
                    line=1,
                    field=col,
                )
        reader.fieldnames = header
        out, seen = [], {}
        for rowno, row in enumerate(reader, 2):
            if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                continue
            item_id = (row.get("id") or "").strip()
            if not item_id:
                raise InputError(path, "empty id", line=rowno, field="id")
            crit = (row.get("criterion") or "").strip()
            if not crit:
                raise InputError(path, "empty criterion", line=rowno, field="criterion")
            lang = (row.get("lang") or "").strip()
            key = (item_id, lang, crit)
            if key in seen:
                raise InputError(
                    path, f"id {item_id!r} criterion {crit!r} already rated on row {seen[key]}", line=rowno, field="id"
                )
            seen[key] = rowno
            raw = (row.get("score") or "").strip()
            if not raw:
                continue
            score = parse_score(raw)
            if score is None:
                raise InputError(path, f"score must be an integer 0-2, got {raw!r}", line=rowno, field="score")
            out.append(
                {
                    "rater": rater,
                    "group": None,
                    "item": (lang, item_id),
                    "lang": lang,
                    "criterion": crit,
                    "score": score,
                }
            )
    return out


def parse_score(raw: str, k: int = K) -> int | None:
    """'0'..'2' (also '2.0' as a spreadsheet may write it) -> int; anything else -> None."""
    try:
        v = float(raw)
    except ValueError:
        return None
    if not math.isfinite(v) or v != int(v) or not 0 <= v < k:
        return None
    return int(v)


def format_table(rows: Sequence[dict[str, Any]], columns: Sequence[str] = COLUMNS) -> str:
    """Aligned plain-text table (3 decimals) for the terminal."""

    def cell(v: Any) -> str:
        if isinstance(v, float):
            return "nan" if math.isnan(v) else f"{v:.3f}"
        return str(v)

    body = [[cell(r.get(c, "")) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(b[i]) for b in body]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip()]
    for b in body:
        lines.append("  ".join(v.ljust(w) for v, w in zip(b, widths)).rstrip())
    return "\n".join(lines)
