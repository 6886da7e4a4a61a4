"""The HTTP layer against a real local server: headers, timeouts, retries, pacing and error mapping.

Nothing here touches the internet: every request goes to pytest-httpserver on 127.0.0.1 or to a closed
local port, and failures that need a real network (DNS) are raised from inside the adapter.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
from typing import Any

import pytest
import requests
from pytest_httpserver import HTTPServer
from urllib3.exceptions import MaxRetryError, NameResolutionError
from werkzeug import Request, Response

from awesome_lora import __version__
from awesome_lora.http import (
    DEFAULT_TIMEOUT,
    USER_AGENT,
    BadResponse,
    HostPacer,
    NetworkError,
    OfflineError,
    RequestTimeout,
    base_url_from_env,
    get,
    make_session,
)


class FakeClock:
    """A monotonic clock that only moves when told to, and a sleep that records instead of waiting."""

    def __init__(self, *, advance_on_sleep: bool = True) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self.advance_on_sleep = advance_on_sleep
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            if self.advance_on_sleep:
                self.now += seconds


def closed_port() -> int:
    """A local port nobody listens on (bound, then released), so connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def drain(httpserver: HTTPServer, requests_expected: int, deadline: float = 3.0) -> None:
    """Wait until the (single-threaded) server has handled requests a timed-out client gave up on.

    Otherwise a slow handler still running would answer during the next test and pollute its log.
    """
    end = time.monotonic() + deadline
    while len(httpserver.log) < requests_expected and time.monotonic() < end:
        time.sleep(0.02)


# --- the session -------------------------------------------------------------------------------------


def test_user_agent_names_the_project(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ua").respond_with_data("ok")
    get(make_session(retries=0), httpserver.url_for("/ua"))
    request, _ = httpserver.log[0]
    assert USER_AGENT in request.headers["User-Agent"]
    expected = f"awesome-lora/{__version__} (+https://github.com/awesome-lora/awesome-lora)"
    assert request.headers["User-Agent"] == expected


def test_custom_user_agent(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ua").respond_with_data("ok")
    get(make_session(user_agent="awesome-lora-tests/1", retries=0), httpserver.url_for("/ua"))
    assert httpserver.log[0][0].headers["User-Agent"] == "awesome-lora-tests/1"


def test_retry_policy_is_configured_for_http_and_https() -> None:
    session = make_session(retries=3, backoff=0.5)
    for scheme in ("http://", "https://"):
        retry = session.get_adapter(scheme + "example.org").max_retries
        assert retry.total == 3
        assert retry.backoff_factor == 0.5
        assert set(retry.status_forcelist) == {429, 500, 502, 503, 504}
        assert set(retry.allowed_methods) == {"GET", "HEAD"}
        assert retry.respect_retry_after_header is True
        assert retry.raise_on_status is False


def _spy_on_timeouts(session: requests.Session, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    seen: list[Any] = []
    adapter = session.get_adapter("http://127.0.0.1")
    real_send = adapter.send

    def send(request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        seen.append(kwargs.get("timeout"))
        return real_send(request, **kwargs)

    monkeypatch.setattr(adapter, "send", send)
    return seen


def test_default_timeout_is_applied_when_the_caller_gives_none(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request("/t").respond_with_data("ok")
    session = make_session(retries=0)
    seen = _spy_on_timeouts(session, monkeypatch)
    session.get(httpserver.url_for("/t"))
    session.get(httpserver.url_for("/t"), timeout=7)
    assert seen == [DEFAULT_TIMEOUT, 7]
    assert DEFAULT_TIMEOUT == (5.0, 30.0)


# --- retries and statuses ----------------------------------------------------------------------------


def test_429_with_retry_after_is_retried_after_waiting(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/busy").respond_with_data(
        "Rate exceeded.", status=429, headers={"Retry-After": "1"}
    )
    httpserver.expect_ordered_request("/busy").respond_with_data("ok")
    started = time.monotonic()
    response = get(make_session(retries=2, backoff=0.01), httpserver.url_for("/busy"))
    assert response.text == "ok"
    assert len(httpserver.log) == 2, "the 429 must have been retried"
    assert time.monotonic() - started >= 0.9, "Retry-After: 1 must be honoured"
    httpserver.check_assertions()


def test_repeated_500_gives_bad_response_after_the_retries(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/broken").respond_with_data("oops", status=500)
    url = httpserver.url_for("/broken")
    with pytest.raises(BadResponse) as caught:
        get(make_session(retries=2, backoff=0), url, params={"q": "x"})
    assert len(httpserver.log) == 3  # one attempt and two retries
    assert caught.value.status == 500
    assert "HTTP 500" in str(caught.value)
    assert caught.value.url == url + "?q=x"
    assert url + "?q=x" in str(caught.value)


def test_404_is_not_retried(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    with pytest.raises(BadResponse, match="HTTP 404") as caught:
        get(make_session(retries=3, backoff=0), httpserver.url_for("/gone"))
    assert len(httpserver.log) == 1
    assert caught.value.response is not None and caught.value.response.text == "no"


def test_exhausted_429_says_rate_limited(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/busy").respond_with_data("slow down", status=429)
    with pytest.raises(BadResponse, match="rate limited"):
        get(make_session(retries=1, backoff=0), httpserver.url_for("/busy"))
    assert len(httpserver.log) == 2


# --- failures before a status ------------------------------------------------------------------------


def _slow(request: Request) -> Response:
    time.sleep(0.25)
    return Response("late")


@pytest.mark.parametrize("retries", [0, 1], ids=["no-retry", "after-retries"])
def test_slow_endpoint_gives_request_timeout(httpserver: HTTPServer, retries: int) -> None:
    # With retries, requests wraps the read timeout in MaxRetryError/ConnectionError: still a timeout.
    httpserver.expect_request("/slow").respond_with_handler(_slow)
    session = make_session(retries=retries, backoff=0, timeout=(2, 0.05))
    url = httpserver.url_for("/slow")
    try:
        with pytest.raises(RequestTimeout, match="did not answer in time") as caught:
            get(session, url)
        assert not isinstance(caught.value, OfflineError)
        assert caught.value.url == url
    finally:
        drain(httpserver, retries + 1)
    assert len(httpserver.log) == retries + 1


@pytest.mark.parametrize("retries", [0, 2])
def test_connection_refused_gives_offline_error(retries: int) -> None:
    url = f"http://127.0.0.1:{closed_port()}/api/query"
    with pytest.raises(OfflineError) as caught:
        get(make_session(retries=retries, backoff=0), url)
    assert str(caught.value).startswith("cannot reach 127.0.0.1: are you offline?")
    assert caught.value.url == url
    assert isinstance(caught.value, NetworkError)


def _raise_from_adapter(session: requests.Session, monkeypatch: pytest.MonkeyPatch, exc: Exception) -> None:
    def send(request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        raise exc

    monkeypatch.setattr(session.get_adapter("http://example.invalid"), "send", send)


def test_dns_failure_gives_offline_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # What requests raises when the name does not resolve, built here so no DNS query is made.
    session = make_session(retries=0)
    url = "http://export.arxiv.invalid/api/query"
    reason = NameResolutionError("export.arxiv.invalid", None, "Name or service not known")  # type: ignore[arg-type]
    _raise_from_adapter(session, monkeypatch, requests.ConnectionError(MaxRetryError(None, url, reason)))  # type: ignore[arg-type]
    with pytest.raises(OfflineError, match=r"^cannot reach export\.arxiv\.invalid: are you offline\?"):
        get(session, url)


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead"), BadResponse),
        (requests.exceptions.ContentDecodingError("bad gzip"), BadResponse),
        (requests.exceptions.RetryError("too many 500 error responses"), BadResponse),
        (requests.exceptions.ConnectTimeout("connect timed out"), RequestTimeout),
        (requests.exceptions.SSLError("certificate verify failed"), NetworkError),
    ],
    ids=["chunked", "decoding", "retry", "connect-timeout", "ssl"],
)
def test_requests_exceptions_are_mapped(
    monkeypatch: pytest.MonkeyPatch, exc: Exception, expected: type[NetworkError]
) -> None:
    session = make_session(retries=0)
    _raise_from_adapter(session, monkeypatch, exc)
    with pytest.raises(NetworkError) as caught:
        get(session, "http://example.invalid/x")
    assert type(caught.value) is expected
    assert caught.value.url == "http://example.invalid/x"
    assert caught.value.__cause__ is exc


def test_undecodable_body_from_a_real_server_gives_bad_response(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gz").respond_with_data(
        b"this is not gzip", headers={"Content-Encoding": "gzip", "Content-Type": "application/atom+xml"}
    )
    with pytest.raises(BadResponse, match="broken response body"):
        get(make_session(retries=0), httpserver.url_for("/gz"))


def test_gzip_bodies_are_decoded(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gz").respond_with_data(gzip.compress(b"<feed/>"), headers={"Content-Encoding": "gzip"})
    assert get(make_session(retries=0), httpserver.url_for("/gz")).content == b"<feed/>"


# --- pacing ------------------------------------------------------------------------------------------


def test_pacer_spaces_requests_to_one_host() -> None:
    clock = FakeClock()
    pacer = HostPacer(3.0, clock=clock, sleep=clock.sleep)
    assert pacer.wait("http://export.arxiv.org/api/query?id_list=1") == 0
    assert pacer.wait("http://export.arxiv.org/api/query?id_list=2") == 3.0
    clock.now += 1.0  # a second of work after the second request
    assert pacer.wait("http://EXPORT.arxiv.org/other") == pytest.approx(2.0)
    assert clock.sleeps == [3.0, pytest.approx(2.0)]


def test_pacer_does_not_sleep_when_enough_time_passed_or_for_other_hosts() -> None:
    clock = FakeClock()
    pacer = HostPacer(3.0, clock=clock, sleep=clock.sleep)
    pacer.wait("http://export.arxiv.org/a")
    pacer.wait("https://api.github.com/repos/x/y")  # another host: its own schedule
    clock.now += 3.5
    pacer.wait("http://export.arxiv.org/b")
    assert clock.sleeps == []


def test_pacer_per_host_intervals() -> None:
    clock = FakeClock()
    pacer = HostPacer(0.0, per_host={"export.arxiv.org": 3.0}, clock=clock, sleep=clock.sleep)
    for _ in range(2):
        pacer.wait("https://api.github.com/x")
        pacer.wait("http://export.arxiv.org/x")
    assert clock.sleeps == [3.0]


def test_pacer_is_thread_safe() -> None:
    # Threads arriving together each get their own slot: 0, 3, 6, 9 seconds later; none share one.
    clock = FakeClock(advance_on_sleep=False)
    pacer = HostPacer(3.0, clock=clock, sleep=clock.sleep)
    barrier = threading.Barrier(4)

    def worker() -> None:
        barrier.wait()
        pacer.wait("http://export.arxiv.org/api/query")

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(clock.sleeps) == [3.0, 6.0, 9.0]


def test_get_waits_for_the_pacer_before_each_request(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p").respond_with_data("ok")
    clock = FakeClock()
    pacer = HostPacer(3.0, clock=clock, sleep=clock.sleep)
    session = make_session(retries=0)
    get(session, httpserver.url_for("/p"), pacer=pacer)
    get(session, httpserver.url_for("/p"), pacer=pacer)
    assert clock.sleeps == [3.0]
    assert len(httpserver.log) == 2


# --- base URLs ---------------------------------------------------------------------------------------


def test_base_url_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWESOME_LORA_TEST_API", raising=False)
    assert base_url_from_env("AWESOME_LORA_TEST_API", "https://api.example.org/q") == "https://api.example.org/q"
    monkeypatch.setenv("AWESOME_LORA_TEST_API", " http://127.0.0.1:8080/q ")
    assert base_url_from_env("AWESOME_LORA_TEST_API", "https://api.example.org/q") == "http://127.0.0.1:8080/q"
    monkeypatch.setenv("AWESOME_LORA_TEST_API", "127.0.0.1:8080/q")
    with pytest.raises(ValueError, match=r"\$AWESOME_LORA_TEST_API must be an http\(s\) URL"):
        base_url_from_env("AWESOME_LORA_TEST_API", "https://api.example.org/q")
