"""Checking records against arXiv: titles, author lists, dates, and preprints that have since been published.

A finding is *safe* to fix when arXiv is the authority on the field and the change cannot lose information
a person added: a title or author list that differs only in case, accents, spacing or punctuation; an
author list copied from another paper of the list; the date of the first version. Everything else (another
title, another author list, a journal reference on a preprint) is reported for a person to decide.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from .catalog import Catalog
from .files import write_atomic
from .problems import Problem, Severity
from .recordedit import replace_fields
from .records import Record
from .text import normalize_title
from .venues import PREPRINT


class ArxivMetadata(Protocol):
    """What the audit needs of an arXiv entry (see :class:`awesome_lora.arxiv.ArxivEntry`)."""

    arxiv_id: str
    title: str
    authors: list[str]
    journal_ref: str | None
    doi: str | None

    @property
    def date(self) -> str: ...


@dataclass
class Finding:
    record: Record
    field: str
    message: str
    fix: Any = None  # the corrected value when the fix is safe
    safe: bool = False

    def problem(self) -> Problem:
        return Problem(self.record.display, self.record.line_of(self.field), self.field, self.message, "audit",
                       Severity.WARNING)  # fmt: skip


@dataclass
class AuditReport:
    findings: list[Finding] = field(default_factory=list)
    checked: int = 0
    missing: list[Record] = field(default_factory=list)

    @property
    def safe_fixes(self) -> dict[str, dict[str, Any]]:
        """Record file (as displayed) → field → corrected value."""
        fixes: dict[str, dict[str, Any]] = {}
        for finding in self.findings:
            if finding.safe:
                fixes.setdefault(finding.record.display, {})[finding.field] = finding.fix
        return fixes


def _names_key(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(normalize_title(name) for name in names)


def compare(record: Record, entry: ArxivMetadata, copied_from: Record | None = None) -> list[Finding]:
    """Where the record disagrees with its arXiv entry."""
    paper = record.paper
    findings: list[Finding] = []
    if paper.title != entry.title:
        if normalize_title(paper.title) == normalize_title(entry.title):
            findings.append(Finding(record, "title", f"arXiv writes it {entry.title!r}", entry.title, safe=True))
        else:
            findings.append(Finding(record, "title", f"arXiv's title is {entry.title!r}"))
    if list(paper.authors) != list(entry.authors):
        if _names_key(paper.authors) == _names_key(entry.authors):
            findings.append(Finding(record, "authors", "arXiv spells the names " + ", ".join(entry.authors),
                                    list(entry.authors), safe=True))  # fmt: skip
        elif copied_from is not None:
            findings.append(Finding(
                record, "authors",
                f"the list is the same as {copied_from.display}'s, and arXiv's is {', '.join(entry.authors)}: "
                "copied from the other paper", list(entry.authors), safe=True,
            ))  # fmt: skip
        else:
            missing = len(set(_names_key(entry.authors)) - set(_names_key(paper.authors)))
            findings.append(Finding(record, "authors", f"arXiv lists {len(entry.authors)} authors "
                                    f"({missing} not in the record): {', '.join(entry.authors)}"))  # fmt: skip
    if paper.date != entry.date:
        findings.append(Finding(record, "date", f"arXiv's first version is from {entry.date}", entry.date, safe=True))
    if paper.venue == PREPRINT and (entry.journal_ref or entry.doi):
        published = "; ".join(part for part in (entry.journal_ref, f"DOI {entry.doi}" if entry.doi else None) if part)
        findings.append(Finding(record, "venue", f"listed as a preprint, but arXiv says it was published: {published}"))
    return findings


def copied_author_lists(records: list[Record]) -> dict[str, Record]:
    """Record id → another record with the very same author list (of two or more names)."""
    counts = Counter(_names_key(r.paper.authors) for r in records if len(r.paper.authors) > 1)
    first: dict[tuple[str, ...], Record] = {}
    copies: dict[str, Record] = {}
    for record in records:
        key = _names_key(record.paper.authors)
        if counts.get(key, 0) > 1:
            if key in first:
                copies[record.paper.id] = first[key]
                copies.setdefault(first[key].paper.id, record)
            else:
                first[key] = record
    return copies


def audit(catalog: Catalog, entries: Mapping[str, ArxivMetadata]) -> AuditReport:
    """Compare every record that has an arXiv id with its entry (``entries`` maps id → entry)."""
    report = AuditReport()
    copies = copied_author_lists(catalog.records)
    for record in sorted(catalog.records, key=lambda r: r.display):
        arxiv = record.paper.arxiv
        if not arxiv:
            continue
        report.checked += 1
        entry = entries.get(arxiv)
        if entry is None:
            report.missing.append(record)
            report.findings.append(Finding(record, "arxiv", f"arXiv has no paper {arxiv}"))
            continue
        report.findings += compare(record, entry, copies.get(record.paper.id))
    return report


def apply_fixes(catalog: Catalog, report: AuditReport) -> list[str]:
    """Write the safe fixes into the record files (only the fields concerned); return what changed."""
    changed = []
    for display, fixes in sorted(report.safe_fixes.items()):
        path = catalog.root / display
        write_atomic(path, replace_fields(path.read_text(encoding="utf-8"), fixes))
        changed += [f"{display}: {name} → {value!r}" for name, value in fixes.items()]
    return changed
