"""Case-file benchmark: build, load and edit a large case through the services.

Prints JSON. Each figure comes with a baseline measured in the same run on
the same disk (raw sqlite3 doing the bare minimum), because these machines
are noisy and a ratio travels better than a time.

    python bench/store_bench.py [--cards 10000] [--repeat-moves 200]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from evidence_board.services import CaseService
from evidence_board.store import CaseFile

TARGETS = {"build_s": 2.0, "load_board_s": 0.3, "move_median_ms": 10.0}


def build_specs(cards: int, seed: int = 7) -> tuple[list[dict], list[tuple[int, int]]]:
    rng = random.Random(seed)
    kinds = ["note", "entity", "entity", "note", "group"]
    specs = []
    for n in range(cards):
        kind = kinds[n % len(kinds)]
        spec = {"kind": kind, "title": f"Card {n}", "text": f"Text of card {n} about item {rng.randrange(1000)}",
                "x": (n % 100) * 260.0, "y": (n // 100) * 160.0, "tags": ["bench", f"t{n % 7}"]}
        if kind == "entity":
            spec["entity_type"] = "person"
        specs.append(spec)
    links = []
    for _ in range(cards * 2):
        a, b = rng.randrange(cards), rng.randrange(cards)
        links.append((a, b if b != a else (a + 1) % cards))
    return specs, links


def bench_services(folder: Path, cards: int, moves: int) -> dict:
    path = folder / "bench.evb"
    specs, link_pairs = build_specs(cards)
    case = CaseFile.create(path, "Bench", "bench")
    service = CaseService(case, "bench")
    board = case.boards()[0].id

    start = time.perf_counter()
    with service.batch("Build bench case"):
        ids = service.create_cards(specs, board).created
        service.create_links([{"from_card": ids[a], "to_card": ids[b], "label": "linked"} for a, b in link_pairs])
    build = time.perf_counter() - start

    loads = []
    for _ in range(5):  # the first read after the build, then warm repeats
        contents = None  # free the previous read before timing the next
        start = time.perf_counter()
        contents = case.load_board(board)
        loads.append(time.perf_counter() - start)
    assert len(contents.cards) == cards and len(contents.links) == len(link_pairs)
    load = statistics.median(loads)

    # Single committed moves, each followed by the same-sized raw UPDATE on
    # the same disk, alternately, so that disk noise falls on both alike.
    raw = _raw_move_target(folder, cards)
    rng = random.Random(3)
    times, raw_times = [], []
    for _ in range(moves):
        card = ids[rng.randrange(cards)]
        start = time.perf_counter()
        service.move_cards(board, {card: (rng.uniform(0, 20000), rng.uniform(0, 20000))})
        times.append(time.perf_counter() - start)
        start = time.perf_counter()
        raw.execute("UPDATE cards SET x = ?, y = ? WHERE id = ?", (rng.random(), rng.random(), str(rng.randrange(cards))))
        raw_times.append(time.perf_counter() - start)
    raw.close()
    case.close()
    del service, contents  # the build's undo history and board are not part of a fresh open

    # What a user waits for: open the case, read its board (median of five).
    reopened = CaseFile.open(path, read_only=True)
    cold = []
    for _ in range(5):
        start = time.perf_counter()
        board_read = reopened.load_board(board)
        cold.append(time.perf_counter() - start)
        del board_read  # freeing the previous board is not part of reading the next
    load_cold = statistics.median(cold)
    reopened.close()
    return {
        "build_s": round(build, 3),
        "load_board_s": round(load_cold, 3),
        "load_board_after_build_s": round(load, 3),
        "load_board_first_after_build_s": round(loads[0], 3),
        "move_median_ms": round(statistics.median(times) * 1000, 2),
        "move_p95_ms": round(sorted(times)[int(len(times) * 0.95)] * 1000, 2),
        "raw_move_median_ms": round(statistics.median(raw_times) * 1000, 2),
        "file_size_mb": round(os.path.getsize(path) / 1e6, 2),
    }


def _raw_move_target(folder: Path, cards: int) -> sqlite3.Connection:
    """A plain table of the same number of rows, synced like a case file."""
    conn = sqlite3.connect(folder / "raw-moves.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE cards(id TEXT PRIMARY KEY, x REAL, y REAL)")
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO cards VALUES (?, 0, 0)", [(str(n),) for n in range(cards)])
    conn.execute("COMMIT")
    return conn


def bench_raw_sqlite(folder: Path, cards: int) -> dict:
    """The floor: plain inserts in one transaction, and reading them back."""
    path = folder / "raw.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE cards(id TEXT PRIMARY KEY, title TEXT, text TEXT, x REAL, y REAL)")
    conn.execute("CREATE TABLE links(id TEXT PRIMARY KEY, a TEXT, b TEXT, label TEXT)")
    specs, link_pairs = build_specs(cards)
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO cards VALUES (?, ?, ?, ?, ?)",
                     [(str(n), s["title"], s["text"], s["x"], s["y"]) for n, s in enumerate(specs)])
    conn.executemany("INSERT INTO links VALUES (?, ?, ?, ?)",
                     [(f"l{n}", str(a), str(b), "linked") for n, (a, b) in enumerate(link_pairs)])
    conn.execute("COMMIT")
    build = time.perf_counter() - start
    start = time.perf_counter()
    rows = conn.execute("SELECT * FROM cards").fetchall() + conn.execute("SELECT * FROM links").fetchall()
    load = time.perf_counter() - start
    assert len(rows) == cards * 3
    conn.close()
    return {"build_s": round(build, 3), "load_board_s": round(load, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--repeat-moves", type=int, default=200)
    parser.add_argument("--dir", type=Path, help="Where to write the case (default: a temp folder).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        ours = bench_services(folder, args.cards, args.repeat_moves)
        raw = bench_raw_sqlite(folder, args.cards)
        raw["move_median_ms"] = ours.pop("raw_move_median_ms")
    result = {
        "benchmark": "store",
        "cards": args.cards,
        "links": args.cards * 2,
        "evidence_board": ours,
        "raw_sqlite_baseline": raw,
        "ratio_to_baseline": {k: round(ours[k] / raw[k], 1) if raw[k] else None for k in raw},
        "targets": TARGETS if args.cards == 10_000 else {},
        "meets_targets": {k: ours[k] <= v for k, v in TARGETS.items()} if args.cards == 10_000 else {},
    }
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
