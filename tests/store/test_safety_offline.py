"""The offline guarantee: a whole session with network sockets blocked attempts no connection."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest
from click.testing import CliRunner

from evidence_board.cli import main

attempts: list[str] = []


def _refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
    attempts.append(repr(args)[:200])
    raise OSError("network access attempted during an offline session")


# Child processes (the PDF parser runs in one) get the same trap through a
# sitecustomize module on PYTHONPATH, which the parser's environment keeps.
SITECUSTOMIZE = """
import os, socket
def _refuse(*args, **kwargs):
    with open(os.environ["EVB_NETWORK_LOG"], "a") as log:
        log.write(repr(args)[:200] + "\\n")
    raise OSError("network access attempted during an offline session")
for _name in ("connect", "connect_ex", "sendto", "bind"):
    setattr(socket.socket, _name, _refuse)
socket.create_connection = socket.getaddrinfo = socket.gethostbyname = _refuse
"""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # noqa: ANN201 - a generator fixture
    trap = tmp_path / "network-trap"
    trap.mkdir()
    (trap / "sitecustomize.py").write_text(SITECUSTOMIZE)
    log = tmp_path / "network-attempts.log"
    log.write_text("")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (str(trap), os.environ.get("PYTHONPATH")) if p))
    monkeypatch.setenv("EVB_NETWORK_LOG", str(log))
    subprocess.run([sys.executable, "-c", "import socket; socket.create_connection(('127.0.0.1', 9))"],
                   capture_output=True)
    assert log.read_text().count("\n") == 1  # the trap works in a child...
    log.write_text("")
    for name in ("connect", "connect_ex", "sendto", "bind"):
        monkeypatch.setattr(socket.socket, name, _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)
    monkeypatch.setattr(socket, "gethostbyname", _refuse)
    with pytest.raises(OSError, match="offline"):
        socket.create_connection(("127.0.0.1", 9))  # ... and here
    attempts.clear()
    yield attempts
    attempts.extend(line for line in log.read_text().splitlines() if line)


def run(*args: object) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout


def make_pdf(path: Path) -> Path:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "The shipment left Havana on Tuesday.")
    page.insert_link({"kind": pymupdf.LINK_URI, "from": pymupdf.Rect(72, 60, 300, 80),
                      "uri": "http://example.invalid/track"})
    doc.save(path)
    doc.close()
    return path


def test_a_whole_session_never_touches_the_network(tmp_path: Path, no_network: list[str]) -> None:
    case = tmp_path / "offline.evb"
    run("new", case, "--title", "Offline")
    a = run("add-card", case, "--kind", "entity", "--entity-type", "person", "--title", "Ana").strip()
    b = run("add-card", case, "--title", "Havana harbour", "--text", "shipment seen").strip()
    run("link", case, a, b, "--label", "watched")
    commands = {name for name in main.commands}
    if "import" in commands:
        run("import", case, make_pdf(tmp_path / "report.pdf"))
    assert "Havana" in run("search", case, "havana")
    run("copy", case, tmp_path / "copy.evb", "--scrub")
    run("check", case)
    run("merge", case, tmp_path / "copy.evb")
    run("backups", case, "--now")
    if "export" in commands:
        for suffix in (".pdf", ".svg", ".png", ".canvas"):
            run("export", case, tmp_path / f"board{suffix}")
    assert no_network == []
    log = Path(os.environ["EVB_NETWORK_LOG"]).read_text()
    assert log == "", log
