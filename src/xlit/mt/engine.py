"""The translator every caller uses: a backend behind the segment cache, batched and sorted by length.

    tr = make_translator(cfg["translation"], cache_dir="cache", model_dir=None)
    tr.translate_segments(["Hello.", "How are you?"], src="en", tgt="fr")  -> ["Bonjour.", ...]

Duplicates are translated once; cached segments are never sent to the backend (a run whose segments are all
cached does not even load the model); the rest go in batches of `batch_size`, longest first (little padding;
an out-of-memory error shows on the first batch), and each batch's translations are made durable in the
cache the moment it finishes, so a killed job resumes where it stopped.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from xlit.mt.backends import make_backend
from xlit.mt.cache import SegmentCache

log = logging.getLogger("xlit.mt")


class Translator:
    def __init__(
        self, backend, cache_root: str | Path | None = None, batch_size: int = 16, progress_every_s: float = 30.0
    ):
        self.backend = backend
        self.cache_root = Path(cache_root) if cache_root is not None else None
        self.batch_size = max(1, int(batch_size))
        self.progress_every_s = progress_every_s
        self._caches: dict[tuple[str, str], SegmentCache] = {}
        self.stats = {"requested": 0, "unique": 0, "cached": 0, "translated": 0, "batches": 0, "seconds": 0.0}

    def cache(self, src: str, tgt: str) -> SegmentCache:
        if (src, tgt) not in self._caches:
            self._caches[(src, tgt)] = SegmentCache(self.cache_root, self.backend.context(src, tgt))
        return self._caches[(src, tgt)]

    def translate_segments(self, segments: list[str], src: str = "en", tgt: str = "fr") -> list[str]:
        segments = list(segments)
        if src == tgt:
            return segments
        cache = self.cache(src, tgt)
        uniq = list(dict.fromkeys(s for s in segments if s.strip()))
        absent = cache.missing(uniq)
        todo = [s for s in uniq if s in absent]
        self.stats["requested"] += len(segments)
        self.stats["unique"] += len(uniq)
        self.stats["cached"] += len(uniq) - len(todo)
        if todo:
            log.info(
                "%s->%s: %d segments, %d unique, %d cached, %d to translate",
                src,
                tgt,
                len(segments),
                len(uniq),
                len(uniq) - len(todo),
                len(todo),
            )
        todo.sort(key=len, reverse=True)
        t0 = last = time.time()
        done = 0
        for i in range(0, len(todo), self.batch_size):
            batch = todo[i : i + self.batch_size]
            outs = self.backend.translate_batch(batch, src, tgt)
            if len(outs) != len(batch):
                raise RuntimeError(f"backend returned {len(outs)} translations for {len(batch)} segments")
            cache.put_many(zip(batch, outs))
            done += len(batch)
            self.stats["batches"] += 1
            if time.time() - last > self.progress_every_s:
                last = time.time()
                rate = done / max(last - t0, 1e-9)
                log.info(
                    "%s->%s: %d/%d segments (%.1f/s, ~%.0f s left)",
                    src,
                    tgt,
                    done,
                    len(todo),
                    rate,
                    (len(todo) - done) / max(rate, 1e-9),
                )
        self.stats["translated"] += done
        self.stats["seconds"] += time.time() - t0
        return [cache.get(s) if s.strip() else s for s in segments]

    def close(self) -> None:
        for c in self._caches.values():
            c.close()


def make_translator(
    translation_cfg: dict, cache_dir: str | Path | None = "cache", model_dir: str | Path | None = None
) -> Translator:
    """A Translator from the config's `translation` section. The segment cache lives in
    `{cache_dir}/translate/` (None: in memory only); `model_dir` is the built tiny translator (or any local
    model directory overriding `translation.model`)."""
    backend = make_backend(translation_cfg, model_dir=model_dir, cache_dir=cache_dir)
    root = Path(cache_dir) / "translate" if cache_dir is not None else None
    bs = int(translation_cfg.get("batch_size", 16))
    if getattr(backend, "name", "") == "openai":  # a batch is sent concurrently: keep every worker busy
        bs = max(bs, 4 * backend.endpoint.concurrency)
    return Translator(backend, root, batch_size=bs)
