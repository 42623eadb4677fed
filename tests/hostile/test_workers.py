"""Worker faults with ``jobs`` > 1: a worker process that dies mid-run (killed, or a plugin
function that ends the interpreter) loses only what it was checking; those declarations are
checked once more, and one that kills its worker again is listed, in its place, as not checked.
Before, a dead worker broke the whole pool (BrokenProcessPool), cut the report in the middle and
said nothing of what went unchecked."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from indicator_rules import (
    InputError,
    InputItem,
    ProjectDeclaration,
    Ruleset,
    check_items,
    load_ruleset_text,
)
from indicator_rules.dsl.functions import FunctionRegistry
from indicator_rules.dsl.types import BOOL, TEXT
from indicator_rules.runner import CHUNK, Checked

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                                reason="a ruleset built from text reaches workers by fork")

RULES = ('rule W01 "名称"\n  severity warning\n  require fine(name)\n'
         '  message "「{name}」"\n')
BATCH = ('rule X07 "同名项目"\n  severity info\n  applies to batch\n'
         '  let names = duplicates(projects select name)\n'
         '  for each d in projects where d.name in names\n  message "{d.name}"\n')
COUNT = CHUNK * 3 + 7  # several chunks, so that the other workers go on meanwhile


def _ruleset(fine: Callable[[str], bool], text: str = RULES) -> Ruleset:
    registry = FunctionRegistry()
    registry.register("fine", [TEXT], BOOL, fine)
    return load_ruleset_text(text, name="workers.rules", functions=registry)


def _kill_itself(name: str) -> bool:
    if name == "致命":
        os.kill(os.getpid(), signal.SIGKILL)
    return True


def _exit_3(name: str) -> bool:
    if name == "致命":
        os._exit(3)
    return True


def _entries() -> Iterator[InputItem | InputError]:
    for index in range(COUNT):
        if index % 11 == 5:
            yield InputError(file=f"f{index}.json", message="bad")
        else:
            name = "致命" if index == CHUNK + 3 else f"项目{index % 9}"
            yield InputItem(f"f{index}.json", ProjectDeclaration(id=f"p{index}", name=name))


def _outline(entries: Sequence[Checked | InputError]) -> list[str]:
    """Each outcome as the file it is about and what it is: checked, or which error."""
    return [f"{entry.file} {entry.message}" if isinstance(entry, InputError)
            else f"{entry[0].file} checked" for entry in entries]


@pytest.mark.parametrize(("fine", "how"), [(_kill_itself, "killed by signal SIGKILL"),
                                           (_exit_3, "exit code 3")])
@pytest.mark.parametrize("text", [RULES, RULES + BATCH], ids=["streamed", "with-batch-rules"])
def test_a_declaration_that_kills_its_worker_is_listed_in_its_place_as_not_checked(
        fine: Callable[[str], bool], how: str, text: str):
    ruleset = _ruleset(fine, text)
    results = list(check_items(ruleset, _entries(), jobs=2))
    one = list(check_items(_ruleset(lambda name: True, text), _entries(), jobs=1))
    expected = _outline(one)
    position = CHUNK + 3
    assert expected[position] == f"f{position}.json checked"
    expected[position] = (
        f"f{position}.json 申报表「致命」（id p{position}）未检查："
        f"检查它的工作进程意外退出（{how}），单独重查时又退出 (not checked: the worker "
        "process died checking it, and again when it was checked alone in a fresh worker)")
    assert _outline(results) == expected  # everything else checked, in order
    checked = [entry for entry in results if not isinstance(entry, InputError)]
    assert checked == [entry for entry in one if not isinstance(entry, InputError)
                       and entry[0].declaration.name != "致命"]


def test_a_worker_that_dies_only_once_is_replaced_and_the_declaration_checked(tmp_path: Path):
    marker = tmp_path / "died-once"

    def dies_the_first_time(name: str) -> bool:
        if name == "致命" and not marker.exists():
            marker.write_text("", "utf-8")
            os.kill(os.getpid(), signal.SIGKILL)
        return name != "致命"

    results = list(check_items(_ruleset(dies_the_first_time), _entries(), jobs=2))
    assert marker.exists()  # it did die once
    assert [entry.message for entry in results if isinstance(entry, InputError)] == [
        "bad"] * sum(index % 11 == 5 for index in range(COUNT))
    reports = {entry[0].declaration.name: entry[1] for entry in results
               if not isinstance(entry, InputError)}
    assert [finding.message for finding in reports["致命"].findings] == ["「致命」"]


def test_the_command_line_reports_what_went_unchecked_and_exits_2(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    from indicator_rules import cli

    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(
        {"kind": "project", "id": f"p{index}", "name": "致命" if index == 40 else "培训"},
        ensure_ascii=False) for index in range(100)), "utf-8")
    monkeypatch.setattr(cli, "load_ruleset", lambda reference, **_: _ruleset(_kill_itself))
    report = tmp_path / "report.json"
    assert cli.main(["check", str(path), "--jobs", "2", "--format", "json",
                     "-o", str(report)]) == 2
    document = json.loads(report.read_text("utf-8"))
    assert [entry["declaration"] for entry in document["reports"]] == [
        f"p{index}" for index in range(100) if index != 40]
    (error,) = document["errors"]
    assert error["file"] == str(path)
    assert error["message"].startswith("申报表「致命」（id p40）未检查：检查它的工作进程意外退出"
                                       "（killed by signal SIGKILL）")
    assert document["summary"]["exit_status"] == 2
    err = capsys.readouterr().err
    assert f"{path}: 申报表「致命」（id p40）未检查" in err
    assert "Traceback" not in err
