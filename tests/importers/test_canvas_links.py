"""A JSON Canvas folder cannot make the import read files outside it (issue 12 item 7).

Real folders with real links, a real FIFO and a real case file: a secret the
canvas reaches through a link must be nowhere in the raw bytes of the .evb,
and each file not read is named in the import's warnings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evidence_board.importers.jsoncanvas import import_canvas
from evidence_board.services import CaseService
from evidence_board.store import CaseFile

SECRET = "-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAA-canary-7f3e19"
FOLDER_SECRET = "home folder canary 2c81d5: the user's own notes"


def _canvas(folder: Path, *files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    canvas = folder / "Sent to me.canvas"
    nodes = [{"id": f"n{i}", "type": "file", "file": name, "x": i * 300, "y": 0, "width": 250, "height": 100}
             for i, name in enumerate(files)]
    canvas.write_text(json.dumps({"nodes": nodes, "edges": []}), encoding="utf-8")
    return canvas


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """Files outside the canvas folder that a link in it may point at."""
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text(SECRET + "\n", encoding="utf-8")
    (home / "secret.txt").write_text(FOLDER_SECRET + "\n", encoding="utf-8")
    return home


def _imported(service: CaseService, case: CaseFile, canvas: Path, **limits: int) -> tuple[dict, list[str]]:
    warnings: list[str] = []
    board = import_canvas(service, canvas, warnings=warnings, **limits).created[0]
    cards = {c.title: c for c in case.load_board(board).cards.values()}
    return cards, warnings


def _raw(case_path: Path) -> bytes:
    """Every byte the case file (and anything SQLite left beside it) holds."""
    return b"".join(p.read_bytes() for p in case_path.parent.glob(case_path.name + "*"))


def _skipped(warnings: list[str], name: str, reason: str) -> bool:
    return any(name in w and reason in w for w in warnings)


def test_a_link_to_a_key_outside_the_folder_is_not_read(service, case, case_path, home, tmp_path) -> None:
    sent = tmp_path / "sent"
    sent.mkdir()
    (sent / "notes.md").symlink_to(home / ".ssh" / "id_rsa")
    (sent / "key.pdf").symlink_to(home / ".ssh" / "id_rsa")  # as a source rather than a note
    cards, warnings = _imported(service, case, _canvas(sent, "notes.md", "key.pdf"))
    assert _skipped(warnings, "notes.md", "a link outside the canvas folder")
    assert _skipped(warnings, "key.pdf", "a link outside the canvas folder")
    assert cards["notes.md"].kind.value == "note" and "outside the canvas folder" in cards["notes.md"].text
    assert not case.sources()
    assert SECRET.encode() not in _raw(case_path) and b"canary-7f3e19" not in _raw(case_path)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux's /proc")
def test_a_link_to_proc_self_environ_is_not_read(service, case, case_path, tmp_path) -> None:
    sent = tmp_path / "sent"
    sent.mkdir()
    (sent / "env.md").symlink_to("/proc/self/environ")
    (sent / "env.bin").symlink_to("/proc/self/environ")
    entries = [e for e in Path("/proc/self/environ").read_bytes().split(b"\0") if len(e) >= 16]
    assert entries  # the test process has an environment to leak
    cards, warnings = _imported(service, case, _canvas(sent, "env.md", "env.bin"))
    assert _skipped(warnings, "env.md", "a link outside the canvas folder")
    assert _skipped(warnings, "env.bin", "a link outside the canvas folder")
    raw = _raw(case_path)
    assert not any(entry in raw for entry in entries)
    assert not case.sources()


def test_a_folder_linked_to_the_home_folder_is_not_followed(service, case, case_path, home, tmp_path) -> None:
    sent = tmp_path / "sent"
    sent.mkdir()
    (sent / "linked").symlink_to(home, target_is_directory=True)
    cards, warnings = _imported(service, case, _canvas(sent, "linked/secret.txt", "linked/.ssh/id_rsa"))
    assert _skipped(warnings, "linked/secret.txt", "a link outside the canvas folder")
    assert _skipped(warnings, "linked/.ssh/id_rsa", "a link outside the canvas folder")
    raw = _raw(case_path)
    assert FOLDER_SECRET.encode() not in raw and b"canary-7f3e19" not in raw
    assert cards["secret.txt"].kind.value == "note" and FOLDER_SECRET not in cards["secret.txt"].text


def test_a_link_that_stays_inside_the_folder_is_imported(service, case, tmp_path) -> None:
    sent = tmp_path / "sent"
    (sent / "notes").mkdir(parents=True)
    (sent / "notes" / "Dock.md").write_text("# Dock\nLights were off at 22:10.\n", encoding="utf-8")
    (sent / "alias.md").symlink_to(Path("notes") / "Dock.md")
    (sent / "shelf").symlink_to("notes", target_is_directory=True)
    cards, warnings = _imported(service, case, _canvas(sent, "alias.md", "shelf/Dock.md"))
    assert cards["alias"].kind.value == "note" and "Lights were off at 22:10." in cards["alias"].text
    assert cards["Dock"].kind.value == "note" and "Lights were off at 22:10." in cards["Dock"].text
    assert not [w for w in warnings if "skipped" in w or "not found" in w]


def test_a_file_over_the_limit_is_skipped_and_one_under_it_imported(service, case, case_path, tmp_path) -> None:
    sent = tmp_path / "sent"
    sent.mkdir()
    (sent / "big.bin").write_bytes(b"big-file-canary " * 512)  # 8,192 bytes
    (sent / "small.bin").write_bytes(b"small file kept " * 64)  # 1,024 bytes
    cards, warnings = _imported(service, case, _canvas(sent, "big.bin", "small.bin"), max_file_bytes=4096)
    assert _skipped(warnings, "big.bin", "over 4,096 bytes")
    assert b"big-file-canary" not in _raw(case_path)
    assert cards["small"].kind.value == "document"
    assert [s.file_name for s in case.sources()] == ["small.bin"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_waiting_and_the_cli_lists_what_it_skipped(home, tmp_path) -> None:
    sent = tmp_path / "sent"
    sent.mkdir()
    os.mkfifo(sent / "pipe.md")
    os.mkfifo(sent / "pipe.pdf")
    (sent / "notes.md").symlink_to(home / ".ssh" / "id_rsa")
    (sent / "kept.md").write_text("kept note text\n", encoding="utf-8")
    canvas = _canvas(sent, "pipe.md", "pipe.pdf", "notes.md", "kept.md")
    case_path = tmp_path / "case.evb"
    CaseFile.create(case_path, "Test case", "Test Analyst").close()

    def cli(*extra: str) -> subprocess.CompletedProcess[str]:
        # A FIFO opened for reading waits for a writer: a timeout makes a hang a failure, not a stuck suite.
        return subprocess.run([sys.executable, "-m", "evidence_board", "import-canvas", str(case_path), str(canvas),
                               *extra], capture_output=True, text=True, timeout=60, env=os.environ.copy())

    result = cli("--json")
    assert result.returncode == 0, result.stderr
    warnings = json.loads(result.stdout)["warnings"]
    assert _skipped(warnings, "pipe.md", "not a regular file")
    assert _skipped(warnings, "pipe.pdf", "not a regular file")
    assert _skipped(warnings, "notes.md", "a link outside the canvas folder")
    result = cli("--board", "again")
    assert result.returncode == 0, result.stderr
    assert "warning: skipped pipe.md: not a regular file" in result.stderr
    assert "warning: skipped notes.md: a link outside the canvas folder" in result.stderr
    assert SECRET.encode() not in _raw(case_path)
    with CaseFile.open(case_path, read_only=True) as case:
        texts = [c.text for b in case.boards() for c in case.load_board(b.id).cards.values()]
    assert texts.count("kept note text") == 2
