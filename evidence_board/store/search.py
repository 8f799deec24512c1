"""Full-text search of a case: the indexes, the query, ranking and snippets.

The indexes hold ``index_text`` of each page and card (folded: see
evidence_board/model/search_text.py) and no text of their own. Since
schema 5 they are declared over the tables they index (``content="cards"``,
the quoting sqlite-utils and Datasette look for), so ``sqlite-utils search
case.evb cards profile`` and Datasette's search box use them; FTS5 reads
that table only when asked for a column of the index, which our queries
never do (rowid and bm25 come from the index alone). The store's row writer
keeps them in step, handing FTS5 the folded old text to delete an entry,
never the table's: so no one may run FTS5's ``'rebuild'`` on them (it would
index the raw text: ``evidence-board check`` reports it), and FTS5's own
``integrity-check`` is run without comparing them with their table.
Schema 4 declared them ``content=''``, which no tool recognised.

What a user types is made into terms by ``query_terms`` (bounded, so a
query of 600 ``a*`` is refused in one line instead of running for a
minute), quoted for FTS5 so its syntax never reaches it, and ANDed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from evidence_board.model.search_text import Term, index_text, query_terms, snippet

TOKENIZE = "unicode61 remove_diacritics 2"
# table -> (fts table, rowid column, indexed columns)
FTS_INDEXES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "cards": ("cards_fts", "seq", ("title", "text", "tags")),
    "source_pages": ("pages_fts", "id", ("text",)),
}
# The first page of results ranks only this many matches of each index (in
# case order), so it shows at once however common the words are; the full
# ranking follows (see search).
FIRST_PAGE_RANKS = 2000


@dataclass(slots=True)
class SearchHit:
    kind: str  # "card" or "page"
    id: str  # card id, or source id for a page hit
    title: str
    snippet: str  # clean text, the source's own characters
    rank: float
    page: int | None = None
    hits: tuple[tuple[int, int], ...] = ()  # where the search's words are in the snippet

    def marked(self, before: str = "[", after: str = "]") -> str:
        out, at = [], 0
        for start, end in self.hits:
            out += [self.snippet[at:start], before, self.snippet[start:end], after]
            at = end
        return "".join(out) + self.snippet[at:]


def as_text(value: object) -> str:
    """A column's value as the text FTS5 would index: a hostile file may hold
    a number or bytes where text belongs."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


def create_index_sql(table: str, over_table: bool = True) -> str:
    """The index of ``table`` as schema 5 declares it (``over_table``), or
    as schema 4 did, without a table (migration 4 must keep making that)."""
    fts, rowid, columns = FTS_INDEXES[table]
    content = f'content="{table}", content_rowid="{rowid}"' if over_table else "content=''"
    return f"CREATE VIRTUAL TABLE {fts} USING fts5({', '.join(columns)}, {content}, tokenize='{TOKENIZE}')"


def reindex(conn: sqlite3.Connection, table: str) -> None:
    """Index every row of ``table`` again (after a migration or a scrub)."""
    fts = FTS_INDEXES[table][0]
    conn.execute(f"INSERT INTO {fts}({fts}) VALUES ('delete-all')")
    _index_rows(conn, table, fts)


def _index_rows(conn: sqlite3.Connection, table: str, into: str) -> None:
    """Add every row of ``table`` to the index ``into``, 1,000 rows at a time."""
    _fts, rowid, columns = FTS_INDEXES[table]
    insert = f"INSERT INTO {into}(rowid, {', '.join(columns)}) VALUES (?, {', '.join('?' * len(columns))})"
    read = f"SELECT {rowid}, {', '.join(columns)} FROM main.{table} WHERE {rowid} > ? ORDER BY {rowid} LIMIT 1000"
    last = -(1 << 63)
    while rows := conn.execute(read, (last,)).fetchall():
        conn.executemany(insert, [(r[0], *(index_text(as_text(v)) for v in r[1:])) for r in rows])
        last = rows[-1][0]


def index_problems(conn: sqlite3.Connection) -> list[str]:
    """How the indexes differ from what indexing the case's text again gives
    (FTS5 cannot compare an index without content to its table itself).
    Builds the comparison in the connection's temp schema."""
    problems = []
    for table, (fts, _rowid, columns) in FTS_INDEXES.items():
        ref = f"evb_check_{fts}"
        conn.execute(f"DROP TABLE IF EXISTS temp.{ref}")
        conn.execute(f"CREATE VIRTUAL TABLE temp.{ref} USING fts5({', '.join(columns)}, content='', "
                     f"tokenize='{TOKENIZE}')")
        _index_rows(conn, table, f"temp.{ref}")
        for vocab, of in ((f"evb_vocab_{fts}", f"'main', '{fts}'"), (f"evb_vocab_{ref}", f"'temp', '{ref}'")):
            conn.execute(f"DROP TABLE IF EXISTS temp.{vocab}")
            conn.execute(f"CREATE VIRTUAL TABLE temp.{vocab} USING fts5vocab({of}, 'row')")
        differ = conn.execute(
            f"SELECT count(*) FROM (SELECT term, doc, cnt FROM temp.evb_vocab_{fts} "
            f"EXCEPT SELECT term, doc, cnt FROM temp.evb_vocab_{ref})").fetchone()[0]
        differ += conn.execute(
            f"SELECT count(*) FROM (SELECT term, doc, cnt FROM temp.evb_vocab_{ref} "
            f"EXCEPT SELECT term, doc, cnt FROM temp.evb_vocab_{fts})").fetchone()[0]
        sizes = _docsize_differences(conn, fts, ref)
        for name in (f"evb_vocab_{fts}", f"evb_vocab_{ref}", ref):
            conn.execute(f"DROP TABLE temp.{name}")
        if differ or sizes:
            what = "cards" if table == "cards" else "source pages"
            problems.append(f"the full-text index of {what} does not match their text ({differ} word(s) and "
                            f"{sizes} row(s) differ); search may miss or invent hits")
    return problems


def _docsize_differences(conn: sqlite3.Connection, fts: str, ref: str) -> int:
    one = f"SELECT id, sz FROM main.{fts}_docsize EXCEPT SELECT id, sz FROM temp.{ref}_docsize"
    other = f"SELECT id, sz FROM temp.{ref}_docsize EXCEPT SELECT id, sz FROM main.{fts}_docsize"
    return sum(conn.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0] for sql in (one, other))


# -- queries -------------------------------------------------------------

def fts_query(terms: Sequence[Term]) -> str | None:
    """The terms as an FTS5 query: each word or phrase quoted (its words are
    letters and digits only), a prefix starred, all ANDed."""
    if not terms:
        return None
    return " AND ".join('"' + " ".join(t.words) + '"' + ("*" if t.prefix else "") for t in terms)


def to_fts_query(text: str) -> str | None:
    return fts_query(query_terms(text))


def search(conn: sqlite3.Connection, text: str, limit: int = 50,
           first_page: bool = False) -> tuple[list[SearchHit], bool]:
    """Hits over card text and source page text, best first, and whether
    the ranking is final. ``first_page``: a page to show at once, ranked
    among about FIRST_PAGE_RANKS matches of each index, and among those
    with the last word whole (as typed) if there are enough of them; the
    ranking is final if nothing was left out."""
    terms = query_terms(text)
    if not terms:
        return [], True
    tries = [terms]
    if first_page and terms[-1].prefix:
        # A prefix ("term12*") makes FTS5 merge the matches of every word it
        # expands to before anything else, whichever rows are wanted: 60 ms at
        # 200,000 pages for a common one. The word as typed is a word too.
        tries.insert(0, [*terms[:-1], Term(terms[-1].words)])
    bound = FIRST_PAGE_RANKS if first_page else None
    for attempt in tries:
        query = fts_query(attempt)
        # The whole words alone, if any, find the bound at a fraction of the cost.
        probe = fts_query([t for t in attempt if not t.prefix])
        cards, cards_final = _ranked(conn, "cards_fts", query, limit, bound, probe)
        pages, pages_final = _ranked(conn, "pages_fts", query, limit, bound, probe)
        best = sorted([("card", *r) for r in cards] + [("page", *r) for r in pages], key=lambda r: r[2])[:limit]
        if len(best) == limit:
            break
    final = attempt is terms and cards_final and pages_final
    found = _card_hits(conn, [r[1:] for r in best if r[0] == "card"], terms)
    found.update(_page_hits(conn, [r[1:] for r in best if r[0] == "page"], terms))
    return [found[(kind, rowid)] for kind, rowid, _rank in best if (kind, rowid) in found], final


def _ranked(conn: sqlite3.Connection, fts: str, query: str, limit: int, bound: int | None,
            probe: str | None = None) -> tuple[list[tuple[int, float]], bool]:
    """(rowid, bm25) of the best ``limit`` matches, and whether that is the
    final ranking: with ``bound``, only about ``bound`` matches are ranked,
    those up to the bound-th match of ``probe`` (the query's whole words,
    matching at least what it does), else the first ``bound``."""
    if bound is not None and probe is None:
        # Only a prefix: FTS5 first merges the matches of every word it expands
        # to, which is most of the cost; done once, the first bound matches
        # ranked here (as a column of an unordered SELECT, bm25 costs 6 µs a row).
        rows = conn.execute(f"SELECT rowid, bm25({fts}) FROM {fts} WHERE {fts} MATCH ? LIMIT ?",
                            (query, bound)).fetchall()
        return sorted(rows, key=lambda r: r[1])[:limit], len(rows) < bound
    if bound is not None:
        # The row of the probe's bound-th match, found without ranking (cheap for
        # whole words); then FTS5 ranks the matches up to it in its own sorter,
        # in C (ORDER BY a rank function, 0.8 µs a row).
        last = conn.execute(f"SELECT rowid FROM {fts} WHERE {fts} MATCH ? LIMIT 1 OFFSET ?",
                            (probe, bound - 1)).fetchone()
        if last is not None:
            rows = conn.execute(f"SELECT rowid, bm25({fts}) FROM {fts} WHERE {fts} MATCH ? AND rowid <= ? "
                                f"ORDER BY bm25({fts}) LIMIT ?", (query, last[0], limit)).fetchall()
            if len(rows) == limit:
                return rows, False
    # Ranked inside FTS5 and joined after: joining every match before
    # sorting was three quarters of the time of a common word.
    rows = conn.execute(f"SELECT rowid, bm25({fts}) FROM {fts} WHERE {fts} MATCH ? "
                        f"ORDER BY bm25({fts}) LIMIT ?", (query, limit)).fetchall()
    return rows, True


def _card_hits(conn: sqlite3.Connection, ranked: list[tuple[int, float]],
               terms: Sequence[Term]) -> dict[tuple[str, int], SearchHit]:
    if not ranked:
        return {}
    rank = dict(ranked)
    found = {}
    for seq, card_id, title, text, tags in conn.execute(
            f"SELECT seq, id, title, text, tags FROM cards WHERE seq IN ({','.join('?' * len(rank))})", list(rank)):
        # The snippet from the column with the most of the search's words, the text first of equals.
        title = as_text(title)
        shown = max((snippet(as_text(v), terms) for v in (text, title, tags) if v),
                    key=lambda s: len({s.text[a:b].casefold() for a, b in s.hits}), default=snippet("", terms))
        found[("card", seq)] = SearchHit("card", card_id, title, shown.text, rank[seq], hits=shown.hits)
    return found


def _page_hits(conn: sqlite3.Connection, ranked: list[tuple[int, float]],
               terms: Sequence[Term]) -> dict[tuple[str, int], SearchHit]:
    if not ranked:
        return {}
    rank = dict(ranked)
    found = {}
    for rowid, source_id, title, page, text in conn.execute(
            "SELECT p.id, s.id, coalesce(nullif(s.title, ''), s.file_name), p.page, p.text "
            "FROM source_pages p JOIN sources s ON s.id = p.source_id "
            f"WHERE p.id IN ({','.join('?' * len(rank))})", list(rank)):
        shown = snippet(as_text(text), terms)
        found[("page", rowid)] = SearchHit("page", source_id, as_text(title), shown.text, rank[rowid], page,
                                           shown.hits)
    return found


def pages_matching(conn: sqlite3.Connection, source_id: str, text: str) -> list[int]:
    """The pages of one source the case-wide search finds ``text`` on, in order."""
    query = to_fts_query(text)
    if query is None:
        return []
    low, high = conn.execute("SELECT min(id), max(id) FROM source_pages WHERE source_id = ?", (source_id,)).fetchone()
    if low is None:
        return []
    # Pages of a source are stored together, so their rowids span a short
    # range FTS5 can seek to instead of filtering every match of the case.
    return [page for (page,) in conn.execute(
        "SELECT p.page FROM pages_fts JOIN source_pages p ON p.id = pages_fts.rowid "
        "WHERE pages_fts MATCH ? AND pages_fts.rowid BETWEEN ? AND ? AND p.source_id = ? ORDER BY p.page",
        (query, low, high, source_id))]
