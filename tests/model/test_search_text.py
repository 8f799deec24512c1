"""Search text in one normal form: what the index is given, what a query becomes, snippets."""

from __future__ import annotations

import pytest

from evidence_board.model.search_text import (
    MAX_TERMS, QueryTooLong, Term, display_text, find_spans, fold, index_text, query_terms, snippet, words,
)


def test_ligatures_full_width_case_and_accents_fold_alike() -> None:
    assert words(fold("The ICC pro\ufb01le")) == ["the", "icc", "profile"]
    assert words(fold("o\ufb03ce \ufb02u\ufb00y wa\ufb04e")) == ["office", "fluffy", "waffle"]
    assert fold("ＰＲＯＦＩＬＥ") == "profile"
    assert fold("Raúl Frías") == fold("RAUL FRIAS") == "raul frias"
    assert fold("Rau\u0301l") == "raul"  # a combining accent, as some PDFs extract it
    assert fold("Straße Øresund Łódź") == "strasse oresund lodz"
    assert fold("pro\u00adfile") == "profile"


def test_words_broken_across_a_line_end_are_indexed_whole() -> None:
    assert "manipulation" in words(index_text("the manip-\nulation of"))
    assert "manipulation" in words(index_text("the manip\u00ad\nulation of"))
    # A compound broken after its hyphen is found whole and by its halves.
    assert {"wellknown", "well", "known"} <= set(words(index_text("a well-\nknown fact")))
    # Before a capital it is a compound, not a broken word.
    assert words(index_text("North-\nKorean")) == ["north", "korean"]


def test_scripts_that_write_vowels_with_marks_keep_them() -> None:
    assert fold("नमस्ते") == "नमस्ते"
    assert fold("김정일 中国") == "김정일 中国"


def test_a_query_is_folded_and_its_last_bare_word_is_a_prefix() -> None:
    assert query_terms('"Raúl Castro" ＣＵＢＡ pro\ufb01') == [
        Term(("raul", "castro")), Term(("cuba",)), Term(("profi",), prefix=True)]
    assert query_terms("well-known") == [Term(("well", "known"), prefix=True)]
    # One or two letters would expand to much of the index: searched whole.
    assert query_terms("fidel a") == [Term(("fidel",)), Term(("a",))]
    assert query_terms('"" (( ') == []


def test_overlong_queries_are_refused_before_they_run() -> None:
    with pytest.raises(QueryTooLong, match="at most 16"):
        query_terms(" OR ".join(["the"] * 100))
    with pytest.raises(QueryTooLong, match="words or phrases"):
        query_terms(" ".join(["a*"] * 200))
    with pytest.raises(QueryTooLong, match="33 words"):
        query_terms('"' + " ".join(["word"] * 33) + '"')
    with pytest.raises(QueryTooLong, match="characters"):
        query_terms("x" * 5000)
    assert len(query_terms(" ".join(f"w{n}" for n in range(MAX_TERMS)))) == MAX_TERMS


def test_a_snippet_shows_the_sources_words_cleaned_with_the_hits_marked() -> None:
    text = ("Colour management.\nEach device has an ICC pro\ufb01le\x07; \ue012 the manip-\nulation of "
            "pro\ufb01les is described below, in more words than a snippet shows.")
    shown = snippet(text, query_terms("manipulation profile"))
    assert "\ufb01" not in shown.text and "\x07" not in shown.text and "\ue012" not in shown.text
    assert "\n" not in shown.text
    marked = [shown.text[s:e] for s, e in shown.hits]
    assert marked[:3] == ["profile", "manipulation", "profiles"]
    assert shown.text.startswith("… ") and shown.text.endswith(" …")
    assert snippet("Raúl Castro met them.", query_terms("raul")).text == "Raúl Castro met them."


def test_display_text_keeps_accents_and_drops_what_draws_as_boxes() -> None:
    assert display_text("Ra\u00fal\u00a0 pro\ufb01le\u200b\x00 \ufffd") == "Raúl profile"


def test_the_reader_highlights_a_phrase_where_the_words_follow_each_other() -> None:
    text = "the international\ncommunity and the community of nations"
    terms = query_terms("international community")
    assert [text[s:e] for s, e, _ in find_spans(text, terms)] == ["international\ncommunity"]
    other = "community then international"
    assert [other[s:e] for s, e, _ in find_spans(other, terms)] == ["community", "international"]
