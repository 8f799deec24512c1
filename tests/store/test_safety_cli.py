"""copy, backups, check and merge as a user meets them on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from evidence_board.cli import main
from evidence_board.store import CaseFile
from evidence_board.store.copying import list_backups
from tests.fuzz.mutations import _sql_edit


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def case_file(tmp_path: Path) -> Path:
    path = tmp_path / "cuba.evb"
    assert run("new", path, "--title", "Cuba")[0] == 0
    code, card, _ = run("add-card", path, "--title", "Informant", "--text", "met at the harbour")
    assert code == 0
    return path


def test_check_exits_0_when_clean_and_1_with_a_readable_report(case_file: Path) -> None:
    code, out, _ = run("check", case_file)
    assert code == 0 and out.startswith(f"{case_file}: OK")
    spoiled = case_file.with_name("spoiled.evb")
    spoiled.write_bytes(_sql_edit(case_file.read_bytes(), ["DELETE FROM cards"]))
    code, out, _ = run("check", spoiled)
    assert code == 1
    assert "problem(s)" in out and "placements point at cards that do not exist" in out
    code, out, _ = run("check", spoiled, "--json")
    assert code == 1 and json.loads(out)["ok"] is False


def test_check_refuses_what_is_not_a_case_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.evb"
    path.write_text("just text")
    code, _, err = run("check", path)
    assert code == 2 and err.count("\n") == 1 and "not an Evidence Board case file" in err


def test_copy_and_scrubbed_copy(case_file: Path, tmp_path: Path) -> None:
    code, out, _ = run("copy", case_file, tmp_path / "copy.evb")
    assert code == 0 and "copied" in out
    code, _, err = run("copy", case_file, tmp_path / "copy.evb")
    assert code == 2 and "already exists" in err
    code, out, _ = run("copy", case_file, tmp_path / "share.evb", "--scrub")
    assert code == 0 and "scrubbed" in out
    assert b"Test Analyst" in case_file.read_bytes()
    assert b"Test Analyst" not in (tmp_path / "share.evb").read_bytes()
    assert run("check", tmp_path / "share.evb")[0] == 0


def test_backups_now_list_and_restore(case_file: Path) -> None:
    code, out, _ = run("backups", case_file)
    assert code == 0 and "(none)" in out
    assert run("backups", case_file, "--now")[0] == 0
    run("add-card", case_file, "--title", "Later card")
    code, out, _ = run("backups", case_file, "--json")
    assert [b["number"] for b in json.loads(out)] == [1]
    code, out, _ = run("backups", case_file, "--restore", "1")
    assert code == 0 and "restored" in out
    with CaseFile.open(case_file, read_only=True) as case:
        assert [c.title for c in case.cards()] == ["Informant"]
    assert len(list_backups(case_file)) == 2
    code, _, err = run("backups", case_file, "--restore", "9")
    assert code == 2 and "no backup number 9" in err


def test_merge_and_dry_run(case_file: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.evb"
    run("copy", case_file, other)
    run("add-card", other, "--title", "From the colleague")
    code, out, _ = run("merge", case_file, other, "--dry-run")
    assert code == 0 and "dry run" in out and "cards added: 1" in out
    assert run("cards", case_file, "--json")[1].count('"title"') == 1
    code, out, _ = run("merge", case_file, other)
    assert code == 0 and "cards added: 1" in out
    titles = {c["title"] for c in json.loads(run("cards", case_file, "--json")[1])}
    assert titles == {"Informant", "From the colleague"}


def test_a_case_open_for_editing_elsewhere_refuses_edits_but_not_reads(case_file: Path) -> None:
    with CaseFile.open(case_file):
        code, _, err = run("add-card", case_file, "--title", "x")
        assert code == 2 and "already open for editing" in err and err.count("\n") == 1
        assert run("cards", case_file)[0] == 0
        assert run("check", case_file)[0] == 0
        assert run("backups", case_file, "--now")[0] == 0
        assert run("merge", case_file, case_file.with_name("missing.evb"), "--dry-run")[0] == 2
