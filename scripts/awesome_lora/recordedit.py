"""Changing single fields of a record file in place, leaving every other line as its author wrote it.

Used by commands that correct records (``audit --fix``): rewriting the whole file in the tool's format would
also drop a contributor's comments and reorder their fields, which is more than was asked.
"""

from __future__ import annotations

from typing import Any

import yaml

from .yamlfile import Loader, dump_yaml


def replace_fields(text: str, changes: dict[str, Any]) -> str:
    """``text`` with each top-level field in ``changes`` set to its new value (added at the end if absent)."""
    loader = Loader(text)
    try:
        root = loader.get_single_node()
    finally:
        loader.dispose()
    if not isinstance(root, yaml.MappingNode):
        raise ValueError("the record is not a mapping of fields")
    lines = text.splitlines(keepends=True)
    spans: dict[str, tuple[int, int]] = {}
    entries = root.value
    for index, (key, value) in enumerate(entries):
        start = key.start_mark.line
        end = entries[index + 1][0].start_mark.line if index + 1 < len(entries) else _end_line(value, lines)
        spans[key.value] = (start, end)
    # Replace from the bottom up, so earlier line numbers stay right.
    for field, (start, end) in sorted(((f, spans[f]) for f in changes if f in spans), key=lambda item: -item[1][0]):
        while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
            end -= 1  # blank lines and comments after the value belong to what follows: keep them
        lines[start:end] = [dump_yaml({field: changes[field]})]
    added = [dump_yaml({field: value}) for field, value in changes.items() if field not in spans]
    if added and lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return "".join(lines + added)


def _end_line(value: yaml.Node, lines: list[str]) -> int:
    """The line after the last field's value (a block value's end mark sits on the line after it)."""
    end = value.end_mark.line + (1 if value.end_mark.column > 0 else 0)
    return min(max(end, value.start_mark.line + 1), len(lines))
