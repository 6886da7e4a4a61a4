"""The list in the forms readers take it in: BibTeX, a JSON dataset (with its JSON Schema), CSV and an Atom feed.

Every function here is pure: a :class:`~awesome_lora.catalog.Catalog` in, text out. The same records always
give the same bytes; every date comes from the records (``date``, ``added``), never from the clock.
All record text is untrusted: each format escapes it its own way (LaTeX, JSON, CSV with a guard against
spreadsheet formulas, XML).

Citation keys
    ``liu2024dora``: the first author's family name, the year of ``date`` and the first significant word
    of the title. The family name is simply the last word of the name as written (``Shih-Yang Liu`` →
    ``liu``, ``Haitz Sáez de Ocáriz Borde`` → ``borde``), folded to ASCII (accents dropped), letters only,
    lower case; ``anon`` when nothing is left. The year is that of the first public version (``date``), so
    a key does not change when a preprint is later published. The title word is the first whitespace-
    separated word that is not 'a', 'an' or 'the' once reduced to ASCII letters and digits (``DoRA:`` →
    ``dora``, ``X-LoRA:`` → ``xlora``); ``untitled`` when there is none. Papers are given keys in the order
    they joined the list, ``(added, id)``: the first takes the bare key, each later one the first free key
    among ``<key>a``, ``<key>b``, … ``<key>z``, ``<key>aa``… So a paper added on a later day never changes
    an existing key. (Two papers added on the same day are ordered by id.)

BibTeX
    Text is kept in UTF-8 (biber, biblatex, bibtexparser and LaTeX since 2018 read it as is); the characters
    ``& % $ # _ { } ~ ^ \\`` are escaped in every text field. ``url`` and ``eprint`` are verbatim fields in
    biblatex (and go into ``\\url{}`` with BibTeX styles), where ``\\%`` would corrupt the link: instead
    the characters that could break the field (braces, backslash, spaces) are percent-encoded.
    Words of a title whose capitals matter are braced (``{LoRA}``, ``{GPT-4}``, ``{DoRA}:``) so that
    sentence-case styles keep them; the title as a whole is not.
    The entry type follows the venue, see :func:`venue_kind`. ``year`` is the year of publication: the
    venue's year when it names one (``ICLR 2024``), else the year of ``date``; ``month`` is given only
    when the entry cites the version that ``date`` describes (a preprint), since for a published paper
    ``date`` is the month of its first preprint, not of its publication.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from .catalog import Catalog
from .schema import URL_PATTERN, VENUE_PATTERN, Paper
from .taxonomy import TaxonomyNode
from .venues import CANONICAL_VENUES, PREPRINT, parse_venue

# ----------------------------------------------------------------------------------------------- keys

_STOP_WORDS = frozenset({"a", "an", "the"})
_NOT_LOWER_LETTER = re.compile(r"[^a-z]+")
_NOT_LOWER_ALNUM = re.compile(r"[^a-z0-9]+")


def _ascii_fold(text: str) -> str:
    """Lower-case ASCII: accents dropped (``Üstün`` → ``ustun``), other letters lost."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).encode("ascii", "ignore").decode()


def family_name_key(name: str) -> str:
    """The last word of an author's name, ASCII letters only, lower case (``anon`` when none are left)."""
    words = name.split()
    return (_NOT_LOWER_LETTER.sub("", _ascii_fold(words[-1])) if words else "") or "anon"


def title_word_key(title: str) -> str:
    """The title's first word other than 'a', 'an', 'the', as ASCII letters and digits (``DoRA:`` → ``dora``)."""
    for word in title.split():
        folded = _NOT_LOWER_ALNUM.sub("", _ascii_fold(word))
        if folded and folded not in _STOP_WORDS:
            return folded
    return "untitled"


def base_citation_key(paper: Paper) -> str:
    """The key before collisions are settled: family name + year of ``date`` + first title word."""
    return f"{family_name_key(paper.authors[0])}{paper.year}{title_word_key(paper.title)}"


def _suffixes() -> Iterable[str]:
    """'a' … 'z', 'aa', 'ab', … (bijective base 26)."""
    number = 1
    while True:
        n, text = number, ""
        while n:
            n, digit = divmod(n - 1, 26)
            text = chr(ord("a") + digit) + text
        yield text
        number += 1


def citation_keys(catalog: Catalog) -> dict[str, str]:
    """Paper id → citation key, unique across the list and stable as papers are added (see the module doc)."""
    taken: set[str] = set()
    keys: dict[str, str] = {}
    for paper in sorted(catalog.papers, key=lambda p: (p.added, p.id)):
        base = base_citation_key(paper)
        key = base
        if key in taken:
            key = next(base + suffix for suffix in _suffixes() if base + suffix not in taken)
        taken.add(key)
        keys[paper.id] = key
    return keys


# --------------------------------------------------------------------------------------------- venues

JOURNALS: frozenset[str] = frozenset({"TACL", "TMLR", "TPAMI", "IJCV", "JMLR"})
"""Canonical venue names (``venues.CANONICAL_VENUES``) that are journals; all the others are conferences."""
CONFERENCES: frozenset[str] = frozenset(CANONICAL_VENUES.values()) - JOURNALS
_PROCEEDINGS_WORDS = re.compile(r"\b(?:workshops?|companion|findings|proceedings|conference|symposium)\b", re.I)
_JOURNAL_WORDS = re.compile(r"\b(?:journal|transactions|letters)\b", re.I)
_VENUE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")

VenueKind = Literal["preprint", "conference", "journal"]


def venue_kind(venue: str) -> VenueKind:
    """How a venue is cited: ``preprint`` (``@misc``), ``conference`` (``@inproceedings``) or ``journal``.

    In order: 'preprint' is a preprint; a venue with 'Workshop', 'Companion', 'Findings', 'Proceedings',
    'Conference' or 'Symposium' in it is a conference; one with 'Journal', 'Transactions' or 'Letters' is
    a journal; a venue :func:`~awesome_lora.venues.parse_venue` recognises as one of :data:`CONFERENCES`
    (the canonical venues but TACL, TMLR, TPAMI, IJCV, JMLR) is a conference; anything else (those
    journals, 'Mathematics 2023', 'Nature Communications 2024') is a journal.
    """
    if venue.strip().casefold() == PREPRINT:
        return "preprint"
    if _PROCEEDINGS_WORDS.search(venue):
        return "conference"
    if _JOURNAL_WORDS.search(venue):
        return "journal"
    parsed = parse_venue(venue)
    if parsed is not None and parsed.name.removeprefix("Findings of ") in CONFERENCES:
        return "conference"
    if CANONICAL_VENUES.get(journal_name(venue).casefold()) in CONFERENCES:  # 'ACM MM 2024', which parse_venue skips
        return "conference"
    return "journal"


def venue_year(venue: str) -> int | None:
    """The year a venue names (``ICLR 2024`` → 2024), if any."""
    match = _VENUE_YEAR.search(venue)
    return int(match[1]) if match else None


def journal_name(venue: str) -> str:
    """A journal's name without its year: ``Nature Communications 2024`` → ``Nature Communications``."""
    return " ".join(_VENUE_YEAR.sub(" ", venue).split()) or venue


# --------------------------------------------------------------------------------------------- BibTeX

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_SPECIAL_RE = re.compile("[" + re.escape("".join(_LATEX_SPECIAL)) + "]")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WORD_SEGMENTS = re.compile(r"[-/]")
_AND_WORD = re.compile(r"\band\b", re.I)


def escape_latex(text: str) -> str:
    """Text that LaTeX prints literally: ``& % $ # _ { } ~ ^ \\`` escaped; everything else (UTF-8) kept."""
    return _LATEX_SPECIAL_RE.sub(lambda m: _LATEX_SPECIAL[m[0]], text)


def verbatim_url(url: str) -> str:
    """A URL for a verbatim field (``url``): braces, backslash and spaces percent-encoded, nothing escaped."""
    return quote(url, safe="/:?#[]@!$&'()*+,;=%~-._")


def _needs_protection(word: str) -> bool:
    """A capital after a word's first letter (``LoRA``, ``GPT``; per part of ``X-LoRA``), or digits with letters."""
    if any(c.isdigit() for c in word) and any(c.isalpha() for c in word):
        return True
    return any(any(c.isupper() for c in part[1:]) for part in _WORD_SEGMENTS.split(word))


def protect_title(title: str) -> str:
    """The title, escaped, with the words whose capitals matter in braces: ``{DoRA}: Weight-Decomposed …``.

    A word is a run without spaces; what is braced is its core, from its first to its last letter or digit,
    so that punctuation (``DoRA:``, ``(LoRA)``) stays outside and a braced group never starts with a
    backslash (which BibTeX would treat as an accent, not as protection).
    """
    out: list[str] = []
    for token in re.split(r"(\s+)", title):
        alnum = [i for i, c in enumerate(token) if c.isalnum()]
        if not alnum or not _needs_protection(token[alnum[0] : alnum[-1] + 1]):
            out.append(escape_latex(token))
            continue
        start, end = alnum[0], alnum[-1] + 1
        out.append(escape_latex(token[:start]) + "{" + escape_latex(token[start:end]) + "}" + escape_latex(token[end:]))
    return "".join(out)


def bibtex_name(name: str) -> str:
    """One author, escaped; braced whole when BibTeX would misread it (a comma, or the word 'and')."""
    escaped = escape_latex(name)
    return f"{{{escaped}}}" if "," in name or _AND_WORD.search(name) else escaped


def bibtex_fields(paper: Paper, primary_classes: Mapping[str, str] | None = None) -> tuple[str, list[tuple[str, str]]]:
    """The entry type and its ``(field, value)`` pairs, values already in BibTeX syntax (braced or macro)."""
    kind = venue_kind(paper.venue)
    published_year = venue_year(paper.venue) if kind != "preprint" else None
    fields: list[tuple[str, str]] = [
        ("author", "{" + " and ".join(bibtex_name(a) for a in paper.authors) + "}"),
        ("title", "{" + protect_title(paper.title) + "}"),
    ]
    if kind == "conference":
        entry_type = "inproceedings"
        fields.append(("booktitle", "{" + escape_latex(paper.venue) + "}"))
    elif kind == "journal":
        entry_type = "article"
        fields.append(("journal", "{" + escape_latex(journal_name(paper.venue)) + "}"))
    else:
        entry_type = "misc"
        if paper.arxiv is None and paper.pdf is not None:
            fields.append(("howpublished", "{\\url{" + verbatim_url(paper.pdf) + "}}"))
    fields.append(("year", "{" + str(published_year or paper.year) + "}"))
    if kind == "preprint" and len(paper.date) == 7:
        fields.append(("month", _MONTHS[int(paper.date[5:7]) - 1]))
    if paper.arxiv is not None:
        fields.append(("eprint", "{" + verbatim_url(paper.arxiv) + "}"))
        fields.append(("archivePrefix", "{arXiv}"))
        primary = (primary_classes or {}).get(paper.arxiv)
        if primary:
            fields.append(("primaryClass", "{" + escape_latex(primary) + "}"))
    fields.append(("url", "{" + verbatim_url(paper.paper_url) + "}"))
    return entry_type, fields


def render_bibtex(catalog: Catalog, primary_classes: Mapping[str, str] | None = None) -> str:
    """Every paper as a BibTeX entry (UTF-8), sorted by citation key.

    ``primary_classes`` maps arXiv ids to their primary category (``cs.CL``), as found by enrichment; the
    ``primaryClass`` field is left out for papers it does not cover (it is never guessed).
    """
    keys = citation_keys(catalog)
    entries: list[str] = []
    for paper in sorted(catalog.papers, key=lambda p: keys[p.id]):
        entry_type, fields = bibtex_fields(paper, primary_classes)
        width = max(len(name) for name, _ in fields)
        body = "".join(f"  {name.ljust(width)} = {value},\n" for name, value in fields)
        entries.append(f"@{entry_type}{{{keys[paper.id]},\n{body}}}\n")
    header = (
        f"% awesome-lora: {len(entries)} papers on LoRA (low-rank adaptation), one entry each.\n"
        "% Generated from papers/*.yaml by awesome-lora; encoding: UTF-8.\n"
    )
    return header + "".join("\n" + entry for entry in entries)


# ----------------------------------------------------------------------------------------------- JSON

DATASET_FORMAT_VERSION = 1
GENERATED_FROM = "awesome-lora: papers/*.yaml and taxonomy.yaml"


def _node(node: TaxonomyNode) -> dict[str, Any]:
    return {
        "id": node.id,
        "title": node.title,
        "description": node.description,
        "extension": node.extension,
        "children": [_node(child) for child in node.children],
    }


def dataset_record(paper: Paper) -> dict[str, Any]:
    """A record as in the dataset: :meth:`Paper.to_record`, with ``added`` as an ISO date."""
    record = paper.to_record()
    record["added"] = paper.added.isoformat()
    return record


def dataset(catalog: Catalog) -> dict[str, Any]:
    """The whole list as plain data: the taxonomy tree and every record, sorted by id."""
    return {
        "format_version": DATASET_FORMAT_VERSION,
        "generated_from": GENERATED_FROM,
        "taxonomy": [_node(section) for section in catalog.taxonomy.sections],
        "papers": [dataset_record(p) for p in sorted(catalog.papers, key=lambda p: p.id)],
    }


def render_json(catalog: Catalog) -> str:
    """The JSON dataset: UTF-8, indented by 2, keys in record order, papers sorted by id, a final newline."""
    return json.dumps(dataset(catalog), indent=2, ensure_ascii=False) + "\n"


def dataset_json_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of :func:`render_json`'s output; the paper part comes from the pydantic model."""
    paper = Paper.model_json_schema(mode="serialization")
    properties = paper["properties"]
    properties["venue"]["pattern"] = VENUE_PATTERN
    properties["categories"]["uniqueItems"] = True
    properties["code"]["items"]["pattern"] = URL_PATTERN
    for branch in properties["pdf"].get("anyOf", [properties["pdf"]]):
        if branch.get("type") == "string":
            branch["pattern"] = URL_PATTERN
    node = TaxonomyNode.model_json_schema(mode="serialization")
    defs = {**node.pop("$defs", {}), "Paper": paper}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "awesome-lora dataset",
        "description": "The list of LoRA papers with its taxonomy, as written by awesome-lora's render_json.",
        "type": "object",
        "additionalProperties": False,
        "required": ["format_version", "generated_from", "taxonomy", "papers"],
        "properties": {
            "format_version": {"const": DATASET_FORMAT_VERSION},
            "generated_from": {"type": "string"},
            "taxonomy": {"type": "array", "items": {"$ref": "#/$defs/TaxonomyNode"}},
            "papers": {"type": "array", "items": {"$ref": "#/$defs/Paper"}},
        },
        "$defs": defs,
    }


def render_json_schema_of_dataset() -> str:
    return json.dumps(dataset_json_schema(), indent=2, ensure_ascii=False) + "\n"


# ------------------------------------------------------------------------------------------------ CSV

CSV_COLUMNS = (
    "id", "title", "authors", "venue", "date", "year", "arxiv", "pdf", "code",
    "categories", "architecture", "size", "added",
)  # fmt: skip
LIST_SEPARATOR = "; "
_FORMULA_START = ("=", "+", "-", "@", "'")


def spreadsheet_safe(cell: str) -> str:
    """A cell a spreadsheet will not run: one starting with ``= + - @`` gets a leading apostrophe.

    A cell that already starts with an apostrophe gets one too, so that removing a single leading
    apostrophe always gives the value back exactly.
    """
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def csv_row(paper: Paper) -> dict[str, str]:
    """A paper as CSV cells (before the formula guard): lists joined with '; ', missing values empty."""
    return {
        "id": paper.id,
        "title": paper.title,
        "authors": LIST_SEPARATOR.join(paper.authors),
        "venue": paper.venue,
        "date": paper.date,
        "year": str(paper.year),
        "arxiv": paper.arxiv or "",
        "pdf": paper.pdf or "",
        "code": LIST_SEPARATOR.join(paper.code),
        "categories": LIST_SEPARATOR.join(paper.categories),
        "architecture": paper.architecture or "",
        "size": paper.size or "",
        "added": paper.added.isoformat(),
    }


def render_csv(catalog: Catalog) -> str:
    """One row per paper, sorted by id, under a header row; every cell passed through :func:`spreadsheet_safe`.

    Lists (authors, code, categories) are joined with '; ' (a name that itself holds '; ' cannot be split
    back; the JSON dataset is the lossless form).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for paper in sorted(catalog.papers, key=lambda p: p.id):
        row = csv_row(paper)
        writer.writerow([spreadsheet_safe(row[column]) for column in CSV_COLUMNS])
    return buffer.getvalue()


# ----------------------------------------------------------------------------------------------- Atom

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_FILE = "feed.xml"
FEED_LIMIT = 50
FEED_TITLE = "Awesome LoRA: newly added papers"
FEED_AUTHOR = "The awesome-lora maintainers"
EPOCH = "1970-01-01T00:00:00Z"  # the feed's `updated` when the list is empty
# Characters XML 1.0 cannot hold at all (the records' schema already rejects control characters).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _site_base(site_url: str) -> str:
    return site_url if site_url.endswith("/") else site_url + "/"


def paper_page_url(site_url: str, paper_id: str) -> str:
    """The paper's entry on the website: ``{site_url}all/#<paper-id>``."""
    return f"{_site_base(site_url)}all/#{paper_id}"


def newest_papers(catalog: Catalog, limit: int = FEED_LIMIT) -> list[Paper]:
    """The ``limit`` papers added most recently (then by ``date``, then by id), newest first."""
    return sorted(catalog.papers, key=lambda p: (p.added, p.date, p.id), reverse=True)[: max(limit, 0)]


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = _xml_text(text)
    return element


def _summary(paper: Paper, catalog: Catalog) -> str:
    categories = ", ".join(catalog.taxonomy[c].node.title if c in catalog.taxonomy else c for c in paper.categories)
    return f"Authors: {', '.join(paper.authors)}. Venue: {paper.venue}. Categories: {categories}."


def render_atom(catalog: Catalog, site_url: str, limit: int = FEED_LIMIT) -> str:
    """An Atom 1.0 feed of the ``limit`` papers added most recently; its address is ``{site_url}feed.xml``.

    Each entry's id is the paper's page on the site (``{site_url}all/#<id>``), its ``updated`` the day it
    was added (midnight UTC), its link the paper itself. The feed's ``updated`` is the newest ``added``.
    Built with ElementTree, so markup in a title is written as escaped text.
    """
    base = _site_base(site_url)
    papers = newest_papers(catalog, limit)
    updated = f"{max(p.added for p in catalog.papers).isoformat()}T00:00:00Z" if catalog.papers else EPOCH
    feed = ET.Element("feed", xmlns=ATOM_NS)  # unqualified names in the default namespace, set here
    _sub(feed, "id", base + FEED_FILE)
    _sub(feed, "title", FEED_TITLE)
    _sub(feed, "subtitle", "Papers on LoRA (low-rank adaptation) most recently added to the list.")
    _sub(feed, "updated", updated)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=base + FEED_FILE)
    _sub(feed, "link", rel="alternate", type="text/html", href=base)
    author = _sub(feed, "author")
    _sub(author, "name", FEED_AUTHOR)
    _sub(author, "uri", base)
    _sub(feed, "generator", "awesome-lora")
    for paper in papers:
        entry = _sub(feed, "entry")
        _sub(entry, "id", paper_page_url(base, paper.id))
        _sub(entry, "title", paper.title, type="text")
        _sub(entry, "updated", f"{paper.added.isoformat()}T00:00:00Z")
        _sub(entry, "link", rel="alternate", href=paper.paper_url)
        _sub(entry, "link", rel="related", type="text/html", href=paper_page_url(base, paper.id))
        for name in paper.authors:
            _sub(_sub(entry, "author"), "name", name)
        for category in paper.categories:
            label = catalog.taxonomy[category].node.title if category in catalog.taxonomy else category
            _sub(entry, "category", term=_xml_text(category), label=_xml_text(label))
        _sub(entry, "summary", _summary(paper, catalog), type="text")
    ET.indent(feed, space="  ")
    body = ET.tostring(feed, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"


def configured_site_url(root: Path) -> str:
    """The site's address from mkdocs.yml (`site_url`), which the feed's links are built on."""
    try:
        text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    except OSError:
        return DEFAULT_SITE_URL
    match = re.search(r"^site_url:\s*['\"]?([^'\"\s#]+)", text, re.MULTILINE)
    url = match[1] if match else DEFAULT_SITE_URL
    return url if url.endswith("/") else f"{url}/"


DEFAULT_SITE_URL = "https://example.org/awesome-lora/"
EXPORT_FORMATS = {"bibtex": "papers.bib", "json": "papers.json", "csv": "papers.csv", "atom": FEED_FILE}


def render_export(catalog: Catalog, kind: str) -> str:
    """One export by name (see ``EXPORT_FORMATS``)."""
    if kind == "bibtex":
        return render_bibtex(catalog)
    if kind == "json":
        return render_json(catalog)
    if kind == "csv":
        return render_csv(catalog)
    if kind == "atom":
        return render_atom(catalog, configured_site_url(catalog.root))
    raise ValueError(f"unknown export {kind!r}; choose from {', '.join(EXPORT_FORMATS)}")
