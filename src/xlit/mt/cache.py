"""Persistent, content-addressed store of translated segments, on `xlit.cache.FileCache`.

Key: sha256 of (segment text, translation context), where the context is everything that changes the
output: backend, model id (or the weights' fingerprint for locally built models), source and target
language, decoding parameters. Layout:

    {root}/{context hash}/context.json        what the context is (for humans)
    {root}/{context hash}/{xx}/{name}.json     one entry per segment: {"in": segment, "out": translation}

Each entry is written atomically and is durable when `put_many` returns, so a job killed at any point
loses at most the batch in flight, and parallel jobs (even on different nodes of a cluster sharing a
network file system: no locks, no sqlite, no shared file) never see each other's half-written entries.
Readers look entries up by key, so a re-run or a second dataset sharing text finds every segment any
earlier job translated. Shards of the former layout (`{context hash}/*.jsonl`, one per writing process)
are imported on opening and renamed `*.jsonl.imported`.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from pathlib import Path
from typing import Iterable

from xlit.cache import FileCache


def context_hash(context: dict) -> str:
    return hashlib.sha256(json.dumps(context, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:20]


def segment_key(segment: str) -> str:
    return hashlib.sha256(segment.encode("utf-8")).hexdigest()[:32]


class SegmentCache:
    """Translations for one context. `root=None` keeps them in memory only."""

    def __init__(self, root: str | os.PathLike | None, context: dict):
        self.context = context
        self.dir = Path(root) / context_hash(context) if root is not None else None
        self.store = FileCache(self.dir)
        self._mem: dict[str, str] = {}  # what this process wrote or read
        if self.dir is not None:
            self._import_shards()
            ctx = self.dir / "context.json"
            if not ctx.exists():
                tmp = self.dir / f".context.{uuid.uuid4().hex}"
                tmp.write_text(json.dumps(self.context, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
                os.replace(tmp, ctx)

    def _import_shards(self) -> None:
        """Entries of the former append-only shards (a line torn by a kill is skipped)."""
        for shard in sorted(self.dir.glob("*.jsonl")):
            with open(shard, encoding="utf-8") as f:
                for line in f:
                    try:
                        row = json.loads(line)
                        self.store.add(row["k"], {"in": row.get("in"), "out": row["out"]})
                    except (json.JSONDecodeError, KeyError, TypeError):
                        continue
            try:
                os.rename(shard, f"{shard}.imported")
            except FileNotFoundError:  # another process imported it at the same time
                pass

    def get(self, segment: str) -> str | None:
        k = segment_key(segment)
        if k not in self._mem:
            rec = self.store.get(k)
            if not isinstance(rec, dict) or not isinstance(rec.get("out"), str):
                return None
            self._mem[k] = rec["out"]
        return self._mem[k]

    def __contains__(self, segment: str) -> bool:
        k = segment_key(segment)
        return k in self._mem or self.store.has(k)

    def missing(self, segments: Iterable[str]) -> set[str]:
        """The segments (of `segments`) without a translation."""
        by_key = {segment_key(s): s for s in segments}
        return {by_key[k] for k in self.store.missing(k for k in by_key if k not in self._mem)}

    def __len__(self) -> int:
        return len(self.store) if self.dir is not None else len(self._mem)

    def put_many(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Store (segment, translation) pairs and make them durable before returning."""
        for seg, out in pairs:
            k = segment_key(seg)
            self._mem[k] = out
            self.store.put(k, {"in": seg, "out": out})

    def close(self) -> None:
        """Nothing to release (every entry is durable when written)."""
