"""The Semantic Scholar Graph API client: citation counts and venues, many papers per request.

``POST /graph/v1/paper/batch?fields=...`` with ``{"ids": ["ARXIV:2106.09685", ...]}`` (at most 500 ids a
call) answers a JSON list aligned with the ids, with ``null`` where Semantic Scholar does not know a paper.
``$S2_API_KEY``, when set, is sent as ``x-api-key`` (a key gets a dedicated rate limit; without one all
anonymous users share a pool, so 429s happen and are retried with back-off).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import requests

from .http import BadResponse, HostPacer, base_url_from_env, make_session, post

log = logging.getLogger(__name__)

API_ENV = "AWESOME_LORA_S2_API"
DEFAULT_API = "https://api.semanticscholar.org"
KEY_ENV = "S2_API_KEY"
BATCH_PATH = "/graph/v1/paper/batch"
MAX_BATCH = 500  # the endpoint's limit
FIELDS = ("venue", "citationCount")
REQUEST_INTERVAL = 1.0  # seconds between requests: the rate an API key is granted


@dataclass(frozen=True)
class S2Paper:
    paper_id: str  # Semantic Scholar's own id
    citations: int | None
    venue: str | None  # as Semantic Scholar names it, e.g. "International Conference on Machine Learning"


def parse_paper(data: Any, url: str = "") -> S2Paper:
    if not isinstance(data, dict) or not isinstance(data.get("paperId"), str):
        raise BadResponse("Semantic Scholar returned a paper without a `paperId`", url=url)
    citations = data.get("citationCount")
    venue = data.get("venue")
    return S2Paper(
        paper_id=data["paperId"],
        citations=citations if isinstance(citations, int) and not isinstance(citations, bool) else None,
        venue=(venue.strip() or None) if isinstance(venue, str) else None,
    )


class SemanticScholarClient:
    """Batches of papers from Semantic Scholar, ``batch_size`` ids per POST, ``REQUEST_INTERVAL`` apart.

    The base URL is ``base_url``, else ``$AWESOME_LORA_S2_API``, else Semantic Scholar's own.
    """

    def __init__(
        self,
        session: requests.Session | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        pacer: HostPacer | None = None,
        batch_size: int = MAX_BATCH,
    ) -> None:
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be between 1 and {MAX_BATCH}, not {batch_size}")
        # The batch endpoint only reads: retrying its POST after a 429 or 5xx is safe.
        self.session = session if session is not None else make_session(retry_methods={"GET", "HEAD", "POST"})
        self.base_url = (base_url or base_url_from_env(API_ENV, DEFAULT_API)).rstrip("/")
        self.api_key = os.environ.get(KEY_ENV, "").strip() if api_key is None else api_key.strip()
        self.pacer = pacer if pacer is not None else HostPacer(REQUEST_INTERVAL)
        self.batch_size = batch_size

    def papers(self, ids: Iterable[str]) -> dict[str, S2Paper]:
        """Papers keyed by the id asked for (``ARXIV:…``, ``DOI:…``, …); unknown ids are absent."""
        wanted = list(dict.fromkeys(ids))
        found: dict[str, S2Paper] = {}
        for start in range(0, len(wanted), self.batch_size):
            batch = wanted[start : start + self.batch_size]
            for paper_id, paper in zip(batch, self._fetch_batch(batch), strict=True):
                if paper is not None:
                    found[paper_id] = paper
        return found

    def arxiv_papers(self, arxiv_ids: Iterable[str]) -> dict[str, S2Paper]:
        """Papers keyed by bare arXiv id (asked for as ``ARXIV:<id>``)."""
        found = self.papers(f"ARXIV:{arxiv_id}" for arxiv_id in arxiv_ids)
        return {key.removeprefix("ARXIV:"): paper for key, paper in found.items()}

    def _fetch_batch(self, batch: list[str]) -> list[S2Paper | None]:
        url = self.base_url + BATCH_PATH
        headers = {"x-api-key": self.api_key} if self.api_key else None
        response = post(
            self.session,
            url,
            json={"ids": batch},
            params={"fields": ",".join(FIELDS)},
            pacer=self.pacer,
            headers=headers,
        )
        try:
            data = response.json()
        except ValueError:
            raise BadResponse("Semantic Scholar returned a body that is not JSON", url=response.url) from None
        if not isinstance(data, list) or len(data) != len(batch):
            size = len(data) if isinstance(data, list) else type(data).__name__
            raise BadResponse(
                f"Semantic Scholar answered {size} entries for {len(batch)} ids (expected a list aligned with them)",
                url=response.url,
            )
        return [None if entry is None else parse_paper(entry, response.url) for entry in data]
