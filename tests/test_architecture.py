"""The Qt-free core must stay Qt-free: model, store and services never import PySide6."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import evidence_board

PACKAGE_DIR = Path(evidence_board.__file__).parent
QT_FREE = ("model", "store", "services", "importers", "sample")


def _modules(package: str) -> list[str]:
    path = PACKAGE_DIR / package
    names = [f"evidence_board.{package}"]
    names += [f"evidence_board.{package}.{m.name}" for m in pkgutil.iter_modules([str(path)])]
    return names


def test_core_source_has_no_qt_imports() -> None:
    offenders = []
    for package in QT_FREE:
        for file in (PACKAGE_DIR / package).rglob("*.py"):
            tree = ast.parse(file.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                offenders += [f"{file.relative_to(PACKAGE_DIR)}: {n}" for n in names
                              if n.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6")]
    assert offenders == []


def test_importing_the_core_loads_no_qt() -> None:
    """Walk the real imports: a fresh interpreter imports every core module
    (and whatever they import in turn) and must end with no Qt module loaded."""
    modules = [m for package in QT_FREE for m in _modules(package)]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(','.join(qt))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert len(modules) > 10
    assert result.stdout.strip() == ""
