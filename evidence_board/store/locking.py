"""Knowing that a case is already open for editing somewhere else.

SQLite's own locks only last for one transaction (the case uses a rollback
journal), so they cannot tell that another window holds the case open. We
keep a small lock file beside the case while it is open for editing, named
like LibreOffice's (``.~lock.case.evb#``), holding who has it (user, host,
process id, since when) and a heartbeat time. Two things make it reliable:

- an OS-level ``flock`` on the lock file, held for as long as the case is
  open. The kernel drops it the instant the process dies, so on the same
  machine a crashed program's lock is recognised as stale at once, and a
  second window of the same program (a separate open file description) is
  refused like any other process;
- the heartbeat, rewritten every ``HEARTBEAT_SECONDS`` while the case is
  open (by the window's timer, and by any write). Another machine on a shared folder may not see our ``flock``
  (SMB and some NFS setups), so there a lock whose heartbeat is older than
  ``STALE_SECONDS`` counts as left behind by a crashed computer: it blocks
  for at most that long, never forever.

Read-only openers take no lock; they may open a case someone is editing.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import json
import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from evidence_board.errors import CaseFileError

HEARTBEAT_SECONDS = 30.0
STALE_SECONDS = 120.0


@dataclass(slots=True)
class LockHolder:
    """Who holds a case open for editing, as the lock file says."""

    user: str = "someone"
    host: str = "another computer"
    pid: int = 0
    since: str = ""
    heartbeat: float = 0.0

    def describe(self) -> str:
        here = self.host == socket.gethostname()
        where = ("in another window of this program" if here and self.pid == os.getpid()
                 else f"by {self.user} on {'this computer' if here else self.host}")
        return f"{where} (process {self.pid}, since {self.since or 'an unknown time'})"


class CaseInUse(CaseFileError):
    """The case is open for editing elsewhere; it can still be opened read-only."""

    def __init__(self, message: str, holder: LockHolder) -> None:
        super().__init__(message)
        self.holder = holder


def lock_path(case_path: Path) -> Path:
    case_path = Path(case_path)
    return case_path.with_name(f".~lock.{case_path.name}#")


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def read_holder(case_path: Path) -> LockHolder | None:
    """Who the lock file names, or None when there is no lock file or it is unreadable."""
    path = lock_path(case_path)
    try:
        raw = path.read_bytes()[:4096]
        mtime = path.stat().st_mtime
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict):
            return None
        return LockHolder(
            user=str(data.get("user", "someone"))[:100], host=str(data.get("host", "?"))[:100],
            pid=int(data.get("pid", 0)), since=str(data.get("since", ""))[:40],
            heartbeat=max(float(data.get("heartbeat", 0.0)), mtime),
        )
    except (OSError, ValueError, TypeError, UnicodeDecodeError):
        return None


class CaseLock:
    """A held lock; :meth:`release` (or closing the case) gives it back."""

    def __init__(self, case_path: Path, fd: int) -> None:
        self.case_path = Path(case_path)
        self.path = lock_path(case_path)
        self._fd: int | None = fd
        # Heartbeats may come from another thread (a worker writing): never
        # write after release() closed the descriptor (the number could
        # already name another file, such as the case itself).
        self._mutex = threading.Lock()
        self._since = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
        self.last_heartbeat = 0.0
        self.write_heartbeat()

    @property
    def held(self) -> bool:
        return self._fd is not None

    def write_heartbeat(self) -> None:
        """Say "still here" to other computers. The window calls this every
        ``HEARTBEAT_SECONDS`` (a timer); every write transaction calls
        :meth:`keep_fresh`. No background thread: in a Qt program a Python
        thread can end up finalising Qt objects, which must die in the GUI thread."""
        with self._mutex:
            if self._fd is not None:
                self._write(self._fd)
                self.last_heartbeat = time.time()

    def keep_fresh(self) -> None:
        if time.time() - self.last_heartbeat > HEARTBEAT_SECONDS:
            with contextlib.suppress(OSError):
                self.write_heartbeat()

    def _write(self, fd: int) -> None:
        record = {"app": "evidence-board", "user": _user(), "host": socket.gethostname(),
                  "pid": os.getpid(), "since": self._since, "heartbeat": time.time()}
        data = json.dumps(record).encode()
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0)
        os.fsync(fd)

    def release(self) -> None:
        with self._mutex:
            if self._fd is None:
                return
            fd, self._fd = self._fd, None
            # Unlink while still holding the flock, so nobody takes a lock on
            # a file about to disappear (acquire() checks for that too).
            with contextlib.suppress(OSError):
                if os.fstat(fd).st_ino == os.stat(self.path).st_ino:
                    os.unlink(self.path)
            os.close(fd)

    def __del__(self) -> None:
        # A case dropped without close() still gives its lock back.
        with contextlib.suppress(Exception):
            self.release()


def acquire(case_path: Path, take_over: bool = False) -> CaseLock:
    """Lock a case for editing, or raise CaseInUse naming who has it.

    ``take_over`` breaks a lock that the heartbeat says is alive (the user
    confirmed that the other computer is off); a held ``flock`` is never
    broken, since that process is certainly alive.
    """
    case_path = Path(case_path)
    path = lock_path(case_path)
    for _attempt in range(5):
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o664)
        except PermissionError:
            # Another user's lock file we may not write: judge it by its
            # heartbeat, and replace it if it is stale.
            holder = read_holder(case_path)
            if holder is not None and not take_over and time.time() - holder.heartbeat < STALE_SECONDS:
                raise _in_use(case_path, holder) from None
            os.unlink(path)
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            holder = read_holder(case_path) or LockHolder()
            raise _in_use(case_path, holder) from None
        except OSError:
            pass  # a file system without flock: the heartbeat is all we have
        try:
            if os.fstat(fd).st_ino != os.stat(path).st_ino:
                os.close(fd)  # released and removed while we were opening it
                continue
        except FileNotFoundError:
            os.close(fd)
            continue
        holder = read_holder(case_path)
        if holder is not None and not take_over and _alive_elsewhere(holder):
            os.close(fd)
            raise _in_use(case_path, holder)
        return CaseLock(case_path, fd)
    raise CaseFileError(f"{case_path}: cannot lock the case (its lock file keeps changing)")


def _alive_elsewhere(holder: LockHolder) -> bool:
    """A lock file we could flock: is its writer still alive anyway?

    On this computer no: a live holder would hold the flock. On another
    computer we cannot see its flock, so we believe a recent heartbeat.
    """
    if holder.host == socket.gethostname():
        return False
    return time.time() - holder.heartbeat < STALE_SECONDS


def _in_use(case_path: Path, holder: LockHolder) -> CaseInUse:
    return CaseInUse(f"{case_path}: already open for editing {holder.describe()}; "
                     "open it read-only instead", holder)
