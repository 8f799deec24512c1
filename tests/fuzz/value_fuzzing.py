"""What `check` accepts, every reader handles (issue 12, the class of items 11-15).

A real case is written through the services (a PDF and an image source,
every kind of card, groups, links, two boards, a history of edits); then,
with plain sqlite3 as an attacker would, values at and past every limit the
checks allow go into its columns: huge, negative, non-finite, deep JSON,
control characters, markup, formulas, dangling ids, groups in rings, rows
deleted from under their references. Each file must either be refused when
opened (one line) or be read by every CLI read command, every exporter,
"Show in source", the History panel and the board scene without an exception.

Shared by ``tests/fuzz/test_value_fuzz.py`` (seeded, a few seconds) and
``bench/fuzz_bench.py --values`` (ten times more).
"""

from __future__ import annotations

import contextlib
import csv
import io
import random
import shutil
import sqlite3
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pymupdf
from click.testing import CliRunner
from PIL import Image

from evidence_board.cli import main
from evidence_board.errors import CaseFileError
from evidence_board.services import CaseService
from evidence_board.store import CaseFile
from evidence_board.store.safety import MAX_TEXT_CHARS

READ_COMMANDS = (["info"], ["info", "--json"], ["cards"], ["cards", "--json"], ["links"], ["links", "--json"],
                 ["boards"], ["search", "harbour"], ["search", "=1+1"], ["log"], ["check"])
EXPORTS = ("pdf", "png", "svg", "canvas", "graphml", "gexf", "csv")
XML_EXPORTS = ("svg", "graphml", "gexf")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# -- the case -------------------------------------------------------------


def _pdf(pages: list[str]) -> bytes:
    doc = pymupdf.open()
    for text in pages:
        page = doc.new_page(width=595, height=842)
        page.insert_text((72, 100), text, fontsize=12)
    data = doc.tobytes()
    doc.close()
    return data


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 90, 160)).save(out, "PNG")
    return out.getvalue()


def build_value_seed(path: Path) -> Path:
    """A small case holding a value in nearly every column, written by the services."""
    with CaseFile.create(path, "Harbour case", "Ana") as case:
        service = CaseService(case, "Ana")
        board = case.boards()[0].id
        pdf = service.add_source(_pdf(["Harbour master's log, 12 March.", "The Aurora left at 02:40."]),
                                 "log.pdf", "application/pdf", title="Harbour log", author="Port",
                                 page_count=2, reliability="B", metadata={"producer": "test"},
                                 page_texts=["Harbour master's log, 12 March.", "The Aurora left at 02:40."]
                                 ).created[0]
        image = service.add_source(_png(), "quay.png", "image/png", title="Quay").created[0]
        photo_bytes = case.source(image).attachment_id
        cards = service.create_cards([
            {"kind": "group", "title": "The night", "x": -40, "y": -60, "width": 900, "height": 500},
            {"kind": "document", "title": "Harbour log", "source_id": pdf, "page": 1},
            {"kind": "quote", "text": "The Aurora left at 02:40.", "source_id": pdf, "page": 2,
             "regions": [[72, 88, 320, 104]], "x": 260, "reliability": "B", "credibility": 2,
             "tags": ["vessel"], "colour": "#ffcc00"},
            {"kind": "photo", "title": "Quay", "attachment_id": photo_bytes, "source_id": image, "x": 560},
            {"kind": "entity", "title": "MV Aurora", "entity_type": "vehicle", "x": 0, "y": 300,
             "attributes": {"flag": "Panama", "url": "https://example.org/a"}, "date_start": "2019-04",
             "date_end": "2020-01-02"},
            {"kind": "note", "title": "Open question", "text": "Who paid the pilot?", "x": 300, "y": 300},
        ], board).created
        group, document, quote, photo, entity, note = cards
        service.set_group(board, [document, quote], group)
        service.create_link(quote, entity, "describes", colour="#cc0000")
        service.create_link(entity, note, "asks", direction="both", strength="unconfirmed")
        service.create_link(document, quote, "source of", direction="none", strength="tentative")
        service.update_card(note, text="Who paid the harbour pilot?")
        second = service.create_board("Timeline").created[0]
        service.place_cards(second, {entity: (0.0, 0.0), note: (400.0, 0.0)})
    return path


# -- values ---------------------------------------------------------------

# A value is a Python value bound as a parameter, or ("sql", expression).
Value = Any
_DEEP = "[" * 200 + "]" * 200
TEXTS: list[Value] = [
    "", " ", "=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x","open")',
    "<img src='/dev/zero'>", "<b>bold</b> &amp; <i>x", "]]><!--", "\x00", "a\x00b", "\x1b]0;PWNED\x07\x1b[2J",
    "\x0b\x0c\x1f\x7f", "\ufffe\uffff", "\u202eevil\u202c", "x" * 100_000, "word " * 20_000, "\n" * 5_000,
    _DEEP, '{"a":' * 100, "null", "[]", "{}", "1e308", "NaN", "-inf", "nowhere",
    ("sql", "CAST(x'eda080' AS TEXT)"), ("sql", "CAST(x'c5ff41f8' AS TEXT)"), 12, 1.5, None, b"\x00blob",
    ("sql", f"printf('%.*c', {MAX_TEXT_CHARS}, 'x')"), ("sql", f"printf('%.*c', {MAX_TEXT_CHARS + 1}, 'x')"),
]
INTEGERS: list[Value] = [0, -1, 1, 2, 6, 7, 2**31, 2**63 - 1, -(2**63), 1_000_000, 1_000_001, 999, "1", 1.5,
                         None, "=1+1"]
REALS: list[Value] = [0.0, -0.0, 1e-320, 19.999, 20.0, 1e6, -1e6, 1e6 + 1, 2e6, 2e6 + 1, 9.9e11, -1e11, 1e12,
                      1e308, float("inf"), float("-inf"), ("sql", "1e308 * 10"), "NaN", None, 5, "=1+1"]
COLOURS: list[Value] = ["", "#fff", "#ffffff", "#FFFFFF", "#ffffff80", "#gggggg", "=1+1", "+cmd", "red",
                        "#ffffff\x00", "#ffffff "]
DATES: list[Value] = ["2004", "2004-11", "2004-11-28", "2004-02-30", "2004-13", "20041128",
                      "2004-11-28T10:00:00+01:00", "2004-W48-1", " 2004", '=HYPERLINK("x")', "-2004", "0000",
                      "2004-11-28T25:00", "\x00"]
STAMPS: list[Value] = ["2025-01-01T00:00:00Z", "2025-01-01T00:00:00.123Z", "9999-99-99T99:99:99Z", "=1+2", "",
                       "yesterday", "2025-01-01 00:00:00", "0000-00-00T00:00:00Z"]
REGIONS: list[Value] = [
    "[]", "[[0,0,0,0]]", "[[-14400,-14400,28800,28800]]", "[[-14401,0,10,10]]", "[[0,0,28801,10]]",
    "[[100,100,10,10]]", "[[0,0,1e308,1e308]]", "[[0,0,1e999,1]]", "[[1,2,3]]", '[["a",0,1,1]]',
    "[[0,0,1,1,5]]", "[" + ",".join(["[1,1,2,2]"] * 2000) + "]", "[[[0,0,1,1]]]", "{}", "[[0,0,1e-320,1]]",
    "[[28000,28000,28800,28800]]",
]
TAGS: list[Value] = ['["a"]', "[1]", '["\\u0000"]', '["=1+1"]', "[" * 50 + "]" * 50, '{"a":1}',
                     '["' + "x" * 10_000 + '"]', '["<b>x</b>", "\\u001b[2J"]', "[null]"]
ATTRIBUTES: list[Value] = ['{"url":"javascript:alert(1)"}', '{"url":"file:///etc/passwd"}', '{"a":{"b":1}}',
                           '{"=1":"+2"}', '{"":""}', '{"url":5}', '{"\\u0000":"\\u001b"}', "[]"]
METADATA: list[Value] = ['{"open_password": 5}', '{"open_password": "secret"}', '{"open_password": null}',
                         "{" + '"a":{' * 63 + "}" * 63 + "}", "{" + '"a":{' * 70 + "}" * 70 + "}",
                         '{"a":[1,2,{"b":null}]}', "[]"]
AUDIT_IMAGES: list[Value] = ["{}", '{"title":"x"}', '{"x":[1]}', '{"regions":"[[0,0,1e308,1e308]]"}',
                             '{"kind":"virus"}', '{"tags":"{bad"}', '{"title":"\\u0000\\u001b[2J"}', "[]",
                             None, '{"x":' + '"y' * 10 + '"}', '{"tags":"[1]"}', '{"attributes":"[]"}',
                             '{"regions":"5"}', '{"tags":"' + "[" * 3000 + "]" * 3000 + '"}',
                             '{"group_id":"nowhere","x":1e308}']
KINDS = {"kind": ["note", "quote", "document", "photo", "entity", "group", "virus", ""],
         "direction": ["none", "forward", "both", "sideways"],
         "strength": ["confirmed", "unconfirmed", "tentative", "maybe"],
         "reliability": ["A", "F", "G", "", None], "credibility": [1, 6, 0, 7, None],
         "entity_type": ["person", "vehicle", "alien", None], "media_type": [
             "application/pdf", "image/png", "image/svg+xml", "text/html", "", "application/x-evil"]}
# Columns with a pool of their own (beyond the pool of their declared type).
SPECIAL: dict[tuple[str, str], list[Value]] = {
    ("cards", "colour"): COLOURS, ("links", "colour"): COLOURS,
    ("cards", "date_start"): DATES, ("cards", "date_end"): DATES,
    ("cards", "regions"): REGIONS, ("cards", "tags"): TAGS, ("cards", "attributes"): ATTRIBUTES,
    ("sources", "metadata"): METADATA, ("audit_changes", "before"): AUDIT_IMAGES,
    ("audit_changes", "after"): AUDIT_IMAGES,
    **{(t, c): STAMPS for t, c in [("cards", "created_at"), ("cards", "modified_at"), ("links", "created_at"),
                                   ("links", "modified_at"), ("boards", "created_at"),
                                   ("sources", "imported_at"), ("audit_events", "at")]},
}
REFERENCES = {("cards", "source_id"): "sources", ("cards", "attachment_id"): "attachments",
              ("sources", "attachment_id"): "attachments", ("sources", "thumbnail_id"): "attachments",
              ("links", "from_card"): "cards", ("links", "to_card"): "cards", ("placements", "card_id"): "cards",
              ("placements", "board_id"): "boards", ("placements", "group_id"): "cards",
              ("source_pages", "source_id"): "sources", ("audit_changes", "event_id"): "audit_events",
              ("audit_changes", "card_id"): "cards"}
TABLES = ("case_info", "attachments", "boards", "sources", "cards", "links", "placements", "source_pages",
          "audit_events", "audit_changes", "schema_migrations")
DELETIONS = ["DELETE FROM attachments WHERE id = (SELECT min(id) FROM attachments)",
             "DELETE FROM cards WHERE kind = 'group'", "DELETE FROM boards WHERE sort_order = 0",
             "DELETE FROM sources WHERE media_type = 'application/pdf'", "DELETE FROM audit_events",
             "DELETE FROM case_info", "DELETE FROM source_pages", "DELETE FROM placements"]


@dataclass
class ValueFuzzResult:
    files: int = 0
    refused: int = 0
    opened: int = 0
    cli_runs: int = 0
    exports: int = 0
    readers: int = 0
    scenes: int = 0
    histories: int = 0
    columns: Counter = field(default_factory=Counter)
    refusals: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"files": self.files, "refused": self.refused, "opened": self.opened, "cli_runs": self.cli_runs,
                "exports": self.exports, "readers": self.readers, "scenes": self.scenes,
                "history_panels": self.histories,
                "columns_mutated": len(self.columns), "failures": len(self.failures)}


def _columns(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    return [(t, r[1], r[2].upper()) for t in TABLES for r in conn.execute(f"PRAGMA table_info('{t}')")]


def _pool(conn: sqlite3.Connection, table: str, column: str, declared: str, rng: random.Random) -> list[Value]:
    pool = list(SPECIAL.get((table, column), KINDS.get(column, ())))
    if (table, column) in REFERENCES:
        parent = REFERENCES[(table, column)]
        key = "id"
        others = [r[0] for r in conn.execute(f"SELECT {key} FROM {parent}")]
        pool += others + ["nowhere", 999, None]
        if column == "group_id":  # a card that is no group, itself, a ring
            pool += [("sql", "card_id"), ("sql", "(SELECT id FROM cards WHERE kind = 'note' LIMIT 1)"),
                     ("ring", None)]
    if column == "id" and declared == "TEXT":
        pool += [("sql", f"(SELECT id FROM {table} ORDER BY rowid DESC LIMIT 1)"), "=1+1", "\x00"]
    generic = {"TEXT": TEXTS, "INTEGER": INTEGERS, "REAL": REALS, "BLOB": [b"", b"%PDF-1.4 broken", b"\x89PNG"]}
    # The declared type's pool half the time when a column has its own.
    if not pool or rng.random() < 0.35:
        pool += generic.get(declared, TEXTS)
    return pool


def _mutate(path: Path, rng: random.Random, result: ValueFuzzResult) -> list[str]:
    """Write 1-6 values (or a deletion) into the case at ``path``; returns what was done."""
    done = []
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA ignore_check_constraints = ON")
        columns = _columns(conn)
        for _ in range(rng.choice([1, 1, 2, 3, 6])):
            if rng.random() < 0.06:
                statement = rng.choice(DELETIONS)
                conn.execute(statement)
                done.append(statement)
                continue
            table, column, declared = rng.choice(columns)
            value = rng.choice(_pool(conn, table, column, declared, rng))
            rows = [r[0] for r in conn.execute(f'SELECT rowid FROM "{table}"')]
            if not rows:
                continue
            where = "" if rng.random() < 0.15 else f"WHERE rowid = {rng.choice(rows)}"
            if isinstance(value, tuple) and value[0] == "ring":  # two groups inside each other
                conn.execute("UPDATE placements SET group_id = (SELECT id FROM cards WHERE kind = 'group') "
                             "WHERE card_id = (SELECT id FROM cards WHERE kind = 'document')")
                conn.execute("UPDATE cards SET kind = 'group' WHERE kind = 'document'")
                conn.execute("UPDATE placements SET group_id = (SELECT id FROM cards WHERE kind = 'group' "
                             "AND title <> 'The night' LIMIT 1) WHERE card_id = (SELECT id FROM cards "
                             "WHERE title = 'The night')")
                done.append("placements.group_id = a ring")
            else:
                sql, params = (value[1], ()) if isinstance(value, tuple) else ("?", (value,))
                try:
                    conn.execute(f'UPDATE "{table}" SET "{column}" = {sql} {where}', params)
                except sqlite3.IntegrityError:  # a key made equal to another's: the attacker moves on
                    continue
                done.append(f"{table}.{column} = {value[1][:60] if isinstance(value, tuple) else repr(value)[:60]}")
            result.columns[f"{table}.{column}"] += 1
    finally:
        conn.close()
    return done


# -- judging --------------------------------------------------------------


def _judge_cli(label: str, args: list[str], outcome, result: ValueFuzzResult, allowed=(0, 1)) -> bool:
    result.cli_runs += 1
    if outcome.exception is not None and not isinstance(outcome.exception, SystemExit):
        result.failures.append(f"{label} {' '.join(args)}: raised {type(outcome.exception).__name__}: "
                               f"{str(outcome.exception)[:200]}")
        return False
    stderr = outcome.stderr
    if outcome.exit_code not in allowed or "Traceback" in stderr:
        result.failures.append(f"{label} {' '.join(args)}: exit {outcome.exit_code}: {stderr.strip()[:300]}")
        return False
    if outcome.exit_code and len(stderr.strip().splitlines()) > 1 and args[0] != "check":
        result.failures.append(f"{label} {' '.join(args)}: the error is not one line: {stderr[:300]!r}")
    return outcome.exit_code == 0


def _check_export(label: str, fmt: str, out: Path, result: ValueFuzzResult) -> None:
    try:
        if fmt in XML_EXPORTS:
            ET.parse(out)
        elif fmt == "csv":
            for name in ("cards.csv", "links.csv"):
                with open(out / name, newline="", encoding="utf-8") as handle:
                    for row in csv.reader(handle):
                        for cell in row:
                            if cell.startswith(FORMULA_START):
                                float(cell)  # only numbers the export wrote may start with a sign
        elif out.stat().st_size == 0:
            raise ValueError("empty file")
    except (ET.ParseError, ValueError, OSError) as exc:
        result.failures.append(f"{label} export {fmt}: the file is not right: {str(exc)[:200]}")


def _run_exports(label: str, path: Path, boards: list[str], folder: Path, runner: CliRunner,
                 result: ValueFuzzResult) -> None:
    for board in boards:
        for fmt in EXPORTS:
            out = folder / (f"out-{board[:8]}-{fmt}" if fmt == "csv" else f"out-{board[:8]}.{fmt}")
            args = ["export", str(path), str(out), "--board", board, "--format", fmt]
            result.exports += 1
            if _judge_cli(label, args, runner.invoke(main, args), result):
                _check_export(label, fmt, out, result)


def _run_window_parts(label: str, case: CaseFile, result: ValueFuzzResult) -> None:
    """Show in source for every card with a source (and every source), the History panel with
    each event's details, and each board's scene, painted."""
    messages: list[str] = []
    raised: list[str] = []
    with said_not_shown(messages), raised_in_slots(raised):
        _show_sources_and_scenes(label, case, result)
    result.failures += [f"{label} reader: a message of several lines: {m!r:.200}" for m in messages if "\n" in m]
    result.failures += [f"{label} window: a slot raised {r}" for r in raised]


@contextlib.contextmanager
def raised_in_slots(raised: list[str]) -> Iterator[None]:
    """Exceptions Qt's signals and event handlers raise (PySide hands them to
    ``sys.excepthook`` and goes on) are recorded in ``raised``."""
    saved = sys.excepthook
    sys.excepthook = lambda kind, value, tb: raised.append(f"{kind.__name__}: {str(value)[:200]}")
    try:
        yield
    finally:
        sys.excepthook = saved


@contextlib.contextmanager
def said_not_shown(messages: list[str]) -> Iterator[None]:
    """Message boxes (modal: they would wait for a click) append their text to ``messages`` instead."""
    from PySide6.QtWidgets import QMessageBox

    saved = QMessageBox.exec, QMessageBox.warning
    QMessageBox.exec = lambda box: messages.append(box.text()) or QMessageBox.StandardButton.Ok  # type: ignore
    QMessageBox.warning = lambda parent, title, text, *a: messages.append(text)  # type: ignore
    try:
        yield
    finally:
        QMessageBox.exec, QMessageBox.warning = saved  # type: ignore


def _show_sources_and_scenes(label: str, case: CaseFile, result: ValueFuzzResult) -> None:
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter

    from evidence_board.render.context import RenderContext
    from evidence_board.ui.board.scene import BoardScene
    from evidence_board.ui.history_panel import CASE_SCOPE, HistoryPanel
    from evidence_board.ui.reader import show_in_source

    service = CaseService(case, "Fuzz")
    try:
        wanted = [(c.source_id, c.page, c.regions) for c in case.cards() if c.source_id]
        wanted += [(s.id, None, ()) for s in case.sources()]
        for source_id, page, regions in wanted:
            result.readers += 1
            reader = show_in_source(None, case, None, source_id, page, regions)
            if reader is not None:
                reader.page_widget.grab()
                reader.close()
                reader.deleteLater()
        result.histories += 1  # the History panel: every event of the case, each one's details
        panel = HistoryPanel(service)
        panel.set_scope(CASE_SCOPE)
        for row in range(panel.model.rowCount()):
            panel.tree.setCurrentIndex(panel.model.index(row, 2))
        panel.detach()
        panel.deleteLater()
        for board in case.boards():
            result.scenes += 1
            scene = BoardScene(service, board.id, RenderContext(case))
            image = QImage(320, 240, QImage.Format.Format_RGB32)
            painter = QPainter(image)
            try:
                scene.render(painter, QRectF(0, 0, 320, 240), scene.itemsBoundingRect())
            finally:
                painter.end()
            scene.deleteLater()
    except Exception as exc:  # noqa: BLE001 - the property: nothing a reader does may raise
        result.failures.append(f"{label} window: raised {type(exc).__name__}: {str(exc)[:200]}")


def fuzz_values(folder: Path, count: int, seed: int, window: bool = True) -> ValueFuzzResult:
    """Write ``count`` crafted copies of the seed case and judge each (see the module docstring).
    ``window``: also run Show in source and the board scene (needs a QApplication)."""
    rng = random.Random(seed)
    seed_path = build_value_seed(folder / "seed.evb")
    runner = CliRunner()
    result = ValueFuzzResult()
    for number in range(count):
        case_folder = folder / f"v{number:05d}"
        case_folder.mkdir()
        path = case_folder / "case.evb"
        shutil.copyfile(seed_path, path)
        done = _mutate(path, rng, result)
        label = f"{path.parent.name} ({'; '.join(done)[:300]})"
        result.files += 1
        try:
            case = CaseFile.open(path, read_only=True)
        except CaseFileError as exc:
            result.refused += 1
            message = str(exc)
            result.refusals[message.split(": ", 1)[-1][:60]] += 1
            if "\n" in message:
                result.failures.append(f"{label}: refused in more than one line: {message!r}")
            # Refused at opening means refused by every command, in one line, exit 2 (check: its report).
            _judge_cli(label, ["info"], runner.invoke(main, ["info", str(path)]), result, allowed=(2,))
            _judge_cli(label, ["check"], runner.invoke(main, ["check", str(path)]), result, allowed=(1, 2))
            continue
        except Exception as exc:  # noqa: BLE001
            result.failures.append(f"{label}: opening raised {type(exc).__name__}: {str(exc)[:200]}")
            continue
        result.opened += 1
        try:
            boards = [b.id for b in case.boards()]
            if window:
                _run_window_parts(label, case, result)
        finally:
            case.close()
        for args in READ_COMMANDS:
            _judge_cli(label, args, runner.invoke(main, [args[0], str(path), *args[1:]]), result)
        _run_exports(label, path, boards, case_folder, runner, result)
    return result
