"""SIGINT and SIGTERM mid-run: the workers are stopped, nothing half-done is written (the old
``-o`` file is left as it was, no temporary file stays), the collector setting is put back, and
the command exits 130 (SIGINT) or 143 (SIGTERM) with one line. Before, SIGTERM left the worker
processes running, SIGINT printed a traceback (one from every worker, for a Ctrl-C at a
terminal), and ``-o`` had already truncated the old report."""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from indicator_rules import cli
from indicator_rules.render.text import TextRenderer
from tests.render.conftest import SAMPLE_JSON

OLD = "the previous report\n"
ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}
RULES = 'rule W01 "名称"\n  severity warning\n  require len(name) > 1\n  message "{name}"\n'
DECLARATIONS = 40_000  # far more than are checked before the signal comes

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="finds the worker processes in /proc (Linux)")


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A JSON Lines file of many small declarations, and a small ruleset file."""
    folder = tmp_path_factory.mktemp("batch")
    path = folder / "batch.jsonl"
    path.write_text("".join(json.dumps({"kind": "project", "id": f"p{index}",
                                        "name": f"培训{index % 50}"}, ensure_ascii=False) + "\n"
                            for index in range(DECLARATIONS)), "utf-8")
    rules = folder / "small.rules"
    rules.write_text(RULES, "utf-8")
    return path, rules


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # ended meanwhile
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _stopped_mid_run(batch: tuple[Path, Path], report: Path, send: Any) -> tuple[
        int, str, list[int]]:
    """Run ``check --jobs 2 -o report`` in a process of its own group, wait until its two
    workers run, call ``send(process)``; its exit status, its standard error, the workers'
    pids. (Standard error goes to a file: a pipe would stay open as long as a stray worker.)"""
    path, rules = batch
    err = report.with_name("stderr.txt")
    with err.open("w", encoding="utf-8") as err_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "indicator_rules", "check", str(path), "--ruleset",
             str(rules), "--jobs", "2", "-o", str(report)],
            stdout=subprocess.DEVNULL, stderr=err_file, env=ENV, start_new_session=True)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
            workers = _children(process.pid)
        assert len(workers) == 2, "the workers never started"
        assert process.poll() is None, "the run ended before the signal"
        send(process)
        status = process.wait(timeout=60)
        deadline = time.monotonic() + 10  # the workers are reaped, by the parent or by init
        while any(map(_running, workers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        text = err.read_text("utf-8")
        err.unlink()
        return status, text, workers
    finally:
        process.kill()
        process.wait()
        for pid in workers:  # never leave a stray worker behind, even when the test fails
            if _running(pid):
                os.kill(pid, signal.SIGKILL)


def _report(folder: Path) -> Path:
    report = folder / "report.txt"
    report.write_text(OLD, "utf-8")
    return report


def _untouched(report: Path) -> bool:
    return (report.read_text("utf-8") == OLD
            and [entry.name for entry in report.parent.iterdir()] == [report.name])


def test_sigterm_stops_the_workers_and_writes_nothing(batch: tuple[Path, Path], tmp_path: Path):
    report = _report(tmp_path)
    status, err, workers = _stopped_mid_run(
        batch, report, lambda process: process.send_signal(signal.SIGTERM))
    assert status == 143
    assert err == "indicator-rules: stopped by SIGTERM; no output file was written or replaced\n"
    assert not [pid for pid in workers if _running(pid)]
    assert _untouched(report)


def test_a_ctrl_c_at_the_terminal_is_one_line_from_the_command_alone(
        batch: tuple[Path, Path], tmp_path: Path):
    """A terminal sends SIGINT to the whole process group, the workers included: they ignore
    it, and the command stops them."""
    report = _report(tmp_path)
    status, err, workers = _stopped_mid_run(
        batch, report, lambda process: os.killpg(process.pid, signal.SIGINT))
    assert status == 130
    assert err == "indicator-rules: stopped by SIGINT; no output file was written or replaced\n"
    assert not [pid for pid in workers if _running(pid)]
    assert _untouched(report)


@pytest.mark.parametrize(("number", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_in_process_the_signal_handlers_and_the_collector_are_put_back(
        number: int, status: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]):
    report = _report(tmp_path)
    add = TextRenderer.add

    def signalled(self: TextRenderer, *args: Any) -> None:
        add(self, *args)
        os.kill(os.getpid(), number)  # handled before the next declaration
        time.sleep(5)  # interrupted by the handler's exception

    monkeypatch.setattr(TextRenderer, "add", signalled)
    # the handler the command must put back; and what ends this test, not pytest, should the
    # command not handle the signal itself
    for each in (signal.SIGINT, signal.SIGTERM):
        signal.signal(each, _not_handled)
    thresholds = gc.get_threshold()
    try:
        assert cli.main(["check", str(SAMPLE_JSON), "-o", str(report)]) == status
        handlers = [signal.getsignal(each) for each in (signal.SIGINT, signal.SIGTERM)]
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    assert handlers == [_not_handled, _not_handled]
    assert capsys.readouterr().err == (f"indicator-rules: stopped by {signal.Signals(number).name}"
                                       "; no output file was written or replaced\n")
    assert _untouched(report)
    assert gc.get_threshold() == thresholds


class _NotHandled(Exception):
    """The command let a signal through to the handler that was there before it."""


def _not_handled(number: int, frame: Any) -> None:
    raise _NotHandled(signal.Signals(number).name)


def test_leaving_the_checking_early_ends_the_workers(batch: tuple[Path, Path]):
    from indicator_rules import check_items, load_ruleset, read_inputs

    path, rules = batch
    before = set(_children(os.getpid()))
    checked: Iterator[Any] = check_items(load_ruleset(rules), read_inputs([str(path)]), jobs=2)
    next(checked)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline:  # the second may still be starting
        workers = set(_children(os.getpid())) - before
        time.sleep(0.02)
    assert len(workers) == 2
    checked.close()  # type: ignore[attr-defined]
    assert not [pid for pid in workers if _running(pid)]
