"""The CLI as a user meets it: click's runner for behaviour, real processes for exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from evidence_board.cli import main
from evidence_board.store import CaseFile


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def case_file(tmp_path: Path) -> Path:
    path = tmp_path / "cuba.evb"
    code, out = run("new", str(path), "--title", "Cuba and North Korea")
    assert code == 0 and "created" in out
    return path


def test_build_a_small_case_from_the_command_line(case_file: Path) -> None:
    code, kay = run("add-card", str(case_file), "--kind", "entity", "--entity-type", "person",
                    "--title", "David Kay", "--tag", "USA", "--reliability", "b", "--credibility", "2")
    assert code == 0
    code, event = run("add-card", str(case_file), "--kind", "entity", "--entity-type", "event",
                      "--title", "Kay on ABC This Week", "--date", "2003-10", "--x", "300", "--y", "40")
    assert code == 0
    code, link = run("link", str(case_file), kay.strip(), event.strip(), "--label", "spoke at",
                     "--strength", "confirmed")
    assert code == 0

    code, out = run("info", str(case_file), "--json")
    info = json.loads(out)
    assert (info["title"], info["cards"], info["links"], info["cards_by_kind"]) == (
        "Cuba and North Korea", 2, 1, {"entity": 2})

    code, out = run("cards", str(case_file), "--json")
    cards = {c["title"]: c for c in json.loads(out)}
    assert cards["David Kay"]["reliability"] == "B" and cards["David Kay"]["tags"] == ["USA"]
    assert cards["Kay on ABC This Week"]["date_start"] == "2003-10"

    code, out = run("cards", str(case_file))
    assert "B2" in out and "David Kay" in out

    code, out = run("links", str(case_file))
    assert "David Kay" in out and "->" in out and "spoke at" in out

    code, out = run("search", str(case_file), "kay", "--json")
    assert {h["title"] for h in json.loads(out)} == {"David Kay", "Kay on ABC This Week"}

    code, out = run("log", str(case_file), "--json")
    events = json.loads(out)
    assert [e["action"] for e in events] == ["create_link", "create_card", "create_card"]
    assert events[0]["changes"][0]["after"]["label"] == "spoke at"

    code, out = run("log", str(case_file), "--card", kay.strip())
    assert "Add entity David Kay" in out and "Link spoke at" in out


def test_author_is_recorded(case_file: Path) -> None:
    run("--author", "Maria Lopez", "add-card", str(case_file), "--title", "n")
    with CaseFile.open(case_file, read_only=True) as case:
        assert case.audit_events(limit=1)[0].author == "Maria Lopez"


def test_board_option_and_unknown_board(case_file: Path) -> None:
    code, out = run("add-card", str(case_file), "--title", "n", "--board", "Timeline")
    assert code == 1
    code, out = run("boards", str(case_file), "--json")
    assert [b["name"] for b in json.loads(out)] == ["Board 1"]


def test_read_commands_do_not_modify_the_file(case_file: Path) -> None:
    before = case_file.read_bytes()
    for command in ("info", "cards", "links", "boards", "log"):
        assert run(command, str(case_file))[0] == 0
    assert run("search", str(case_file), "anything")[0] == 0
    assert case_file.read_bytes() == before


def _process(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "evidence_board", *args], capture_output=True, text=True,
                          timeout=60)


@pytest.mark.parametrize("command", ["info", "cards", "links", "log", "add-card"])
def test_missing_or_foreign_files_give_one_line_and_exit_2(tmp_path: Path, command: str) -> None:
    foreign = tmp_path / "notes.txt"
    foreign.write_text("just some notes\n" * 20)
    for path, message in ((tmp_path / "missing.evb", "no such file"),
                          (foreign, "not an Evidence Board case file")):
        args = [command, str(path)] + (["--title", "x"] if command == "add-card" else [])
        result = _process(*args)
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1 and message in result.stderr
        assert "Traceback" not in result.stderr
    assert foreign.read_text() == "just some notes\n" * 20


def test_refused_change_exits_1_without_traceback(case_file: Path) -> None:
    result = _process("link", str(case_file), "nope", "nada", "--label", "x")
    assert result.returncode == 1
    assert result.stderr.strip() == "evidence-board: error: no card with id nope"


def test_every_command_has_help() -> None:
    for name, command in main.commands.items():
        code, out = run(name, "--help")
        assert code == 0 and command.help, name
