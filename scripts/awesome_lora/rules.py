"""Checks across the whole list, one small function per rule, each with an id.

Per-file checks live in the schema; these need to see every record at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator

from .problems import Problem
from .records import Record
from .text import normalize_title

Rule = Callable[[list[Record]], Iterator[Problem]]


def _repeated(
    records: list[Record], key: Callable[[Record], str | None], field: str, rule: str, what: str
) -> Iterator[Problem]:
    groups: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        value = key(record)
        if value:
            groups[value].append(record)
    for group in groups.values():
        if len(group) < 2:
            continue
        for record in group:
            others = ", ".join(other.display for other in group if other is not record)
            yield Problem(record.display, record.line_of(field), field, f"{what} as {others}", rule)


def duplicate_arxiv(records: list[Record]) -> Iterator[Problem]:
    """Two records for one arXiv paper."""
    return _repeated(records, lambda r: r.paper.arxiv, "arxiv", "duplicate-arxiv", "same arXiv id")


def duplicate_title(records: list[Record]) -> Iterator[Problem]:
    """Two records whose titles differ only in case, accents, punctuation or spacing."""
    return _repeated(
        records,
        lambda r: normalize_title(r.paper.title),
        "title",
        "duplicate-title",
        "same title (ignoring case and punctuation)",
    )


RULES: dict[str, Rule] = {
    "duplicate-arxiv": duplicate_arxiv,
    "duplicate-title": duplicate_title,
}


def check_list(records: list[Record]) -> list[Problem]:
    return [problem for rule in RULES.values() for problem in rule(records)]
