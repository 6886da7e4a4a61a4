"""The one HTTP layer every network call of the tool goes through.

Why one place: every request must identify the project (arXiv and GitHub ask for a descriptive
User-Agent), carry a timeout (requests waits forever without one), retry transient failures with back-off
while honouring ``Retry-After``, stay under each host's rate limit, and fail with an exception whose
message a person can act on ("are you offline?") instead of a urllib3 traceback.

An on-disk HTTP cache is an optional layer (``make_session(cache=HttpCache(...))``), built on
requests-cache when it is installed: expiry by age, and revalidation of stale entries with the server's
``ETag``/``Last-Modified`` (a ``304`` refreshes the stored response). Without it every client still works.
"""

from __future__ import annotations

import datetime as dt
import errno
import importlib.util
import inspect
import logging
import os
import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError as _ConnectTimeoutError
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError, ProtocolError, ReadTimeoutError
from urllib3.util.retry import Retry

from . import __version__

log = logging.getLogger(__name__)

PROJECT_URL = "https://github.com/awesome-lora/awesome-lora"
USER_AGENT = f"awesome-lora/{__version__} (+{PROJECT_URL})"
DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 30.0)  # (connect, read) seconds
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# urllib3 would otherwise obey a Retry-After of up to six hours; a command-line tool should give up sooner.
RETRY_AFTER_MAX = 120
RETRY_METHODS = frozenset({"GET", "HEAD"})
CACHE_DIR = Path(".cache") / "awesome-lora"  # under the project root; git-ignored
HTTP_CACHE_FILE = "http-cache.sqlite"
DEFAULT_CACHE_AGE = dt.timedelta(days=1)

Timeout = float | tuple[float, float]


class NetworkError(Exception):
    """A request failed; the message is written for the person running the tool."""

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class OfflineError(NetworkError):
    """The host could not be reached at all (DNS failure, connection refused): most likely offline."""


class HostNotFound(OfflineError):
    """The host name does not resolve (DNS): a mistyped or expired domain, or no network at all."""


class ConnectionRefused(OfflineError):
    """The host refused the connection: it is there, but nothing listens on that port."""


class RequestTimeout(NetworkError):
    """The host accepted the connection (or did not answer it) but was too slow."""


class BadResponse(NetworkError):
    """The host answered, but not usefully: a non-2xx status after retries, or a body we cannot read.

    ``response`` is kept so that a client can look at an error body (arXiv explains HTTP 400 in Atom).
    """

    def __init__(
        self,
        message: str,
        *,
        url: str,
        status: int | None = None,
        response: requests.Response | None = None,
    ) -> None:
        super().__init__(message, url=url)
        self.status = status
        self.response = response


def host_of(url: str) -> str:
    """The host name of ``url``, lower-cased, as used in messages and for pacing."""
    return (urlsplit(url).hostname or url).lower()


def base_url_from_env(variable: str, default: str) -> str:
    """The base URL in ``$variable`` if set (tests point clients at a local server), else ``default``."""
    value = os.environ.get(variable, "").strip() or default
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"${variable} must be an http(s) URL, not {value!r}")
    return value


class TimeoutSession(requests.Session):
    """A Session that applies a default timeout when the caller gives none (requests' default is none)."""

    def __init__(self, timeout: Timeout = DEFAULT_TIMEOUT) -> None:
        super().__init__()
        self.timeout = timeout

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if kwargs.get("timeout") is None and len(args) < 7:  # a 7th positional argument is ``timeout``
            kwargs["timeout"] = self.timeout
        return super().request(method, url, *args, **kwargs)


def _retry(
    retries: int,
    backoff: float,
    *,
    methods: Collection[str] = RETRY_METHODS,
    statuses: Collection[int] = RETRY_STATUSES,
    retry_after_max: float = RETRY_AFTER_MAX,
) -> Retry:
    options: dict[str, Any] = {
        "total": retries,
        "connect": min(retries, 1),  # a refused connection or unknown host rarely heals: say "offline" soon
        "backoff_factor": backoff,
        "status_forcelist": sorted(statuses),
        "allowed_methods": frozenset(method.upper() for method in methods),
        "respect_retry_after_header": True,
        "raise_on_status": False,  # hand back the last response so get() can report its status
    }
    if "retry_after_max" in inspect.signature(Retry.__init__).parameters:  # urllib3 >= 2.5
        options["retry_after_max"] = retry_after_max
    return Retry(**options)


@dataclass(frozen=True)
class HttpCache:
    """Where and how long :func:`make_session` keeps responses on disk (a requests-cache SQLite file).

    Only ``allowable_codes`` are stored (2xx answers, never errors). Each response is given ``max_age``
    when it is stored or revalidated; once expired it is not thrown away but revalidated: requests-cache
    sends the stored ``ETag``/``Last-Modified`` and reuses the entry on ``304 Not Modified``. ``refresh``
    revalidates every entry, fresh or not (a ``304`` where the server keeps validators, else a refetch).
    ``methods`` may include POST for read-only POST APIs (Semantic Scholar's batch endpoint); the request
    body is then part of the cache key.
    """

    path: Path
    max_age: dt.timedelta = DEFAULT_CACHE_AGE
    methods: tuple[str, ...] = ("GET", "HEAD")
    allowable_codes: tuple[int, ...] = (200,)
    refresh: bool = False


class CacheUnavailable(ImportError):
    """An HTTP cache was asked for, but requests-cache is not installed."""


def cache_dir(root: Path) -> Path:
    """The project's cache folder, ``<root>/.cache/awesome-lora`` (git-ignored)."""
    return root / CACHE_DIR


def http_cache(
    root: Path,
    max_age: dt.timedelta = DEFAULT_CACHE_AGE,
    methods: tuple[str, ...] = ("GET", "HEAD"),
    *,
    refresh: bool = False,
) -> HttpCache:
    """The project's HTTP cache settings: ``<root>/.cache/awesome-lora/http-cache.sqlite``."""
    return HttpCache(cache_dir(root) / HTTP_CACHE_FILE, max_age, tuple(m.upper() for m in methods), refresh=refresh)


def cache_available() -> bool:
    """Whether requests-cache is installed (the cache layer is optional)."""
    return importlib.util.find_spec("requests_cache") is not None


_cached_session_class: type[TimeoutSession] | None = None


def _cached_session(cache: HttpCache) -> TimeoutSession:
    """A :class:`TimeoutSession` with requests-cache's ``CacheMixin`` in front of it."""
    global _cached_session_class
    try:
        from requests_cache import CacheMixin
    except ImportError as exc:
        raise CacheUnavailable(
            "the on-disk HTTP cache needs requests-cache: pip install 'requests-cache>=1.2' (or run without a cache)"
        ) from exc
    if _cached_session_class is None:

        class CachedTimeoutSession(CacheMixin, TimeoutSession):  # type: ignore[misc]
            """requests-cache in front of the project's session: retries and timeouts are unchanged."""

        _cached_session_class = CachedTimeoutSession
    cache.path.parent.mkdir(parents=True, exist_ok=True)
    return _cached_session_class(  # type: ignore[call-arg]
        cache_name=str(cache.path),
        backend="sqlite",
        expire_after=cache.max_age,
        cache_control=False,  # our age limit decides, not the server's max-age (GitHub says 60 s)
        allowable_methods=cache.methods,
        allowable_codes=cache.allowable_codes,
        always_revalidate=cache.refresh,
        stale_if_error=False,
    )


def make_session(
    *,
    user_agent: str | None = None,
    retries: int = 4,
    backoff: float = 1.0,
    timeout: Timeout = DEFAULT_TIMEOUT,
    retry_methods: Collection[str] = RETRY_METHODS,
    retry_statuses: Collection[int] = RETRY_STATUSES,
    retry_after_max: float = RETRY_AFTER_MAX,
    pool_maxsize: int = 10,
    cache: HttpCache | None = None,
) -> requests.Session:
    """A session with the project's User-Agent, retries with back-off, and a default timeout.

    ``retries`` counts retries (not attempts) of connection errors, read errors and the statuses in
    ``retry_statuses`` (default ``RETRY_STATUSES``) for the methods in ``retry_methods`` (GET and HEAD;
    add POST only for idempotent POST APIs); urllib3 sleeps ``backoff * 2**(n-1)`` seconds between them,
    or what the server's ``Retry-After`` says, up to ``retry_after_max`` seconds (a longer wait gives up).

    ``cache`` puts requests-cache's on-disk cache in front (see :class:`HttpCache`); it raises
    :class:`CacheUnavailable` when requests-cache is not installed.
    """
    session = _cached_session(cache) if cache is not None else TimeoutSession()
    session.timeout = timeout
    session.headers["User-Agent"] = user_agent or USER_AGENT
    retry = _retry(retries, backoff, methods=retry_methods, statuses=retry_statuses, retry_after_max=retry_after_max)
    adapter = HTTPAdapter(max_retries=retry, pool_maxsize=pool_maxsize)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class HostPacer:
    """Spaces requests to each host: no more than one request every ``interval`` seconds per host.

    arXiv asks for one request every 3 seconds. Thread-safe: each caller reserves the next free slot
    under a lock, then sleeps outside it. ``clock`` and ``sleep`` are injectable so tests never wait.
    """

    def __init__(
        self,
        interval: float = 0.0,
        *,
        per_host: Mapping[str, float] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self.per_host = {host.lower(): seconds for host, seconds in (per_host or {}).items()}
        self._clock = clock
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def interval_for(self, host: str) -> float:
        return self.per_host.get(host.lower(), self.interval)

    def wait(self, url: str) -> float:
        """Block until a request to ``url``'s host is allowed; return the seconds slept."""
        host = host_of(url)
        interval = self.interval_for(host)
        with self._lock:
            now = self._clock()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + interval
        delay = start - now
        if delay > 0:
            log.debug("waiting %.2f s before the next request to %s", delay, host)
            self._sleep(delay)
        return max(delay, 0.0)


def _prepared_url(url: str, params: Mapping[str, Any] | None) -> str:
    try:
        return requests.Request("GET", url, params=params).prepare().url or url
    except requests.RequestException:
        return url


def _reason(exc: BaseException) -> BaseException:
    """The innermost urllib3 cause requests wrapped (MaxRetryError hides it in ``.reason``)."""
    inner: BaseException = exc
    for _ in range(5):
        candidate = inner.args[0] if inner.args and isinstance(inner.args[0], BaseException) else None
        if isinstance(inner, MaxRetryError) and inner.reason is not None:
            candidate = inner.reason
        if candidate is None:
            break
        inner = candidate
    return inner


def _refused(reason: BaseException) -> bool:
    cause = reason.__cause__ or reason.__context__
    if isinstance(cause, ConnectionRefusedError) or getattr(cause, "errno", None) == errno.ECONNREFUSED:
        return True
    return "Connection refused" in str(reason) or f"[Errno {errno.ECONNREFUSED}]" in str(reason)


def _translate(exc: requests.RequestException, url: str) -> NetworkError:
    """Map requests/urllib3 failures to our hierarchy, with a message a person can act on."""
    host = host_of(url)
    reason = _reason(exc)
    # urllib3 makes NewConnectionError (refused, unreachable) a subclass of ConnectTimeoutError.
    connect_timeout = isinstance(reason, _ConnectTimeoutError) and not isinstance(reason, NewConnectionError)
    if isinstance(exc, requests.ConnectTimeout) or connect_timeout:
        return RequestTimeout(f"timed out connecting to {host} ({url}): is the network slow or blocked?", url=url)
    if isinstance(exc, requests.ReadTimeout) or isinstance(reason, ReadTimeoutError):
        return RequestTimeout(f"{host} did not answer in time ({url})", url=url)
    if isinstance(exc, requests.exceptions.SSLError):
        return NetworkError(f"secure connection to {host} failed ({url}): {reason}", url=url)
    if isinstance(exc, requests.exceptions.RetryError):
        return BadResponse(f"{host} kept failing after retries ({url}): {reason}", url=url)
    if isinstance(exc, requests.exceptions.ChunkedEncodingError | requests.exceptions.ContentDecodingError):
        return BadResponse(f"{host} sent a broken response body ({url}): {reason}", url=url)
    if isinstance(exc, requests.TooManyRedirects):
        return BadResponse(f"{host} redirects in a loop or too many times ({url})", url=url)
    if isinstance(reason, NameResolutionError):
        return HostNotFound(f"cannot reach {host}: are you offline? ({reason})", url=url)
    if isinstance(reason, NewConnectionError) and _refused(reason):
        return ConnectionRefused(f"cannot reach {host}: are you offline? ({reason})", url=url)
    if isinstance(reason, NewConnectionError):  # unreachable network or host
        return OfflineError(f"cannot reach {host}: are you offline? ({reason})", url=url)
    if isinstance(exc, requests.ConnectionError) and isinstance(reason, ProtocolError):
        return NetworkError(f"the connection to {host} broke off ({url}): {reason}", url=url)
    if isinstance(exc, requests.ConnectionError):
        return OfflineError(f"cannot reach {host}: are you offline? ({reason})", url=url)
    return NetworkError(f"request to {url} failed: {exc}", url=url)


def send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    params: Mapping[str, Any] | None = None,
    pacer: HostPacer | None = None,
    headers: Mapping[str, str] | None = None,
    json: Any = None,
    stream: bool = False,
    allow_redirects: bool = True,
    timeout: Timeout | None = None,
) -> requests.Response:
    """Send one request through ``session`` and return the response whatever its status.

    Only failures before a status (DNS, refused, timeouts, broken bodies…) raise, as a
    :class:`NetworkError`; retries happen inside the session's adapter. With ``stream=True`` the body is
    not read: close the response when done.
    """
    full_url = _prepared_url(url, params)
    if pacer is not None:
        pacer.wait(url)
    log.debug("%s %s", method, full_url)
    try:
        return session.request(
            method,
            url,
            params=params,
            headers=headers,
            json=json,
            stream=stream,
            allow_redirects=allow_redirects,
            timeout=timeout,
        )
    except requests.RequestException as exc:
        raise _translate(exc, full_url) from exc


def raise_for_status(response: requests.Response, url: str | None = None) -> requests.Response:
    """``response`` if it is 2xx, else :class:`BadResponse` with a message a person can act on."""
    if 200 <= response.status_code < 300:
        return response
    full_url = url or response.url
    reason = f" {response.reason}" if response.reason else ""
    message = f"{host_of(full_url)} answered HTTP {response.status_code}{reason} for {full_url}"
    if response.status_code == 429:
        message += " (rate limited: wait a while before trying again)"
    raise BadResponse(message, url=full_url, status=response.status_code, response=response)


def get(
    session: requests.Session,
    url: str,
    *,
    params: Mapping[str, Any] | None = None,
    pacer: HostPacer | None = None,
    headers: Mapping[str, str] | None = None,
) -> requests.Response:
    """GET ``url`` through ``session``; return a 2xx response or raise a :class:`NetworkError`.

    Retries happen inside the session's adapter; this turns what is left (an exception or a non-2xx
    status) into :class:`OfflineError`, :class:`RequestTimeout` or :class:`BadResponse`.
    """
    response = send(session, "GET", url, params=params, pacer=pacer, headers=headers)
    return raise_for_status(response, _prepared_url(url, params))


def post(
    session: requests.Session,
    url: str,
    *,
    json: Any,
    params: Mapping[str, Any] | None = None,
    pacer: HostPacer | None = None,
    headers: Mapping[str, str] | None = None,
) -> requests.Response:
    """POST ``json`` to ``url``; return a 2xx response or raise a :class:`NetworkError` (as :func:`get`).

    POST is retried only if the session was made with ``retry_methods`` including it.
    """
    response = send(session, "POST", url, params=params, pacer=pacer, headers=headers, json=json)
    return raise_for_status(response, _prepared_url(url, params))
