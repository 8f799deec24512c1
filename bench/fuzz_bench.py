"""Fuzzing benchmark: ten times the test run's spoiled case files and mutated PDFs.

Every case file goes through ``info``, ``check``, ``cards --json`` and
``search`` (and the first 20 also as real processes); every PDF through
``import``. Each must be opened, imported or refused with one line within
5 s, without a traceback, and leave the file unchanged (see
``tests/fuzz/``). Then ten times the test run's crafted values
(``tests/fuzz/value_fuzzing.py``): values at and past every limit in every
column of a real case, each file refused at opening or read by every CLI
read command, exporter, Show in source and the board scene without an
exception. Also measures what the opening checks cost on a large case
against a bare SQLite open in the same run. Prints JSON.

    python bench/fuzz_bench.py [--cases 3000] [--pdfs 2000] [--values 300] [--seed 7] [--cards 10000]
    python bench/fuzz_bench.py --values-only   # only the crafted values, ten times the test run
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evidence_board.services import CaseService  # noqa: E402
from evidence_board.store import CaseFile, safety  # noqa: E402
from tests.fuzz.case_fuzzing import fuzz_cases  # noqa: E402
from tests.fuzz.pdf_fuzzing import fuzz_pdfs  # noqa: E402
from tests.fuzz.test_value_fuzz import FILES as VALUE_FILES_IN_TESTS  # noqa: E402
from tests.fuzz.value_fuzzing import fuzz_values  # noqa: E402

TARGETS = {"case_failures": 0, "pdf_failures": 0, "value_failures": 0, "slowest_s": 5.0}


def crafted_values(folder: Path, count: int, seed: int) -> dict:
    """The property of tests/fuzz/test_value_fuzz.py on ``count`` files: its counts, and the first failures."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])  # noqa: F841 - the reader and the scene need one
    started = time.perf_counter()
    result = fuzz_values(folder, count, seed)
    return {**result.counts(), "seconds": round(time.perf_counter() - started, 1),
            "refusals_most_common": dict(result.refusals.most_common(8)),
            "first_failures": result.failures[:8]}


def open_cost(folder: Path, cards: int) -> dict[str, float]:
    """Median time to open a large case with every check, to open it again
    unchanged, and a bare SQLite open that reads one row."""
    path = folder / "large.evb"
    with CaseFile.create(path, "Large", "Bench") as case:
        service = CaseService(case, "Bench")
        board = case.boards()[0].id
        service.create_cards([{"kind": "note", "title": f"Card {n}", "text": "words " * 40, "tags": ["a", "b"],
                               "x": (n % 100) * 250.0, "y": (n // 100) * 150.0} for n in range(cards)], board)
    checked, again, bare = [], [], []
    for _ in range(5):
        safety._verified_store().unlink(missing_ok=True)  # a file never seen here: every check
        started = time.perf_counter()
        CaseFile.open(path, read_only=True).close()
        checked.append(time.perf_counter() - started)
        started = time.perf_counter()  # the same file again, unchanged: the schema check only
        CaseFile.open(path, read_only=True).close()
        again.append(time.perf_counter() - started)
        started = time.perf_counter()
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        conn.execute("SELECT count(*) FROM cards").fetchone()
        conn.close()
        bare.append(time.perf_counter() - started)
    return {"cards": cards, "size_mb": round(path.stat().st_size / 2**20, 1),
            "checked_open_ms": round(statistics.median(checked) * 1000, 1),
            "reopen_unchanged_ms": round(statistics.median(again) * 1000, 1),
            "bare_open_ms": round(statistics.median(bare) * 1000, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--pdfs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cards", type=int, default=10_000, help="size of the case for the open-cost figure")
    parser.add_argument("--values", type=int, default=10 * VALUE_FILES_IN_TESTS,
                        help="crafted-value case files (default: ten times the test run)")
    parser.add_argument("--values-only", action="store_true", help="run only the crafted values")
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="evb-fuzz-") as folder:
        root = Path(folder)
        os.environ["XDG_DATA_HOME"] = str(root / "data")  # the list of checked files stays here
        for name in ("cases", "pdfs", "open", "values"):
            (root / name).mkdir()
        values = crafted_values(root / "values", args.values, args.seed)
        if args.values_only:
            print(json.dumps({"benchmark": "fuzz", "value_failures": values["failures"], "crafted_values": values,
                              "seconds": round(time.perf_counter() - started, 1),
                              "meets_targets": {"value_failures": values["failures"] == 0}}, indent=2))
            return
        cases = fuzz_cases(root / "cases", args.cases, args.seed, subprocesses=20)
        pdfs = fuzz_pdfs(root / "pdfs", args.pdfs, args.seed, exec_workers=20)
        cost = open_cost(root / "open", args.cards)
    slowest = max(cases.slowest, pdfs.slowest)
    print(json.dumps({
        "benchmark": "fuzz",
        "case_files": cases.files,
        "case_runs": cases.runs,
        "case_exit_codes": {str(k): v for k, v in sorted(cases.exit_codes.items())},
        "case_mutations": dict(cases.mutations.most_common()),
        "case_failures": len(cases.failures),
        "pdf_files": pdfs.files,
        "pdf_imported": pdfs.imported,
        "pdf_refused": pdfs.refused,
        "pdf_mutations": dict(pdfs.mutations.most_common()),
        "pdf_refusals_most_common": dict(pdfs.messages.most_common(8)),
        "pdf_failures": len(pdfs.failures),
        "first_failures": (cases.failures + pdfs.failures)[:8],
        "value_failures": values["failures"],
        "crafted_values": values,
        "slowest_s": round(slowest, 2),
        "open_cost": cost,
        "seconds": round(time.perf_counter() - started, 1),
        "targets": TARGETS,
        "meets_targets": {"case_failures": not cases.failures, "pdf_failures": not pdfs.failures,
                          "value_failures": values["failures"] == 0, "slowest_s": slowest <= 5.0},
        "ratio_to_baseline": {"checked_open_ms": round(cost["checked_open_ms"] / max(cost["bare_open_ms"], 0.01), 1)},
    }, indent=2))


if __name__ == "__main__":
    main()
