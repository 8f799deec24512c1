"""Reading a PDF into plain records, in a separate process with limits.

The parent never calls MuPDF on a new file: it starts
:mod:`evidence_board.importers.pdf_worker`, feeds it the bytes and collects
its JSON lines. If the worker dies, or says nothing for ``stall_timeout``
seconds (a loop on one page), the parent kills it and refuses the file.

A worker that keeps talking is held to :class:`PdfLimits` as well: a few
KB of PDF can make every page draw one huge shared content stream, so the
worker reports a page every fraction of a second (the stall timer never
fires) while the text, the time and the parent's memory grow without end.
The parent counts for itself, never trusting the worker's word: the text
of the file, the wall-clock time of the whole parse and the bytes read from
the worker's pipe (read with a cap, so one endless line cannot fill memory
either). Past any of them the worker is killed and the file refused in one
line naming the limit; nothing has been written to the case yet.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidence_board.importers.errors import (
    DamagedPdf, EmptyPdf, ImportCancelled, OverLimit, ParserFailed, PasswordRequired,
)
from evidence_board.importers.titles import clean_text
from evidence_board.services.sources import MAX_SOURCE_TEXT

Progress = Callable[[str, int, int], None]  # (what, done, total)
Cancelled = Callable[[], bool]

STALL_TIMEOUT = 30.0  # seconds the worker may spend without finishing a page
_POLL = 0.05
_MIB = 1 << 20
# Why these limits (measured here: a 5,000-page legal bundle, 22 MB of text,
# is parsed in 5.5 s and sends 23 MB):
# - text: MAX_SOURCE_TEXT, 64 MiB, three times that bundle; the case grows by
#   about twice the text (the pages and their full-text index).
# - time: five minutes for the whole parse, 50 times that bundle; images
#   (at most 500, each normalised at most once) and a slow machine fit.
# - what the worker sends: 256 MiB (the text limit sent as JSON, whose \uXXXX
#   escapes make letters outside ASCII up to three times their UTF-8 size)
#   plus twice the file's size (its images as stored; base64 adds a third).
MAX_PARSE_SECONDS = 300.0
RECEIVED_BASE = 256 * _MIB
_TOO_MUCH = object()  # put by _drain for a worker that sent more than allowed


@dataclass(slots=True)
class PdfImage:
    """An image embedded in a PDF: the page it first appears on, where it
    is drawn there (PDF points), its number among that page's images, and
    every page it appears on (the same bytes come in once)."""

    page: int
    bbox: tuple[float, float, float, float]
    width: int
    height: int
    media_type: str
    data: bytes
    number: int = 1
    pages: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PdfLimits:
    """What parsing one PDF may cost (see the figures above); tests pass low ones."""

    text_bytes: int = MAX_SOURCE_TEXT  # its page texts together, as UTF-8
    seconds: float = MAX_PARSE_SECONDS  # wall clock, from start to the last record
    received_bytes: int | None = None  # from the worker's pipe; None: RECEIVED_BASE + 2 x file size

    def received_limit(self, file_size: int) -> int:
        return self.received_bytes if self.received_bytes is not None else RECEIVED_BASE + 2 * file_size


def size_text(count: int) -> str:
    """A byte count as a person reads a limit: "64 MiB", "1.5 MiB", "200 KiB"."""
    for unit, size in (("GiB", 1 << 30), ("MiB", _MIB), ("KiB", 1 << 10)):
        if count >= size:
            return f"{count / size:.1f}".removesuffix(".0") + f" {unit}"
    return f"{count} bytes"


@dataclass(slots=True)
class PdfRecord:
    page_count: int
    metadata: dict[str, str]
    page_texts: list[str]
    thumbnail: bytes
    images: list[PdfImage] = field(default_factory=list)
    heading: str = ""  # page 1's heading line, sanitised; "" when none stands out
    repaired: bool = False
    encrypted: bool = False


def pdf_date(value: str | None) -> str | None:
    """A PDF date (``D:20040315120000+01'00'``) as ISO 8601, or None."""
    if not value:
        return None
    m = re.match(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*([Zz+\-])?(\d{2})?'?(\d{2})?", value)
    if not m:
        return None
    year, month, day, hour, minute, second, sign, tzh, tzm = m.groups()
    text = year + (f"-{month}" if month else "") + (f"-{day}" if month and day else "")
    if hour and day and month:
        text += f"T{hour}:{minute or '00'}:{second or '00'}"
        if sign in ("Z", "z"):
            text += "Z"
        elif sign and tzh:
            text += f"{sign}{tzh}:{tzm or '00'}"
    try:  # reject nonsense such as month 13 rather than store it
        from datetime import date
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return text


def _worker_env() -> dict[str, str]:
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
    return env


def worker_command() -> list[str]:
    """How to start the parser process (tests swap in one that hangs or crashes)."""
    return [sys.executable, "-m", "evidence_board.importers.pdf_worker"]


def parse_pdf(data: bytes, file_name: str, *, password: str | None = None,
              extract_images: bool = False, progress: Progress | None = None,
              cancelled: Cancelled | None = None, stall_timeout: float = STALL_TIMEOUT,
              limits: PdfLimits | None = None) -> PdfRecord:
    """Parse PDF bytes in a worker process and return what it found.

    Raises DamagedPdf, EmptyPdf, PasswordRequired, ParserFailed, OverLimit
    or ImportCancelled, each with a one-line message naming ``file_name``.
    """
    limits = limits or PdfLimits()
    budget = _Budget(file_name, limits, limits.received_limit(len(data)), extract_images)
    proc = subprocess.Popen(
        worker_command(),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        env=_worker_env(),
    )
    lines: queue.Queue[bytes | object | None] = queue.Queue()
    threading.Thread(target=_feed, args=(proc, password, extract_images, data), daemon=True).start()
    threading.Thread(target=_drain, args=(proc, lines, budget.received), daemon=True).start()
    try:
        return _collect(proc, lines, file_name, progress, cancelled, stall_timeout, budget)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            try:
                stream.close()
            except OSError:
                pass


def _feed(proc: subprocess.Popen, password: str | None, extract_images: bool, data: bytes) -> None:
    try:
        header = {"password": password, "extract_images": extract_images}
        proc.stdin.write(json.dumps(header).encode() + b"\n")
        proc.stdin.write(data)
        proc.stdin.close()
    except (BrokenPipeError, OSError, ValueError):
        pass  # the worker died early; _collect reports it


def _drain(proc: subprocess.Popen, lines: queue.Queue, limit: int) -> None:
    """Pass the worker's lines on, at most ``limit`` bytes in all: a line is
    read with a cap of what is left, so even one endless line stops there."""
    received = 0
    try:
        while line := proc.stdout.readline(limit - received + 1):
            received += len(line)
            if received > limit:
                lines.put(_TOO_MUCH)
                return  # the worker blocks on a full pipe until it is killed
            lines.put(line)
    except (OSError, ValueError):
        pass
    lines.put(None)


@dataclass(slots=True)
class _Budget:
    """The limits of one parse and what it has used of them so far."""

    file_name: str
    limits: PdfLimits
    received: int  # bytes the worker may send
    extract_images: bool
    started: float = field(default_factory=time.monotonic)
    text_bytes: int = 0

    def check_time(self) -> None:
        if time.monotonic() - self.started > self.limits.seconds:
            raise OverLimit(f"refused: {self.file_name}: reading it takes longer than {self.limits.seconds:g} s, "
                            "the limit for one file; not imported")

    def add_text(self, text: str) -> None:
        self.text_bytes += len(text.encode("utf-8", "surrogatepass"))
        if self.text_bytes > self.limits.text_bytes:
            raise OverLimit(f"refused: {self.file_name}: its text passes {size_text(self.limits.text_bytes)}, "
                            "the limit for one source; not imported")

    def too_much(self) -> OverLimit:
        hint = " (import it without its images)" if self.extract_images else ""
        return OverLimit(f"refused: {self.file_name}: the PDF parser sent more than {size_text(self.received)} "
                         f"for it, the limit for one file{hint}; not imported")


def _collect(proc: subprocess.Popen, lines: queue.Queue, file_name: str, progress: Progress | None,
             cancelled: Cancelled | None, stall_timeout: float, budget: _Budget) -> PdfRecord:
    record: PdfRecord | None = None
    last_news = time.monotonic()
    while True:
        if cancelled is not None and cancelled():
            raise ImportCancelled("import cancelled; nothing was imported")
        budget.check_time()
        try:
            line = lines.get(timeout=_POLL)
        except queue.Empty:
            if time.monotonic() - last_news > stall_timeout:
                where = f" on page {len(record.page_texts) + 1}" if record else ""
                raise ParserFailed(f"{file_name}: the PDF parser took longer than {stall_timeout:g} s"
                                   f"{where}; not imported") from None
            continue
        last_news = time.monotonic()
        if line is _TOO_MUCH:
            raise budget.too_much()
        if line is None:
            code = proc.wait()
            raise ParserFailed(f"{file_name}: the PDF parser crashed on this file (exit code {code}); "
                               "not imported")
        try:
            message: dict[str, Any] = json.loads(line)
        except ValueError:
            raise ParserFailed(f"{file_name}: the PDF parser sent garbage; not imported") from None
        kind = message.get("type")
        if kind == "error":
            _raise_error(message, file_name)
        elif kind == "opened":
            record = PdfRecord(int(message["page_count"]), dict(message.get("metadata") or {}), [], b"",
                               repaired=bool(message.get("repaired")), encrypted=bool(message.get("encrypted")))
            if progress:
                progress(file_name, 0, record.page_count)
        elif record is None:
            raise ParserFailed(f"{file_name}: the PDF parser answered out of order; not imported")
        elif kind == "page":
            text = str(message.get("text") or "")
            budget.add_text(text)
            record.page_texts.append(text)
            if progress:
                progress(file_name, len(record.page_texts), record.page_count)
        elif kind == "thumbnail":
            record.thumbnail = base64.b64decode(message["data"])
        elif kind == "heading":
            record.heading = clean_text(message.get("text"))
        elif kind == "image":
            x0, y0, x1, y1 = (float(v) for v in message["bbox"])
            page = int(message["page"])
            record.images.append(PdfImage(page, (x0, y0, x1, y1), int(message["width"]),
                                          int(message["height"]), str(message["media_type"]),
                                          base64.b64decode(message["data"]), int(message.get("number", 1)),
                                          [page]))
        elif kind == "image_page":
            index = int(message["index"])
            if not 0 <= index < len(record.images):
                raise ParserFailed(f"{file_name}: the PDF parser answered out of order; not imported")
            record.images[index].pages.append(int(message["page"]))
        elif kind == "done":
            if len(record.page_texts) != record.page_count:
                raise ParserFailed(f"{file_name}: the PDF parser stopped early; not imported")
            return record


def _raise_error(message: dict[str, Any], file_name: str) -> None:
    kind, text = message.get("kind"), str(message.get("message") or "cannot be read")
    if kind == "password":
        raise PasswordRequired(f"{file_name}: the PDF is password-protected; give its password",
                               file_name)
    if kind == "wrong_password":
        raise PasswordRequired(f"{file_name}: wrong password for this PDF", file_name, wrong_password=True)
    if kind == "empty":
        raise EmptyPdf(f"{file_name}: the PDF has no pages")
    if kind == "memory":
        raise ParserFailed(f"{file_name}: {text}; not imported")
    raise DamagedPdf(f"{file_name}: {text}")
