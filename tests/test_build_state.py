"""A build with nothing changed returns at once; any change to inputs or outputs means a full build."""

from __future__ import annotations

import os
import shutil

import pytest

from awesome_lora.cli import main

from .conftest import REPO


def build(root, capsys) -> str:
    assert main(["--root", str(root), "build"]) == 0
    return capsys.readouterr().out


@pytest.fixture
def built(small_site_project, capsys):
    root = small_site_project
    shutil.copy(REPO / "papers" / "dora.yaml", root / "papers" / "dora.yaml")
    out = build(root, capsys)
    assert "Nothing changed" not in out and (root / "public" / "index.html").is_file()
    assert "Nothing changed" in build(root, capsys)
    return root


def test_nothing_changed_is_recognised(built, capsys):
    assert "Nothing changed" in build(built, capsys)


def _bump(path):
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))


@pytest.mark.parametrize("change", ["edit", "add", "delete", "taxonomy", "template"])
def test_any_input_change_rebuilds_and_is_picked_up(built, capsys, change):
    papers = built / "papers"
    if change == "edit":
        path = papers / "dora.yaml"
        path.write_text(path.read_text().replace("DoRA: Weight-Decomposed", "DoRA: Weight-Decomposed (edited)"))
        expect = "**DoRA: Weight-Decomposed (edited) Low-Rank Adaptation.**"
    elif change == "add":
        text = (papers / "dora.yaml").read_text()
        (papers / "dora-twin.yaml").write_text(
            text.replace("id: dora", "id: dora-twin")
            .replace("2402.09353", "2402.09999")
            .replace("DoRA: Weight-Decomposed", "TwinDoRA: Weight-Decomposed")
        )
        expect = "TwinDoRA"
    elif change == "delete":
        (papers / "dora.yaml").unlink()
        expect = None
    elif change == "taxonomy":
        _bump(built / "taxonomy.yaml")
        expect = "DoRA"
    else:
        _bump(built / "templates" / "README.md.j2")
        expect = "DoRA"
    out = build(built, capsys)
    assert "Nothing changed" not in out
    readme = (built / "README.md").read_text()
    if expect:
        assert expect in readme
    else:
        assert "**DoRA: Weight-Decomposed Low-Rank Adaptation.**" not in readme


def test_a_generated_file_edited_by_hand_is_rebuilt(built, capsys):
    (built / "README.md").write_text("edited\n")
    assert "wrote README.md" in build(built, capsys)
    assert main(["--root", str(built), "build", "--check"]) == 0


def test_force_builds_anyway(built, capsys):
    assert main(["--root", str(built), "build", "--force"]) == 0
    assert "Nothing changed" not in capsys.readouterr().out


def test_a_deleted_site_is_rebuilt(built, capsys):
    shutil.rmtree(built / "public")
    assert "Nothing changed" not in build(built, capsys)
    assert (built / "public" / "index.html").is_file()


def test_a_build_that_fails_halfway_leaves_readme_and_site_as_they_were(built, capsys):
    readme, index = built / "README.md", built / "public" / "index.html"
    before = (readme.read_bytes(), index.read_bytes())
    path = built / "papers" / "dora.yaml"
    path.write_text(path.read_text().replace("DoRA: Weight-Decomposed", "DoRA: Renamed"))  # README would change
    template = built / "templates" / "site" / "index.md.j2"
    template.write_text(template.read_text() + "\n{% if %}\n")  # but the site cannot be built
    assert main(["--root", str(built), "build"]) == 1
    err = capsys.readouterr().err
    assert "the site could not be built; nothing was written" in err and "Traceback" not in err
    assert (readme.read_bytes(), index.read_bytes()) == before
    assert not list(built.glob(".build-*"))  # no temporary folder left behind
