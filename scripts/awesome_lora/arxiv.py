"""The arXiv API client: metadata for many ids per request, parsed from arXiv's Atom feed.

arXiv's quirks, all handled here (see NOTES.md, "arXiv API"): ``max_results`` defaults to 10 whatever
``id_list`` holds; entries come back in no fixed order, so they are matched by the id in ``<id>``, never
by position; a malformed id gives HTTP 400 or a fake entry titled ``Error``; an unknown id gives an empty
feed (sometimes with ``totalResults`` 1); the terms ask for one request every 3 seconds.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests

from .http import BadResponse, HostPacer, base_url_from_env, get, make_session
from .schema import ARXIV_NEW_STYLE, ARXIV_OLD_STYLE

log = logging.getLogger(__name__)

API_ENV = "AWESOME_LORA_ARXIV_API"
DEFAULT_API = "http://export.arxiv.org/api/query"
REQUEST_INTERVAL = 3.0  # seconds between requests, as arXiv's terms of use ask

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}
_ATOM = "{" + NS["atom"] + "}"

_ID_WITH_VERSION = re.compile(rf"(?P<id>{ARXIV_NEW_STYLE}|{ARXIV_OLD_STYLE})(?:v(?P<version>[1-9]\d*))?")
_ARXIV_HOST = re.compile(r"^(?:[a-z0-9-]+\.)*arxiv\.org$")
_URL_PATH = re.compile(r"^/(?:abs|pdf|html)/(?P<rest>.+?)(?:\.pdf)?/?$")
_ENTRY_ID = re.compile(r"^https?://(?:[a-z0-9-]+\.)*arxiv\.org/abs/(?P<rest>.+)$")
_FORBIDDEN_MARKUP = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class ArxivIdError(ValueError):
    """An arXiv id that is not well formed (ours to fix, not the network's)."""

    def __init__(self, arxiv_id: str, message: str | None = None) -> None:
        super().__init__(message or f"{arxiv_id!r} is not a well-formed arXiv id")
        self.arxiv_id = arxiv_id


class ArxivNotFound(LookupError):
    """A well-formed arXiv id that arXiv does not know."""

    def __init__(self, arxiv_id: str, message: str | None = None) -> None:
        super().__init__(message or f"arXiv has no paper {arxiv_id} (check the id for a typo)")
        self.arxiv_id = arxiv_id


def parse_arxiv_id(text: str) -> tuple[str, int | None]:
    """``(id without version, version or None)`` from an id, ``arXiv:`` reference or arxiv.org URL."""
    value = text.strip()
    if value[:6].lower() == "arxiv:":
        value = value[6:].strip()
    if "://" in value:
        parts = urlsplit(value)
        path = _URL_PATH.match(parts.path)
        if (
            parts.scheme not in ("http", "https")
            or not _ARXIV_HOST.match((parts.hostname or "").lower())
            or path is None
        ):
            raise ArxivIdError(text, f"{text!r} is not an arxiv.org /abs/ or /pdf/ link")
        value = path["rest"]
    match = _ID_WITH_VERSION.fullmatch(value)
    if match is None:
        raise ArxivIdError(
            text,
            f"{text!r} is not an arXiv id: expected e.g. 2402.09353, 2402.09353v2, hep-th/9901001 "
            "or https://arxiv.org/abs/2402.09353",
        )
    version = match["version"]
    return match["id"], int(version) if version else None


def normalize_arxiv_id(text: str) -> str:
    """The bare id (no version) of ``text``; raise :class:`ArxivIdError`, a ValueError, if there is none."""
    return parse_arxiv_id(text)[0]


@dataclass(frozen=True)
class ArxivEntry:
    """One paper as arXiv describes it (the latest version unless a version was asked for)."""

    arxiv_id: str  # without version
    version: int
    title: str  # white space collapsed
    authors: list[str] = field(hash=False)
    published: dt.date  # first version
    updated: dt.date  # this version
    summary: str
    journal_ref: str | None
    doi: str | None
    primary_category: str | None
    abs_url: str
    pdf_url: str

    @property
    def date(self) -> str:
        """``YYYY-MM`` of the first version: the ``date`` field of a record."""
        return f"{self.published:%Y-%m}"


def _collapse(text: str | None) -> str:
    return " ".join((text or "").split())


def _https(url: str) -> str:
    """arXiv answers plain-http links with a redirect; store the https form."""
    return "https://" + url[len("http://") :] if url.startswith("http://") and "arxiv.org" in url else url


def _text(element: ET.Element, path: str) -> str | None:
    found = element.find(path, NS)
    if found is None:
        return None
    return _collapse("".join(found.itertext())) or None


def _date(element: ET.Element, path: str, url: str) -> dt.date:
    value = _text(element, path)
    try:
        return dt.datetime.fromisoformat(value or "").date()
    except ValueError:
        raise BadResponse(f"arXiv returned an entry with an unreadable <{path}> {value!r}", url=url) from None


def parse_feed(content: bytes, url: str = "") -> list[ArxivEntry]:
    """The entries of an arXiv Atom feed; raise ArxivIdError for arXiv's "incorrect id" fake entry.

    The body is untrusted: documents with a DOCTYPE or entity declarations are refused before parsing
    (ElementTree would expand internal entities — "billion laughs"), and the text is decoded as UTF-8,
    which is what arXiv sends, so that an exotic encoding cannot hide such a declaration.
    """
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadResponse(f"arXiv returned a response that is not valid Atom (not UTF-8: {exc})", url=url) from None
    if "\x00" in text:  # UTF-16/32 in disguise: expat would detect it and read a hidden DOCTYPE
        raise BadResponse("arXiv returned a response that is not valid Atom (it contains NUL characters)", url=url)
    if _FORBIDDEN_MARKUP.search(text):
        raise BadResponse(
            "arXiv returned a response that is not valid Atom (it declares a DOCTYPE or entities, "
            "which arXiv never does; refusing to parse it)",
            url=url,
        )
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        snippet = _collapse(text)[:80]
        raise BadResponse(
            f"arXiv returned a response that is not valid Atom ({exc}); it starts {snippet!r}", url=url
        ) from None
    if root.tag != f"{_ATOM}feed":
        raise BadResponse(f"arXiv returned a response that is not valid Atom (root element {root.tag!r})", url=url)
    return [_entry(element, url) for element in root.findall("atom:entry", NS)]


def _entry(element: ET.Element, url: str) -> ArxivEntry:
    entry_id = _text(element, "atom:id") or ""
    title = _text(element, "atom:title") or ""
    summary = _text(element, "atom:summary") or ""
    if "/api/errors" in entry_id or (title == "Error" and element.find("atom:published", NS) is None):
        incorrect = re.match(r"incorrect id format for (?P<id>\S+)", summary)
        if incorrect:
            bad = incorrect["id"]
            raise ArxivIdError(bad, f"arXiv says {bad!r} is not a well-formed arXiv id ({summary})")
        raise BadResponse(f"arXiv returned an error: {summary or entry_id}", url=url)
    id_match = _ENTRY_ID.match(entry_id)
    try:
        if id_match is None:
            raise ValueError(entry_id)
        arxiv_id, version = parse_arxiv_id(id_match["rest"])
    except ValueError:
        raise BadResponse(f"arXiv returned an entry with an unexpected <id> {entry_id!r}", url=url) from None
    links = element.findall("atom:link", NS)
    abs_url = next((link.get("href") for link in links if link.get("rel") == "alternate"), None) or entry_id
    pdf_url = next((link.get("href") for link in links if link.get("title") == "pdf"), None)
    if version is None:  # arXiv always versions <id>; the abstract link is the second witness
        version = parse_arxiv_id(abs_url)[1] if _ENTRY_ID.match(abs_url) else None
    if version is None:
        raise BadResponse(f"arXiv returned an entry without a version: {entry_id!r}", url=url)
    primary = element.find("arxiv:primary_category", NS)
    return ArxivEntry(
        arxiv_id=arxiv_id,
        version=version,
        title=title,
        authors=[name for author in element.findall("atom:author", NS) if (name := _text(author, "atom:name"))],
        published=_date(element, "atom:published", url),
        updated=_date(element, "atom:updated", url),
        summary=summary,
        journal_ref=_text(element, "arxiv:journal_ref"),
        doi=_text(element, "arxiv:doi"),
        primary_category=primary.get("term") if primary is not None else None,
        abs_url=_https(abs_url),
        pdf_url=_https(pdf_url or f"https://arxiv.org/pdf/{arxiv_id}v{version}"),
    )


class ArxivClient:
    """Fetches arXiv metadata, ``batch_size`` ids per request, spaced ``REQUEST_INTERVAL`` seconds apart.

    The base URL is ``base_url``, else ``$AWESOME_LORA_ARXIV_API``, else arXiv's own; tests point it at a
    local server. Pass a :class:`HostPacer` with a fake clock to test without waiting.
    """

    def __init__(
        self,
        session: requests.Session | None = None,
        base_url: str | None = None,
        pacer: HostPacer | None = None,
        batch_size: int = 100,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        self.session = session if session is not None else make_session()
        self.base_url = base_url or base_url_from_env(API_ENV, DEFAULT_API)
        self.pacer = pacer if pacer is not None else HostPacer(REQUEST_INTERVAL)
        self.batch_size = batch_size

    def fetch(self, ids: Iterable[str]) -> dict[str, ArxivEntry]:
        """Entries for ``ids`` keyed by bare id; ids arXiv does not know are simply absent.

        Raises :class:`ArxivIdError` for an id that is not well formed (before any request when we can
        tell, else when arXiv says so), and :class:`~awesome_lora.http.NetworkError` subclasses.
        """
        wanted = list(dict.fromkeys(normalize_arxiv_id(arxiv_id) for arxiv_id in ids))
        found: dict[str, ArxivEntry] = {}
        for start in range(0, len(wanted), self.batch_size):
            batch = wanted[start : start + self.batch_size]
            for entry in self._fetch_batch(batch):
                if entry.arxiv_id in batch:
                    found[entry.arxiv_id] = entry
                else:
                    log.debug("arXiv returned %s, which was not asked for; ignored", entry.arxiv_id)
        return found

    def fetch_one(self, arxiv_id: str) -> ArxivEntry:
        """The entry for one id; raise :class:`ArxivNotFound` if arXiv does not know it."""
        bare = normalize_arxiv_id(arxiv_id)
        entry = self.fetch([bare]).get(bare)
        if entry is None:
            raise ArxivNotFound(bare)
        return entry

    def _fetch_batch(self, batch: list[str]) -> list[ArxivEntry]:
        params = {"id_list": ",".join(batch), "start": "0", "max_results": str(len(batch))}
        try:
            response = get(self.session, self.base_url, params=params, pacer=self.pacer)
        except BadResponse as exc:
            if exc.status == 400 and exc.response is not None:
                raise self._explain_400(exc, exc.response, batch) from exc
            raise
        return parse_feed(response.content, response.url)

    @staticmethod
    def _explain_400(exc: BadResponse, response: requests.Response, batch: list[str]) -> Exception:
        """arXiv answers a malformed id with HTTP 400 and an Atom error entry naming it: say which id."""
        try:
            parse_feed(response.content, exc.url)
        except ArxivIdError as id_error:
            return id_error
        except BadResponse:
            pass
        return BadResponse(
            f"arXiv rejected the request (HTTP 400); one of these ids may be malformed: {', '.join(batch)}",
            url=exc.url,
            status=400,
            response=response,
        )
