"""How fast the History panel reads a long audit trail (JSON).

    python bench/history_bench.py [--events 20000] [--import-cards 10000]

Builds a case whose one busy card was moved ``--events`` times (and edited
every fifth time), then had ``--import-cards`` notes imported in one step
(one event of twice as many row changes), and times, median of 5:

- ``case_page_ms`` / ``card_page_ms``: ``audit_page`` (the newest 100 events,
  at most 50 changes each) for the whole case and for the busy card;
- ``panel_case_ms`` / ``panel_card_ms``: the History panel refilled from them,
  offscreen, described in words, as after every edit while it is visible;
- ``restore_oldest_ms``: ``card_as_of`` for the card's first version, the
  whole trail walked back.

The baseline is what reading the trail cost before the panel: the store's
``audit_events(limit=100, with_changes=True)``, which decodes every change of
each event (all of the import's), and ``card_history``, which reads the
card's whole history.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evidence_board.services import CaseService  # noqa: E402
from evidence_board.store import CaseFile  # noqa: E402


def _median_ms(call, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 1)


def build(path: Path, events: int, import_cards: int) -> str:
    case = CaseFile.create(path, "Long history", "Bench")
    case.conn.execute("PRAGMA synchronous = OFF")  # building only: thousands of commits, none of them measured
    service = CaseService(case, "Bench")
    board = case.boards()[0].id
    card = service.create_card("note", title="Busy card", board_id=board).created[0]
    for n in range(events):
        service.move_cards(board, {card: (n, n)})
        if n % 5 == 0:
            service.update_card(card, text=f"version {n}")
    service.create_cards([{"kind": "note", "title": f"lead {n}", "x": n * 10.0, "y": 400.0}
                          for n in range(import_cards)], board)
    case.close()
    return card


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--import-cards", type=int, default=10000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.evb"
        card = build(path, args.events, args.import_cards)
        case = CaseFile.open(path)
        first = case.audit_page(card_id=card, limit=1 << 30)[-1].id
        ours = {
            "case_page_ms": _median_ms(lambda: case.audit_page(limit=100)),
            "card_page_ms": _median_ms(lambda: case.audit_page(card_id=card, limit=100)),
            "restore_oldest_ms": _median_ms(lambda: case.card_as_of(card, first)),
        }
        baseline = {
            "case_page_ms": _median_ms(lambda: case.audit_events(limit=100, with_changes=True)),
            "card_page_ms": _median_ms(lambda: case.card_history(card), runs=3),
        }
        from PySide6.QtWidgets import QApplication

        from evidence_board.ui.history_panel import HistoryPanel

        app = QApplication.instance() or QApplication([])
        panel = HistoryPanel(CaseService(case, "Bench"))
        panel.resize(1200, 300)
        panel.show()
        app.processEvents()
        panel.set_scope("case")
        ours["panel_case_ms"] = _median_ms(panel.refresh)
        panel.set_scope("card")
        panel.show_card(card)
        ours["panel_card_ms"] = _median_ms(panel.refresh)
        events = case.counts()["audit_events"]
        panel.detach()
        case.close()
    result = {
        "benchmark": "history",
        "audit_events": events,
        "ours": ours,
        "baseline": baseline,
        "targets": {"panel_case_ms": 50, "panel_card_ms": 50, "restore_oldest_ms": 100},
        "ratio_to_baseline": {k: round(ours[k] / baseline[k], 3) for k in baseline if baseline[k]},
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
