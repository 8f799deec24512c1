"""The PDF parser runs in its own process: a hang or a crash refuses the file."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from samples import report_pdf

from evidence_board.importers import ParserFailed, pdf
from evidence_board.importers.pdf import parse_pdf, pdf_date


def test_a_hanging_parser_is_killed_after_the_time_limit(monkeypatch):
    monkeypatch.setattr(pdf, "worker_command", lambda: [sys.executable, "-c", "import time; time.sleep(60)"])
    started = time.monotonic()
    with pytest.raises(ParserFailed, match="took longer than 0.5 s"):
        parse_pdf(report_pdf(), "slow.pdf", stall_timeout=0.5)
    assert time.monotonic() - started < 10


def test_a_crashing_parser_refuses_the_file_and_we_live_on(monkeypatch):
    monkeypatch.setattr(pdf, "worker_command", lambda: [sys.executable, "-c", "import os; os.abort()"])
    with pytest.raises(ParserFailed, match="crashed on this file"):
        parse_pdf(report_pdf(), "crash.pdf")


def test_parsing_reports_progress_page_by_page():
    seen = []
    record = parse_pdf(report_pdf(), "a.pdf", progress=lambda name, done, total: seen.append((done, total)))
    assert record.page_count == 3 and seen == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_importers_do_not_load_qt():
    code = "import sys, evidence_board.importers; print('PySide6' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("raw, iso", [
    ("D:20040315120000+01'00'", "2004-03-15T12:00:00+01:00"),
    ("D:20040315120000Z", "2004-03-15T12:00:00Z"),
    ("D:2004", "2004"),
    ("D:20041399", None),
    ("yesterday", None),
    ("", None),
])
def test_pdf_dates_become_iso(raw, iso):
    assert pdf_date(raw) == iso
