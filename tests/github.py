"""Rendering Markdown as GitHub does (cmark-gfm) and resolving in-page links under GitHub's anchor rules.

The anchor rule is re-implemented here from the rendered HTML, independently of the project's code, so the
tests check the README against GitHub's behaviour rather than against the code that wrote it.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import cmarkgfm
from cmarkgfm.cmark import Options


def render(markdown: str) -> str:
    """HTML as GitHub would show it (raw HTML kept, as GitHub keeps its allow-listed tags)."""
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


class _Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[int, str]] = []
        self.links: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._heading: list[str] | None = None
        self._level = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading, self._level = [], int(tag[1])
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append((self._level, "".join(self._heading)))
            self._heading = None

    def handle_data(self, data):
        self.text.append(data)
        if self._heading is not None:
            self._heading.append(data)


def outline(html: str) -> _Outline:
    parser = _Outline()
    parser.feed(html)
    return parser


def github_anchors(headings: list[tuple[int, str]]) -> list[str]:
    """html-pipeline's TableOfContentsFilter: downcase, drop punctuation, spaces to '-', '-N' for repeats."""
    counts: Counter[str] = Counter()
    anchors = []
    for _, text in headings:
        base = re.sub(
            r"[^\w\- ]", "", text.translate(str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"))
        ).replace(" ", "-")
        anchors.append(f"{base}-{counts[base]}" if counts[base] else base)
        counts[base] += 1
    return anchors


def broken_fragment_links(markdown: str) -> list[str]:
    """In-page links (``#…``) of the document that match no heading anchor."""
    document = outline(render(markdown))
    anchors = set(github_anchors(document.headings))
    return [link for link in document.links if link.startswith("#") and link[1:] not in anchors]
