"""docs/tutorial.md is a test: its files are written and its commands run, in order, in a tmp dir.

The page marks what it is made of:

- a code block right after ``<!-- file: NAME -->`` is a file the reader writes (``NAME`` relative
  to the working folder);
- every ``console`` block is run: each ``$ command`` line with bash, in the working folder (which
  holds a copy of ``examples/``), with this venv's ``indicator-rules`` and ``pytest`` first on
  ``PATH``. It must exit 0, or the status given by ``<!-- exit: N -->`` right before the block.
  The lines shown after a command are its output (standard output, then standard error): each
  must appear, in that order, as a whole line; a line ``…`` stands for any number of lines, and
  ``…`` inside a line for any text (counts that change when rules are added).

The other pages with ``console`` blocks (getting started, 快速上手) are run the same way by
tests/test_docs_site.py; ``sh`` blocks are installation commands and are not run here (CI runs
the README's).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

REPO = Path(__file__).resolve().parent.parent
TUTORIAL = REPO / "docs" / "tutorial.md"
ELLIPSIS = "…"

_FENCE = re.compile(
    r"^(?:<!-- (?P<marker>file|exit): *(?P<value>\S+) *-->\n)?"
    r"```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^```$",
    re.MULTILINE | re.DOTALL,
)


@attrs.frozen
class Command:
    line: int  # of the page, for messages
    command: str
    output: tuple[str, ...]


@attrs.frozen
class Step:
    """A file to write (``name`` and ``text``) or a console block to run (``commands``)."""

    line: int
    name: str = ""
    text: str = ""
    commands: tuple[Command, ...] = ()
    exit_status: int = 0


def steps(page: Path) -> list[Step]:
    """The marked files and the console blocks of a page, in page order."""
    text = page.read_text("utf-8")
    found = []
    for match in _FENCE.finditer(text):
        line = text.count("\n", 0, match.start("lang")) + 1
        marker, value, body = match.group("marker"), match.group("value"), match.group("body")
        if marker == "file":
            found.append(Step(line, name=value, text=body))
        elif match.group("lang") == "console":
            status = int(value) if marker == "exit" else 0
            found.append(Step(line, commands=_commands(body, line), exit_status=status))
    return found


def _commands(body: str, first_line: int) -> tuple[Command, ...]:
    commands: list[Command] = []
    for offset, line in enumerate(body.splitlines(), start=1):
        if line.startswith("$ "):
            commands.append(Command(first_line + offset, line[2:], ()))
        elif commands:
            last = commands[-1]
            commands[-1] = attrs.evolve(last, output=(*last.output, line.rstrip()))
        elif line.strip():
            raise AssertionError(f"line {first_line + offset}: output before any $ command")
    return tuple(commands)


def _line_pattern(expected: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in expected.split(ELLIPSIS)))


def output_matches(expected: tuple[str, ...], actual: str) -> str | None:
    """None when every expected line appears in ``actual`` in order; else the first missing."""
    lines = [line.rstrip() for line in actual.splitlines()]
    position = 0
    for wanted in expected:
        if wanted.strip() in ("", ELLIPSIS):
            continue
        pattern = _line_pattern(wanted)
        while position < len(lines) and not pattern.fullmatch(lines[position]):
            position += 1
        if position == len(lines):
            return wanted
        position += 1
    return None


def prepare(folder: Path) -> None:
    """The reader's working folder: a copy of the sample forms."""
    shutil.copytree(REPO / "examples", folder / "examples")


def _environment() -> dict[str, str]:
    environment = dict(os.environ)
    for name in ("PYTEST_ADDOPTS", "PYTEST_CURRENT_TEST", "HYPOTHESIS_PROFILE", "FORCE_COLOR"):
        environment.pop(name, None)
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment['PATH']}"
    environment["NO_COLOR"] = "1"
    return environment


def run_steps(page: Path, folder: Path, environment: dict[str, str] | None = None) -> int:
    """Write the page's files and run its commands in ``folder``; returns how many commands.

    ``environment`` adds variables (``PYTHONPATH``) to those the commands get."""
    ran = 0
    for step in steps(page):
        if step.name:
            target = folder / step.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(step.text, "utf-8")
            continue
        for command in step.commands:
            result = subprocess.run(
                ["bash", "-c", command.command], cwd=folder,
                env={**_environment(), **(environment or {})},
                capture_output=True, text=True, timeout=300, check=False,
            )
            shown = result.stdout + result.stderr
            shown_page = page.relative_to(REPO) if page.is_relative_to(REPO) else page
            where = f"{shown_page}:{command.line}: $ {command.command}"
            assert result.returncode == step.exit_status, (
                f"{where}\nexited {result.returncode}, the page says {step.exit_status}\n{shown}")
            missing = output_matches(command.output, shown)
            assert missing is None, f"{where}\nthe page shows {missing!r}; the output was\n{shown}"
            ran += 1
    return ran


# --- the tutorial ----------------------------------------------------------------------------


def test_the_tutorial_covers_the_whole_path():
    """What the issue asks the tutorial to walk through is in its marked files and commands."""
    found = steps(TUTORIAL)
    files = {step.name: step.text for step in found if step.name}
    commands = [c.command for step in found for c in step.commands]
    rules = files["my-bureau.rules"]
    assert 'extends "mof-2021"' in rules
    assert re.search(r"^param min_satisfaction = 9\d%", rules, re.MULTILINE)
    assert re.search(r"^severity [A-Z]+\d+ (error|warning|info)$", rules, re.MULTILINE)
    assert re.search(r'^disable [A-Z]+\d+ because "[^"]+"', rules, re.MULTILINE)
    assert re.search(r"^rule [A-Z]+\d+ ", rules, re.MULTILINE)
    assert "example fail" in rules
    assert "example pass" in rules
    assert "from indicator_rules.testing import" in files["test_my_bureau.py"]
    assert "indicator-rules test my-bureau.rules" in commands
    assert any(c.startswith("indicator-rules check examples/hengyang-2021.md --ruleset "
                            "my-bureau.rules") for c in commands)
    assert any(c.startswith("pytest") and "test_my_bureau.py" in c for c in commands)


def test_the_tutorial_works(tmp_path: Path):
    prepare(tmp_path)
    assert run_steps(TUTORIAL, tmp_path) >= 5
    assert (tmp_path / "my-bureau.md").is_file()  # the catalog page the tutorial writes


# --- the machinery itself, so that a broken page cannot pass by accident --------------------


def test_output_matching():
    actual = "a 1 错误\nb\nc 共 3 份\n"
    assert output_matches(("a … 错误", "…", "c 共 … 份"), actual) is None
    assert output_matches(("b", "a … 错误"), actual) == "a … 错误"  # order matters
    assert output_matches(("a 2 错误",), actual) == "a 2 错误"
    assert output_matches(("a",), actual) == "a"  # whole lines only


def test_a_page_that_lies_fails(tmp_path: Path):
    page = tmp_path / "page.md"
    page.write_text(
        "<!-- file: a.txt -->\n```text\nhello\n```\n\n"
        "```console\n$ cat a.txt\nhello\n```\n\n"
        "<!-- exit: 1 -->\n```console\n$ cat a.txt\nhello\n```\n", "utf-8")
    folder = tmp_path / "work"
    folder.mkdir()
    with pytest.raises(AssertionError, match="exited 0, the page says 1"):
        run_steps(page, folder)
    page.write_text("```console\n$ echo hi\nbye\n```\n", "utf-8")
    with pytest.raises(AssertionError, match="the page shows 'bye'"):
        run_steps(page, folder)
