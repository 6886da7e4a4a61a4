"""Which GitHub repository a code link points into: pure URL parsing, no network (the renderers use it)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# GitHub's own pages that look like /owner/repo but are not repositories.
_NOT_OWNERS = frozenset({
    "about", "apps", "collections", "enterprise", "events", "explore", "features", "login", "marketplace",
    "notifications", "orgs", "organizations", "pricing", "settings", "site", "sponsors", "topics", "trending",
    "users",
})  # fmt: skip
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


def parse_repo_url(url: str) -> tuple[str, str] | None:
    """``(owner, repo)`` of a link into a GitHub repository (any page in it), else None.

    >>> parse_repo_url("https://github.com/NVlabs/DoRA/tree/main/commonsense_reasoning")
    ('NVlabs', 'DoRA')
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() not in ("github.com", "www.github.com"):
        return None
    segments = [segment for segment in parts.path.split("/") if segment]
    if len(segments) < 2 or segments[0].lower() in _NOT_OWNERS:
        return None
    owner, repo = segments[0], segments[1]
    repo = repo.removesuffix(".git")
    if not _NAME.match(owner) or not _NAME.match(repo) or repo in (".", ".."):
        return None
    return owner, repo


def repo_key(url: str) -> str | None:
    """The key of a repository in ``data/enrichment.json``: ``github.com/<owner>/<repo>``, else None."""
    parsed = parse_repo_url(url)
    return f"github.com/{parsed[0]}/{parsed[1]}" if parsed else None
