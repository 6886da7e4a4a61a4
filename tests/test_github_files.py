"""The files GitHub reads: the issue form follows the taxonomy; workflows and hooks run the checks."""

from __future__ import annotations

import yaml

from awesome_lora.catalog import load_catalog

from .conftest import REPO


def load(path: str):
    return yaml.safe_load((REPO / path).read_text(encoding="utf-8"))


def test_issue_form_offers_every_leaf_and_matches_the_record_fields():
    form = load(".github/ISSUE_TEMPLATE/suggest-a-paper.yml")
    fields = {item["id"]: item for item in form["body"] if "id" in item}
    assert set(fields) == {
        "arxiv",
        "title",
        "authors",
        "venue",
        "date",
        "pdf",
        "code",
        "categories",
        "architecture",
        "size",
    }
    options = fields["categories"]["attributes"]["options"]
    leaves = load_catalog(REPO).taxonomy.leaf_ids
    assert [option.split(" ", 1)[0] for option in options] == list(leaves)
    assert fields["categories"]["attributes"]["multiple"] is True


def test_pull_request_workflow_validates_checks_freshness_and_tests():
    workflow = load(".github/workflows/pull-request.yml")
    commands = " ".join(step.get("run", "") for step in workflow["jobs"]["check"]["steps"])
    for command in ("awesome-lora validate", "awesome-lora build --check", "python -m pytest"):
        assert command in commands


def test_pages_workflow_builds_and_deploys_the_site():
    workflow = load(".github/workflows/pages.yml")
    steps = workflow["jobs"]["build"]["steps"]
    assert any(step.get("run") == "awesome-lora build" for step in steps)
    assert any(step.get("with", {}).get("path") == "public" for step in steps)


def test_pre_commit_runs_validate_and_freshness():
    hooks = load(".pre-commit-config.yaml")["repos"][0]["hooks"]
    assert {hook["entry"] for hook in hooks} == {"awesome-lora validate", "awesome-lora build --check"}
