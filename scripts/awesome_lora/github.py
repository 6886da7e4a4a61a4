"""The GitHub REST API client: the signs that a linked repository is alive (stars, archived, last push).

``GET /repos/{owner}/{repo}`` per repository, conditional on the ``ETag`` kept from the previous run: a
``304 Not Modified`` means "what you have is current" and, for an authorised request, does not count
against the rate limit. ``$GITHUB_TOKEN`` is sent as ``Authorization: Bearer`` when set (5,000 requests
an hour instead of 60). When the limit is exhausted (403/429 with ``X-RateLimit-Remaining: 0``) the client
raises :class:`RateLimited` with the time it resets, so that a caller can stop cleanly and keep what it has.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests

from .http import RETRY_STATUSES, BadResponse, HostPacer, NetworkError, base_url_from_env, make_session, send

log = logging.getLogger(__name__)

API_ENV = "AWESOME_LORA_GITHUB_API"
DEFAULT_API = "https://api.github.com"
TOKEN_ENV = "GITHUB_TOKEN"
API_VERSION = "2022-11-28"


class RepoNotFound(LookupError):
    """GitHub has no such repository (deleted, renamed without redirect, or private)."""

    def __init__(self, full_name: str, status: int = 404) -> None:
        super().__init__(f"GitHub has no repository {full_name} (HTTP {status}): deleted, or made private?")
        self.full_name = full_name
        self.status = status


class RateLimited(NetworkError):
    """GitHub's rate limit is exhausted; ``reset`` is when it resets (UTC), if GitHub said."""

    def __init__(self, message: str, *, url: str, reset: dt.datetime | None = None) -> None:
        super().__init__(message, url=url)
        self.reset = reset


@dataclass(frozen=True)
class Repository:
    """What the list shows about a repository."""

    full_name: str  # GitHub's spelling, after any rename
    stars: int
    archived: bool
    pushed_at: str | None  # ISO date (YYYY-MM-DD) of the last push
    etag: str | None


def _date(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return None


def parse_repository(data: Any, etag: str | None, url: str = "") -> Repository:
    """A :class:`Repository` from the JSON of ``GET /repos/{owner}/{repo}``."""
    if not isinstance(data, dict):
        raise BadResponse(f"GitHub returned a repository that is not a JSON object ({type(data).__name__})", url=url)
    stars = data.get("stargazers_count")
    full_name = data.get("full_name")
    if not isinstance(stars, int) or isinstance(stars, bool) or not isinstance(full_name, str):
        raise BadResponse("GitHub returned a repository without `full_name` or `stargazers_count`", url=url)
    return Repository(
        full_name=full_name,
        stars=stars,
        archived=data.get("archived") is True,
        pushed_at=_date(data.get("pushed_at")),
        etag=etag,
    )


def _reset_time(response: requests.Response) -> dt.datetime | None:
    value = response.headers.get("X-RateLimit-Reset", "")
    return dt.datetime.fromtimestamp(int(value), dt.UTC) if value.isdigit() else None


class GitHubClient:
    """Repository metadata from GitHub's REST API.

    The base URL is ``base_url``, else ``$AWESOME_LORA_GITHUB_API``, else GitHub's own; the token is
    ``token``, else ``$GITHUB_TOKEN`` (pass ``token=""`` for none). ``remaining`` and ``reset`` follow the
    rate-limit headers of the last answer that came from GitHub (not from a cache).
    """

    def __init__(
        self,
        session: requests.Session | None = None,
        base_url: str | None = None,
        token: str | None = None,
        pacer: HostPacer | None = None,
    ) -> None:
        # 429 is not retried blindly: with X-RateLimit-Remaining: 0 waiting minutes helps nobody.
        self.session = session if session is not None else make_session(retry_statuses=RETRY_STATUSES - {429})
        self.base_url = (base_url or base_url_from_env(API_ENV, DEFAULT_API)).rstrip("/")
        self.token = os.environ.get(TOKEN_ENV, "").strip() if token is None else token.strip()
        self.pacer = pacer
        self.remaining: int | None = None
        self.reset: dt.datetime | None = None

    def _headers(self, etag: str | None) -> dict[str, str]:
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": API_VERSION}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if etag:
            headers["If-None-Match"] = etag
        return headers

    def repository(self, owner: str, repo: str, *, etag: str | None = None) -> Repository | None:
        """The repository, or None when ``etag`` still matches (304: keep what you have).

        Raises :class:`RepoNotFound`, :class:`RateLimited`, or another
        :class:`~awesome_lora.http.NetworkError`.
        """
        full_name = f"{owner}/{repo}"
        url = f"{self.base_url}/repos/{quote(owner, safe='')}/{quote(repo, safe='')}"
        response = send(self.session, "GET", url, pacer=self.pacer, headers=self._headers(etag))
        if not getattr(response, "from_cache", False):
            remaining = response.headers.get("X-RateLimit-Remaining", "")
            self.remaining = int(remaining) if remaining.isdigit() else self.remaining
            self.reset = _reset_time(response) or self.reset
        status = response.status_code
        if status == 304:
            return None
        if status in (404, 410, 451):
            raise RepoNotFound(full_name, status)
        if status in (403, 429) and (
            response.headers.get("X-RateLimit-Remaining") == "0" or "Retry-After" in response.headers
        ):
            reset = _reset_time(response)
            when = f"; it resets at {reset:%H:%M} UTC" if reset else ""
            hint = "" if self.token else " (set GITHUB_TOKEN for 5,000 requests an hour instead of 60)"
            raise RateLimited(f"GitHub's API rate limit is exhausted{when}{hint}", url=url, reset=reset)
        if not 200 <= status < 300:
            message = _error_message(response)
            raise BadResponse(
                f"GitHub answered HTTP {status} for {full_name}{f': {message}' if message else ''}",
                url=url,
                status=status,
                response=response,
            )
        try:
            data = response.json()
        except ValueError:
            raise BadResponse(f"GitHub returned a body that is not JSON for {full_name}", url=url) from None
        return parse_repository(data, response.headers.get("ETag"), url)


def _error_message(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    return str(data.get("message", ""))[:200] if isinstance(data, dict) else ""
