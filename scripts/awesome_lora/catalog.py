"""The whole list in memory: the taxonomy, every valid record, and every problem found on the way.

Files are read once, here; everything downstream (README, site, exports) works from a :class:`Catalog`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
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

    def count_under(self, node_id: str) -> int:
        """Distinct papers filed anywhere under a node (a paper in two of its leaves counts once)."""
        leaves = {
            leaf
            for leaf in self.taxonomy.leaf_ids
            if leaf == node_id or node_id in (a.id for a in self.taxonomy[leaf].ancestors)
        }
        return len({p.id for leaf in leaves for p in self.by_category.get(leaf, [])})


def load_catalog(root: Path, today: dt.date | None = None) -> Catalog:
    """Load ``taxonomy.yaml`` and ``papers/`` under ``root``; never stops at the first bad record.

    Raises :class:`~awesome_lora.problems.ProblemsFound` only when the taxonomy itself is broken.
    """
    taxonomy = Taxonomy.load(root / TAXONOMY_FILE, TAXONOMY_FILE)
    context = validation_context(taxonomy, today)
    records, problems = load_records(record_files(root / PAPERS_DIR), root, context)
    problems += check_list(records)
    return Catalog(root, taxonomy, records, sorted(problems))
