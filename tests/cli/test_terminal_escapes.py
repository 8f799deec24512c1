"""Case text cannot drive the user's terminal (issue 12, item 10).

A title like ``ESC ] 0 ; PWNED BEL ESC [ 2 J`` set the terminal's title and
cleared the screen when ``info``, ``cards`` or ``log`` printed it. A case is
filled with such text in every column the CLI prints (titles, text, tags,
board names, link labels, the audit author, a source's file name and the
case file's own name), every command that reads it is run, and no control
byte may reach stdout or stderr, while ``--json`` reads back to exactly the
text stored.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from evidence_board.cli import main
from evidence_board.services import CaseService
from evidence_board.store import CaseFile

ESC_TITLE = "\x1b]0;PWNED\x07\x1b[2J"
# One of each kind of control the terminal obeys: C0 (ESC, BEL, CR, BS), DEL,
# C1 (CSI U+009B, OSC U+009D, NEL U+0085), a bidi override and isolate, U+2028.
HOSTILE = ESC_TITLE + "\x9b31m\x9d0;C1\x9c\rover\x08\x7f\x85\u202eevil\u2066x\u2069\u2028end"
CONTROL_BYTES = re.compile(
    rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]|\xd8\x9c|\xe2\x80[\x8e\x8f]")


def invoke(*args: str, author: str = HOSTILE) -> tuple[int, bytes, bytes]:
    # color=True: click would otherwise strip some ANSI sequences itself (not OSC, not C1).
    result = CliRunner().invoke(main, ["--author", author, *args], color=True, catch_exceptions=False)
    return result.exit_code, result.stdout_bytes, result.stderr_bytes


def assert_no_control_bytes(*outputs: bytes) -> None:
    for output in outputs:
        found = CONTROL_BYTES.findall(output)
        assert found == [], (found, output[:300])


@pytest.fixture(scope="module")
def hostile_case(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("terminal")
    path = folder / f"case{ESC_TITLE}.evb"  # a file name is case text too: backups, check and errors print it
    code, out, err = invoke("new", str(path), "--title", HOSTILE)
    assert code == 0, err
    ids = {}
    for name, extra in (("note", ["--text", HOSTILE + "\n" + HOSTILE, "--tag", HOSTILE]),
                        ("entity", ["--kind", "entity", "--entity-type", "person"])):
        code, out, err = invoke("add-card", str(path), "--title", f"{name} {HOSTILE}", *extra)
        assert code == 0, err
        ids[name] = out.decode().strip()
    code, out, err = invoke("link", str(path), ids["note"], ids["entity"], "--label", HOSTILE)
    assert code == 0, err
    photo = folder / f"photo{ESC_TITLE}.png"
    Image.new("RGB", (40, 30), "red").save(photo)
    code, out, err = invoke("import", str(path), str(photo))
    assert code == 0, err
    with CaseFile.open(path) as case:  # the CLI has no command to name a board: the services do
        board_id = CaseService(case, HOSTILE).create_board(HOSTILE).created[0]
    code, out, err = invoke("add-card", str(path), "--title", "on the hostile board", "--board", board_id)
    assert code == 0, err
    other = folder / "other.evb"
    assert invoke("new", str(other), "--title", "Other")[0] == 0
    code, out, err = invoke("add-card", str(other), "--title", "Other card")
    assert code == 0, err
    return {"path": path, "ids": ids, "folder": folder, "other": other}


READS = [
    ["info"], ["boards"], ["cards"], ["links"], ["log"], ["log", "--card", "NOTE"], ["search", "evil"],
    ["search", "PWNED"], ["check"], ["backups"],
]


@pytest.mark.parametrize("command", READS, ids=lambda c: " ".join(c))
def test_read_commands_print_case_text_with_controls_escaped(hostile_case, command):
    args = [a if a != "NOTE" else hostile_case["ids"]["note"] for a in command]
    code, out, err = invoke(args[0], str(hostile_case["path"]), *args[1:])
    assert code == 0, err
    assert_no_control_bytes(out, err)
    if command[0] not in ("check", "backups"):
        assert b"\\x1b]0;PWNED\\x07" in out  # the text is there, written as it would be in a literal


def test_writing_commands_and_their_reports_escape_too(hostile_case, tmp_path):
    path = hostile_case["path"]
    outputs = []
    for args in (["backups", str(path), "--now"], ["backups", str(path)],
                 ["copy", str(path), str(tmp_path / f"copy{ESC_TITLE}.evb")],
                 ["export", str(path), str(tmp_path / f"board{ESC_TITLE}.graphml")],
                 ["add-card", str(path), "--title", HOSTILE, "--board", "Board 1"],
                 ["merge", str(hostile_case["other"]), str(path), "--dry-run"]):
        code, out, err = invoke(*args)
        assert code == 0, (args, err)
        outputs += [out, err]
    assert_no_control_bytes(*outputs)
    code, out, err = invoke("backups", str(path))
    assert out.count(b"\\x1b]0;PWNED") >= 1  # the backups' names come from the case's own name


def test_errors_that_quote_case_text_or_file_names_escape_it(hostile_case, tmp_path):
    missing = tmp_path / f"missing{ESC_TITLE}.evb"
    for args in (["info", str(missing)], ["cards", str(tmp_path)],
                 ["add-card", str(hostile_case["path"]), "--board", HOSTILE],
                 ["place", str(hostile_case["path"]), "nope", "--board", HOSTILE],
                 ["cards", str(hostile_case["path"]), "--kind", HOSTILE],
                 ["quote", str(hostile_case["path"]), HOSTILE, "--page", "1", "--text", "x"],
                 [HOSTILE]):
        code, out, err = invoke(*args)
        assert code != 0, args
        assert_no_control_bytes(out, err)
        assert err.strip(), args


def test_a_real_process_prints_no_control_bytes(hostile_case):
    """The console script, as a terminal runs it: stdout and stderr are the process's own."""
    for args in (["info", str(hostile_case["path"])], ["log", str(hostile_case["path"])],
                 ["info", str(hostile_case["folder"] / f"gone{ESC_TITLE}.evb")]):
        result = subprocess.run([sys.executable, "-c", "from evidence_board.cli import run; run()", *args],
                                capture_output=True, timeout=60)
        assert_no_control_bytes(result.stdout, result.stderr)
        assert result.stdout.count(b"\n") + result.stderr.count(b"\n") >= 1


@pytest.mark.parametrize("command", [["info"], ["cards"], ["links"], ["log"], ["search", "evil"], ["boards"]],
                         ids=lambda c: " ".join(c))
def test_json_output_is_exact_json_of_the_stored_text(hostile_case, command):
    code, out, err = invoke(command[0], str(hostile_case["path"]), *command[1:], "--json")
    assert code == 0, err
    assert_no_control_bytes(out)  # JSON escapes them as \\uXXXX
    data = json.loads(out)
    texts = set(_strings(data))
    assert any(HOSTILE in t for t in texts), sorted(texts)[:5]


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def test_the_escape_keeps_ordinary_text_and_shows_each_control():
    from evidence_board.model.control_characters import escape_controls, escape_controls_in_json

    ordinary = "Ünïcödé 北朝鮮 — “quotes” \\ back\\slash émoji 🚢 tab-free"
    assert escape_controls(ordinary) == ordinary
    assert escape_controls("a\x1b[2Jb\nc\td\x9be\u202ef") == "a\\x1b[2Jb\\nc\\td\\x9be\\u202ef"
    assert escape_controls("a\nb\tc\rd", keep_lines=True) == "a\nb\tc\\rd"
    text = json.dumps({"t": HOSTILE + ordinary}, ensure_ascii=False)
    assert json.loads(escape_controls_in_json(text)) == {"t": HOSTILE + ordinary}
    assert CONTROL_BYTES.findall(escape_controls_in_json(text).encode()) == []


def test_every_command_prints_through_the_output_module():
    """A new command cannot forget the escaping: only cli/output.py calls click.echo or print."""
    import evidence_board.cli as cli

    offenders = []
    for file in Path(cli.__file__).parent.glob("*.py"):
        if file.name == "output.py":
            continue
        text = file.read_text(encoding="utf-8")
        offenders += [f"{file.name}: {m.group()}" for m in re.finditer(r"\b(click\.(s?echo|secho)|print)\(", text)]
    assert offenders == []
