"""The whole list in memory: the taxonomy, every valid record, and every problem found on the way.

Files are read once, here; everything downstream (README, site, exports) works from a :class:`Catalog`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .problems import Problem
from .records import Record, load_records, record_files, validation_context
from .rules import check_list
from .schema import Paper
from .taxonomy import Taxonomy

TAXONOMY_FILE = "taxonomy.yaml"
PAPERS_DIR = "papers"


@dataclass
class Catalog:
    root: Path
    taxonomy: Taxonomy
    records: list[Record]
    problems: list[Problem] = field(default_factory=list)

    @cached_property
    def papers(self) -> list[Paper]:
        """Every paper, newest first (then by title), the order of 'latest' lists and exports."""
        return sorted((r.paper for r in self.records), key=lambda p: (p.date, p.title.casefold()), reverse=True)

    @cached_property
    def by_category(self) -> dict[str, list[Paper]]:
        """Leaf id → its papers in reading order: oldest first, as the survey lists them."""
        groups: dict[str, list[Paper]] = defaultdict(list)
        for paper in sorted((r.paper for r in self.records), key=lambda p: (p.date, p.title.casefold(), p.id)):
            for category in paper.categories:
                groups[category].append(paper)
        return dict(groups)

    @cached_property
    def counts(self) -> dict[str, int]:
        """Node id → distinct papers filed anywhere under it (a paper in two of its leaves counts once)."""
        counts: dict[str, int] = dict.fromkeys((placed.node.id for placed in self.taxonomy), 0)
        for record in self.records:
            nodes = set()
            for leaf in record.paper.categories:
                nodes.add(leaf)
                nodes.update(ancestor.id for ancestor in self.taxonomy[leaf].ancestors)
            for node in nodes:
                counts[node] += 1
        return counts

    def count_under(self, node_id: str) -> int:
        return self.counts.get(node_id, 0)


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bulk step.

    Loading and rendering allocate hundreds of thousands of objects that form no reference cycles;
    the collector would rescan the whole growing heap again and again (about 30% of the time at 20,000
    records). Reference counting still frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_catalog(root: Path, today: dt.date | None = None) -> Catalog:
    """Load ``taxonomy.yaml`` and ``papers/`` under ``root``; never stops at the first bad record.

    Raises :class:`~awesome_lora.problems.ProblemsFound` only when the taxonomy itself is broken.
    """
    taxonomy = Taxonomy.load(root / TAXONOMY_FILE, TAXONOMY_FILE)
    context = validation_context(taxonomy, today)
    with paused_gc():
        records, problems = load_records(record_files(root / PAPERS_DIR), root, context)
        problems += check_list(records)
    return Catalog(root, taxonomy, records, sorted(problems))
