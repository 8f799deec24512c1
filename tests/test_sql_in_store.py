"""The store is the only layer that knows SQL (issue 13, "No side doors").

This reads the source of every module of evidence_board/ outside
evidence_board/store/ and fails, naming file:line, on

- a string constant (an f-string's literal parts too) whose text, stripped,
  starts with an SQL keyword in capitals followed by white space. Capitals
  only, so English prose ("Select a card", "delete it") is not taken for SQL;
  every statement of ours is written that way;
- a call of a method named execute, executemany or executescript (a sqlite3
  connection's or cursor's ways of running SQL), whatever it is called on.

Before this test the code outside the store held 61 such sites, counted by
this checker on commit b6e0255 (37 SQL strings and 24 execute calls, the two
of a statement counted apart): services/merging.py 24, services/boards.py 14,
services/cards.py 10, services/operations.py 4, cli/case_commands.py 4,
exporters/scope.py 2, services/sources.py 2, services/links.py 1. They are
named reads in store/queries.py now, and the audit event's own INSERT and
DELETE are RowWriter.for_event and close_event.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import evidence_board

PACKAGE = Path(evidence_board.__file__).parent
STORE = PACKAGE / "store"
SQL_KEYWORDS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "PRAGMA", "CREATE", "DROP", "ALTER",
                "REPLACE", "BEGIN", "ATTACH", "VACUUM")
SQL_START = re.compile(rf"^(?:{'|'.join(SQL_KEYWORDS)})\s")
RUNS_SQL = {"execute", "executemany", "executescript"}


def sql_sites(source: str) -> list[tuple[int, str]]:
    """Each place in ``source`` that holds or runs SQL, as (line, what)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            # An f-string's literal parts are Constants inside its JoinedStr,
            # so ast.walk visits them here too.
            text = node.value.strip()
            if SQL_START.match(text + " "):
                found.append((node.lineno, f"SQL text {text.split()[0]} ..."))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in RUNS_SQL):
            found.append((node.lineno, f"call of .{node.func.attr}()"))
    return sorted(found)


def sites_outside_the_store(package: Path = PACKAGE) -> list[str]:
    """Every SQL site in the modules of ``package`` outside its store/, as 'file:line: what'."""
    store = package / "store"
    files = [path for path in sorted(package.rglob("*.py")) if store not in path.parents]
    return [f"{path.relative_to(package.parent)}:{line}: {what}"
            for path in files
            for line, what in sql_sites(path.read_text(encoding="utf-8"))]


def test_the_check_finds_sql_in_strings_f_strings_and_execute_calls() -> None:
    source = ('def tags(case, table, ids):\n'
              '    rows = case.conn.execute("SELECT id FROM cards")\n'
              '    case.writer.run(f"  DELETE FROM {table} WHERE id = ?")\n'
              '    cur.executemany(query, ids)\n'
              '    sql = """\n'
              '        WITH t AS (SELECT 1) SELECT * FROM t"""\n'
              '    return "Select a card", "UPDATE", "Delete it", "WITHOUT ROWID", f"{table}"\n')
    assert sql_sites(source) == [(2, "SQL text SELECT ..."), (2, "call of .execute()"),
                                 (3, "SQL text DELETE ..."), (4, "call of .executemany()"),
                                 (5, "SQL text WITH ..."), (7, "SQL text UPDATE ...")]


def test_the_check_names_a_query_planted_beside_the_store(tmp_path: Path) -> None:
    """A module with a query in services/ is reported by file and line; the
    same query inside store/ is not."""
    copy = tmp_path / "evidence_board"
    (copy / "store").mkdir(parents=True)
    (copy / "services").mkdir()
    (copy / "store" / "reading.py").write_text('Q = "SELECT * FROM cards"\n', encoding="utf-8")
    (copy / "services" / "counting.py").write_text(
        "def count(conn):\n    return conn.execute('SELECT count(*) FROM cards').fetchone()[0]\n", encoding="utf-8")
    assert sites_outside_the_store(copy) == ["evidence_board/services/counting.py:2: SQL text SELECT ...",
                                             "evidence_board/services/counting.py:2: call of .execute()"]


def test_no_sql_outside_the_store() -> None:
    assert len(list(PACKAGE.rglob("*.py"))) > 100  # the check reads the real package
    assert sites_outside_the_store() == []
