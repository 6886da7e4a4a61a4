"""The benchmark: how the tool's steps compare with the floors of the libraries it stands on.

    python -m awesome_lora.bench [--sizes 200 2000 20000] [--runs 3] [--json bench.json]

Each step runs in a fresh Python process (so imports, caches and peak memory are its own), several times;
the table gives the median. Ratios are to a floor measured in the same run, because shared machines are
noisy: absolute seconds drift, ratios hold. Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# step → (what it measures, the floor it is compared with)
STEPS: dict[str, tuple[str, str | None]] = {
    "floor-parse": ("parse every record with PyYAML's C loader, nothing else", None),
    "validate": ("load + validate all records (cold, no cache)", "floor-parse"),
    "readme": ("load + validate + render README.md (and lists/) in memory (cold)", "floor-parse"),
    "build-unchanged": ("`awesome-lora build` when nothing changed since the last build", None),
    "build-one-changed": ("`awesome-lora build` after one record changed", None),
}


@dataclass
class Result:
    papers: int
    step: str
    seconds: float
    peak_mb: float
    floor: str | None
    ratio: float | None


def _child(step: str, root: str) -> None:
    """Run one step in this (fresh) process and print its time and peak memory as JSON."""
    import resource

    root_path = Path(root)
    start = time.perf_counter()
    if step == "floor-parse":
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        for path in sorted((root_path / "papers").iterdir()):
            yaml.load(path.read_bytes(), Loader=loader)
    elif step == "validate":
        from awesome_lora.catalog import load_catalog

        catalog = load_catalog(root_path)
        assert not catalog.problems, catalog.problems[:3]
    elif step == "readme":
        from awesome_lora.catalog import load_catalog
        from awesome_lora.render import render_markdown_files

        render_markdown_files(load_catalog(root_path))
    elif step.startswith("build-"):
        from awesome_lora.cli import main

        with open(os.devnull, "w") as sink:
            stdout, sys.stdout = sys.stdout, sink
            try:
                status = main(["--root", root, "build", *os.environ.get("BENCH_BUILD_ARGS", "").split()])
            finally:
                sys.stdout = stdout
        assert status == 0
    else:
        raise SystemExit(f"unknown step {step}")
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}))


def _run_step(step: str, root: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "awesome_lora.bench", "--child", step, str(root)],
        check=True, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"},
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def _touch_one_record(root: Path, number: int) -> None:
    """Change one record (its title) the way a contributor would."""
    path = sorted((root / "papers").glob("*.yaml"))[number % 7]
    text = path.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("title: "))
    path.write_text(text.replace(line, f"{line.rstrip(chr(39))} edited {number}", 1), encoding="utf-8")


def measure(sizes: list[int], runs: int, workdir: Path, steps: list[str]) -> list[Result]:
    from awesome_lora.synthetic import write_synthetic_project

    results: list[Result] = []
    for size in sizes:
        root = write_synthetic_project(workdir / f"list-{size}", size, REPO)
        medians: dict[str, dict[str, float]] = {}
        for step in steps:
            samples = []
            for run in range(runs):
                if step == "build-unchanged":
                    _run_step("build-one-changed", root)  # bring the build up to date first
                elif step == "build-one-changed":
                    _touch_one_record(root, run)
                samples.append(_run_step(step, root))
            medians[step] = {
                "seconds": statistics.median(s["seconds"] for s in samples),
                "peak_mb": max(s["peak_mb"] for s in samples),
            }
            floor = STEPS[step][1]
            ratio = medians[step]["seconds"] / medians[floor]["seconds"] if floor in medians else None
            results.append(Result(size, step, round(medians[step]["seconds"], 3), round(medians[step]["peak_mb"], 1),
                                  floor, round(ratio, 2) if ratio else None))  # fmt: skip
            print(_row(results[-1]), flush=True)
    return results


def _row(result: Result) -> str:
    ratio = f"{result.ratio:.2f}x {result.floor}" if result.ratio else ""
    return f"{result.papers:>7,} {result.step:<20} {result.seconds:>9.3f} s {result.peak_mb:>8.1f} MB  {ratio}"


def growth(results: list[Result]) -> dict[str, float]:
    """For each step, time at the largest size over time at the size ten times smaller."""
    by = {(r.papers, r.step): r.seconds for r in results}
    sizes = sorted({r.papers for r in results})
    out = {}
    for step in {r.step for r in results}:
        for small in sizes:
            if (small * 10, step) in by and by[(small, step)] > 0:
                out[f"{step} {small * 10}/{small}"] = round(by[(small * 10, step)] / by[(small, step)], 2)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m awesome_lora.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000, 20000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--steps", nargs="+", default=list(STEPS), choices=list(STEPS))
    parser.add_argument("--json", type=Path, default=Path("bench-results.json"))
    parser.add_argument("--keep", action="store_true", help="keep the generated lists (printed folder)")
    parser.add_argument("--child", nargs=2, metavar=("STEP", "ROOT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="awesome-lora-bench-"))
    print(f"{'papers':>7} {'step':<20} {'median':>11} {'peak':>11}  ratio to floor")
    try:
        results = measure(args.sizes, args.runs, workdir, args.steps)
    finally:
        if args.keep:
            print(f"lists kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    report = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "runs": args.runs,
        "results": [asdict(r) for r in results],
        "growth": growth(results),
    }
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report["growth"], indent=2))
    print(f"written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
