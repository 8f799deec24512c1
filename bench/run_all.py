"""Run every ``bench/*_bench.py`` and print one table of figures against their targets.

    python bench/run_all.py [--only store,board] [--markdown] [--json-only] [--strict]
                            [--save FILE] [--from-json FILE]

Each benchmark is a script that prints one JSON object. It names its goals
in ``targets`` (a number is an upper bound; ``{"max": n}`` or ``{"min": n}``
say which way; a name like ``pdf_1000_s`` means ``pdf_s`` in the row of a
``results`` list that has a field equal to 1000), may say itself whether it met them in ``meets_targets``, and
may give ``ratio_to_baseline`` (its figure over a raw baseline measured in
the same run). The benchmarks run one after another, each in its own
process, so one that crashes or hangs is reported and the rest still run.

The table goes to stdout, then (unless ``--markdown``) the JSON of all
results; ``--markdown`` prints the table as Markdown for the README.
``--strict`` exits 1 when a target is missed, as well as when a benchmark fails.
``--save FILE`` keeps the JSON; ``--from-json FILE`` prints its table again
without running anything.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TIMEOUT_S = 900.0
_NOT_FIGURES = ("targets", "meets_targets", "ratio_to_baseline")


@dataclass(slots=True)
class Figure:
    benchmark: str
    name: str
    value: float | None
    target: str
    ratio: float | None
    met: bool | None


@dataclass(slots=True)
class BenchRun:
    name: str
    script: str
    seconds: float
    ok: bool
    error: str = ""
    result: dict[str, Any] | None = None


def find_benchmarks(folder: Path = HERE, only: set[str] | None = None) -> list[Path]:
    scripts = sorted(folder.glob("*_bench.py"))
    if only:
        scripts = [s for s in scripts if s.stem.removesuffix("_bench") in only]
    return scripts


def run_benchmark(script: Path, timeout: float = TIMEOUT_S) -> BenchRun:
    name = script.stem.removesuffix("_bench")
    start = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=timeout,
                              cwd=script.parent.parent)
    except subprocess.TimeoutExpired:
        return BenchRun(name, script.name, time.perf_counter() - start, False, f"timed out after {timeout:.0f} s")
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
        return BenchRun(name, script.name, seconds, False, f"exit {proc.returncode}: {last}")
    try:
        result = parse_output(proc.stdout)
    except ValueError as exc:
        return BenchRun(name, script.name, seconds, False, str(exc))
    return BenchRun(name, script.name, seconds, True, result=result)


def parse_output(stdout: str) -> dict[str, Any]:
    """The JSON object a benchmark printed (the last one, if it printed log lines first)."""
    decoder = json.JSONDecoder()
    found = None
    at = stdout.find("{")
    while at >= 0:
        try:
            value, end = decoder.raw_decode(stdout, at)
        except json.JSONDecodeError:
            at = stdout.find("{", at + 1)
            continue
        if isinstance(value, dict):
            found = value
        at = stdout.find("{", end)
    if found is None:
        raise ValueError("printed no JSON object")
    return found


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            if not prefix and key in _NOT_FIGURES:
                continue
            out.update(_flatten(item, f"{prefix}{key}."))
    else:
        out[prefix.rstrip(".")] = value
    return out


def _lookup(result: dict[str, Any], name: str) -> float | None:
    """A target's figure: the key itself, else the shortest nested path ending in it,
    never a baseline's."""
    flat = _flatten(result)
    if isinstance(flat.get(name), (int, float)) and not isinstance(flat.get(name), bool):
        return flat[name]
    paths = [p for p, v in flat.items() if p.endswith(f".{name}") and "baseline" not in p
             and isinstance(v, (int, float)) and not isinstance(v, bool)]
    if paths:
        return flat[min(paths, key=lambda p: (p.count("."), p))]
    return _lookup_in_rows(result, name)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _lookup_in_rows(value: Any, name: str) -> float | None:
    """A target named for one row of a list of results: ``pdf_1000_s`` is
    ``pdf_s`` of the row that has some field equal to 1000 (``"cards": 1000``)."""
    parts = name.split("_")
    for i, part in enumerate(parts):
        if not part.isdigit():
            continue
        key, size = "_".join(parts[:i] + parts[i + 1:]), int(part)
        for row in _rows(value):
            if _is_number(row.get(key)) and any(_is_number(v) and v == size for k, v in row.items() if k != key):
                return row[key]
    return None


def _rows(value: Any):
    """Every dict inside a list, at any depth."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _rows(item)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                yield item
            yield from _rows(item)


def _bound(target: Any) -> tuple[str, float] | None:
    if isinstance(target, bool):
        return None
    if isinstance(target, (int, float)):
        return "max", float(target)
    if isinstance(target, dict):
        for way in ("max", "min"):
            if isinstance(target.get(way), (int, float)):
                return way, float(target[way])
    return None


def figures_of(run: BenchRun) -> list[Figure]:
    result = run.result or {}
    targets = result.get("targets") if isinstance(result.get("targets"), dict) else {}
    # Per-target verdicts and ratios when the benchmark gives them as mappings
    # (some give one overall verdict, or one ratio, instead).
    meets = next((m for m in (result.get("meets_targets"), result.get("targets_met")) if isinstance(m, dict)), {})
    ratios = result.get("ratio_to_baseline") if isinstance(result.get("ratio_to_baseline"), dict) else {}
    rows = []
    for name, target in targets.items():
        value = _lookup(result, name)
        bound = _bound(target)
        met = meets.get(name) if isinstance(meets.get(name), bool) else None
        if met is None and bound is not None and value is not None:
            met = value <= bound[1] if bound[0] == "max" else value >= bound[1]
        shown = f"{'<=' if bound[0] == 'max' else '>='} {bound[1]:g}" if bound else json.dumps(target)
        ratio = ratios.get(name) if isinstance(ratios.get(name), (int, float)) else None
        rows.append(Figure(run.name, name, value, shown, ratio, met))
    return rows


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def table(runs: list[BenchRun], markdown: bool = False) -> str:
    header = ["benchmark", "figure", "value", "target", "x baseline", "met"]
    rows = []
    for run in runs:
        if not run.ok:
            rows.append([run.name, "(failed)", run.error, "-", "-", "NO"])
            continue
        figures = figures_of(run)
        if not figures:
            rows.append([run.name, "(no targets)", f"ran in {run.seconds:.1f} s", "-", "-", "-"])
        for f in figures:
            rows.append([f.benchmark, f.name, _cell(f.value), f.target, _cell(f.ratio), _cell(f.met)])
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*header), fmt.format(*("-" * w for w in widths)),
                      *(fmt.format(*r) for r in rows)])


def summary(runs: list[BenchRun]) -> dict[str, Any]:
    figures = [f for run in runs if run.ok for f in figures_of(run)]
    return {
        "benchmarks": [asdict(run) for run in runs],
        "figures": [asdict(f) for f in figures],
        "all_ran": all(run.ok for run in runs),
        "all_targets_met": all(f.met is not False for f in figures),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated benchmark names (store for store_bench.py)")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_S, help="seconds per benchmark")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown only")
    parser.add_argument("--json-only", action="store_true", help="print only the JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--save", type=Path, help="also write the JSON of all results to this file")
    parser.add_argument("--from-json", type=Path, help="print the table of results saved by --save; run nothing")
    args = parser.parse_args(argv)
    if args.from_json:
        saved = json.loads(args.from_json.read_text(encoding="utf-8"))
        runs = [BenchRun(**run) for run in saved["benchmarks"]]
    else:
        only = {n.strip() for n in args.only.split(",")} if args.only else None
        scripts = find_benchmarks(HERE, only)
        if not scripts:
            print("run_all: no benchmarks found", file=sys.stderr)
            return 1
        runs = []
        for script in scripts:
            print(f"running {script.name}...", file=sys.stderr, flush=True)
            runs.append(run_benchmark(script, args.timeout))
    result = summary(runs)
    if args.save:
        args.save.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.markdown:
        print(table(runs, markdown=True))
    elif args.json_only:
        print(json.dumps(result, indent=2))
    else:
        print(table(runs))
        print()
        print(json.dumps(result, indent=2))
    failed = not result["all_ran"] or (args.strict and not result["all_targets_met"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
