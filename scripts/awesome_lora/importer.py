"""Importing a hand-kept Markdown list into records.

Two entry formats are read: the pipe-separated lines of lists such as "Low-rank Adaptation for
Foundation Models" (``- Title | Authors | [arxiv 2402](url) | [Code](url) | Venue``) and the numbered
entries of the survey's README (``1. **Title.** `Venue` `` then ``*Authors.* [[PDF](url)] …``).

Cleaning follows what hand-kept lists get wrong; whatever cannot be decided is not guessed but put in
the review report. Human decisions live in a mapping file (headings → taxonomy leaves, per-paper fixes,
entries to skip), so that a re-run reproduces the same records.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .catalog import Catalog
from .files import write_new
from .problems import Problem, ProblemsFound
from .records import new_record_id, record_text
from .schema import ARXIV_ID_PATTERN, Paper
from .taxonomy import Taxonomy
from .text import normalize_title
from .validation import problems_from_validation_error
from .venues import PREPRINT, Venue, parse_venue, venue_from_url
from .yamlfile import YamlDocument, YamlError, parse_yaml

# ---------------------------------------------------------------------------------------------- parsing

_LINK = re.compile(r"\[(?P<label>[^\]]*)\]\((?P<url>[^)\s]+)\)")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
_BOLD_LINE = re.compile(r"^\*\*(?P<text>[^*]+)\*\*\s*$")
_NUMBERED_SUBHEADING = re.compile(r"^\((?P<n>\d+)\)\s+(?P<text>\S.*)$")
_NUMBERING = re.compile(r"^(?:\d+\.|[a-z]\.|[ivx]+\.|\([ivx]+\)|\(\d+\)|\([a-z]\))\s*", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_PIPE_ENTRY = re.compile(r"^\s*[-*+]\s+(?P<body>\S.*)$")
_LONE_LINK = re.compile(r"^\[[^\]]*\]\([^)]*\)\s*$")  # a table-of-contents line, not a paper
_NUMBERED_ENTRY = re.compile(r"^\s*\d+\.\s+\*\*(?P<title>.+?)\*\*\s*(?:`(?P<venue>[^`]*)`)?\s*$")
_BADGE = re.compile(r"!\[[^\]]*\]\(https?://img\.shields\.io/badge/(?P<text>[^)]*?)-(?P<color>[a-z]+)\)")
_SURVEY_DATE = re.compile(r"(?<![\d.])((?:19|20)\d{2})\.(\d{1,2})(?![\d])")
_CELL_SEPARATORS = re.compile(r"\s*[|｜]\s*")  # '｜' is the full-width bar that CJK keyboards type
SAMPLE_MARKERS = ("样例",)  # the survey's format samples are titled "样例…" ("sample")

# Pseudo-heading levels below Markdown's six: a line in bold, then "(1) …".
_BOLD_LEVEL, _NUMBERED_LEVEL = 7, 8


@dataclass
class SourceEntry:
    """One entry as read from the Markdown, before any cleaning."""

    line: int
    headings: tuple[str, ...]
    title: str
    texts: list[str] = field(default_factory=list)  # plain-text cells in order: authors, venue, repeats…
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url) of paper links
    code: list[str] = field(default_factory=list)
    venue_texts: list[str] = field(default_factory=list)
    date_text: str | None = None
    badges: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def clean_heading(text: str) -> str:
    text = _TAG.sub("", text).replace("**", "").strip()
    return _NUMBERING.sub("", text).strip()


def parse_markdown(text: str) -> Iterator[SourceEntry]:
    """Entries of a Markdown list, each with the heading path it sits under (the H1 left out)."""
    stack: list[tuple[int, str]] = []
    lines = text.splitlines()
    in_fence = False
    index = 0
    while index < len(lines):
        raw = lines[index]
        index += 1
        stripped = raw.strip()
        if stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence or not stripped:
            continue
        level, heading = _heading_of(stripped)
        if heading is not None:
            while stack and stack[-1][0] >= level:
                stack.pop()
            if level > 1:
                stack.append((level, heading))
            continue
        path = tuple(title for _, title in stack)
        if match := _NUMBERED_ENTRY.match(raw):
            details = ""
            while index < len(lines) and not lines[index].strip():
                index += 1
            if index < len(lines) and lines[index].startswith((" ", "\t")):
                details = lines[index].strip()
                index += 1
            yield _survey_entry(index, path, match["title"], match["venue"], details)
        elif (match := _PIPE_ENTRY.match(raw)) and not _LONE_LINK.match(match["body"]):
            yield _pipe_entry(index, path, match["body"])


def _heading_of(line: str) -> tuple[int, str | None]:
    if match := _HEADING.match(line):
        return len(match["hashes"]), clean_heading(match["text"])
    if match := _BOLD_LINE.match(line):
        return _BOLD_LEVEL, clean_heading(match["text"])
    if match := _NUMBERED_SUBHEADING.match(line):
        return _NUMBERED_LEVEL, clean_heading(match["text"])
    return 0, None


def _survey_entry(line: int, path: tuple[str, ...], title: str, venue: str | None, details: str) -> SourceEntry:
    # The details line: *Authors.* [[PDF](url)] [[Code](url)], 2023.5, ![](badge) ![](badge)
    entry = SourceEntry(line - 1 if details else line, path, title)
    if venue and venue.strip():
        entry.venue_texts.append(venue.strip())
    if match := re.match(r"^\*(?P<authors>[^*]+)\*", details):
        entry.texts.append(match["authors"].strip().rstrip("."))
    for badge in _BADGE.finditer(details):
        kind = {"blue": "architecture", "red": "size"}.get(badge["color"])
        if kind:
            entry.badges[kind] = badge["text"].replace("--", "-").replace("__", "_").replace("_", " ")
    details = _BADGE.sub("", details)
    for link in _LINK.finditer(details):
        _add_link(entry, link["label"], link["url"])
    if match := _SURVEY_DATE.search(_LINK.sub("", details)):
        entry.date_text = f"{match[1]}-{int(match[2]):02d}"
    return entry


def _pipe_entry(line: int, path: tuple[str, ...], body: str) -> SourceEntry:
    cells = [cell.strip() for cell in _CELL_SEPARATORS.split(body.strip())]
    title_cell, rest = cells[0], cells[1:]
    # A link glued to the title ("Title [arxiv 2405](url)") is a missing separator.
    title = _LINK.sub("", title_cell).strip()
    entry = SourceEntry(line, path, title)
    for link in _LINK.finditer(title_cell):
        _add_link(entry, link["label"], link["url"])
    for cell in rest:
        links = list(_LINK.finditer(cell))
        for link in links:
            _add_link(entry, link["label"], link["url"])
        text = _LINK.sub("", cell).strip(" \\") if links else cell
        if text:
            entry.texts.append(text)
    return entry


def _add_link(entry: SourceEntry, label: str, url: str) -> None:
    if label.strip().strip("[]").casefold() == "code":
        entry.code.append(url)
    else:
        entry.links.append((label.strip().strip("[]"), url))


# --------------------------------------------------------------------------------------------- cleaning

_TRACKING_PARAMETERS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref_src|spm)$", re.IGNORECASE)
_ARXIV_URL = re.compile(
    r"^https?://(?:www\.|browse\.|export\.)?arxiv\.org/(?:abs|pdf|html)/(?P<id>.+?)(?:v(?P<version>\d+))?(?:\.pdf)?/?$"
)
_TRAILING_AFFILIATION = re.compile(r"(?<=[^\W\d_])[\d*†‡§¶]+$")
_GLUED_INITIAL = re.compile(r"\b([A-Z])\.(?=[A-Z][a-z])")
_AUTHOR_SEPARATORS = re.compile(r"\s*(?:,|;|\s&\s|\band\b)\s*")
_BIORXIV_DATE = re.compile(r"biorxiv\.org/content/10\.1101/(\d{4})\.(\d{2})\.\d{2}\.")  # DOIs carry the day
_LOWERCASED_ACRONYMS = {"llm", "llms", "moe", "vit", "gpt", "clip", "sam", "pde", "nlp", "ctr"}


def clean_url(url: str) -> str:
    """The same link without tracking parameters, default-branch suffixes or mirror hosts."""
    parts = urlsplit(url.strip())
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAMETERS.match(k)]
    )
    host = parts.netloc.lower()
    if host in ("browse.arxiv.org", "www.arxiv.org", "export.arxiv.org"):
        host = "arxiv.org"
    path = re.sub(r"/tree/(?:main|master)/?$", "", parts.path) if host == "github.com" else parts.path
    if host == "github.com":
        path = path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), host, path, query, parts.fragment))


def arxiv_id_from_url(url: str) -> str | None:
    match = _ARXIV_URL.match(url)
    if match and ARXIV_ID_PATTERN.match(match["id"]):
        return match["id"]
    return None


def clean_text(text: str) -> str:
    """NFC, one space between words, no stray spaces."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def clean_title(title: str) -> str:
    title = clean_text(title).strip("*").strip()
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1].rstrip()
    return title


def split_authors(text: str) -> list[str]:
    names = []
    for part in _AUTHOR_SEPARATORS.split(clean_text(text).rstrip(".")):
        name = _TRAILING_AFFILIATION.sub("", part.strip())
        name = _GLUED_INITIAL.sub(r"\1. ", name).strip()
        if name:
            names.append(name)
    return names


@dataclass
class Candidate:
    """A cleaned paper on its way to becoming a record; ``review`` holds what a person should check."""

    fields: dict[str, Any]
    lines: list[int]
    review: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.fields["title"]

    @property
    def key(self) -> str:
        return normalize_title(self.title)


def clean_entry(entry: SourceEntry, categories: list[str], added: dt.date) -> Candidate:
    """A :class:`Candidate` from a raw entry, with a note for every guess or correction."""
    review: list[str] = list(entry.notes)
    title = clean_title(entry.title)

    authors: list[str] = []
    venue_texts = list(entry.venue_texts)
    for text in entry.texts:
        if normalize_title(text) == normalize_title(title):
            review.append("title written twice in the entry; kept once")
        elif authors and split_authors(text) == authors:
            review.append("author list written twice in the entry; kept once")
        elif authors or (len(text.split()) <= 6 and parse_venue(text)):
            venue_texts.append(text)
        else:
            authors = split_authors(text)
    if not authors:
        review.append("no authors in the source")

    arxiv, pdf, link_labels = None, None, []
    for label, url in entry.links:
        url = clean_url(url)
        found = arxiv_id_from_url(url)
        if arxiv is None and pdf is None:
            arxiv, pdf = (found, None) if found else (None, url)
            link_labels.append(label)
            stated = re.fullmatch(r"arxiv\s*(\d{4})", label.strip(), re.IGNORECASE)
            if found and stated and stated[1] != found[:4] and re.fullmatch(r"\d{4}\.\d{4,5}", found):
                review.append(f"link text says 'arxiv {stated[1]}' but the link is arXiv {found}; kept the link")
        elif found != arxiv or found is None:
            review.append(f"more than one paper link; kept the first, dropped {url}")
        else:
            link_labels.append(label)

    code = list(dict.fromkeys(clean_url(url) for url in entry.code))
    if len(code) < len(entry.code):
        review.append("repeated code link; kept once")
    if any("catalyzex" in url for url in entry.code):
        review.append("a code link came from a catalyzex suggestion; check it is this paper's code")

    year_hint = int(f"20{arxiv[:2]}") if arxiv and arxiv[0].isdigit() else None
    venue = _venue_of(venue_texts, link_labels, pdf, year_hint, review)
    date = _date_of(entry, arxiv, pdf, venue, review)

    fields: dict[str, Any] = {
        "title": title,
        "authors": authors,
        "venue": str(venue) if venue else PREPRINT,
        "date": date,
        "arxiv": arxiv,
        "pdf": pdf,
        "code": code,
        "categories": list(categories),
        "architecture": entry.badges.get("architecture"),
        "size": entry.badges.get("size"),
        "added": added,
    }
    return Candidate(fields, [entry.line], review)


def _venue_of(
    venue_texts: list[str], link_labels: list[str], pdf: str | None, year_hint: int | None, review: list[str]
) -> Venue | None:
    from_url = venue_from_url(pdf) if pdf else None
    stated = [v for v in (parse_venue(text, year_hint) for text in [*venue_texts, *link_labels]) if v]
    unknown = [text for text in venue_texts if not parse_venue(text, year_hint)]
    for text in unknown:
        review.append(f"'{text}' is not a venue this tool knows; left out")
    if from_url:
        if stated and (stated[0].name, stated[0].year) != (from_url.name, from_url.year):
            review.append(f"source says '{stated[0]}' but the ACL Anthology link is {from_url}; used the link")
        return from_url
    if not stated:
        if pdf and not any(label.casefold().startswith("arxiv") for label in link_labels):
            review.append(f"venue unknown (the link is to {urlsplit(pdf).hostname}); written as '{PREPRINT}'")
        return None
    best = max(stated, key=lambda v: (v.year is not None, len(str(v))))
    review.extend(best.notes)
    if best.year is None:
        review.append(f"venue '{best}' has no year")
    return best


def _date_of(
    entry: SourceEntry, arxiv: str | None, pdf: str | None, venue: Venue | None, review: list[str]
) -> str | None:
    if arxiv and re.fullmatch(r"\d{4}\.\d{4,5}", arxiv):
        return f"20{arxiv[:2]}-{arxiv[2:4]}"
    if entry.date_text:
        return entry.date_text
    if pdf and (posted := _BIORXIV_DATE.search(pdf)):
        return f"{posted[1]}-{posted[2]}"
    if venue and venue.year:
        review.append("date has only a year (from the venue)")
        return str(venue.year)
    review.append("no date in the source")
    return None


# ------------------------------------------------------------------------------------------ mapping file


class PaperMatch(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    match: str = Field(description="A title (compared ignoring case and punctuation) or an arXiv id.")
    reason: str


class PaperFix(PaperMatch):
    set: dict[str, Any] = Field(description="Fields to replace, with their record values.")


class ImportMap(BaseModel):
    """The maintainer-edited decisions for one source list."""

    model_config = ConfigDict(extra="forbid", strict=True)

    source: str = ""
    headings: dict[str, list[str]] = Field(default_factory=dict)
    skip: list[PaperMatch] = Field(default_factory=list)
    fixes: list[PaperFix] = Field(default_factory=list)

    @classmethod
    def load(cls, path: Path | None) -> ImportMap:
        if path is None:
            return cls()
        display = path.as_posix()
        try:
            document = parse_yaml(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise ProblemsFound([Problem(display, 1, "", f"cannot read the mapping file: {error}", "import")]) from None
        except YamlError as error:
            raise ProblemsFound([Problem(display, error.line, "", error.message, "import")]) from None
        try:
            return cls.model_validate(document.data or {})
        except ValidationError as error:
            raise ProblemsFound(problems_from_validation_error(error, display, document, "import")) from None

    def categories_for(self, headings: tuple[str, ...], taxonomy: Taxonomy) -> list[str] | None:
        """Leaves for a heading path: the longest mapped start of the path (a heading covers all below
        it), else the leaf whose title is the innermost heading."""
        mapped = {key.casefold(): value for key, value in self.headings.items()}
        for end in range(len(headings), 0, -1):
            key = " / ".join(headings[:end]).casefold()
            if key in mapped:
                return mapped[key]
        if headings:
            innermost = normalize_title(headings[-1])
            for leaf in taxonomy.leaf_ids:
                if normalize_title(taxonomy[leaf].node.title) == innermost:
                    return [leaf]
        return None

    def check(self, taxonomy: Taxonomy, display: str) -> list[Problem]:
        return [
            Problem(display, 1, f"headings.{key}", f"'{leaf}' is not a leaf of taxonomy.yaml", "import")
            for key, leaves in self.headings.items()
            for leaf in leaves
            if not taxonomy.is_leaf(leaf)
        ]


def _matches(rule: PaperMatch, fields: dict[str, Any]) -> bool:
    return rule.match == fields.get("arxiv") or normalize_title(rule.match) == normalize_title(fields["title"])


# ------------------------------------------------------------------------------------------------ import


@dataclass
class ImportResult:
    written: list[str] = field(default_factory=list)  # record files created
    unchanged: list[str] = field(default_factory=list)  # papers already in the list
    review: list[tuple[str, list[str]]] = field(default_factory=list)  # (entry, notes) to look at
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (entry, reason) not imported
    problems: list[Problem] = field(default_factory=list)  # candidates that did not validate

    def report(self, source: str) -> str:
        """The review report, as Markdown."""
        out = [
            f"# Import review: {source}",
            "",
            f"{len(self.written)} record(s) written, {len(self.unchanged)} already in the list, "
            f"{len(self.skipped)} entr(y/ies) not imported, {len(self.review)} to review.",
            "",
        ]
        if self.skipped:
            out += ["## Not imported", ""] + [f"- {what}: {why}" for what, why in self.skipped] + [""]
        if self.problems:
            out += ["## Invalid after cleaning (not written)", ""] + [f"- {p}" for p in self.problems] + [""]
        if self.review:
            out += ["## To review", ""]
            for what, notes in self.review:
                out.append(f"- {what}")
                out += [f"  - {note}" for note in notes]
            out.append("")
        return "\n".join(out)


def collect_candidates(
    text: str, source: str, mapping: ImportMap, taxonomy: Taxonomy, added: dt.date, result: ImportResult
) -> list[Candidate]:
    """Parse, clean, skip, fix and merge the entries of one Markdown list."""
    candidates: list[Candidate] = []
    used_fixes: set[int] = set()
    for entry in parse_markdown(text):
        where = f"{source}:{entry.line}"
        if entry.title.startswith(SAMPLE_MARKERS):
            result.skipped.append((f"{where} {entry.title}", "a format sample of the source, not a paper"))
            continue
        categories = mapping.categories_for(entry.headings, taxonomy)
        if not categories:
            heading = " / ".join(entry.headings) or "(no heading)"
            result.skipped.append((f"{where} {entry.title}", f"heading '{heading}' is not mapped to a category"))
            continue
        candidate = clean_entry(entry, categories, added)
        if rule := next((r for r in mapping.skip if _matches(r, candidate.fields)), None):
            result.skipped.append((f"{where} {candidate.title}", rule.reason))
            continue
        for number, fix in enumerate(mapping.fixes):
            if _matches(fix, candidate.fields):
                used_fixes.add(number)
                candidate.fields.update(fix.set)
                candidate.review.append(f"fixed by the mapping file: {fix.reason}")
        if any(word in _LOWERCASED_ACRONYMS for word in re.findall(r"\b[a-z]+\b", candidate.title)):
            candidate.review.append("capitalisation looks lost (a lower-case acronym in the title)")
        candidates.append(candidate)
    for number, fix in enumerate(mapping.fixes):
        if number not in used_fixes:
            result.skipped.append((f"fix for '{fix.match}'", "matched no entry of the source"))
    return merge_candidates(candidates, source)


def merge_candidates(candidates: list[Candidate], source: str) -> list[Candidate]:
    """One candidate per paper: entries with the same title (or the same arXiv id and a near-equal title)
    become one, with the union of their categories and code links."""
    merged: dict[str, Candidate] = {}
    by_arxiv: dict[str, Candidate] = {}
    for candidate in candidates:
        arxiv = candidate.fields.get("arxiv")
        same = merged.get(candidate.key)
        if same is None and arxiv in by_arxiv:
            other = by_arxiv[arxiv]
            if difflib.SequenceMatcher(None, other.key, candidate.key).ratio() >= 0.9:
                same = other
            else:
                candidate.review.append(
                    f"shares arXiv {arxiv} with '{other.title}' ({source}:{other.lines[0]}); "
                    "the link was removed here: find this paper's own link"
                )
                candidate.fields["arxiv"] = None
        if same is None:
            merged[candidate.key] = candidate
            if candidate.fields.get("arxiv"):
                by_arxiv.setdefault(candidate.fields["arxiv"], candidate)
            continue
        _merge_into(same, candidate, source)
    _flag_copied_authors(list(merged.values()), source)
    return list(merged.values())


def _merge_into(kept: Candidate, other: Candidate, source: str) -> None:
    fields, new = kept.fields, other.fields
    kept.lines += other.lines
    where = ", ".join(f"{source}:{line}" for line in kept.lines)
    kept.review.append(f"listed {len(kept.lines)} times ({where}); merged into one record")
    kept.review += [note for note in other.review if note not in kept.review]
    fields["categories"] = list(dict.fromkeys([*fields["categories"], *new["categories"]]))
    fields["code"] = list(dict.fromkeys([*fields["code"], *new["code"]]))
    if new["authors"] != fields["authors"] and new["authors"]:
        longer = max((fields["authors"], new["authors"]), key=len)
        kept.review.append(f"the copies disagree on the authors; kept the longer list ({len(longer)} names)")
        fields["authors"] = longer
    for name in ("arxiv", "pdf", "architecture", "size", "date"):
        if not fields.get(name) and new.get(name):
            fields[name] = new[name]
    if fields["venue"] == PREPRINT and new["venue"] != PREPRINT:
        fields["venue"] = new["venue"]
    elif new["venue"] not in (PREPRINT, fields["venue"]):
        kept.review.append(f"the copies disagree on the venue ('{fields['venue']}' / '{new['venue']}'); kept the first")


def _flag_copied_authors(candidates: list[Candidate], source: str) -> None:
    seen: dict[tuple[str, ...], Candidate] = {}
    for candidate in candidates:
        authors = tuple(candidate.fields["authors"])
        if len(authors) < 2:
            continue
        if authors in seen:
            first = seen[authors]
            for one, other in ((candidate, first), (first, candidate)):
                one.review.append(
                    f"same author list as '{other.title}' ({source}:{other.lines[0]}): "
                    "possibly copied from the other paper"
                )
        else:
            seen[authors] = candidate


def import_markdown(
    text: str,
    source: str,
    catalog: Catalog,
    mapping: ImportMap,
    added: dt.date,
    context: dict[str, Any],
    dry_run: bool = False,
) -> ImportResult:
    """Write a record for every paper of the list that is not in the catalog yet; never overwrite."""
    result = ImportResult()
    candidates = collect_candidates(text, source, mapping, catalog.taxonomy, added, result)
    papers_dir = catalog.root / "papers"
    existing_titles = {normalize_title(r.paper.title): r for r in catalog.records}
    existing_arxiv = {r.paper.arxiv: r for r in catalog.records if r.paper.arxiv}
    taken = {p.stem for p in papers_dir.glob("*.yaml")} if papers_dir.is_dir() else set()
    for candidate in candidates:
        label = f"{source}:{candidate.lines[0]} {candidate.title}"
        known = existing_titles.get(candidate.key) or existing_arxiv.get(candidate.fields.get("arxiv") or "")
        if known:
            result.unchanged.append(f"{label} → {known.display}")
            continue
        record_id = new_record_id(candidate.fields, taken)
        data = {"id": record_id, **{k: v for k, v in candidate.fields.items() if v not in (None, [], "")}}
        path = papers_dir / f"{record_id}.yaml"
        display = f"papers/{record_id}.yaml"
        try:
            paper = Paper.model_validate(data, context=context)
        except ValidationError as error:
            located = problems_from_validation_error(error, source, YamlDocument(data, {(): candidate.lines[0]}))
            result.problems += [
                Problem(p.path, p.line, p.field, f"{p.message} ({candidate.title})", "import") for p in located
            ]
            if candidate.review:
                result.review.append((label, candidate.review))
            continue
        taken.add(record_id)
        if candidate.review:
            result.review.append((f"{label} → {display}", candidate.review))
        if not dry_run:
            try:
                write_new(path, record_text(paper))
            except FileExistsError:  # created meanwhile by someone else: theirs stays
                result.skipped.append((label, f"{display} appeared while importing; left untouched"))
                continue
        result.written.append(display)
    return result
