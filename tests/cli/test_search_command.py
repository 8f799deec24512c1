"""`evidence-board search`: bounded queries, refused in one line before they run (issue 12 item 17)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from evidence_board.services import CaseService
from evidence_board.store import CaseFile


@pytest.fixture
def busy_case(tmp_path: Path) -> Path:
    """Pages full of the words an overlong query asks for."""
    path = tmp_path / "busy.evb"
    case = CaseFile.create(path, "Busy", "Analyst")
    pages = [" ".join(f"the a{n % 97} and{n % 89} b{n}" for n in range(page, page + 300)) for page in range(500)]
    CaseService(case, "Analyst").add_source(b"%PDF-1.7 busy", "busy.pdf", "application/pdf",
                                            page_count=len(pages), page_texts=pages)
    case.close()
    return path


def _search(case: Path, query: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "evidence_board", "search", str(case), query],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("query", "says"), [
    (" OR ".join(["the"] * 100), "199 words or phrases; at most 16"),
    (" ".join(["a*"] * 200), "200 words or phrases; at most 16"),
    (" ".join(["a*"] * 600), "characters long; at most 1,000"),
    ('"' + " ".join(["the"] * 40) + '"', "40 words; at most 32"),
])
def test_an_overlong_query_is_refused_as_such(busy_case: Path, query: str, says: str) -> None:
    result = _search(busy_case, query)
    assert result.returncode == 1
    assert says in result.stderr and "damaged" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""


def test_a_short_prefix_is_searched_whole_and_a_long_one_as_a_prefix(busy_case: Path) -> None:
    def pages(query: str) -> set[int]:
        result = subprocess.run([sys.executable, "-m", "evidence_board", "search", str(busy_case), query,
                                 "--json", "--limit", "1000"], capture_output=True, text=True, timeout=60)
        return {h["page"] for h in json.loads(result.stdout)}

    # "b1" is on the first two pages only; as a prefix it would be on hundreds (b10, b100, b1000...).
    assert pages("b1") == {1, 2}
    assert len(pages("b10")) > 100


@pytest.fixture(scope="module")
def large_case(tmp_path_factory) -> Path:
    """20,000 pages of 100 words from 3,000 "termN": "ter" is the costliest query the bounds let through."""
    path = tmp_path_factory.mktemp("large") / "large.evb"
    rng = random.Random(12)
    vocabulary = [f"term{n}" for n in range(3000)]
    case = CaseFile.create(path, "Large", "Analyst")
    service = CaseService(case, "Analyst")
    for start in range(0, 20_000, 5_000):
        service.add_source(f"%PDF-1.7 large {start}".encode(), f"large-{start}.pdf", "application/pdf",
                           page_count=5_000, page_texts=[" ".join(rng.choices(vocabulary, k=100))
                                                         for _ in range(5_000)])
    case.close()
    return path


def test_the_costliest_query_the_bounds_allow_finishes_within_the_statement_limit(large_case: Path) -> None:
    result = _search(large_case, "ter")  # a prefix of every word on every page
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip().splitlines()) == 21  # the header and the 20 best


def test_a_search_stopped_at_the_statement_limit_says_it_took_too_long(large_case: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    from evidence_board.cli import main
    from evidence_board.store import safety

    monkeypatch.setattr(safety, "STATEMENT_SECONDS", 0.05)  # the same query, a limit it cannot meet
    result = CliRunner().invoke(main, ["search", str(large_case), "ter"])
    assert result.exit_code == 1
    message = result.output.strip()
    assert "took too long and was stopped" in message and "damaged" not in message
    assert len(message.splitlines()) == 1
