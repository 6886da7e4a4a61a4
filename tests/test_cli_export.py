"""`awesome-lora export`: each format to standard output or to a file, refused on invalid records."""

from __future__ import annotations

import json

import bibtexparser
import feedparser
import pytest

from awesome_lora.cli import main

from .conftest import REPO


@pytest.mark.parametrize("kind", ["bibtex", "json", "csv", "atom"])
def test_export_to_a_file(tmp_path, kind, capsys):
    out = tmp_path / f"export.{kind}"
    assert main(["--root", str(REPO), "export", kind, "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    if kind == "bibtex":
        assert len(bibtexparser.parse_string(text).entries) == 157
    elif kind == "json":
        assert len(json.loads(text)["papers"]) == 157
    elif kind == "csv":
        assert len(text.splitlines()) == 158
    else:
        feed = feedparser.parse(text)
        assert feed.version == "atom10" and len(feed.entries) == 50
        assert feed.feed.links[0].href.startswith("https://")


def test_export_refuses_invalid_records(shipped_project, capsys):
    (shipped_project / "papers" / "broken.yaml").write_text("id: broken\n", encoding="utf-8")
    assert main(["--root", str(shipped_project), "export", "bibtex"]) == 1
    captured = capsys.readouterr()
    assert "papers/broken.yaml:1: title: required field is missing" in captured.err
    assert captured.out == ""
