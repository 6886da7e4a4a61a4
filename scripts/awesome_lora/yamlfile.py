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
        return YamlDocument(data=_Builder(loader, lines).build(node, ()), lines=lines)
    except yaml.MarkedYAMLError as error:
        raise _located(error) from None
    except yaml.YAMLError as error:
        raise YamlError(1, f"invalid YAML: {error}") from None
    finally:
        loader.dispose()


_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"


class _Builder:
    """Python values from composed nodes, recording each value's line on the way (one pass, not two).

    Plain strings, the bulk of a record, are taken straight from the node; every other scalar goes
    through the safe loader's own constructor for its tag, so values are exactly PyYAML's. Documents
    with merge keys (``<<``) are left whole to PyYAML's constructor.
    """

    def __init__(self, loader, lines: dict[Location, int]) -> None:
        self.loader = loader
        self.lines = lines
        self.built: dict[int, Any] = {}  # node id → value: an alias gets the same object, and is walked once

    def build(self, node: yaml.Node, location: Location) -> Any:
        self.lines.setdefault(location, node.start_mark.line + 1)
        if id(node) in self.built:
            return self.built[id(node)]
        if isinstance(node, yaml.ScalarNode):
            value = node.value if node.tag == _STR else self.loader.construct_object(node)
        elif isinstance(node, yaml.SequenceNode):
            value = self.built[id(node)] = []
            value.extend(self.build(item, (*location, index)) for index, item in enumerate(node.value))
        elif isinstance(node, yaml.MappingNode):
            if any(key.tag == _MERGE for key, _ in node.value):
                value = self.loader.construct_object(node, deep=True)
            else:
                value = self.built[id(node)] = {}
                self._fill(node, location, value)
        else:  # pragma: no cover - the composer makes only these three kinds
            value = self.loader.construct_object(node, deep=True)
        self.built[id(node)] = value
        return value

    def _fill(self, node: yaml.MappingNode, location: Location, mapping: dict[Any, Any]) -> None:
        first_lines: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError(key_node.start_mark.line + 1, "invalid YAML: a key must be a plain value")
            key = key_node.value if key_node.tag == _STR else self.loader.construct_object(key_node)
            line = key_node.start_mark.line + 1
            if key in first_lines:
                raise YamlError(line, f"duplicate key '{key}' (first on line {first_lines[key]})")
            first_lines[key] = line
            self.lines[(*location, key)] = line
            mapping[key] = self.build(value_node, (*location, key))


def _located(error: yaml.MarkedYAMLError) -> YamlError:
    """The error at the line a person should look at: for a quote never closed, where it opens."""
    if error.context_mark is not None and "quoted scalar" in (error.context or ""):
        return YamlError(error.context_mark.line + 1, "invalid YAML: a quoted value starts here and is never closed")
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else 1
    return YamlError(line, "invalid YAML: " + " ".join(part for part in (error.context, error.problem) if part))


def dump_yaml(data: Any) -> str:
    """Block-style YAML in the given key order, readable by people (unicode kept, long lines kept)."""
    return yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=10_000, default_flow_style=False)
