"""Take the README's pictures of the board window on a copy of the sample case.

    python sample_case/make_window_screenshot.py [--output-dir docs]

Offscreen, a 1600 x 1000 window as a user first sees it (the board's own
first view), with one card selected so the inspector shows what it edits;
then the same window with the History panel open on that card. The packaged
sample is copied first, so it is never touched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from evidence_board.sample import sample_case_path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SELECTED = "Raúl Castro"


def _settle(app: QApplication, rounds: int = 20) -> None:
    for _ in range(rounds):
        app.processEvents()


def take(output_dir: Path) -> list[Path]:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from evidence_board.ui.main_window import MainWindow  # after the QApplication exists

    written = []
    with tempfile.TemporaryDirectory() as folder:
        case_path = Path(folder) / "sample.evb"
        shutil.copyfile(sample_case_path(), case_path)
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings)
        if not window.open_case(case_path):
            raise SystemExit("the sample case did not open")
        window.resize(1600, 1000)
        window.show()
        _settle(app)
        view = window.current_view()
        scene = view.board_scene
        chosen = [card_id for card_id, item in scene.cards.items() if item.card.title == SELECTED]
        if chosen:
            view.commands.select(chosen)
        _settle(app)
        board = output_dir / "screenshot-board.png"
        window.grab().save(str(board))
        written.append(board)

        window.history_dock.show()
        _settle(app)
        path = output_dir / "screenshot-history.png"
        window.grab().save(str(path))
        written.append(path)
        window.close_case()
        window.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output-dir", type=Path, default=ROOT / "docs")
    args = parser.parse_args(argv)
    for path in take(args.output_dir):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
