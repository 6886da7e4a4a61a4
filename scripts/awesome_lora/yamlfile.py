"""Parsing YAML with the libyaml C loader, keeping the line of every value for error reports.

PyYAML silently keeps the last of two equal keys; here a repeated key is an error, because in a
hand-edited record it almost always means a lost value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Dumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

Location = tuple[str | int, ...]


class YamlError(Exception):
    """A file that is not well-formed YAML, or repeats a key; ``line`` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class YamlDocument:
    data: Any
    lines: dict[Location, int] = field(default_factory=dict)

    def line_of(self, location: Location) -> int:
        """The line of ``location``, or of its closest enclosing value that has one."""
        while location:
            if location in self.lines:
                return self.lines[location]
            location = location[:-1]
        return self.lines.get((), 1)


def parse_yaml(text: str) -> YamlDocument:
    """Parse one YAML document; raise :class:`YamlError` with the offending line."""
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(data=None)
        lines: dict[Location, int] = {}
        _index_lines(node, (), lines, set())
        return YamlDocument(data=loader.construct_document(node), lines=lines)
    except yaml.MarkedYAMLError as error:
        raise _located(error) from None
    except yaml.YAMLError as error:
        raise YamlError(1, f"invalid YAML: {error}") from None
    finally:
        loader.dispose()


def _located(error: yaml.MarkedYAMLError) -> YamlError:
    """The error at the line a person should look at: for a quote never closed, where it opens."""
    if error.context_mark is not None and "quoted scalar" in (error.context or ""):
        return YamlError(error.context_mark.line + 1, "invalid YAML: a quoted value starts here and is never closed")
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else 1
    return YamlError(line, "invalid YAML: " + " ".join(part for part in (error.context, error.problem) if part))


def _index_lines(node: yaml.Node, location: Location, lines: dict[Location, int], seen: set[int]) -> None:
    lines.setdefault(location, node.start_mark.line + 1)
    if id(node) in seen:  # an alias: its lines are indexed where it was defined (and no alias bombs)
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else repr(key_node.value)
            line = key_node.start_mark.line + 1
            if key in keys:
                raise YamlError(line, f"duplicate key '{key}' (first on line {keys[key]})")
            keys[key] = line
            lines[(*location, key)] = line
            _index_lines(value_node, (*location, key), lines, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_lines(item, (*location, index), lines, seen)


def dump_yaml(data: Any) -> str:
    """Block-style YAML in the given key order, readable by people (unicode kept, long lines kept)."""
    return yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=10_000, default_flow_style=False)
