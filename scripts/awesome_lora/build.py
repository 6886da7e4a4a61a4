"""The generated files of the repository: what the records produce, and writing or checking them."""

from __future__ import annotations

from pathlib import Path

from .catalog import Catalog
from .editor_schema import SCHEMA_FILE, render_json_schema
from .files import write_atomic
from .render import render_issue_form, render_readme

README = "README.md"
ISSUE_FORM = ".github/ISSUE_TEMPLATE/suggest-a-paper.yml"


def generated_files(catalog: Catalog) -> dict[str, str]:
    """Repository path → content of every file the build writes into the repository."""
    return {
        README: render_readme(catalog),
        SCHEMA_FILE: render_json_schema(catalog.taxonomy),
        ISSUE_FORM: render_issue_form(catalog),
    }


def stale_files(root: Path, files: dict[str, str]) -> list[str]:
    """Generated files whose content on disk differs from what the records produce."""
    stale = []
    for name, content in files.items():
        path = root / name
        try:
            current = path.read_bytes()
        except FileNotFoundError:
            current = None
        if current != content.encode("utf-8"):
            stale.append(name)
    return stale


def write_files(root: Path, files: dict[str, str]) -> list[str]:
    """Write the files that changed (atomically); return their names. Unchanged files are not touched."""
    changed = stale_files(root, files)
    for name in changed:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        write_atomic(root / name, files[name])
    return changed
