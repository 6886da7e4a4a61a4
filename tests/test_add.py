"""`awesome-lora add` against a local arXiv API (pytest-httpserver) serving recorded Atom payloads."""

from __future__ import annotations

import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

import awesome_lora.arxiv as arxiv_module
from awesome_lora.catalog import load_catalog
from awesome_lora.cli import main
from awesome_lora.http import make_session

from .conftest import REPO

FIXTURES = REPO / "tests" / "fixtures" / "arxiv"
API_PATH = "/api/query"


def atom(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture
def api(httpserver: HTTPServer, monkeypatch) -> HTTPServer:
    """The arXiv API on localhost, with quick retries so that failure tests do not wait."""
    monkeypatch.setenv("AWESOME_LORA_ARXIV_API", httpserver.url_for(API_PATH))
    monkeypatch.setattr(arxiv_module, "make_session", lambda: make_session(retries=2, backoff=0.01, timeout=(1, 0.5)))
    return httpserver


def add(project, *arguments: str) -> int:
    return main(["--root", str(project), "add", *arguments, "--added", "2026-11-23"])


def test_adds_a_paper_from_arxiv(api, project, capsys):
    api.expect_request(
        API_PATH, query_string={"id_list": "2402.09353", "start": "0", "max_results": "1"}
    ).respond_with_data(atom("lora_dora_qlora.xml"), content_type="application/atom+xml")
    status = add(project, "https://arxiv.org/abs/2402.09353v2", "--category", "gradient-update-optimization",
                 "--code", "https://github.com/NVlabs/DoRA", "--venue", "ICML 2024")  # fmt: skip
    assert status == 0, capsys.readouterr().err
    assert capsys.readouterr().out.strip() == "wrote papers/dora.yaml"
    text = (project / "papers" / "dora.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/paper.schema.json\nid: dora\n")
    [record] = load_catalog(project).records
    paper = record.paper
    assert paper.title == "DoRA: Weight-Decomposed Low-Rank Adaptation"
    assert paper.authors[0] == "Shih-Yang Liu" and len(paper.authors) == 7
    assert (paper.arxiv, paper.date, paper.venue) == ("2402.09353", "2024-02", "ICML 2024")
    assert paper.code == ["https://github.com/NVlabs/DoRA"]
    assert api.log[0][0].headers["User-Agent"].startswith("awesome-lora/")


def test_dry_run_prints_the_record_and_writes_nothing(api, project, capsys):
    api.expect_request(API_PATH).respond_with_data(atom("lora_dora_qlora.xml"))
    assert add(project, "2106.09685", "--category", "theoretical-analysis", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "title: 'LoRA: Low-Rank Adaptation of Large Language Models'" in out
    assert "venue: preprint" in out and "date: 2021-06" in out
    assert list((project / "papers").iterdir()) == []


def test_old_style_id(api, project, capsys):
    api.expect_request(
        API_PATH, query_string={"id_list": "hep-th/9901001", "start": "0", "max_results": "1"}
    ).respond_with_data(atom("old_style.xml"))
    assert add(project, "hep-th/9901001v1", "--category", "theoretical-analysis") == 0
    [record] = load_catalog(project).records
    assert record.paper.arxiv == "hep-th/9901001" and record.paper.date == "1999-01"
    assert "arXiv says it was published" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["empty.xml", "empty_total_1.xml"])
def test_unknown_id(api, project, capsys, name):
    api.expect_request(API_PATH).respond_with_data(atom(name))
    assert add(project, "2401.99999", "--category", "theoretical-analysis") == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "2401.99999" in err and "Traceback" not in err
    assert list((project / "papers").iterdir()) == []


def test_malformed_id_is_refused_before_any_request(api, project, capsys):
    assert add(project, "not-an-id", "--category", "theoretical-analysis") == 1
    assert "error:" in capsys.readouterr().err
    assert api.log == []


def test_429_then_success(api, project, capsys):
    api.expect_ordered_request(API_PATH).respond_with_response(
        Response("Rate exceeded.", status=429, headers={"Retry-After": "1"})
    )
    api.expect_ordered_request(API_PATH).respond_with_data(atom("lora_dora_qlora.xml"))
    started = time.monotonic()
    assert add(project, "2305.14314", "--category", "ptq-based-methods") == 0
    assert time.monotonic() - started >= 0.9  # Retry-After was honoured
    assert len(api.log) == 2
    assert load_catalog(project).records[0].paper.title == "QLoRA: Efficient Finetuning of Quantized LLMs"


def test_server_error(api, project, capsys):
    api.expect_request(API_PATH).respond_with_data("oops", status=500)
    assert add(project, "2402.09353", "--category", "theoretical-analysis") == 1
    err = capsys.readouterr().err
    assert "500" in err and "Nothing was written" in err and "Traceback" not in err
    assert len(api.log) == 3  # the first try and two retries
    assert list((project / "papers").iterdir()) == []


def test_timeout(api, project, capsys):
    def slow(request):
        time.sleep(1)
        return Response(atom("lora_dora_qlora.xml"))

    api.expect_request(API_PATH).respond_with_handler(slow)
    assert add(project, "2402.09353", "--category", "theoretical-analysis") == 1
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err
    assert list((project / "papers").iterdir()) == []


@pytest.mark.parametrize("name", ["truncated.xml", "entity_expansion.xml"])
def test_malformed_or_hostile_xml(api, project, capsys, name):
    api.expect_request(API_PATH).respond_with_data(atom(name))
    assert add(project, "2402.09353", "--category", "theoretical-analysis") == 1
    assert "error:" in capsys.readouterr().err
    assert list((project / "papers").iterdir()) == []


def test_offline(project, capsys, monkeypatch):
    monkeypatch.setenv("AWESOME_LORA_ARXIV_API", "http://127.0.0.1:9/api/query")  # discard port: refused
    monkeypatch.setattr(arxiv_module, "make_session", lambda: make_session(retries=1, backoff=0.01))
    assert add(project, "2402.09353", "--category", "theoretical-analysis") == 1
    err = capsys.readouterr().err
    assert "are you offline?" in err and "needs the network" in err


def test_duplicate_arxiv_id_is_refused_without_asking_arxiv(api, project, write_record, capsys):
    write_record("dora")
    assert add(project, "2402.09353v3", "--category", "theoretical-analysis") == 1
    assert "arXiv 2402.09353 is already in the list: papers/dora.yaml" in capsys.readouterr().err
    assert api.log == []


def test_duplicate_title_is_refused(api, project, write_record, capsys):
    write_record("dora-old", arxiv=None, pdf="https://openreview.net/pdf?id=x")
    api.expect_request(API_PATH).respond_with_data(atom("lora_dora_qlora.xml"))
    assert add(project, "2402.09353", "--category", "theoretical-analysis") == 1
    assert "a paper with this title is already in the list: papers/dora-old.yaml" in capsys.readouterr().err


def test_unknown_category_names_the_closest(api, project, capsys):
    api.expect_request(API_PATH).respond_with_data(atom("lora_dora_qlora.xml"))
    assert add(project, "2402.09353", "--category", "svd-method") == 1
    err = capsys.readouterr().err
    assert "papers/dora.yaml:1: categories: 'svd-method' is not in taxonomy.yaml; closest: svd-based-methods" in err


def test_no_category_without_a_terminal_lists_the_ids(api, project, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert add(project, "2402.09353") == 1
    err = capsys.readouterr().err
    assert "give one or more --category" in err and "svd-based-methods" in err
    assert api.log == []


def test_no_category_on_a_terminal_asks(api, project, capsys, monkeypatch):
    api.expect_request(API_PATH).respond_with_data(atom("lora_dora_qlora.xml"))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers = iter(["nonsense", "3, svd-based-methods"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    assert add(project, "2402.09353") == 0
    assert load_catalog(project).records[0].paper.categories == ["stacking-loras-along-fine-tuning",
                                                                 "svd-based-methods"]  # fmt: skip
    assert "not a category: nonsense" in capsys.readouterr().out


def test_never_overwrites_and_picks_another_id(api, project, write_record, capsys):
    mine = write_record("dora", title="Another DoRA", arxiv="2101.00001")
    before = mine.read_bytes()
    api.expect_request(API_PATH).respond_with_data(atom("lora_dora_qlora.xml"))
    assert add(project, "2402.09353", "--category", "theoretical-analysis") == 0
    assert mine.read_bytes() == before
    assert (project / "papers" / "dora-liu.yaml").is_file()
    assert add(project, "2305.14314", "--category", "theoretical-analysis", "--id", "dora") == 1
    assert "papers/dora.yaml exists already" in capsys.readouterr().err


def test_a_paper_without_arxiv(project, capsys):
    assert add(project, "--title", "A Journal Paper", "--author", "Ada Lovelace", "--author", "Alan Turing",
               "--date", "2023-08", "--pdf", "https://www.mdpi.com/x", "--venue", "Mathematics 2023",
               "--category", "recommender-systems") == 0  # fmt: skip
    paper = load_catalog(project).records[0].paper
    assert (paper.id, paper.authors, paper.pdf, paper.arxiv) == (
        "a-journal-paper",
        ["Ada Lovelace", "Alan Turing"],
        "https://www.mdpi.com/x",
        None,
    )


def test_a_paper_without_arxiv_needs_its_metadata(project, capsys):
    assert add(project, "--title", "Only a title", "--category", "recommender-systems") == 1
    assert "needs --author, --date, --pdf" in capsys.readouterr().err


def test_a_javascript_link_is_refused(project, capsys):
    assert add(project, "--title", "T", "--author", "A", "--date", "2023-08", "--pdf", "javascript:alert(1)",
               "--category", "recommender-systems") == 1  # fmt: skip
    assert "pdf: only http(s) links are allowed" in capsys.readouterr().err
