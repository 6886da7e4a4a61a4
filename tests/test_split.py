"""README.md stays whole on GitHub: past the byte budget, sections move to lists/ pages, all linked."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import PurePosixPath

import pytest

from awesome_lora.catalog import load_catalog
from awesome_lora.cli import main
from awesome_lora.render import README_BUDGET, render_markdown_files
from awesome_lora.synthetic import write_synthetic_project

from .conftest import REPO
from .github import github_anchors, outline, render


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    root = write_synthetic_project(tmp_path_factory.mktemp("large"), 5000, REPO)
    catalog = load_catalog(root)
    assert catalog.problems == []
    return catalog, render_markdown_files(catalog)


def resolve_all_links(files: dict[str, str], root) -> list[str]:
    """Links between the generated files (and within them) that point to no file or no heading."""
    anchors, links = {}, {}
    for name, text in files.items():
        document = outline(render(text))
        anchors[name] = set(github_anchors(document.headings))
        links[name] = document.links
    broken = []
    for name, hrefs in links.items():
        for href in hrefs:
            if re.match(r"^[a-z]+:", href):
                continue
            path, _, fragment = href.partition("#")
            target = str(PurePosixPath(name).parent / path) if path else name
            target = str(PurePosixPath(target)).replace("lists/../", "")
            if (
                target not in files
                and not fragment
                and ((root / target).exists() or any(other.startswith(f"{target}/") for other in files))
            ):
                continue  # a file or folder of the repository, e.g. taxonomy.yaml or lists/
            if target not in files:
                broken.append(f"{name}: {href} (no such file)")
            elif fragment and fragment not in anchors[target]:
                broken.append(f"{name}: {href} (no such heading)")
    return broken


def test_two_hundred_papers_fit_in_one_readme(tmp_path):
    root = write_synthetic_project(tmp_path, 200, REPO)
    files = render_markdown_files(load_catalog(root))
    assert list(files) == ["README.md"]
    assert len(files["README.md"].encode()) < README_BUDGET
    assert resolve_all_links(files, root) == []


def test_five_thousand_papers_split_under_the_budget(large):
    _, files = large
    assert "lists/downstream-adaptation-improving.md" in files
    sizes = {name: len(text.encode("utf-8")) for name, text in files.items()}
    assert all(size <= README_BUDGET for size in sizes.values()), sizes
    readme = files["README.md"]
    assert "## Latest additions" in readme and "## Contribution" in readme and "## Citations" in readme
    latest = readme.split("## Latest additions", 1)[1].split("## Contribution", 1)[0]
    assert len(re.findall(r"^\d+\. \*\*", latest, re.MULTILINE)) == 50


def test_every_paper_is_listed_exactly_in_its_categories(large):
    catalog, files = large
    found: Counter[tuple[str, str]] = Counter()
    titles = {}
    for paper in catalog.papers:
        titles[paper.title] = paper
    for name, text in files.items():
        if not name.startswith("lists/"):
            continue
        leaf = None
        for line in text.splitlines():
            heading = re.match(r"^#{2,4} (?:<img [^>]+> )?(.+?)(?: \(continued\))?$", line)
            if heading:
                leaf = next(p.node.id for p in catalog.taxonomy if p.node.title == heading[1])
            entry = re.match(r"^\d+\. \*\*(.+)\*\* `", line)
            if entry:
                text_title = re.sub(r"\\(.)", r"\1", entry[1])[:-1]  # unescape, drop the added period
                found[(text_title, leaf)] += 1
    expected = Counter((p.title, leaf) for p in catalog.papers for leaf in p.categories)
    assert found == expected


def test_every_link_across_readme_and_pages_resolves(large):
    catalog, files = large
    assert resolve_all_links(files, catalog.root) == []


def test_long_leaves_are_cut_and_numbering_continues(large):
    catalog, _ = large
    budget = 60_000  # small enough that a leaf of ~250 entries needs several pages
    files = render_markdown_files(catalog, budget=budget)
    assert all(len(text.encode("utf-8")) <= budget for text in files.values())
    assert resolve_all_links(files, catalog.root) == []
    continued = [text for name, text in files.items() if "(continued)" in text]
    assert continued
    after = continued[0].split("(continued)", 1)[1]
    first_number = int(re.search(r"^(\d+)\. \*\*", after, re.MULTILINE)[1])
    assert first_number > 1


def test_build_removes_pages_no_longer_needed(tmp_path, capsys):
    root = write_synthetic_project(tmp_path, 1500, REPO)
    assert main(["--root", str(root), "build", "--no-site"]) == 0
    pages = sorted((root / "lists").glob("*.md"))
    assert pages
    assert main(["--root", str(root), "build", "--check"]) == 0
    for path in sorted((root / "papers").glob("*.yaml"))[200:]:
        path.unlink()
    assert main(["--root", str(root), "build", "--check"]) == 1
    assert "lists/applications-of-lora.md should be removed" in capsys.readouterr().err
    assert main(["--root", str(root), "build", "--no-site"]) == 0
    assert list((root / "lists").glob("*.md")) == []
    assert main(["--root", str(root), "build", "--check"]) == 0
