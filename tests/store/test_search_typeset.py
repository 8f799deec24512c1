"""Case-wide search on a typeset PDF finds every page pdftotext has the word on.

The PDF is typeset by MuPDF with HarfBuzz, so its text layer holds the
ligature code points ("pro\ufb01le") a real manual's does, and it is imported
through the real importer. pdftotext (poppler) reads the same file
independently; its text, in the normal form any reader would compare
(NFKC, case-folded), says on which pages the word is.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pymupdf
import pytest

from evidence_board.importers import import_files
from tests.importers.samples import typeset_pdf

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")


def pdftotext_pages(path: Path, pages: int) -> list[str]:
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(path), "-"],
                           capture_output=True, text=True, check=True).stdout for n in range(1, pages + 1)]


def pages_with_word(texts: list[str], word: str, *, normalise: bool = True) -> set[int]:
    """Pages where a word starts with ``word`` (the case search matches its last word as a prefix)."""
    found = set()
    for n, text in enumerate(texts, 1):
        if normalise:
            text = unicodedata.normalize("NFKC", text).casefold()
            text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
        if re.search(rf"(?<!\w){re.escape(word)}", text if normalise else text.lower()):
            found.add(n)
    return found


@pytest.fixture
def manual(tmp_path: Path, service, board_id) -> tuple[Path, str]:
    path = tmp_path / "gs9-color-management.pdf"
    path.write_bytes(typeset_pdf())
    source_id = import_files(service, [path], board_id).files[0].source_id
    return path, source_id


def search_pages(case, source_id: str, text: str) -> set[int]:
    return {h.page for h in case.search(text, limit=1000) if h.kind == "page" and h.id == source_id}


def test_the_search_finds_a_ligature_word_on_every_page_pdftotext_has_it(case, manual) -> None:
    path, source_id = manual
    with pymupdf.open(path) as doc:
        pages = doc.page_count
        with_ligatures = {n for n, page in enumerate(doc, 1) if re.search("[\ufb00-\ufb06]", page.get_text())}
    assert len(with_ligatures) >= 5  # the text layer really has ligature code points
    texts = pdftotext_pages(path, pages)
    for word in ("profile", "office", "fluffy", "manipulation", "raul", "files"):
        expected = pages_with_word(texts, word)
        assert expected, word
        assert search_pages(case, source_id, word) == expected, word
    # Compared as extracted, most of those pages would be missed.
    assert pages_with_word(texts, "profile", normalise=False) < pages_with_word(texts, "profile")


def test_words_broken_across_lines_accents_and_compounds(case, manual) -> None:
    _path, source_id = manual
    assert search_pages(case, source_id, "manipulation") == {4}
    assert search_pages(case, source_id, "Raul Castro") == search_pages(case, source_id, "RAÚL") == {6}
    assert search_pages(case, source_id, '"north korean"') == {7}
    assert search_pages(case, source_id, "ＯＦＦＩＣＥ") == {2, 3, 8}  # full-width, as some PDFs have it


def test_snippets_show_clean_words_with_the_hit_marked(case, manual) -> None:
    _path, source_id = manual
    [hit] = [h for h in case.search("approved") if h.kind == "page"]
    assert hit.snippet == "Raúl Castro approved the profile in Havana."
    assert [hit.snippet[s:e] for s, e in hit.hits] == ["approved"]
    for hit in case.search("profile", limit=100):
        assert not re.search("[\ufb00-\ufb06\ue000-\uf8ff\x00-\x1f]", hit.snippet), hit.snippet
        assert all(hit.snippet[s:e].lower().startswith("profile") for s, e in hit.hits), hit
