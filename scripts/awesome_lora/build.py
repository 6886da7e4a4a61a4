"""The generated files of the repository: what the records produce, and writing or checking them."""

from __future__ import annotations

from pathlib import Path

from .catalog import Catalog, load_catalog
from .editor_schema import SCHEMA_FILE, render_json_schema
from .files import write_atomic
from .render import LISTS_DIR, EntryRenderer, render_issue_form, render_markdown_files
from .state import SITE_DIR

ISSUE_FORM = ".github/ISSUE_TEMPLATE/suggest-a-paper.yml"


def load_for_build(root: Path) -> Catalog:
    """The catalog, each paper's README entry rendered as it is loaded (in the loading workers of a long list)."""
    return load_catalog(root, prepare=[EntryRenderer.for_list(root)])


def generated_files(catalog: Catalog) -> dict[str, str]:
    """Repository path → content of every file the build writes into the repository."""
    return {
        **render_markdown_files(catalog),
        SCHEMA_FILE: render_json_schema(catalog.taxonomy),
        ISSUE_FORM: render_issue_form(catalog),
    }


def leftover_files(root: Path, files: dict[str, str]) -> list[str]:
    """Pages under lists/ that an earlier build wrote and the records no longer produce."""
    folder = root / LISTS_DIR
    if not folder.is_dir():
        return []
    return sorted(f"{LISTS_DIR}/{p.name}" for p in folder.glob("*.md") if f"{LISTS_DIR}/{p.name}" not in files)


def stale_files(root: Path, files: dict[str, str]) -> list[str]:
    """Generated files whose content on disk differs from what the records produce, or that should go."""
    stale = []
    for name, content in files.items():
        try:
            current = (root / name).read_bytes()
        except FileNotFoundError:
            current = None
        if current != content.encode("utf-8"):
            stale.append(name)
    return stale + leftover_files(root, files)


def write_files(root: Path, files: dict[str, str]) -> list[str]:
    """Write the files that changed (each atomically) and remove leftover pages; return what changed."""
    leftovers = leftover_files(root, files)
    changed = [name for name in stale_files(root, files) if name not in leftovers]
    for name in changed:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        write_atomic(root / name, files[name])
    for name in leftovers:
        (root / name).unlink()
    return changed + leftovers


def publish(root: Path, catalog: Catalog, files: dict[str, str], with_site: bool = True) -> list[str]:
    """Build the site into a temporary folder first; only when that worked, write the repository's files
    and put the new site in place of the old one. A build that fails leaves README.md and the site as
    they were."""
    if not with_site:
        return write_files(root, files)
    import shutil
    import tempfile

    from .site import build_site

    with tempfile.TemporaryDirectory(dir=root, prefix=".build-") as work:
        staged = Path(work) / SITE_DIR
        build_site(root, site_dir=staged, catalog=catalog)
        changed = write_files(root, files)
        target = root / SITE_DIR
        if target.exists():
            target.rename(Path(work) / "previous")  # removed with the temporary folder
        staged.rename(target)
        shutil.rmtree(Path(work) / "previous", ignore_errors=True)
    return changed
