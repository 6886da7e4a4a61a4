"""Rendering the list into Markdown for GitHub (README.md) with Jinja templates.

Python decides what is shown and in which order (headings with their GitHub anchors, numbered entries);
the templates decide how it looks. Every value from a record passes through an escaping filter.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import quote

import jinja2

from .catalog import Catalog, paused_gc
from .enrichment import ENRICHMENT_FILE, Enrichment, load_enrichment
from .markdown import AnchorBook, escape_markdown, github_anchor, link_target
from .parallel import parallel_map
from .schema import Paper
from .taxonomy import TaxonomyNode

TEMPLATES_DIR = "templates"
README_TEMPLATE = "README.md.j2"
LIST_PAGE_TEMPLATE = "list-page.md.j2"
ISSUE_FORM_TEMPLATE = "github/suggest-a-paper.yml.j2"


README_BUDGET = 400_000  # bytes: GitHub shows only the first 512,000 bytes of a README, and cuts the rest
LATEST_COUNT = 50  # newest papers shown in README.md when the full list moves to lists/
LISTS_DIR = "lists"
PAGE_MARGIN = 8_000  # room kept on each list page for its header and the links to its sibling pages


@dataclass(frozen=True)
class Heading:
    """A heading as printed (``markdown``) and the anchor GitHub gives it in its file."""

    markdown: str
    anchor: str
    node: TaxonomyNode


@dataclass(frozen=True)
class Block:
    """A taxonomy heading followed by its numbered entries (a leaf's entries may span several blocks)."""

    heading: Heading
    entries: tuple[str, ...] = ()
    continued: bool = False


Chunk = tuple[TaxonomyNode, int, tuple[str, ...], bool]  # node, depth, its entries on this page, continued?


@dataclass(frozen=True)
class TocItem:
    title: str
    link: str
    indent: int
    count: int


def survey_date(date: str) -> str:
    """``2023-05`` → ``2023.5``, the survey's date format."""
    year, _, month = date.partition("-")
    return f"{year}.{int(month)}" if month else year


def shields_badge(text: str, color: str) -> str:
    """A shields.io static badge URL; '-' and '_' are doubled as shields.io requires."""
    label = text.replace("-", "--").replace("_", "__")
    return f"https://img.shields.io/badge/{quote(label, safe='')}-{color}"


def pdf_url(paper: Paper) -> str:
    return paper.pdf or f"https://arxiv.org/pdf/{paper.arxiv}"


def compact_number(number: int) -> str:
    """1234 → 1.2k, 56789 → 57k: counts as readers glance at them."""
    if number < 1000:
        return str(number)
    if number < 9_950:  # 9,950 and up would print as "10.0k"
        return f"{number / 1000:.1f}k".replace(".0k", "k")
    return f"{round(number / 1000)}k"


def title_sentence(title: str) -> str:
    """The title as a sentence: a final period unless it already ends in punctuation."""
    return title if title.endswith((".", "?", "!")) else f"{title}."


@cache
def environment(templates_dir: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        # Compiled templates kept between runs (Jinja's own cache, in the user's temporary folder; keyed by
        # each template's source): compiling them is a tenth of a small list's build. A file name of its
        # own, because the cache does not tell environments with other settings (the site's) apart.
        bytecode_cache=jinja2.FileSystemBytecodeCache(pattern="awesome-lora-markdown-%s.cache"),
        autoescape=False,  # Markdown, not HTML: record text goes through the `md` filter instead
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        md=escape_markdown,
        target=link_target,
        survey_date=survey_date,
        badge=shields_badge,
        pdf_url=pdf_url,
        sentence=title_sentence,
        compact=compact_number,
        yaml_string=json.dumps,  # a JSON string is a valid double-quoted YAML scalar
    )
    return env


@dataclass(frozen=True)
class EntryRenderer:
    """Renders one paper's entry (the ``entry`` macro of ``_entry.md.j2``) with what `awesome-lora enrich`
    fetched about it.

    Two renderers for the same templates and the same ``data/enrichment.json`` are equal, so that entries
    rendered while loading (``load_catalog(root, prepare=[EntryRenderer.for_list(root)])``) are recognised
    by :class:`ListRenderer` and used as they are.
    """

    templates_dir: Path
    enrichment_stamp: tuple[int, int] | None  # size and modification time of data/enrichment.json
    root: Path = field(compare=False)
    _entry: Callable[..., str] = field(init=False, compare=False, repr=False)
    _meta: Enrichment = field(init=False, compare=False, repr=False)

    @classmethod
    def for_list(cls, root: Path, templates_dir: Path | None = None) -> EntryRenderer:
        try:
            stat = (root / ENRICHMENT_FILE).stat()
            stamp: tuple[int, int] | None = (stat.st_size, stat.st_mtime_ns)
        except FileNotFoundError:
            stamp = None
        return cls((templates_dir or root / TEMPLATES_DIR).resolve(), stamp, root)

    def __post_init__(self) -> None:
        # Ready before any worker is forked: the template compiled once, the data file read once.
        entry = environment(self.templates_dir).get_template("_entry.md.j2").module.entry  # type: ignore[attr-defined]
        object.__setattr__(self, "_entry", entry)
        object.__setattr__(self, "_meta", load_enrichment(self.root))  # stars, archived, citations when known

    def __call__(self, paper: Paper) -> str:
        return str(self._entry(paper, self._meta.code_links(paper.code), self._meta.citations(paper.id)))


def star_icon(prefix: str) -> str:
    return f'<img src="{prefix}site/assets/images/star.svg" width="15" height="15" />'


def _heading(node: TaxonomyNode, depth: int, anchors: AnchorBook, prefix: str, continued: bool = False) -> Heading:
    """Sections are ``##``, subsections ``###`` with the survey's star icon, leaves below them ``####``."""
    title = f"{node.title} (continued)" if continued else node.title
    hashes = "#" * (depth + 1)
    if depth == 2:  # an inline image adds nothing to GitHub's anchor, but its space does
        return Heading(f"{hashes} {star_icon(prefix)} {escape_markdown(title)}", anchors.add(f" {title}"), node)
    return Heading(f"{hashes} {escape_markdown(title)}", anchors.add(title), node)


class ListRenderer:
    """README.md (and, past the byte budget, one or more pages per section under lists/) for a catalog.

    Entries are rendered once by the ``entry`` macro of ``_entry.md.j2``; Python only decides which
    headings and entries go into which file, and the anchors GitHub will give them there.
    """

    def __init__(self, catalog: Catalog, templates_dir: Path | None = None, budget: int = README_BUDGET) -> None:
        self.catalog = catalog
        self.budget = budget
        templates_dir = (templates_dir or catalog.root / TEMPLATES_DIR).resolve()
        self.env = environment(templates_dir)
        entry = EntryRenderer.for_list(catalog.root, templates_dir)
        bodies = catalog.prepared.get(entry)  # rendered while loading, if load_catalog was asked to
        if bodies is None:
            papers = [record.paper for record in catalog.records]
            bodies = dict(zip((paper.id for paper in papers), parallel_map(entry, papers), strict=True))
        self.bodies: dict[str, str] = bodies
        self.entries = {
            leaf: tuple(f"{number}. {self.bodies[paper.id]}" for number, paper in enumerate(papers, 1))
            for leaf, papers in catalog.by_category.items()
        }
        self.title = "A Survey on LoRA of Large Language Models"
        self._page_links: dict[str, str] = {}

    def files(self) -> dict[str, str]:
        """Repository path → content: README.md alone if it fits the budget, else README.md and lists/."""
        entries_size = sum(len(text) + 2 for texts in self.entries.values() for text in texts)
        if entries_size <= self.budget:  # characters ≤ bytes: when they alone pass the budget, so does the file
            full = self._readme(split=False)
            if len(full.encode("utf-8")) <= self.budget:
                return {"README.md": full}
        pages = self._pages()
        files = {"README.md": self._readme(split=True, pages=pages)}
        for name, text in pages.items():
            files[f"{LISTS_DIR}/{name}"] = text
        for name, text in files.items():
            size = len(text.encode("utf-8"))
            if size > self.budget:
                raise ValueError(f"{name} is {size:,} bytes, over the budget of {self.budget:,}")
        return files

    def _subtree(self, node: TaxonomyNode, depth: int) -> list[tuple[TaxonomyNode, int]]:
        nodes = [(node, depth)]
        for child in node.children:
            nodes += self._subtree(child, depth + 1)
        return nodes

    def _readme(self, split: bool, pages: dict[str, str] | None = None) -> str:
        anchors = AnchorBook()
        # Anchors in the order the headings appear in the template.
        top = {"title": anchors.add(f"{self.title} "), "intro": anchors.add("LoRA of LLMs"),
               "contents": anchors.add("Contents")}  # fmt: skip
        blocks: list[Block] = []
        toc: list[TocItem] = []
        latest: list[str] = []
        if split:
            top["latest"] = anchors.add("Latest additions")
            papers = (record.paper for record in self.catalog.records)
            newest = heapq.nlargest(LATEST_COUNT, papers, key=lambda p: (p.added, p.date, p.id))  # ids: no ties
            latest = [f"{number}. {self.bodies[paper.id]}" for number, paper in enumerate(newest, 1)]
            for section in self.catalog.taxonomy.sections:
                for node, depth in self._subtree(section, 1):
                    link = self._page_links[node.id]
                    toc.append(TocItem(node.title, link, depth - 1, self.catalog.count_under(node.id)))
        else:
            for section in self.catalog.taxonomy.sections:
                for node, depth in self._subtree(section, 1):
                    heading = _heading(node, depth, anchors, "./")
                    blocks.append(Block(heading, self.entries.get(node.id, ())))
                    toc.append(TocItem(node.title, f"#{heading.anchor}", depth - 1, 0))
        bottom = {
            name: anchors.add(text)
            for name, text in (
                ("contribution", "Contribution"),
                ("citations", "Citations"),
                ("maintainers", "For maintainers"),
            )
        }
        return self.env.get_template(README_TEMPLATE).render(
            title=self.title, top=top, bottom=bottom, blocks=blocks, toc=toc, latest=latest, split=split,
            paper_count=len(self.catalog.records), leaf_count=len(self.catalog.taxonomy.leaf_ids),
            star=star_icon("./"), lists_dir=LISTS_DIR,
        )  # fmt: skip

    def _pages(self) -> dict[str, str]:
        """Each top-level section on one page or more (``lists/<section-id>.md``, ``-2.md``…)."""
        self._page_links = {}
        pages: dict[str, str] = {}
        contribution = github_anchor("Contribution")
        for section in self.catalog.taxonomy.sections:
            parts = self._paginate(section)
            names = [f"{section.id}.md" if n == 1 else f"{section.id}-{n}.md" for n in range(1, len(parts) + 1)]
            for number, (name, chunks) in enumerate(zip(names, parts, strict=True), 1):
                anchors = AnchorBook()
                title = section.title + (f" (part {number})" if len(parts) > 1 else "")
                anchors.add(title)
                blocks = []
                for node, depth, entries, continued in chunks:
                    heading = _heading(node, depth, anchors, "../", continued)
                    blocks.append(Block(heading, entries, continued))
                    self._page_links.setdefault(node.id, f"{LISTS_DIR}/{name}#{heading.anchor}")
                pages[name] = self.env.get_template(LIST_PAGE_TEMPLATE).render(
                    title=title, items=blocks, part=number, parts=len(parts), pages=names, section=section,
                    section_count=self.catalog.count_under(section.id), contribution_anchor=contribution,
                )  # fmt: skip
        return pages

    def _paginate(self, section: TaxonomyNode) -> list[list[Chunk]]:
        """The section's headings and entries packed into pages in order, each page within the budget.

        A heading goes with its entries onto the current page if they fit, else onto a new page; a leaf
        too long for any page is cut, and its later parts are headed "(continued)".
        """
        room = self.budget - PAGE_MARGIN
        pages: list[list[Chunk]] = [[]]
        used = 0
        for node, depth in self._subtree(section, 1):
            head = len(_heading(node, depth, AnchorBook(), "../").markdown.encode("utf-8")) + 2 * len(node.description)
            entries = self.entries.get(node.id, ())
            sizes = [len(text.encode("utf-8")) + 2 for text in entries]
            if pages[-1] and used + head + sum(sizes) > room:
                pages.append([])
                used = 0
            chunk: list[str] = []
            continued = False
            used += head
            for text, size in zip(entries, sizes, strict=True):
                if chunk and used + size > room:
                    pages[-1].append((node, depth, tuple(chunk), continued))
                    pages.append([])
                    used, chunk, continued = head, [], True
                chunk.append(text)
                used += size
            pages[-1].append((node, depth, tuple(chunk), continued))
        return pages


def render_markdown_files(catalog: Catalog, templates_dir: Path | None = None, budget: int = README_BUDGET):
    """README.md, plus lists/*.md when the whole list would pass GitHub's README size limit."""
    with paused_gc():
        return ListRenderer(catalog, templates_dir, budget).files()


def render_readme(catalog: Catalog, templates_dir: Path | None = None) -> str:
    """README.md for the catalog; the same catalog always gives the same bytes."""
    return render_markdown_files(catalog, templates_dir)["README.md"]


def render_issue_form(catalog: Catalog, templates_dir: Path | None = None) -> str:
    """The "Suggest a paper" issue form, whose category choices are the taxonomy's leaves."""
    templates_dir = templates_dir or catalog.root / TEMPLATES_DIR
    leaves = [f"{leaf} ({catalog.taxonomy[leaf].node.title})" for leaf in catalog.taxonomy.leaf_ids]
    return environment(templates_dir.resolve()).get_template(ISSUE_FORM_TEMPLATE).render(leaves=leaves)
