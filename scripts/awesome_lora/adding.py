"""Adding one paper: metadata from arXiv (or from the contributor), checks, and a new record file.

The record is built from what arXiv says (title, authors, first-version date) and what the contributor
says (categories, code, venue), checked by the same schema as every record, and written with
:func:`~awesome_lora.files.write_new`, which never overwrites a file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from .arxiv import ArxivClient, ArxivEntry, normalize_arxiv_id
from .catalog import Catalog
from .files import write_new
from .problems import Problem
from .records import Record, new_record_id, record_text, validation_context
from .schema import PATTERN_HINTS, Paper
from .text import normalize_title
from .validation import problems_from_validation_error
from .venues import PREPRINT
from .yamlfile import YamlDocument


class AddError(Exception):
    """A paper that cannot be added; the message says why and what to do."""


@dataclass
class PaperRequest:
    """What the contributor asked for; every field they give wins over arXiv's."""

    arxiv: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    venue: str | None = None
    pdf: str | None = None
    code: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    architecture: str | None = None
    size: str | None = None
    record_id: str | None = None


def parse_identifier(text: str) -> str:
    """An arXiv id from an id or an arXiv URL, without its version; :class:`AddError` otherwise."""
    try:
        return normalize_arxiv_id(text)
    except ValueError as error:
        raise AddError(str(error)) from None


def existing_record(catalog: Catalog, arxiv: str | None, title: str | None) -> Record | None:
    """The record of the same paper (same arXiv id, or same title ignoring case and punctuation)."""
    key = normalize_title(title) if title else None
    for record in catalog.records:
        if (arxiv and record.paper.arxiv == arxiv) or (key and normalize_title(record.paper.title) == key):
            return record
    return None


def build_fields(request: PaperRequest, entry: ArxivEntry | None, added: dt.date) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": request.title or (entry.title if entry else None),
        "authors": request.authors or (list(entry.authors) if entry else []),
        "venue": request.venue or PREPRINT,
        "date": request.date or (entry.date if entry else None),
        "arxiv": request.arxiv,
        "pdf": request.pdf,
        "code": request.code,
        "categories": request.categories,
        "architecture": request.architecture,
        "size": request.size,
        "added": added,
    }
    return {name: value for name, value in fields.items() if value not in (None, [], "")}


def check_new_paper(catalog: Catalog, fields: dict[str, Any], record_id: str) -> Paper | list[Problem]:
    """The record as the schema sees it, or its problems located in the file it would be."""
    display = f"papers/{record_id}.yaml"
    data = {"id": record_id, **fields}
    try:
        return Paper.model_validate(data, context=validation_context(catalog.taxonomy))
    except ValidationError as error:
        return problems_from_validation_error(error, display, YamlDocument(data), "add", PATTERN_HINTS)


def add_paper(
    catalog: Catalog,
    request: PaperRequest,
    *,
    client_factory: Callable[[], ArxivClient] = ArxivClient,
    added: dt.date | None = None,
    dry_run: bool = False,
) -> tuple[str, str, ArxivEntry | None]:
    """Write ``papers/<id>.yaml`` for the request; return its path, its text and arXiv's entry.

    Raises :class:`AddError` for a duplicate, a missing field or a failed check; network errors
    (:class:`~awesome_lora.http.NetworkError`) and arXiv's answers (:class:`~awesome_lora.arxiv.ArxivIdError`,
    :class:`~awesome_lora.arxiv.ArxivNotFound`) pass through for the caller to explain.
    """
    if request.arxiv and (same := existing_record(catalog, request.arxiv, None)):
        raise AddError(f"arXiv {request.arxiv} is already in the list: {same.display}")
    entry = client_factory().fetch_one(request.arxiv) if request.arxiv else None
    fields = build_fields(request, entry, added or dt.date.today())
    if not request.arxiv:
        missing = [option for option, name in (("--title", "title"), ("--author", "authors"), ("--date", "date"),
                                               ("--pdf", "pdf")) if name not in fields]  # fmt: skip
        if missing:
            raise AddError(f"a paper without an arXiv id needs {', '.join(missing)}")
    if same := existing_record(catalog, None, fields.get("title")):
        raise AddError(f"a paper with this title is already in the list: {same.display}")
    taken = {path.stem for path in (catalog.root / "papers").glob("*.yaml")}
    record_id = request.record_id or new_record_id(fields, taken)
    if request.record_id and record_id in taken:
        raise AddError(f"papers/{record_id}.yaml exists already; choose another --id")
    checked = check_new_paper(catalog, fields, record_id)
    if isinstance(checked, list):
        raise AddError("the record would not be valid:\n" + "\n".join(str(problem) for problem in checked))
    display, text = f"papers/{record_id}.yaml", record_text(checked)
    if not dry_run:
        try:
            write_new(catalog.root / display, text)
        except FileExistsError:
            raise AddError(f"{display} appeared meanwhile; nothing was overwritten, try again") from None
    return display, text, entry


def choose_categories(catalog: Catalog, ask: Callable[[str], str], show: Callable[[str], None]) -> list[str]:
    """Let a person pick leaves on a terminal: numbers or ids, separated by commas or spaces."""
    leaves = list(catalog.taxonomy.leaf_ids)
    section = None
    for number, leaf in enumerate(leaves, 1):
        placed = catalog.taxonomy[leaf]
        if placed.section.id != section:
            section = placed.section.id
            show(f"{placed.section.title}:")
        show(f"  {number:>2}. {leaf:<42} {placed.node.title}")
    while True:
        answer = ask("Categories (numbers or ids, e.g. '5 12'): ").replace(",", " ").split()
        chosen, wrong = [], []
        for item in answer:
            if item.isdigit() and 1 <= int(item) <= len(leaves):
                chosen.append(leaves[int(item) - 1])
            elif catalog.taxonomy.is_leaf(item):
                chosen.append(item)
            else:
                wrong.append(item)
        if chosen and not wrong:
            return list(dict.fromkeys(chosen))
        show(f"not a category: {', '.join(wrong)}" if wrong else "choose at least one category")
