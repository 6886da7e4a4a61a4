"""Venue names: the canonical spelling of conferences and journals, and parsing hand-written venues.

Hand-kept lists write one venue many ways (``Neurips 2023 Workshop``, ``SIGIR 24``, ``IJCAI2024``,
``Oral ICML 2024``, ``EMNLP 2023 findings``); the list shows one: ``NeurIPS 2023 Workshop``, ``SIGIR 2024``,
``IJCAI 2024``, ``ICML 2024``, ``Findings of EMNLP 2023``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

PREPRINT = "preprint"

# Lower-case spelling → canonical name. Only venues whose name is unambiguous as a word.
CANONICAL_VENUES: dict[str, str] = {
    name.casefold(): name
    for name in (
        "AAAI", "ACL", "AISTATS", "COLING", "COLM", "CoRL", "CVPR", "EACL", "ECCV", "EMNLP", "ICASSP",
        "ICCV", "ICLR", "ICML", "IJCAI", "INTERSPEECH", "ISBI", "KDD", "MICCAI", "MLSys", "NAACL",
        "NeurIPS", "SIGIR", "TACL", "TMLR", "TPAMI", "UAI", "WACV", "WMT", "WSDM", "WWW", "CIKM", "ICDE",
        "IJCNLP", "LREC", "AACL", "ICRA", "IROS", "BMVC", "ACM MM", "IJCV", "JMLR",
    )
}  # fmt: skip
CANONICAL_VENUES |= {"nips": "NeurIPS", "neurlps": "NeurIPS", "the web conference": "WWW"}

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_TYPO_YEAR = re.compile(r"(?<!\d)(20\d{3})(?!\d)")  # "20223": a year with a doubled digit
_SHORT_YEAR = re.compile(r"(?<![\d.])'?(\d{2})(?!\d)")
_GLUED = re.compile(r"([A-Za-z])((?:19|20)\d{2})\b")  # "IJCAI2024"
_ANTHOLOGY_ID = re.compile(r"/(?P<year>\d{4})\.(?P<venue>[a-z]+)-(?P<kind>[a-z0-9]+)\.\d+")
_IGNORED_WORDS = re.compile(
    r"\b(oral|spotlight|poster|conference|ieee|acm|main|track|\(oral\)|\(spotlight\))\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Venue:
    """A parsed venue; ``notes`` say what was guessed or corrected, for the review report."""

    name: str
    year: int | None = None
    workshop: bool = False
    notes: tuple[str, ...] = ()

    def __str__(self) -> str:
        """``NeurIPS 2023 Workshop``: name, year, then 'Workshop'."""
        return " ".join(part for part in (self.name, str(self.year or ""), "Workshop" * self.workshop) if part)


def parse_venue(text: str, year_hint: int | None = None) -> Venue | None:
    """A venue from free text, or ``None`` when the text names no venue this module knows.

    ``year_hint`` (e.g. the arXiv year) settles a mistyped year such as ``20223``.
    """
    notes: list[str] = []
    cleaned = _GLUED.sub(r"\1 \2", text.replace("@", " @ ")).strip()
    words = re.findall(r"[A-Za-z][A-Za-z.]*", _IGNORED_WORDS.sub(" ", cleaned))
    lowered = [w.casefold().rstrip(".") for w in words]
    name = next((CANONICAL_VENUES[w] for w in lowered if w in CANONICAL_VENUES), None)
    if name is None:
        return None
    year = _find_year(cleaned, year_hint, notes)
    if "findings" in lowered:
        name = f"Findings of {name}"
    return Venue(name, year, "workshop" in lowered or "@" in cleaned, tuple(notes))


def _find_year(text: str, year_hint: int | None, notes: list[str]) -> int | None:
    if match := _YEAR.search(text):
        return int(match[1])
    if match := _TYPO_YEAR.search(text):
        digits = match[1]
        candidates = {int(digits[:i] + digits[i + 1 :]) for i in range(len(digits))}
        candidates = {c for c in candidates if 1990 <= c <= 2100}
        chosen = year_hint if year_hint in candidates else (min(candidates) if len(candidates) == 1 else None)
        notes.append(f"year '{digits}' is mistyped; read as {chosen}" if chosen else f"year '{digits}' is mistyped")
        return chosen
    if match := _SHORT_YEAR.search(text):
        return 2000 + int(match[1])
    return None


def venue_from_url(url: str) -> Venue | None:
    """The venue an ACL Anthology link names in its id (``2023.emnlp-main.487`` → EMNLP 2023)."""
    parts = urlsplit(url)
    if parts.hostname != "aclanthology.org":
        return None
    match = _ANTHOLOGY_ID.search(parts.path)
    if not match:
        return None
    year, venue, kind = int(match["year"]), match["venue"], match["kind"]
    if venue == "findings":
        name = CANONICAL_VENUES.get(kind, kind.upper())
        return Venue(f"Findings of {name}", year)
    name = CANONICAL_VENUES.get(venue, venue.upper())
    return Venue(name, year)
