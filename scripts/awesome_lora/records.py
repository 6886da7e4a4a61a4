"""Finding and parsing ``papers/*.yaml`` into checked records, each with where its values sit."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .editor_schema import MODELINE
from .problems import Problem
from .schema import PAPER_ID_PATTERN, PATTERN_HINTS, Paper
from .taxonomy import Taxonomy
from .text import slugify
from .validation import problems_from_validation_error
from .yamlfile import YamlDocument, YamlError, dump_yaml, parse_yaml

RECORD_SUFFIX = ".yaml"
MAX_RECORD_BYTES = 64 * 1024  # a record is about 1 KB; anything near this is not a paper record
_BOM = b"\xef\xbb\xbf"
_PAPER_ID = re.compile(PAPER_ID_PATTERN)


@dataclass(frozen=True)
class Record:
    """A valid paper with the file it came from (``display`` is the path as shown in messages)."""

    paper: Paper
    display: str
    document: YamlDocument

    def line_of(self, field: str) -> int:
        return self.document.line_of((field,))


def record_files(papers_dir: Path) -> list[Path]:
    """Every file in ``papers/`` except hidden ones, sorted by name so runs are reproducible."""
    if not papers_dir.is_dir():
        return []
    with os.scandir(papers_dir) as entries:
        names = sorted(e.name for e in entries if not e.name.startswith(".") and not e.is_dir())
    return [papers_dir / name for name in names]


def validation_context(taxonomy: Taxonomy, today: dt.date | None = None) -> dict[str, Any]:
    return {"taxonomy": taxonomy, "today": today or dt.date.today()}


def load_record(path: Path, display: str, context: dict[str, Any]) -> Record | list[Problem]:
    """One file → a :class:`Record`, or every problem found in it; never raises, so that one file that
    trips over a bug in this tool does not hide the report on all the others."""
    try:
        return _load_record(path, display, context)
    except Exception as error:  # reported, located, and the run goes on
        message = f"internal error while checking this file ({type(error).__name__}: {error}); please report it"
        return [Problem(display, 1, "", message, "internal")]


def _load_record(path: Path, display: str, context: dict[str, Any]) -> Record | list[Problem]:
    problems: list[Problem] = []
    if path.suffix != RECORD_SUFFIX:
        return [Problem(display, 1, "", f"not a record: paper files end in '{RECORD_SUFFIX}'", "file")]
    stem_is_id = bool(_PAPER_ID.match(path.stem))
    if not stem_is_id:
        problems.append(Problem(display, 1, "", "file name must be a kebab-case id (a-z, 0-9, '-')", "file"))
    try:
        raw = path.read_bytes()
    except OSError as error:
        return [*problems, Problem(display, 1, "", f"cannot read: {error.strerror}", "file")]
    document, text_problems = _parse(raw, display)
    problems += text_problems
    if document is None:
        return problems
    if not isinstance(document.data, dict):
        kind = "empty" if document.data is None else f"a {type(document.data).__name__}, not a mapping of fields"
        return [*problems, Problem(display, 1, "", f"the record is {kind}", "file")]
    try:
        paper = Paper.model_validate(document.data, context=context)
    except ValidationError as error:
        problems += problems_from_validation_error(error, display, document, hints=PATTERN_HINTS)
    else:
        if stem_is_id and paper.id != path.stem:
            problems.append(
                Problem(
                    display,
                    document.line_of(("id",)),
                    "id",
                    f"'{paper.id}' does not match the file name '{path.name}'",
                    "file",
                )
            )
        if not problems:
            return Record(paper, display, YamlDocument(None, document.lines))
    return problems


def _parse(raw: bytes, display: str) -> tuple[YamlDocument | None, list[Problem]]:
    if len(raw) > MAX_RECORD_BYTES:
        return None, [
            Problem(display, 1, "", f"file is {len(raw):,} bytes; a record is at most {MAX_RECORD_BYTES:,}", "file")
        ]
    if raw.startswith(_BOM):
        return None, [
            Problem(display, 1, "", "file starts with a byte-order mark; save it as UTF-8 without BOM", "file")
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [
            Problem(display, line, "", f"not UTF-8: byte 0x{raw[error.start]:02x} at offset {error.start}", "file")
        ]
    if not text.strip():
        return None, [Problem(display, 1, "", "file is empty", "file")]
    try:
        return parse_yaml(text), []
    except YamlError as error:
        return None, [Problem(display, error.line, "", error.message, "yaml")]


PARALLEL_MIN_FILES = 1_000  # below this, starting worker processes costs more than it saves


def load_records(paths: Iterable[Path], root: Path, context: dict[str, Any]) -> tuple[list[Record], list[Problem]]:
    """Every file → a record or its problems, in the order given; large lists are read on all cores."""
    paths = list(paths)
    workers = min(os.cpu_count() or 1, 8)
    if len(paths) >= PARALLEL_MIN_FILES and workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        size = -(-len(paths) // workers)
        chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
        global _WORKER_ARGUMENTS
        _WORKER_ARGUMENTS = (root, context)
        try:
            with multiprocessing.get_context("fork").Pool(len(chunks)) as pool:
                results = [result for chunk in pool.map(_load_chunk, chunks) for result in chunk]
        finally:
            _WORKER_ARGUMENTS = None
    else:
        results = [load_record(path, _display(path, root), context) for path in paths]
    records = [result for result in results if isinstance(result, Record)]
    problems = [problem for result in results if not isinstance(result, Record) for problem in result]
    return records, problems


_WORKER_ARGUMENTS: tuple[Path, dict[str, Any]] | None = None


def _load_chunk(paths: list[Path]) -> list[Record | list[Problem]]:
    assert _WORKER_ARGUMENTS is not None
    root, context = _WORKER_ARGUMENTS
    return [load_record(path, _display(path, root), context) for path in paths]


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def new_record_id(fields: dict[str, Any], taken: set[str]) -> str:
    """A readable id for a new record: the short name before a colon ('dora'), else the first words of
    the title; on a clash, the first author's family name, then the year, then a number."""
    title = fields["title"]
    head = title.split(":", 1)[0]
    base = slugify(head, 4) if ":" in title and len(head.split()) <= 4 else slugify(title, 6)
    base = base or "paper"
    family = slugify(fields["authors"][0].split()[-1], 1) if fields.get("authors") else ""
    for option in (base, f"{base}-{family}" if family else "", f"{base}-{str(fields.get('date') or '')[:4]}"):
        if option and option not in taken:
            return option
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def record_text(paper: Paper) -> str:
    """The YAML text of a record as the tools write it: the editor-schema line, then the fields in order."""
    return f"{MODELINE}\n{dump_yaml(paper.to_record())}"
