"""Intake of a batch: whatever a reader fails with, that file (or line) is an input error that
names it and the rest of the batch is read; symbolic links that lead nowhere are named."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from indicator_rules import InputError, InputItem, InputLimits, iter_declarations, read_inputs
from indicator_rules.intake import expand_paths

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _batch(tmp_path: Path) -> list[str]:
    """A form, a JSON file of three declarations and a JSON Lines file of two."""
    shutil.copy(EXAMPLES / "hengyang-2021.md", tmp_path / "form.md")
    (tmp_path / "lines.jsonl").write_text(
        '{"kind": "project", "id": "l1"}\n{"kind": "project", "id": "l2"}\n', "utf-8")
    shutil.copy(EXAMPLES / "hengyang-2021.json", tmp_path / "sample.json")
    return [str(tmp_path / name) for name in ("form.md", "lines.jsonl", "sample.json")]


def _ids(entries: list[InputItem | InputError]) -> list[str]:
    return [entry.declaration.id for entry in entries if isinstance(entry, InputItem)]


def _errors(entries: list[InputItem | InputError]) -> list[InputError]:
    return [entry for entry in entries if isinstance(entry, InputError)]


@pytest.mark.parametrize("failure", [RecursionError("maximum recursion depth exceeded"),
                                     MemoryError(), ValueError("Exceeds the limit"),
                                     KeyError("表")])
def test_any_failure_of_a_form_reader_is_an_error_of_that_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: Exception):
    files = _batch(tmp_path)

    def fail(*_: object, **__: object) -> None:
        raise failure

    monkeypatch.setattr("indicator_rules.forms.FormReader.read", fail)
    entries = list(read_inputs(files))
    assert _ids(entries) == ["l1", "l2", "hengyang-2021-3-1", "hengyang-2021-3-2",
                             "hengyang-2021-3-3"]
    (error,) = _errors(entries)
    assert error.file == files[0]
    assert error.message.startswith(f"could not be read: unexpected {type(failure).__name__}")


def test_a_declaration_reader_failing_half_way_keeps_what_it_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    files = _batch(tmp_path)

    def fail_after_one(path: str, **options: Any) -> Iterator[Any]:
        items = iter_declarations(path, **options)
        yield next(items)
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("indicator_rules.intake.iter_declarations", fail_after_one)
    entries = list(read_inputs(files[1:]))
    assert _ids(entries) == ["l1", "hengyang-2021-3-1"]
    assert [(error.file, error.message) for error in _errors(entries)] == [
        (file, "could not be read: unexpected RecursionError: maximum recursion depth exceeded")
        for file in files[1:]]


def test_a_json_lines_parser_failure_is_an_error_of_that_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from indicator_rules import serialize

    real = serialize._parse_json

    def fail_on_boom(text: str, *arguments: Any, **options: Any) -> object:
        if "boom" in text:
            raise ValueError("Exceeds the limit (4300 digits)")
        return real(text, *arguments, **options)

    monkeypatch.setattr(serialize, "_parse_json", fail_on_boom)
    path = tmp_path / "lines.jsonl"
    path.write_text('{"kind": "project", "id": "a"}\n{"boom": 1}\n{"kind": "project", "id": "b"}\n',
                    "utf-8")
    entries = list(read_inputs([str(path)]))
    assert _ids(entries) == ["a", "b"]
    (error,) = _errors(entries)
    assert str(error) == (f"{path}:2: could not be read: unexpected ValueError: Exceeds the "
                          "limit (4300 digits)")


def test_the_limits_reach_the_declaration_readers(tmp_path: Path):
    files = _batch(tmp_path)
    entries = list(read_inputs(files[1:], limits=InputLimits(max_file_bytes=1_000)))
    assert _ids(entries) == ["l1", "l2"]  # JSON Lines has no file limit, only a line limit
    (error,) = _errors(entries)
    assert error.file == files[2]
    assert "InputLimits.max_file_bytes" in error.message


# --- symbolic links that lead nowhere -------------------------------------------------------


@pytest.fixture
def links(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EXAMPLES / "hengyang-2021.json", folder / "good.json")
    (folder / "dangling.json").symlink_to(tmp_path / "gone.json")
    (folder / "loop.json").symlink_to(folder / "loop.json")
    (folder / "up").symlink_to(tmp_path)  # a folder link back up the tree: not followed
    (folder / "self").symlink_to(folder)
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.json")  # no writer: reading it would wait for ever
    return folder


def test_a_link_that_leads_nowhere_named_directly_is_an_error(links: Path):
    entries = list(expand_paths([str(links / "dangling.json"), str(links / "loop.json")]))
    assert [(Path(entry.file).name, entry.message) for entry in entries
            if isinstance(entry, InputError)] == [
        ("dangling.json", f"broken symbolic link: it points to "
                          f"{str(links.parent / 'gone.json')!r}, which does not exist"),
        ("loop.json", "symbolic link loop: following it leads back to it, to no file"),
    ]


def test_links_that_lead_nowhere_inside_a_folder_are_errors_and_the_rest_is_read(links: Path):
    started = time.perf_counter()
    entries = list(read_inputs([str(links)]))
    assert time.perf_counter() - started < 10
    assert _ids(entries) == ["hengyang-2021-3-1", "hengyang-2021-3-2", "hengyang-2021-3-3"]
    assert [(Path(error.file).name, error.message.split(":")[0]) for error in _errors(entries)
            if error.file != str(links / "pipe.json")] == [
        ("dangling.json", "broken symbolic link"), ("loop.json", "symbolic link loop")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_named_pipe_inside_a_folder_is_named_not_read(links: Path):
    errors = [entry for entry in expand_paths([str(links)]) if isinstance(entry, InputError)]
    message = "not a regular file (a named pipe or a device), not read"
    assert (str(links / "pipe.json"), message) in [(error.file, error.message) for error in errors]


def test_a_link_to_a_file_inside_a_folder_is_read_once(links: Path):
    (links / "again.json").symlink_to(links / "good.json")
    assert [Path(entry).name for entry in expand_paths([str(links)])
            if isinstance(entry, str)] == ["again.json"]  # good.json is the same file


@pytest.mark.skipif(os.geteuid() == 0, reason="root can list any folder")
def test_a_folder_that_cannot_be_listed_is_an_error(links: Path):
    locked = links / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        errors = [entry for entry in expand_paths([str(links)]) if isinstance(entry, InputError)]
    finally:
        locked.chmod(0o700)
    assert (str(locked), "cannot read folder: Permission denied") in [
        (error.file, error.message) for error in errors]


def test_read_inputs_passes_its_limits_to_the_form_readers(tmp_path: Path):
    form = tmp_path / "form.md"
    shutil.copy(EXAMPLES / "hengyang-2021.md", form)
    assert all(isinstance(entry, InputItem) for entry in read_inputs([str(form)]))
    tight = InputLimits(max_sheet_rows=10)
    entries = list(read_inputs([str(form)], limits=tight))
    assert len(entries) == 1
    assert isinstance(entries[0], InputError)
    assert "InputLimits.max_sheet_rows" in entries[0].message
