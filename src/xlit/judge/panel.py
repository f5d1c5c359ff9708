"""A panel judge (`judges.<name>: {backend: panel, panel: [a, b, ...]}`): no model of its own; its score of a
response on a criterion is the mean of its members' scores, read from the members' output rows.

The mean is kept (`mean`, a float per criterion, in each row) and the score (`scores`, the 0-2 scale every judge
writes, with `stars` = score + 1) is that mean rounded half up (0.5 -> 1, 1.5 -> 2). Rounded because everything
downstream of `judge_scores.tsv` reads ordinal 0/1/2 ratings: the agreement matrices of figure 5, quadratic
kappa and ordinal alpha against the raters, the per-criterion score bars, exactly as for any other judge; half up
(not half to even) so that a tie between two members always goes the same way, whatever the scores' parity.

A member without a score for a criterion (an answer that did not parse, a missing key, a request that failed
within `judge.max_error_share`) is left out of that mean; the panel scores the criterion only when at least
`min_members` members did (unset: every member, so that a panel score is always the mean of the same judges and
comparable across responses). Otherwise the criterion is `missing` in the panel's row, as for any judge.
Each row also lists the members' scores (`members`: {criterion: {member: score}}).

Members may be panels themselves (no circles); `check_panels` is part of config validation.
"""

from __future__ import annotations

import os
from typing import Any, Mapping, Sequence

from xlit.io import InputError, read_jsonl, write_jsonl
from xlit.judge.core import Item, make_row
from xlit.names import CRITERIA
from xlit.settings import ConfigError


def round_half_up(total: int, n: int) -> int:
    """`total / n` rounded half up, in integers (no float ties: 3/2 -> 2, 1/2 -> 1, 4/3 -> 1)."""
    return (2 * total + n) // (2 * n)


def members_of(cfg: Mapping[str, Any]) -> list[str]:
    return list(cfg.get("panel") or [])


def needed(cfg: Mapping[str, Any]) -> int:
    """Members that must have scored a criterion for the panel to score it (`min_members`, unset: all)."""
    return int(cfg.get("min_members") or len(members_of(cfg)))


def check_judges(judges: Mapping[str, Mapping[str, Any]], source: str = "config") -> None:
    """What the schema leaves to code (`xlit.config.check_schema` calls it): a judge's `model` is required
    except for a panel, which needs `panel` instead and has no model; a vllm judge generates (`mode: generate`);
    and the panels (`check_panels`). Raises ConfigError in one line naming the key."""
    for name, cfg in judges.items():
        backend = cfg.get("backend")
        need = "panel" if backend == "panel" else "model"
        if need not in cfg:
            raise ConfigError(f"{source}: judges.{name}.{need}: required key is missing")
        if backend == "vllm" and cfg.get("mode", "generate") != "generate":
            raise ConfigError(
                f"{source}: judges.{name}.mode: a vllm judge writes its answer (generate), got {cfg['mode']!r}"
            )
    check_panels(judges, source)


def check_panels(judges: Mapping[str, Mapping[str, Any]], source: str = "config") -> None:
    """Raise ConfigError (one line naming the key) for a panel whose member is not a judge, is the panel
    itself, or leads back to it through other panels, or whose `min_members` exceeds its members; and for a
    model given to a panel."""
    for name, cfg in judges.items():
        if cfg.get("backend") != "panel":
            continue
        if cfg.get("model"):
            raise ConfigError(f"{source}: judges.{name}.model: a panel has no model (its members' scores are averaged)")
        for m in members_of(cfg):
            if m not in judges:
                raise ConfigError(
                    f"{source}: judges.{name}.panel: {m!r} is not a judge (judges: {', '.join(sorted(judges))})"
                )
        if needed(cfg) > len(members_of(cfg)):
            raise ConfigError(
                f"{source}: judges.{name}.min_members: {needed(cfg)} but the panel has {len(members_of(cfg))} members"
            )

    def visit(name, path):
        for m in members_of(judges[name]):
            if m in path:
                raise ConfigError(f"{source}: judges.{path[0]}.panel: a circle of panels ({' -> '.join(path + [m])})")
            if judges[m].get("backend") == "panel":
                visit(m, path + [m])

    for name, cfg in judges.items():
        if cfg.get("backend") == "panel":
            visit(name, [name])


def combine(
    member_rows: Sequence[tuple[str, Sequence[dict]]],
    judge: str,
    cfg: Mapping[str, Any],
    sources: Sequence[str] | None = None,
) -> list[dict]:
    """The panel's rows from its members' rows of the same responses (`[(member, rows)]`, each as the member
    wrote them, matched by (lang, id); the first member's order). Raises InputError (naming the member's file,
    `sources`, when given) when the members did not rate the same responses."""
    need = needed(cfg)
    first = member_rows[0][1]
    key = lambda r: (str(r.get("lang") or ""), str(r["id"]))  # noqa: E731
    by_member = []
    for j, (member, rows) in enumerate(member_rows):
        index = {key(r): r for r in rows}
        if len(index) != len(rows) or set(index) != {key(r) for r in first}:
            raise InputError(
                sources[j] if sources else member,
                f"judge {member} rated other responses than {member_rows[0][0]} ({len(rows)} rows against "
                f"{len(first)}, or an id twice): the panel {judge} averages scores of the same responses",
            )
        by_member.append((member, index))
    out = []
    for r0 in first:
        k = key(r0)
        stars, means, members = {}, {}, {}
        for c in CRITERIA:
            got = {m: idx[k]["scores"][c] for m, idx in by_member if c in (idx[k].get("scores") or {})}
            members[c] = got
            if len(got) >= need and got:
                total = sum(int(v) for v in got.values())
                means[c] = round(total / len(got), 4)
                stars[c] = round_half_up(total, len(got)) + 1
        item = Item(id=str(r0["id"]), instruction="", response="", lang=k[0], category=str(r0.get("category") or ""))
        out.append(
            make_row(
                item,
                judge,
                stars,
                [c for c in CRITERIA if c not in stars],
                None,
                None,
                False,
                mean=means,
                members=members,
            )
        )
    return out


def panel_files(
    jobs: Sequence[tuple[Sequence[str | os.PathLike], str | os.PathLike | None]],
    members: Sequence[str],
    judge: str,
    cfg: Mapping[str, Any],
) -> list[list[dict]]:
    """For each `(member files, out)` (one file per member, in `members`' order, e.g. one language of a
    checkpoint): the panel's rows, written to `out` when given. Every file is read and combined before any is
    written. Returns the rows per job."""
    out = []
    for files, _ in jobs:
        if len(files) != len(members):
            raise ValueError(f"judge {judge}: {len(files)} member files for {len(members)} members")
        for f in files:
            if not os.path.exists(f):
                raise InputError(f, f"missing: the panel {judge} needs its members' scores")
        out.append(combine([(m, read_jsonl(f)) for m, f in zip(members, files)], judge, cfg, [str(f) for f in files]))
    for (_, dst), rows in zip(jobs, out):
        if dst is not None:
            write_jsonl(dst, rows)
    return out


def judge(items, judge: str, cfg, template, cache_dir, base_dir, on_row, reasks) -> list[dict]:
    """A panel asks no model: it averages its members' output files (`panel_files`, the workflow's judge rule)."""
    raise ValueError(
        f"judges.{judge}: a panel averages its members' scores from their output files (the workflow's judge "
        f"rule); judge with each member ({', '.join(members_of(cfg))}) instead"
    )


def request_keys(cfg, prompts, base_dir) -> tuple[list[str], int, int]:
    """A panel sends nothing (for `estimate`)."""
    return [], 0, 0
