"""Reading the files a JSON Canvas names, confined to the canvas's folder or vault.

A canvas someone sent comes with its folder, and that folder can hold links:
``notes.md -> ~/.ssh/id_rsa``, ``env.md -> /proc/self/environ``, a folder
linked to the home directory, a FIFO. A file is read only if its real path
(every link in every component resolved) lies inside one of the allowed roots,
it is a regular file, and it is no larger than the limit. It is opened on that
resolved path with ``O_NOFOLLOW|O_NONBLOCK`` (a link swapped in after the check
is not followed, a FIFO never waits for a writer), and the descriptor must be
the very file that was checked. At most limit + 1 bytes are read from it,
since ``st_size`` can lie (``/proc`` reports 0).
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

OUTSIDE = "a link outside the canvas folder"
NOT_REGULAR = "not a regular file"
_CHUNK = 1024 * 1024
_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))


@dataclass(frozen=True, slots=True)
class CanvasFile:
    """A file the canvas names that may be read."""

    named: Path  # as the canvas names it, under its root: its name and title come from here
    real: Path  # every link resolved: what is opened
    device: int
    inode: int


def size_text(limit: int) -> str:
    """A size limit as people read it: whole MiB where it is, else bytes."""
    if limit >= 2**20 and limit % 2**20 == 0:
        return f"{limit // 2**20} MiB"
    return f"{limit:,} bytes"


def _inside(real: Path, roots: list[Path]) -> bool:
    return any(real == root or real.is_relative_to(root) for root in roots)


def locate(relative: PurePosixPath, roots: list[Path]) -> CanvasFile | str | None:
    """The first root's file of that name that may be read; else why one was
    refused (a sentence), or None when no root has it at all."""
    refused: str | None = None
    for root in roots:
        candidate = root.joinpath(*relative.parts)
        real = Path(os.path.realpath(candidate))
        try:
            info = os.stat(real)
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:  # a ring of links, no permission
            refused = refused or f"cannot be read ({exc.strerror or exc})"
            continue
        if not _inside(real, roots):
            refused = refused or OUTSIDE
        elif not stat.S_ISREG(info.st_mode):  # a folder, FIFO, device or socket
            refused = refused or NOT_REGULAR
        else:
            return CanvasFile(candidate, real, info.st_dev, info.st_ino)
    return refused


def read_confined(found: CanvasFile, limit: int) -> bytes | str:
    """The file's bytes, or why they were not read (a sentence)."""
    try:
        fd = os.open(found.real, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # the checked file was replaced by a link
            return OUTSIDE
        return f"cannot be read ({exc.strerror or exc})"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return NOT_REGULAR
        if (info.st_dev, info.st_ino) != (found.device, found.inode):
            return "replaced while the canvas was being imported"
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    finally:
        os.close(fd)
    if size > limit:
        return f"over {size_text(limit)}"
    return b"".join(chunks)
