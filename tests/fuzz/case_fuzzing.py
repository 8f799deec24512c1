"""Run spoiled case files through the CLI as a user would, and judge the outcome.

Shared by the test (a few hundred files) and ``bench/fuzz_bench.py`` (ten
times more). Every file must open or be refused with a one-line error, in
under ``TIME_LIMIT`` seconds, without a traceback, and must not change.
"""

from __future__ import annotations

import hashlib
import random
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner

from evidence_board.cli import main
from tests.fuzz.mutations import build_seed_case, mutate

TIME_LIMIT = 5.0
COMMANDS = (["info"], ["check"], ["cards", "--json"], ["search", "missiles"])


@dataclass
class FuzzResult:
    files: int = 0
    runs: int = 0
    exit_codes: Counter = field(default_factory=Counter)
    mutations: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    slowest: float = 0.0


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def judge(name: str, args: list[str], code: int, stderr: str, seconds: float, exception: BaseException | None,
          before: str, path: Path, result: FuzzResult) -> None:
    result.runs += 1
    result.exit_codes[code] += 1
    result.slowest = max(result.slowest, seconds)
    label = f"{path.name} ({name}) {' '.join(args)}"
    if exception is not None and not isinstance(exception, SystemExit):
        result.failures.append(f"{label}: raised {type(exception).__name__}: {exception}")
    if code not in (0, 1, 2):
        result.failures.append(f"{label}: exit {code}: {stderr.strip()[:300]}")
    if "Traceback" in stderr:
        result.failures.append(f"{label}: traceback: {stderr[-300:]}")
    if code == 2 and len(stderr.strip().splitlines()) != 1:
        result.failures.append(f"{label}: the error is not one line: {stderr!r}")
    if seconds > TIME_LIMIT:
        result.failures.append(f"{label}: took {seconds:.1f} s")
    if _digest(path) != before:
        result.failures.append(f"{label}: the file changed")
    extra = sorted(p.name for p in path.parent.iterdir() if p.name != path.name)
    if extra:
        result.failures.append(f"{label}: files appeared beside it: {extra}")


def fuzz_cases(folder: Path, count: int, seed: int, subprocesses: int = 0) -> FuzzResult:
    """Mutate the seed case ``count`` times; run each through every command in
    process (click's runner) and the first ``subprocesses`` as real processes."""
    rng = random.Random(seed)
    seed_bytes = build_seed_case(folder / "seed.evb").read_bytes()
    runner = CliRunner()  # click 8.2+: stderr kept apart from stdout
    result = FuzzResult()
    for number in range(count):
        name, data = mutate(seed_bytes, rng)
        case_folder = folder / f"f{number:05d}"
        case_folder.mkdir()
        path = case_folder / "case.evb"
        path.write_bytes(data)
        before = _digest(path)
        result.files += 1
        result.mutations[name] += 1
        for args in COMMANDS:
            started = time.perf_counter()
            outcome = runner.invoke(main, [args[0], str(path), *args[1:]], catch_exceptions=True)
            judge(name, args, outcome.exit_code, outcome.stderr, time.perf_counter() - started,
                  outcome.exception, before, path, result)
        if number < subprocesses:
            # The 5 s are for the work, not for starting Python on a busy
            # machine: subtract a start-up measured just before.
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "evidence_board", "--version"], capture_output=True, timeout=60)
            startup = time.perf_counter() - started
            for args in (["info"], ["check"]):
                started = time.perf_counter()
                proc = subprocess.run([sys.executable, "-m", "evidence_board", args[0], str(path)],
                                      capture_output=True, text=True, timeout=60)
                judge(name, args, proc.returncode, proc.stderr, time.perf_counter() - started - startup,
                      None, before, path, result)
    return result
