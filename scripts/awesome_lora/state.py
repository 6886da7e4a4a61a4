"""Remembering the last build, so that a build with nothing changed returns at once.

The inputs are fingerprinted by the size and modification time of every file the build reads (records,
taxonomy, templates, site sources, the tool's own code): a stat, not a read, which takes well under a
second for 20,000 records. The outputs are fingerprinted the same way, so a generated file edited or
deleted since is noticed too. Anything changed, added or removed means a full build.

This module imports nothing heavy: it runs before pydantic, Jinja or MkDocs are loaded.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from . import __version__
from .files import write_atomic

STATE_FILE = ".cache/awesome-lora/build-state.json"
# What the build reads, relative to the project root: files, and folders read recursively.
INPUTS = ("papers", "taxonomy.yaml", "templates", "mkdocs.yml", "site", "data")
SITE_DIR = "public"
# Everything `build` writes (folders as a whole): a change to any of them means the next build runs in full.
OUTPUTS = ("README.md", "lists", "schema", ".github/ISSUE_TEMPLATE", SITE_DIR)


def _walk(path: Path) -> Iterable[os.DirEntry[str] | Path]:
    if path.is_file():
        yield path
        return
    if not path.is_dir():
        return
    with os.scandir(path) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(Path(entry.path))
            else:
                yield entry


def fingerprint(root: Path, paths: Iterable[str]) -> str:
    """A digest of (name, size, modification time) of every file under ``paths``."""
    rows = []
    for name in paths:
        for item in _walk(root / name):
            stat = item.stat()
            rows.append(f"{os.fspath(item)}\0{stat.st_size}\0{stat.st_mtime_ns}")
    rows.sort()
    return hashlib.sha256("\n".join(rows).encode("utf-8", "surrogateescape")).hexdigest()


def _inputs(root: Path) -> str:
    package = Path(__file__).resolve().parent
    return f"{__version__}:{fingerprint(root, INPUTS)}:{fingerprint(package, ['.'])}"


def up_to_date(root: Path, outputs: Iterable[str]) -> bool:
    """True when neither the inputs nor the outputs changed since the last successful build."""
    try:
        state = json.loads((root / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    outputs = sorted(outputs)
    return (
        state.get("outputs_list") == outputs
        and state.get("inputs") == _inputs(root)
        and state.get("outputs") == fingerprint(root, outputs)
    )


def remember(root: Path, outputs: Iterable[str]) -> None:
    """Record a successful build (its inputs and outputs as they are now)."""
    outputs = sorted(outputs)
    state = {"inputs": _inputs(root), "outputs_list": outputs, "outputs": fingerprint(root, outputs)}
    path = root / STATE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(state, indent=1) + "\n")


def forget(root: Path) -> None:
    (root / STATE_FILE).unlink(missing_ok=True)
