"""The category tree (``taxonomy.yaml``): the survey's sections, subsections and leaves."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from .problems import Problem, ProblemsFound
from .validation import problems_from_validation_error
from .yamlfile import YamlError, parse_yaml

NodeId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60)]
OneLine = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f\x7f]+$", strip_whitespace=False, min_length=1)]


class TaxonomyNode(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    id: NodeId
    title: OneLine
    description: OneLine
    extension: bool = False
    children: list[TaxonomyNode] = []

    @property
    def is_leaf(self) -> bool:
        return not self.children


class TaxonomyFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    sections: list[TaxonomyNode] = Field(min_length=1)


@dataclass(frozen=True)
class Placed:
    """A node with where it sits: its depth (1 = section) and the chain of ancestors above it."""

    node: TaxonomyNode
    depth: int
    ancestors: tuple[TaxonomyNode, ...]

    @property
    def section(self) -> TaxonomyNode:
        return self.ancestors[0] if self.ancestors else self.node


class Taxonomy:
    """The validated tree with lookups by id; iteration is in the file's (the survey's) order."""

    def __init__(self, sections: list[TaxonomyNode]) -> None:
        self.sections = sections
        self._placed: dict[str, Placed] = {}
        for placed in self._walk(sections, 1, ()):
            self._placed.setdefault(placed.node.id, placed)
        self.leaf_ids: tuple[str, ...] = tuple(p.node.id for p in self._placed.values() if p.node.is_leaf)
        self._leaf_set = frozenset(self.leaf_ids)

    @classmethod
    def _walk(cls, nodes: list[TaxonomyNode], depth: int, ancestors: tuple[TaxonomyNode, ...]) -> Iterator[Placed]:
        for node in nodes:
            yield Placed(node, depth, ancestors)
            yield from cls._walk(node.children, depth + 1, (*ancestors, node))

    def __iter__(self) -> Iterator[Placed]:
        return iter(self._placed.values())

    def __getitem__(self, node_id: str) -> Placed:
        return self._placed[node_id]

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._placed

    def is_leaf(self, node_id: str) -> bool:
        return node_id in self._leaf_set

    def closest_leaves(self, wrong: str, count: int = 3) -> list[str]:
        """Leaf ids that look like ``wrong``: its leaves if it is a section, else the nearest spellings."""
        if wrong in self._placed:
            return [leaf for leaf in self.leaf_ids if wrong in (a.id for a in self._placed[leaf].ancestors)][:count]
        import difflib  # here: it is needed only for a message

        by_title = {p.node.title.casefold(): p.node.id for p in self._placed.values() if p.node.is_leaf}
        close = difflib.get_close_matches(wrong, self.leaf_ids, n=count, cutoff=0.5)
        close += [by_title[t] for t in difflib.get_close_matches(wrong.casefold(), by_title, n=count, cutoff=0.6)]
        return list(dict.fromkeys(close))[:count]

    @classmethod
    def load(cls, path: Path, display: str | None = None) -> Taxonomy:
        """Read and check ``taxonomy.yaml``; raise :class:`ProblemsFound` listing every problem."""
        display = display or path.name
        try:
            document = parse_yaml(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise ProblemsFound([Problem(display, 1, "", f"cannot read the taxonomy: {error}")]) from None
        except YamlError as error:
            raise ProblemsFound([Problem(display, error.line, "", error.message)]) from None
        try:
            parsed = TaxonomyFile.model_validate(document.data)
        except ValidationError as error:
            raise ProblemsFound(problems_from_validation_error(error, display, document, "taxonomy")) from None
        taxonomy = cls(parsed.sections)
        problems = list(taxonomy._duplicate_ids(display, document))
        if problems:
            raise ProblemsFound(problems)
        return taxonomy

    def _duplicate_ids(self, display: str, document) -> Iterator[Problem]:
        seen: set[str] = set()
        for placed in self._walk(self.sections, 1, ()):
            if placed.node.id in seen:
                yield Problem(display, 1, "id", f"'{placed.node.id}' is used by more than one node", "taxonomy")
            seen.add(placed.node.id)
