"""The sample case: built from scratch by the project's own scripts, and the
packaged copy is exactly what they build."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import unicodedata
from pathlib import Path
from types import ModuleType

import pymupdf
import pytest
from click.testing import CliRunner

from evidence_board.cli import main
from evidence_board.sample import sample_case_path
from evidence_board.store import CaseFile

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DIR = ROOT / "sample_case"
SOURCE_TEXT = ROOT.parent / "shared" / "sources" / "iccas-cuba-north-korea-connection.txt"


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"sample_case_{name}", SAMPLE_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sample case built now, from the committed PDF, through the importer."""
    out = tmp_path_factory.mktemp("sample") / "sample.evb"
    assert _script("build_sample_case").main(["--output", str(out)]) == 0
    return out


def _fold(text: str) -> str:
    """Compare words, not typography: quotes, dashes and spacing folded."""
    table = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2014": "-"})
    return " ".join(unicodedata.normalize("NFKC", text).translate(table).split())


def describe(path: Path) -> dict:
    """A case's content without ids or timestamps: what a user would see."""
    with CaseFile.open(path, read_only=True) as case:
        board = case.boards()[0]
        contents = case.load_board(board.id)
        cards = contents.cards
        name = {cid: (c.kind.value, c.title, c.text[:40]) for cid, c in cards.items()}
        return {
            "title": case.conn.execute("SELECT value FROM case_info WHERE key='title'").fetchone()[0],
            "board": board.name,
            "cards": sorted(
                (c.kind.value, c.title, c.text, c.page, c.regions, c.tags, c.reliability, c.credibility,
                 c.entity_type.value if c.entity_type else None, c.date_start, sorted(c.attributes.items()))
                for c in cards.values()),
            "placements": sorted(
                (name[p.card_id], p.x, p.y, p.width, p.height, name.get(p.group_id))
                for p in contents.placements.values()),
            "links": sorted((name[l.from_card], name[l.to_card], l.label, l.strength.value, l.direction.value)
                            for l in contents.links.values()),
            "sources": [(s.title, s.sha256, s.page_count, s.reliability) for s in case.sources()],
        }


def test_packaged_sample_is_what_the_scripts_build(built: Path) -> None:
    assert describe(sample_case_path()) == describe(built), \
        "rebuild it: python sample_case/build_sample_case.py --force"


def test_sample_holds_what_the_issue_asks_for(built: Path) -> None:
    with CaseFile.open(built, read_only=True) as case:
        contents = case.load_board(case.boards()[0].id)
        cards = list(contents.cards.values())
        by_kind = {k: [c for c in cards if c.kind.value == k] for k in
                   ("document", "quote", "entity", "group", "note")}
        assert len(by_kind["document"]) == 1
        assert len(by_kind["quote"]) >= 8
        assert {g.title for g in by_kind["group"]} >= {"Cuba", "North Korea", "China"}
        titles = {c.title for c in by_kind["entity"]}
        for wanted in ("Fidel Castro", "Ra\u00fal Castro", "Kim Jong Il", "Vice Marshal Kim Yong Chun",
                       "Choi Su Hon", "Gen. Leopoldo Cintra Fr\u00edas", "Cao Gangchuan", "Hu Jintao",
                       "Dr. David Kay", "Hugh Griffiths", "Korean People\u2019s Army", "SIPRI",
                       "Uni\u00f3n de Industrias Militares", "Cuban Defense Ministry", "Cuban armed forces"):
            assert wanted in titles
        events = {c.date_start for c in by_kind["entity"] if c.entity_type and c.entity_type.value == "event"}
        assert {"2003-10", "2004-06", "2004-09", "2004-11", "2013-07"} <= events
        assert len(contents.links) >= 25
        assert {l.strength.value for l in contents.links.values()} == {"confirmed", "unconfirmed", "tentative"}
        assert all(l.label for l in contents.links.values())
        analysis = [n for n in by_kind["note"] if "analysis" in n.tags]
        assert len(analysis) >= 4 and all(n.title.startswith("Analysis:") for n in analysis)
        assert all(q.reliability and q.credibility for q in by_kind["quote"])
        # Every quote says what it reports, and every analyst's note what it is about.
        starts = {l.from_card for l in contents.links.values()}
        assert all(q.id in starts for q in by_kind["quote"] + analysis)
        # Members sit inside their group's frame on the board.
        for place in contents.placements.values():
            if place.group_id:
                frame = contents.placements[place.group_id]
                assert frame.x <= place.x and place.x + place.width <= frame.x + frame.width
                assert frame.y <= place.y and place.y + place.height <= frame.y + frame.height


def test_every_link_joins_cards_that_exist(built: Path) -> None:
    for path in (built, sample_case_path()):
        with CaseFile.open(path, read_only=True) as case:
            ids = {c.id for c in case.cards()}
            links = case.links()
            assert links and all(l.from_card in ids and l.to_card in ids for l in links)


def test_every_quote_is_on_its_page_inside_its_rectangles(built: Path) -> None:
    with CaseFile.open(built, read_only=True) as case:
        quotes = case.cards(kind="quote")
        source = case.source(quotes[0].source_id)
        doc = pymupdf.open(stream=case.attachment(source.attachment_id), filetype="pdf")
        for quote in quotes:
            page = doc[quote.page - 1]
            inside = []
            for x0, y0, x1, y1, text, *_ in page.get_text("words", sort=False):
                cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
                if any(r[0] <= cx <= r[2] and r[1] <= cy <= r[3] for r in quote.regions):
                    inside.append(text)
            assert _fold(" ".join(inside)) == _fold(quote.text), quote.title


def test_quotes_are_the_source_s_own_words(built: Path) -> None:
    """Nothing on a quote card that the report does not say, word for word."""
    if SOURCE_TEXT.exists():
        source = _fold(SOURCE_TEXT.read_text(encoding="utf-8"))
    else:
        source = _fold(" ".join(p.get_text() for p in pymupdf.open(SAMPLE_DIR / "focus-on-cuba-61.pdf")))
    with CaseFile.open(built, read_only=True) as case:
        for quote in case.cards(kind="quote"):
            assert _fold(quote.text).strip('"') in source


@pytest.mark.skipif(not SOURCE_TEXT.exists(), reason="the source text lives outside the repository")
def test_report_pdf_is_rebuilt_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    assert _script("make_report_pdf").main(["--source", str(SOURCE_TEXT), "--output", str(out)]) == 0
    committed = (SAMPLE_DIR / "focus-on-cuba-61.pdf").read_bytes()
    assert hashlib.sha256(out.read_bytes()).hexdigest() == hashlib.sha256(committed).hexdigest()


def test_report_pdf_looks_like_the_newsletter() -> None:
    doc = pymupdf.open(SAMPLE_DIR / "focus-on-cuba-61.pdf")
    first = doc[0].get_text()
    assert "Focus on Cuba" in first and "Issue 61 \u2014 December 20, 2004" in first
    assert "Institute for Cuban and Cuban-American Studies" in first
    assert "Introduction to the reprint" in first
    assert "\ufb01" not in "".join(p.get_text() for p in doc)  # no "fi" ligatures to trip a search
    assert doc.metadata["creationDate"] == "" and doc.metadata["modDate"] == ""


def test_sample_passes_the_case_check(built: Path) -> None:
    if "check" not in main.commands:
        pytest.skip("`evidence-board check` does not exist yet")
    result = CliRunner().invoke(main, ["check", str(built)])
    assert result.exit_code == 0, result.output


def test_exported_board_pdf_cites_every_quote(built: Path, tmp_path: Path, qapp) -> None:
    from evidence_board.exporters.pdf import export_pdf
    from evidence_board.exporters.scope import board_scope

    out = tmp_path / "sample-board.pdf"
    with CaseFile.open(built, read_only=True) as case:
        result = export_pdf(board_scope(case), out)
        quotes = case.cards(kind="quote")
        source = case.source(quotes[0].source_id)
    assert result.pages >= 2
    text = _fold(" ".join(page.get_text() for page in pymupdf.open(out)))
    for quote in quotes:
        assert _fold(f"{source.title}, p. {quote.page}") in text  # the citation, on the board and appendix
        assert _fold(quote.title) in text
        assert _fold(quote.text).strip('"')[:60] in text
