"""``data/enrichment.json``, read side: what `awesome-lora enrich` fetched (stars, archived flags, citations).

Kept apart from the fetching (``enrich``) so that the renderers read it without loading any HTTP client.
The lookups take what the records hold (a code URL, a paper id) and answer None (or False) when nothing
is known; a missing file is simply an empty :class:`Enrichment`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .repourl import repo_key

ENRICHMENT_FILE = Path("data") / "enrichment.json"
FORMAT_VERSION = 1


class EnrichmentError(ValueError):
    """``data/enrichment.json`` exists but cannot be read; regenerating it fixes that."""


@dataclass(frozen=True)
class PaperData:
    citations: int | None
    s2_venue: str | None
    fetched: str  # ISO date


@dataclass(frozen=True)
class RepoData:
    full_name: str
    stars: int
    archived: bool
    pushed_at: str | None  # ISO date of the last push
    etag: str | None
    fetched: str  # ISO date


def _lookup_key(code_url: str) -> str | None:
    key = repo_key(code_url)
    return key.lower() if key else None


@dataclass(frozen=True)
class CodeLink:
    """A code link as a list shows it: the URL, with its repository's stars and archived flag when known."""

    url: str
    stars: int | None = None
    archived: bool = False


@dataclass(frozen=True)
class Enrichment:
    """The contents of ``data/enrichment.json``: papers by id, repositories by ``github.com/<owner>/<repo>``.

    The lookups take what the records hold (a code URL, a paper id) and answer None (or False) when
    nothing is known, so a renderer never has to check first.
    """

    papers: Mapping[str, PaperData] = field(default_factory=dict)
    repositories: Mapping[str, RepoData] = field(default_factory=dict)
    _by_lower: dict[str, RepoData] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # GitHub names are case-insensitive: github.com/nvlabs/dora is NVlabs/DoRA.
        object.__setattr__(self, "_by_lower", {key.lower(): value for key, value in self.repositories.items()})

    def repository(self, code_url: str) -> RepoData | None:
        """What is known about the GitHub repository ``code_url`` points into (any page of it)."""
        key = _lookup_key(code_url)
        return self._by_lower.get(key) if key else None

    def stars(self, code_url: str) -> int | None:
        repository = self.repository(code_url)
        return repository.stars if repository else None

    def archived(self, code_url: str) -> bool:
        repository = self.repository(code_url)
        return bool(repository and repository.archived)

    def code_links(self, urls: Iterable[str]) -> list[CodeLink]:
        """The links with what is known of their repositories (one lookup per link, for templates)."""
        if not self._by_lower:  # nothing fetched yet: no URL needs parsing
            return [CodeLink(url) for url in urls]
        links = []
        for url in urls:
            repository = self.repository(url)
            links.append(CodeLink(url, repository.stars, repository.archived) if repository else CodeLink(url))
        return links

    def pushed_at(self, code_url: str) -> str | None:
        repository = self.repository(code_url)
        return repository.pushed_at if repository else None

    def paper(self, paper_id: str) -> PaperData | None:
        return self.papers.get(paper_id)

    def citations(self, paper_id: str) -> int | None:
        paper = self.papers.get(paper_id)
        return paper.citations if paper else None

    def s2_venue(self, paper_id: str) -> str | None:
        paper = self.papers.get(paper_id)
        return paper.s2_venue if paper else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "papers": {key: vars(value).copy() for key, value in self.papers.items()},
            "repositories": {key: vars(value).copy() for key, value in self.repositories.items()},
        }

    def to_json(self) -> str:
        """Deterministic JSON: sorted keys, indent 2, UTF-8 kept readable, trailing newline."""
        return json.dumps(self.to_dict(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_dict(cls, data: Any, source: str = str(ENRICHMENT_FILE)) -> Enrichment:
        if not isinstance(data, dict):
            raise EnrichmentError(f"{source}: expected a JSON object, found {type(data).__name__}")
        version = data.get("format_version")
        if version != FORMAT_VERSION:
            raise EnrichmentError(
                f"{source}: format_version {version!r}, this awesome-lora reads {FORMAT_VERSION}; "
                "regenerate it with `awesome-lora enrich`"
            )
        try:
            papers = {str(key): PaperData(**value) for key, value in data.get("papers", {}).items()}
            repositories = {str(key): RepoData(**value) for key, value in data.get("repositories", {}).items()}
        except (TypeError, AttributeError) as error:
            raise EnrichmentError(f"{source}: unexpected content ({error}); regenerate it") from None
        return cls(papers, repositories)

    @classmethod
    def from_json(cls, text: str, source: str = str(ENRICHMENT_FILE)) -> Enrichment:
        try:
            data = json.loads(text)
        except ValueError as error:
            raise EnrichmentError(f"{source}: not valid JSON ({error}); regenerate it") from None
        return cls.from_dict(data, source)


def load_enrichment(root: Path) -> Enrichment:
    """``<root>/data/enrichment.json``, or an empty :class:`Enrichment` if there is none yet.

    Raises :class:`EnrichmentError` if the file exists but is damaged or from a newer format.
    """
    path = root / ENRICHMENT_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Enrichment()
    return Enrichment.from_json(text, str(ENRICHMENT_FILE))
