"""The link checker against a real local server (pytest-httpserver, threaded, on 127.0.0.1).

Records link straight to the local server; failures that need a real network (DNS) are raised from inside
a session's adapter, as in test_http. Nothing touches the internet.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from pytest_httpserver import HTTPServer
from urllib3.exceptions import MaxRetryError, NameResolutionError
from werkzeug import Request, Response

from awesome_lora import arxiv as arxiv_module
from awesome_lora.catalog import load_catalog
from awesome_lora.http import OfflineError, make_session
from awesome_lora.links import (
    LinkResult,
    LinkStatus,
    check_links,
    check_url,
    collect_links,
    default_cache_path,
    run_links,
)

ARXIV_FIXTURES = Path(__file__).parent / "fixtures" / "arxiv"
# Small waits so the suite stays fast: retries without back-off, short timeouts.
FAST: dict[str, Any] = {"retries": 2, "backoff": 0.0, "timeout": (1.0, 0.5), "pacing": {}, "progress": io.StringIO()}


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[HTTPServer, HTTPServer]]:
    """Two threaded servers on 127.0.0.1 (records need a host name with a dot; links run concurrently).

    Started once per module: stopping a threaded server takes half a second.
    """
    started = [HTTPServer(host="127.0.0.1", threaded=True) for _ in range(2)]
    for server in started:
        server.start()
    yield started[0], started[1]
    for server in started:
        server.clear()
        server.stop()


@pytest.fixture
def server(servers: tuple[HTTPServer, HTTPServer]) -> Iterator[HTTPServer]:
    for each in servers:
        each.clear()
    yield servers[0]
    for each in servers:
        each.clear()


@pytest.fixture
def other_server(server: HTTPServer, servers: tuple[HTTPServer, HTTPServer]) -> HTTPServer:
    """A second host (another port) for tests that need two."""
    return servers[1]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fast_session() -> requests.Session:
    return make_session(retries=FAST["retries"], backoff=0, timeout=FAST["timeout"])


class Sequence:
    """A handler answering each request with the next response; the last one repeats."""

    def __init__(self, *responses: Callable[[], Response]) -> None:
        self.responses = list(responses)
        self.methods: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, request: Request) -> Response:
        with self.lock:
            self.methods.append(request.method)
            index = min(len(self.methods), len(self.responses)) - 1
        return self.responses[index]()


def respond(status: int = 200, body: str = "ok", **headers: str) -> Callable[[], Response]:
    return lambda: Response(body, status=status, headers=headers)


def serve(server: HTTPServer, path: str, handler: Callable[[Request], Response]) -> str:
    server.expect_request(path).respond_with_handler(handler)
    return server.url_for(path)


def add_record(write_record: Callable[..., Path], name: str, pdf: str | None = None, code: list[str] | None = None):
    return write_record(
        name, title=f"Paper {name}", arxiv=None, pdf=pdf or f"https://example.org/{name}.pdf", code=code
    )


def line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def check(url: str, **options: Any) -> LinkResult:
    return check_url(make_session(retries=options.pop("retries", 2), backoff=0, timeout=(1.0, 0.5)), url, **options)


# --- one link ----------------------------------------------------------------------------------------


def test_200_is_ok(server: HTTPServer) -> None:
    url = serve(server, "/ok", Sequence(respond(200)))
    result = check(url)
    assert (result.status, result.detail, result.http_status, result.final_url) == (LinkStatus.OK, "200", 200, None)
    assert [request.method for request, _ in server.log] == ["HEAD"]


def test_permanent_redirect_is_moved_with_the_final_url(server: HTTPServer) -> None:
    final = serve(server, "/new-home", Sequence(respond(200)))
    url = serve(server, "/old-home", Sequence(respond(301, Location=final)))
    result = check(url)
    assert result.status is LinkStatus.MOVED
    assert result.final_url == final
    assert result.message() == f"moved (301): {url} → {final}"


def test_temporary_redirect_is_ok(server: HTTPServer) -> None:
    final = serve(server, "/login", Sequence(respond(200)))
    url = serve(server, "/paper", Sequence(respond(302, Location=final)))
    result = check(url)
    assert result.status is LinkStatus.OK
    assert result.final_url == final


def test_redirect_that_only_adds_a_trailing_slash_is_not_a_move(server: HTTPServer) -> None:
    serve(server, "/repo/", Sequence(respond(200)))
    url = serve(server, "/repo", Sequence(respond(301, Location="/repo/")))
    assert check(url).status is LinkStatus.OK


@pytest.mark.parametrize("status", [404, 410])
def test_404_and_410_are_dead(server: HTTPServer, status: int) -> None:
    handler = Sequence(respond(status))
    url = serve(server, "/gone", handler)
    result = check(url)
    assert result.status is LinkStatus.DEAD
    assert result.message() == f"dead ({status}): {url}"
    assert handler.methods == ["HEAD", "GET"], "a HEAD error is confirmed with GET"


def test_redirect_to_a_404_is_dead(server: HTTPServer) -> None:
    final = serve(server, "/nowhere", Sequence(respond(404)))
    url = serve(server, "/moved", Sequence(respond(301, Location=final)))
    result = check(url)
    assert result.status is LinkStatus.DEAD
    assert result.detail == f"404 after a redirect to {final}"


def test_head_refused_then_get_ok(server: HTTPServer) -> None:
    def handler(request: Request) -> Response:
        return Response(status=405) if request.method == "HEAD" else Response("x" * 100_000)

    url = serve(server, "/no-head", handler)
    assert check(url).status is LinkStatus.OK
    assert [request.method for request, _ in server.log] == ["HEAD", "GET"]


def test_403_is_unknown_not_dead(server: HTTPServer) -> None:
    url = serve(server, "/cdn", Sequence(respond(403, body="Attention Required! | Cloudflare")))
    result = check(url)
    assert result.status is LinkStatus.UNKNOWN
    assert result.detail.startswith("403")
    assert "refuses automated checks" in result.detail
    assert not result.transient


def test_429_with_retry_after_then_200_is_ok(server: HTTPServer) -> None:
    handler = Sequence(respond(429, body="Too Many Requests", **{"Retry-After": "1"}), respond(200))
    url = serve(server, "/busy", handler)
    started = time.monotonic()
    result = check(url)
    assert result.status is LinkStatus.OK
    assert handler.methods == ["HEAD", "HEAD"]
    assert time.monotonic() - started >= 0.9, "Retry-After: 1 must be honoured"


def test_429_after_the_retries_is_unknown(server: HTTPServer) -> None:
    url = serve(server, "/busy", Sequence(respond(429, **{"Retry-After": "0"})))
    result = check(url, retries=1)
    assert (result.status, result.detail, result.transient) == (LinkStatus.UNKNOWN, "429: rate limited", True)


def test_repeated_500_is_unknown_after_retries(server: HTTPServer) -> None:
    handler = Sequence(respond(500))
    url = serve(server, "/broken", handler)
    result = check(url, retries=2)
    assert result.status is LinkStatus.UNKNOWN
    assert result.detail == "500: server error"
    assert result.transient
    assert handler.methods == ["HEAD"] * 3  # one attempt, two retries


def test_slow_endpoint_is_unknown(server: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(0.6)
        return Response("late")

    url = serve(server, "/slow", slow)
    result = check_url(make_session(retries=0, timeout=(1.0, 0.1)), url)
    assert (result.status, result.detail, result.transient) == (LinkStatus.UNKNOWN, "timed out", True)
    deadline = time.monotonic() + 2  # let the handler finish, so that it cannot answer in the next test
    while not server.log and time.monotonic() < deadline:
        time.sleep(0.02)


def test_connection_refused_is_dead() -> None:
    url = f"http://127.0.0.1:{closed_port()}/paper.pdf"
    result = check(url, retries=0)
    assert result.status is LinkStatus.DEAD
    assert result.message() == f"dead (connection refused): {url}"


# --- the whole list ----------------------------------------------------------------------------------


class DnsFails(requests.adapters.HTTPAdapter):
    """What requests raises when a name does not resolve, without asking any DNS server."""

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        host = requests.utils.urlparse(request.url).hostname
        reason = NameResolutionError(host, None, "Name or service not known")  # type: ignore[arg-type]
        raise requests.ConnectionError(MaxRetryError(None, request.url, reason))  # type: ignore[arg-type]


def session_with_dns_failures(*prefixes: str) -> Callable[[], requests.Session]:
    def factory() -> requests.Session:
        session = fast_session()
        for prefix in prefixes:
            session.mount(prefix, DnsFails())
        return session

    return factory


def test_run_links_locates_dead_and_moved_links(
    server: HTTPServer, project: Path, write_record: Callable[..., Path]
) -> None:
    ok = serve(server, "/ok.pdf", Sequence(respond(200)))
    gone = serve(server, "/gone", Sequence(respond(404)))
    final = serve(server, "/NVlabs/DoRA", Sequence(respond(200)))
    moved = serve(server, "/nbasyl/DoRA", Sequence(respond(301, Location=final)))
    blocked = serve(server, "/cdn.pdf", Sequence(respond(403)))
    refused = f"http://127.0.0.1:{closed_port()}/x"
    dora = add_record(write_record, "dora", pdf=ok, code=[moved, gone])
    lora = add_record(write_record, "lora", pdf=blocked, code=[refused])
    add_record(write_record, "qlora", pdf=ok)  # the same link twice is checked once
    out, err = io.StringIO(), io.StringIO()
    report = project / "links-report.md"
    status = run_links(project, out=out, err=err, report=report, github=True, **FAST)
    assert status == 1
    errors = err.getvalue().splitlines()
    assert f"papers/dora.yaml:{line_of(dora, gone)}: code[1]: dead (404): {gone}" in errors
    assert f"papers/dora.yaml:{line_of(dora, moved)}: code[0]: moved (301): {moved} → {final}" in errors
    assert f"papers/lora.yaml:{line_of(lora, refused)}: code[0]: dead (connection refused): {refused}" in errors
    assert any(line.startswith(f"papers/lora.yaml:{line_of(lora, blocked)}: pdf: unknown (403") for line in errors)
    assert len(errors) == 5, errors  # 2 dead, 1 moved, 1 unknown, and the count of dead links
    assert not any(ok in line for line in errors)
    assert "2 dead link(s)" in err.getvalue()
    summary = out.getvalue()
    assert "6 links: 1 ok, 1 moved, 2 dead, 1 unknown" not in summary  # the ok link is counted once…
    assert "5 links: 1 ok, 1 moved, 2 dead, 1 unknown" in summary  # …as five distinct links
    assert f"::error file=papers/dora.yaml,line={line_of(dora, gone)}" in summary
    assert sum(1 for request, _ in server.log if request.path == "/ok.pdf") == 1
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Link check: 2 dead, 1 moved\n")
    assert f"- `papers/dora.yaml:{line_of(dora, gone)}` code[1]: dead (404): <{gone}>" in text
    assert "## Could not tell (1)" in text


def test_nothing_dead_exits_0_even_with_unknown_and_moved(
    server: HTTPServer, project: Path, write_record: Callable[..., Path]
) -> None:
    final = serve(server, "/new", Sequence(respond(200)))
    add_record(write_record, "dora", pdf=serve(server, "/cdn", Sequence(respond(403))))
    add_record(write_record, "lora", pdf=serve(server, "/old", Sequence(respond(308, Location=final))))
    add_record(write_record, "qlora", pdf=serve(server, "/busy", Sequence(respond(503))))
    out, err = io.StringIO(), io.StringIO()
    assert run_links(project, out=out, err=err, **FAST) == 0
    assert "0 dead" in out.getvalue() and "1 moved" in out.getvalue() and "2 unknown" in out.getvalue()


def test_host_that_does_not_resolve_is_dead(
    server: HTTPServer, project: Path, write_record: Callable[..., Path]
) -> None:
    path = add_record(write_record, "dora", pdf=serve(server, "/ok", Sequence(respond(200))))
    add_record(write_record, "lora", pdf="https://no-such-host.example/paper.pdf")
    report = check_links(
        load_catalog(project), session_factory=session_with_dns_failures("https://no-such-host.example"), **FAST
    )
    assert [result.url for result in report.dead] == ["https://no-such-host.example/paper.pdf"]
    assert report.dead[0].detail == "host not found"
    assert report.exit_status == 1
    assert path.is_file()


def test_a_host_that_does_not_resolve_is_asked_once(
    server: HTTPServer, project: Path, write_record: Callable[..., Path]
) -> None:
    lookups: list[str] = []

    class CountingDnsFails(DnsFails):
        def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
            lookups.append(request.url or "")
            return super().send(request, **kwargs)

    def factory() -> requests.Session:
        session = make_session(retries=0)
        session.mount("https://gone.example", CountingDnsFails())
        return session

    add_record(write_record, "dora", pdf=serve(server, "/ok", Sequence(respond(200))))
    for name in ("lora", "qlora", "vera"):
        add_record(write_record, name, pdf=f"https://gone.example/{name}.pdf")
    report = check_links(load_catalog(project), session_factory=factory, **{**FAST, "per_host": 1})
    assert len(lookups) == 1, "the other links of an unknown host reuse its answer"
    assert [result.detail for result in report.dead] == ["host not found"] * 3


def test_offline_says_so_and_writes_nothing(project: Path, write_record: Callable[..., Path]) -> None:
    add_record(write_record, "dora", pdf="https://openreview.net/pdf?id=abc", code=["https://github.com/NVlabs/DoRA"])
    add_record(write_record, "lora", pdf="https://aclanthology.org/2023.emnlp-main.487.pdf")
    factory = session_with_dns_failures("https://", "http://")
    with pytest.raises(OfflineError, match="are you offline"):
        check_links(load_catalog(project), session_factory=factory, **FAST)
    err = io.StringIO()
    assert run_links(project, out=io.StringIO(), err=err, session_factory=factory, **FAST) == 1
    assert "are you offline?" in err.getvalue() and "nothing was checked or written" in err.getvalue()
    assert not default_cache_path(project).exists()


def test_arxiv_links_are_checked_through_the_api(
    server: HTTPServer, project: Path, write_record: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    server.expect_request("/api/query").respond_with_data(
        (ARXIV_FIXTURES / "lora_dora_qlora.xml").read_bytes(), content_type="application/atom+xml"
    )
    monkeypatch.setenv(arxiv_module.API_ENV, server.url_for("/api/query"))
    ok = serve(server, "/ok", Sequence(respond(200)))
    write_record("dora", pdf=ok, code=[])
    missing = write_record("typo", title="A typo", arxiv="2401.99999", code=[], pdf=ok)
    report = check_links(load_catalog(project), **FAST)
    assert report.results["https://arxiv.org/abs/2402.09353"].status is LinkStatus.OK
    [dead] = report.dead
    assert dead.url == "https://arxiv.org/abs/2401.99999"
    [problem] = report.problems([LinkStatus.DEAD])
    assert str(problem) == (
        f"papers/typo.yaml:{line_of(missing, 'arxiv:')}: arxiv: dead (arXiv has no such paper): "
        "https://arxiv.org/abs/2401.99999"
    )
    api_requests = [request for request, _ in server.log if request.path == "/api/query"]
    assert len(api_requests) == 1
    assert api_requests[0].args["id_list"] == "2401.99999,2402.09353"


def test_collect_links_lists_every_place(project: Path, write_record: Callable[..., Path]) -> None:
    dora = write_record("dora", code=["https://github.com/NVlabs/DoRA", "https://github.com/nbasyl/DoRA"])
    uses = collect_links(load_catalog(project))
    assert list(uses) == [
        "https://arxiv.org/abs/2402.09353",
        "https://github.com/NVlabs/DoRA",
        "https://github.com/nbasyl/DoRA",
    ]
    [use] = uses["https://github.com/nbasyl/DoRA"]
    assert (use.path, use.line, use.field) == ("papers/dora.yaml", line_of(dora, "nbasyl"), "code[1]")


# --- concurrency -------------------------------------------------------------------------------------


class InFlight:
    """A handler that counts requests being served at once (under a lock) and keeps the maximum."""

    def __init__(self, delay: float = 0.05) -> None:
        self.delay = delay
        self.now = 0
        self.peak = 0
        self.total = 0
        self.lock = threading.Lock()

    def __call__(self, request: Request) -> Response:
        with self.lock:
            self.now += 1
            self.total += 1
            self.peak = max(self.peak, self.now)
        try:
            time.sleep(self.delay)
            return Response("ok")
        finally:
            with self.lock:
                self.now -= 1


def many_links(server: HTTPServer, write_record: Callable[..., Path], handler: InFlight, count: int) -> None:
    server.expect_request("/busy").respond_with_handler(handler)  # any path
    for index in range(count):
        add_record(write_record, f"paper-{index}", pdf=server.url_for(f"/busy?n={index}"))


def test_per_host_limit(server: HTTPServer, project: Path, write_record: Callable[..., Path]) -> None:
    handler = InFlight()
    many_links(server, write_record, handler, 12)
    report = check_links(load_catalog(project), workers=8, per_host=2, **FAST)
    assert handler.total == 12
    assert handler.peak == 2, "at most 2 requests at once to one host, and the 2 slots were used"
    assert report.counts()[LinkStatus.OK] == 12


def test_worker_pool_bound(server: HTTPServer, project: Path, write_record: Callable[..., Path]) -> None:
    handler = InFlight()
    many_links(server, write_record, handler, 12)
    check_links(load_catalog(project), workers=3, per_host=10, **FAST)
    assert handler.peak == 3, "never more than 3 workers, and all 3 were busy at once"


def test_hosts_are_checked_side_by_side(
    server: HTTPServer, other_server: HTTPServer, project: Path, write_record: Callable[..., Path]
) -> None:
    # Two servers (two hosts to the checker): 2 at once each, so 4 in flight overall.
    handlers = [InFlight(0.1), InFlight(0.1)]
    shared = InFlight(0.1)
    for index, (each, handler) in enumerate(zip((server, other_server), handlers, strict=True)):

        def both(request: Request, handler: InFlight = handler) -> Response:
            with shared.lock:
                shared.now += 1
                shared.peak = max(shared.peak, shared.now)
            try:
                return handler(request)
            finally:
                with shared.lock:
                    shared.now -= 1

        each.expect_request("/p").respond_with_handler(both)
        for number in range(4):
            add_record(write_record, f"s{index}-{number}", pdf=each.url_for(f"/p?n={number}"))
    check_links(load_catalog(project), workers=8, per_host=2, **FAST)
    assert [handler.peak for handler in handlers] == [2, 2]
    assert shared.peak == 4


def test_pacing_spaces_requests_to_a_host(server: HTTPServer, project: Path, write_record: Callable[..., Path]) -> None:
    handler = InFlight(0.0)
    many_links(server, write_record, handler, 3)
    started = time.monotonic()
    check_links(load_catalog(project), **{**FAST, "pacing": {"127.0.0.1": 0.2}})
    assert time.monotonic() - started >= 0.4, "three requests 0.2 s apart take 0.4 s at least"


# --- the cache ---------------------------------------------------------------------------------------


def test_second_run_within_the_age_makes_no_request(
    server: HTTPServer, project: Path, write_record: Callable[..., Path]
) -> None:
    add_record(write_record, "dora", pdf=serve(server, "/ok", Sequence(respond(200))))
    add_record(write_record, "lora", pdf=serve(server, "/gone", Sequence(respond(404))))
    catalog = load_catalog(project)
    first = check_links(catalog, **FAST)
    assert (first.checked, first.cached) == (2, 0)
    requests_made = len(server.log)
    cache = json.loads(default_cache_path(project).read_text(encoding="utf-8"))
    assert cache["format_version"] == 1 and set(cache["links"]) == set(first.results)
    second = check_links(catalog, **FAST)
    assert len(server.log) == requests_made, "nothing is re-checked within the age"
    assert (second.checked, second.cached) == (0, 2)
    assert second.results == first.results
    assert second.exit_status == 1, "a cached dead link is still dead"
    # --max-age 0 checks everything again.
    third = check_links(catalog, **{**FAST, "max_age": dt.timedelta(0)})
    assert third.checked == 2 and len(server.log) > requests_made


def test_results_older_than_the_age_are_checked_again(
    server: HTTPServer, project: Path, write_record: Callable[..., Path]
) -> None:
    add_record(write_record, "dora", pdf=serve(server, "/ok", Sequence(respond(200))))
    catalog = load_catalog(project)
    check_links(catalog, **FAST)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=8)
    report = check_links(catalog, now=lambda: later, **FAST)
    assert report.checked == 1
    assert len(server.log) == 2
    within = dt.datetime.now(dt.UTC) + dt.timedelta(days=8, hours=1)  # an hour after the re-check
    assert check_links(catalog, now=lambda: within, **FAST).checked == 0


def test_transient_results_are_checked_again(
    server: HTTPServer, project: Path, write_record: Callable[..., Path]
) -> None:
    handler = Sequence(respond(503), respond(503), respond(503), respond(200))
    add_record(write_record, "dora", pdf=serve(server, "/flaky", handler))
    add_record(write_record, "lora", pdf=serve(server, "/cdn", Sequence(respond(403))))
    catalog = load_catalog(project)
    first = check_links(catalog, **FAST)
    assert [r.status for r in first.results.values()] == [LinkStatus.UNKNOWN, LinkStatus.UNKNOWN]
    second = check_links(catalog, **FAST)
    assert second.checked == 1, "the 503 is re-checked, the 403 (a bot wall) is not"
    assert second.counts()[LinkStatus.OK] == 1


def test_links_no_longer_in_the_list_leave_the_cache(
    server: HTTPServer, project: Path, write_record: Callable[..., Path]
) -> None:
    add_record(write_record, "dora", pdf=serve(server, "/a", Sequence(respond(200))))
    lora = add_record(write_record, "lora", pdf=serve(server, "/b", Sequence(respond(200))))
    check_links(load_catalog(project), **FAST)
    lora.unlink()
    check_links(load_catalog(project), **FAST)
    assert list(json.loads(default_cache_path(project).read_text())["links"]) == [server.url_for("/a")]


def test_damaged_cache_is_ignored(server: HTTPServer, project: Path, write_record: Callable[..., Path]) -> None:
    add_record(write_record, "dora", pdf=serve(server, "/a", Sequence(respond(200))))
    default_cache_path(project).parent.mkdir(parents=True, exist_ok=True)
    default_cache_path(project).write_text("{damaged", encoding="utf-8")
    assert check_links(load_catalog(project), **FAST).checked == 1


# --- progress ----------------------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal(server: HTTPServer, project: Path, write_record: Callable[..., Path]) -> None:
    add_record(write_record, "dora", pdf=serve(server, "/a", Sequence(respond(200))))
    add_record(write_record, "lora", pdf=serve(server, "/b", Sequence(respond(404))))
    terminal, pipe = Terminal(), io.StringIO()
    check_links(load_catalog(project), **{**FAST, "progress": terminal, "use_cache": False})
    check_links(load_catalog(project), **{**FAST, "progress": pipe, "use_cache": False})
    assert "\rchecking links: 0/2" in terminal.getvalue()
    assert "\rchecking links: 2/2, 1 dead" in terminal.getvalue()
    assert terminal.getvalue().endswith("\r\033[K")
    assert pipe.getvalue() == ""


# --- how long the shipped list takes (run with AWESOME_LORA_LINKS_BENCH=1) --------------------------


@pytest.mark.skipif(not os.environ.get("AWESOME_LORA_LINKS_BENCH"), reason="set AWESOME_LORA_LINKS_BENCH=1 to run")
def test_benchmark_shipped_list(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Every link of papers/ against local servers, one per real host, answering in 50–300 ms (seeded)."""
    from awesome_lora.records import Record

    from .conftest import REPO

    catalog = load_catalog(REPO)
    hosts = sorted({requests.utils.urlparse(url).hostname for url in collect_links(catalog)} - {"arxiv.org"})
    rng = random.Random(7)
    rng_lock = threading.Lock()

    def slow(request: Request) -> Response:
        with rng_lock:
            delay = rng.uniform(0.05, 0.3)
        time.sleep(delay)
        if request.path.startswith("/api/query"):
            return Response(_feed(request.args["id_list"].split(",")), content_type="application/atom+xml")
        return Response("ok")

    servers = {host: HTTPServer(host="127.0.0.1", threaded=True) for host in [*hosts, "export.arxiv.org"]}
    for server in servers.values():
        server.start()
        server.expect_request(re.compile(".*")).respond_with_handler(slow)
    try:
        monkeypatch.setenv(arxiv_module.API_ENV, servers["export.arxiv.org"].url_for("/api/query"))

        def local(url: str) -> str:
            parts = requests.utils.urlparse(url)
            server = servers[parts.hostname]
            return f"http://127.0.0.1:{server.port}{parts.path}" + (f"?{parts.query}" if parts.query else "")

        records = [
            Record(
                r.paper.model_copy(
                    update={
                        "pdf": local(r.paper.pdf) if r.paper.pdf else None,
                        "code": [local(u) for u in r.paper.code],
                    }
                ),
                r.display,
                r.path,
                r.text,
            )
            for r in catalog.records
        ]
        catalog.records[:] = records
        timings = []
        for workers, per_host in ((1, 1), (8, 2), (16, 2), (8, 4)):
            report = check_links(catalog, workers=workers, per_host=per_host, use_cache=False, retries=0, pacing={})
            timings.append((workers, per_host, report.seconds, len(report.results), report.counts()))
        requests_seen = sum(len(server.log) for server in servers.values())
    finally:
        for server in servers.values():
            server.stop()
    with capsys.disabled():
        print(f"\n{len(hosts)} hosts + the arXiv API; {requests_seen} requests over all runs")
        for workers, per_host, seconds, links, counts in timings:
            print(f"workers={workers:2d} per_host={per_host}: {links} links in {seconds:.2f} s ({dict(counts)})")
    assert all(counts[LinkStatus.OK] == links for *_, links, counts in timings)


def _feed(ids: list[str]) -> bytes:
    entries = "".join(
        f"""<entry><id>http://arxiv.org/abs/{arxiv_id}v1</id><updated>2024-01-01T00:00:00Z</updated>
<published>2024-01-01T00:00:00Z</published><title>Paper {arxiv_id}</title><summary>s</summary>
<author><name>A. Author</name></author>
<link href="http://arxiv.org/abs/{arxiv_id}v1" rel="alternate" type="text/html"/></entry>"""
        for arxiv_id in ids
    )
    return f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">{entries}</feed>'.encode()


# --- the weekly workflow -----------------------------------------------------------------------------


def test_workflow_runs_weekly_and_by_hand_never_on_pull_requests() -> None:
    import yaml

    from .conftest import REPO

    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "links.yml").read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert set(triggers) == {"schedule", "workflow_dispatch"}
    assert triggers["schedule"][0]["cron"].split()[2:] == ["*", "*", "1"]  # once a week
    steps = workflow["jobs"]["links"]["steps"]
    commands = "\n".join(step.get("run", "") for step in steps)
    assert "awesome-lora links" in commands and "--report" in commands
    assert "gh issue create" in commands and "exit 1" in commands
    assert workflow["permissions"] == {"contents": "read", "issues": "write"}
