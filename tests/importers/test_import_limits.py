"""Issue 12 item 16: a PDF that amplifies its text is refused at a limit, the case unchanged.

A few KB whose pages all draw one huge content stream made gigabytes of
page text: the import ran for minutes, grew the case by hundreds of MB and
the main process's memory without end, and the stall timer never fired
because the parser reported every page. Each limit is tested low (passed
as a parameter, so the tests are quick) and once at the defaults.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from amplifying_pdfs import shared_stream_pdf, text_per_page
from samples import report_pdf, write

from evidence_board.errors import InvalidInput
from evidence_board.importers import OverLimit, import_files, pdf
from evidence_board.importers.pdf import PdfLimits, parse_pdf
from evidence_board.store import CaseFile

KIB, MIB = 1 << 10, 1 << 20


def _import_refused(service, case_path: Path, path: Path, limits: PdfLimits) -> tuple[str, float]:
    """Import ``path`` with ``limits``; it must be refused, the case file byte-identical."""
    before, counts = case_path.read_bytes(), service.case.counts()
    started = time.monotonic()
    with pytest.raises(OverLimit) as refused:
        import_files(service, [path], pdf_limits=limits)
    elapsed = time.monotonic() - started
    assert service.case.counts() == counts and case_path.read_bytes() == before
    assert not service.can_undo()  # nothing was written, so nothing to undo
    message = str(refused.value)
    assert "\n" not in message
    return message, elapsed


def test_text_past_the_limit_for_one_source_is_refused(tmp_path, case_path, service):
    # 40 pages of 110 KB each: 4.3 MiB of text from a 7 KB file.
    path = write(tmp_path, "shared.pdf", shared_stream_pdf(40, 2000))
    assert path.stat().st_size < 20 * KIB
    message, elapsed = _import_refused(service, case_path, path, PdfLimits(text_bytes=1 * MIB))
    assert message == "refused: shared.pdf: its text passes 1 MiB, the limit for one source; not imported"
    assert elapsed < 15  # stopped at the tenth page, not after reading all 40


def test_text_at_the_limit_imports_whole(tmp_path, service):
    lines = 2000
    limit = 5 * text_per_page(lines)  # exactly the text of five pages
    path = write(tmp_path, "five.pdf", shared_stream_pdf(5, lines))
    report = import_files(service, [path], pdf_limits=PdfLimits(text_bytes=limit))
    source_id = report.files[0].source_id
    pages = [service.case.page_text(source_id, number) for number in range(1, 6)]
    assert sum(len(text) for text in pages) == limit


def test_a_parse_past_the_time_limit_is_refused_though_every_page_reports(tmp_path, case_path, service):
    # 1,000 pages of 1.1 MB of text each, a page reported about every 0.3 s:
    # the stall timer never fires, the wall clock of the whole parse does.
    path = write(tmp_path, "slow.pdf", shared_stream_pdf(1000, 20000))
    message, elapsed = _import_refused(service, case_path, path,
                                       PdfLimits(seconds=2.0, text_bytes=1 << 40, received_bytes=1 << 40))
    assert message == ("refused: slow.pdf: reading it takes longer than 2 s, the limit for one file; "
                       "not imported")
    assert 2.0 <= elapsed < 8


def test_what_the_parser_sends_past_the_limit_is_refused(tmp_path, case_path, service):
    path = write(tmp_path, "talkative.pdf", shared_stream_pdf(100, 2000))
    message, _ = _import_refused(service, case_path, path, PdfLimits(received_bytes=256 * KIB, text_bytes=1 << 40))
    assert message == ("refused: talkative.pdf: the PDF parser sent more than 256 KiB for it, the limit "
                       "for one file; not imported")


def test_one_endless_line_from_the_parser_is_read_only_up_to_the_limit(monkeypatch):
    # A parser that writes 200 MB without ever ending its line: reading it
    # whole would hold it all in the main process before any check.
    script = "import sys\nwhile True: sys.stdout.write('x' * 1_000_000)"
    monkeypatch.setattr(pdf, "worker_command", lambda: [sys.executable, "-c", script])
    started = time.monotonic()
    with pytest.raises(OverLimit, match="sent more than 2 MiB for it"):
        parse_pdf(report_pdf(), "endless.pdf", limits=PdfLimits(received_bytes=2 * MIB))
    assert time.monotonic() - started < 10


def test_what_the_parser_may_send_grows_with_the_file():
    # Room for a large scanned PDF's images (as stored, in base64) on top of the text.
    limits = PdfLimits()
    assert limits.received_limit(0) == 256 * MIB
    assert limits.received_limit(100 * MIB) == 456 * MIB
    assert PdfLimits(received_bytes=KIB).received_limit(100 * MIB) == KIB


def test_the_service_refuses_a_source_with_more_text_than_the_limit(service):
    page = "x" * 1_000_000  # the longest page a source keeps
    with pytest.raises(InvalidInput, match="its text passes 64 MiB, the limit for one source"):
        service.add_source(b"%PDF-1.4 ...", "huge.pdf", "application/pdf", page_count=68, page_texts=[page] * 68)
    assert service.case.sources() == []


@pytest.mark.slow
def test_at_the_default_limits_the_amplifying_pdf_is_refused_quickly_and_the_case_stays_small(tmp_path):
    # The 1,000-page, 160 KB file of the review: still running after 7
    # minutes, with the main process at 743 MB. Now the text limit (64 MiB)
    # stops it after about 60 pages.
    case_path = tmp_path / "case.evb"
    CaseFile.create(case_path, "Amplified", "Test Analyst").close()
    before = case_path.read_bytes()
    path = write(tmp_path, "bundle.pdf", shared_stream_pdf(1000, 20000))
    assert path.stat().st_size < 200 * KIB
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "evidence_board", "import", str(case_path), str(path)],
                            capture_output=True, text=True, timeout=240)
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    assert result.stderr == ("evidence-board: error: refused: bundle.pdf: its text passes 64 MiB, the limit "
                             "for one source; not imported\n")
    assert elapsed < 120  # about 20 s here: bounded by the text limit, far inside the 300 s one
    assert case_path.read_bytes() == before
