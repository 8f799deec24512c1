"""What an install carries: every package, the top-level resources/ as evidence_board.resources, the sample case."""

from __future__ import annotations

import importlib.resources
import importlib.util
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from evidence_board import desktop

ROOT = Path(__file__).resolve().parent.parent
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
RESOURCE_FILES = ["desktop/evidence-board.desktop", "desktop/evidence-board-mime.xml", "icons/evidence-board.svg",
                  *(f"icons/evidence-board-{size}.png" for size in desktop.ICON_SIZES)]


def test_the_resources_are_the_top_level_folder_read_through_the_package() -> None:
    package = importlib.resources.files("evidence_board.resources")
    for name in RESOURCE_FILES:
        assert package.joinpath(name).read_bytes() == (ROOT / "resources" / name).read_bytes(), name
    assert desktop.resources_dir() == ROOT / "resources"
    assert not (ROOT / "evidence_board" / "resources").exists()  # one copy, at the top


def test_every_package_folder_is_listed_in_pyproject() -> None:
    # pyproject lists the packages (find cannot add the mapped resources/), so a new one must be added there.
    folders = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "evidence_board").rglob("*.py")
               if "__pycache__" not in p.parts}
    assert folders | {"evidence_board.resources"} == set(SETUPTOOLS["packages"])
    assert SETUPTOOLS["package-dir"] == {"evidence_board.resources": "resources"}


def _build_wheel(tmp_path: Path) -> Path:
    """A wheel of a copy of the tree as git would check it out (no build/ left in the work tree)."""
    source = tmp_path / "src"
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        source.mkdir(exist_ok=True)
        shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.evb-journal")
    for folder in ("evidence_board", "resources"):
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    # Without network the isolated build cannot fetch setuptools; a recent one installed here builds in place.
    setuptools = importlib.util.find_spec("setuptools")
    isolation = [] if setuptools is None or _setuptools_major() < 77 else ["--no-build-isolation"]
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", *isolation,
                             "-w", str(tmp_path / "wheel"), str(source)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    (wheel,) = (tmp_path / "wheel").glob("*.whl")
    return wheel


def _setuptools_major() -> int:
    import setuptools

    return int(setuptools.__version__.split(".")[0])


@pytest.mark.slow
def test_an_installed_wheel_carries_the_resources_and_the_desktop_install_finds_them(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"evidence_board/resources/{name}" for name in RESOURCE_FILES} <= names
    assert any(n.startswith("evidence_board/sample/") and n.endswith(".evb") for n in names)
    assert not any(n.startswith("resources/") for n in names)  # mapped into the package, not a package of its own
    # Installed as a plain (not editable) copy, run from elsewhere, ahead of this tree's editable install.
    target = tmp_path / "site"
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                              str(wheel)], capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr[-2000:]
    script = ("from evidence_board import desktop; r = desktop.install_desktop(__import__('pathlib').Path('data'), "
              "__import__('pathlib').Path('config'), command=['eb'], run_tools=False); "
              "print(desktop.resources_dir()); print(len(r.installed))")
    run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, PYTHONPATH=str(target)))
    assert run.returncode == 0, run.stderr
    where, installed = run.stdout.split()
    assert Path(where) == target / "evidence_board" / "resources"
    assert int(installed) == 2 + 2 * len(desktop.ICON_SIZES) + 3  # SVGs, PNGs, entry, MIME type, mimeapps.list
    assert (tmp_path / "data" / "applications" / "evidence-board.desktop").is_file()
