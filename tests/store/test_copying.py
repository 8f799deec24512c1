"""Save a Copy, scrubbed copies to share, rolling backups: consistent, verified, atomic."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from evidence_board.errors import CaseFileExists
from evidence_board.services import CaseService
from evidence_board.store import CaseFile
from evidence_board.store import copying
from evidence_board.store.checking import check_case
from evidence_board.store.copying import (
    backups_folder, copy_case, copy_open_case, list_backups, make_backup, restore_backup,
)
from evidence_board.store.locking import CaseInUse


@pytest.fixture
def filled(case: CaseFile, service: CaseService, board_id: str) -> CaseFile:
    keep = service.create_card("note", title="Kept card", text="first draft OLDSECRET", board_id=board_id).created[0]
    gone = service.create_card("note", title="Informant Jones", text="codeword BLUEBIRD", board_id=board_id).created[0]
    service.create_link(keep, gone, "met")
    service.update_card(keep, text="rewritten text")
    service.delete_cards(gone)
    photo = case.add_attachment(b"\x89PNG orphan bytes ORPHANBLOB", "image/png")
    assert photo
    return case


def titles(path: Path) -> list[str]:
    with CaseFile.open(path, read_only=True) as case:
        return sorted(c.title for c in case.cards())


def test_a_copy_of_an_open_case_is_whole_and_verified(filled: CaseFile, tmp_path: Path) -> None:
    out = copy_open_case(filled, tmp_path / "copy.evb")
    assert titles(out) == ["Kept card"]
    assert check_case(out).ok
    with CaseFile.open(out, read_only=True) as copy:
        assert copy.case_info()["case_id"] == filled.case_info()["case_id"]
        assert len(copy.audit_events()) == len(filled.audit_events())
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_copy_refuses_to_overwrite_unless_asked(filled: CaseFile, tmp_path: Path) -> None:
    out = tmp_path / "copy.evb"
    out.write_bytes(b"keep me")
    with pytest.raises(CaseFileExists):
        copy_open_case(filled, out)
    assert out.read_bytes() == b"keep me"
    copy_open_case(filled, out, overwrite=True)
    assert titles(out) == ["Kept card"]


def test_a_failed_copy_leaves_nothing_behind(filled: CaseFile, tmp_path: Path, monkeypatch) -> None:
    def broken(path: Path) -> None:
        raise copying.CopyFailed(f"{path}: the copy does not verify (simulated)")

    monkeypatch.setattr(copying, "verify_copy", broken)
    with pytest.raises(copying.CopyFailed):
        copy_open_case(filled, tmp_path / "copy.evb")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".~lock")) == ["case.evb"]


def test_scrub_removes_author_names_and_every_deleted_value(filled: CaseFile, tmp_path: Path) -> None:
    filled.close()
    out = copy_case(filled.path, tmp_path / "share.evb", scrub=True)
    raw = out.read_bytes()
    for secret in (b"Test Analyst", b"Informant Jones", b"BLUEBIRD", b"OLDSECRET", b"ORPHANBLOB"):
        assert secret not in raw, secret
    with CaseFile.open(out, read_only=True) as shared:
        assert [c.text for c in shared.cards()] == ["rewritten text"]
        assert sorted(c.title for c in shared.cards()) == ["Kept card"]
        assert {e.author for e in shared.audit_events()} == {""}
        assert shared.conn.execute("SELECT count(*) FROM audit_changes").fetchone()[0] == 0
        assert shared.search("BLUEBIRD") == [] and [h.id for h in shared.search("rewritten")]
    assert check_case(out).ok
    # The original keeps everything.
    assert b"Informant Jones" in filled.path.read_bytes()


def test_backups_at_most_one_an_hour_and_only_when_changed(filled: CaseFile, service: CaseService,
                                                           board_id: str) -> None:
    first = make_backup(filled)
    assert first is not None and first.parent == backups_folder(filled.path)
    assert make_backup(filled) is None  # within the hour
    assert make_backup(filled, min_interval=0) is not None  # forced, e.g. --now
    os.utime(first, (time.time() - 7200,) * 2)
    for backup in list_backups(filled.path):
        os.utime(backup.path, (time.time() - 7200,) * 2)
    assert make_backup(filled) is None  # an hour passed, but nothing changed
    service.create_card("note", title="new", board_id=board_id)
    assert make_backup(filled) is not None


def test_backups_keep_the_newest_ten(filled: CaseFile, service: CaseService, board_id: str) -> None:
    made = []
    for n in range(12):
        service.create_card("note", title=f"n{n}", board_id=board_id)
        made.append(make_backup(filled, min_interval=0))
    kept = list_backups(filled.path)
    assert [b.number for b in kept] == list(range(1, 11))
    assert [b.path for b in kept] == made[::-1][:10]


def test_restore_puts_a_backup_back_and_keeps_the_current_file(filled: CaseFile, service: CaseService,
                                                                board_id: str) -> None:
    make_backup(filled)
    service.create_card("note", title="after the backup", board_id=board_id)
    with pytest.raises(CaseInUse):
        restore_backup(filled.path, 1)  # still open for editing here
    path = filled.path
    filled.close()
    restored, before = restore_backup(path, 1)
    assert titles(path) == ["Kept card"]
    assert "after the backup" in titles(before)
    assert [b.path for b in list_backups(path)][:2] == [before, restored]


def test_restore_over_a_damaged_file_keeps_its_bytes(filled: CaseFile) -> None:
    make_backup(filled)
    path = filled.path
    filled.close()
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    _restored, before = restore_backup(path, 1)
    assert before.name.endswith("-damaged.evb")
    assert before.read_bytes().startswith(b"SQLite format 3")
    assert titles(path) == ["Kept card"]


def test_a_copy_keeps_identity_pragmas(filled: CaseFile, tmp_path: Path) -> None:
    out = copy_open_case(filled, tmp_path / "copy.evb")
    raw = sqlite3.connect(out)
    assert raw.execute("PRAGMA application_id").fetchone()[0] == 0x45564244
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    raw.close()


def test_a_deleted_case_can_be_restored_from_its_backups(filled: CaseFile) -> None:
    make_backup(filled)
    path = filled.path
    filled.close()
    path.unlink()
    restored, before = restore_backup(path, 1)
    assert before is None and titles(path) == ["Kept card"]


def test_scrub_removes_pdf_passwords(service: CaseService, case: CaseFile, tmp_path: Path, board_id: str) -> None:
    source = service.add_source(b"%PDF-1.7 locked", "locked.pdf", "application/pdf",
                                metadata={"open_password": "hunter2-reused", "producer": "x"}).created[0]
    # A card cites it, so the copy keeps the source (one no card cites is left out whole).
    service.create_card("document", title="Locked report", source_id=source, board_id=board_id)
    case.close()
    out = copy_case(case.path, tmp_path / "share.evb", scrub=True)
    assert b"hunter2-reused" not in out.read_bytes()
    with CaseFile.open(out, read_only=True) as shared:
        assert shared.sources()[0].metadata == {"producer": "x"}
