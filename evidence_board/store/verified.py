"""Remembering which exact states of case files passed every check here.

The opening checks read the whole file, so a file whose exact state passed
them before, or that we wrote last, is reopened with the schema comparison
only. That shortcut is worth exactly what its fingerprint proves, so the
fingerprint covers what someone rewriting the file cannot keep:

- ``st_ctime_ns``: the kernel sets it to now on every write, truncate,
  chmod, utime, link and rename, and no system call sets it back (short of
  root changing the clock). ``os.utime`` can put back the modification time
  after an in-place rewrite that keeps the inode, the size and SQLite's
  change counter; it cannot put back the ctime;
- ``st_dev``/``st_ino`` (the same file, not another one renamed over it),
  the size, ``st_mtime_ns`` and SQLite's file change counter (bytes 24-27).

A file system that keeps times to the millisecond or coarser (FAT and
exFAT on USB sticks, some network shares) has no ctime worth the name (vfat
reports the creation time, or the mtime): there, the fingerprint also holds
a SHA-256 of the whole file (17 ms for 20 MB, against 230 ms for the checks),
taken when the file is opened (not after each commit, which would hash the
file at every edit: the state after our last commit is compared without it).

A ctime that moves for a harmless reason (a chmod, a backup tool restoring
the mtime) only costs a full check. Our own writes change it too, so the
state is recorded after the last commit we made (:func:`remember_verified`
with the mark taken then), never "whatever the file is at close".

And the shortcut is void while a file SQLite reads with the case lies
beside it (``-journal``, ``-wal``, ``-shm``: :mod:`store.sidecars`): what
SQLite reads is then not the file alone, whatever its fingerprint says.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

from evidence_board.store import sidecars

VERIFIED_KEEP = 100  # files remembered; the oldest is forgotten first
CHUNK = 1 << 20


def store_path() -> Path:
    """Where the fingerprints live: the user's own data folder, not the case's."""
    base = os.environ.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local" / "share")
    return Path(base) / "evidence-board" / "verified-cases.json"


def fingerprint(path: Path, content: bool | None = None) -> str | None:
    """One exact state of the file (None when it cannot be read): device,
    inode, size, mtime, ctime (all from ``fstat`` of the descriptor the
    header is read through, so they describe the same file) and SQLite's
    change counter; and a digest of the content (``content`` None: where the
    times are too coarse to tell a rewrite; True: always; False: never)."""
    try:
        # O_NONBLOCK: a FIFO put where the case was never blocks us.
        fd = os.open(os.path.realpath(path), os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        mark = f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{os.pread(fd, 4, 24).hex()}"
        if content or (content is None and coarse_times(st)):
            mark += f":{content_digest(fd)}"
    except OSError:
        return None
    finally:
        os.close(fd)
    return mark


def coarse_times(st: os.stat_result) -> bool:
    """Times kept to the millisecond or coarser: a ctime that may not move
    when the file is rewritten. (On ext4, btrfs, xfs or tmpfs a ctime that
    is a whole number of milliseconds comes once in a million; it only costs
    a hash.)"""
    return st.st_ctime_ns % 1_000_000 == 0


def content_digest(fd: int) -> str:
    digest = hashlib.sha256()
    offset = 0
    while chunk := os.pread(fd, CHUNK, offset):
        digest.update(chunk)
        offset += len(chunk)
    return digest.hexdigest()


def _load() -> dict[str, str]:
    try:
        data = json.loads(store_path().read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def was_verified(path: Path, mark: str | None = None) -> bool:
    """True when this exact state of the file (``mark``, or its fingerprint
    now) passed every check here before or was last written by us, and no
    journal, write-ahead log or shared-memory file lies beside it."""
    mark = mark if mark is not None else fingerprint(path)
    if mark is None or sidecars.present(path):
        return False
    return _load().get(str(Path(path).resolve())) == mark


def same_state(now: str, mark: str) -> bool:
    """``mark`` taken without the content digest (after a commit) matches
    the state ``now`` when everything else does."""
    fields = now.split(":")
    return now == mark or (mark.count(":") == 5 and len(fields) == 7 and ":".join(fields[:6]) == mark)


def remember_verified(path: Path, mark: str | None = None) -> bool:
    """Note the file's state as checked: ``mark`` is the fingerprint taken
    before the checks ran (or after our last commit), and it is remembered
    only if the file still has it, so a change made while the checks ran
    (or after our write) is never taken for the state that passed. Nothing
    is remembered while a sidecar file lies beside the case. Returns
    whether it was remembered."""
    now = fingerprint(path)
    if now is None or (mark is not None and not same_state(now, mark)) or sidecars.present(path):
        return False
    store = store_path()
    key = str(Path(path).resolve())
    entries = _load()
    entries.pop(key, None)
    entries[key] = now
    entries = dict(list(entries.items())[-VERIFIED_KEEP:])
    with contextlib.suppress(OSError):
        store.parent.mkdir(parents=True, exist_ok=True)
        partial = store.with_name(f".{store.name}.{os.getpid()}")
        partial.write_text(json.dumps(entries), encoding="utf-8")
        os.replace(partial, store)
    return True
