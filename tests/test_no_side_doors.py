"""Every write goes through the services (issue 13, "No side doors").

The window and the command line read the case file directly, but they never
write it: a write made beside the services has no audit event, no undo step
and no Changes for the screens to follow. This reads the source of ui/ and
cli/ and fails on any call of a CaseFile write method, or any SQL that writes.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import evidence_board

PACKAGE = Path(evidence_board.__file__).parent
# The CaseFile methods that write the file (store/casefile.py), and the
# sqlite3 connection's ways of writing.
CASEFILE_WRITES = {"add_attachment", "transaction", "upgrade", "backup_before_upgrade"}
CONNECTION_WRITES = {"executemany", "executescript", "commit"}
WRITING_SQL = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|PRAGMA\s+\w+\s*=)", re.I)


def _receiver(node: ast.expr) -> str:
    """The last name of what a method is called on: 'service' for self.service.x()."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def side_doors(source: str) -> list[str]:
    """Each write that does not go through a service, as 'line: call'."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method, receiver = node.func.attr, _receiver(node.func.value)
        if method in CASEFILE_WRITES and "service" not in receiver.lower():
            found.append(f"{node.lineno}: {receiver}.{method}()")
        elif method in CONNECTION_WRITES and receiver == "conn":
            found.append(f"{node.lineno}: conn.{method}()")
        elif method == "execute" and receiver == "conn" and node.args:
            sql = node.args[0]
            if isinstance(sql, ast.Constant) and isinstance(sql.value, str) and WRITING_SQL.match(sql.value):
                found.append(f"{node.lineno}: conn.execute({sql.value.split()[0]} ...)")
    return found


def test_the_check_sees_a_side_door() -> None:
    source = ("def paste(self, data):\n"
              "    self.service.case.add_attachment(data, 'image/png')\n"
              "    self.case.conn.execute('UPDATE cards SET title = ?', ('x',))\n"
              "    with self.case.transaction():\n"
              "        pass\n"
              "    self.service.add_attachment(data, 'image/png')\n"
              "    self.case.conn.execute('SELECT id FROM cards')\n")
    assert side_doors(source) == ["2: case.add_attachment()", "3: conn.execute(UPDATE ...)",
                                  "4: case.transaction()"]


def test_the_window_and_the_command_line_write_only_through_the_services() -> None:
    files = sorted((PACKAGE / "ui").rglob("*.py")) + sorted((PACKAGE / "cli").rglob("*.py"))
    assert len(files) > 20  # the check reads the real packages
    doors = {str(path.relative_to(PACKAGE)): found for path in files
             if (found := side_doors(path.read_text(encoding="utf-8")))}
    assert doors == {}
