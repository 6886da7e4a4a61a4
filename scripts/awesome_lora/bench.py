"""The benchmark: how the tool's steps compare with the floors of the libraries it stands on.

    python -m awesome_lora.bench [--sizes 200 2000 20000] [--runs 3] [--json bench.json]

Each step runs in a fresh Python process (so imports, caches and peak memory are its own), several times;
the table gives the median. Ratios are to a floor measured in the same run, because shared machines are
noisy: absolute seconds drift, ratios hold. Not a test: nothing here asserts.

The synthetic lists get the site's inputs too (mkdocs.yml, site/, the hook). The site's floor is a bare
`mkdocs build` of the same entries as plain Markdown pages (one per top-level section; same theme and
settings, no hook). At the largest size the "reader" figures follow: bytes of the home page and of the
largest category page, and the time headless chromium takes to load the All-papers page and apply a year
filter (Playwright with Debian's chromium; skipped, with the reason, when either is missing).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]

# step → (what it measures, the floor it is compared with)
STEPS: dict[str, tuple[str, str | None]] = {
    "floor-parse": ("parse every record with PyYAML's C loader, nothing else", None),
    "validate": ("load + validate all records (cold, no cache)", "floor-parse"),
    "readme": ("load + validate + render README.md (and lists/) in memory (cold)", "floor-parse"),
    "floor-start": ("start Python and import pydantic, jinja2 and PyYAML, nothing else (wall clock)", None),
    "command": ("the whole `awesome-lora build --no-site` command, from start to exit (wall clock)", "floor-start"),
    "build-unchanged": ("`awesome-lora build` when nothing changed since the last build", None),
    "build-one-changed": ("`awesome-lora build --no-site` (README, lists/, schema) after one record changed", None),
    "site-floor": ("bare `mkdocs build` of the same entries as plain Markdown pages, same theme, no hook", None),
    "site": ("full site build with `build_site` (load, validate, pages, data files, MkDocs)", "site-floor"),
    "site-one-changed": ("`awesome-lora build` (README and site) after one record changed", "site-floor"),
}
# The order of the steps within a round: an unchanged rebuild right after a full one (which it needs).
ROUND_ORDER = [step for step in STEPS if step != "build-unchanged"] + ["build-unchanged"]
SITE_INPUTS = ("mkdocs.yml", "site", "scripts/awesome_lora/mkdocs_hooks.py")
FLOOR_DIR = "floor"  # inside a list's folder: the floor project (mkdocs.yml, site/ with plain pages)
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
READER_RUNS = 5


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
        from awesome_lora.build import load_for_build
        from awesome_lora.render import render_markdown_files

        render_markdown_files(load_for_build(root_path))  # what `build` does
    elif step in ("floor-start", "command"):  # a process of its own, timed from its start to its exit
        if step == "command":  # what the `awesome-lora` script runs
            code, args = (
                "import sys; from awesome_lora.cli import main; sys.exit(main())",
                ["--root", root, "build", "--no-site"],
            )
        else:
            code, args = "import pydantic, jinja2, yaml", []
        subprocess.run([sys.executable, "-c", code, *args], check=True, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}))
        return
    elif step.startswith("build-") or step == "site-one-changed":
        from awesome_lora.cli import main

        args = ["--no-site"] if step == "build-one-changed" else []
        with open(os.devnull, "w") as sink:
            stdout, sys.stdout = sys.stdout, sink
            try:
                status = main(["--root", root, "build", *args, *os.environ.get("BENCH_BUILD_ARGS", "").split()])
            finally:
                sys.stdout = stdout
        assert status == 0
    elif step == "site-floor":
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        build(load_config(str(root_path / FLOOR_DIR / "mkdocs.yml")))
    elif step == "site":
        from awesome_lora.site import build_site

        build_site(root_path)
    else:
        raise SystemExit(f"unknown step {step}")
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak_mb": _own_peak_mb()}))


def _own_peak_mb() -> float:
    """This process's peak resident memory. Linux's ``ru_maxrss`` would also count the peak of the process
    that started it (it survives the fork and exec), so the high-water mark of this program's own memory is
    read instead where there is one."""
    import resource

    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
        return int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)[1]) / 1024  # type: ignore[index]
    except (OSError, TypeError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run_step(step: str, root: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "awesome_lora.bench", "--child", step, str(root)],
        check=True, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"},
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def add_site_inputs(root: Path, repo: Path = REPO) -> Path:
    """Copy what the site is built from, beyond the records, taxonomy and templates, into a list's folder."""
    for name in SITE_INPUTS:
        source, target = repo / name, root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copy2(source, target)
    return root


def write_floor_project(root: Path) -> Path:
    """The site's floor for the list at ``root``: its entries as plain Markdown pages for a bare MkDocs build.

    One page per top-level section; each leaf a heading, each entry (a paper under one of its leaves) a
    heading with its title and anchor, a line of authors, venue and date, and its links. The same mkdocs.yml
    without the hook (and without `watch`, which names the list's own inputs), the same site/ folder (theme
    overrides, styles, scripts), no navigation (MkDocs lists the pages itself).
    """
    import re

    from awesome_lora.catalog import load_catalog
    from awesome_lora.site import markdown_literal, paper_anchor

    catalog = load_catalog(root)
    floor = root / FLOOR_DIR
    shutil.rmtree(floor, ignore_errors=True)
    shutil.copytree(root / "site", floor / "site")
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"^(hooks|watch):\n(?:[ \t]+.*\n|\n)*", "", config, flags=re.MULTILINE)
    (floor / "mkdocs.yml").write_text(config, encoding="utf-8")
    for section in catalog.taxonomy.sections:
        lines = [f"# {markdown_literal(section.title)}", ""]
        for placed in catalog.taxonomy:
            if placed.depth == 1 or placed.section.id != section.id:
                continue
            lines += [f"{'#' * placed.depth} {markdown_literal(placed.node.title)}", ""]
            for paper in catalog.by_category.get(placed.node.id, []):
                links = [f"[PDF]({paper.pdf})"] if paper.pdf else []
                links += [f"[arXiv](https://arxiv.org/abs/{paper.arxiv})"] if paper.arxiv else []
                links += [f"[Code]({url})" for url in paper.code]
                lines += [
                    f"{'#' * (placed.depth + 1)} {markdown_literal(paper.title)} "
                    f"{{ #{paper_anchor(placed.node.id, paper.id)} }}",
                    "",
                    f"{markdown_literal(', '.join(paper.authors))} · {markdown_literal(paper.venue)} · {paper.date}",
                    "",
                    " · ".join(links),
                    "",
                ]
        (floor / "site" / f"{section.id}.md").write_text("\n".join(lines), encoding="utf-8")
    return floor


def _touch_one_record(root: Path, number: int) -> None:
    """Change one record (its title) the way a contributor would."""
    path = sorted((root / "papers").glob("*.yaml"))[number % 7]
    text = path.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("title: "))
    quote = line[-1] if line[-1] in "'\"" and line[7] == line[-1] else ""  # a quoted title stays quoted
    edited = f"{line.removesuffix(quote)} edited {number}{quote}"
    path.write_text(text.replace(line, edited, 1), encoding="utf-8")


def measure(
    sizes: list[int], runs: int, workdir: Path, steps: list[str], reader: dict[str, Any] | None = None
) -> list[Result]:
    """Run the steps at each size; with ``reader`` (a dict to fill), the reader figures at the largest size.

    The runs go in rounds, each step once per round, so that a burst of load on a shared machine falls on
    a step and its floor alike rather than on all the runs of one of them.
    """
    from awesome_lora.synthetic import write_synthetic_project

    order = sorted(steps, key=ROUND_ORDER.index)
    results: list[Result] = []
    for size in sizes:
        root = add_site_inputs(write_synthetic_project(workdir / f"list-{size}", size, REPO))
        if "site-floor" in steps:
            write_floor_project(root)  # not timed
        samples: dict[str, list[dict[str, float]]] = {step: [] for step in steps}
        for run in range(runs):
            previous = None
            for step in order:
                if step == "build-unchanged" and previous != "site-one-changed":
                    _run_step("site-one-changed", root)  # bring the build (README and site) up to date first
                elif step in ("build-one-changed", "site-one-changed"):
                    _touch_one_record(root, run + (runs if step == "site-one-changed" else 0))
                samples[step].append(_run_step(step, root))
                previous = step
        medians = {
            step: {
                "seconds": statistics.median(s["seconds"] for s in samples[step]),
                "peak_mb": max(s["peak_mb"] for s in samples[step]),
            }
            for step in steps
        }
        for step in steps:
            floor = STEPS[step][1]
            ratio = medians[step]["seconds"] / medians[floor]["seconds"] if floor in medians else None
            # Four digits kept (the table shows three): a ratio recomputed from the JSON comes out the same.
            results.append(Result(size, step, round(medians[step]["seconds"], 4), round(medians[step]["peak_mb"], 1),
                                  floor, round(ratio, 3) if ratio else None))  # fmt: skip
            print(_row(results[-1]), flush=True)
        if reader is not None and size == max(sizes) and "site" in steps:
            if not (root / "public" / "index.html").is_file():
                _run_step("site", root)
            reader.update(measure_reader(root / "public", size))
            print(_reader_line(reader), flush=True)
    return results


def _row(result: Result) -> str:
    ratio = f"{result.ratio:.2f}x {result.floor}" if result.ratio else ""
    return f"{result.papers:>7,} {result.step:<20} {result.seconds:>9.3f} s {result.peak_mb:>8.1f} MB  {ratio}"


# After the All-papers page has drawn its table (papers.js marks "al-papers-ready"): pick the newest year and
# time the filter until the next frame is drawn.
_APPLY_YEAR_FILTER = """() => new Promise(resolve => {
  const select = document.querySelector('select[name=year]');
  const start = performance.now();
  select.value = select.options[1].value;
  select.dispatchEvent(new Event('change', {bubbles: true}));
  requestAnimationFrame(() => setTimeout(() => resolve({
    ms: performance.now() - start, year: select.value, count: document.getElementById('al-count').textContent,
  }), 0));
})"""


def measure_reader(site: Path, papers: int, runs: int = READER_RUNS) -> dict[str, Any]:
    """What a reader downloads and waits for: page sizes, and the All-papers page in headless chromium.

    Sizes are of the HTML only (not the search index, scripts or styles): the home page, the largest category
    page, the All-papers page and its data file. The page is served by `python -m http.server` (its own
    process) and loaded in a fresh browser context each run (nothing cached); the load time runs from the
    navigation's start to the table being drawn, the filter time from the change of the year to the next
    frame. Medians of ``runs``.
    """
    categories = sorted(site.glob("categories/**/index.html"), key=lambda p: p.stat().st_size)
    largest = categories[-1] if categories else None
    figures: dict[str, Any] = {
        "papers": papers,
        "home_bytes": (site / "index.html").stat().st_size,
        "largest_category_page": largest.parent.relative_to(site).as_posix() + "/" if largest else None,
        "largest_category_bytes": largest.stat().st_size if largest else 0,
        "category_pages": len(categories),
        "papers_page_bytes": (site / "papers" / "index.html").stat().st_size,
        "rows_json_bytes": (site / "papers" / "rows.json").stat().st_size,
    }
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        return {**figures, "browser": f"skipped: playwright is not installed ({error})"}
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return {**figures, "browser": f"skipped: {CHROMIUM} is missing"}
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(site)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    loads, filters = [], []
    try:
        url = f"http://127.0.0.1:{port}/papers/"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            try:
                for attempt in range(50):  # wait for the server
                    try:
                        with socket.create_connection(("127.0.0.1", port), timeout=1):
                            break
                    except OSError:
                        time.sleep(0.1 * (attempt + 1))
                for _ in range(runs):
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    page = context.new_page()
                    page.goto(url)
                    page.wait_for_selector("#al-papers-table[aria-busy=false]", timeout=60_000)
                    loads.append(page.evaluate("performance.getEntriesByName('al-papers-ready')[0].startTime"))
                    applied = page.evaluate(_APPLY_YEAR_FILTER)
                    filters.append(applied["ms"])
                    figures["filter"] = f"year {applied['year']}: {applied['count']}"
                    context.close()
            finally:
                browser.close()
    finally:
        server.terminate()
        server.wait()
    load_ms, filter_ms = statistics.median(loads), statistics.median(filters)
    return {
        **figures,
        "browser": "chromium " + _chromium_version(),
        "runs": runs,
        "load_ms": round(load_ms),
        "filter_ms": round(filter_ms),
        "load_and_filter_ms": round(load_ms + filter_ms),
        "load_ms_all": [round(x) for x in loads],
        "filter_ms_all": [round(x) for x in filters],
    }


def _chromium_version() -> str:
    try:
        out = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "?"
    found = re.search(r"\d+(?:\.\d+)+", out)  # "Chromium 131.0.6778.85 built on Debian ..."
    return found[0] if found else out.strip() or "?"


def _reader_line(reader: dict[str, Any]) -> str:
    kb = 1024
    line = (
        f"reader at {reader['papers']:,} papers: home page {reader['home_bytes'] / kb:,.0f} KB, largest category "
        f"page {reader['largest_category_bytes'] / kb:,.0f} KB ({reader['largest_category_page']}), All-papers "
        f"page {reader['papers_page_bytes'] / kb:,.0f} KB + rows.json {reader['rows_json_bytes'] / kb:,.0f} KB"
    )
    if "load_ms" in reader:
        line += (
            f"; in chromium: loaded in {reader['load_ms']} ms, year filter in {reader['filter_ms']} ms "
            f"(total {reader['load_and_filter_ms']} ms, median of {reader['runs']})"
        )
    else:
        line += f"; browser {reader['browser']}"
    return line


def growth(results: list[Result]) -> dict[str, float]:
    """For each step, time at the largest size over time at the size ten times smaller."""
    by = {(r.papers, r.step): r.seconds for r in results}
    sizes = sorted({r.papers for r in results})
    out = {}
    for step in dict.fromkeys(r.step for r in results):  # in the table's order, the same every run
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
    # Measured as an installed tool runs: pip compiles a package's modules to bytecode when it installs it,
    # an editable install does not (and PYTHONDONTWRITEBYTECODE would keep Python from doing it later).
    compileall.compile_dir(Path(__file__).parent, quiet=1)
    workdir = Path(tempfile.mkdtemp(prefix="awesome-lora-bench-"))
    print(f"{'papers':>7} {'step':<20} {'median':>11} {'peak':>11}  ratio to floor")
    reader: dict[str, Any] = {}
    try:
        results = measure(args.sizes, args.runs, workdir, args.steps, reader)
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
        "reader": reader or None,
    }
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report["growth"], indent=2))
    print(f"written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
