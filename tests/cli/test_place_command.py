"""`evidence-board place`: the same card on another board, from the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from evidence_board.cli import main
from evidence_board.services import CaseService
from evidence_board.store import CaseFile


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def two_boards(tmp_path: Path) -> tuple[Path, str, str]:
    """A case with Raúl Castro and Kim Jong Il linked on Board 1, and an empty Timeline board."""
    path = tmp_path / "cuba.evb"
    with CaseFile.create(path, "Cuba", "Test Analyst") as case:
        service = CaseService(case, "Test Analyst")
        board = case.boards()[0].id
        raul = service.create_card("entity", title="Raúl Castro", entity_type="person", board_id=board,
                                   x=100, y=40).created[0]
        kim = service.create_card("entity", title="Kim Jong Il", entity_type="person", board_id=board,
                                  x=400, y=90).created[0]
        service.create_link(raul, kim, "met")
        service.create_board("Timeline")
    return path, raul, kim


def test_place_puts_the_same_cards_on_another_board_keeping_their_layout(two_boards) -> None:
    path, raul, kim = two_boards
    code, out = run("place", str(path), raul, kim, "--board", "timeline", "--x", "1000", "--y", "500")
    assert code == 0 and "placed 2 card(s) on Timeline" in out
    with CaseFile.open(path, read_only=True) as case:
        timeline = case.find_board("Timeline")
        contents = case.load_board(timeline.id)
        assert len(case.cards()) == 2  # the same two cards, not copies
        assert {c.title for c in contents.cards.values()} == {"Raúl Castro", "Kim Jong Il"}
        spots = {cid: (p.x, p.y) for cid, p in contents.placements.items()}
        assert spots == {raul: (1000.0, 500.0), kim: (1300.0, 550.0)}
        assert [l.label for l in contents.links.values()] == ["met"]  # their link comes along
        assert [b.name for b in case.boards_of(raul)] == ["Board 1", "Timeline"]
        assert case.audit_events(limit=1)[0].summary == "Place 2 cards on Timeline"


def test_place_without_a_position_uses_where_the_card_sits_elsewhere(two_boards) -> None:
    path, raul, _kim = two_boards
    code, out = run("place", str(path), raul, "--board", "Timeline")
    assert code == 0 and "now on Board 1, Timeline" in out
    with CaseFile.open(path, read_only=True) as case:
        placement = case.placement(case.find_board("Timeline").id, raul)
        assert (placement.x, placement.y) == (100.0, 40.0)


def test_place_without_a_position_lands_in_free_space(two_boards) -> None:
    path, raul, _kim = two_boards
    code, note = run("add-card", str(path), "--title", "Already here", "--board", "Timeline", "--x", "90", "--y", "30")
    assert code == 0
    code, _out = run("place", str(path), raul, "--board", "Timeline")
    assert code == 0
    with CaseFile.open(path, read_only=True) as case:
        spots = case.load_board(case.find_board("Timeline").id).placements
        a, b = spots[raul], spots[note.strip()]
        overlap = a.x < b.x + b.width and b.x < a.x + a.width and a.y < b.y + b.height and b.y < a.y + a.height
        assert not overlap
        assert abs(a.x - 100) + abs(a.y - 40) < 600  # near where it sits on Board 1


@pytest.mark.parametrize("args, message", [
    (["--board", "Board 1"], "'Raúl Castro' is already on 'Board 1'"),
    (["--board", "Money trail"], "no board named 'Money trail' (boards: Board 1, Timeline)"),
    (["--board", "Timeline", "--x", "3"], "give both --x and --y, or neither"),
])
def test_refused_placements_say_why_in_one_line_and_exit_1(two_boards, args, message) -> None:
    path, raul, _kim = two_boards
    before = path.read_bytes()
    done = subprocess.run([sys.executable, "-m", "evidence_board", "place", str(path), raul, *args],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip() == f"evidence-board: error: {message}"
    assert "Traceback" not in done.stderr
    assert path.read_bytes() == before


def test_unknown_card_and_missing_case(two_boards, tmp_path: Path) -> None:
    path, _raul, _kim = two_boards
    done = subprocess.run([sys.executable, "-m", "evidence_board", "place", str(path), "0123", "--board", "Timeline"],
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr.strip()) == (1, "evidence-board: error: no card with id 0123")
    done = subprocess.run([sys.executable, "-m", "evidence_board", "place", str(tmp_path / "gone.evb"), "0123",
                           "--board", "Timeline"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
