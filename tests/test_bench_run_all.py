"""bench/run_all.py: every benchmark's figures in one table, a crashing one reported."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run_all():
    spec = importlib.util.spec_from_file_location("bench_run_all", ROOT / "bench" / "run_all.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_figures_against_targets_and_a_failing_benchmark(tmp_path: Path) -> None:
    run_all = _run_all()
    (tmp_path / "fast_bench.py").write_text(
        "import json\nprint('warming up')\nprint(json.dumps({'benchmark': 'fast', "
        "'ours': {'load_s': 0.2, 'fps': 50}, 'baseline': {'load_s': 0.1}, "
        "'targets': {'load_s': 0.3, 'fps': {'min': 60}}, 'ratio_to_baseline': {'load_s': 2.0}}))\n")
    (tmp_path / "sizes_bench.py").write_text(
        "import json\nprint(json.dumps({'results': [{'cards': 100, 'pdf_s': 0.5}, {'cards': 1000, 'pdf_s': 3.0}], "
        "'targets': {'pdf_1000_s': 2.0, 'pdf_100_s': 1.0}, 'meets_targets': False, 'ratio_to_baseline': 1.4}))\n")
    (tmp_path / "broken_bench.py").write_text("raise SystemExit('no display')\n")
    scripts = run_all.find_benchmarks(tmp_path)
    assert [s.name for s in scripts] == ["broken_bench.py", "fast_bench.py", "sizes_bench.py"]
    runs = [run_all.run_benchmark(s, timeout=60) for s in scripts]
    assert not runs[0].ok and "no display" in runs[0].error
    figures = {f.name: f for f in run_all.figures_of(runs[1])}
    assert (figures["load_s"].value, figures["load_s"].met, figures["load_s"].ratio) == (0.2, True, 2.0)
    assert (figures["fps"].value, figures["fps"].met, figures["fps"].target) == (50, False, ">= 60")
    by_size = {f.name: (f.value, f.met) for f in run_all.figures_of(runs[2])}
    assert by_size == {"pdf_1000_s": (3.0, False), "pdf_100_s": (0.5, True)}
    text = run_all.table(runs)
    assert "(failed)" in text and "load_s" in text
    summary = run_all.summary(runs)
    assert summary["all_ran"] is False and summary["all_targets_met"] is False
    json.dumps(summary)  # the summary is plain JSON
    assert run_all.table(runs, markdown=True).startswith("| benchmark | figure |")


def test_saved_results_print_again_without_running(tmp_path: Path, capsys) -> None:
    run_all = _run_all()
    (tmp_path / "one_bench.py").write_text("import json\nprint(json.dumps({'x_s': 1.0, 'targets': {'x_s': 2}}))\n")
    runs = [run_all.run_benchmark(s, timeout=60) for s in run_all.find_benchmarks(tmp_path)]
    saved = tmp_path / "results.json"
    saved.write_text(json.dumps(run_all.summary(runs)))
    assert run_all.main(["--from-json", str(saved), "--markdown"]) == 0
    assert "| one | x_s | 1 | <= 2 | - | yes |" in capsys.readouterr().out
