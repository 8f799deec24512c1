from __future__ import annotations

from evidence_board.store.search import to_fts_query


def test_words_become_quoted_and_last_word_a_prefix() -> None:
    assert to_fts_query("north korean") == '"north" AND "korean"*'


def test_phrases_stay_phrases() -> None:
    assert to_fts_query('"shoulder to shoulder" army') == '"shoulder to shoulder" AND "army"*'
    assert to_fts_query('army "shoulder to shoulder"') == '"army" AND "shoulder to shoulder"'


def test_fts_operators_typed_by_users_are_neutralised() -> None:
    assert to_fts_query("US$1.2 billion -- (Cuba) NOT: AND*") == (
        '"us 1 2" AND "billion" AND "cuba" AND "not" AND "and"*'
    )
    assert to_fts_query('"" ()  ') is None
