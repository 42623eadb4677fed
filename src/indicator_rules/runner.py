"""Checking a stream of declarations with a ruleset: as they come, in worker processes, or as
one batch when the ruleset compares forms with each other.

:func:`check_items` keeps the order of its input whatever ``jobs`` is, so ``--jobs 4`` prints
exactly what ``--jobs 1`` prints. Without batch rules it streams: memory stays flat however many
declarations pass through (at most a window of chunks is in flight). With batch rules
(``applies to batch``) every declaration must be seen before the batch rules can run, so the
stream is read whole first; each declaration's own rules still run in the workers, while this
process runs the batch rules; where processes fork, the workers inherit the declarations read
and are sent only which ones to check.
"""

from __future__ import annotations

import collections
import multiprocessing
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeAlias

import attrs

from indicator_rules.collector import raise_young_threshold
from indicator_rules.engine import CompiledRule, run_batch, run_rules
from indicator_rules.findings import Report
from indicator_rules.intake import InputError, InputItem
from indicator_rules.model import Declaration
from indicator_rules.ruleset import Ruleset, load_ruleset

__all__ = ["Checked", "check_items", "merge_reports"]

#: What :func:`check_items` yields for a declaration: the item read and its report.
Checked: TypeAlias = tuple[InputItem, Report]

#: Declarations sent to a worker at a time, and chunks in flight per worker.
CHUNK = 32
WINDOW_PER_JOB = 4

_worker_rules: tuple[CompiledRule, ...] = ()
#: the declarations read whole (batch rules), inherited by forked workers: they are sent no
#: declarations, only which ones to check
_worker_declarations: Sequence[Declaration] = ()


def merge_reports(own: Report, batch: Report) -> Report:
    """One declaration's report from its own rules and from the batch rules: findings in that
    order, counts added, a waiver unused only when neither part used it — what one report of
    all the rules gives (:func:`~indicator_rules.engine.run_batch`), also when a declaration
    carries equal waivers (each part uses the first, so as many stay unused as the part that
    left fewer)."""
    left = collections.Counter(batch.unused_waivers)
    unused = []
    for waiver in own.unused_waivers:
        if left[waiver] > 0:
            left[waiver] -= 1
            unused.append(waiver)
    return attrs.evolve(
        own,
        findings=own.findings + batch.findings,
        rules_run=own.rules_run + batch.rules_run,
        rules_skipped=own.rules_skipped + batch.rules_skipped,
        rules_errored=own.rules_errored + batch.rules_errored,
        unused_waivers=tuple(unused),
    )


def _own_rules(ruleset: Ruleset) -> tuple[CompiledRule, ...]:
    return tuple(rule for rule in ruleset.compiled if not rule.batch)


def _start_worker(reference: str | None) -> None:
    global _worker_rules  # one ruleset per worker process, loaded once when it starts
    raise_young_threshold()  # the process only checks: few cycles (see collector.py)
    if reference is not None:
        _worker_rules = _own_rules(load_ruleset(reference))


def _check_chunk(declarations: Sequence[Declaration]) -> list[Report]:
    return [run_rules(_worker_rules, declaration) for declaration in declarations]


def _check_shared(start: int, stop: int) -> list[Report]:
    return _check_chunk(_worker_declarations[start:stop])


def _pool(ruleset: Ruleset, jobs: int, *, fork: bool = False) -> ProcessPoolExecutor:
    """Workers that hold the ruleset: reloaded from its file where it has one (works with any
    start method), else — or with ``fork`` — inherited by forking."""
    global _worker_rules
    if ruleset.reference is not None and not fork:
        return ProcessPoolExecutor(jobs, initializer=_start_worker,
                                   initargs=(ruleset.reference,))
    if "fork" not in multiprocessing.get_all_start_methods():
        raise ValueError("jobs > 1 needs a ruleset loaded from a file or a built-in name on "
                         "this platform (a ruleset built from text in memory cannot be sent "
                         "to worker processes)")
    _worker_rules = _own_rules(ruleset)
    return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                               initializer=_start_worker, initargs=(None,))


def _chunks(entries: Iterable[InputItem | InputError],
            size: int) -> Iterator[list[InputItem | InputError]]:
    chunk: list[InputItem | InputError] = []
    for entry in entries:
        chunk.append(entry)
        if sum(isinstance(item, InputItem) for item in chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _own_reports(ruleset: Ruleset, entries: Iterable[InputItem | InputError],
                 jobs: int) -> Iterator[Checked | InputError]:
    """Each entry in order, declarations with the report of their own (non-batch) rules."""
    own = _own_rules(ruleset)
    if jobs <= 1:
        for entry in entries:
            if isinstance(entry, InputError):
                yield entry
            else:
                yield entry, run_rules(own, entry.declaration)
        return
    pending: collections.deque[tuple[list[InputItem | InputError], Future[list[Report]]]]
    pending = collections.deque()
    with _pool(ruleset, jobs) as pool:
        for chunk in _chunks(entries, CHUNK):
            declarations = [item.declaration for item in chunk if isinstance(item, InputItem)]
            pending.append((chunk, pool.submit(_check_chunk, declarations)))
            while len(pending) > jobs * WINDOW_PER_JOB:
                yield from _in_order(*pending.popleft())
        while pending:
            yield from _in_order(*pending.popleft())


def _in_order(chunk: list[InputItem | InputError],
              future: Future[list[Report]]) -> Iterator[Checked | InputError]:
    reports = iter(future.result())
    for entry in chunk:
        yield entry if isinstance(entry, InputError) else (entry, next(reports))


def _with_batch_in_parallel(ruleset: Ruleset, entries: list[InputItem | InputError],
                            batch_rules: Sequence[CompiledRule],
                            jobs: int) -> Iterator[Checked | InputError]:
    """All the input is in memory (the batch rules need it): the workers check each
    declaration's own rules while this process runs the batch rules, then the two are merged."""
    global _worker_declarations
    declarations = [entry.declaration for entry in entries if isinstance(entry, InputItem)]
    shared = "fork" in multiprocessing.get_all_start_methods()
    if shared:  # forked workers inherit the rules and the declarations: nothing is pickled
        _worker_declarations = declarations
    try:
        with _pool(ruleset, jobs, fork=shared) as pool:
            submitted = []
            start = 0
            for chunk in _chunks(entries, CHUNK):
                stop = start + sum(isinstance(entry, InputItem) for entry in chunk)
                submitted.append((chunk, pool.submit(_check_shared, start, stop) if shared
                                  else pool.submit(_check_chunk, declarations[start:stop])))
                start = stop
            batch = iter(run_batch(batch_rules, declarations))
            for chunk, future in submitted:
                for entry in _in_order(chunk, future):
                    yield entry if isinstance(entry, InputError) else (
                        entry[0], merge_reports(entry[1], next(batch)))
    finally:
        _worker_declarations = ()


def check_items(ruleset: Ruleset, entries: Iterable[InputItem | InputError], *,
                jobs: int = 1) -> Iterator[Checked | InputError]:
    """Check every declaration read (see :func:`indicator_rules.intake.read_inputs`).

    Yields, in input order for any ``jobs``, a :data:`Checked` pair ``(item, report)`` for each
    :class:`~indicator_rules.intake.InputItem` and each
    :class:`~indicator_rules.intake.InputError` unchanged in its place. ``jobs`` > 1 checks in
    that many worker processes (the ruleset is loaded again in each, from its file); they
    collect garbage as :func:`~indicator_rules.gc_for_checking` sets it, for their life. This
    process's collector is left as it is: wrap the loop in ``gc_for_checking()`` to set it
    (as the command line does).
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    batch_rules = [rule for rule in ruleset.compiled if rule.batch]
    if not batch_rules:
        yield from _own_reports(ruleset, entries, jobs)
        return
    if jobs > 1:
        yield from _with_batch_in_parallel(ruleset, list(entries), batch_rules, jobs)
        return
    everything = list(entries)
    # one pass makes each declaration's one report: its own rules, then the batch rules
    reports = iter(run_batch(ruleset.compiled, [entry.declaration for entry in everything
                                                if isinstance(entry, InputItem)]))
    for entry in everything:
        yield entry if isinstance(entry, InputError) else (entry, next(reports))
