"""Shared fixtures: a throw-away copy of the project to break, and record helpers."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from awesome_lora.records import record_text
from awesome_lora.yamlfile import dump_yaml

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "tests" / "fixtures" / "seeds"  # copies of the two documents the project started from
SURVEY_SEED = SEEDS / "survey-readme-skeleton.md"
LIST_SEED = SEEDS / "foundations-and-frontiers.md"
SEED_MAP = REPO / "scripts" / "import_maps" / "foundations-and-frontiers.yaml"


def minimal_record(record_id: str = "dora", **overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": record_id,
        "title": "DoRA: Weight-Decomposed Low-Rank Adaptation",
        "authors": ["Shih-Yang Liu", "Min-Hung Chen"],
        "venue": "ICML 2024",
        "date": "2024-02",
        "arxiv": "2402.09353",
        "code": ["https://github.com/NVlabs/DoRA"],
        "categories": ["gradient-update-optimization"],
        "added": dt.date(2026, 11, 23),
    }
    record.update(overrides)
    return {key: value for key, value in record.items() if value is not None}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project (real taxonomy and templates, no papers) in a temporary folder."""
    for name in ("taxonomy.yaml",):
        shutil.copy(REPO / name, tmp_path / name)
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    (tmp_path / "papers").mkdir()
    return tmp_path


@pytest.fixture
def write_record(project: Path) -> Callable[..., Path]:
    """Write papers/<id>.yaml from fields (a dict, dumped as YAML) or from raw text."""

    def write(record_id: str = "dora", text: str | None = None, **fields: Any) -> Path:
        path = project / "papers" / f"{record_id}.yaml"
        if text is None:
            text = dump_yaml(minimal_record(record_id, **fields))
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def shipped_project(tmp_path: Path) -> Path:
    """A copy of the project as shipped (records, site sources and generated files), safe to modify."""
    from .site_fixtures import copy_site_inputs

    root = copy_site_inputs(tmp_path / "repo")
    shutil.copy(REPO / "README.md", root / "README.md")
    for folder in ("papers", "schema", ".github/ISSUE_TEMPLATE"):
        shutil.copytree(REPO / folder, root / folder, dirs_exist_ok=True)
    return root


@pytest.fixture
def small_site_project(tmp_path: Path) -> Path:
    """A project with the real site sources and a handful of records: quick to build in full."""
    from .site_fixtures import make_project

    return make_project(tmp_path / "small")


__all__ = ["LIST_SEED", "REPO", "SEED_MAP", "SURVEY_SEED", "minimal_record", "record_text"]
