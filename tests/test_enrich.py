"""Enrichment against a real local server replaying GitHub's and Semantic Scholar's answers.

tests/fixtures/github/ and tests/fixtures/semanticscholar/ hold bodies in the APIs' own formats. Both
clients are pointed at pytest-httpserver through their base-URL variables; nothing touches the internet.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from awesome_lora import github as github_module
from awesome_lora import semanticscholar as s2_module
from awesome_lora.enrich import run_enrich
from awesome_lora.enrichment import (
    ENRICHMENT_FILE,
    FORMAT_VERSION,
    Enrichment,
    EnrichmentError,
    PaperData,
    RepoData,
    load_enrichment,
)
from awesome_lora.github import GitHubClient, RateLimited, RepoNotFound
from awesome_lora.http import USER_AGENT, BadResponse, HostPacer, make_session
from awesome_lora.repourl import parse_repo_url, repo_key
from awesome_lora.semanticscholar import SemanticScholarClient

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = dt.date(2026, 11, 23)
DORA_ETAG = 'W/"9f3b1c0e5d2a4b6c8e7f0a1b2c3d4e5f"'
S2_PATH = "/graph/v1/paper/batch"


def github_fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / "github" / name).read_text(encoding="utf-8"))


def s2_fixture(name: str) -> Any:
    return json.loads((FIXTURES / "semanticscholar" / name).read_text(encoding="utf-8"))


# What Semantic Scholar knows, by id: the fixture's answers, keyed by the ids they answered.
S2_KNOWN = dict(
    zip(
        ["ARXIV:2106.09685", "ARXIV:2402.09353", "ARXIV:2401.99999"],
        s2_fixture("batch_lora_dora_unknown.json"),
        strict=True,
    )
)


def s2_handler(request: Request) -> Response:
    """Semantic Scholar's batch endpoint: a list aligned with the ids asked for, null where unknown."""
    ids = request.get_json()["ids"]
    return Response(json.dumps([S2_KNOWN.get(paper_id) for paper_id in ids]), content_type="application/json")


def rate_headers(remaining: int = 59, reset: int = 1795410000) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": "60",
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(reset),
        "X-RateLimit-Used": str(60 - remaining),
        "X-RateLimit-Resource": "core",
    }


def serve_repo(httpserver: HTTPServer, path: str, body: dict[str, Any], etag: str, remaining: int = 59) -> None:
    """The repository at ``path``: 304 when the request's If-None-Match is ``etag``, else 200 with it."""

    def handler(request: Request) -> Response:
        headers = {"ETag": etag, "Cache-Control": "public, max-age=60, s-maxage=60", **rate_headers(remaining)}
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers=headers)
        return Response(json.dumps(body), headers=headers, content_type="application/json; charset=utf-8")

    httpserver.expect_request(path, method="GET").respond_with_handler(handler)


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("S2_API_KEY", raising=False)


@pytest.fixture
def apis(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> HTTPServer:
    """Both APIs on the local server, via their base-URL variables."""
    monkeypatch.setenv(github_module.API_ENV, httpserver.url_for("/github"))
    monkeypatch.setenv(s2_module.API_ENV, httpserver.url_for("/s2"))
    return httpserver


@pytest.fixture
def records(write_record: Callable[..., Path]) -> None:
    """Three papers: DoRA and LoRA with GitHub code, and one arXiv id Semantic Scholar does not know."""
    write_record("dora")
    write_record("lora", title="LoRA", arxiv="2106.09685", code=["https://github.com/microsoft/LoRA/tree/main/loralib"])
    write_record("unknown-paper", title="Unknown", arxiv="2401.99999", code=None)


def github_client(httpserver: HTTPServer, token: str | None = None) -> GitHubClient:
    return GitHubClient(make_session(retries=0), base_url=httpserver.url_for("/github"), token=token)


def requests_to(httpserver: HTTPServer, prefix: str) -> list[Request]:
    return [request for request, _ in httpserver.log if request.path.startswith(prefix)]


def enrich_quietly(root: Path, **options: Any) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    options.setdefault("cache", False)
    options.setdefault("today", TODAY)
    status = run_enrich(root, out=out, err=err, **options)
    return status, out.getvalue(), err.getvalue()


# --- GitHub ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/NVlabs/DoRA", ("NVlabs", "DoRA")),
        ("https://github.com/NVlabs/DoRA/", ("NVlabs", "DoRA")),
        ("https://www.github.com/microsoft/LoRA/tree/main/loralib", ("microsoft", "LoRA")),
        ("http://github.com/artidoro/qlora.git", ("artidoro", "qlora")),
        ("https://github.com/NVlabs", None),
        ("https://github.com/orgs/NVlabs/repositories", None),
        ("https://gitlab.com/NVlabs/DoRA", None),
        ("https://huggingface.co/papers/2402.09353", None),
    ],
)
def test_parse_repo_url(url: str, expected: tuple[str, str] | None) -> None:
    assert parse_repo_url(url) == expected
    assert repo_key(url) == (f"github.com/{expected[0]}/{expected[1]}" if expected else None)


def test_repository_from_the_rest_api(httpserver: HTTPServer) -> None:
    serve_repo(httpserver, "/github/repos/NVlabs/DoRA", github_fixture("repo_nvlabs_dora.json"), DORA_ETAG)
    client = github_client(httpserver)
    repository = client.repository("NVlabs", "DoRA")
    assert repository is not None
    assert repository.full_name == "NVlabs/DoRA"
    assert repository.stars == 812
    assert repository.archived is False
    assert repository.pushed_at == "2025-01-09"
    assert repository.etag == DORA_ETAG
    assert client.remaining == 59
    assert client.reset == dt.datetime(2026, 11, 23, 5, 0, tzinfo=dt.UTC)
    request = httpserver.log[0][0]
    assert request.headers["Accept"] == "application/vnd.github+json"
    assert request.headers["X-GitHub-Api-Version"] == "2022-11-28"
    assert request.headers["User-Agent"] == USER_AGENT
    assert "Authorization" not in request.headers
    assert "If-None-Match" not in request.headers


def test_archived_repository(httpserver: HTTPServer) -> None:
    body = github_fixture("repo_archived.json")
    serve_repo(httpserver, "/github/repos/example-lab/old-lora-toolkit", body, '"abc"')
    repository = github_client(httpserver).repository("example-lab", "old-lora-toolkit")
    assert repository is not None and repository.archived is True
    assert repository.pushed_at == "2023-09-30"


def test_token_is_sent_as_bearer_when_set(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_exampleexampleexample")
    serve_repo(httpserver, "/github/repos/NVlabs/DoRA", github_fixture("repo_nvlabs_dora.json"), DORA_ETAG)
    GitHubClient(make_session(retries=0), base_url=httpserver.url_for("/github")).repository("NVlabs", "DoRA")
    assert httpserver.log[0][0].headers["Authorization"] == "Bearer ghp_exampleexampleexample"


def test_conditional_request_returns_none_when_not_modified(httpserver: HTTPServer) -> None:
    serve_repo(httpserver, "/github/repos/NVlabs/DoRA", github_fixture("repo_nvlabs_dora.json"), DORA_ETAG)
    assert github_client(httpserver).repository("NVlabs", "DoRA", etag=DORA_ETAG) is None
    assert httpserver.log[0][0].headers["If-None-Match"] == DORA_ETAG
    assert httpserver.log[0][1].status_code == 304


def test_missing_repository(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/github/repos/NVlabs/gone").respond_with_json(
        github_fixture("not_found.json"), status=404, headers=rate_headers()
    )
    with pytest.raises(RepoNotFound, match=r"GitHub has no repository NVlabs/gone \(HTTP 404\)"):
        github_client(httpserver).repository("NVlabs", "gone")


@pytest.mark.parametrize("status", [403, 429])
def test_exhausted_rate_limit(httpserver: HTTPServer, status: int) -> None:
    httpserver.expect_request("/github/repos/NVlabs/DoRA").respond_with_json(
        github_fixture("rate_limited.json"), status=status, headers=rate_headers(remaining=0)
    )
    with pytest.raises(RateLimited, match="rate limit is exhausted; it resets at 05:00 UTC") as caught:
        github_client(httpserver).repository("NVlabs", "DoRA")
    assert "set GITHUB_TOKEN" in str(caught.value)
    assert caught.value.reset == dt.datetime(2026, 11, 23, 5, 0, tzinfo=dt.UTC)
    assert len(httpserver.log) == 1, "an exhausted limit is not retried"


def test_forbidden_without_rate_limit_is_a_bad_response(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/github/repos/NVlabs/DoRA").respond_with_json(
        {"message": "Repository access blocked"}, status=403, headers=rate_headers()
    )
    with pytest.raises(BadResponse, match="HTTP 403 for NVlabs/DoRA: Repository access blocked"):
        github_client(httpserver).repository("NVlabs", "DoRA")


def test_default_github_session_does_not_retry_429() -> None:
    retry = GitHubClient(token="").session.get_adapter("https://api.github.com").max_retries
    assert 429 not in retry.status_forcelist
    assert 503 in retry.status_forcelist


# --- Semantic Scholar --------------------------------------------------------------------------------


def s2_client(httpserver: HTTPServer, **options: Any) -> SemanticScholarClient:
    options.setdefault("pacer", HostPacer(0.0))
    return SemanticScholarClient(make_session(retries=0), base_url=httpserver.url_for("/s2"), **options)


def test_batch_with_an_unknown_paper(httpserver: HTTPServer) -> None:
    httpserver.expect_request(S2_PATH.replace("/graph", "/s2/graph"), method="POST").respond_with_json(
        s2_fixture("batch_lora_dora_unknown.json")
    )
    found = s2_client(httpserver).arxiv_papers(["2106.09685", "2402.09353", "2401.99999"])
    assert set(found) == {"2106.09685", "2402.09353"}
    assert found["2106.09685"].citations == 13250
    assert found["2106.09685"].venue == "International Conference on Learning Representations"
    assert found["2402.09353"].paper_id == "da053e2a4ba1b244940c8f2cad5dcdf0d730f85f"
    request = httpserver.log[0][0]
    assert request.get_json() == {"ids": ["ARXIV:2106.09685", "ARXIV:2402.09353", "ARXIV:2401.99999"]}
    assert request.args["fields"] == "venue,citationCount"
    assert "x-api-key" not in request.headers


def test_ids_are_sent_in_batches(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/s2" + S2_PATH, method="POST").respond_with_handler(s2_handler)
    found = s2_client(httpserver, batch_size=2).arxiv_papers(["2106.09685", "2402.09353", "2401.99999"])
    assert sorted(found) == ["2106.09685", "2402.09353"]
    bodies = [request.get_json() for request, _ in httpserver.log]
    assert bodies == [{"ids": ["ARXIV:2106.09685", "ARXIV:2402.09353"]}, {"ids": ["ARXIV:2401.99999"]}]


def test_batch_size_is_limited_to_500() -> None:
    with pytest.raises(ValueError, match="between 1 and 500"):
        SemanticScholarClient(batch_size=501)


def test_api_key_header(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("S2_API_KEY", "s2-key")
    httpserver.expect_request("/s2" + S2_PATH, method="POST").respond_with_handler(s2_handler)
    s2_client(httpserver).arxiv_papers(["2106.09685"])
    assert httpserver.log[0][0].headers["x-api-key"] == "s2-key"


def test_answer_not_aligned_with_the_ids_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/s2" + S2_PATH, method="POST").respond_with_json([None])
    with pytest.raises(BadResponse, match="1 entries for 2 ids"):
        s2_client(httpserver).arxiv_papers(["2106.09685", "2402.09353"])


def test_bad_ids_give_bad_response(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/s2" + S2_PATH, method="POST").respond_with_json(
        s2_fixture("batch_bad_ids.json"), status=400
    )
    with pytest.raises(BadResponse, match="HTTP 400") as caught:
        s2_client(httpserver).arxiv_papers(["2106.09685"])
    assert caught.value.status == 400


def test_default_session_retries_the_batch_post_after_429(httpserver: HTTPServer) -> None:
    # The default client's session retries POST (the batch endpoint only reads); Retry-After: 0 = no wait.
    httpserver.expect_ordered_request("/s2" + S2_PATH, method="POST").respond_with_json(
        {"message": "Too Many Requests"}, status=429, headers={"Retry-After": "0"}
    )
    httpserver.expect_ordered_request("/s2" + S2_PATH, method="POST").respond_with_handler(s2_handler)
    client = SemanticScholarClient(base_url=httpserver.url_for("/s2"), pacer=HostPacer(0.0))
    assert set(client.arxiv_papers(["2106.09685"])) == {"2106.09685"}
    assert len(httpserver.log) == 2


# --- the enrichment file -----------------------------------------------------------------------------


def sample() -> Enrichment:
    return Enrichment(
        papers={
            "lora": PaperData(citations=13250, s2_venue="ICLR", fetched="2026-11-23"),
            "dora": PaperData(citations=None, s2_venue=None, fetched="2026-11-22"),
        },
        repositories={
            "github.com/NVlabs/DoRA": RepoData("NVlabs/DoRA", 812, False, "2025-01-09", DORA_ETAG, "2026-11-23"),
            "github.com/example-lab/old": RepoData("example-lab/old", 3, True, None, None, "2026-11-23"),
        },
    )


def test_enrichment_json_is_deterministic_and_round_trips() -> None:
    text = sample().to_json()
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert list(json.loads(text)) == ["format_version", "papers", "repositories"]
    assert json.loads(text)["format_version"] == FORMAT_VERSION
    again = Enrichment.from_json(text)
    assert again == sample()
    assert again.to_json() == text
    # Insertion order does not matter: the same content gives the same bytes.
    reversed_order = Enrichment(dict(reversed(sample().papers.items())), dict(reversed(sample().repositories.items())))
    assert reversed_order.to_json() == text


def test_lookups_by_code_url_and_paper_id() -> None:
    enrichment = sample()
    assert enrichment.stars("https://github.com/NVlabs/DoRA") == 812
    assert enrichment.stars("https://github.com/nvlabs/dora/tree/main/commonsense_reasoning") == 812
    assert enrichment.archived("https://github.com/example-lab/old") is True
    assert enrichment.archived("https://github.com/NVlabs/DoRA") is False
    assert enrichment.pushed_at("https://github.com/NVlabs/DoRA") == "2025-01-09"
    assert enrichment.stars("https://github.com/someone/else") is None
    assert enrichment.archived("https://openreview.net/forum?id=x") is False
    assert enrichment.citations("lora") == 13250
    assert enrichment.citations("dora") is None
    assert enrichment.citations("nope") is None
    assert enrichment.s2_venue("lora") == "ICLR"


def test_missing_file_is_empty(tmp_path: Path) -> None:
    enrichment = load_enrichment(tmp_path)
    assert enrichment == Enrichment()
    assert enrichment.stars("https://github.com/NVlabs/DoRA") is None
    assert enrichment.citations("dora") is None


def test_damaged_file_says_so(tmp_path: Path) -> None:
    path = tmp_path / ENRICHMENT_FILE
    path.parent.mkdir()
    path.write_text('{"format_version": 1, "papers": ', encoding="utf-8")
    with pytest.raises(EnrichmentError, match=r"data/enrichment\.json: not valid JSON"):
        load_enrichment(tmp_path)
    path.write_text('{"format_version": 99, "papers": {}, "repositories": {}}', encoding="utf-8")
    with pytest.raises(EnrichmentError, match="format_version 99"):
        load_enrichment(tmp_path)
    path.write_text('{"format_version": 1, "papers": {"x": {"stars": 1}}}', encoding="utf-8")
    with pytest.raises(EnrichmentError, match="unexpected content"):
        load_enrichment(tmp_path)


# --- run_enrich end to end ---------------------------------------------------------------------------


def serve_apis(httpserver: HTTPServer, *, lora_remaining: int = 58) -> None:
    serve_repo(httpserver, "/github/repos/NVlabs/DoRA", github_fixture("repo_nvlabs_dora.json"), DORA_ETAG)
    lora = {**github_fixture("repo_nvlabs_dora.json"), "full_name": "microsoft/LoRA", "stargazers_count": 11000}
    serve_repo(httpserver, "/github/repos/microsoft/LoRA", lora, '"lora-etag"', remaining=lora_remaining)
    httpserver.expect_request("/s2" + S2_PATH, method="POST").respond_with_handler(s2_handler)


def test_run_enrich_writes_the_file(apis: HTTPServer, project: Path, records: None) -> None:
    serve_apis(apis)
    status, out, err = enrich_quietly(project)
    assert status == 0, err
    data = json.loads((project / ENRICHMENT_FILE).read_text(encoding="utf-8"))
    assert data == {
        "format_version": 1,
        "papers": {
            "dora": {
                "citations": 812,
                "s2_venue": "International Conference on Machine Learning",
                "fetched": "2026-11-23",
            },
            "lora": {
                "citations": 13250,
                "s2_venue": "International Conference on Learning Representations",
                "fetched": "2026-11-23",
            },
        },
        "repositories": {
            "github.com/NVlabs/DoRA": {
                "full_name": "NVlabs/DoRA",
                "stars": 812,
                "archived": False,
                "pushed_at": "2025-01-09",
                "etag": DORA_ETAG,
                "fetched": "2026-11-23",
            },
            "github.com/microsoft/LoRA": {
                "full_name": "microsoft/LoRA",
                "stars": 11000,
                "archived": False,
                "pushed_at": "2025-01-09",
                "etag": '"lora-etag"',
                "fetched": "2026-11-23",
            },
        },
    }
    assert "2 repositories (2 updated, 0 unchanged" in out
    assert "1 unknown to Semantic Scholar" in out
    # One POST for all three papers, sorted.
    [s2_request] = requests_to(apis, "/s2")
    assert s2_request.get_json() == {"ids": ["ARXIV:2106.09685", "ARXIV:2401.99999", "ARXIV:2402.09353"]}
    assert load_enrichment(project).stars("https://github.com/microsoft/LoRA/tree/main/loralib") == 11000


def test_second_run_sends_the_etag_and_keeps_the_data_on_304(apis: HTTPServer, project: Path, records: None) -> None:
    serve_apis(apis)
    assert enrich_quietly(project)[0] == 0
    first = json.loads((project / ENRICHMENT_FILE).read_text(encoding="utf-8"))
    apis.clear_log()
    status, out, _ = enrich_quietly(project, today=TODAY + dt.timedelta(days=1))
    assert status == 0
    conditional = {request.path: request.headers.get("If-None-Match") for request in requests_to(apis, "/github")}
    assert conditional == {"/github/repos/NVlabs/DoRA": DORA_ETAG, "/github/repos/microsoft/LoRA": '"lora-etag"'}
    assert all(response.status_code == 304 for request, response in apis.log if request.path.startswith("/github"))
    second = json.loads((project / ENRICHMENT_FILE).read_text(encoding="utf-8"))
    for key, repository in first["repositories"].items():
        assert second["repositories"][key] == {**repository, "fetched": "2026-11-24"}
    assert "0 updated, 2 unchanged" in out


def test_missing_repository_is_reported_where_the_link_is(apis: HTTPServer, project: Path, records: None) -> None:
    serve_repo(apis, "/github/repos/NVlabs/DoRA", github_fixture("repo_nvlabs_dora.json"), DORA_ETAG)
    apis.expect_request("/github/repos/microsoft/LoRA").respond_with_json(github_fixture("not_found.json"), status=404)
    apis.expect_request("/s2" + S2_PATH, method="POST").respond_with_handler(s2_handler)
    status, _, err = enrich_quietly(project)
    assert status == 0
    line = (project / "papers" / "lora.yaml").read_text().splitlines().index(
        "- https://github.com/microsoft/LoRA/tree/main/loralib"
    ) + 1
    assert f"papers/lora.yaml:{line}: code[0]: GitHub has no repository microsoft/LoRA (HTTP 404)" in err
    assert list(load_enrichment(project).repositories) == ["github.com/NVlabs/DoRA"]


def test_renamed_repository_is_reported(apis: HTTPServer, project: Path, write_record: Callable[..., Path]) -> None:
    write_record("dora", code=["https://github.com/nbasyl/DoRA"])
    serve_repo(apis, "/github/repos/nbasyl/DoRA", github_fixture("repo_nvlabs_dora.json"), DORA_ETAG)
    apis.expect_request("/s2" + S2_PATH, method="POST").respond_with_handler(s2_handler)
    status, _, err = enrich_quietly(project)
    assert status == 0
    assert "papers/dora.yaml:" in err and "nbasyl/DoRA was renamed to NVlabs/DoRA; update the link" in err
    assert load_enrichment(project).stars("https://github.com/nbasyl/DoRA") == 812


def test_rate_limit_stops_cleanly_and_keeps_what_was_fetched(apis: HTTPServer, project: Path, records: None) -> None:
    # A previous run knew LoRA; this run gets DoRA, then the limit is exhausted.
    previous = Enrichment(
        repositories={
            "github.com/microsoft/LoRA": RepoData("microsoft/LoRA", 10000, False, "2024-01-01", '"old"', "2026-11-01")
        }
    )
    (project / "data").mkdir()
    (project / ENRICHMENT_FILE).write_text(previous.to_json(), encoding="utf-8")
    serve_repo(apis, "/github/repos/NVlabs/DoRA", github_fixture("repo_nvlabs_dora.json"), DORA_ETAG)
    apis.expect_request("/github/repos/microsoft/LoRA").respond_with_json(
        github_fixture("rate_limited.json"), status=403, headers=rate_headers(remaining=0)
    )
    apis.expect_request("/s2" + S2_PATH, method="POST").respond_with_handler(s2_handler)
    status, out, err = enrich_quietly(project)
    assert status == 1
    assert "rate limit is exhausted" in err and "Stopped early" in err
    enrichment = load_enrichment(project)
    assert enrichment.stars("https://github.com/NVlabs/DoRA") == 812  # fetched before the limit
    assert enrichment.repositories["github.com/microsoft/LoRA"].fetched == "2026-11-01"  # kept as it was
    assert enrichment.citations("lora") == 13250
    assert "1 kept from before" in out


def test_rate_limit_reached_on_a_success_stops_before_the_next_request(
    apis: HTTPServer, project: Path, records: None
) -> None:
    serve_apis(apis, lora_remaining=0)
    # Oldest first: neither was fetched before, so by key: github.com/microsoft/lora, then nvlabs/dora.
    status, _, err = enrich_quietly(project)
    assert status == 1
    assert [request.path for request in requests_to(apis, "/github")] == ["/github/repos/microsoft/LoRA"]
    assert "resets at 05:00 UTC" in err


def test_offline_writes_nothing(project: Path, records: None, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv(github_module.API_ENV, f"http://127.0.0.1:{port}")
    monkeypatch.setenv(s2_module.API_ENV, f"http://127.0.0.1:{port}")
    status, _, err = enrich_quietly(project)
    assert status == 1
    assert "are you offline?" in err and "nothing was written" in err
    assert not (project / "data").exists()
    # With a file from before: it stays byte for byte, and no temporary file is left beside it.
    (project / "data").mkdir()
    before = sample().to_json()
    (project / ENRICHMENT_FILE).write_text(before, encoding="utf-8")
    assert enrich_quietly(project)[0] == 1
    assert (project / ENRICHMENT_FILE).read_text(encoding="utf-8") == before
    assert [path.name for path in (project / "data").iterdir()] == ["enrichment.json"]


def test_server_error_writes_nothing(apis: HTTPServer, project: Path, records: None) -> None:
    serve_repo(apis, "/github/repos/NVlabs/DoRA", github_fixture("repo_nvlabs_dora.json"), DORA_ETAG)
    serve_repo(apis, "/github/repos/microsoft/LoRA", github_fixture("repo_nvlabs_dora.json"), '"x"')
    apis.expect_request("/s2" + S2_PATH, method="POST").respond_with_json({"message": "Internal"}, status=500)
    s2 = SemanticScholarClient(make_session(retries=0), pacer=HostPacer(0.0))
    status, _, err = enrich_quietly(project, s2=s2)
    assert status == 1
    assert "HTTP 500" in err and "nothing was written" in err
    assert not (project / ENRICHMENT_FILE).exists()


def test_unchanged_result_leaves_the_file_alone(apis: HTTPServer, project: Path, records: None) -> None:
    serve_apis(apis)
    enrich_quietly(project)
    path = project / ENRICHMENT_FILE
    before = path.stat().st_mtime_ns
    status, out, _ = enrich_quietly(project)
    assert status == 0
    assert "file unchanged" in out
    assert path.stat().st_mtime_ns == before


def test_damaged_previous_file_is_regenerated(apis: HTTPServer, project: Path, records: None) -> None:
    serve_apis(apis)
    (project / "data").mkdir()
    (project / ENRICHMENT_FILE).write_text("{not json", encoding="utf-8")
    status, _, err = enrich_quietly(project)
    assert status == 0
    assert "not valid JSON" in err and "starting afresh" in err
    assert load_enrichment(project).stars("https://github.com/NVlabs/DoRA") == 812


def test_http_cache_answers_a_second_run_without_requests(apis: HTTPServer, project: Path, records: None) -> None:
    pytest.importorskip("requests_cache")
    serve_apis(apis)
    assert enrich_quietly(project, cache=True)[0] == 0
    assert (project / ".cache" / "awesome-lora" / "http-cache.sqlite").is_file()
    requests_made = len(apis.log)
    assert requests_made == 3  # two repositories, one batch
    assert enrich_quietly(project, cache=True)[0] == 0
    assert len(apis.log) == requests_made, "a second run within the age must be answered from the cache"
    # refresh: every entry is revalidated; GitHub's answers 304 to the stored ETag.
    enrich_quietly(project, cache=True, refresh=True)
    revalidations = [request.headers.get("If-None-Match") for request in requests_to(apis, "/github")[2:]]
    assert sorted(revalidations) == sorted([DORA_ETAG, '"lora-etag"'])


def test_without_requests_cache_the_run_still_works(
    apis: HTTPServer, project: Path, records: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("awesome_lora.enrich.cache_available", lambda: False)
    serve_apis(apis)
    status, _, err = enrich_quietly(project, cache=True)
    assert status == 0
    assert "no HTTP cache" in err
    assert not (project / ".cache").exists()


def test_records_with_errors_are_not_enriched(
    apis: HTTPServer, project: Path, write_record: Callable[..., Path]
) -> None:
    write_record("dora", text="id: dora\ntitle: [unclosed\n")
    status, _, err = enrich_quietly(project)
    assert status == 1
    assert "fix them first" in err
    assert len(apis.log) == 0
