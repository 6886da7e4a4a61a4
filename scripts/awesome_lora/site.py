"""The published site: records → Markdown/HTML pages, and the MkDocs build that turns them into HTML.

Everything here is plain Python over a :class:`~awesome_lora.catalog.Catalog`; presentation lives in the
Jinja templates under ``templates/site/``. MkDocs only enters through :func:`build_site` and the hook
(``mkdocs_hooks.py``), which adds :func:`site_pages` to the build, so the site engine can be swapped.

Every text that comes from a record is untrusted. Templates are autoescaped (HTML), and text placed where
Markdown is parsed goes through :func:`markdown_literal`, which makes it inert in both languages.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import posixpath
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .catalog import Catalog
from .enrichment import Enrichment, load_enrichment
from .exports import (
    FEED_FILE,
    citation_keys,
    render_atom,
    render_bibtex,
    render_csv,
    render_json,
    render_json_schema_of_dataset,
)
from .markdown import link_target
from .problems import Problem
from .render import compact_number
from .schema import Paper
from .taxonomy import Placed, TaxonomyNode

SURVEY_ARXIV = "2407.11046"
SURVEY_TITLE = "A Survey on LoRA of Large Language Models"
TEMPLATES_DIR = Path("templates") / "site"
CONFIG_FILE = "mkdocs.yml"
LOGO = "assets/images/lora.svg"  # provided by the project's images, shown on the home page when present
LATEST_COUNT = 10
TOP_VENUES = 15

HOME_PAGE = "index.md"
PAPERS_PAGE = "papers.md"
STATISTICS_PAGE = "statistics.md"
DATA_PAGE = "data.md"
SECTION_DIR = "categories"
ROWS_FILE = "papers/rows.json"  # the All-papers table's data, next to its page
ROWS_FORMAT = 1
ANCHOR_SEPARATOR = "--"  # taxonomy and paper ids never contain two hyphens in a row
# A top-level section with more entries than this (a paper in two of its leaves counts twice) is split: its
# page lists its leaves, and each leaf gets pages of at most this many entries. An entry is about 1 KB of
# HTML, so a page stays well under 1 MB. mkdocs.yml can change it (extra: awesome_lora: split_threshold).
SPLIT_THRESHOLD = 400
TABLE_AUTHORS = 5  # authors shown in the All-papers table before "et al."
# The paper entries of a category page are one raw HTML block between these lines (templates/site/_paper.html.j2).
# The hook sets each block aside while MkDocs converts the page's Markdown and puts it back afterwards.
ENTRIES_START = '<div class="al-entries">'
ENTRIES_END = "</div><!-- /al-entries -->"

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_YEAR_IN_VENUE = re.compile(r"\s*(?<!\d)(?:19|20)\d{2}(?!\d)")
# Every ASCII character that can start Markdown, extension (emoji ':', tables '|', ...) or HTML syntax.
_MARKDOWN_ACTIVE = re.compile(r"[!-/:-@\[-`{-~]")


class SiteBuildError(Exception):
    """The site could not be built; the message says why (MkDocs' errors and warnings, or bad records)."""

    def __init__(self, message: str, messages: Iterable[str] = ()) -> None:
        self.messages = list(messages)
        details = "".join(f"\n  {line}" for text in self.messages for line in text.splitlines())
        super().__init__(message + details)


# --- escaping -------------------------------------------------------------------------------------------


def markdown_literal(text: str) -> Markup:
    """Text that shows literally wherever it lands: in Markdown, in a Markdown heading, or in HTML.

    Each ASCII punctuation character becomes a numeric character reference (``*`` → ``&#42;``). Python-
    Markdown passes references through untouched, so no emphasis, link, emoji, table cell or tag can start;
    browsers and MkDocs' search index decode them back to the original text.
    """
    return Markup(_MARKDOWN_ACTIVE.sub(lambda match: f"&#{ord(match[0])};", text))


def markdown_url(url: str) -> Markup:
    """A checked http(s) URL made safe as a Markdown link target."""
    return Markup(link_target(url))


# --- pages and anchors ----------------------------------------------------------------------------------


def section_page(section_id: str, split: bool = False) -> str:
    """The page of a top-level section; a split section's page is the index of its folder of leaf pages."""
    return f"{SECTION_DIR}/{section_id}/index.md" if split else f"{SECTION_DIR}/{section_id}.md"


def leaf_page(section_id: str, leaf_id: str, number: int = 1, chunked: bool = False) -> str:
    """The page of a leaf of a split section; a leaf with several pages gets a folder (page 1 is its index)."""
    if not chunked:
        return f"{SECTION_DIR}/{section_id}/{leaf_id}.md"
    return f"{SECTION_DIR}/{section_id}/{leaf_id}/{'index' if number == 1 else number}.md"


def paper_anchor(leaf_id: str, paper_id: str) -> str:
    """The id of a paper's entry on a section page; unique even when the paper sits in two leaves."""
    return f"{leaf_id}{ANCHOR_SEPARATOR}{paper_id}"


def is_paper_anchor(anchor: str) -> bool:
    return ANCHOR_SEPARATOR in anchor


def page_url(page: str) -> str:
    """The URL (relative to the site root) MkDocs gives a page with ``use_directory_urls``."""
    if page == HOME_PAGE:
        return ""
    stem = page.removesuffix(".md")
    return (stem.removesuffix("/index") if stem.endswith("/index") else stem) + "/"


def relative_link(from_page: str, to_page: str, anchor: str = "") -> str:
    """A link from one built page to another (for raw HTML, which MkDocs does not rewrite)."""
    target = _page_to_page(from_page, to_page)
    return f"{target}#{anchor}" if anchor else target


@lru_cache(maxsize=65536)
def _page_to_page(from_page: str, to_page: str) -> str:
    # Cached: a large list links between the same few hundred pages tens of thousands of times.
    target = posixpath.relpath("/" + page_url(to_page), "/" + page_url(from_page))  # absolute: no getcwd()
    return "./" if target == "." else target + "/"


def file_link(from_page: str, name: str) -> str:
    """A link from a built page to a file at the site's root (papers.bib, feed.xml), for raw HTML."""
    return posixpath.relpath(name, page_url(from_page) or ".")


def markdown_link(from_page: str, to_page: str, anchor: str = "") -> str:
    """A Markdown link target from one source page to another; MkDocs checks and rewrites it."""
    target = posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
    return f"{target}#{anchor}" if anchor else target


# --- view models ----------------------------------------------------------------------------------------


def date_label(date: str) -> str:
    """``2024-02`` → ``Feb 2024``; a year alone stays as it is."""
    if len(date) == 7:
        return f"{_MONTHS[int(date[5:7]) - 1]} {date[:4]}"
    return date


def venue_family(venue: str) -> str:
    """The venue without its year, for filters and counts: ``NeurIPS 2023 Workshop`` → ``NeurIPS Workshop``."""
    return _YEAR_IN_VENUE.sub("", venue).strip() or venue


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


@dataclass(frozen=True)
class Link:
    label: str
    kind: str  # its icon: paper, arxiv, github or code (CSS classes al-icon--<kind>)
    url: str


@dataclass(frozen=True)
class Location:
    """Where a paper is listed: under a leaf, on a section page or on a page of the leaf."""

    leaf: TaxonomyNode
    section: TaxonomyNode
    page: str
    anchor: str


@dataclass(frozen=True)
class PaperView:
    paper: Paper
    locations: tuple[Location, ...]
    bibtex_key: str = ""
    stars: int | None = None  # the most starred of its GitHub code links, when enrich fetched it
    archived: bool = False  # a code repository is archived
    citations: int | None = None

    @property
    def date_label(self) -> str:
        return date_label(self.paper.date)

    @cached_property
    def badges(self) -> list[tuple[str, str]]:
        """(kind, text) for each badge: styled labels, never remote images."""
        return [
            (kind, value)
            for kind, value in (("architecture", self.paper.architecture), ("size", self.paper.size))
            if value
        ]

    @cached_property
    def links(self) -> list[Link]:
        paper = self.paper
        links = []
        if paper.pdf:
            label = "PDF" if urlsplit(paper.pdf).path.lower().endswith(".pdf") else "Paper"
            links.append(Link(label, "paper", paper.pdf))
        if paper.arxiv:
            links.append(Link("arXiv", "arxiv", f"https://arxiv.org/abs/{paper.arxiv}"))
        for number, url in enumerate(paper.code, start=1):
            label = "Code" if len(paper.code) == 1 else f"Code {number}"
            links.append(Link(label, "github" if "github.com" in url.lower() else "code", url))
        return links

    @property
    def primary(self) -> Location:
        return self.locations[0]

    def location(self, leaf_id: str) -> Location:
        return next(location for location in self.locations if location.leaf.id == leaf_id)

    def elsewhere(self, location: Location) -> list[Location]:
        return [other for other in self.locations if other is not location]


@dataclass(frozen=True)
class Entry:
    """One paper listed under one leaf."""

    view: PaperView
    location: Location


@dataclass(frozen=True)
class Block:
    """One heading of a section page: a subsection or a leaf (with its entries, or its own pages)."""

    node: TaxonomyNode
    level: int
    entries: tuple[Entry, ...]
    count: int
    pages: tuple[LeafPage, ...] = ()  # a leaf of a split section: the pages that list its papers


@dataclass(frozen=True)
class LeafPage:
    """A page of a leaf of a split section: all its papers, or one run of them ("page 2 of 3")."""

    placed: Placed
    path: str
    number: int
    of: int
    first: int  # position (from 0) of the page's first paper in the leaf's list
    papers: tuple[Paper, ...]

    @property
    def leaf(self) -> TaxonomyNode:
        return self.placed.node

    @property
    def section(self) -> TaxonomyNode:
        return self.placed.section

    @property
    def nav_title(self) -> str:
        return self.leaf.title if self.of == 1 else f"Page {self.number}"


class SiteModel:
    """The catalog arranged for the pages; built once per build, shared by every template.

    ``split_threshold``: a top-level section with more entries than this gets one page per leaf (a leaf
    with more, several pages), see :data:`SPLIT_THRESHOLD`.
    """

    def __init__(self, catalog: Catalog, *, logo: bool = False, split_threshold: int = SPLIT_THRESHOLD) -> None:
        if split_threshold < 1:
            raise ValueError(f"split_threshold must be at least 1, not {split_threshold}")
        self.catalog = catalog
        self.taxonomy = catalog.taxonomy
        self.logo = logo
        self.split_threshold = split_threshold

    @cached_property
    def enrichment(self) -> Enrichment:
        """Stars, archived flags and citation counts fetched by `awesome-lora enrich` (empty without it)."""
        return load_enrichment(self.catalog.root)

    @cached_property
    def citation_keys(self) -> dict[str, str]:
        """Paper id → its BibTeX key in papers.bib (what the copy-BibTeX buttons look up)."""
        return citation_keys(self.catalog)

    @cached_property
    def newest_added(self) -> str:
        """The latest `added` date of the list: pages show dates from the data, never the clock."""
        return max((paper.added for paper in self.catalog.papers), default=dt.date(2024, 7, 15)).isoformat()

    # Layout: which page lists which entry.

    def nodes_under(self, section: TaxonomyNode) -> Iterator[Placed]:
        for placed in self.taxonomy:
            if placed.depth > 1 and placed.section.id == section.id:
                yield placed

    @cached_property
    def _counts(self) -> dict[str, int]:
        """Node id → distinct papers filed under it."""
        ids: dict[str, set[str]] = {placed.node.id: set() for placed in self.taxonomy}
        for leaf, papers in self.catalog.by_category.items():
            placed = self.taxonomy[leaf]
            for node in (*placed.ancestors, placed.node):
                ids[node.id].update(paper.id for paper in papers)
        return {node_id: len(papers) for node_id, papers in ids.items()}

    def count(self, node_id: str) -> int:
        return self._counts[node_id]

    def entry_count(self, section: TaxonomyNode) -> int:
        """Entries listed under a section: a paper in two of its leaves is listed twice."""
        return sum(len(self.catalog.by_category.get(placed.node.id, [])) for placed in self.nodes_under(section))

    @cached_property
    def split_sections(self) -> frozenset[str]:
        """The ids of the sections too large for one page."""
        return frozenset(s.id for s in self.sections if self.entry_count(s) > self.split_threshold)

    def is_split(self, section: TaxonomyNode) -> bool:
        return section.id in self.split_sections

    def section_path(self, section: TaxonomyNode) -> str:
        return section_page(section.id, self.is_split(section))

    @cached_property
    def leaf_pages(self) -> dict[str, tuple[LeafPage, ...]]:
        """Leaf id → its pages, for every leaf of a split section (an empty leaf has one page too)."""
        pages: dict[str, tuple[LeafPage, ...]] = {}
        size = self.split_threshold
        for section in self.sections:
            if not self.is_split(section):
                continue
            for placed in self.nodes_under(section):
                if not placed.node.is_leaf:
                    continue
                papers = self.catalog.by_category.get(placed.node.id, [])
                of = max(1, -(-len(papers) // size))
                pages[placed.node.id] = tuple(
                    LeafPage(
                        placed,
                        leaf_page(section.id, placed.node.id, number, chunked=of > 1),
                        number,
                        of,
                        (number - 1) * size,
                        tuple(papers[(number - 1) * size : number * size]),
                    )
                    for number in range(1, of + 1)
                )
        return pages

    @cached_property
    def _entry_pages(self) -> dict[tuple[str, str], str]:
        """(leaf id, paper id) → the leaf page that lists it, for the leaves of split sections."""
        return {(page.leaf.id, paper.id): page.path for pages in self.leaf_pages.values() for page in pages
                for paper in page.papers}  # fmt: skip

    def _location(self, leaf_id: str, paper_id: str) -> Location:
        placed = self.taxonomy[leaf_id]
        section = placed.section
        page = self._entry_pages[leaf_id, paper_id] if self.is_split(section) else section_page(section.id)
        return Location(placed.node, section, page, paper_anchor(leaf_id, paper_id))

    def leaf_link(self, leaf_id: str) -> tuple[str, str]:
        """(page, anchor) of a leaf's heading: on its section page, or its (first) own page."""
        if leaf_id in self.leaf_pages:
            return self.leaf_pages[leaf_id][0].path, leaf_id
        return section_page(self.taxonomy[leaf_id].section.id), leaf_id

    @cached_property
    def views(self) -> dict[str, PaperView]:
        """Paper id → view, in catalog order (newest first)."""
        views = {}
        for paper in self.catalog.papers:
            code = self.enrichment.code_links(paper.code)
            views[paper.id] = PaperView(
                paper,
                tuple(self._location(leaf, paper.id) for leaf in paper.categories),
                self.citation_keys[paper.id],
                max((link.stars for link in code if link.stars is not None), default=None),
                any(link.archived for link in code),
                self.enrichment.citations(paper.id),
            )
        return views

    def entries(self, leaf_id: str, papers: Iterable[Paper] | None = None) -> tuple[Entry, ...]:
        """The entries of a leaf (or of some of its papers), in reading order."""
        views = self.views
        if papers is None:
            papers = self.catalog.by_category.get(leaf_id, [])
        return tuple(Entry(view, view.location(leaf_id)) for view in (views[p.id] for p in papers))

    @property
    def sections(self) -> list[TaxonomyNode]:
        return self.taxonomy.sections

    def blocks(self, section: TaxonomyNode) -> list[Block]:
        """The headings of a section page; on a split section, leaves carry their pages instead of entries."""
        split = self.is_split(section)
        blocks = []
        for placed in self.nodes_under(section):
            node = placed.node
            if split:
                blocks.append(Block(node, placed.depth, (), self.count(node.id), self.leaf_pages.get(node.id, ())))
            else:
                blocks.append(Block(node, placed.depth, self.entries(node.id), self.count(node.id)))
        return blocks

    def trail(self, placed: Placed) -> list[TaxonomyNode]:
        """The nodes above a leaf, below its section (for the leaf page's breadcrumb)."""
        return list(placed.ancestors[1:])

    @property
    def generated_pages(self) -> list[str]:
        """Every category page, in navigation order."""
        paths = []
        for section in self.sections:
            paths.append(self.section_path(section))
            for placed in self.nodes_under(section):
                paths += [page.path for page in self.leaf_pages.get(placed.node.id, ())]
        return paths

    def nav(self) -> list[dict[str, Any]]:
        """The Categories part of the navigation, mirroring the taxonomy.

        A split section becomes a group whose first page (its index) lists its leaves; below it, one group
        per subsection and one page per leaf (a leaf with several pages: a group, page 1 as its index).
        """
        items: list[dict[str, Any]] = []
        for section in self.sections:
            if not self.is_split(section):
                items.append({section.title: self.section_path(section)})
                continue
            children: list[Any] = [self.section_path(section)]
            groups: dict[str, list[Any]] = {section.id: children}
            for placed in self.nodes_under(section):
                parent = groups[placed.ancestors[-1].id]
                if placed.node.is_leaf:
                    pages = self.leaf_pages[placed.node.id]
                    if len(pages) == 1:
                        parent.append({placed.node.title: pages[0].path})
                    else:
                        parent.append({placed.node.title: [pages[0].path] + [{p.nav_title: p.path} for p in pages[1:]]})
                else:
                    groups[placed.node.id] = []
                    parent.append({placed.node.title: groups[placed.node.id]})
            items.append({section.title: children})
        return items

    @cached_property
    def latest(self) -> list[PaperView]:
        """The latest additions: by the day they joined the list, then by the paper's date."""
        papers = sorted(self.catalog.papers, key=lambda p: (p.added, p.date, p.title.casefold()), reverse=True)
        return [self.views[p.id] for p in papers[:LATEST_COUNT]]

    @property
    def leaf_count(self) -> int:
        return len(self.taxonomy.leaf_ids)

    # Filter choices for the All-papers page, each as (value, label, count).

    @cached_property
    def category_choices(self) -> list[tuple[str, str, int]]:
        choices = []
        for placed in self.taxonomy:
            indent = "\u2003" * (placed.depth - 1)  # em spaces: options cannot hold markup
            choices.append((placed.node.id, indent + placed.node.title, self.count(placed.node.id)))
        return choices

    @cached_property
    def year_counts(self) -> list[tuple[str, int]]:
        counts = Counter(str(p.year) for p in self.catalog.papers)
        return sorted(counts.items(), reverse=True)

    @cached_property
    def venue_counts(self) -> list[tuple[str, int]]:
        counts = Counter(venue_family(p.venue) for p in self.catalog.papers)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))

    @cached_property
    def badge_counts(self) -> list[tuple[str, int]]:
        counts = Counter(value for view in self.views.values() for _, value in view.badges)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))

    # The All-papers table's data file.

    def rows(self, from_page: str = PAPERS_PAGE) -> dict[str, Any]:
        """The data of the All-papers table (``papers/rows.json``): one array per paper, newest first.

        ``fields`` names the positions of a row. ``categories`` index ``leaves`` (id, title, link to the leaf's
        heading, ids of the leaf and every node above it for the category filter); ``page`` indexes
        ``pages``, the page of the paper's entry under its first category, with the anchor
        ``<first category>--<id>``. ``family`` is empty when it is the venue itself; the year is the
        date's first four digits; a link without a URL is the arXiv abstract page of ``arxiv``. Links are
        relative to ``from_page``. Every author is kept (the text filter searches them all); the table shows
        the first few.
        """
        leaf_index = {leaf: number for number, leaf in enumerate(self.taxonomy.leaf_ids)}
        page_index: dict[str, int] = {}
        rows = []
        for view in self.views.values():
            paper = view.paper
            family = venue_family(paper.venue)
            rows.append([
                paper.id, paper.title, paper.authors, paper.venue, "" if family == paper.venue else family,
                paper.date, [leaf_index[leaf] for leaf in paper.categories], [list(badge) for badge in view.badges],
                [[link.label] if link.kind == "arxiv" else [link.label, link.url] for link in view.links],
                paper.arxiv or "", page_index.setdefault(view.primary.page, len(page_index)),
                view.stars, view.citations,
            ])  # fmt: skip
        leaves = []
        for leaf in self.taxonomy.leaf_ids:
            placed = self.taxonomy[leaf]
            leaves.append({
                "id": leaf,
                "title": placed.node.title,
                "href": relative_link(from_page, *self.leaf_link(leaf)),
                "ids": [node.id for node in placed.ancestors] + [leaf],
            })  # fmt: skip
        return {
            "format": ROWS_FORMAT,
            "fields": list(ROW_FIELDS),
            "leaves": leaves,
            "pages": [relative_link(from_page, page) for page in page_index],
            "rows": rows,
        }

    # Charts for the statistics page.

    def charts(self, from_page: str) -> list[Chart]:
        papers_link = relative_link(from_page, PAPERS_PAGE)
        by_year = [
            Bar(year, count, f"{papers_link}?{urlencode({'year': year})}") for year, count in sorted(self.year_counts)
        ]
        by_section = [
            Bar(section.title, self.count(section.id), relative_link(from_page, self.section_path(section)))
            for section in self.sections
        ]
        venues = self.venue_counts
        by_venue = [
            Bar(name, count, f"{papers_link}?{urlencode({'venue': name})}") for name, count in venues[:TOP_VENUES]
        ]
        if len(venues) > TOP_VENUES:
            by_venue.append(
                Bar(f"Other venues ({len(venues) - TOP_VENUES})", sum(count for _, count in venues[TOP_VENUES:]), None)
            )
        return [
            Chart("chart-years", "Papers per year", "By the date of the paper's first public version.", by_year),
            Chart(
                "chart-sections",
                "Papers per top-level category",
                "Distinct papers under each section of the survey's taxonomy; a paper may sit in several.",
                by_section,
            ),
            Chart(
                "chart-venues",
                "Papers per venue",
                "Venues without their year; preprints are not yet published elsewhere.",
                by_venue,
            ),
        ]


ROW_FIELDS = (
    "id", "title", "authors", "venue", "family", "date", "categories", "badges", "links", "arxiv", "page",
    "stars", "citations",
)  # fmt: skip


# --- charts ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    href: str | None = None


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    caption: str
    bars: list[Bar]

    @property
    def svg(self) -> Markup:
        return bar_chart_svg(self.id, self.title, self.bars)


ROW_HEIGHT = 40
BAR_HEIGHT = 14
BAR_SPAN = 86  # percent of the width the longest bar takes; the rest holds its number


def bar_chart_svg(chart_id: str, title: str, bars: list[Bar]) -> Markup:
    """A horizontal bar chart: one inline SVG per bar (label above, count after), each a link when it has one.

    Widths are percentages and heights pixels, so the chart fills any screen width without scaling its
    text down on a phone. Colours come from CSS (classes ``al-chart__*``), so both palettes apply. Links
    are HTML around the SVGs (an SVG ``<a>`` breaks material's instant navigation).
    """
    esc = html.escape
    top = max((bar.value for bar in bars), default=0) or 1
    parts = [f'<div class="al-chart" id="{esc(chart_id)}" role="list" aria-label="{esc(title)}">']
    if not bars:
        parts.append('<p class="al-empty">No papers yet.</p>')
    for bar in bars:
        width = max(BAR_SPAN * bar.value / top, 0.5)
        label = f"{bar.label}: {bar.value:,}"
        svg = (
            f'<svg class="al-chart__svg" width="100%" height="{ROW_HEIGHT}" role="img" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{esc(label)}</title>'
            f'<text class="al-chart__label" x="0" y="14">{esc(bar.label)}</text>'
            f'<rect class="al-chart__bar" x="0" y="20" width="{width:.2f}%" height="{BAR_HEIGHT}" rx="3"/>'
            f'<text class="al-chart__value" x="{width:.2f}%" dx="6" y="32">{bar.value:,}</text></svg>'
        )
        if bar.href:
            parts.append(
                f'<a class="al-chart__row" role="listitem" href="{esc(bar.href)}" aria-label="{esc(label)}">{svg}</a>'
            )
        else:
            parts.append(f'<div class="al-chart__row" role="listitem">{svg}</div>')
    parts.append("</div>")
    return Markup("".join(parts))


# --- rendering ------------------------------------------------------------------------------------------


def template_environment(root: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(root / TEMPLATES_DIR),
        bytecode_cache=FileSystemBytecodeCache(pattern="awesome-lora-html-%s.cache"),  # see render.environment
        autoescape=True,  # HTML parts; Markdown parts use the `md` filter, which is also HTML-safe
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md=markdown_literal, mdurl=markdown_url, plural=plural, date_label=date_label, compact=compact_number
    )
    env.globals.update(
        markdown_link=markdown_link, relative_link=relative_link, file_link=file_link, TABLE_AUTHORS=TABLE_AUTHORS,
        venue_family=venue_family, SURVEY_ARXIV=SURVEY_ARXIV, SURVEY_TITLE=SURVEY_TITLE, PAPERS_PAGE=PAPERS_PAGE,
        STATISTICS_PAGE=STATISTICS_PAGE, HOME_PAGE=HOME_PAGE, LOGO=LOGO, DATA_PAGE=DATA_PAGE, FEED_FILE=FEED_FILE,
    )  # fmt: skip
    return env


@dataclass
class GeneratedSite:
    """What the build adds to MkDocs, each text UTF-8 encoded (ready for ``File.generated``; bytes take half the
    memory of a Python string holding any letter beyond Latin-1): pages (path → Markdown), other files
    (path → content) and the navigation."""

    pages: dict[str, bytes]
    files: dict[str, bytes]
    nav: list[dict[str, Any]]


def generate_site(
    catalog: Catalog, *, logo: bool = False, site_url: str = "", split_threshold: int = SPLIT_THRESHOLD
) -> GeneratedSite:
    """Pages, data files and navigation of the site, from one :class:`SiteModel`.

    Raises :class:`jinja2.TemplateError` when a template is broken.
    """
    model = SiteModel(catalog, logo=logo, split_threshold=split_threshold)
    pages = {path: text.encode("utf-8") for path, text in iter_pages(model, site_url)}
    files = {ROWS_FILE: (json.dumps(model.rows(), ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")}
    for name, text in site_downloads(catalog, site_url or "/").items():
        files[name] = text.encode("utf-8")
    return GeneratedSite(pages, files, navigation(model))


def iter_pages(model: SiteModel, site_url: str = "") -> Iterator[tuple[str, str]]:
    """Every generated page as (path relative to docs_dir, Markdown), in navigation order, one at a time."""
    env = template_environment(model.catalog.root)
    yield HOME_PAGE, env.get_template("index.md.j2").render(site=model, page=HOME_PAGE)
    section_template = env.get_template("section.md.j2")
    index_template = env.get_template("section-index.md.j2")
    leaf_template = env.get_template("leaf.md.j2")
    for section in model.sections:
        path = model.section_path(section)
        template = index_template if model.is_split(section) else section_template
        yield path, template.render(site=model, page=path, section=section)
        for placed in model.nodes_under(section):
            for leaf in model.leaf_pages.get(placed.node.id, ()):
                entries = model.entries(leaf.leaf.id, leaf.papers)
                yield leaf.path, leaf_template.render(site=model, page=leaf.path, leaf=leaf, entries=entries)
    yield PAPERS_PAGE, env.get_template("papers.md.j2").render(site=model, page=PAPERS_PAGE, rows=ROWS_FILE)
    yield STATISTICS_PAGE, env.get_template("statistics.md.j2").render(site=model, page=STATISTICS_PAGE)
    yield (
        DATA_PAGE,
        env.get_template("data.md.j2").render(
            site=model, page=DATA_PAGE, downloads=DOWNLOADS, site_url=site_url or "https://example.org/awesome-lora/"
        ),
    )


def site_pages(
    catalog: Catalog, *, logo: bool = False, site_url: str = "", split_threshold: int = SPLIT_THRESHOLD
) -> dict[str, str]:
    """Every generated page: its path (relative to docs_dir) → Markdown, in navigation order.

    ``logo`` shows ``assets/images/lora.svg`` on the home page (set it when the file exists);
    ``split_threshold``: see :class:`SiteModel`. Raises :class:`jinja2.TemplateError` when a template is broken.
    """
    return dict(iter_pages(SiteModel(catalog, logo=logo, split_threshold=split_threshold), site_url))


# The list in other forms, written next to the pages by the site build: file → (label, media type).
DOWNLOADS = {
    "papers.bib": ("BibTeX", "application/x-bibtex"),
    "papers.json": ("JSON", "application/json"),
    "papers.schema.json": ("JSON Schema of papers.json", "application/schema+json"),
    "papers.csv": ("CSV", "text/csv"),
    FEED_FILE: ("Atom feed of the 50 latest additions", "application/atom+xml"),
}


def site_downloads(catalog: Catalog, site_url: str) -> dict[str, str]:
    """The files of :data:`DOWNLOADS`, the same as ``awesome-lora export`` writes."""
    return {
        "papers.bib": render_bibtex(catalog),
        "papers.json": render_json(catalog),
        "papers.schema.json": render_json_schema_of_dataset(),
        "papers.csv": render_csv(catalog),
        FEED_FILE: render_atom(catalog, site_url),
    }


def navigation(model: SiteModel) -> list[dict[str, Any]]:
    return [
        {"Home": HOME_PAGE},
        {"Categories": model.nav()},
        {"All papers": PAPERS_PAGE},
        {"Statistics": STATISTICS_PAGE},
        {"Data": DATA_PAGE},
    ]


def site_nav(catalog: Catalog, split_threshold: int = SPLIT_THRESHOLD) -> list[dict[str, Any]]:
    """The navigation, mirroring the taxonomy: a page per top-level section (per leaf in a split section)."""
    return navigation(SiteModel(catalog, split_threshold=split_threshold))


def problems_message(problems: list[Problem]) -> str:
    shown = "\n".join(f"  {problem}" for problem in problems[:50])
    more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
    return (
        f"the site is not built: {plural(len(problems), 'problem')} in the records "
        f"(run `awesome-lora validate`):\n{shown}{more}"
    )


# --- building -------------------------------------------------------------------------------------------


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname}: {record.getMessage()}")


_preloaded: dict[Path, Catalog] = {}


def preloaded_catalog(root: Path) -> Catalog | None:
    """The catalog that :func:`build_site` was given for ``root``, so the hook does not read the files again."""
    return _preloaded.get(Path(root).resolve())


def build_site(root: Path, site_dir: Path | None = None, strict: bool = True, catalog: Catalog | None = None) -> Path:
    """Build the site of the project at ``root`` with MkDocs; return the directory it was written to.

    ``catalog``, when given, is the already loaded list (the hook uses it instead of loading it again).
    Raises :class:`SiteBuildError` (with MkDocs' warnings and errors in its message) when the build fails.
    """
    if catalog is not None:
        _preloaded[Path(root).resolve()] = catalog
    try:
        return _build_site(root, site_dir, strict)
    finally:
        _preloaded.pop(Path(root).resolve(), None)


def _build_site(root: Path, site_dir: Path | None, strict: bool) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, BuildError, ConfigurationError

    config_file = Path(root) / CONFIG_FILE
    if not config_file.is_file():
        raise SiteBuildError(f"no {CONFIG_FILE} in {root}")
    overrides: dict[str, Any] = {"strict": strict}
    if site_dir is not None:
        overrides["site_dir"] = str(Path(site_dir).resolve())
    logger = logging.getLogger("mkdocs")
    collect = _Collect()
    logger.addHandler(collect)
    try:
        try:
            config = load_config(str(config_file), **overrides)
        except (Abort, ConfigurationError) as error:
            raise SiteBuildError(f"{config_file}: invalid configuration ({error})", collect.messages) from None
        try:
            build(config)
        except (Abort, BuildError, ConfigurationError, OSError) as error:
            raise SiteBuildError(f"mkdocs build failed: {error}", collect.messages) from None
    finally:
        logger.removeHandler(collect)
    return Path(config.site_dir)
