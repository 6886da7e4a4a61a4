"""Validation of records: every problem located as path:line: field: message, all in one run."""

from __future__ import annotations

import datetime as dt

import pytest

from awesome_lora.catalog import load_catalog
from awesome_lora.cli import main

TODAY = dt.date(2026, 11, 23)


def problems_of(root):
    return [str(problem) for problem in load_catalog(root, today=TODAY).problems]


def test_valid_record_loads(project, write_record):
    write_record("dora")
    catalog = load_catalog(project, today=TODAY)
    assert catalog.problems == []
    assert [p.id for p in catalog.papers] == ["dora"]
    assert catalog.papers[0].added == dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"colour": "red"}, "papers/dora.yaml:14: colour: unknown field"),
        ({"title": None}, "papers/dora.yaml:1: title: required field is missing"),
        ({"authors": "Shih-Yang Liu"}, "papers/dora.yaml:3: authors: Input should be a valid list"),
        ({"authors": []}, "papers/dora.yaml:3: authors: List should have at least 1 item"),
        ({"authors": ["A", 7]}, "papers/dora.yaml:5: authors[1]: Input should be a valid string, got int 7"),
        (
            {"categories": ["svd-method"]},
            "categories: 'svd-method' is not in taxonomy.yaml; closest: svd-based-methods",
        ),
        (
            {"categories": ["dynamic-rank-allocation"]},
            "'dynamic-rank-allocation' is a section, not a leaf; closest: "
            "svd-based-methods, srd-based-methods, rank-sampling-based-methods",
        ),
        ({"categories": ["svd-based-methods", "svd-based-methods"]}, "categories: a category is listed twice"),
        ({"code": ["javascript:alert(1)"]}, "code[0]: only http(s) links are allowed, got 'javascript:alert(1)'"),
        ({"pdf": "data:text/html,<script>x</script>"}, "pdf: only http(s) links are allowed"),
        ({"pdf": "//evil.example/x.pdf"}, "pdf: only http(s) links are allowed"),
        ({"code": ["https://exa mple.com"]}, "code[0]: a link must not contain spaces or control characters"),
        ({"date": "2024-13"}, "date: must be the year and month of the first public version, 'YYYY-MM'"),
        ({"date": "2031-01"}, "date: 2031-01 is in the future"),
        ({"added": dt.date(2030, 1, 1)}, "added: 2030-01-01 is in the future"),
        ({"arxiv": "24029353"}, "arxiv: must be an arXiv id without version, e.g. '2402.09353'"),
        ({"title": "Two\nlines"}, "title: contains the invisible control character U+000A"),
        ({"title": "evil \u202eoverride"}, "title: contains the invisible control character U+202E"),
        ({"venue": "ICML `2024`"}, "venue: may hold letters, digits, spaces and"),
        ({"arxiv": None}, "a paper needs an `arxiv` id or a `pdf` link"),
    ],
)
def test_each_field_problem_is_located(project, write_record, fields, expected):
    write_record("dora", **fields)
    problems = problems_of(project)
    assert any(expected in problem for problem in problems), problems


def test_year_only_date_and_old_style_arxiv_are_valid(project, write_record):
    write_record("old", title="An old paper", date=1999, arxiv="hep-th/9901001")
    assert problems_of(project) == []


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.yaml", b"", "papers/empty.yaml:1: file is empty"),
        ("bom.yaml", b"\xef\xbb\xbfid: bom\n", "papers/bom.yaml:1: file starts with a byte-order mark"),
        ("latin.yaml", b"id: latin\ntitle: caf\xe9\n", "papers/latin.yaml:2: not UTF-8: byte 0xe9"),
        ("list.yaml", b"- a\n- b\n", "papers/list.yaml:1: the record is a list, not a mapping of fields"),
        ("tabs.yaml", b"id: tabs\n\ttitle: x\n", "papers/tabs.yaml:2: invalid YAML"),
        ("dup.yaml", b"id: dup\ntitle: a\ntitle: b\n", "papers/dup.yaml:3: duplicate key 'title' (first on line 2)"),
        ("Bad_Name.yaml", b"id: x\n", "papers/Bad_Name.yaml:1: file name must be a kebab-case id"),
        ("notes.txt", b"hello", "papers/notes.txt:1: not a record: paper files end in '.yaml'"),
        ("huge.yaml", b"id: huge\n#" + b"x" * 70_000 + b"\n", "papers/huge.yaml:1: file is 70,011 bytes"),
    ],
)
def test_file_level_problems(project, name, content, expected):
    (project / "papers" / name).write_bytes(content)
    assert any(problem.startswith(expected) for problem in problems_of(project)), problems_of(project)


def test_id_must_match_file_name(project, write_record):
    path = write_record("dora")
    path.rename(project / "papers" / "other.yaml")
    assert "papers/other.yaml:1: id: 'dora' does not match the file name 'other.yaml'" in problems_of(project)


def test_duplicates_across_the_list_name_each_other(project, write_record):
    write_record("dora")
    write_record("dora-again", title="DoRA — weight-decomposed low-rank ADAPTATION!")
    problems = problems_of(project)
    assert "papers/dora.yaml:8: arxiv: same arXiv id as papers/dora-again.yaml" in problems
    assert "papers/dora-again.yaml:8: arxiv: same arXiv id as papers/dora.yaml" in problems
    assert any(p.startswith("papers/dora.yaml:2: title: same title (ignoring case") for p in problems)


def test_every_problem_of_every_file_in_one_run(project, write_record, capsys):
    write_record("one", colour="red", date="2024-13")
    write_record("two", code=["javascript:x"])
    (project / "papers" / "three.yaml").write_text("id: three\ntitle: [unclosed\n", encoding="utf-8")
    write_record("good", title="A good paper", arxiv="2106.09685")
    status = main(["--root", str(project), "validate"])
    err = capsys.readouterr().err
    assert status == 1
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("papers/")]
    assert {line.split(":")[0] for line in lines} == {"papers/one.yaml", "papers/two.yaml", "papers/three.yaml"}
    assert any("colour: unknown field" in line for line in lines)
    assert any("date:" in line for line in lines)
    assert "4 problem(s) found." in err


def test_github_annotations(project, write_record, capsys):
    write_record("one", colour="red")
    assert main(["--root", str(project), "--github", "validate"]) == 1
    out = capsys.readouterr().out
    assert out.strip() == "::error file=papers/one.yaml,line=14,title=awesome-lora schema::colour: unknown field"


def test_shipped_records_are_valid(capsys):
    from .conftest import REPO

    assert main(["--root", str(REPO), "validate"]) == 0
    assert "all valid" in capsys.readouterr().out


def test_a_crash_on_one_record_does_not_stop_the_report(project, write_record, monkeypatch):
    import awesome_lora.records as records

    write_record("good", title="A good paper")
    write_record("boom", title="Boom", arxiv="2106.09685")
    write_record("bad", title="Bad", arxiv="2106.00001", colour="red")
    real = records.load_yaml

    def flaky(text):
        if "Boom" in text:
            raise RuntimeError("simulated bug")
        return real(text)

    monkeypatch.setattr(records, "load_yaml", flaky)
    problems = problems_of(project)
    assert (
        "papers/boom.yaml:1: internal error while checking this file (RuntimeError: simulated bug); "
        "please report it" in problems
    )
    assert any(p.startswith("papers/bad.yaml") and "colour: unknown field" in p for p in problems)
