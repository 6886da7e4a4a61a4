from __future__ import annotations

import re

import pytest

from awesome_lora.problems import ProblemsFound
from awesome_lora.taxonomy import Taxonomy

from .conftest import REPO, SURVEY_SEED

NON_TAXONOMY_SECTIONS = {"LoRA of LLMs", "Contents", "Contribution", "Citations"}


def survey_headings() -> list[tuple[int, str]]:
    """(depth, title) of the survey skeleton's category headings, in order."""
    headings = []
    for line in SURVEY_SEED.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^(#{2,4}) (.+)$", line)
        if match:
            title = re.sub(r"<[^>]+>", "", match[2]).strip()
            if title not in NON_TAXONOMY_SECTIONS:
                headings.append((len(match[1]) - 1, title))
    return headings


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.load(REPO / "taxonomy.yaml")


def test_mirrors_every_survey_node_in_order_and_depth(taxonomy):
    ours = [(placed.depth, placed.node.title) for placed in taxonomy if not placed.node.extension]
    assert ours == survey_headings()
    assert len(ours) == 41  # 6 sections, 19 subsections, 16 third-level leaves


def test_extensions_are_leaves_under_survey_parents(taxonomy):
    extensions = [placed for placed in taxonomy if placed.node.extension]
    assert extensions, "the seed list's extra topics need extension leaves"
    for placed in extensions:
        assert placed.node.is_leaf
        assert all(not ancestor.extension for ancestor in placed.ancestors)


def test_ids_are_unique_kebab_case_and_every_node_described(taxonomy):
    ids = [placed.node.id for placed in taxonomy]
    assert len(ids) == len(set(ids))
    for placed in taxonomy:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", placed.node.id)
        assert placed.node.description.strip()


def test_closest_leaves_for_a_typo_and_for_a_section(taxonomy):
    assert taxonomy.closest_leaves("svd-based-method")[0] == "svd-based-methods"
    assert set(taxonomy.closest_leaves("dynamic-rank-allocation")) == {
        "svd-based-methods", "srd-based-methods", "rank-sampling-based-methods",
    }  # fmt: skip


def test_broken_taxonomy_reports_located_problems(tmp_path):
    path = tmp_path / "taxonomy.yaml"
    path.write_text(
        "sections:\n"
        "  - id: a\n    title: A\n    description: d\n    children:\n"
        "      - id: Bad_Id\n        title: B\n        description: d\n"
        "      - id: c\n        title: C\n        colour: red\n",
        encoding="utf-8",
    )
    with pytest.raises(ProblemsFound) as caught:
        Taxonomy.load(path)
    messages = sorted(str(problem) for problem in caught.value.problems)
    assert any(m.startswith("taxonomy.yaml:6: sections[0].children[0].id:") for m in messages)
    assert any(m.startswith("taxonomy.yaml:11: sections[0].children[1].colour: unknown field") for m in messages)
    assert any("children[1].description: required field is missing" in m for m in messages)


def test_duplicate_node_ids_are_rejected(tmp_path):
    path = tmp_path / "taxonomy.yaml"
    path.write_text(
        "sections:\n  - id: a\n    title: A\n    description: d\n    children:\n"
        "      - id: a\n        title: A again\n        description: d\n",
        encoding="utf-8",
    )
    with pytest.raises(ProblemsFound) as caught:
        Taxonomy.load(path)
    assert "'a' is used by more than one node" in str(caught.value.problems[0])
