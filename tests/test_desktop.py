"""A home on the desktop: icon, menu entry and .evb file type, installed for one user."""

from __future__ import annotations

import configparser
import importlib.util
import os
import sqlite3
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pymupdf
import pytest

from evidence_board import desktop
from evidence_board.store import CaseFile

RESOURCES = desktop.resources_dir()
MIME_NS = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}


def _magic_matches(xml_path: Path, data: bytes) -> bool:
    """Apply the MIME type's magic rules the way shared-mime-info does
    (nested matches must all hold), for the two match types we use."""
    def holds(match: ET.Element) -> bool:
        offset = int(match.get("offset"))
        if match.get("type") == "string":
            value = match.get("value").encode("latin-1")
        elif match.get("type") == "big32":
            value = int(match.get("value"), 0).to_bytes(4, "big")
        else:
            raise AssertionError(f"unexpected match type {match.get('type')}")
        if data[offset:offset + len(value)] != value:
            return False
        children = match.findall("m:match", MIME_NS)
        return not children or any(holds(child) for child in children)

    root = ET.parse(xml_path).getroot()
    return any(holds(m) for m in root.findall("m:mime-type/m:magic/m:match", MIME_NS))


def test_mime_magic_knows_a_case_file_from_any_sqlite_file(tmp_path: Path) -> None:
    xml = RESOURCES / "desktop" / desktop.MIME_FILE
    case_path = tmp_path / "renamed.dat"
    CaseFile.create(case_path, "A case").close()
    plain = tmp_path / "plain.sqlite"
    with sqlite3.connect(plain) as conn:
        conn.execute("CREATE TABLE t(x)")
    assert _magic_matches(xml, case_path.read_bytes())
    assert not _magic_matches(xml, plain.read_bytes())
    mime_type = ET.parse(xml).getroot().find("m:mime-type", MIME_NS)
    assert mime_type.get("type") == desktop.MIME_TYPE
    assert mime_type.find("m:glob", MIME_NS).get("pattern") == "*.evb"


def test_icon_pngs_are_rendered_from_the_svg() -> None:
    spec = importlib.util.spec_from_file_location("make_icons", RESOURCES / "make_icons.py")
    make_icons = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_icons)
    for size in desktop.ICON_SIZES:
        png = make_icons.png_path(size)
        pixmap = pymupdf.Pixmap(str(png))
        assert (pixmap.width, pixmap.height) == (size, size) and pixmap.alpha
        assert png.read_bytes() == make_icons.render_png(make_icons.SVG, size), \
            "re-run python resources/make_icons.py"


def test_install_puts_everything_in_the_user_s_xdg_folders(tmp_path: Path) -> None:
    data, config = tmp_path / "data", tmp_path / "config"
    report = desktop.install_desktop(data, config, command=["/opt/my env/bin/evidence-board"],
                                     run_tools=False)
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(data / "applications" / "evidence-board.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Exec"] == '"/opt/my env/bin/evidence-board" %f'
    assert section["TryExec"] == "/opt/my env/bin/evidence-board"
    assert section["Icon"] == "evidence-board" and section["Type"] == "Application"
    assert section["MimeType"] == "application/x-evidence-board;"
    assert (data / "mime" / "packages" / "evidence-board.xml").is_file()
    for size in desktop.ICON_SIZES:
        assert (data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "evidence-board.png").is_file()
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / "evidence-board.svg").is_file()
    assert "application/x-evidence-board=evidence-board.desktop;" in (config / "mimeapps.list").read_text()
    assert report.warnings == [] and report.ran == []


def test_install_keeps_the_user_s_own_default_application(tmp_path: Path) -> None:
    mimeapps = tmp_path / "config" / "mimeapps.list"
    mimeapps.parent.mkdir()
    mine = "[Added Associations]\ntext/plain=gedit.desktop;\n\n[Default Applications]\n" \
           "application/x-evidence-board=other.desktop;\nimage/png=eog.desktop;\n"
    mimeapps.write_text(mine)
    desktop.install_desktop(tmp_path / "data", tmp_path / "config", command=["eb"], run_tools=False)
    assert mimeapps.read_text() == mine
    mimeapps.write_text("[Added Associations]\ntext/plain=gedit.desktop;\n")
    desktop.install_desktop(tmp_path / "data", tmp_path / "config", command=["eb"], run_tools=False)
    assert mimeapps.read_text() == ("[Added Associations]\ntext/plain=gedit.desktop;\n\n[Default Applications]\n"
                                    "application/x-evidence-board=evidence-board.desktop;\n")


def test_missing_desktop_tools_are_warnings_not_failures(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    report = desktop.install_desktop(tmp_path / "data", tmp_path / "config", command=["eb"])
    assert report.ran == []
    assert len(report.warnings) == 3 and all("not installed" in w for w in report.warnings)
    assert (tmp_path / "data" / "applications" / "evidence-board.desktop").is_file()


@pytest.mark.skipif(shutil.which("update-mime-database") is None, reason="shared-mime-info not installed")
def test_update_mime_database_accepts_the_type(tmp_path: Path) -> None:
    report = desktop.install_desktop(tmp_path / "data", tmp_path / "config", command=["eb"])
    assert any(r.startswith("update-mime-database") for r in report.ran), report.warnings
    mime = tmp_path / "data" / "mime"
    assert "application/x-evidence-board:*.evb" in (mime / "globs2").read_text()
    assert b"application/x-evidence-board" in (mime / "magic").read_bytes()


def test_cli_command_installs_for_the_current_user(tmp_path: Path) -> None:
    # A separate process: registering the command must not change the CLI
    # the other tests see.
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"),
               PATH=str(tmp_path / "empty"))
    script = ("import sys; import evidence_board.cli.desktop_command; from evidence_board.cli import run; "
              "sys.argv = ['evidence-board', 'install-desktop']; run()")
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "warning: update-mime-database is not installed" in result.stderr
    entry = (tmp_path / "data" / "applications" / "evidence-board.desktop").read_text()
    assert f"Exec={sys.executable} -m evidence_board %f" in entry  # no evidence-board on this PATH


def test_desktop_and_sample_modules_need_no_qt() -> None:
    script = ("import sys, evidence_board.desktop, evidence_board.sample, evidence_board.cli.desktop_command; "
              "print(sorted(m for m in sys.modules if m.startswith('PySide6')))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_exec_arguments_are_escaped_as_the_desktop_entry_spec_says() -> None:
    entry = desktop.desktop_entry_text("[Desktop Entry]\nExec=x %f\nTryExec=x\n",
                                       ["/opt/100% sure/bin/python", "-m", "evidence_board"])
    assert 'Exec="/opt/100%% sure/bin/python" -m evidence_board %f' in entry
    assert desktop._desktop_quote('say "hi"') == '"say \\\\"hi\\\\""'
