"""Mutated PDFs through the import path, as a user would import them.

Each file goes through ``evidence-board import CASE FILE`` (click's runner):
the real parser worker code in a separate process, the real refusal
messages, the real writes. It must be imported (exit 0) or refused with
one line (exit 1), within ``TIME_LIMIT`` seconds, without a traceback; a
refused file changes nothing, and the case passes ``check`` at the end.

Starting a fresh interpreter per file costs a few tenths of a second, so
by default the worker is *forked* from this already-initialised process
(:class:`ForkedWorker`): the same ``pdf_worker.main`` in its own process,
killed on a stall, its crashes contained; ``exec_workers`` files use the
unmodified path with a real ``python -m`` worker.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
import types
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf
from click.testing import CliRunner

from evidence_board.cli import main
from evidence_board.importers import pdf as pdf_import
from evidence_board.store import CaseFile
from evidence_board.store.checking import check_case

TIME_LIMIT = 5.0


# -- seed PDFs ------------------------------------------------------------


def build_seed_pdfs(folder: Path) -> list[bytes]:
    """Two small PDFs: plain objects, and compressed object streams."""
    doc = pymupdf.open()
    doc.set_metadata({"title": "Seed report", "author": "Analyst", "creationDate": "D:20040101000000Z"})
    for number in range(3):
        page = doc.new_page()
        page.insert_text((72, 72), f"Page {number + 1}: the shipment left Havana on Tuesday.")
        page.insert_text((72, 100), "Ünïcödé, right-to-left שלום, and 漢字.", fontname="helv")
        page.draw_rect(pymupdf.Rect(72, 120, 200, 160), color=(1, 0, 0), fill=(0.9, 0.9, 1))
    pixmap = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 80, 80), False)
    pixmap.clear_with(200)
    doc[0].insert_image(pymupdf.Rect(300, 300, 400, 400), pixmap=pixmap)
    doc[1].insert_link({"kind": pymupdf.LINK_URI, "from": pymupdf.Rect(72, 60, 300, 80),
                        "uri": "http://example.invalid/"})
    doc.set_toc([[1, "Start", 1], [1, "End", 3]])
    plain = doc.tobytes(garbage=0, deflate=False)
    packed = doc.tobytes(garbage=4, deflate=True, use_objstms=True)
    doc.close()
    return [plain, packed]


# -- mutations ------------------------------------------------------------


def _bit_flips(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice([1, 3, 10, 50])):
        out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data))]


def _splice(data: bytes, rng: random.Random) -> bytes:
    """Cut out, duplicate or insert a random chunk."""
    a = rng.randrange(len(data))
    b = min(len(data), a + rng.randrange(1, 2000))
    choice = rng.randrange(3)
    if choice == 0:
        return data[:a] + data[b:]
    if choice == 1:
        return data[:b] + data[a:b] * rng.randint(1, 20) + data[b:]
    return data[:a] + rng.randbytes(b - a) + data[a:]


_NUMBER = re.compile(rb"(?<![\w.])\d+(?![\w.])")


def _numbers(data: bytes, rng: random.Random) -> bytes:
    """Change numbers: object ids, lengths, offsets, counts, sizes."""
    spots = list(_NUMBER.finditer(data))
    out = bytearray(data)
    for match in sorted(rng.sample(spots, min(len(spots), rng.choice([1, 3, 10]))), key=lambda m: -m.start()):
        value = rng.choice([b"0", b"-1", b"999999999", b"2147483648", b"1e308", str(rng.randrange(1 << 16)).encode()])
        out[match.start():match.end()] = value
    return bytes(out)


_KEYWORDS = [b"obj", b"endobj", b"stream", b"endstream", b"xref", b"trailer", b"startxref", b"%%EOF",
             b"/Length", b"/Pages", b"/Kids", b"/Count", b"/Type", b"/Filter", b"/FlateDecode", b"/Root"]


def _keywords(data: bytes, rng: random.Random) -> bytes:
    old = rng.choice(_KEYWORDS)
    new = rng.choice(_KEYWORDS + [b"", b"(", b"<<", b"[", b"/Kids [1 0 R 1 0 R]"])
    return data.replace(old, new, rng.choice([1, -1]))


def _huge_counts(data: bytes, rng: random.Random) -> bytes:
    return re.sub(rb"/Count \d+", b"/Count " + rng.choice([b"100000000", b"-5", b"0"]), data)


PDF_MUTATIONS = {"bit-flips": (_bit_flips, 5), "truncate": (_truncate, 2), "splice": (_splice, 3),
                 "numbers": (_numbers, 3), "keywords": (_keywords, 3), "huge-counts": (_huge_counts, 1)}


def mutate_pdf(seeds: list[bytes], rng: random.Random) -> tuple[str, bytes]:
    names = list(PDF_MUTATIONS)
    name = rng.choices(names, weights=[PDF_MUTATIONS[n][1] for n in names])[0]
    data = PDF_MUTATIONS[name][0](rng.choice(seeds), rng)
    return name, data or b"%PDF"


# -- a forked worker ------------------------------------------------------


class ForkedWorker:
    """Stands in for ``subprocess.Popen(worker_command(), ...)`` in the importer:
    the worker's ``main`` runs in a forked child instead of a new interpreter."""

    def __init__(self, args: list[str], **_kwargs: object) -> None:
        in_read, in_write = os.pipe()
        out_read, out_write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: be the worker, then leave without cleanup
            code = 70
            try:
                os.dup2(in_read, 0)
                os.dup2(out_write, 1)
                os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
                for fd in (in_read, in_write, out_read, out_write):
                    os.close(fd)
                sys.stdin = open(0, closefd=False)  # noqa: SIM115
                sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
                from evidence_board.importers import pdf_worker

                # The address-space cap counts what the fork inherited too.
                inherited = int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")

                def limit_on_top(size: int) -> None:
                    import resource

                    cap = inherited + 2 * 1024**3 + 4 * size
                    with contextlib.suppress(ValueError, OSError):
                        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

                pdf_worker._limit_memory = limit_on_top
                code = pdf_worker.main()
                sys.stdout.flush()
            finally:
                os._exit(code)
        os.close(in_read)
        os.close(out_write)
        self.stdin = os.fdopen(in_write, "wb")
        self.stdout = os.fdopen(out_read, "rb")
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            _pid, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def kill(self) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)


@contextlib.contextmanager
def forked_workers() -> Iterator[None]:
    original = pdf_import.subprocess
    pdf_import.subprocess = types.SimpleNamespace(  # type: ignore[assignment]
        Popen=ForkedWorker, PIPE=subprocess.PIPE, DEVNULL=subprocess.DEVNULL)
    try:
        yield
    finally:
        pdf_import.subprocess = original


# -- running --------------------------------------------------------------


@dataclass
class PdfFuzzResult:
    files: int = 0
    imported: int = 0
    refused: int = 0
    mutations: Counter = field(default_factory=Counter)
    messages: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    slowest: float = 0.0


def _events(case_path: Path) -> int:
    conn = sqlite3.connect(f"{case_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM audit_events").fetchone()[0]
    finally:
        conn.close()


def worker_startup() -> float:
    """How long starting a parser process takes right now (a busy machine is slow)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import pymupdf, evidence_board.importers.pdf_worker"],
                   capture_output=True, timeout=60, env=pdf_import._worker_env())
    return time.perf_counter() - started


def import_one(case_path: Path, path: Path, name: str, result: PdfFuzzResult, startup: float = 0.0) -> None:
    before = _events(case_path)
    started = time.perf_counter()
    outcome = CliRunner().invoke(main, ["import", str(case_path), str(path)], catch_exceptions=True)
    seconds = time.perf_counter() - started - startup
    result.slowest = max(result.slowest, seconds)
    result.files += 1
    result.mutations[name] += 1
    label = f"{path.name} ({name})"
    if outcome.exception is not None and not isinstance(outcome.exception, SystemExit):
        result.failures.append(f"{label}: raised {type(outcome.exception).__name__}: {outcome.exception}")
    if seconds > TIME_LIMIT:
        result.failures.append(f"{label}: took {seconds:.1f} s")
    if "Traceback" in outcome.stderr:
        result.failures.append(f"{label}: traceback")
    if outcome.exit_code == 0:
        result.imported += 1
    elif outcome.exit_code == 1:
        result.refused += 1
        message = outcome.stderr.strip()
        if len(message.splitlines()) != 1:
            result.failures.append(f"{label}: the error is not one line: {message!r}")
        result.messages[re.sub(r".*?\.pdf: ", "", message)[:50]] += 1
        if _events(case_path) != before:
            result.failures.append(f"{label}: refused, but the case changed")
    else:
        result.failures.append(f"{label}: exit {outcome.exit_code}: {outcome.stderr.strip()[:200]}")


def fuzz_pdfs(folder: Path, count: int, seed: int, exec_workers: int = 0) -> PdfFuzzResult:
    rng = random.Random(seed)
    seeds = build_seed_pdfs(folder)
    case_path = folder / "pdfs.evb"
    CaseFile.create(case_path, "PDF fuzz").close()
    result = PdfFuzzResult()
    for number in range(count):
        name, data = mutate_pdf(seeds, rng)
        path = folder / f"m{number:05d}.pdf"
        path.write_bytes(data)
        if number < exec_workers:  # the unmodified path; the 5 s are for the work, not the start-up
            import_one(case_path, path, name, result, startup=worker_startup())
        else:
            with forked_workers():
                import_one(case_path, path, name, result)
        path.unlink()
    report = check_case(case_path)
    if not report.ok:
        result.failures.append(f"the case fails check after the imports: {report.problems[:3]}")
    return result
