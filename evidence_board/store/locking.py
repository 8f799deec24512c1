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
  open (by the window's timer, and by any write). Another machine on a shared
  folder may not see our ``flock`` (SMB and some NFS setups), so there a lock
  whose heartbeat is older than ``STALE_SECONDS``, or dated in the future,
  looks left behind by a crashed computer. It is not broken silently: the
  caller is told who held it and why it looks stale (:class:`CaseInUse`
  ``stale``), and the user may take it over (the window asks; the CLI has
  ``--take-over-lock``).

The lock is named after the case's real path (links resolved), so a link to
an open case finds its lock. It is created with ``O_EXCL | O_NOFOLLOW`` and an
existing one is used only if it is a regular file (see ``app_files``): a
link, FIFO, device or folder in its place is refused with one line.

Read-only openers take no lock; they may open a case someone is editing.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import json
import math
import os
import pwd
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from evidence_board.errors import CaseFileError, CaseFileExists
from evidence_board.model.control_characters import escape_controls
from evidence_board.store.app_files import create_new, open_regular, real_path

HEARTBEAT_SECONDS = 30.0
STALE_SECONDS = 120.0
# A heartbeat dated further ahead of our clock than this is not believed: a
# live holder whose clock is that far off would look stale to others anyway.
FUTURE_SECONDS = STALE_SECONDS
# Readable by others (a second user must be told who has the case), written
# only by its holder.
LOCK_MODE = 0o644
_ROLE = "the case's lock file"


@dataclass(slots=True)
class LockHolder:
    """Who holds a case open for editing, as the lock file says."""

    user: str = "someone"
    host: str = "another computer"
    pid: int = 0
    since: str = ""
    heartbeat: float = 0.0  # the latest believable sign of life (lock content or file time)
    future_seconds: float = 0.0  # > 0: every time the lock gives is this far ahead of our clock

    def describe(self) -> str:
        here = self.host == socket.gethostname()
        where = ("in another window of this program" if here and self.pid == os.getpid()
                 else f"by {self.user} on {'this computer' if here else self.host}")
        return f"{where} (process {self.pid}, since {self.since or 'an unknown time'})"

    def staleness(self, now: float | None = None) -> str | None:
        """Why the lock looks left behind, or None while its heartbeat looks alive."""
        if self.future_seconds > 0:
            return f"its heartbeat is dated {_duration(self.future_seconds)} in the future"
        age = (time.time() if now is None else now) - self.heartbeat
        if age > STALE_SECONDS:
            return "it has not been heard from " + ("ever" if self.heartbeat <= 0 else f"for {_duration(age)}")
        return None


def _duration(seconds: float) -> str:
    minutes = seconds / 60
    if minutes < 120:
        return f"{max(1, round(minutes))} minute(s)"
    hours = minutes / 60
    return f"{round(hours)} hour(s)" if hours < 48 else f"{round(hours / 24)} day(s)"


class CaseInUse(CaseFileError):
    """The case is open for editing elsewhere; it can still be opened read-only.

    ``stale`` says why the lock looks left behind (None: it looks alive);
    such a lock may be taken over with ``take_over_lock`` once the user knows
    who held it."""

    def __init__(self, message: str, holder: LockHolder, stale: str | None = None) -> None:
        super().__init__(message)
        self.holder = holder
        self.stale = stale


def lock_path(case_path: Path) -> Path:
    real = real_path(case_path)
    return real.with_name(f".~lock.{real.name}#")


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _holder_from(fd: int) -> LockHolder | None:
    """Who a lock file names, or None when it is empty or not one of ours."""
    try:
        raw = os.pread(fd, 4096, 0)
        mtime = os.fstat(fd).st_mtime
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict):
            return None
        claimed = float(data.get("heartbeat", 0.0))
        holder = LockHolder(
            user=_shown(data.get("user", "someone"), 100), host=_shown(data.get("host", "?"), 100),
            pid=int(data.get("pid", 0)), since=_shown(data.get("since", ""), 40))
    except (OSError, ValueError, TypeError, OverflowError, UnicodeDecodeError):
        return None
    _date(holder, [claimed if math.isfinite(claimed) else 0.0, mtime])
    return holder


def _shown(value: object, limit: int) -> str:
    """A name from a lock file as it may be shown: control characters (a
    terminal escape, a newline) escaped, so the message stays one plain line."""
    return escape_controls(str(value)[:limit])


def _date(holder: LockHolder, times: list[float]) -> None:
    now = time.time()
    believable = [t for t in times if t <= now + FUTURE_SECONDS]
    if believable:
        holder.heartbeat = max(believable)
    else:
        holder.future_seconds = min(times) - now


def _holder_from_stat(path: Path) -> LockHolder | None:
    """Another user's lock we cannot even read: its owner and time say something."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    try:
        user = pwd.getpwuid(st.st_uid).pw_name
    except KeyError:
        user = f"user {st.st_uid}"
    holder = LockHolder(user=user, host="a computer it does not name")
    _date(holder, [st.st_mtime])
    return holder


def read_holder(case_path: Path) -> LockHolder | None:
    """Who the lock file names, or None when there is no lock file or it is unreadable."""
    try:
        fd = open_regular(lock_path(case_path), os.O_RDONLY, _ROLE)
    except (OSError, CaseFileError):
        return None
    try:
        return _holder_from(fd)
    finally:
        os.close(fd)


class CaseLock:
    """A held lock; :meth:`release` (or closing the case) gives it back."""

    def __init__(self, case_path: Path, fd: int, taken_from: LockHolder | None = None) -> None:
        self.case_path = real_path(case_path)
        self.path = lock_path(case_path)
        self.taken_from = taken_from  # whose lock this one replaced, when it was taken over
        self._fd: int | None = fd
        # Heartbeats may come from another thread (a worker writing): never
        # write after release() closed the descriptor (the number could
        # already name another file, such as the case itself).
        self._mutex = threading.Lock()
        self._since = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        self.last_heartbeat = 0.0
        try:
            self.write_heartbeat()
        except BaseException:
            self.release()  # a full disk: no empty lock file left behind
            raise

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
                if _same_file(fd, self.path):
                    os.unlink(self.path)
            os.close(fd)

    def __del__(self) -> None:
        # A case dropped without close() still gives its lock back.
        with contextlib.suppress(Exception):
            self.release()


def _same_file(fd: int, path: Path) -> bool:
    try:
        st, now = os.fstat(fd), os.lstat(path)
    except OSError:
        return False
    return (st.st_dev, st.st_ino) == (now.st_dev, now.st_ino)


def _open_lock(path: Path) -> int:
    """Our new lock file, or the existing one if it is a regular file."""
    try:
        return create_new(path, _ROLE, LOCK_MODE)  # a link, FIFO, device or folder there: UnsafeFile
    except CaseFileExists:
        return open_regular(path, os.O_RDWR, _ROLE)


def acquire(case_path: Path, take_over: bool = False) -> CaseLock:
    """Lock a case for editing, or raise CaseInUse naming who has it.

    ``take_over`` breaks a lock that its heartbeat says is alive or that
    looks stale (the user, told who held it, confirmed that program is
    closed); a held ``flock`` is never broken, since that process is
    certainly alive.
    """
    case_path = real_path(case_path)
    path = lock_path(case_path)
    taken: LockHolder | None = None
    for _attempt in range(5):
        try:
            fd = _open_lock(path)
        except FileNotFoundError:
            continue  # removed between our two looks
        except PermissionError:
            if not os.path.lexists(path):
                raise  # a folder we may not write in
            # Another user's lock file we may not write: judge it, and
            # replace it if it is free to take.
            taken = _judge_foreign(case_path, path, take_over) or taken
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
            continue
        flock_works = True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder_from(fd) or LockHolder()
            os.close(fd)
            raise _in_use(case_path, holder, None) from None
        except OSError:
            flock_works = False  # a file system without flock: the heartbeat is all we have
        if not _same_file(fd, path):
            os.close(fd)  # released and removed while we were opening it
            continue
        try:
            taken = _judge(case_path, _holder_from(fd), flock_works, take_over) or taken
        except BaseException:
            os.close(fd)
            raise
        return CaseLock(case_path, fd, taken)
    raise CaseFileError(f"{case_path}: cannot lock the case (its lock file keeps changing)")


def _judge(case_path: Path, holder: LockHolder | None, flock_works: bool,
           take_over: bool) -> LockHolder | None:
    """Raise CaseInUse if a lock file nobody flocks may still stand for an
    editor; with ``take_over``, return that holder instead (None: it was free).

    On this computer, where flock works, no: a live holder would hold it. A
    holder on another computer (whose flock a share may not show) counts as
    alive while its heartbeat is fresh, and as left behind when it is old or
    dated in the future; either way only an explicit take-over breaks it.
    """
    if holder is None or (flock_works and holder.host == socket.gethostname()):
        return None
    if take_over:
        return holder
    raise _in_use(case_path, holder, holder.staleness())


def _judge_foreign(case_path: Path, path: Path, take_over: bool) -> LockHolder | None:
    try:
        fd = open_regular(path, os.O_RDONLY, _ROLE)
    except FileNotFoundError:
        return None
    except PermissionError:
        return _judge(case_path, _holder_from_stat(path), False, take_over)
    try:
        flock_works = True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _in_use(case_path, _holder_from(fd) or LockHolder(), None) from None
        except OSError:
            flock_works = False
        return _judge(case_path, _holder_from(fd) or _holder_from_stat(path), flock_works, take_over)
    finally:
        os.close(fd)


def _in_use(case_path: Path, holder: LockHolder, stale: str | None) -> CaseInUse:
    if stale is None:
        return CaseInUse(f"{case_path}: already open for editing {holder.describe()}; "
                         "open it read-only instead", holder)
    return CaseInUse(f"{case_path}: its lock says it is open for editing {holder.describe()}, but {stale}, "
                     "so it looks left behind; take the lock over if that program is no longer running, "
                     "or open the case read-only", holder, stale)
