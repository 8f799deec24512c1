"""The values of a case file: only what the services write, so every reader can take them.

The opening checks (``safety.inspect``) and ``evidence-board check`` both
ask :func:`value_problems` and :func:`reference_problems`. A row is refused
when a value is of a storage type its column never holds, longer than
``MAX_TEXT_CHARS``, a number out of range, JSON of another shape, or past
one of the limits in :mod:`evidence_board.model.limits` (board geometry,
quote regions, colours, dates, timestamps), which the services keep when
they write. A reference to a row that does not exist, a card framed by
something that is not a group on its board, or a ring of groups inside each
other is refused too: readers look such things up and would fail later.
"""

from __future__ import annotations

import re
import sqlite3

from evidence_board.model import limits

# Any one text value in a table (a card's text, a page's text, an audit
# image): far above what a person writes, far below what hurts memory.
MAX_TEXT_CHARS = 4 * 1024 * 1024
# Numbers of pages: beyond this a value is not a real one.
MAX_PAGE = 1_000_000
# Any other REAL column (a card's stacking order): order only, any size a
# float holds exactly enough.
MAX_COORDINATE = limits.MAX_STACKING
MAX_JSON_DEPTH = 64
CARD_DATE_FUNCTION = "evb_card_date"

# JSON columns and the shape their value must have.
_JSON_SHAPES = {
    ("cards", "tags"): "array",
    ("cards", "regions"): "array",
    ("cards", "attributes"): "object",
    ("sources", "metadata"): "object",
    ("audit_changes", "before"): "object",
    ("audit_changes", "after"): "object",
}


def _region_bad(value: str) -> str:
    """SQL true when one region (a JSON array) is not four numbers on a page with x1 >= x0, y1 >= y0."""
    low, high = limits.REGION_LOW, limits.REGION_HIGH
    return (f"{value}.type <> 'array' OR json_array_length({value}.value) <> 4 "
            f"OR EXISTS (SELECT 1 FROM json_each({value}.value) n WHERE n.type NOT IN ('integer', 'real') "
            f"OR n.value NOT BETWEEN {low} AND {high}) "
            f"OR json_extract({value}.value, '$[2]') < json_extract({value}.value, '$[0]') "
            f"OR json_extract({value}.value, '$[3]') < json_extract({value}.value, '$[1]')")


# Extra conditions a JSON value must meet, beyond its shape.
_JSON_CONTENT = {
    ("cards", "tags"): "EXISTS (SELECT 1 FROM json_each(tags) WHERE type <> 'text')",
    ("cards", "regions"): f"EXISTS (SELECT 1 FROM json_each(regions) r WHERE {_region_bad('r')})",
    ("cards", "attributes"): "EXISTS (SELECT 1 FROM json_each(attributes) WHERE type <> 'text')",
    ("sources", "metadata"): (
        f"(SELECT max(length(path) - length(replace(replace(path, '[', ''), '.', ''))) "
        f"FROM json_tree(metadata)) > {MAX_JSON_DEPTH}"
    ),
    ("audit_changes", "before"): "EXISTS (SELECT 1 FROM json_each(before) WHERE type IN ('object', 'array'))",
    ("audit_changes", "after"): "EXISTS (SELECT 1 FROM json_each(after) WHERE type IN ('object', 'array'))",
}
_RANGES = {
    ("cards", "page"): (0, MAX_PAGE),
    ("sources", "page_count"): (0, MAX_PAGE),
    ("source_pages", "page"): (0, MAX_PAGE),
    ("placements", "x"): (-limits.BOARD_EXTENT, limits.BOARD_EXTENT),
    ("placements", "y"): (-limits.BOARD_EXTENT, limits.BOARD_EXTENT),
    ("placements", "width"): (limits.MIN_CARD_SIDE, limits.MAX_CARD_SIDE),
    ("placements", "height"): (limits.MIN_CARD_SIDE, limits.MAX_CARD_SIDE),
}


def _colour_bad(col: str) -> str:
    globs = " OR ".join(f"{col} GLOB '{g}'" for g in limits.COLOUR_GLOBS)
    return f"{col} <> '' AND NOT ({globs})"


def _timestamp_bad(col: str) -> str:
    globs = " OR ".join(f"{col} GLOB '{g}'" for g in limits.TIMESTAMP_GLOBS)
    return f"NOT ({globs})"


def _date_bad(col: str) -> str:
    # The services' own rule, a Python function: what datetime.fromisoformat reads is no GLOB.
    return f"NOT {CARD_DATE_FUNCTION}({col})"


_TIMESTAMPS = [("cards", "created_at"), ("cards", "modified_at"), ("links", "created_at"),
               ("links", "modified_at"), ("boards", "created_at"), ("sources", "imported_at"),
               ("audit_events", "at"), ("schema_migrations", "applied_at")]
# Conditions beyond type, length, range and JSON shape, by column.
_RULES = {
    ("cards", "colour"): _colour_bad('"colour"'),
    ("links", "colour"): _colour_bad('"colour"'),
    ("cards", "date_start"): _date_bad('"date_start"'),
    ("cards", "date_end"): _date_bad('"date_end"'),
    **{key: _timestamp_bad(f'"{key[1]}"') for key in _TIMESTAMPS},
}


def _card_date(value: object) -> int:
    return int(limits.is_card_date(value))


def column_condition(table: str, name: str, declared: str, notnull: bool) -> str:
    """SQL that is true when a value is not one our readers can take."""
    col = f'"{name}"'
    allowed = {"TEXT": ["text"], "INTEGER": ["integer"], "REAL": ["real", "integer"],
               "BLOB": ["blob"]}.get(declared.upper(), ["text", "integer", "real", "blob"])
    if not notnull:
        allowed = [*allowed, "null"]
    types = ", ".join(f"'{t}'" for t in allowed)
    parts = [f"typeof({col}) NOT IN ({types})"]
    if declared.upper() == "TEXT":
        parts.append(f"length({col}) > {MAX_TEXT_CHARS}")
    if declared.upper() == "REAL":
        parts.append(f"abs({col}) > {MAX_COORDINATE}")
    if (table, name) in _RANGES:
        low, high = _RANGES[(table, name)]
        parts.append(f"{col} NOT BETWEEN {low} AND {high}")
    if (table, name) in _JSON_SHAPES:
        shape = _JSON_SHAPES[(table, name)]
        json_bad = (f"(NOT json_valid({col}) OR json_type({col}) <> '{shape}' "
                    f"OR {_JSON_CONTENT[(table, name)]})")
        parts.append(f"({col} IS NOT NULL AND {json_bad})")
    if (table, name) in _RULES:
        parts.append(f"({col} IS NOT NULL AND ({_RULES[(table, name)]}))")
    return " OR ".join(parts)


def check_constraints(create_sql: str) -> list[str]:
    """The CHECK expressions of one of our CREATE TABLE statements.

    SQLite skips CHECK constraints in ``quick_check`` on a read-only
    connection, so we test them ourselves (the SQL is ours, not the file's).
    """
    found, start = [], 0
    while (at := create_sql.find("CHECK (", start)) >= 0:
        depth, i = 0, at + len("CHECK ")
        for i in range(at + len("CHECK "), len(create_sql)):
            depth += {"(": 1, ")": -1}.get(create_sql[i], 0)
            if depth == 0:
                break
        found.append(create_sql[at + len("CHECK "):i + 1])
        start = i + 1
    return found


_ONE_OF = re.compile(r"^\((\w+) = '[^']*'(?: OR \1 = '[^']*')*\)$")


def rule_text(expr: str) -> str:
    """A CHECK expression as a short phrase for a one-line message: a chain
    of ``kind = 'note' OR kind = 'quote'`` reads as ``kind in (note, quote)``."""
    flat = " ".join(expr.split())
    match = _ONE_OF.match(flat)
    if match:
        values = re.findall(r"= '([^']*)'", flat)
        return f"({match.group(1)} in ({', '.join(values)}))"
    return flat if len(flat) <= 80 else flat[:79] + "…"


def value_problems(conn: sqlite3.Connection, version: int, objects: dict, tables: dict[str, list[tuple]],
                   limit: int = 20) -> list[str]:
    """Rows whose values our readers could not turn into records safely.

    ``objects`` and ``tables`` are what our migrations make for ``version``
    (its sqlite_master rows and each table's columns)."""
    conn.create_function(CARD_DATE_FUNCTION, 1, _card_date, deterministic=True)
    problems: list[str] = []
    for table, columns in sorted(tables.items()):
        checks = [(c[1], column_condition(table, c[1], c[2], bool(c[3]) or bool(c[5]) and c[2] == "INTEGER"))
                  for c in columns]
        checks += [("check:" + rule_text(expr), f"NOT {expr}")
                   for expr in check_constraints(objects[("table", table)][1] or "")]
        which = " ".join(f"WHEN {cond} THEN '{name.replace(chr(39), chr(39) * 2)}'" for name, cond in checks)
        where = " OR ".join(f"({cond})" for _name, cond in checks)
        rows = conn.execute(
            f"SELECT CASE {which} END, count(*) OVER () FROM \"{table}\" WHERE {where} LIMIT 1"
        ).fetchall()
        for column, count in rows:
            if column.startswith("check:"):
                problems.append(f"{count} row(s) of {table} break its rule {column[6:]}")
            else:
                problems.append(f"{count} row(s) of {table} hold a value in {column} that Evidence Board "
                                "never writes (wrong type, too long, out of range or malformed)")
        if len(problems) >= limit:
            break
    if version >= 2:
        # FTS5 keeps its settings in a table; ours holds only its version.
        for fts in ("cards_fts", "pages_fts"):
            rows = conn.execute(f"SELECT k FROM {fts}_config WHERE k <> 'version' LIMIT 1").fetchall()
            if rows:
                problems.append(f"its full-text index {fts} has a setting {rows[0][0]!r} we never make")
    return problems


# A placement's group: a group card placed on the same board, not itself.
_NOT_IN_A_GROUP = """
    SELECT count(*) FROM placements p WHERE p.group_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM placements g JOIN cards c ON c.id = g.card_id
        WHERE g.board_id = p.board_id AND g.card_id = p.group_id AND c.kind = 'group'
          AND g.card_id <> p.card_id)
"""
# Groups inside each other in a ring: UNION (not UNION ALL) keeps each
# (card, group above it) pair once, so the walk ends on any file.
_GROUP_RINGS = """
    WITH RECURSIVE above(board_id, start, current) AS (
        SELECT board_id, card_id, group_id FROM placements WHERE group_id IS NOT NULL
        UNION
        SELECT a.board_id, a.start, p.group_id FROM above a
        JOIN placements p ON p.board_id = a.board_id AND p.card_id = a.current
        WHERE p.group_id IS NOT NULL
    )
    SELECT count(DISTINCT start) FROM above WHERE current = start
"""


def reference_problems(conn: sqlite3.Connection) -> list[str]:
    """References that lead nowhere: rows pointing at rows that do not
    exist (SQLite's foreign keys), and group frames that are not groups."""
    problems = []
    missing: dict[tuple[str, str], int] = {}
    for table, _rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check"):
        missing[(table, parent)] = missing.get((table, parent), 0) + 1
    for (table, parent), count in sorted(missing.items()):
        problems.append(f"{count} row(s) of {table} point at {parent} that do not exist")
    outside = conn.execute(_NOT_IN_A_GROUP).fetchone()[0]
    if outside:
        problems.append(f"{outside} placement(s) sit in a 'group' that is not a group card on their board")
    rings = conn.execute(_GROUP_RINGS).fetchone()[0]
    if rings:
        problems.append(f"{rings} card(s) sit in groups that are inside each other in a ring")
    return problems
