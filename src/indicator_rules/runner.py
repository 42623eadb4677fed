"""Checking a stream of declarations with a ruleset: as they come, in worker processes, or as
one batch when the ruleset compares forms with each other.

:func:`check_items` keeps the order of its input whatever ``jobs`` is, so ``--jobs 4`` prints
exactly what ``--jobs 1`` prints. Without batch rules it streams: memory stays flat however many
declarations pass through (at most a window of chunks is in flight). With batch rules
(``applies to batch``) every declaration must be seen before the batch rules can run, so the
stream is read whole first; each declaration's own rules still run in the workers, while this
process runs the batch rules; where processes fork, the workers inherit the declarations read
and are sent only which ones to check.

Worker faults. Each worker process is fed one request at a time by a thread of this process that
waits for its answer, so a worker that dies (killed, out of memory, a plugin that crashes the
interpreter) loses exactly the request it was checking, and its exit code is known; the next
request gets a fresh process. The declarations of a lost request are checked once more, each
alone; one that kills its worker again is not checked, and takes its place in the output as an
:class:`~indicator_rules.intake.InputError` saying so (file, declaration, how the worker died).
Every other declaration is checked as usual.

Stopping. Leaving :func:`check_items` early — an exception in the caller, ``KeyboardInterrupt``,
closing the generator — terminates the workers (SIGTERM, then SIGKILL after
:data:`STOP_GRACE` seconds) and discards what they had not answered. The workers ignore SIGINT:
a Ctrl-C at a terminal reaches the whole process group, and this process decides.
"""

from __future__ import annotations

import collections
import contextlib
import multiprocessing
import os
import pickle
import queue
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from types import TracebackType
from typing import Any, ParamSpec, TextIO, TypeAlias, TypeVar

import attrs

from indicator_rules.collector import raise_young_threshold
from indicator_rules.engine import CompiledRule, run_batch, run_rules
from indicator_rules.findings import Report
from indicator_rules.intake import InputError, InputItem
from indicator_rules.model import Declaration
from indicator_rules.ruleset import Ruleset, RulesetReference, load_ruleset

__all__ = ["Checked", "check_items", "merge_reports"]

#: What :func:`check_items` yields for a declaration: the item read and its report.
Checked: TypeAlias = tuple[InputItem, Report]

#: Declarations sent to a worker at a time, and chunks in flight per worker.
CHUNK = 32
WINDOW_PER_JOB = 4
#: Seconds a worker process is given to end once told to (or terminated), before it is killed.
STOP_GRACE = 5.0

_worker_rules: tuple[CompiledRule, ...] = ()
#: the declarations read whole (batch rules), inherited by forked workers: they are sent no
#: declarations, only which ones to check
_worker_declarations: Sequence[Declaration] = ()
#: one process started at a time: a fork copies every open descriptor, and a pipe end that a
#: sibling still holds would hide a worker's death
_START_LOCK = threading.Lock()
#: this process's ends of the pipes of every worker running (of any pool), for a forked worker
#: to close; guarded by _START_LOCK
_PARENT_ENDS: set[Connection] = set()
_STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})
#: in a worker, the standard streams it was started with (see _fresh_standard_streams)
_INHERITED_STREAMS: list[TextIO] = []

_Result = TypeVar("_Result")
_Arguments = ParamSpec("_Arguments")


class _WorkerDied(Exception):
    """The worker process died before it answered a request (``exit_code`` as
    :attr:`multiprocessing.Process.exitcode`: negative for the signal that killed it)."""

    def __init__(self, exit_code: int | None) -> None:
        self.exit_code = exit_code
        super().__init__(f"the worker process died ({_how_it_ended(exit_code)})")


def _how_it_ended(exit_code: int | None) -> str:
    """``exit code 3``, ``killed by signal SIGKILL`` — a process's end as a reader says it."""
    if exit_code is None:
        return "still running"
    if exit_code >= 0:
        return f"exit code {exit_code}"
    try:
        return f"killed by signal {signal.Signals(-exit_code).name}"
    except ValueError:
        return f"killed by signal {-exit_code}"


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


def _start_worker(reference: RulesetReference | None) -> None:
    global _worker_rules  # one ruleset per worker process, loaded once when it starts
    raise_young_threshold()  # the process only checks: few cycles (see collector.py)
    if reference is not None:
        _worker_rules = _own_rules(load_ruleset(reference))


def _check_chunk(declarations: Sequence[Declaration]) -> list[Report]:
    return [run_rules(_worker_rules, declaration) for declaration in declarations]


def _check_shared(start: int, stop: int) -> list[Report]:
    return _check_chunk(_worker_declarations[start:stop])


# ---------------------------------------------------------------------------------------------
# the worker processes


#: A request to a worker: a function of this module (or any picklable one) and its arguments.
_Request: TypeAlias = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]
#: A worker's answer: (True, the function's result) or (False, the exception it raised).
_Answer: TypeAlias = tuple[bool, Any]


def _serve(connection: Connection, reference: RulesetReference | None,
           inherited: tuple[int, ...]) -> None:
    """A worker process: answer each request received until told to stop (``None``) or until
    this process's parent is gone."""
    _become_worker(inherited)
    try:
        _start_worker(reference)
        failed: BaseException | None = None
    except Exception as error:  # every request is answered with it
        failed = _sendable(error)
    while True:
        try:
            request: _Request | None = connection.recv()
        except EOFError:  # the parent is gone
            return
        except Exception as error:  # a request that cannot be unpickled here
            connection.send((False, _sendable(error)))
            continue
        if request is None:
            return
        answer: _Answer = (False, failed) if failed is not None else _answer(request)
        try:
            connection.send(answer)
        except Exception as error:  # a result that does not pickle
            connection.send((False, _sendable(error)))


def _become_worker(inherited: tuple[int, ...]) -> None:
    """Signals as a worker takes them — SIGINT ignored (a Ctrl-C reaches the whole process
    group; the parent decides), SIGTERM ending it — then let in (they were blocked while the
    process started). ``inherited`` are the descriptors of this process's parent's ends of the
    workers' pipes that a fork copied: closed, so that each pipe ends with the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's handler came with a fork
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
    for descriptor in inherited:
        with contextlib.suppress(OSError):
            os.close(descriptor)
    _fresh_standard_streams()


def _fresh_standard_streams() -> None:
    """Standard output and error through new buffers on the same descriptors. A fork copies the
    parent's buffers — text of the report not yet written, a lock that another thread of the
    parent held — and a worker that flushed them when it ends would write that text twice."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        try:
            descriptor = os.dup(stream.fileno())
        except (AttributeError, OSError, ValueError):  # no descriptor (captured): left as is
            continue
        _INHERITED_STREAMS.append(stream)  # never flushed, and never collected (and flushed)
        setattr(sys, name, open(descriptor, "w", buffering=1,  # noqa: SIM115  # lines
                                encoding=stream.encoding, errors=stream.errors))


def _answer(request: _Request) -> _Answer:
    function, arguments, keywords = request
    try:
        return True, function(*arguments, **keywords)
    except Exception as error:
        return False, _sendable(error)


def _sendable(error: Exception) -> Exception:
    """``error`` with the worker's traceback as a note, ready to be pickled to the parent (a
    ``RuntimeError`` saying what it was when the exception itself does not pickle)."""
    error.add_note("in a worker process:\n" + "".join(traceback.format_exception(error)))
    try:
        pickle.dumps(error)
    except Exception:
        replacement = RuntimeError(f"{type(error).__name__}: {error}")
        for note in getattr(error, "__notes__", ()):
            replacement.add_note(note)
        return replacement
    return error


@contextlib.contextmanager
def _stop_signals_blocked() -> Iterator[None]:
    """SIGINT and SIGTERM held back in this thread while a process is started: the new process
    inherits the mask, sets its own handlers and only then lets them in."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


@attrs.define(eq=False)  # each worker is itself (hashed by identity)
class _Worker:
    """One worker process and this process's end of its pipe."""

    process: BaseProcess
    connection: Connection

    def ask(self, request: _Request) -> _Answer:
        """Send ``request`` and wait for the answer (``EOFError`` or ``ConnectionError`` when
        the process died)."""
        self.connection.send(request)
        answer: _Answer = self.connection.recv()
        return answer

    def end(self, *, politely: bool) -> int | None:
        """Stop the process (asked to, or terminated), kill it if it does not end within
        :data:`STOP_GRACE`, and return its exit code."""
        if politely:
            with contextlib.suppress(OSError):
                self.connection.send(None)
        else:
            self.process.terminate()
        self.process.join(STOP_GRACE)
        if self.process.exitcode is None:
            self.process.kill()
            self.process.join()
        self.connection.close()
        return self.process.exitcode


class _Stopped(Exception):
    """The workers are stopping: no process is started for a request any more."""


class _Workers(Executor):
    """``jobs`` worker processes, each fed one request at a time by its own thread, which waits
    for the answer: a worker that dies fails just the request it was answering
    (:class:`_WorkerDied`, with its exit code), and its thread starts a fresh process for the
    next one. Used as a context manager: leaving the block normally lets the workers finish
    and end; leaving it on an exception (or a closed generator) terminates them."""

    def __init__(self, context: BaseContext, reference: RulesetReference | None, jobs: int) -> None:
        self._context = context
        self._reference = reference
        self._requests: queue.SimpleQueue[tuple[Future[Any], _Request] | None]
        self._requests = queue.SimpleQueue()
        self._live: set[_Worker] = set()  # guarded by _START_LOCK
        self._stopping = False
        self._threads = [threading.Thread(target=self._feed, daemon=True,
                                          name=f"indicator-rules worker {number}")
                         for number in range(1, jobs + 1)]
        for thread in self._threads:
            thread.start()

    def submit(self, fn: Callable[_Arguments, _Result], /, *args: _Arguments.args,
               **kwargs: _Arguments.kwargs) -> Future[_Result]:
        """``fn(*args, **kwargs)`` in a worker process; the future fails with
        :class:`_WorkerDied` when the process dies answering it."""
        future: Future[_Result] = Future()
        self._requests.put((future, (fn, args, kwargs)))
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Let the workers answer what was submitted and end; with ``cancel_futures``,
        cancel what is waiting and terminate them. ``wait`` is ignored: this waits."""
        if cancel_futures:
            self._terminate()
            return
        try:
            self._close()
        except BaseException:  # interrupted while the workers finish: stop them
            self._terminate()
            raise

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.shutdown(cancel_futures=kind is not None)

    def _feed(self) -> None:
        """A thread's loop: each request to this thread's worker process, a fresh process
        after one died."""
        worker: _Worker | None = None
        try:
            while (task := self._requests.get()) is not None:
                future, request = task
                if future.set_running_or_notify_cancel():
                    worker = self._answer(worker, future, request)
        finally:
            if worker is not None:
                self._end(worker, politely=not self._stopping)

    def _answer(self, worker: _Worker | None, future: Future[Any],
                request: _Request) -> _Worker | None:
        """Have ``request`` answered into ``future``; the worker for the next request."""
        try:
            worker = worker or self._start()
        except BaseException as error:  # a process that cannot start: the caller decides
            future.set_exception(error)
            return None
        try:
            answered, outcome = worker.ask(request)
        except (EOFError, ConnectionError):
            future.set_exception(_WorkerDied(self._end(worker, politely=False)))
            return None
        except BaseException as error:  # a request that does not pickle
            future.set_exception(error)
            return worker
        if answered:
            future.set_result(outcome)
        else:
            future.set_exception(outcome)
        return worker

    def _start(self) -> _Worker:
        fork = self._context.get_start_method() == "fork"
        with _START_LOCK, _stop_signals_blocked():
            if self._stopping:
                raise _Stopped("the workers are stopping")
            own_end, worker_end = self._context.Pipe()
            _PARENT_ENDS.add(own_end)
            inherited = tuple(end.fileno() for end in _PARENT_ENDS) if fork else ()
            process = self._context.Process(  # type: ignore[attr-defined]
                target=_serve, args=(worker_end, self._reference, inherited),
                name="indicator-rules worker", daemon=True)
            try:
                process.start()
            except BaseException:
                _PARENT_ENDS.discard(own_end)
                own_end.close()
                raise
            finally:
                worker_end.close()
            worker = _Worker(process, own_end)
            self._live.add(worker)
        return worker

    def _end(self, worker: _Worker, *, politely: bool) -> int | None:
        with _START_LOCK:
            self._live.discard(worker)
            _PARENT_ENDS.discard(worker.connection)
        return worker.end(politely=politely)

    def _close(self) -> None:
        for _ in self._threads:
            self._requests.put(None)
        for thread in self._threads:
            thread.join()

    def _terminate(self) -> None:
        """Cancel what is waiting, terminate the processes, let the threads end."""
        with _START_LOCK:
            self._stopping = True
            live = list(self._live)
        with contextlib.suppress(queue.Empty):
            while True:
                task = self._requests.get_nowait()
                if task is not None:
                    task[0].cancel()
        for worker in live:
            worker.process.terminate()  # its thread sees the pipe end, and ends it
        for _ in self._threads:
            self._requests.put(None)
        for thread in self._threads:
            thread.join(STOP_GRACE * 2)



def _pool(ruleset: Ruleset, jobs: int, *, fork: bool = False) -> _Workers:
    """Workers that hold the ruleset: reloaded from its file where it has one (works with any
    start method), else — or with ``fork`` — inherited by forking."""
    global _worker_rules
    if ruleset.reference is not None and not fork:
        return _Workers(multiprocessing.get_context(), ruleset.reference, jobs)
    if "fork" not in multiprocessing.get_all_start_methods():
        raise ValueError("jobs > 1 needs a ruleset loaded from a file or a built-in name on "
                         "this platform (a ruleset built from text in memory cannot be sent "
                         "to worker processes)")
    _worker_rules = _own_rules(ruleset)
    return _Workers(multiprocessing.get_context("fork"), None, jobs)


# ---------------------------------------------------------------------------------------------
# the stream, in order


def _chunks(entries: Iterable[InputItem | InputError],
            size: int) -> Iterator[list[InputItem | InputError]]:
    chunk: list[InputItem | InputError] = []
    declarations = 0
    for entry in entries:
        chunk.append(entry)
        declarations += isinstance(entry, InputItem)
        if declarations >= size:
            yield chunk
            chunk, declarations = [], 0
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
    with _pool(ruleset, jobs) as workers:
        for chunk in _chunks(entries, CHUNK):
            declarations = [item.declaration for item in chunk if isinstance(item, InputItem)]
            pending.append((chunk, workers.submit(_check_chunk, declarations)))
            while len(pending) > jobs * WINDOW_PER_JOB:
                yield from _in_order(workers, *pending.popleft())
        while pending:
            yield from _in_order(workers, *pending.popleft())


def _in_order(workers: _Workers, chunk: list[InputItem | InputError],
              future: Future[list[Report]]) -> Iterator[Checked | InputError]:
    """One outcome per entry of ``chunk``: an input error as it is, a declaration with its
    report (or, when its worker died on it twice, an input error saying so)."""
    items = [entry for entry in chunk if isinstance(entry, InputItem)]
    reports = _reports_or_death(future)
    outcomes: Iterator[Checked | InputError] = (
        _checked_again(workers, items) if isinstance(reports, _WorkerDied)
        else zip(items, reports, strict=True))
    for entry in chunk:
        yield entry if isinstance(entry, InputError) else next(outcomes)


def _checked_again(workers: _Workers, items: Sequence[InputItem]
                   ) -> Iterator[Checked | InputError]:
    """The declarations of a request whose worker died, each checked once more, alone (the
    dead worker's thread has started a fresh process); one whose worker dies again is reported
    as not checked."""
    again = [workers.submit(_check_chunk, [item.declaration]) for item in items]
    for item, future in zip(items, again, strict=True):
        reports = _reports_or_death(future)
        yield _not_checked(item, reports) if isinstance(reports, _WorkerDied) else (
            item, reports[0])


def _reports_or_death(future: Future[list[Report]]) -> list[Report] | _WorkerDied:
    """The reports a request was answered with, or how its worker died — returned, not raised:
    raised, the exception held by the future would hold the frame waiting for it, in a cycle
    that only the garbage collector frees. Any other error is raised."""
    error = future.exception()
    return error if isinstance(error, _WorkerDied) else future.result()


def _not_checked(item: InputItem, death: _WorkerDied) -> InputError:
    declaration = item.declaration
    source = declaration.source
    return InputError(
        file=item.file, sheet=source.sheet if source else None,
        row=source.row if source else None,
        message=f"申报表「{declaration.name}」（id {declaration.id}）未检查："
        f"检查它的工作进程意外退出（{_how_it_ended(death.exit_code)}），单独重查时又退出 "
        "(not checked: the worker process died checking it, and again when it was checked "
        "alone in a fresh worker)")


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
        with _pool(ruleset, jobs, fork=shared) as workers:
            submitted = []
            start = 0
            for chunk in _chunks(entries, CHUNK):
                stop = start + sum(isinstance(entry, InputItem) for entry in chunk)
                submitted.append((chunk, workers.submit(_check_shared, start, stop) if shared
                                  else workers.submit(_check_chunk, declarations[start:stop])))
                start = stop
            batch = iter(run_batch(batch_rules, declarations))
            for chunk, future in submitted:
                for entry, outcome in zip(chunk, _in_order(workers, chunk, future),
                                          strict=True):
                    if isinstance(entry, InputError):
                        yield entry
                        continue
                    batch_report = next(batch)  # one per declaration, checked or not
                    yield outcome if isinstance(outcome, InputError) else (
                        outcome[0], merge_reports(outcome[1], batch_report))
    finally:
        _worker_declarations = ()


def check_items(ruleset: Ruleset, entries: Iterable[InputItem | InputError], *,
                jobs: int = 1) -> Generator[Checked | InputError, None, None]:
    """Check every declaration read (see :func:`indicator_rules.intake.read_inputs`).

    Yields, in input order for any ``jobs``, a :data:`Checked` pair ``(item, report)`` for each
    :class:`~indicator_rules.intake.InputItem` and each
    :class:`~indicator_rules.intake.InputError` unchanged in its place. ``jobs`` > 1 checks in
    that many worker processes (the ruleset is loaded again in each, from its file); they
    collect garbage as :func:`~indicator_rules.gc_for_checking` sets it, for their life. This
    process's collector is left as it is: wrap the loop in ``gc_for_checking()`` to set it
    (as the command line does).

    A worker process that dies loses the declarations it was checking: they are checked once
    more, each alone, and one whose worker dies again is yielded, in its place, as an
    :class:`~indicator_rules.intake.InputError` ("未检查 (not checked): the worker process died …").
    Closing the generator early (or an exception in the loop that consumes it, once the
    generator is closed or collected) terminates the workers; use
    :func:`contextlib.closing` to make that immediate.
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
