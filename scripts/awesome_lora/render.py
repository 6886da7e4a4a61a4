"""Rendering the list into Markdown for GitHub (README.md) with Jinja templates.

Python decides what is shown and in which order (headings with their GitHub anchors, numbered entries);
the templates decide how it looks. Every value from a record passes through an escaping filter.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import quote

import jinja2

from .catalog import Catalog
from .markdown import AnchorBook, escape_markdown, link_target
from .schema import Paper
from .taxonomy import TaxonomyNode

TEMPLATES_DIR = "templates"
README_TEMPLATE = "README.md.j2"
ISSUE_FORM_TEMPLATE = "github/suggest-a-paper.yml.j2"
STAR_ICON = '<img src="./site/assets/images/star.svg" width="15" height="15" />'


@dataclass
class Heading:
    """A heading as printed (``markdown``) and the anchor GitHub gives it (from its visible ``text``)."""

    level: int
    title: str
    markdown: str
    anchor: str
    node: TaxonomyNode | None = None
    papers: list[Paper] = field(default_factory=list)
    children: list[Heading] = field(default_factory=list)


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


def title_sentence(title: str) -> str:
    """The title as a sentence: a final period unless it already ends in punctuation."""
    return title if title.endswith((".", "?", "!")) else f"{title}."


@cache
def environment(templates_dir: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
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
        yaml_string=json.dumps,  # a JSON string is a valid double-quoted YAML scalar
    )
    return env


def outline(catalog: Catalog, anchors: AnchorBook) -> list[Heading]:
    """The taxonomy as headings in document order, each leaf with its papers (oldest first)."""

    def visit(node: TaxonomyNode, depth: int) -> Heading:
        level = depth + 1  # sections are '##'
        if depth == 2:
            markdown, text = f"{'#' * level} {STAR_ICON} {escape_markdown(node.title)}", f" {node.title}"
        else:
            markdown, text = f"{'#' * level} {escape_markdown(node.title)}", node.title
        heading = Heading(level, node.title, markdown, anchors.add(text), node)
        heading.papers = catalog.by_category.get(node.id, []) if node.is_leaf else []
        heading.children = [visit(child, depth + 1) for child in node.children]
        return heading

    return [visit(section, 1) for section in catalog.taxonomy.sections]


def render_readme(catalog: Catalog, templates_dir: Path | None = None) -> str:
    """README.md for the catalog; the same catalog always gives the same bytes."""
    templates_dir = templates_dir or catalog.root / TEMPLATES_DIR
    anchors = AnchorBook()
    # Headings before the taxonomy, in the template's order: their anchors must be taken first.
    title = "A Survey on LoRA of Large Language Models"
    top = {"title": anchors.add(f"{title} "), "intro": anchors.add("LoRA of LLMs"), "contents": anchors.add("Contents")}
    sections = outline(catalog, anchors)
    bottom = {
        name: anchors.add(text)
        for name, text in (
            ("contribution", "Contribution"),
            ("citations", "Citations"),
            ("maintainers", "For maintainers"),
        )
    }
    template = environment(templates_dir.resolve()).get_template(README_TEMPLATE)
    return template.render(
        title=title,
        top=top,
        sections=sections,
        bottom=bottom,
        paper_count=len(catalog.records),
        leaf_count=len(catalog.taxonomy.leaf_ids),
        star=STAR_ICON,
    )


def render_issue_form(catalog: Catalog, templates_dir: Path | None = None) -> str:
    """The "Suggest a paper" issue form, whose category choices are the taxonomy's leaves."""
    templates_dir = templates_dir or catalog.root / TEMPLATES_DIR
    leaves = [f"{leaf} ({catalog.taxonomy[leaf].node.title})" for leaf in catalog.taxonomy.leaf_ids]
    return environment(templates_dir.resolve()).get_template(ISSUE_FORM_TEMPLATE).render(leaves=leaves)
