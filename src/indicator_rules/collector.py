"""The cyclic garbage collector during a checking run: young objects collected less often.

Checking allocates container objects fast — each declaration read is a few dozen model objects,
each finding a few more — and makes almost no reference cycles: the declarations, values and
reports are trees, freed by reference counting the moment they are dropped (checking the
sample forms, or 2,000 forms of the benchmark corpus, leaves no cyclic garbage at all). With
its default young-generation threshold of 700 allocations, CPython's collector (3.11–3.13)
still runs hundreds of times a run; every tenth of those passes also looks at the middle
generation, every tenth of those at the whole heap (once it has grown by a quarter) — where the
declarations of a batch sit, read whole when batch rules compare forms. On the benchmark's
end-to-end run that was 10–14% of the time (docs/performance.md), although only 1–2% of the
instructions: walking a large heap misses the processor's caches.

:func:`gc_for_checking` collects the young generation every :data:`YOUNG_THRESHOLD`
allocations instead, for the length of a ``with`` block. Cycles are still collected, only in
larger steps (every 100,000 net allocations of container objects). The command line checks
under it, and the worker processes of ``jobs=N`` (the library's own) keep it for their life
(:func:`raise_young_threshold`); a program that imports the library decides for itself, as it
owns its process.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

__all__ = ["YOUNG_THRESHOLD", "gc_for_checking", "raise_young_threshold"]

#: Allocations (less deallocations) of container objects between two collections of the
#: young generation while checking; CPython's default is 700.
YOUNG_THRESHOLD = 100_000

_lock = threading.Lock()
_depth = 0  # the gc_for_checking blocks entered and not yet left, in every thread
#: what the outermost block changed: the thresholds before, and the young one it set
_changed: tuple[tuple[int, ...], int] | None = None


def _checked(threshold: int) -> int:
    if threshold < 1:
        raise ValueError(f"the young generation's threshold must be at least 1, got {threshold}")
    return threshold


def raise_young_threshold(threshold: int = YOUNG_THRESHOLD) -> tuple[int, ...]:
    """For the rest of the process: collect the young generation every ``threshold``
    allocations, unless the process already waits longer or has automatic collection switched
    off with a threshold of 0 (both are left as they are). The older generations' thresholds
    are kept, and ``gc.disable()`` is not undone. Returns the thresholds before (for
    :func:`gc.set_threshold`). For a process that does nothing but check, such as a worker."""
    _checked(threshold)
    before = gc.get_threshold()
    if 0 < before[0] < threshold:
        gc.set_threshold(threshold, *before[1:])
    return before


@contextlib.contextmanager
def gc_for_checking(threshold: int = YOUNG_THRESHOLD) -> Iterator[None]:
    """Inside the block, the cyclic garbage collector's young generation is collected every
    ``threshold`` allocations (100,000; CPython's default is 700); afterwards the thresholds
    are what they were.

    A threshold the process already set higher, or 0 (automatic collection off), is left
    alone, as are the older generations' thresholds and ``gc.disable()``. The setting is the
    process's: it holds for every thread while any block is open. Blocks may nest and overlap
    (threads, generators closed late): the first one in sets the threshold, the last one out
    puts back what was there before — unless something else changed it meanwhile, which is
    then kept.

    >>> from indicator_rules import check_items, gc_for_checking, load_ruleset, read_inputs
    >>> with gc_for_checking():
    ...     reports = [entry for entry in check_items(load_ruleset("mof-2021"),
    ...                                               read_inputs(["examples/"]))]
    """
    _enter(_checked(threshold))
    try:
        yield
    finally:
        _leave()


def _enter(threshold: int) -> None:
    global _depth, _changed
    with _lock:
        _depth += 1
        if _depth == 1:
            before = raise_young_threshold(threshold)
            set_to = gc.get_threshold()[0]
            _changed = (before, set_to) if set_to != before[0] else None


def _leave() -> None:
    global _depth, _changed
    with _lock:
        _depth -= 1
        if _depth == 0 and _changed is not None:
            before, set_to = _changed
            _changed = None
            if gc.get_threshold()[0] == set_to:  # not changed by anyone else meanwhile
                gc.set_threshold(*before)
