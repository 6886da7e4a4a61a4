"""`awesome-lora audit [--fix]` end to end: one batched request to a local arXiv API, findings, safe fixes."""

from __future__ import annotations

import pytest

import awesome_lora.arxiv as arxiv_module
from awesome_lora.catalog import load_catalog
from awesome_lora.cli import main
from awesome_lora.http import make_session

from .conftest import REPO

ATOM = (REPO / "tests" / "fixtures" / "arxiv" / "lora_dora_qlora.xml").read_text(encoding="utf-8")


@pytest.fixture
def api(httpserver, monkeypatch):
    monkeypatch.setenv("AWESOME_LORA_ARXIV_API", httpserver.url_for("/api/query"))
    monkeypatch.setattr(arxiv_module, "make_session", lambda: make_session(retries=1, backoff=0.01))
    httpserver.expect_request("/api/query").respond_with_data(ATOM, content_type="application/atom+xml")
    return httpserver


@pytest.fixture
def listed(project, write_record):
    write_record("dora", title="Dora: weight-decomposed low-rank adaptation", date="2024-03",
                 authors=["Shih-Yang Liu", "Chien-Yi Wang", "Hongxu Yin", "Pavlo Molchanov", "Yu-Chiang Frank Wang",
                          "Kwang-Ting Cheng", "Min-Hung Chen"])  # fmt: skip
    write_record("lora", title="LoRA: Low-Rank Adaptation of Large Language Models", arxiv="2106.09685",
                 date="2021-06", authors=["Edward J. Hu", "Someone Else"])  # fmt: skip
    write_record("ghost", title="A paper arXiv does not know", arxiv="2401.99999")
    return project


def test_audit_reports_per_file_and_field_in_one_batched_request(api, listed, capsys):
    assert main(["--root", str(listed), "audit"]) == 1
    captured = capsys.readouterr()
    err = captured.err
    assert "papers/dora.yaml:2: title: arXiv writes it 'DoRA: Weight-Decomposed Low-Rank Adaptation'" in err
    assert "papers/dora.yaml:12: date: arXiv's first version is from 2024-02" in err
    assert "papers/lora.yaml:3: authors: arXiv lists 8 authors (7 not in the record)" in err
    assert "papers/ghost.yaml:8: arxiv: arXiv has no paper 2401.99999" in err
    assert "3 papers checked against arXiv: 4 finding(s), 2 safe to fix (run with --fix" in captured.out
    [request] = [entry[0] for entry in api.log]
    assert request.args["id_list"] == "2106.09685,2401.99999,2402.09353"
    assert request.args["max_results"] == "3"


def test_audit_fix_applies_only_safe_corrections(api, listed, capsys):
    lora_before = (listed / "papers" / "lora.yaml").read_bytes()
    assert main(["--root", str(listed), "audit", "--fix"]) == 0
    out = capsys.readouterr().out
    assert "fixed papers/dora.yaml: title → 'DoRA: Weight-Decomposed Low-Rank Adaptation'" in out
    assert "fixed papers/dora.yaml: date → '2024-02'" in out
    assert (listed / "papers" / "lora.yaml").read_bytes() == lora_before  # a different author list: for a person
    catalog = load_catalog(listed)
    assert catalog.problems == []
    dora = next(r.paper for r in catalog.records if r.paper.id == "dora")
    assert (dora.title, dora.date) == ("DoRA: Weight-Decomposed Low-Rank Adaptation", "2024-02")


def test_audit_offline_or_on_a_broken_answer_changes_nothing(listed, capsys, monkeypatch, httpserver):
    before = {p.name: p.read_bytes() for p in (listed / "papers").iterdir()}
    monkeypatch.setattr(arxiv_module, "make_session", lambda: make_session(retries=1, backoff=0.01))
    monkeypatch.setenv("AWESOME_LORA_ARXIV_API", "http://127.0.0.1:9/api/query")
    assert main(["--root", str(listed), "audit", "--fix"]) == 1
    assert "are you offline?" in capsys.readouterr().err
    monkeypatch.setenv("AWESOME_LORA_ARXIV_API", httpserver.url_for("/api/query"))
    httpserver.expect_request("/api/query").respond_with_data(ATOM[: len(ATOM) // 2])  # cut off mid-way
    assert main(["--root", str(listed), "audit", "--fix"]) == 1
    err = capsys.readouterr().err
    assert "not valid Atom" in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in (listed / "papers").iterdir()} == before
