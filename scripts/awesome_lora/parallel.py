"""Per-item work over a long list, spread over the machine's cores; a short list is done right here.

Worker processes are forked, so they start with everything this process already holds (the items, the
taxonomy, compiled templates): nothing is sent to them but a range of positions, and only the results
come back. Work is handed out in several chunks per worker so that this process takes in the results of
the first chunks while the workers go on with the rest. Results keep the order of the items.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

PARALLEL_MIN_ITEMS = 1_000  # below this, starting worker processes costs more than it saves
MAX_WORKERS = 8
CHUNKS_PER_WORKER = 4

_TASK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None  # set before forking, read by the workers


def workers_available() -> int:
    """How many worker processes a large list gets: one per core (up to 8), or none without ``fork``."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        cores = len(os.sched_getaffinity(0))  # the cores this process may use, not all the machine has
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    return min(cores, MAX_WORKERS)


def parallel_map(
    function: Callable[[Item], Result], items: Sequence[Item], *, minimum: int | None = None
) -> list[Result]:
    """``[function(item) for item in items]``, on all cores when there are at least ``minimum`` items
    (:data:`PARALLEL_MIN_ITEMS` unless given).

    ``function`` may be any callable, a closure too: the workers inherit it by forking, it is never pickled.
    Its results are (they travel back), so they should be plain data.
    """
    if len(items) < (PARALLEL_MIN_ITEMS if minimum is None else minimum) or (workers := workers_available()) < 2:
        return [function(item) for item in items]
    import multiprocessing  # only now: a short list never needs it

    size = max(1, -(-len(items) // (workers * CHUNKS_PER_WORKER)))
    ranges = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    global _TASK
    _TASK = (function, items)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return [result for chunk in pool.imap(_run_range, ranges) for result in chunk]
    finally:
        _TASK = None


def _run_range(bounds: tuple[int, int]) -> list[Any]:
    assert _TASK is not None, "parallel_map's worker started without a task"
    function, items = _TASK
    return [function(items[index]) for index in range(*bounds)]
