"""The README's promises: the test command CI runs, and every CLI command documented."""

from __future__ import annotations

import re
from pathlib import Path

from evidence_board.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```\n(.+?)\n```", section)


def test_quick_start_has_two_commands_and_ci_runs_the_test_one() -> None:
    commands = _quick_start_commands()
    assert len(commands) == 2
    app_command, test_command = commands
    assert "evidence-board" in app_command and "pytest" in test_command
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_every_cli_command_is_documented() -> None:
    missing = [name for name in main.commands if f"evidence-board {name}" not in README]
    assert missing == []
