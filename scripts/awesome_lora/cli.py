"""The ``awesome-lora`` command: argument parsing and printing only; the work is done elsewhere."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .problems import Problem, ProblemsFound

EXIT_OK, EXIT_PROBLEMS = 0, 1  # argparse exits with 2 on usage errors


def find_root(start: Path) -> Path:
    """The project root: the nearest folder at or above ``start`` that holds taxonomy.yaml."""
    for folder in (start, *start.parents):
        if (folder / "taxonomy.yaml").is_file():
            return folder
    return start


def report(problems: Sequence[Problem], github: bool) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
        if github:
            print(problem.github_annotation())
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)


def _load(args: argparse.Namespace):
    from .catalog import load_catalog

    return load_catalog(args.root)


def cmd_validate(args: argparse.Namespace) -> int:
    catalog = _load(args)
    report(catalog.problems, args.github)
    if catalog.problems:
        return EXIT_PROBLEMS
    print(f"{len(catalog.records)} papers in {len(catalog.taxonomy.leaf_ids)} categories: all valid.")
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from . import state

    if not args.check and not args.force and not args.no_site and state.up_to_date(args.root, state.OUTPUTS):
        print("Nothing changed since the last build (use --force to build anyway).")
        return EXIT_OK
    state.forget(args.root)

    from .build import generated_files, load_for_build, publish, stale_files

    catalog = load_for_build(args.root)
    if catalog.problems:
        report(catalog.problems, args.github)
        print("Nothing was written: fix the problems above first.", file=sys.stderr)
        return EXIT_PROBLEMS
    files = generated_files(catalog)
    if args.check:
        stale = stale_files(args.root, files)
        for name in stale:
            what = "should be removed" if name not in files else "is stale: it is not what the records produce"
            print(f"{name} {what}; run `awesome-lora build`.", file=sys.stderr)
        return EXIT_PROBLEMS if stale else EXIT_OK
    site_errors: tuple[type[Exception], ...] = ()
    if not args.no_site:  # the site's module (and MkDocs) only when a site is built
        from .site import SiteBuildError

        site_errors = (SiteBuildError,)
    try:
        changed = publish(args.root, catalog, files, with_site=not args.no_site)
    except site_errors as error:
        print(f"error: the site could not be built; nothing was written.\n{error}", file=sys.stderr)
        return EXIT_PROBLEMS
    for name in sorted(set(files) | set(changed)):
        print(f"{'removed' if name not in files else 'wrote' if name in changed else 'unchanged'} {name}")
    if not args.no_site:
        print(f"wrote the site to {state.SITE_DIR}/ (preview: python -m http.server -d {state.SITE_DIR})")
        state.remember(args.root, state.OUTPUTS)
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from .files import write_atomic
    from .importer import ImportMap, import_markdown
    from .records import validation_context

    catalog = _load(args)
    mapping = ImportMap.load(args.map)
    if problems := mapping.check(catalog.taxonomy, args.map.as_posix() if args.map else "mapping"):
        report(problems, args.github)
        return EXIT_PROBLEMS
    try:
        text = args.source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"{args.source}: cannot read: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    added = args.added or dt.date.today()
    context = validation_context(catalog.taxonomy)
    result = import_markdown(text, args.source.name, catalog, mapping, added, context, dry_run=args.dry_run)
    review = result.report(args.source.name)
    if args.report:
        write_atomic(args.report, review)
    verb = "would write" if args.dry_run else "wrote"
    print(
        f"{verb} {len(result.written)} record(s); {len(result.unchanged)} already in the list; "
        f"{len(result.skipped)} not imported; {len(result.review)} to review"
        + (f" (see {args.report})" if args.report else "")
    )
    if not args.report:
        print(review)
    report(result.problems, args.github)
    return EXIT_PROBLEMS if result.problems else EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from .exports import render_export

    catalog = _load(args)
    if catalog.problems:
        report(catalog.problems, args.github)
        return EXIT_PROBLEMS
    text = render_export(catalog, args.format)
    if args.output:
        from .files import write_atomic

        write_atomic(args.output, text)
        print(f"wrote {args.output} ({len(catalog.records)} papers)")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    from .adding import AddError, PaperRequest, add_paper, choose_categories, parse_identifier

    catalog = _load(args)
    if catalog.problems:
        print(f"note: the list has {len(catalog.problems)} problem(s) elsewhere; `awesome-lora validate` shows them",
              file=sys.stderr)  # fmt: skip
    request = PaperRequest(
        arxiv=parse_identifier(args.paper) if args.paper else None, title=args.title, authors=args.author or [],
        date=args.date, venue=args.venue, pdf=args.pdf, code=args.code or [], categories=args.category or [],
        architecture=args.architecture, size=args.size, record_id=args.id,
    )  # fmt: skip
    if not request.categories:
        if not sys.stdin.isatty():
            leaves = ", ".join(catalog.taxonomy.leaf_ids)
            raise AddError(f"give one or more --category: the leaf ids of taxonomy.yaml are {leaves}")
        request.categories = choose_categories(catalog, input, print)
    display, text, entry = add_paper(catalog, request, added=args.added, dry_run=args.dry_run)
    if args.dry_run:
        sys.stdout.write(text)
    else:
        print(f"wrote {display}")
    if entry and (entry.journal_ref or entry.doi) and not args.venue:
        print(f"note: arXiv says it was published ({entry.journal_ref or entry.doi}); set `venue` accordingly",
              file=sys.stderr)  # fmt: skip
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    from .arxiv import ArxivClient
    from .audit import apply_fixes, audit

    catalog = _load(args)
    ids = sorted({record.paper.arxiv for record in catalog.records if record.paper.arxiv})
    print(f"asking arXiv about {len(ids)} papers, {ArxivClient().batch_size} per request…", file=sys.stderr)
    result = audit(catalog, ArxivClient().fetch(ids))
    report([finding.problem() for finding in result.findings], args.github)
    safe = sum(1 for finding in result.findings if finding.safe)
    print(f"{result.checked} papers checked against arXiv: {len(result.findings)} finding(s), {safe} safe to fix"
          + ("" if args.fix or not safe else " (run with --fix to apply them)"))  # fmt: skip
    if args.fix:
        for line in apply_fixes(catalog, result):
            print(f"fixed {line}")
    return EXIT_PROBLEMS if result.findings and not args.fix else EXIT_OK


def cmd_links(args: argparse.Namespace) -> int:
    from .links import run_links

    return run_links(args.root, max_age=dt.timedelta(days=args.max_age), workers=args.workers,
                     per_host=args.per_host, report=args.report, github=args.github)  # fmt: skip


def cmd_enrich(args: argparse.Namespace) -> int:
    from .enrich import run_enrich

    only = args.only
    return run_enrich(args.root, cache=not args.no_cache, refresh=args.refresh,
                      papers=only in (None, "papers"), repositories=only in (None, "repositories"))  # fmt: skip


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="awesome-lora", description="Validate, build and grow the awesome-lora list.")
    main.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    main.add_argument("--root", type=Path, default=None, help="project folder (default: found from the current one)")
    main.add_argument(
        "--github",
        action="store_true",
        default=os.environ.get("GITHUB_ACTIONS") == "true",
        help="also print problems as GitHub Actions annotations (default in Actions)",
    )
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check every paper file and the list as a whole")
    validate.set_defaults(run=cmd_validate)

    build = commands.add_parser("build", help="regenerate README.md (and lists/, schema/) and build the site")
    build.add_argument("--check", action="store_true", help="write nothing; exit 1 if a generated file is stale")
    build.add_argument("--force", action="store_true", help="build even if nothing changed since the last build")
    build.add_argument("--no-site", action="store_true", help="write the repository's files only, not the site")
    build.set_defaults(run=cmd_build)

    importing = commands.add_parser("import", help="create records from a Markdown awesome list")
    importing.add_argument("source", type=Path, help="the Markdown file")
    importing.add_argument("--map", type=Path, help="mapping file: headings → categories, fixes, skips")
    importing.add_argument("--added", type=_date, help="the `added` date of new records (default: today)")
    importing.add_argument("--report", type=Path, help="write the review report here instead of printing it")
    importing.add_argument("--dry-run", action="store_true", help="write no record; show what would happen")
    importing.set_defaults(run=cmd_import)
    add = commands.add_parser("add", help="add a paper from its arXiv id (or from options)")
    add.add_argument("paper", nargs="?", help="arXiv id or URL, e.g. 2402.09353 or https://arxiv.org/abs/2402.09353")
    add.add_argument("--category", action="append", metavar="ID", help="a leaf id of taxonomy.yaml (repeatable)")
    add.add_argument("--code", action="append", metavar="URL", help="a link to the paper's code (repeatable)")
    add.add_argument("--venue", help="e.g. 'ICLR 2024' (default: preprint)")
    add.add_argument("--title", help="the title (default: arXiv's)")
    add.add_argument("--author", action="append", metavar="NAME", help="an author, in order (default: arXiv's)")
    add.add_argument("--date", help="first public version, YYYY-MM (default: arXiv's first version)")
    add.add_argument("--pdf", metavar="URL", help="link to the paper, for papers not on arXiv")
    add.add_argument("--architecture", help="architecture badge, e.g. DecoderOnly")
    add.add_argument("--size", help="size badge, e.g. LLM")
    add.add_argument("--id", help="the record id (default: made from the title)")
    add.add_argument("--added", type=_date, help="the `added` date (default: today)")
    add.add_argument("--dry-run", action="store_true", help="print the record instead of writing it")
    add.set_defaults(run=cmd_add)

    auditing = commands.add_parser("audit", help="compare records with arXiv (titles, authors, dates, publication)")
    auditing.add_argument("--fix", action="store_true", help="apply the safe corrections and print them")
    auditing.set_defaults(run=cmd_audit)

    links = commands.add_parser("links", help="check every link in the records (dead, moved, unknown)")
    links.add_argument("--max-age", type=float, default=7, metavar="DAYS",
                       help="re-check links checked longer ago than this (default 7; 0 re-checks all)")  # fmt: skip
    links.add_argument("--workers", type=int, default=8, help="links checked at once (default 8)")
    links.add_argument("--per-host", type=int, default=2, help="links checked at once on one host (default 2)")
    links.add_argument("--report", type=Path, help="also write the report as Markdown to this file")
    links.set_defaults(run=cmd_links)

    enrich = commands.add_parser("enrich", help="fetch stars, archived flags and citation counts into data/")
    enrich.add_argument("--only", choices=["papers", "repositories"], help="fetch only this part")
    enrich.add_argument("--no-cache", action="store_true", help="do not use the on-disk HTTP cache")
    enrich.add_argument("--refresh", action="store_true", help="revalidate every cached answer")
    enrich.set_defaults(run=cmd_enrich)

    export = commands.add_parser("export", help="the list as BibTeX, JSON, CSV or an Atom feed")
    export.add_argument("format", choices=["bibtex", "json", "csv", "atom"])
    export.add_argument("-o", "--output", type=Path, help="write to this file (default: standard output)")
    export.set_defaults(run=cmd_export)
    return main


def explain(error: Exception) -> str | None:
    """A message for the errors a user can meet (bad input, the network), or None for a bug.

    The network modules are imported only here, after something went wrong, so that commands that never
    touch the network (build, validate) do not pay for loading them.
    """
    module = type(error).__module__
    if module.startswith("jinja2"):  # a broken template: say where
        where = f"{getattr(error, 'filename', None) or getattr(error, 'name', None) or 'a template'}"
        line = getattr(error, "lineno", None)
        return f"{where}{f':{line}' if line else ''}: template error: {getattr(error, 'message', error)}"
    if not module.startswith("awesome_lora."):
        return None
    from .adding import AddError
    from .arxiv import ArxivIdError, ArxivNotFound
    from .http import NetworkError, OfflineError

    if isinstance(error, AddError | ArxivIdError | ArxivNotFound):
        return str(error)
    if isinstance(error, OfflineError):
        return f"{error}\nThis command needs the network; nothing was written."
    if isinstance(error, NetworkError):
        return f"{error}\nNothing was written; try again later."
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    args.root = (args.root or find_root(Path.cwd())).resolve()
    try:
        return args.run(args)
    except ProblemsFound as error:
        report(error.problems, args.github)
        return EXIT_PROBLEMS
    except Exception as error:
        explanation = explain(error)
        if explanation is None:
            raise
        print(f"error: {explanation}", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
