"""The arXiv client against a local server replaying arXiv's Atom answers (tests/fixtures/arxiv/).

Each of arXiv's quirks from NOTES.md has a test: entries out of order, ``max_results`` defaulting to 10,
unknown ids (empty feed, sometimes with totalResults 1), the ``Error`` fake entry, HTTP 400, versioned and
old-style ids, and the 3-second spacing between requests.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from awesome_lora.arxiv import (
    API_ENV,
    DEFAULT_API,
    ArxivClient,
    ArxivEntry,
    ArxivIdError,
    ArxivNotFound,
    normalize_arxiv_id,
    parse_arxiv_id,
    parse_feed,
)
from awesome_lora.http import BadResponse, HostPacer, NetworkError, make_session

from .test_http import FakeClock

FIXTURES = Path(__file__).parent / "fixtures" / "arxiv"
PATH = "/api/query"
ATOM = "application/atom+xml; charset=utf-8"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def client(httpserver: HTTPServer) -> ArxivClient:
    """A client on the local server, with retries that do not wait and a pacer that never sleeps."""
    return ArxivClient(
        session=make_session(retries=1, backoff=0),
        base_url=httpserver.url_for(PATH),
        pacer=HostPacer(0.0),
    )


def serve(httpserver: HTTPServer, name: str, status: int = 200) -> None:
    httpserver.expect_request(PATH).respond_with_data(fixture(name), status=status, content_type=ATOM)


def queries(httpserver: HTTPServer) -> list[dict[str, str]]:
    return [dict(request.args) for request, _ in httpserver.log]


# --- ids ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2402.09353", "2402.09353"),
        ("2402.09353v2", "2402.09353"),
        (" arXiv:2402.09353 ", "2402.09353"),
        ("arxiv:2402.09353v12", "2402.09353"),
        ("https://arxiv.org/abs/2402.09353v2", "2402.09353"),
        ("https://arxiv.org/pdf/2402.09353.pdf", "2402.09353"),
        ("https://arxiv.org/pdf/2402.09353v3", "2402.09353"),
        ("http://browse.arxiv.org/pdf/2305.10037.pdf", "2305.10037"),
        ("https://www.arxiv.org/abs/2106.09685/", "2106.09685"),
        ("https://arxiv.org/abs/2106.09685?context=cs", "2106.09685"),
        ("0706.1234", "0706.1234"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("hep-th/9901001v3", "hep-th/9901001"),
        ("math.GT/0309136", "math.GT/0309136"),
        ("https://arxiv.org/abs/hep-th/9901001v1", "hep-th/9901001"),
        ("https://arxiv.org/pdf/math.GT/0309136v2.pdf", "math.GT/0309136"),
    ],
)
def test_normalize_arxiv_id(text: str, expected: str) -> None:
    assert normalize_arxiv_id(text) == expected


def test_parse_arxiv_id_keeps_the_version() -> None:
    assert parse_arxiv_id("https://arxiv.org/abs/2402.09353v2") == ("2402.09353", 2)
    assert parse_arxiv_id("hep-th/9901001") == ("hep-th/9901001", None)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2402",
        "2402.093",
        "2402.093531",
        "2402.09353v0",
        "2402.09353v",
        "HEP-TH/9901001",
        "hep-th/990100",
        "10.48550/arXiv.2402.09353",
        "arxiv.org/abs/2402.09353",
        "https://example.org/abs/2402.09353",
        "https://arxiv.org.evil.example/abs/2402.09353",
        "https://arxiv.org/list/cs.LG",
        "ftp://arxiv.org/abs/2402.09353",
        "DoRA: Weight-Decomposed Low-Rank Adaptation",
    ],
)
def test_normalize_rejects_what_is_not_an_arxiv_id(text: str) -> None:
    with pytest.raises(ValueError, match=r"arXiv id|arxiv\.org") as caught:
        normalize_arxiv_id(text)
    assert isinstance(caught.value, ArxivIdError)
    assert caught.value.arxiv_id == text
    assert repr(text) in str(caught.value)


# --- parsing -----------------------------------------------------------------------------------------


def test_fetch_indexes_entries_by_id_not_position(client: ArxivClient, httpserver: HTTPServer) -> None:
    serve(httpserver, "lora_dora_qlora.xml")  # answers QLoRA, DoRA, LoRA
    entries = client.fetch(["2106.09685", "2402.09353", "2305.14314"])
    assert queries(httpserver) == [{"id_list": "2106.09685,2402.09353,2305.14314", "start": "0", "max_results": "3"}]
    assert list(entries) == ["2305.14314", "2402.09353", "2106.09685"]  # the server's order, keyed by id
    assert entries["2106.09685"].title == "LoRA: Low-Rank Adaptation of Large Language Models"
    assert entries["2402.09353"].title == "DoRA: Weight-Decomposed Low-Rank Adaptation"
    assert entries["2305.14314"].title == "QLoRA: Efficient Finetuning of Quantized LLMs"


def test_entry_fields(client: ArxivClient, httpserver: HTTPServer) -> None:
    serve(httpserver, "lora_dora_qlora.xml")
    entries = client.fetch(["2106.09685", "2402.09353", "2305.14314"])
    dora = entries["2402.09353"]
    assert dora == ArxivEntry(
        arxiv_id="2402.09353",
        version=2,
        title="DoRA: Weight-Decomposed Low-Rank Adaptation",
        authors=[
            "Shih-Yang Liu",
            "Chien-Yi Wang",
            "Hongxu Yin",
            "Pavlo Molchanov",
            "Yu-Chiang Frank Wang",
            "Kwang-Ting Cheng",
            "Min-Hung Chen",
        ],
        published=dt.date(2024, 2, 14),
        updated=dt.date(2024, 2, 27),
        summary="Among the widely used parameter-efficient fine-tuning (PEFT) methods, LoRA and its variants "
        "have gained considerable popularity because of avoiding additional inference costs.",
        journal_ref=None,
        doi=None,
        primary_category="cs.CL",
        abs_url="https://arxiv.org/abs/2402.09353v2",
        pdf_url="https://arxiv.org/pdf/2402.09353v2",
    )
    assert dora.date == "2024-02"
    hash(dora)  # frozen entries can go in sets
    lora = entries["2106.09685"]
    assert lora.authors == [
        "Edward J. Hu",
        "Yelong Shen",
        "Phillip Wallis",
        "Zeyuan Allen-Zhu",
        "Yuanzhi Li",
        "Shean Wang",
        "Lu Wang",
        "Weizhu Chen",
    ]
    assert (lora.published, lora.date, lora.version) == (dt.date(2021, 6, 17), "2021-06", 2)
    assert (lora.journal_ref, lora.doi) == (None, None)
    qlora = entries["2305.14314"]
    assert qlora.authors == ["Tim Dettmers", "Artidoro Pagnoni", "Ari Holtzman", "Luke Zettlemoyer"]
    assert (qlora.published, qlora.updated, qlora.version) == (dt.date(2023, 5, 23), dt.date(2023, 5, 23), 1)
    assert qlora.primary_category == "cs.LG"


def test_old_style_id(client: ArxivClient, httpserver: HTTPServer) -> None:
    serve(httpserver, "old_style.xml")
    entry = client.fetch_one("arXiv:hep-th/9901001v1")
    assert queries(httpserver)[0]["id_list"] == "hep-th/9901001"
    assert (entry.arxiv_id, entry.version) == ("hep-th/9901001", 1)
    assert entry.title == "A Placeholder Title for an Old-Style Identifier"
    assert entry.journal_ref == "Example J. Phys. 1 (1999) 1-12"
    assert entry.doi == "10.0000/example.9901001"
    assert entry.primary_category == "hep-th"
    assert entry.authors == ["A. N. Author", "B. Coauthor"]  # the affiliation is not a name
    assert entry.published == dt.date(1999, 1, 1)
    assert entry.pdf_url == "https://arxiv.org/pdf/hep-th/9901001v1"


def test_modern_layout_with_https_ids(client: ArxivClient, httpserver: HTTPServer) -> None:
    serve(httpserver, "modern_layout.xml")
    entry = client.fetch_one("2106.09685")
    assert (entry.arxiv_id, entry.version, entry.date) == ("2106.09685", 2, "2021-06")
    assert entry.primary_category == "cs.CL"
    assert entry.abs_url == "https://arxiv.org/abs/2106.09685v2"


def test_versioned_and_url_inputs_are_sent_bare(client: ArxivClient, httpserver: HTTPServer) -> None:
    serve(httpserver, "lora_dora_qlora.xml")
    entries = client.fetch(
        [
            "2402.09353v2",
            "https://arxiv.org/abs/2106.09685v1",
            "arXiv:2305.14314",
            "https://arxiv.org/pdf/2402.09353.pdf",
        ]
    )
    assert queries(httpserver)[0]["id_list"] == "2402.09353,2106.09685,2305.14314"  # bare, no duplicates
    assert queries(httpserver)[0]["max_results"] == "3"
    assert set(entries) == {"2402.09353", "2106.09685", "2305.14314"}


# --- unknown and malformed ids -----------------------------------------------------------------------


def test_unknown_id_is_missing_from_the_result(client: ArxivClient, httpserver: HTTPServer) -> None:
    serve(httpserver, "lora_dora_qlora.xml")
    entries = client.fetch(["2106.09685", "2401.99999", "2402.09353", "2305.14314"])
    assert "2401.99999" not in entries
    assert len(entries) == 3


@pytest.mark.parametrize("name", ["empty.xml", "empty_total_1.xml"])
def test_empty_feed_means_not_found(client: ArxivClient, httpserver: HTTPServer, name: str) -> None:
    serve(httpserver, name)
    assert client.fetch(["2401.99999"]) == {}
    with pytest.raises(ArxivNotFound, match=r"arXiv has no paper 2401\.99999") as caught:
        client.fetch_one("https://arxiv.org/abs/2401.99999v1")
    assert caught.value.arxiv_id == "2401.99999"
    assert isinstance(caught.value, LookupError)


def test_entries_that_were_not_asked_for_are_ignored(client: ArxivClient, httpserver: HTTPServer) -> None:
    serve(httpserver, "lora_dora_qlora.xml")
    assert list(client.fetch(["2402.09353"])) == ["2402.09353"]


def test_error_fake_entry_raises_arxiv_id_error(client: ArxivClient, httpserver: HTTPServer) -> None:
    serve(httpserver, "error_incorrect_id.xml")
    with pytest.raises(ArxivIdError, match=r"'1234\.12345' is not a well-formed arXiv id") as caught:
        client.fetch(["1234.12345"])
    assert caught.value.arxiv_id == "1234.12345"
    assert isinstance(caught.value, ValueError)


def test_http_400_with_an_error_entry_names_the_id(client: ArxivClient, httpserver: HTTPServer) -> None:
    serve(httpserver, "error_incorrect_id.xml", status=400)
    with pytest.raises(ArxivIdError) as caught:
        client.fetch(["1234.12345"])
    assert caught.value.arxiv_id == "1234.12345"
    assert len(httpserver.log) == 1  # 400 is not retried


def test_http_400_without_an_explanation(client: ArxivClient, httpserver: HTTPServer) -> None:
    httpserver.expect_request(PATH).respond_with_data("Bad Request", status=400)
    with pytest.raises(BadResponse, match=r"HTTP 400.*2402\.09353, 2106\.09685") as caught:
        client.fetch(["2402.09353", "2106.09685"])
    assert caught.value.status == 400


def test_invalid_input_fails_before_any_request(client: ArxivClient, httpserver: HTTPServer) -> None:
    with pytest.raises(ArxivIdError, match="not-an-id"):
        client.fetch(["2402.09353", "not-an-id"])
    assert httpserver.log == []


def test_no_ids_no_request(client: ArxivClient, httpserver: HTTPServer) -> None:
    assert client.fetch([]) == {}
    assert httpserver.log == []


# --- hostile or broken answers -----------------------------------------------------------------------


def test_truncated_document_is_a_bad_response(client: ArxivClient, httpserver: HTTPServer) -> None:
    serve(httpserver, "truncated.xml")
    with pytest.raises(BadResponse, match="arXiv returned a response that is not valid Atom"):
        client.fetch(["2402.09353"])


def test_plain_text_answer_is_quoted(client: ArxivClient, httpserver: HTTPServer) -> None:
    httpserver.expect_request(PATH).respond_with_data("Rate exceeded.", content_type="text/plain")
    with pytest.raises(BadResponse, match=r"not valid Atom.*'Rate exceeded\.'"):
        client.fetch(["2402.09353"])


def test_other_xml_is_a_bad_response(client: ArxivClient, httpserver: HTTPServer) -> None:
    httpserver.expect_request(PATH).respond_with_data("<html><body>maintenance</body></html>")
    with pytest.raises(BadResponse, match="not valid Atom"):
        client.fetch(["2402.09353"])


def test_entity_declarations_are_refused_before_parsing(
    client: ArxivClient, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def must_not_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a document with a DOCTYPE reached the XML parser")

    monkeypatch.setattr("awesome_lora.arxiv.ET.fromstring", must_not_parse)
    serve(httpserver, "entity_expansion.xml")
    with pytest.raises(BadResponse, match="DOCTYPE or entities"):
        client.fetch(["2402.09353"])


_HOSTILE = (
    '<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE feed [<!ENTITY a "b">]>'
    '<feed xmlns="http://www.w3.org/2005/Atom"><title>&a;</title></feed>'
)


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (
            b'<?xml version="1.0"?>\n<!doctype feed SYSTEM "file:///etc/passwd">\n'
            b'<feed xmlns="http://www.w3.org/2005/Atom"/>',
            "it declares a DOCTYPE or entities",
        ),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"><!ENTITY x "y"></feed>', "it declares a DOCTYPE"),
        # UTF-16 hides "<!DOCTYPE" from a text search, and expat would still detect it and expand the
        # entities; arXiv sends UTF-8, so anything else is refused.
        (_HOSTILE.format(encoding="UTF-16").encode("utf-16"), "not UTF-8"),
        (_HOSTILE.format(encoding="UTF-16").encode("utf-16-le"), "it contains NUL characters"),
    ],
    ids=["doctype-lowercase", "entity", "utf-16-bom", "utf-16-no-bom"],
)
def test_parse_feed_refuses_hostile_documents(document: bytes, reason: str) -> None:
    with pytest.raises(BadResponse, match=f"not valid Atom \\({reason}") as caught:
        list(parse_feed(document, "http://127.0.0.1/api/query"))
    assert caught.value.url == "http://127.0.0.1/api/query"


def test_server_errors_are_retried_then_reported(client: ArxivClient, httpserver: HTTPServer) -> None:
    httpserver.expect_request(PATH).respond_with_data("busy", status=503)
    with pytest.raises(BadResponse, match="HTTP 503") as caught:
        client.fetch(["2402.09353"])
    assert isinstance(caught.value, NetworkError)
    assert len(httpserver.log) == 2  # the client fixture allows one retry


# --- batching, pacing, configuration -----------------------------------------------------------------


def _entries_by_id() -> dict[str, str]:
    """Each fixture entry's XML, by bare id; the entries declare their own namespaces, so they travel."""
    entries: dict[str, str] = {}
    for name in ("lora_dora_qlora.xml", "old_style.xml"):
        for block in re.findall(r"<entry>.*?</entry>", fixture(name).decode(), re.DOTALL):
            found = re.search(r"<id>http://arxiv\.org/abs/(.+?)v\d+</id>", block)
            assert found is not None
            entries[found[1]] = block
    return entries


def _answer_from_catalog(request: Request) -> Response:
    """Like arXiv: the known ids among ``id_list``, in an order of its own (here: reversed)."""
    entries = _entries_by_id()
    blocks = [entries[arxiv_id] for arxiv_id in request.args["id_list"].split(",") if arxiv_id in entries]
    feed = fixture("empty.xml").decode().replace("</feed>", "\n".join(reversed(blocks)) + "\n</feed>")
    return Response(feed, content_type=ATOM)


def test_batches_with_max_results_set(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PATH).respond_with_handler(_answer_from_catalog)
    clock = FakeClock()
    client = ArxivClient(
        session=make_session(retries=0),
        base_url=httpserver.url_for(PATH),
        pacer=HostPacer(3.0, clock=clock, sleep=clock.sleep),
        batch_size=2,
    )
    ids = ["2106.09685", "2402.09353", "2305.14314", "hep-th/9901001", "2401.99999"]
    entries = client.fetch(ids)
    assert queries(httpserver) == [
        {"id_list": "2106.09685,2402.09353", "start": "0", "max_results": "2"},
        {"id_list": "2305.14314,hep-th/9901001", "start": "0", "max_results": "2"},
        {"id_list": "2401.99999", "start": "0", "max_results": "1"},
    ]
    assert sorted(entries) == sorted(ids[:4])
    assert all(entries[arxiv_id].arxiv_id == arxiv_id for arxiv_id in entries)
    assert clock.sleeps == [3.0, 3.0]  # three requests, spaced 3 s apart, without really waiting


def test_default_pacing_is_three_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(API_ENV, raising=False)
    client = ArxivClient()
    assert client.base_url == DEFAULT_API == "http://export.arxiv.org/api/query"
    assert client.pacer.interval_for("export.arxiv.org") == 3.0
    assert client.batch_size == 100
    with pytest.raises(ValueError, match="batch_size"):
        ArxivClient(batch_size=0)


def test_base_url_from_the_environment(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(API_ENV, httpserver.url_for("/elsewhere/query"))
    httpserver.expect_request("/elsewhere/query").respond_with_data(fixture("lora_dora_qlora.xml"))
    client = ArxivClient(session=make_session(retries=0), pacer=HostPacer(0.0))
    assert client.fetch_one("2402.09353").arxiv_id == "2402.09353"
    assert httpserver.log[0][0].path == "/elsewhere/query"


def test_user_agent_reaches_arxiv(client: ArxivClient, httpserver: HTTPServer) -> None:
    serve(httpserver, "empty.xml")
    client.fetch(["2401.99999"])
    assert httpserver.log[0][0].headers["User-Agent"].startswith("awesome-lora/")
