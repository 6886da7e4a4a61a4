"""The one HTTP layer every network call of the tool goes through.

Why one place: every request must identify the project (arXiv and GitHub ask for a descriptive
User-Agent), carry a timeout (requests waits forever without one), retry transient failures with back-off
while honouring ``Retry-After``, stay under each host's rate limit, and fail with an exception whose
message a person can act on ("are you offline?") instead of a urllib3 traceback.
"""

from __future__ import annotations

import inspect
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError as _ConnectTimeoutError
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError, ReadTimeoutError
from urllib3.util.retry import Retry

from . import __version__

log = logging.getLogger(__name__)

PROJECT_URL = "https://github.com/awesome-lora/awesome-lora"
USER_AGENT = f"awesome-lora/{__version__} (+{PROJECT_URL})"
DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 30.0)  # (connect, read) seconds
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# urllib3 would otherwise obey a Retry-After of up to six hours; a command-line tool should give up sooner.
RETRY_AFTER_MAX = 120

Timeout = float | tuple[float, float]


class NetworkError(Exception):
    """A request failed; the message is written for the person running the tool."""

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class OfflineError(NetworkError):
    """The host could not be reached at all (DNS failure, connection refused): most likely offline."""


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


def _retry(retries: int, backoff: float) -> Retry:
    options: dict[str, Any] = {
        "total": retries,
        "connect": min(retries, 1),  # a refused connection or unknown host rarely heals: say "offline" soon
        "backoff_factor": backoff,
        "status_forcelist": sorted(RETRY_STATUSES),
        "allowed_methods": frozenset({"GET", "HEAD"}),
        "respect_retry_after_header": True,
        "raise_on_status": False,  # hand back the last response so get() can report its status
    }
    if "retry_after_max" in inspect.signature(Retry.__init__).parameters:  # urllib3 >= 2.5
        options["retry_after_max"] = RETRY_AFTER_MAX
    return Retry(**options)


def make_session(
    *,
    user_agent: str | None = None,
    retries: int = 4,
    backoff: float = 1.0,
    timeout: Timeout = DEFAULT_TIMEOUT,
) -> requests.Session:
    """A session with the project's User-Agent, retries with back-off, and a default timeout.

    ``retries`` counts retries (not attempts) of connection errors, read errors and the statuses in
    ``RETRY_STATUSES``; urllib3 sleeps ``backoff * 2**(n-1)`` seconds between them, or what the server's
    ``Retry-After`` says.
    """
    session = TimeoutSession(timeout)
    session.headers["User-Agent"] = user_agent or USER_AGENT
    adapter = HTTPAdapter(max_retries=_retry(retries, backoff))
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
    if isinstance(reason, NewConnectionError):  # refused, unreachable, and DNS failures (a subclass)
        return OfflineError(f"cannot reach {host}: are you offline? ({reason})", url=url)
    if isinstance(exc, requests.ConnectionError) and isinstance(reason, ProtocolError):
        return NetworkError(f"the connection to {host} broke off ({url}): {reason}", url=url)
    if isinstance(exc, requests.ConnectionError):
        return OfflineError(f"cannot reach {host}: are you offline? ({reason})", url=url)
    return NetworkError(f"request to {url} failed: {exc}", url=url)


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
    full_url = _prepared_url(url, params)
    if pacer is not None:
        pacer.wait(url)
    log.debug("GET %s", full_url)
    try:
        response = session.get(url, params=params, headers=headers)
    except requests.RequestException as exc:
        raise _translate(exc, full_url) from exc
    if not 200 <= response.status_code < 300:
        reason = f" {response.reason}" if response.reason else ""
        message = f"{host_of(full_url)} answered HTTP {response.status_code}{reason} for {full_url}"
        if response.status_code == 429:
            message += " (rate limited: wait a while before trying again)"
        raise BadResponse(message, url=full_url, status=response.status_code, response=response)
    return response
