"""Markdown helpers shared by every renderer: escaping untrusted text, safe link targets, GitHub anchors."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import quote

# Characters that start Markdown, HTML or GitHub syntax inside a line of text: emphasis, code, links
# (escaping '[' and ']' disarms '![…]' and '(…)' too), HTML tags, table cells, strikethrough, math ('$')
# and entities ('&'). Escaping them keeps a title such as `A_B *C* [x](y) <b> | $x$` literal.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$&])")
_ANCHOR_DROP = re.compile(r"[^\w\- ]")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_IMAGE_OR_TAG = re.compile(r"<[^>]*>")


def escape_markdown(text: str) -> str:
    """Text that renders literally inside a Markdown line (emphasis, links, HTML, tables, math)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def link_target(url: str) -> str:
    """A URL safe inside ``[text](…)``: characters that end or break the target are percent-encoded.

    The URL is already checked to be http(s) by the schema; this only guards the Markdown syntax.
    """
    return quote(url, safe="/:?#[]@!$&'*+,;=%~-._")


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading (without the ``-1`` suffix of repeats).

    Its rule: the heading's text (an inline image or tag adds nothing), lower-cased, every character
    that is not a letter, digit, '_', '-' or space removed, each space turned into '-'.
    """
    text = _IMAGE_OR_TAG.sub("", heading)
    text = re.sub(r"\\(.)", r"\1", text)  # escaped characters count as themselves
    return _ANCHOR_DROP.sub("", text.translate(_ASCII_LOWER)).replace(" ", "-")


class AnchorBook:
    """Hands out anchors in document order, adding GitHub's ``-1``, ``-2`` suffixes to repeats."""

    def __init__(self) -> None:
        self._seen: Counter[str] = Counter()

    def add(self, heading: str) -> str:
        base = github_anchor(heading)
        repeats = self._seen[base]
        self._seen[base] += 1
        return f"{base}-{repeats}" if repeats else base
