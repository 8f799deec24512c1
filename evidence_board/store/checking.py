"""Check Case: everything that can be verified about a case file, as a report.

Unlike opening, which refuses at the first problem, a check goes on and
lists every problem it finds, in words a person can act on. It never writes
to the file: the full-text checks (which SQLite runs as an INSERT) run on a
page-for-page copy in a temporary folder.
"""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from evidence_board.errors import ReadOnlyCase
from evidence_board.store import safety, value_checks
from evidence_board.store.casefile import _refuse_newer
from evidence_board.store.search import index_problems

CHUNK = 1 << 20
MAX_LISTED = 20


@dataclass(slots=True)
class CheckReport:
    path: Path
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # what was verified, for the report

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        if self.ok:
            return [f"{self.path}: OK", *(f"  checked: {c}" for c in self.checked)]
        shown = self.problems[:MAX_LISTED]
        more = len(self.problems) - len(shown)
        return [
            f"{self.path}: {len(self.problems)} problem(s)",
            *(f"  - {p}" for p in shown),
            *([f"  ... and {more} more"] if more else []),
            *(f"  checked: {c}" for c in self.checked),
        ]


def check_case(path: str | Path) -> CheckReport:
    """Check a case file that may come from anyone.

    Raises CaseFileError (one line) for a file that is not a case file at
    all or is newer than this version; everything else goes in the report.
    """
    path = Path(path)
    version = safety.header_version(path, safety.read_header(path))
    _refuse_newer(path, version)
    if safety.hot_journal(path) is not None:
        raise ReadOnlyCase(f"{path}: was being changed when its program stopped; open it once to "
                           "finish the recovery, then check it")
    report = CheckReport(path)
    try:
        conn = safety.connect(path, read_only=True)
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        report.problems.append(f"SQLite cannot open it ({safety.one_line(str(exc))})")
        return report
    try:
        conn.statement_seconds = safety.check_seconds(path) * 4
        _run_checks(conn, path, version, report)
    except sqlite3.DatabaseError as exc:
        report.problems.append(f"the check stopped: the file is damaged ({safety.one_line(str(exc))})")
    except UnicodeDecodeError:
        report.problems.append("the check stopped: the file is damaged (text that is not UTF-8 where "
                               "SQLite expects its own)")
    finally:
        conn.close()
    return report


def _run_checks(conn: safety.GuardedConnection, path: Path, version: int, report: CheckReport) -> None:
    schema_problems = safety.schema_problems(conn, version)
    report.problems += [f"the file {p}" for p in schema_problems]
    integrity = [safety.one_line(r[0]) for r in conn.execute(f"PRAGMA integrity_check({MAX_LISTED})")]
    if integrity != ["ok"]:
        report.problems += [f"SQLite integrity check: {line}" for line in integrity]
    report.checked.append("SQLite integrity check")
    if schema_problems or integrity != ["ok"]:
        return  # reading rows of a damaged or altered file tells nothing more
    report.problems += safety.value_problems(conn, version, limit=MAX_LISTED)
    report.checked.append("schema and values")
    _check_references(conn, report)
    _check_hashes(conn, report)
    if version >= 2:
        _check_full_text(conn, version, report)


def _check_references(conn: sqlite3.Connection, report: CheckReport) -> None:
    report.problems += value_checks.reference_problems(conn)  # what opening refuses, listed
    report.checked.append("references between boards, cards, links, sources and attachments")


def _blob_sha256(conn: sqlite3.Connection, rowid: int) -> str:
    digest = hashlib.sha256()
    with conn.blobopen("attachments", "data", rowid, readonly=True) as blob:
        while chunk := blob.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _check_hashes(conn: sqlite3.Connection, report: CheckReport) -> None:
    """Every stored file against the SHA-256 recorded when it was imported."""
    bad_attachments = 0
    rows = conn.execute("SELECT id, sha256, size, length(data) FROM attachments").fetchall()
    actual: dict[int, tuple[str, int]] = {}
    for rowid, sha256, size, length in rows:
        actual[rowid] = (_blob_sha256(conn, rowid), length)
        if actual[rowid] != (sha256, size):
            bad_attachments += 1
    sources = conn.execute("SELECT id, file_name, sha256, size, attachment_id FROM sources").fetchall()
    for source_id, file_name, sha256, size, attachment_id in sources:
        got = actual.get(attachment_id)
        if got is None:
            continue  # reported as a dangling reference
        if got != (sha256, size):
            report.problems.append(
                f"source {file_name!r} ({source_id}): its stored bytes do not match the SHA-256 "
                "recorded at import")
    if bad_attachments:
        report.problems.append(f"{bad_attachments} attachment(s) do not match their recorded SHA-256")
    report.checked.append(f"SHA-256 of {len(sources)} source(s) and {len(rows)} attachment(s)")


def _check_full_text(conn: sqlite3.Connection, version: int, report: CheckReport) -> None:
    """FTS5 checks its index with an INSERT, which a read-only connection
    may not run: run it on a copy. Up to schema 3 the indexes held the
    tables' text as it is, and FTS5 compares them with it (rank 1); since
    schema 4 they hold it folded, so FTS5 checks their structure only (rank
    0: compared with the raw text of their table, since schema 5, every
    ligature would be reported as damage) and index_problems the rest."""
    with tempfile.TemporaryDirectory(prefix="evb-check-") as folder:
        copy_path = Path(folder) / "copy.evb"
        copy = sqlite3.connect(copy_path, isolation_level=None)
        try:
            conn.backup(copy)  # page for page, damage included
            copy.execute("PRAGMA trusted_schema = OFF")
            copy.text_factory = lambda value: value.decode("utf-8", "replace")
            damaged = False
            with_table = int(version < 4)
            for fts in ("cards_fts", "pages_fts"):
                try:
                    copy.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', {with_table})")
                except sqlite3.DatabaseError as exc:
                    damaged = True
                    what = "card" if fts == "cards_fts" else "source page"
                    report.problems.append(f"the full-text index of {what}s is damaged ({exc}); "
                                           "search may miss or invent hits")
            if not damaged and version >= 4:
                # The indexes hold folded text (schema 4), so FTS5 checked only their
                # structure: compare them with the case's text folded and indexed again.
                report.problems += index_problems(copy)
        finally:
            copy.close()
    report.checked.append("full-text indexes")

