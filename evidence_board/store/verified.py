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
import json
import os
from pathlib import Path

from evidence_board.store import sidecars

VERIFIED_KEEP = 100  # files remembered; the oldest is forgotten first


def store_path() -> Path:
    """Where the fingerprints live: the user's own data folder, not the case's."""
    base = os.environ.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local" / "share")
    return Path(base) / "evidence-board" / "verified-cases.json"


def fingerprint(path: Path) -> str | None:
    """One exact state of the file (None when it cannot be read): device,
    inode, size, mtime, ctime (all from ``fstat`` of the descriptor the
    header is read through, so they describe the same file) and SQLite's
    change counter."""
    try:
        # O_NONBLOCK: a FIFO put where the case was never blocks us.
        fd = os.open(os.path.realpath(path), os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        counter = os.pread(fd, 4, 24).hex()
    except OSError:
        return None
    finally:
        os.close(fd)
    return f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{counter}"


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


def remember_verified(path: Path, mark: str | None = None) -> bool:
    """Note the file's state as checked: ``mark`` is the fingerprint taken
    before the checks ran (or after our last commit), and it is remembered
    only if the file still has it, so a change made while the checks ran
    (or after our write) is never taken for the state that passed. Nothing
    is remembered while a sidecar file lies beside the case. Returns
    whether it was remembered."""
    now = fingerprint(path)
    if now is None or (mark is not None and now != mark) or sidecars.present(path):
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
