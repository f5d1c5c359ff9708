"""The one persistent cache for paid or slow answers (judge answers, chat calls, translated segments).

Safe when several jobs, on different nodes of a cluster, share the cache directory over a network file
system: no locks, no sqlite, no file that two processes append to. Each entry is its own small file,

    {root}/{name[:2]}/{name}.json      name = sha256 of the key; content {"key": key, "value": value}

written to a unique temporary name in the same directory (``.{name}.*.tmp``), fsynced, then renamed over
the final name (``put``, last writer wins: a re-asked answer replaces the old one) or hard-linked to it
(``add``, only if absent: imports never overwrite). Rename and link are atomic on local and network file
systems, so a reader sees a whole entry or none, never a partial one, while others write; a job killed
mid-write leaves at most a temporary file, which nothing reads. The 256 subdirectories keep a directory
to a few thousand files even for a million entries. On NFS another node's new entry may be seen only after
the client's attribute cache expires (seconds): until then it is a miss (asked again), never a wrong answer.

``FileCache(root)`` (``root=None``: a cache that holds nothing): ``get(key)`` (None when absent or
unreadable), ``has(key)``, ``missing(keys)``, ``put(key, value)``, ``add(key, value) -> bool``,
``len()`` (counts entry files without reading them), ``items()`` ((key, value) pairs),
``import_sqlite(path)``: the answers of the former sqlite chat cache (table ``answers``), added once; the
file is then renamed ``*.imported`` (kept, never deleted), so nothing already paid for is lost.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import sqlite3
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterable, Iterator

from xlit.io import _UMASK

log = logging.getLogger("xlit.cache")

SUFFIX = ".json"
#: above this many keys, `missing` lists the directories once instead of looking up each key
SCAN_ABOVE = 5000


def entry_name(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class FileCache:
    """Content-addressed entries, one file each (see the module docstring)."""

    def __init__(self, root: str | os.PathLike | None):
        self.root = Path(root) if root is not None else None
        if self.root is not None:
            self.root.mkdir(parents=True, exist_ok=True)

    def __bool__(self) -> bool:  # a cache object is "present" even when empty
        return True

    @property
    def enabled(self) -> bool:
        return self.root is not None

    def path_of(self, key: str) -> Path:
        name = entry_name(key)
        return self.root / name[:2] / (name + SUFFIX)

    def get(self, key: str) -> Any | None:
        if self.root is None:
            return None
        path = self.path_of(key)
        for attempt in range(2):
            try:
                with open(path, encoding="utf-8") as f:
                    entry = json.load(f)
                break
            except FileNotFoundError:
                return None
            except OSError as e:  # NFS: the file we opened was replaced by another node (stale handle)
                if e.errno == errno.ESTALE and attempt == 0:
                    continue
                log.warning("%s: unreadable cache entry, ignored (%s)", path, e)
                return None
            except ValueError as e:  # only a crash of the file system itself could leave this
                log.warning("%s: unreadable cache entry, ignored (%s)", path, e)
                return None
        if not isinstance(entry, dict) or entry.get("key") != key:
            log.warning("%s: cache entry for another key, ignored", path)
            return None
        return entry.get("value")

    def has(self, key: str) -> bool:
        return self.root is not None and self.path_of(key).exists()

    def missing(self, keys: Iterable[str]) -> set[str]:
        """The keys (of `keys`) that the cache does not hold."""
        wanted = set(keys)
        if self.root is None:
            return wanted
        if len(wanted) > SCAN_ABOVE:  # one listing of each subdirectory, not one lookup per key
            present = set(self._names())
            return {k for k in wanted if entry_name(k) not in present}
        return {k for k in wanted if not self.has(k)}

    def _write(self, key: str, value: Any) -> tuple[Path, str]:
        """The entry written and fsynced under a unique temporary name beside its final path."""
        path = self.path_of(key)
        path.parent.mkdir(exist_ok=True)
        blob = json.dumps({"key": key, "value": value}, sort_keys=True)  # ASCII: any str round-trips
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(blob)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; a cache is meant to be shared
        except BaseException:
            os.unlink(tmp)
            raise
        return path, tmp

    def put(self, key: str, value: Any) -> None:
        """Store `value` under `key`, replacing what was there; durable when this returns."""
        if self.root is None:
            return
        path, tmp = self._write(key, value)
        try:
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise

    def add(self, key: str, value: Any) -> bool:
        """Store `value` only if `key` has no entry (atomically: a concurrent `put` is never overwritten).
        True if this call wrote it."""
        if self.root is None or self.has(key):
            return False
        path, tmp = self._write(key, value)
        try:
            os.link(tmp, path)
            return True
        except FileExistsError:
            return False
        finally:
            os.unlink(tmp)

    def _names(self) -> Iterator[str]:
        """Entry names (sha256 of the key), read from the directory listings only."""
        if self.root is None:
            return
        for shard in os.scandir(self.root):
            if len(shard.name) != 2 or not shard.is_dir():
                continue
            for e in os.scandir(shard.path):
                if e.name.endswith(SUFFIX) and not e.name.startswith("."):
                    yield e.name[: -len(SUFFIX)]

    def __len__(self) -> int:
        return sum(1 for _ in self._names())

    def items(self) -> Iterator[tuple[str, Any]]:
        """(key, value) of every readable entry, in no particular order."""
        for name in self._names():
            try:
                with open(self.root / name[:2] / (name + SUFFIX), encoding="utf-8") as f:
                    entry = json.load(f)
                yield entry["key"], entry["value"]
            except (OSError, ValueError, KeyError, TypeError):
                continue  # replaced or removed while listing

    def import_sqlite(self, path: str | os.PathLike) -> int:
        """Add the answers of a former sqlite chat cache (`answers(key, value)`) that this cache lacks, then
        rename the file (and its -wal/-shm) to `<name>.imported`. Returns how many were added. Processes
        importing at once add the same entries; the one that finishes first renames."""
        path = Path(path)
        if self.root is None or not path.is_file():
            return 0
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)  # never creates a file
        try:  # threads: the entries' fsyncs overlap
            with ThreadPoolExecutor(16) as pool:
                n = sum(
                    pool.map(
                        lambda kv: self.add(kv[0], json.loads(kv[1])), conn.execute("SELECT key, value FROM answers")
                    )
                )
        finally:
            conn.close()
        for extra in ("", "-wal", "-shm"):
            try:
                os.rename(f"{path}{extra}", f"{path}.imported{extra}")
            except FileNotFoundError:
                pass
        log.info("%s: %d answer(s) imported into %s (the file is kept as %s.imported)", path, n, self.root, path.name)
        return n

    def close(self) -> None:
        """Nothing to release (every entry is durable when written); kept for callers that close caches."""
