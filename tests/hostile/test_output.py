"""Writing output safely: ``-o FILE`` is written whole or not at all. A full disk, an I/O error
or a crash mid-run leaves the previous file as it was and no temporary file, says why in one
line and exits 2 — never 1, which means findings. Before, ``-o`` truncated the old report
before checking started, and a failure left half a report, a traceback and exit status 1."""

from __future__ import annotations

import errno
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any, NoReturn

import pytest

from indicator_rules import cli
from indicator_rules.render.text import TextRenderer
from tests.render.conftest import SAMPLE_JSON, SAMPLE_MD

OLD = "the previous report\n"
ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}


def _previous(folder: Path, name: str = "report.txt") -> Path:
    path = folder / name
    path.write_text(OLD, "utf-8")
    return path


def _left_alone(path: Path) -> bool:
    """The file still holds the previous report and no temporary file is beside it."""
    return (path.read_text("utf-8") == OLD
            and sorted(entry.name for entry in path.parent.iterdir()) == [path.name])


def _one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


def _disk_full(*args: Any) -> NoReturn:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _limit_file_size() -> None:  # in the child, before it runs: writes past 1,000 bytes fail
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of the signal
    resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))


def test_a_real_write_error_mid_report_leaves_the_old_report(tmp_path: Path):
    """A file size limit makes the kernel refuse the report's write after 1,000 bytes (EFBIG):
    a real I/O error in the middle of writing, in a real process."""
    report = _previous(tmp_path, "report.json")
    completed = subprocess.run(
        [sys.executable, "-m", "indicator_rules", "check", str(SAMPLE_JSON), "--format",
         "json", "-o", str(report)],
        capture_output=True, text=True, env=ENV, preexec_fn=_limit_file_size, timeout=120,
        check=False)
    assert completed.returncode == 2
    assert _one_line(completed.stderr) == f"{report}: cannot write: [Errno 27] File too large"
    assert _left_alone(report)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_a_full_device_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]):
    assert cli.main(["check", str(SAMPLE_MD), "-o", "/dev/full"]) == 2
    assert _one_line(capsys.readouterr().err) == (
        "/dev/full: cannot write: [Errno 28] No space left on device")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_standard_output_on_a_full_device_is_one_line_and_exit_2():
    with open("/dev/full", "w") as full:
        completed = subprocess.run(
            [sys.executable, "-m", "indicator_rules", "check", str(SAMPLE_MD)], stdout=full,
            stderr=subprocess.PIPE, text=True, env=ENV, timeout=120, check=False)
    assert completed.returncode == 2
    assert _one_line(completed.stderr) == (
        "standard output: cannot write: [Errno 28] No space left on device")


@pytest.mark.parametrize("command", [
    ["check", str(SAMPLE_MD), "--exit-zero"],
    ["check", str(SAMPLE_MD), "--format", "json", "--exit-zero"],
    ["catalog", "hunan-hengyang"]])
def test_a_disk_that_fills_up_before_the_end_leaves_the_old_file(
        command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]):
    """The last step of writing (flushing to the disk) fails, as a full disk or a quota makes
    it fail on some file systems."""
    target = _previous(tmp_path)
    monkeypatch.setattr(os, "fsync", _disk_full)  # as atomic_write flushes the file
    assert cli.main([*command, "-o", str(target)]) == 2
    assert _one_line(capsys.readouterr().err) == (
        f"{target}: cannot write: [Errno 28] No space left on device")
    assert _left_alone(target)


def test_a_crash_mid_run_leaves_the_old_report_and_exits_2(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    report = _previous(tmp_path)
    calls: list[int] = []
    add = TextRenderer.add

    def crashing(self: TextRenderer, *args: Any) -> None:
        calls.append(1)
        if len(calls) == 2:  # the first declaration is already written
            raise RuntimeError("the renderer broke")
        add(self, *args)

    monkeypatch.setattr(TextRenderer, "add", crashing)
    assert cli.main(["check", str(SAMPLE_MD), "-o", str(report)]) == 2
    err = capsys.readouterr().err
    first, *rest = err.splitlines()
    assert first.startswith("indicator-rules: internal error: RuntimeError: the renderer broke")
    assert rest[0] == "Traceback (most recent call last):"  # for the bug report
    assert rest[-1] == "RuntimeError: the renderer broke"
    assert _left_alone(report)


def test_a_crash_in_any_command_is_exit_2_never_1(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    def broken(text: str) -> NoReturn:
        raise ValueError("\x1b[2Jno such value")

    monkeypatch.setattr(cli, "parse_value", broken)
    assert cli.main(["parse-value", "每年1次"]) == 2
    first = capsys.readouterr().err.splitlines()[0]
    assert first.startswith("indicator-rules: internal error: ValueError: \\x1b[2Jno such value")


def test_import_output_failures_are_one_line_and_exit_2(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    output = _previous(tmp_path, "declarations.yaml")
    monkeypatch.setattr(cli, "dump_declarations", _disk_full)  # the writer's own failure
    assert cli.main(["import", str(SAMPLE_MD), "-o", str(output)]) == 2
    assert _one_line(capsys.readouterr().err) == (
        f"{output}: cannot write: [Errno 28] No space left on device")
    monkeypatch.undo()

    def broken(*args: Any, **kwargs: Any) -> NoReturn:
        raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")

    monkeypatch.setattr("indicator_rules.serialize.dumps_declarations", broken)
    assert cli.main(["import", str(SAMPLE_MD), "-o", str(output)]) == 2
    assert capsys.readouterr().err.startswith(
        "indicator-rules: internal error: UnicodeEncodeError: ")
    assert _left_alone(output)


def test_a_report_that_is_written_replaces_the_old_one_with_its_permissions(tmp_path: Path,
                                                                            capsys: Any):
    report = _previous(tmp_path)
    report.chmod(0o640)
    assert cli.main(["check", str(SAMPLE_MD), "-o", str(report)]) == 1  # findings
    assert report.read_text("utf-8").startswith("project-2021-6948fba1  项目「党员活动经费」")
    assert report.stat().st_mode & 0o777 == 0o640
    assert [entry.name for entry in tmp_path.iterdir()] == [report.name]
