"""The whole list in memory: the taxonomy, every valid record, and every problem found on the way.

Files are read once, here; everything downstream (README, site, exports) works from a :class:`Catalog`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from .problems import Problem
from .records import PaperWork, Record, load_records, validation_context
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
    # What each function given to load_catalog(prepare=…) returned: function → paper id → its result.
    prepared: dict[PaperWork, dict[str, Any]] = field(default_factory=dict)

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
        # Papers filed under the same leaves count alike: work out each combination's nodes once.
        combinations = Counter(frozenset(record.paper.categories) for record in self.records)
        for leaves, papers in combinations.items():
            nodes = set(leaves)
            for leaf in leaves:
                nodes.update(ancestor.id for ancestor in self.taxonomy[leaf].ancestors)
            for node in nodes:
                counts[node] += papers
        return counts

    def count_under(self, node_id: str) -> int:
        return self.counts.get(node_id, 0)


FREEZE_ABOVE = 100_000  # objects left by a bulk step (a list of several thousand records): kept out of collections


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
            if gc.get_count()[0] > FREEZE_ABOVE:
                # A large catalog stays for the rest of the run: set it aside, or the first collection after
                # this walks all of it (0.2 s at 20,000 records). Reference counting still frees it.
                gc.freeze()
            gc.enable()


def load_catalog(root: Path, today: dt.date | None = None, *, prepare: Sequence[PaperWork] = ()) -> Catalog:
    """Load ``taxonomy.yaml`` and ``papers/`` under ``root``; never stops at the first bad record.

    ``prepare``: functions of a paper to run while loading, in the loading workers (rendering each paper's
    README entry, say); their results are in :attr:`Catalog.prepared`.

    Raises :class:`~awesome_lora.problems.ProblemsFound` only when the taxonomy itself is broken.
    """
    taxonomy = Taxonomy.load(root / TAXONOMY_FILE, TAXONOMY_FILE)
    context = validation_context(taxonomy, today)
    with paused_gc():
        records, problems, results = load_records(root / PAPERS_DIR, root, context, prepare)
        problems += check_list(records)
        prepared = {
            work: {record.paper.id: values[index] for record, values in zip(records, results, strict=True)}
            for index, work in enumerate(prepare)
        }
    return Catalog(root, taxonomy, records, sorted(problems), prepared)
