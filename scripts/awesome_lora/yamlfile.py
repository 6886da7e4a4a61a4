"""Parsing YAML with the libyaml C loader, keeping the line of every value for error reports.

PyYAML silently keeps the last of two equal keys; here a repeated key is an error, because in a
hand-edited record it almost always means a lost value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

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


def load_yaml(text: str) -> Any:
    """The values of one YAML document, as PyYAML's safe loader gives them, but a repeated key is an error.

    The fast path, for files that turn out valid: no line is recorded. Raises :class:`YamlError`.
    """
    return _compose(text, lambda loader, node: _Values(loader).build(node))


def parse_yaml(text: str) -> YamlDocument:
    """The values and the line of each value (for messages); raises :class:`YamlError` with the line."""

    def build(loader, node: yaml.Node) -> YamlDocument:
        lines: dict[Location, int] = {}
        return YamlDocument(data=_LocatedValues(loader, lines).build(node, ()), lines=lines)

    document = _compose(text, build)
    return YamlDocument(data=None) if document is None else document


_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"


class _Composer(Loader):
    """The safe loader, with the tag of each plain value resolved by the same rules in a fraction of the time.

    PyYAML asks the resolver, in Python, about every node (the C parser included): half of what parsing
    a record costs. The safe loader has no path resolvers, so the question reduces to a lookup by the
    value's first character (``True``, ``~``, ``12``…); everything else is a string.
    """

    _implicit: ClassVar[dict[str, tuple[tuple[str, re.Pattern[str]], ...]]] = {
        first: tuple(resolvers) + tuple(Loader.yaml_implicit_resolvers.get(None, ()))
        for first, resolvers in Loader.yaml_implicit_resolvers.items()
        if first is not None
    }
    assert not Loader.yaml_path_resolvers, "path resolvers need PyYAML's own resolve()"

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, pattern in self._implicit.get(value[:1], ()):
                    if pattern.match(value):
                        return tag
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass  # only path resolvers need to follow the path

    def ascend_resolver(self) -> None:
        pass


def _compose(text: str, build: Callable[[Any, yaml.Node], Any]) -> Any:
    loader = _Composer(text)
    try:
        node = loader.get_single_node()
        return None if node is None else build(loader, node)
    except yaml.MarkedYAMLError as error:
        raise _located(error) from None
    except yaml.YAMLError as error:
        raise YamlError(1, f"invalid YAML: {error}") from None
    finally:
        loader.dispose()


_Scalar, _Sequence = yaml.ScalarNode, yaml.SequenceNode  # nodes are built as exactly these classes


def _for_constructor(node: yaml.Node) -> bool:
    """Collections left whole to PyYAML's constructor: other tags (``!!set``, ``!!omap``) and merge keys."""
    if node.tag not in (_SEQ, _MAP):
        return True
    return type(node) is not _Sequence and any(key.tag == _MERGE for key, _ in node.value)


class _Values:
    """Python values from composed nodes.

    Plain strings, the bulk of a record, are taken straight from the node; every other scalar goes
    through the safe loader's own constructor for its tag, so values are exactly PyYAML's. Mappings
    with merge keys (``<<``) and collections with other tags (``!!set``, ``!!omap``) are left whole to
    PyYAML's constructor. An alias gets the object already built for its anchor (never walked twice: a
    nest of aliases cannot blow up).
    """

    def __init__(self, loader) -> None:
        self.loader = loader
        self.built: dict[int, Any] = {}  # node id → value, for collections

    def build(self, node: yaml.Node) -> Any:
        if type(node) is _Scalar:
            return node.value if node.tag == _STR else self.loader.construct_object(node)
        if id(node) in self.built:
            return self.built[id(node)]
        if _for_constructor(node):
            value = self.built[id(node)] = self.loader.construct_object(node, deep=True)
            return value
        if type(node) is _Sequence:
            value = self.built[id(node)] = []
            value.extend(
                item.value if type(item) is _Scalar and item.tag == _STR else self.build(item) for item in node.value
            )
            return value
        mapping = self.built[id(node)] = {}
        for key_node, value_node in node.value:
            key = key_node.value if type(key_node) is _Scalar and key_node.tag == _STR else self.key(key_node)
            if key in mapping:
                raise self.duplicate(key, key_node, node)
            is_text = type(value_node) is _Scalar and value_node.tag == _STR
            mapping[key] = value_node.value if is_text else self.build(value_node)
        return mapping

    def key(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise YamlError(node.start_mark.line + 1, "invalid YAML: a key must be a plain value")
        return node.value if node.tag == _STR else self.loader.construct_object(node)

    def duplicate(self, key: Any, key_node: yaml.Node, mapping: yaml.MappingNode) -> YamlError:
        first = next(k for k, _ in mapping.value if self.key(k) == key)
        line = key_node.start_mark.line + 1
        return YamlError(line, f"duplicate key '{key}' (first on line {first.start_mark.line + 1})")


class _LocatedValues(_Values):
    """The same values, recording the line of each on the way (one pass, not two)."""

    def __init__(self, loader, lines: dict[Location, int]) -> None:
        super().__init__(loader)
        self.lines = lines

    def build(self, node: yaml.Node, location: Location = ()) -> Any:  # type: ignore[override]
        self.lines.setdefault(location, node.start_mark.line + 1)
        if type(node) is _Scalar or id(node) in self.built or _for_constructor(node):
            return super().build(node)
        if type(node) is _Sequence:
            value = self.built[id(node)] = []
            value.extend(self.build(item, (*location, index)) for index, item in enumerate(node.value))
            return value
        mapping = self.built[id(node)] = {}
        for key_node, value_node in node.value:
            key = self.key(key_node)
            if key in mapping:
                raise self.duplicate(key, key_node, node)
            self.lines[(*location, key)] = key_node.start_mark.line + 1
            mapping[key] = self.build(value_node, (*location, key))
        return mapping


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
