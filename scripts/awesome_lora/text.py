"""Small text rules shared by validation, import and rendering."""

from __future__ import annotations

import re
import unicodedata

_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")


def normalize_title(title: str) -> str:
    """A key under which two spellings of one title compare equal (case, accents, punctuation, width)."""
    folded = title.casefold()
    if not folded.isascii():  # accents, full-width forms: decompose and drop the combining marks
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_ALPHANUMERIC.sub(" ", folded).strip()


def slugify(text: str, max_words: int = 8) -> str:
    """A kebab-case id from text: ASCII letters and digits, at most ``max_words`` words."""
    words = normalize_title(text).encode("ascii", "ignore").decode().split()
    return "-".join(words[:max_words])
