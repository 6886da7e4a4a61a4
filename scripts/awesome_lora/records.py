"""Finding and parsing ``papers/*.yaml`` into checked records, each with where its values sit."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import InitVar, dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .editor_schema import MODELINE
from .parallel import parallel_map
from .problems import Problem
from .schema import PAPER_ID_PATTERN, PATTERN_HINTS, Paper
from .taxonomy import Taxonomy
from .text import slugify
from .validation import problems_from_validation_error
from .yamlfile import YamlDocument, YamlError, dump_yaml, load_yaml, parse_yaml

RECORD_SUFFIX = ".yaml"
MAX_RECORD_BYTES = 64 * 1024  # a record is about 1 KB; anything near this is not a paper record
_BOM = b"\xef\xbb\xbf"
_PAPER_ID = re.compile(PAPER_ID_PATTERN)


@dataclass(frozen=True)
class Record:
    """A valid paper with the file it came from (``display`` is the path as shown in messages).

    ``text`` is the file as it was read. The line of each value is worked out from it only when a message
    needs one: most records never have a problem, and a line index for each of 20,000 records would cost
    more than the whole check. A record that travels from a worker process leaves its text behind (it is
    most of the bytes to copy) and reads the file again if it is ever asked for it.
    """

    paper: Paper
    display: str
    path: Path
    read: InitVar[str | None] = None  # the text as read, when the caller has it

    def __post_init__(self, read: str | None) -> None:
        if read is not None:
            self.__dict__["text"] = read  # what `text` would read, already at hand

    @cached_property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @cached_property
    def document(self) -> YamlDocument:
        """The record's values with their lines (parsed again from ``text``, once)."""
        return parse_yaml(self.text)

    def line_of(self, field: str) -> int:
        return self.document.line_of((field,))

    def __getstate__(self) -> dict[str, Any]:
        return {name: value for name, value in self.__dict__.items() if name not in ("text", "document")}


def record_names(papers_dir: Path) -> list[str]:
    """The name of every file in ``papers/`` except hidden ones, sorted so runs are reproducible."""
    if not papers_dir.is_dir():
        return []
    with os.scandir(papers_dir) as entries:
        return sorted(e.name for e in entries if not e.name.startswith(".") and not e.is_dir())


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
    text, problems_in_text = _decode(raw, display)
    problems += problems_in_text
    if text is None:
        return problems
    try:
        data = load_yaml(text)  # values only: the lines are looked up again if something is wrong
    except YamlError as error:
        return [*problems, Problem(display, error.line, "", error.message, "yaml")]
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}, not a mapping of fields"
        return [*problems, Problem(display, 1, "", f"the record is {kind}", "file")]
    try:
        paper = Paper.model_validate(data, context=context)
    except ValidationError as error:
        problems += problems_from_validation_error(error, display, parse_yaml(text), hints=PATTERN_HINTS)
        return problems
    if stem_is_id and paper.id != path.stem:
        message = f"'{paper.id}' does not match the file name '{path.name}'"
        problems.append(Problem(display, parse_yaml(text).line_of(("id",)), "id", message, "file"))
    return problems or Record(paper, display, path, text)


def _decode(raw: bytes, display: str) -> tuple[str | None, list[Problem]]:
    """The file's text, or why it cannot be a record."""
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
    return text, []


PaperWork = Callable[[Paper], Any]


def load_records(
    papers_dir: Path, root: Path, context: dict[str, Any], prepare: Sequence[PaperWork] = ()
) -> tuple[list[Record], list[Problem], list[tuple[Any, ...]]]:
    """Every file in ``papers_dir`` → a record or its problems, in name order; large lists on all cores.

    Each function in ``prepare`` is called on each valid paper in the same worker that loaded it, while
    it is at hand; the third list holds their results, one tuple per record.
    """
    folder = _display(papers_dir, root)

    def load(name: str) -> tuple[Record, tuple[Any, ...]] | list[Problem]:
        result = load_record(papers_dir / name, f"{folder}/{name}", context)
        return (result, tuple(work(result.paper) for work in prepare)) if isinstance(result, Record) else result

    results = parallel_map(load, record_names(papers_dir))
    loaded = [result for result in results if isinstance(result, tuple)]
    problems = [problem for result in results if isinstance(result, list) for problem in result]
    return [record for record, _ in loaded], problems, [prepared for _, prepared in loaded]


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
