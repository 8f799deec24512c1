"""Instructions, not seconds: building a case through the services and
reading its board back, counted by valgrind's callgrind, against raw sqlite3
doing the same rows, counted the same way.

These shared machines change speed by up to 1.8x for minutes at a time;
instruction counts do not, so one run says whether a change to the store
made it do less work. Each step runs twice under callgrind, once without the
step itself, and the difference is the step's. Needs valgrind (apt install
valgrind); without it the script says so and reports nothing.

    python bench/instructions_bench.py [--cards 2000]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from store_bench import build_case, raw_build, raw_load  # noqa: E402  (a sibling script)

STEPS = ("build", "load", "raw_build", "raw_load")


def run_step(step: str, folder: Path, cards: int, do_it: bool) -> None:
    """The child: the setup a step needs, then (if do_it) the step."""
    from evidence_board.store import CaseFile

    if step == "build":
        if do_it:
            build_case(folder / "built.evb", cards)[1].close()
        else:  # what build_case makes before its timer starts
            from store_bench import build_specs
            from evidence_board.services import CaseService
            build_specs(cards)
            CaseService(CaseFile.create(folder / "built.evb", "Bench", "bench"), "bench")
    elif step == "load":
        case = CaseFile.open(folder / "case.evb", read_only=True)
        board = case.boards()[0].id
        if do_it:
            case.load_board(board)
    elif step == "raw_build":
        if do_it:
            raw_build(folder / "raw-built.db", cards)
        else:
            from store_bench import build_specs
            build_specs(cards)
    elif step == "raw_load" and do_it:
        raw_load(folder / "raw.db", cards)


def instructions(step: str, folder: Path, cards: int, do_it: bool) -> int:
    for made in ("built.evb", "built.evb.lock", "raw-built.db"):
        (folder / made).unlink(missing_ok=True)
    out = folder / f"callgrind-{step}-{int(do_it)}.out"
    proc = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, __file__,
         "--child", step, "--dir", str(folder), "--cards", str(cards)] + (["--do-it"] if do_it else []),
        capture_output=True, text=True, check=True)
    match = re.search(r"Collected : (\d+)", proc.stderr)
    if match is None:
        raise RuntimeError(f"callgrind printed no count for {step}: {proc.stderr[-300:]}")
    return int(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=2000)
    parser.add_argument("--child", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--do-it", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_step(args.child, args.dir, args.cards, args.do_it)
        return
    if shutil.which("valgrind") is None:
        json.dump({"benchmark": "instructions", "skipped": "valgrind is not installed"}, sys.stdout)
        print()
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # The files the reads read, made without valgrind.
        build_case(folder / "case.evb", args.cards)[1].close()
        raw_build(folder / "raw.db", args.cards)
        counts = {step: instructions(step, folder, args.cards, True) - instructions(step, folder, args.cards, False)
                  for step in STEPS}
    per_card = {k: round(v / args.cards) for k, v in counts.items()}
    result = {
        "benchmark": "instructions",
        "cards": args.cards,
        "links": args.cards * 2,
        "evidence_board": {"build_per_card": per_card["build"], "load_board_per_card": per_card["load"]},
        "raw_sqlite_baseline": {"build_per_card": per_card["raw_build"], "load_board_per_card": per_card["raw_load"]},
        "ratio_to_baseline": {
            "build_per_card": round(counts["build"] / counts["raw_build"], 1),
            "load_board_per_card": round(counts["load"] / counts["raw_load"], 1),
        },
    }
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
