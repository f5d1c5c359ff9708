"""Persistent, content-addressed store of translated segments.

Key: sha256 of (segment text, translation context), where the context is everything that changes the
output: backend, model id (or the weights' fingerprint for locally built models), source and target
language, decoding parameters. Layout:

    {root}/{context hash}/context.json        what the context is (for humans)
    {root}/{context hash}/{host}-{pid}-{rand}.jsonl   shards, one per writing process: {"k", "in", "out"}

Every process appends only to its own shard and flushes + fsyncs after each batch, so a job killed at any
point loses at most the batch in flight, and parallel jobs (even on different nodes of a cluster sharing
a network file system: no locks, no sqlite) never write the same file. A torn last line is skipped on
read. Readers load every shard of the context, so a re-run or a second dataset sharing text finds every
segment any earlier job translated.
"""
from __future__ import annotations

import hashlib
import json
import os
import socket
import uuid
from pathlib import Path
from typing import Iterable


def context_hash(context: dict) -> str:
    return hashlib.sha256(json.dumps(context, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:20]


def segment_key(segment: str) -> str:
    return hashlib.sha256(segment.encode("utf-8")).hexdigest()[:32]


class SegmentCache:
    """Translations for one context. `root=None` keeps them in memory only."""

    def __init__(self, root: str | os.PathLike | None, context: dict):
        self.context = context
        self.dir = Path(root) / context_hash(context) if root is not None else None
        self._mem: dict[str, str] = {}
        self._fh = None
        self.loaded = 0
        if self.dir is not None:
            self._load()

    def _load(self) -> None:
        if not self.dir.exists():
            return
        for shard in sorted(self.dir.glob("*.jsonl")):
            with open(shard, encoding="utf-8") as f:
                for line in f:
                    try:
                        row = json.loads(line)
                        self._mem[row["k"]] = row["out"]
                    except (json.JSONDecodeError, KeyError, TypeError):
                        continue  # a line torn by a kill mid-write
        self.loaded = len(self._mem)

    def get(self, segment: str) -> str | None:
        return self._mem.get(segment_key(segment))

    def __contains__(self, segment: str) -> bool:
        return segment_key(segment) in self._mem

    def __len__(self) -> int:
        return len(self._mem)

    def put_many(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Store (segment, translation) pairs and make them durable before returning."""
        lines = []
        for seg, out in pairs:
            k = segment_key(seg)
            self._mem[k] = out
            lines.append(json.dumps({"k": k, "in": seg, "out": out}, ensure_ascii=False) + "\n")
        if self.dir is None or not lines:
            return
        if self._fh is None:
            self.dir.mkdir(parents=True, exist_ok=True)
            ctx = self.dir / "context.json"
            if not ctx.exists():
                tmp = self.dir / f".context.{uuid.uuid4().hex}"
                tmp.write_text(json.dumps(self.context, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
                os.replace(tmp, ctx)
            name = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}.jsonl"
            self._fh = open(self.dir / name, "a", encoding="utf-8")
        self._fh.write("".join(lines))
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass
