"""Ways to spoil a case file, as a careless tool, a bad disk or an attacker would.

Each mutation takes the bytes of a good case file and a seeded Random and
returns the bytes of a spoiled one plus a short name for the report. The
SQL-level ones (hostile schema objects, out-of-range values) edit a copy
with plain sqlite3, the way an attacker would.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

from evidence_board.services import CaseService
from evidence_board.store import CaseFile

PAGE = 4096
Mutation = Callable[[bytes, random.Random], bytes]


def build_seed_case(path: Path) -> Path:
    """A small but complete case: boards, every kind of card, links, a source with pages."""
    with CaseFile.create(path, "Seed case", "Ana") as case:
        service = CaseService(case, "Ana")
        board = case.boards()[0].id
        source = service.add_source(b"%PDF-1.4 seed bytes " * 50, "report.pdf", "application/pdf",
                                    title="Report", page_texts=["first page about missiles", "second page"]).created[0]
        cards = service.create_cards([
            {"kind": "note", "title": "Note", "text": "a note about Havana", "tags": ["cuba", "1962"]},
            {"kind": "entity", "title": "Castro", "entity_type": "person", "attributes": {"role": "leader"}},
            {"kind": "quote", "title": "Quote", "text": "missiles", "source_id": source, "page": 1,
             "regions": [[10, 10, 100, 30]]},
            {"kind": "group", "title": "Group"},
        ], board_id=board).created
        service.create_link(cards[0], cards[1], "mentions")
        service.create_link(cards[1], cards[2], "said", direction="both")
        service.update_card(cards[0], text="edited note about Havana")
        service.delete_cards(service.create_card("note", title="gone", board_id=board).created[0])
        service.create_board("Second")
    return path


def _sql_edit(data: bytes, statements: list[str], writable_schema: bool = False) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "edit.evb"
        path.write_bytes(data)
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            if writable_schema:
                conn.execute("PRAGMA writable_schema = ON")
            conn.execute("PRAGMA ignore_check_constraints = ON")
            conn.execute("PRAGMA foreign_keys = OFF")
            for statement in statements:
                if statement == "--reopen":  # let a rewritten schema take effect
                    conn.close()
                    conn = sqlite3.connect(path, isolation_level=None)
                    conn.execute("PRAGMA ignore_check_constraints = ON")
                    continue
                conn.execute(statement)
        finally:
            conn.close()
        return path.read_bytes()


# -- byte-level damage ---------------------------------------------------


def bit_flips(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice([1, 2, 4, 16, 64])):
        pos = rng.randrange(len(out)) if rng.random() < 0.7 else rng.randrange(min(len(out), 2 * PAGE))
        out[pos] ^= 1 << rng.randrange(8)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.choice([0, 50, 99, 100, 512, PAGE, rng.randrange(len(data))])]


def zero_page(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    page = rng.randrange(len(out) // PAGE)
    out[page * PAGE:(page + 1) * PAGE] = bytes(PAGE)
    return bytes(out)


def random_page(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    page = rng.randrange(1, len(out) // PAGE)
    out[page * PAGE:(page + 1) * PAGE] = rng.randbytes(PAGE)
    return bytes(out)


def swap_pages(data: bytes, rng: random.Random) -> bytes:
    pages = [data[i:i + PAGE] for i in range(0, len(data), PAGE)]
    a, b = rng.randrange(1, len(pages)), rng.randrange(1, len(pages))
    pages[a], pages[b] = pages[b], pages[a]
    return b"".join(pages)


def header_field(data: bytes, rng: random.Random) -> bytes:
    """Garbage in one field of the 100-byte header (page size, versions, counts)."""
    out = bytearray(data)
    offset = rng.choice([16, 18, 19, 20, 21, 28, 32, 36, 44, 48, 52, 56, 64])
    out[offset:offset + 4] = rng.randbytes(4)
    return bytes(out)


def wrong_application_id(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    out[68:72] = rng.choice([bytes(4), b"WRNG", rng.randbytes(4)])
    return bytes(out)


def future_schema(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    out[60:64] = rng.choice([99, 3, 2**31 - 1, 1000]).to_bytes(4, "big")
    return bytes(out)


def negative_schema(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    out[60:64] = rng.choice([0, -1 & 0xFFFFFFFF]).to_bytes(4, "big")
    return bytes(out)


# -- hostile content ------------------------------------------------------

HOSTILE_STATEMENTS = [
    ["CREATE TRIGGER evil AFTER INSERT ON cards BEGIN DELETE FROM links; END"],
    ["CREATE TRIGGER evil2 BEFORE UPDATE ON boards BEGIN SELECT load_extension('/tmp/x.so'); END"],
    ["CREATE VIEW cards_view AS SELECT * FROM cards"],
    ["CREATE VIEW v AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x FROM r"],
    ["CREATE TABLE extra(x)"],
    ["CREATE INDEX sneaky ON cards(length(text))"],
    ["CREATE TABLE sqlite_stat1_evil(tbl, idx, stat)"],
    ["UPDATE sqlite_master SET sql = replace(sql, 'CHECK (from_card <> to_card)', '') WHERE name = 'links'"],
    ["UPDATE sqlite_master SET sql = replace(sql, 'title TEXT NOT NULL', 'title ANY') WHERE name = 'cards'"],
    ["DROP TABLE pages_fts"],
    ["UPDATE cards SET kind = 'virus'"],
    ["UPDATE links SET direction = 'sideways'"],
    ["UPDATE cards SET tags = '{not json'"],
    ["UPDATE cards SET tags = '[1, 2, 3]'"],
    ["UPDATE cards SET tags = '\"a string\"'"],
    ["UPDATE cards SET regions = '[5, 6]' WHERE kind = 'quote'"],
    ["UPDATE cards SET attributes = '{\"a\": {\"b\": 1}}'"],
    ["UPDATE cards SET attributes = '" + "[" * 1500 + "]" * 1500 + "'"],
    ["UPDATE sources SET metadata = '" + '{"a":' * 200 + "1" + "}" * 200 + "'"],
    ["UPDATE cards SET title = x'00ff00ff'"],
    ["UPDATE cards SET title = CAST(x'c5ff41f8' AS TEXT)"],
    ["UPDATE sqlite_master SET name = CAST(name AS BLOB) WHERE name = 'links_to'"],
    ["UPDATE sqlite_master SET sql = CAST(replace(CAST(sql AS BLOB), x'4b', x'f8') AS TEXT) WHERE name = 'boards'"],
    ["UPDATE sqlite_master SET sql = replace(sql, 'title TEXT NOT NULL', 'title TEXT') WHERE name = 'cards'",
     "--reopen", "UPDATE cards SET title = NULL"],
    ["UPDATE placements SET x = 1e308 * 10"],
    ["UPDATE placements SET x = 'left'"],
    ["UPDATE cards SET page = 9223372036854775807 WHERE kind = 'quote'"],
    ["UPDATE sources SET page_count = -5"],
    ["UPDATE cards SET text = zeroblob(10)"],
    ["UPDATE cards SET text = printf('%.*c', 5000000, 'x') WHERE rowid = 1"],
    ["UPDATE audit_changes SET after = '[1]' WHERE rowid = 1"],
    ["UPDATE audit_changes SET before = '{\"x\": [1]}' WHERE after IS NULL"],
    ["INSERT INTO cards_fts_config VALUES ('rank', 'bm25(10.0)')"],
    ["DELETE FROM cards_fts_data WHERE id > 1"],
    ["DELETE FROM sources"],
    ["UPDATE attachments SET data = x'00'"],
    ["DELETE FROM cards WHERE kind = 'entity'"],
    ["PRAGMA journal_mode = WAL"],
    [f"PRAGMA user_version = {2**31 - 1}"],
    ["PRAGMA application_id = 0"],
]


def hostile_content(data: bytes, rng: random.Random) -> bytes:
    statements = rng.choice(HOSTILE_STATEMENTS)
    return _sql_edit(data, statements, writable_schema=True)


def huge_row(data: bytes, rng: random.Random) -> bytes:
    size = rng.choice([5, 20]) * 1024 * 1024
    column = rng.choice(["cards.text", "source_pages.text", "cards.title", "audit_changes.after"])
    table, col = column.split(".")
    value = f"printf('%.*c', {size}, 'x')"
    if col == "after":
        value = "'{\"text\":\"' || " + value + " || '\"}'"
    return _sql_edit(data, [f"UPDATE {table} SET {col} = {value} WHERE rowid = (SELECT min(rowid) FROM {table})"])


MUTATIONS: dict[str, tuple[Mutation, int]] = {
    # name: (mutation, weight)
    "bit-flips": (bit_flips, 6),
    "truncate": (truncate, 2),
    "zero-page": (zero_page, 3),
    "random-page": (random_page, 2),
    "swap-pages": (swap_pages, 1),
    "header-field": (header_field, 2),
    "wrong-application-id": (wrong_application_id, 1),
    "future-schema": (future_schema, 1),
    "negative-schema": (negative_schema, 1),
    "hostile-content": (hostile_content, 4),
    "huge-row": (huge_row, 1),
}


def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    names = list(MUTATIONS)
    name = rng.choices(names, weights=[MUTATIONS[n][1] for n in names])[0]
    return name, MUTATIONS[name][0](data, rng)
