"""The corpus of bad records (tests/fixtures/bad_records/): all rejected, located, in one run."""

from __future__ import annotations

import contextlib
import io
import shutil

import pytest

from awesome_lora.cli import main

from .conftest import REPO

CORPUS = REPO / "tests" / "fixtures" / "bad_records"

# file → the start of the one message it must produce (after "papers/<file>:").
EXPECTED = {
    "tabs.yaml": "2: invalid YAML: while scanning a plain scalar found a tab character",
    "unclosed-quote.yaml": "2: invalid YAML: a quoted value starts here and is never closed",
    "duplicate-key.yaml": "6: duplicate key 'venue' (first on line 5)",
    "wrong-types.yaml": "4: authors[0]: Input should be a valid string, got int 42",
    "unknown-field.yaml": "6: stars: unknown field",
    "unknown-category.yaml": "8: categories: 'language-task' is not in taxonomy.yaml; closest: language-tasks",
    "non-leaf-category.yaml": "8: categories: 'applications-of-lora' is a section, not a leaf; closest:",
    "empty.yaml": "1: file is empty",
    "not-utf8.yaml": "2: not UTF-8: byte 0xe9",
    "bom.yaml": "1: file starts with a byte-order mark",
    "very-large.yaml": "1: file is 100,023 bytes; a record is at most 65,536",
    "name-mismatch.yaml": "1: id: 'not-the-file-name' does not match the file name 'name-mismatch.yaml'",
    "dotdot-id.yaml": "1: id: must be a kebab-case id",
    "slash-id.yaml": "1: id: must be a kebab-case id",
    "javascript-link.yaml": "7: pdf: only http(s) links are allowed, got 'javascript:alert(document.cookie)'",
    "data-link.yaml": "9: code[0]: only http(s) links are allowed, got 'data:text/html",
    "future-date.yaml": "6: date: 2099-01 is in the future",
    "malformed-date.yaml": "6: date: must be the year and month of the first public version",
    "future-added.yaml": "10: added: 2099-12-31 is in the future",
    "a-list.yaml": "1: the record is a list, not a mapping of fields",
    "no-links.yaml": "1: a paper needs an `arxiv` id or a `pdf` link",
    "newline-title.yaml": "2: title: contains the invisible control character U+000A",
    "rtl-override.yaml": "2: title: contains the invisible control character U+202E",
    "notes.txt": "1: not a record: paper files end in '.yaml'",
}


def test_corpus_and_expectations_agree():
    assert sorted(p.name for p in CORPUS.iterdir()) == sorted(EXPECTED)


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    shutil.copy(REPO / "taxonomy.yaml", root / "taxonomy.yaml")
    shutil.copytree(CORPUS, root / "papers")
    shutil.copy(REPO / "papers" / "dora.yaml", root / "papers" / "dora.yaml")  # one good record among them
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        status = main(["--root", str(root), "validate"])
    return status, err.getvalue()


def test_one_run_reports_every_bad_file_located_without_traceback(corpus_run):
    status, err = corpus_run
    assert status == 1
    assert "Traceback" not in err
    lines = err.splitlines()
    for name, message in EXPECTED.items():
        assert any(line.startswith(f"papers/{name}:{message}") for line in lines), (name, message)
    assert not any(line.startswith("papers/dora.yaml") for line in lines)
    assert lines[-1] == f"{len(lines) - 1} problem(s) found."
