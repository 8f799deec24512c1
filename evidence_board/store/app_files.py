"""Files Evidence Board makes beside a case: its lock, partial copies, backups.

A case folder can come from anyone (a zip, a USB stick, a synced or shared
folder), so whatever already sits where we are about to write may be a
symbolic link to one of the user's own files, a FIFO that blocks whoever
opens it, a device or a folder. So every file of ours:

- is reached through the real path of the case (``os.path.realpath``): a
  link to a case finds the same lock and the same backups as the case;
- is created with ``O_CREAT | O_EXCL | O_NOFOLLOW``, never through a link and
  never over something already there; partial copies are owner-only (0o600)
  until they are renamed into place whole;
- when it exists already, is opened with ``O_NOFOLLOW | O_NONBLOCK`` and used
  only if ``fstat`` says it is a regular file, so a link, FIFO, device or
  folder is refused with one line (:class:`UnsafeFile`) and never blocks;
- is deleted only when we can prove we made it.

A partial copy is flock'ed by its writer and recorded in a small registry
(one file each, in the user's data folder) while it is written. A partial
whose writer was killed (SIGKILL, a power cut) is removed the next time a case
is opened or a copy is made (:func:`sweep_partials`), and a copy also removes
abandoned partials of ours beside its target (:func:`sweep_folder`).

Not defended: someone with write access to the folder who swaps names while a
copy is being written (they could as well replace the case itself). The
partial is checked to be the same file before it is renamed into place.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import re
import secrets
import stat
from pathlib import Path

from evidence_board.errors import CaseFileError, CaseFileExists
from evidence_board.store import schema

# Flags for opening a file of ours that may already exist.
NO_LINKS = os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
PRIVATE_MODE = 0o600
# A finished copy gets the mode any new file of the user's gets.
_UMASK = os.umask(0)
os.umask(_UMASK)
FILE_MODE = 0o666 & ~_UMASK

# Our partial names: .TARGET.XXXXXXXX.partial (8 hex digits).
_PARTIAL_NAME = re.compile(r"^\.(?P<target>.+)\.[0-9a-f]{8}\.partial$")
_HEADER = b"SQLite format 3\x00"


class UnsafeFile(CaseFileError):
    """Where a file of ours belongs there is something else: a link, FIFO, device or folder."""


def real_path(path: str | os.PathLike[str]) -> Path:
    """The path with every symbolic link resolved, absolute."""
    return Path(os.path.realpath(path))


def what_is(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def refusal(path: Path, role: str, what: str) -> UnsafeFile:
    return UnsafeFile(f"{path}: {role} is {what}, not a file Evidence Board made; "
                      "nothing was written: remove it and try again")


def refuse_unless_regular(path: Path, role: str) -> bool:
    """Whether ``path`` exists; raise UnsafeFile if it is anything but a regular file."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return False
    if not stat.S_ISREG(mode):
        raise refusal(path, role, what_is(mode))
    return True


def open_regular(path: Path, flags: int, role: str, *, dir_fd: int | None = None) -> int:
    """Open an existing file without following a link or blocking on a FIFO;
    anything but a regular file is refused (FileNotFoundError passes through)."""
    # lstat first: a device is refused before it is opened (opening one can
    # have effects), fstat after: it is the file we opened that counts.
    mode = os.lstat(path, dir_fd=dir_fd).st_mode
    if not stat.S_ISREG(mode):
        raise refusal(path, role, what_is(mode))
    try:
        fd = os.open(path, flags | NO_LINKS, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):
            raise refusal(path, role, "a symbolic link") from None
        raise
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise refusal(path, role, what_is(mode))
    except BaseException:
        os.close(fd)
        raise
    return fd


def create_new(path: Path, role: str, mode: int = PRIVATE_MODE, *, dir_fd: int | None = None) -> int:
    """Make a new, empty file for reading and writing: never through a link,
    never over anything already there (CaseFileExists, or UnsafeFile naming
    what is in the way)."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | NO_LINKS, mode, dir_fd=dir_fd)
    except FileExistsError:
        with contextlib.suppress(FileNotFoundError):
            mode = os.lstat(path, dir_fd=dir_fd).st_mode
            if not stat.S_ISREG(mode):
                raise refusal(path, role, what_is(mode)) from None
        raise CaseFileExists(f"{path}: already exists") from None


def open_folder(folder: Path, role: str) -> int:
    """A descriptor of a real folder (not a link to one), for dir_fd calls."""
    try:
        return os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            try:
                what = what_is(os.lstat(folder).st_mode)
            except OSError:
                what = "not a folder"
            raise UnsafeFile(f"{folder}: {role} is {what}, not a folder Evidence Board made; "
                             "nothing was written there: remove it and try again") from None
        raise


def check_target(path: Path, role: str) -> Path:
    """Where a new file of ours goes, through its real path: a link to an
    existing file stands for that file, a link to nothing is refused (we
    would create whatever it points at), and so is anything but a regular file."""
    path = Path(path)
    try:
        if stat.S_ISLNK(os.lstat(path).st_mode) and not os.path.exists(path):
            raise UnsafeFile(f"{path}: {role} is a symbolic link to a file that does not exist; "
                             "nothing was written: give the real path")
    except FileNotFoundError:
        pass
    real = real_path(path)
    refuse_unless_regular(real, role)
    return real


def has_case_header(fd: int) -> bool:
    """The first 100 bytes are an SQLite header with our application id."""
    header = os.pread(fd, 100, 0)
    return (len(header) == 100 and header.startswith(_HEADER)
            and int.from_bytes(header[68:72], "big") == schema.APPLICATION_ID)


def fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# -- partial copies -------------------------------------------------------


class Partial:
    """A copy being written beside ``target`` as ``.TARGET.XXXXXXXX.partial``:
    owner-only, flock'ed and recorded while written, renamed into place by
    :meth:`commit` or removed when the ``with`` block ends without one."""

    def __init__(self, target: Path) -> None:
        self.target = Path(target)
        self.path = self.target.with_name(f".{self.target.name}.{secrets.token_hex(4)}.partial")
        self.fd: int | None = create_new(self.path, "the partial copy")
        self._record: Path | None = None
        try:
            with contextlib.suppress(OSError):  # a file system without flock: the registry's pid tells
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            st = os.fstat(self.fd)
            self._identity = (st.st_dev, st.st_ino)
            self._record = _record(self.path, self._identity)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Partial:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def still_ours(self) -> bool:
        try:
            st = os.lstat(self.path)
        except OSError:
            return False
        return stat.S_ISREG(st.st_mode) and (st.st_dev, st.st_ino) == self._identity

    def commit(self, *, overwrite: bool = True, mode: int = FILE_MODE) -> Path:
        """Sync the finished copy, give it the usual mode and rename it to the
        target (``overwrite`` False: never over a file that appeared meanwhile)."""
        if self.fd is None or not self.still_ours():
            raise UnsafeFile(f"{self.path}: the partial copy was moved or replaced while it was written; "
                             "nothing was copied")
        os.fchmod(self.fd, mode)
        os.fsync(self.fd)
        if overwrite:
            os.replace(self.path, self.target)
        else:
            _move_without_replacing(self.path, self.target)
        fsync_folder(self.target.parent)
        self._close_fd()
        return self.target

    def close(self) -> None:
        """Remove the partial unless it was committed (and only if it is still ours)."""
        if self.fd is not None:
            if self.still_ours():
                with contextlib.suppress(OSError):
                    os.unlink(self.path)
            self._close_fd()

    def _close_fd(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        if self._record is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._record)
            self._record = None


def _move_without_replacing(partial: Path, target: Path) -> None:
    try:
        os.link(partial, target)
    except FileExistsError:
        raise CaseFileExists(f"{target}: already exists") from None
    except OSError:  # no hard links here (FAT, some shares)
        if os.path.lexists(target):
            raise CaseFileExists(f"{target}: already exists") from None
        os.replace(partial, target)
        return
    os.unlink(partial)


def _registry() -> Path:
    base = os.environ.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local" / "share")
    return Path(base) / "evidence-board" / "partial-copies"


def _record(path: Path, identity: tuple[int, int]) -> Path | None:
    """Note a partial being written, so a later start can remove it if we die.
    None when the note cannot be written (the partial still goes on failure)."""
    folder = _registry()
    name = hashlib.sha256(os.fsencode(path)).hexdigest()[:32] + ".json"
    data = json.dumps({"path": os.fsdecode(path), "dev": identity[0], "ino": identity[1],
                       "pid": os.getpid()}).encode()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = create_new(folder / name, "a note of a partial copy")
    except (OSError, CaseFileError):
        return None
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    return folder / name


def sweep_partials() -> list[Path]:
    """Remove partial copies whose writer died, as the registry names them."""
    folder = _registry()
    try:
        notes = [e for e in os.scandir(folder) if e.name.endswith(".json")]
    except OSError:
        return []
    removed = []
    for note in notes:
        try:
            fd = open_regular(Path(note.path), os.O_RDONLY, "a note of a partial copy")
            try:
                data = json.loads(os.read(fd, 8192))
            finally:
                os.close(fd)
            path, identity, pid = Path(data["path"]), (int(data["dev"]), int(data["ino"])), int(data["pid"])
        except (OSError, ValueError, KeyError, TypeError, CaseFileError):
            with contextlib.suppress(OSError):
                os.unlink(note.path)
            continue
        state = _remove_if_abandoned(path, identity, pid)
        if state != "busy":
            with contextlib.suppress(OSError):
                os.unlink(note.path)
        if state == "removed":
            removed.append(path)
    return removed


def sweep_folder(folder: Path) -> list[Path]:
    """Remove abandoned partial copies of ours in ``folder``: our name pattern,
    a regular file we own, no writer holding it, and an Evidence Board case
    header (a partial with no header yet is left to the registry)."""
    removed = []
    try:
        entries = [e for e in os.scandir(folder) if _PARTIAL_NAME.match(e.name)]
    except OSError:
        return []
    for entry in entries:
        if _remove_if_abandoned(Path(entry.path), None, None, need_header=True) == "removed":
            removed.append(Path(entry.path))
    return removed


def _remove_if_abandoned(path: Path, identity: tuple[int, int] | None, pid: int | None,
                         need_header: bool = False) -> str:
    """"removed", "busy" (its writer is alive) or "not ours" (gone, or not provably ours)."""
    try:
        st = os.lstat(path)
        if (not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid()
                or (identity is not None and (st.st_dev, st.st_ino) != identity)):
            return "not ours"
        fd = open_regular(path, os.O_RDONLY, "the partial copy")
    except (OSError, CaseFileError):
        return "not ours"
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return "busy"
        except OSError:  # no flock here: trust the writer's process id
            if pid is not None and _alive(pid):
                return "busy"
        again = os.fstat(fd)
        if (again.st_dev, again.st_ino) != (st.st_dev, st.st_ino):
            return "not ours"
        if need_header and not has_case_header(fd):
            return "not ours"
        os.unlink(path)
        return "removed"
    except OSError:
        return "not ours"
    finally:
        os.close(fd)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
