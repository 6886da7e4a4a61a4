"""The link checker: is every link of the list still alive? (``awesome-lora links``)

Every URL of the records is checked once, however many records hold it: ``pdf``, each of ``code``, and the
arXiv page of ``arxiv`` (``https://arxiv.org/abs/<id>``). Links are checked concurrently by a bounded pool
of workers, with at most ``per_host`` requests in flight per host and the spacing a host asks for
(``HostPacer``); ``HEAD`` first, then a streamed ``GET`` (body never read) where ``HEAD`` is refused.

arXiv links go to arXiv's API instead, 100 ids per request: arxiv.org's robots.txt asks crawlers for 15
seconds between requests (140 papers would take 35 minutes), and the API tells authoritatively whether a
paper exists (NOTES.md, "arXiv API").

Each link ends up as one of:

- ``ok``: it answers 2xx (after temporary redirects, which are followed silently: a 302 means "the link is
  right, look there for now", as doi.org and login walls do);
- ``moved``: a permanent redirect (301/308) to a URL that differs in more than the scheme or a trailing
  slash: the record should use the new URL;
- ``dead``: 404 or 410, a host name that does not resolve, a refused connection;
- ``unknown``: 401/403 (bot walls: a CDN refusing robots is not a dead link), 429 and 5xx after retries,
  timeouts and other network trouble. A warning, never a failure.

Results are cached in ``.cache/awesome-lora/links.json`` for ``max_age`` (7 days by default), so a second run
checks only what is new; transient results (429, 5xx, timeouts, network errors) are re-checked every run.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

import requests

from .arxiv import ArxivClient, ArxivIdError, parse_arxiv_id
from .catalog import Catalog, load_catalog
from .files import write_atomic
from .http import (
    ConnectionRefused,
    HostNotFound,
    HostPacer,
    NetworkError,
    OfflineError,
    RequestTimeout,
    Timeout,
    cache_dir,
    make_session,
    send,
)
from .problems import Problem, Severity

log = logging.getLogger(__name__)

LINKS_CACHE_FILE = "links.json"
CACHE_FORMAT_VERSION = 1
DEFAULT_MAX_AGE = dt.timedelta(days=7)
DEFAULT_WORKERS = 8
DEFAULT_PER_HOST = 2
DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 20.0)  # (connect, read) seconds
DEFAULT_RETRIES = 2
DEFAULT_RETRY_AFTER_MAX = 30.0  # a link checker waits for a 429 this long at most, then says "unknown"
# Seconds between two requests to a host that asks for it (robots.txt Crawl-delay, API terms).
DEFAULT_PACING: Mapping[str, float] = {"arxiv.org": 15.0, "export.arxiv.org": 3.0}
PERMANENT_REDIRECTS = frozenset({301, 308})
HOST_NOT_FOUND = "host not found"


class LinkStatus(StrEnum):
    OK = "ok"
    MOVED = "moved"
    DEAD = "dead"
    UNKNOWN = "unknown"


@dataclass(frozen=True, order=True)
class LinkUse:
    """Where a link occurs: ``papers/x.yaml``, line 12, field ``code[0]``."""

    path: str
    line: int
    field: str


@dataclass(frozen=True)
class LinkResult:
    url: str
    status: LinkStatus
    detail: str  # "404", "host not found", "403: the site refuses automated checks", "timed out"…
    checked: str  # when, ISO 8601 in UTC
    http_status: int | None = None  # of the final answer
    final_url: str | None = None  # where the redirects ended, when they went elsewhere
    transient: bool = False  # 429, 5xx, timeouts, network trouble: re-checked on the next run

    def message(self) -> str:
        """``dead (404): https://…``; ``moved (301): https://old → https://new``."""
        if self.status is LinkStatus.MOVED:
            return f"moved ({self.detail}): {self.url} → {self.final_url}"
        return f"{self.status.value} ({self.detail}): {self.url}"

    def to_json(self) -> dict[str, Any]:
        data = {
            "status": self.status.value,
            "detail": self.detail,
            "checked": self.checked,
            "http_status": self.http_status,
            "final_url": self.final_url,
            "transient": self.transient,
        }
        return {key: value for key, value in data.items() if value is not None}

    @classmethod
    def from_json(cls, url: str, data: Mapping[str, Any]) -> LinkResult:
        return cls(
            url=url,
            status=LinkStatus(data["status"]),
            detail=str(data["detail"]),
            checked=str(data["checked"]),
            http_status=data.get("http_status"),
            final_url=data.get("final_url"),
            transient=bool(data.get("transient", False)),
        )


@dataclass
class LinkReport:
    """Every link of the list with its result and where it occurs."""

    results: dict[str, LinkResult]
    uses: dict[str, list[LinkUse]]
    checked: int = 0  # over the network in this run
    cached: int = 0  # reused from the cache
    seconds: float = 0.0
    workers: int = DEFAULT_WORKERS
    per_host: int = DEFAULT_PER_HOST

    def with_status(self, status: LinkStatus) -> list[LinkResult]:
        return [result for url, result in sorted(self.results.items()) if result.status is status]

    @property
    def dead(self) -> list[LinkResult]:
        return self.with_status(LinkStatus.DEAD)

    @property
    def moved(self) -> list[LinkResult]:
        return self.with_status(LinkStatus.MOVED)

    @property
    def unknown(self) -> list[LinkResult]:
        return self.with_status(LinkStatus.UNKNOWN)

    @property
    def exit_status(self) -> int:
        """1 when a link is dead, else 0 (moved and unknown links are warnings)."""
        return 1 if self.dead else 0

    def problems(
        self, statuses: Iterable[LinkStatus] = (LinkStatus.DEAD, LinkStatus.MOVED, LinkStatus.UNKNOWN)
    ) -> list[Problem]:
        """Each dead (error), moved or unknown (warning) link at each place it occurs, in file order."""
        wanted = set(statuses)
        found = [
            Problem(
                use.path,
                use.line,
                use.field,
                result.message(),
                "links",
                Severity.ERROR if result.status is LinkStatus.DEAD else Severity.WARNING,
            )
            for url, result in self.results.items()
            if result.status in wanted
            for use in self.uses.get(url, [])
        ]
        return sorted(found)

    def counts(self) -> Counter[LinkStatus]:
        return Counter(result.status for result in self.results.values())

    def summary(self) -> str:
        counts = self.counts()
        parts = ", ".join(f"{counts[status]} {status.value}" for status in LinkStatus)
        return (
            f"{len(self.results)} links: {parts} ({self.checked} checked now, {self.cached} from the cache; "
            f"{self.seconds:.1f} s with {self.workers} workers, at most {self.per_host} per host)"
        )

    def markdown(self, today: dt.date | None = None) -> str:
        """The report as Markdown, for an issue: dead links first, each with the file and line."""
        counts = self.counts()
        day = (today or dt.datetime.now(dt.UTC).date()).isoformat()
        lines = [
            f"# Link check: {counts[LinkStatus.DEAD]} dead, {counts[LinkStatus.MOVED]} moved",
            "",
            f"Checked on {day}: {self.summary()}.",
        ]
        sections = [
            (LinkStatus.DEAD, "Dead links", "Fix or remove these links (404/410, unknown host, refused)."),
            (LinkStatus.MOVED, "Moved links", "These redirect permanently; use the new address."),
            (LinkStatus.UNKNOWN, "Could not tell", "Not failures: bot walls (403), rate limits, timeouts."),
        ]
        for status, title, hint in sections:
            problems = self.problems([status])
            if not problems:
                continue
            lines += ["", f"## {title} ({len(problems)})", "", hint, ""]
            lines += [f"- `{p.path}:{p.line}` {p.field}: {_markdown_message(p.message)}" for p in problems]
        return "\n".join(lines) + "\n"


def _markdown_message(message: str) -> str:
    # URLs become autolinks (<…>); they hold no spaces or angle brackets (records are validated).
    words = message.split(" ")
    return " ".join(f"<{word}>" if word.startswith(("http://", "https://")) else word for word in words)


# --- which links, and where ------------------------------------------------------------------------------


def arxiv_abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def collect_links(catalog: Catalog) -> dict[str, list[LinkUse]]:
    """Every URL of the records → where it occurs (file, line, field), in file order."""
    uses: dict[str, list[LinkUse]] = {}
    for record in sorted(catalog.records, key=lambda r: r.display):
        paper = record.paper
        if paper.arxiv:
            uses.setdefault(arxiv_abs_url(paper.arxiv), []).append(
                LinkUse(record.display, record.line_of("arxiv"), "arxiv")
            )
        if paper.pdf:
            uses.setdefault(paper.pdf, []).append(LinkUse(record.display, record.line_of("pdf"), "pdf"))
        for index, url in enumerate(paper.code):
            line = record.document.line_of(("code", index))
            uses.setdefault(url, []).append(LinkUse(record.display, line, f"code[{index}]"))
    return uses


def _arxiv_id(url: str) -> str | None:
    """The arXiv id of an arxiv.org /abs/ or /pdf/ link (checked through the API), else None."""
    if (urlsplit(url).hostname or "").lower() not in ("arxiv.org", "www.arxiv.org"):
        return None
    try:
        return parse_arxiv_id(url)[0]
    except ArxivIdError:
        return None


# --- the cache ---------------------------------------------------------------------------------------


def default_cache_path(root: Path) -> Path:
    return cache_dir(root) / LINKS_CACHE_FILE


def load_cache(path: Path) -> dict[str, LinkResult]:
    """The cached results; an absent or damaged cache is an empty one (it is only a cache)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format_version") != CACHE_FORMAT_VERSION:
            return {}
        return {url: LinkResult.from_json(url, entry) for url, entry in data["links"].items()}
    except FileNotFoundError:
        return {}
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        log.warning("ignoring the damaged link cache %s (%s)", path, error)
        return {}


def save_cache(path: Path, results: Mapping[str, LinkResult]) -> None:
    data = {
        "format_version": CACHE_FORMAT_VERSION,
        "links": {url: result.to_json() for url, result in results.items()},
    }
    write_atomic(path, json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n")


def _fresh(result: LinkResult, now: dt.datetime, max_age: dt.timedelta) -> bool:
    if result.transient or max_age <= dt.timedelta(0):
        return False
    try:
        checked = dt.datetime.fromisoformat(result.checked)
    except ValueError:
        return False
    if checked.tzinfo is None:
        checked = checked.replace(tzinfo=dt.UTC)
    return dt.timedelta(0) <= now - checked <= max_age


# --- checking one link -------------------------------------------------------------------------------


def _comparable(url: str) -> tuple[str, str, str]:
    """What must differ for a redirect to count as a move: host (and port), path, query."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port
    if port is not None and (parts.scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    return host, parts.path.rstrip("/"), parts.query


def _head_refused(status: int) -> bool:
    """HEAD answers that a GET may contradict: many servers refuse or mishandle HEAD (405, 403, 501…)."""
    return (400 <= status < 500 and status != 429) or status == 501


class _Outcome:
    """Whether the run reached anything at all: a run where nothing answered and names did not resolve is
    offline, not a list of dead links."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.answered = 0
        self.unreachable = 0

    def add(self, answered: bool = False, unreachable: bool = False) -> None:
        with self.lock:
            self.answered += answered
            self.unreachable += unreachable


def _now_text(now: dt.datetime) -> str:
    return now.replace(microsecond=0).isoformat()


def check_url(
    session: requests.Session,
    url: str,
    *,
    pacer: HostPacer | None = None,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    outcome: _Outcome | None = None,
) -> LinkResult:
    """Check one link: HEAD, then a streamed GET where HEAD is refused; classify what came back."""
    outcome = outcome or _Outcome()

    def failed(status: LinkStatus, detail: str, transient: bool = False) -> LinkResult:
        return LinkResult(url, status, detail, _now_text(now()), transient=transient)

    try:
        response = send(session, "HEAD", url, pacer=pacer)
        response.close()
        if _head_refused(response.status_code):
            response = send(session, "GET", url, pacer=pacer, stream=True)
            response.close()  # the body is never read
    except HostNotFound:
        outcome.add(unreachable=True)
        return failed(LinkStatus.DEAD, HOST_NOT_FOUND)
    except ConnectionRefused:
        return failed(LinkStatus.DEAD, "connection refused")
    except OfflineError as error:
        outcome.add(unreachable=True)
        return failed(LinkStatus.UNKNOWN, f"unreachable: {error}", transient=True)
    except RequestTimeout:
        return failed(LinkStatus.UNKNOWN, "timed out", transient=True)
    except NetworkError as error:
        return failed(LinkStatus.UNKNOWN, str(error), transient=True)
    outcome.add(answered=True)
    return classify(url, response, _now_text(now()))


def classify(url: str, response: requests.Response, checked: str) -> LinkResult:
    """The result for the final answer to ``url`` (redirects already followed)."""
    status = response.status_code
    final = response.url or url
    elsewhere = _comparable(final) != _comparable(url)
    final_url = final if final != url else None
    permanent = next((r.status_code for r in response.history if r.status_code in PERMANENT_REDIRECTS), None)
    via = f" after a redirect to {final}" if elsewhere else ""
    if 200 <= status < 300:
        if permanent and elsewhere:
            return LinkResult(url, LinkStatus.MOVED, str(permanent), checked, status, final)
        return LinkResult(url, LinkStatus.OK, str(status), checked, status, final_url)
    if status in (404, 410):
        return LinkResult(url, LinkStatus.DEAD, f"{status}{via}", checked, status, final_url)
    if status in (401, 403, 407):
        detail = f"{status}{via}: the site refuses automated checks; open it in a browser"
        return LinkResult(url, LinkStatus.UNKNOWN, detail, checked, status, final_url)
    if status == 429:
        return LinkResult(url, LinkStatus.UNKNOWN, "429: rate limited", checked, status, final_url, transient=True)
    if status >= 500:
        detail = f"{status}{via}: server error"
        return LinkResult(url, LinkStatus.UNKNOWN, detail, checked, status, final_url, transient=True)
    return LinkResult(url, LinkStatus.UNKNOWN, f"{status}{via}", checked, status, final_url)


def _check_arxiv(
    client: ArxivClient, urls: Mapping[str, str], now: Callable[[], dt.datetime], outcome: _Outcome
) -> dict[str, LinkResult]:
    """URL → result for arxiv.org links (``urls``: URL → id), asking the arXiv API in batches."""
    try:
        found = client.fetch(sorted(set(urls.values())))
    except (HostNotFound, OfflineError) as error:
        if not isinstance(error, ConnectionRefused):
            outcome.add(unreachable=True)
        detail, found = f"the arXiv API could not be reached: {error}", None
    except NetworkError as error:
        detail, found = f"the arXiv API failed: {error}", None
    except ArxivIdError as error:  # cannot happen for validated records, but say so rather than crash
        detail, found = str(error), None
    checked = _now_text(now())
    if found is None:
        return {url: LinkResult(url, LinkStatus.UNKNOWN, detail, checked, transient=True) for url in urls}
    outcome.add(answered=True)
    return {
        url: LinkResult(url, LinkStatus.OK, "on arXiv", checked)
        if arxiv_id in found
        else LinkResult(url, LinkStatus.DEAD, "arXiv has no such paper", checked)
        for url, arxiv_id in urls.items()
    }


# --- many links at once ------------------------------------------------------------------------------


def host_key(url: str) -> str:
    """What the per-host limit counts: host and port, lower-cased."""
    parts = urlsplit(url)
    return (parts.netloc.rsplit("@", 1)[-1] or url).lower()


class _HostQueue:
    """Hands out URLs to workers so that no host has more than ``per_host`` requests in flight.

    A worker takes the next URL of the host with the most URLs still waiting among those with a free
    slot (the busiest host is the one that decides how long the run takes), and waits when every host
    with work left is at its limit.
    """

    def __init__(self, urls: Iterable[str], per_host: int) -> None:
        self.per_host = per_host
        self.pending: dict[str, deque[str]] = {}
        for url in urls:
            self.pending.setdefault(host_key(url), deque()).append(url)
        self.active: Counter[str] = Counter()
        self.condition = threading.Condition()
        self.stopped = False

    def take(self) -> tuple[str, str] | None:
        with self.condition:
            while not self.stopped:
                free = [h for h, queue in self.pending.items() if queue and self.active[h] < self.per_host]
                if free:
                    host = max(free, key=lambda h: len(self.pending[h]))
                    self.active[host] += 1
                    return host, self.pending[host].popleft()
                if not any(self.pending.values()):
                    return None
                self.condition.wait()
            return None

    def done(self, host: str) -> None:
        with self.condition:
            self.active[host] -= 1
            self.condition.notify_all()

    def stop(self) -> None:
        with self.condition:
            self.stopped = True
            self.condition.notify_all()


class _Progress:
    """A one-line ``\\r`` counter on a terminal; nothing at all when the stream is not a TTY."""

    def __init__(self, stream: TextIO | None, total: int) -> None:
        self.stream = stream
        self.enabled = bool(stream is not None and total and _isatty(stream))
        self.total = total
        self.done = 0
        self.dead = 0
        self.lock = threading.Lock()
        self._draw()

    def advance(self, result: LinkResult) -> None:
        with self.lock:
            self.done += 1
            self.dead += result.status is LinkStatus.DEAD
            self._draw()

    def _draw(self) -> None:
        if self.enabled and self.stream is not None:
            dead = f", {self.dead} dead" if self.dead else ""
            self.stream.write(f"\rchecking links: {self.done}/{self.total}{dead}")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.stream is not None:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def check_links(
    catalog: Catalog,
    *,
    max_age: dt.timedelta = DEFAULT_MAX_AGE,
    use_cache: bool = True,
    cache_path: Path | None = None,
    workers: int = DEFAULT_WORKERS,
    per_host: int = DEFAULT_PER_HOST,
    pacing: Mapping[str, float] | None = None,
    timeout: Timeout = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    backoff: float = 1.0,
    retry_after_max: float = DEFAULT_RETRY_AFTER_MAX,
    session_factory: Callable[[], requests.Session] | None = None,
    arxiv: ArxivClient | None = None,
    progress: TextIO | None = None,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
) -> LinkReport:
    """Check every link of ``catalog``; reuse cached results younger than ``max_age``.

    ``workers`` threads check links at once, at most ``per_host`` to the same host (and port), each host
    spaced as ``pacing`` says (default: :data:`DEFAULT_PACING`). ``retries``/``backoff`` and
    ``retry_after_max`` go to the session (429 and 5xx are retried, honouring ``Retry-After``);
    ``session_factory`` makes one session per worker (tests inject failures through it). ``progress``
    (default: standard error) gets a one-line counter if it is a terminal. The cache
    (``<root>/.cache/awesome-lora/links.json`` unless ``cache_path``) is rewritten atomically at the end,
    with the results for the links still in the list.

    Raises :class:`~awesome_lora.http.OfflineError` when nothing answered and host names did not resolve:
    the machine is offline, and nothing is written.
    """
    if workers < 1 or per_host < 1:
        raise ValueError(f"workers and per_host must be at least 1 (got {workers} and {per_host})")
    started = time.monotonic()
    uses = collect_links(catalog)
    path = cache_path or default_cache_path(catalog.root)
    cached = load_cache(path) if use_cache else {}
    moment = now()
    results = {url: cached[url] for url in uses if url in cached and _fresh(cached[url], moment, max_age)}
    todo = [url for url in uses if url not in results]
    arxiv_urls = {url: arxiv_id for url in todo if (arxiv_id := _arxiv_id(url)) is not None}
    web_urls = [url for url in todo if url not in arxiv_urls]

    def new_session() -> requests.Session:
        if session_factory is not None:
            return session_factory()
        return make_session(
            retries=retries,
            backoff=backoff,
            timeout=timeout,
            retry_after_max=retry_after_max,
            pool_maxsize=per_host,
        )

    pacer = HostPacer(0.0, per_host=DEFAULT_PACING if pacing is None else pacing)
    queue = _HostQueue(web_urls, per_host)
    outcome = _Outcome()
    bar = _Progress(progress if progress is not None else sys.stderr, len(todo))
    lock = threading.Lock()
    unresolved: set[str] = set()  # hosts whose name did not resolve (set.add is atomic)

    def record(result: LinkResult) -> None:
        with lock:
            results[result.url] = result
        bar.advance(result)

    def worker() -> None:
        session = new_session()
        try:
            while (task := queue.take()) is not None:
                host, url = task
                try:
                    if host in unresolved:  # a name that does not resolve fails alike for every link on it
                        outcome.add(unreachable=True)
                        result = LinkResult(url, LinkStatus.DEAD, HOST_NOT_FOUND, _now_text(now()))
                    else:
                        result = check_url(session, url, pacer=pacer, now=now, outcome=outcome)
                        if result.detail == HOST_NOT_FOUND:
                            unresolved.add(host)
                except Exception as error:  # a bug here must not lose the other results: report it
                    log.exception("checking %s failed", url)
                    detail = f"internal error ({type(error).__name__}: {error}); please report it"
                    result = LinkResult(url, LinkStatus.UNKNOWN, detail, _now_text(now()), transient=True)
                finally:
                    queue.done(host)
                record(result)
        finally:
            session.close()

    def arxiv_worker() -> None:
        client = arxiv or ArxivClient(session=new_session())  # spaced 3 s apart, as arXiv asks
        for result in _check_arxiv(client, arxiv_urls, now, outcome).values():
            record(result)

    pool_size = max(1, min(workers, len(web_urls)))
    pool = ThreadPoolExecutor(max_workers=pool_size + 1, thread_name_prefix="links")
    try:
        futures = [pool.submit(worker) for _ in range(pool_size if web_urls else 0)]
        if arxiv_urls:
            futures.append(pool.submit(arxiv_worker))
        for future in futures:
            future.result()
    except KeyboardInterrupt:
        queue.stop()  # workers finish the link in hand, then stop
        pool.shutdown(wait=True)
        bar.close()
        if use_cache:  # what was checked stays checked
            save_cache(path, {url: results[url] for url in uses if url in results})
        raise
    finally:
        queue.stop()
        pool.shutdown(wait=True)
    bar.close()
    checked = len(todo)
    if checked and outcome.answered == 0 and outcome.unreachable:
        raise OfflineError(
            f"none of {checked} links could be reached and host names did not resolve: are you offline?",
            url=todo[0],
        )
    if use_cache:
        save_cache(path, {url: results[url] for url in uses})
    return LinkReport(
        results={url: results[url] for url in uses},
        uses=uses,
        checked=checked,
        cached=len(uses) - checked,
        seconds=time.monotonic() - started,
        workers=workers,
        per_host=per_host,
    )


def run_links(
    root: Path,
    *,
    max_age: dt.timedelta = DEFAULT_MAX_AGE,
    workers: int = DEFAULT_WORKERS,
    per_host: int = DEFAULT_PER_HOST,
    report: Path | None = None,
    github: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
    **options: Any,
) -> int:
    """``awesome-lora links``: check, print located problems and a summary; the exit status.

    Dead links are errors (exit 1); moved and unknown links are warnings (exit 0 if nothing is dead).
    Offline: says so and exits 1 without writing anything. ``report`` writes the Markdown report (for an
    issue) when the check ran; ``github`` also prints GitHub Actions annotations. ``options`` go to
    :func:`check_links`.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    catalog = load_catalog(root)
    for problem in catalog.problems:
        if problem.severity is Severity.ERROR:
            print(f"note: {problem} (this record's links are not checked)", file=err)
    options.setdefault("progress", err)
    try:
        result = check_links(catalog, max_age=max_age, workers=workers, per_host=per_host, **options)
    except OfflineError as error:
        print(f"error: {error}\nThe link check needs the network; nothing was checked or written.", file=err)
        return 1
    for problem in result.problems():
        print(problem, file=err)
        if github:
            print(problem.github_annotation(), file=out)
    if report is not None:
        write_atomic(report, result.markdown())
    print(result.summary(), file=out)
    if result.dead:
        print(f"{len(result.dead)} dead link(s): fix or remove them.", file=err)
    return result.exit_status
