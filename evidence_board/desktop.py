"""A home on the desktop: icon, menu entry and the ``.evb`` file type, for this user.

``evidence-board install-desktop`` copies the resources into the XDG data
folder (``$XDG_DATA_HOME``, else ``~/.local/share``), names Evidence Board the
default application for case files in ``mimeapps.list`` (unless the user
chose another), and refreshes the desktop's caches with
``update-mime-database``, ``update-desktop-database`` and
``gtk-update-icon-cache`` when they are installed. A missing or failing tool
is reported, never fatal: the files are in place and the desktop picks them
up at its next scan. No Qt here.
"""

from __future__ import annotations

import importlib.resources
import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

APP_ID = "evidence-board"
MIME_TYPE = "application/x-evidence-board"
MIME_ICON = "application-x-evidence-board"
DESKTOP_FILE = f"{APP_ID}.desktop"
MIME_FILE = f"{APP_ID}-mime.xml"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
TOOL_TIMEOUT = 60.0


@dataclass(slots=True)
class InstallReport:
    installed: list[Path] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)  # tools that ran and succeeded
    warnings: list[str] = field(default_factory=list)  # tools missing or failing

    def lines(self) -> list[str]:
        icons = [p for p in self.installed if "icons" in p.parts]
        out = [f"installed {len(icons)} icon files under {icons[0].parents[2]}"] if icons else []
        out += [f"installed {path}" for path in self.installed if path not in icons]
        out += [f"ran {tool}" for tool in self.ran]
        return out + [f"warning: {w}" for w in self.warnings]


def resources_dir() -> Path:
    """Where the icon, desktop entry and MIME type live: the package
    ``evidence_board.resources``, which pyproject.toml maps to ``resources/``
    at the top of the source tree, so an installed wheel carries them. Run
    from a source tree that is not installed, it is that folder."""
    try:
        here = Path(str(importlib.resources.files("evidence_board.resources")))
    except ModuleNotFoundError:
        here = Path(__file__).resolve().parent.parent / "resources"
    if not (here / "desktop" / DESKTOP_FILE).is_file():
        raise FileNotFoundError(f"the desktop resources are missing from {here}")
    return here


def _xdg_dir(variable: str, fallback: str) -> Path:
    value = os.environ.get(variable, "").strip()
    return Path(value) if value and os.path.isabs(value) else Path.home() / fallback


def data_home() -> Path:
    return _xdg_dir("XDG_DATA_HOME", ".local/share")


def config_home() -> Path:
    return _xdg_dir("XDG_CONFIG_HOME", ".config")


def launcher_command() -> list[str]:
    """The command a desktop runs to start us: the installed ``evidence-board``
    script by absolute path (a virtual environment is not on the desktop's
    PATH), else this Python running the package."""
    script = shutil.which(APP_ID)
    if script:
        return [str(Path(script).resolve())]
    return [sys.executable, "-m", "evidence_board"]


def desktop_entry_text(template: str, command: list[str]) -> str:
    """The desktop entry with Exec and TryExec pointing at ``command``."""
    exec_line = " ".join(_desktop_quote(part) for part in command) + " %f"
    out = []
    for line in template.splitlines():
        if line.startswith("Exec="):
            line = f"Exec={exec_line}"
        elif line.startswith("TryExec="):
            line = f"TryExec={command[0]}"
        out.append(line)
    return "\n".join(out) + "\n"


def _desktop_quote(arg: str) -> str:
    """Quote one Exec argument as the Desktop Entry spec wants (double quotes,
    backslash before ``"`\\$``, ``%%`` for ``%``), only when it needs quoting."""
    arg = arg.replace("%", "%%")  # a literal percent sign, not a field code
    if arg and not any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`"):
        return arg
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    # The whole value is unescaped once more (a doubled backslash to one) before the quotes are read.
    return f'"{escaped}"'.replace("\\", "\\\\")


def _copy(data: bytes, target: Path, report: InstallReport) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, target)
    report.installed.append(target)


def set_default_application(mimeapps: Path, mime_type: str, desktop_file: str) -> bool:
    """Name ``desktop_file`` the default for ``mime_type`` in ``mimeapps.list``
    unless the user already chose one; other lines stay as they were.
    Returns whether the file changed."""
    lines = mimeapps.read_text(encoding="utf-8").splitlines() if mimeapps.exists() else []
    section = "[Default Applications]"
    current = None
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("["):
            current = stripped
        elif current == section and stripped.split("=", 1)[0].strip() == mime_type:
            return False
    entry = f"{mime_type}={desktop_file};"
    if section in (line.strip() for line in lines):
        at = [line.strip() for line in lines].index(section)
        lines.insert(at + 1, entry)
    else:
        lines += ([""] if lines and lines[-1].strip() else []) + [section, entry]
    mimeapps.parent.mkdir(parents=True, exist_ok=True)
    partial = mimeapps.with_name(f".{mimeapps.name}.partial")
    partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(partial, mimeapps)
    return True


def _run_tool(argv: list[str], report: InstallReport) -> None:
    tool = shutil.which(argv[0])
    if tool is None:
        report.warnings.append(f"{argv[0]} is not installed; the desktop will notice the new files later")
        return
    try:
        result = subprocess.run([tool, *argv[1:]], capture_output=True, text=True, timeout=TOOL_TIMEOUT,
                                check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        report.warnings.append(f"{argv[0]} did not run ({exc})")
        return
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        report.warnings.append(f"{argv[0]} failed ({detail[-1] if detail else f'exit {result.returncode}'})")
    else:
        report.ran.append(shlex.join(argv))


def install_desktop(data: Path | None = None, config: Path | None = None,
                    command: list[str] | None = None, run_tools: bool = True) -> InstallReport:
    """Install the icon, desktop entry and MIME type for the current user.

    Raises OSError only if the files themselves cannot be written.
    """
    data = data or data_home()
    config = config or config_home()
    res = resources_dir()
    report = InstallReport()
    icons = data / "icons" / "hicolor"
    svg = (res / "icons" / f"{APP_ID}.svg").read_bytes()
    _copy(svg, icons / "scalable" / "apps" / f"{APP_ID}.svg", report)
    _copy(svg, icons / "scalable" / "mimetypes" / f"{MIME_ICON}.svg", report)
    for size in ICON_SIZES:
        png = (res / "icons" / f"{APP_ID}-{size}.png").read_bytes()
        _copy(png, icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png", report)
        _copy(png, icons / f"{size}x{size}" / "mimetypes" / f"{MIME_ICON}.png", report)
    template = (res / "desktop" / DESKTOP_FILE).read_text(encoding="utf-8")
    entry = desktop_entry_text(template, command or launcher_command())
    _copy(entry.encode("utf-8"), data / "applications" / DESKTOP_FILE, report)
    _copy((res / "desktop" / MIME_FILE).read_bytes(), data / "mime" / "packages" / f"{APP_ID}.xml", report)
    mimeapps = config / "mimeapps.list"
    if set_default_application(mimeapps, MIME_TYPE, DESKTOP_FILE):
        report.installed.append(mimeapps)
    if run_tools:
        _run_tool(["update-mime-database", str(data / "mime")], report)
        _run_tool(["update-desktop-database", str(data / "applications")], report)
        _run_tool(["gtk-update-icon-cache", "--force", "--ignore-theme-index", str(icons)], report)
    return report
