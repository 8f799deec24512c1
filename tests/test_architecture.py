"""The architecture is a contract: the layer order and the Qt-free core
(``[tool.importlinter]`` in pyproject.toml), and the lint rules (``[tool.ruff]``).

Both tools run on the files as they are on disk, the way CI runs them, so the
suite fails on a wrong import or a lint finding. The two "can fail" tests plant
a violation in a copy and check the tools name it.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
LINTED = ("evidence_board", "tests", "bench", "sample_case")
LINT_IMPORTS = [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()"]
RUFF = [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise"]


def _contracts() -> list[dict]:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]


def _qt_free_modules() -> list[str]:
    """The forbidden contract's source modules, and every module below them."""
    (qt_free,) = [c for c in _contracts() if c["type"] == "forbidden" and "PySide6" in c["forbidden_modules"]]
    names = []
    for name in qt_free["source_modules"]:
        names.append(name)
        module = importlib.import_module(name)
        if hasattr(module, "__path__"):
            names += [info.name for info in pkgutil.walk_packages(module.__path__, prefix=f"{name}.")]
    return names


def _lint_imports(cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = None if pythonpath is None else {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run([*LINT_IMPORTS, "--no-cache", "--config", str(PYPROJECT)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_import_contracts_are_kept() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(_contracts())} kept, 0 broken." in result.stdout


def test_the_contracts_name_an_import_that_runs_back_up_the_layers(tmp_path: Path) -> None:
    """A copy of the package where the store imports the services, the
    model imports Qt and the board canvas imports the main window:
    lint-imports fails and names all three imports."""
    copy = tmp_path / "evidence_board"
    shutil.copytree(ROOT / "evidence_board", copy, ignore=shutil.ignore_patterns("__pycache__", "*.evb"))
    (copy / "store" / "upward.py").write_text("from evidence_board.services import CaseService\n")
    (copy / "model" / "painted.py").write_text("from PySide6.QtGui import QColor\n")
    (copy / "ui" / "board" / "windowed.py").write_text("from evidence_board.ui.main_window import MainWindow\n")
    result = _lint_imports(tmp_path, pythonpath=tmp_path)
    assert result.returncode != 0
    assert "Contracts: 0 kept, 3 broken." in result.stdout, result.stdout + result.stderr
    assert "evidence_board.store.upward -> evidence_board.services" in result.stdout
    assert "evidence_board.model.painted -> PySide6" in result.stdout
    assert "evidence_board.ui.board.windowed -> evidence_board.ui.main_window" in result.stdout


def test_importing_the_core_loads_no_qt() -> None:
    """Walk the real imports: a fresh interpreter imports every module of the
    Qt-free contract (and whatever they import in turn, lazily or not) and
    must end with no Qt module loaded."""
    modules = _qt_free_modules()
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(','.join(qt))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert len(modules) > 10
    assert result.stdout.strip() == ""


def test_ruff_finds_nothing() -> None:
    result = subprocess.run([*RUFF, *LINTED], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_reports_a_planted_bug(tmp_path: Path) -> None:
    """Our rule set, on a file with a name used before it exists and an
    exception swallowed whole: both are reported."""
    planted = tmp_path / "planted.py"
    planted.write_text("def f() -> None:\n    try:\n        print(undefined_name)\n    except:\n        pass\n")
    result = subprocess.run([*RUFF, "--config", str(PYPROJECT), str(planted)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "F821" in result.stdout and "E722" in result.stdout, result.stdout + result.stderr
