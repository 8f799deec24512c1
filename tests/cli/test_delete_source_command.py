"""`evidence-board delete-source` (issue 12 item 20): refused while cards cite the source, then
with --with-cards gone, and a scrubbed copy holds none of it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from evidence_board.cli import main
from evidence_board.store import CaseFile

sys.path.insert(0, str(Path(__file__).parents[1] / "importers"))
from samples import report_pdf, write  # noqa: E402

AUTHOR = "Bartholomew Quincetree"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def quoted(tmp_path: Path) -> tuple[Path, bytes, str]:
    """A case with one PDF, its document card and a quote from it; returns (case, pdf bytes, quote id)."""
    case = tmp_path / "case.evb"
    data = report_pdf(["Zanzibarite shipments went through Mariel.", "Page two."], title="Mariel shipments dossier",
                      author=AUTHOR)
    assert run("new", str(case))[0] == 0
    assert run("import", str(case), str(write(tmp_path, "dossier.pdf", data)))[0] == 0
    code, out, err = run("quote", str(case), "dossier.pdf", "--page", "1", "--text", "Zanzibarite shipments")
    assert code == 0, err
    return case, data, out.strip()


def test_a_cited_source_is_refused_in_one_line_naming_its_cards(quoted):
    case, _data, quote = quoted
    before = case.read_bytes()
    code, out, err = run("delete-source", str(case), "dossier.pdf")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("evidence-board: error: dossier.pdf: 2 card(s) cite this source: ")
    assert f"{quote} (quote 'Zanzibarite shipments')" in err and "(document 'Mariel shipments dossier')" in err
    assert "give --with-cards to delete them with it; nothing was deleted" in err
    assert case.read_bytes() == before


def test_with_cards_deletes_the_source_and_a_scrubbed_copy_holds_nothing_of_it(tmp_path, quoted):
    case, data, quote = quoted
    code, out, err = run("delete-source", str(case), "Mariel shipments dossier", "--with-cards", "--json")
    assert code == 0, err
    deleted = json.loads(out)
    assert deleted["file_name"] == "dossier.pdf" and quote in deleted["deleted_cards"]
    with CaseFile.open(case, read_only=True) as opened:
        assert opened.sources() == [] and opened.cards() == []
        assert opened.audit_events()[0].summary == "Delete source Mariel shipments dossier and 2 card(s)"
    shared = tmp_path / "shared.evb"
    assert run("copy", str(case), str(shared), "--scrub")[0] == 0
    raw = shared.read_bytes()
    third = len(data) // 3
    for needle in (data[third:third + 48], b"Zanzibarite", b"zanzibarite", AUTHOR.encode(), b"dossier.pdf"):
        assert needle not in raw


def test_an_unknown_source_is_one_line_and_exit_1(quoted):
    case, _data, _quote = quoted
    code, _out, err = run("delete-source", str(case), "nothing.pdf")
    assert code == 1 and err == "evidence-board: error: no source with id, file name or title 'nothing.pdf'\n"
