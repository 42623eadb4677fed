"""The issue's measure (#19): a batch of 20 good files and one file of every hostile kind.

All 20 good declarations are reported, every hostile file is named as an input error, the
declarations that attack the rules (a 50,000-character 指标值, a 99,000-character 职能, 1,000
tasks × 1,000 indicators) are checked without a rule error, and the exit status is 2 — in one
``indicator-rules check`` process, within 10 s and 500 MB. The hostile files are made at test
time by the builders of the other hostile tests (declaration files here, forms in
tests/hostile/test_forms.py), so that a new kind there joins this batch too.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.bounds import run_with_peak
from tests.hostile.test_forms import CASES

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
_SECONDS = 10
_PEAK_BYTES = 500 * 2**20
# forms the reader reads (the point of those cases is that they read, in time), or that need
# limits raised
_READABLE_FORMS = {name for name, case in CASES.items() if not case.message or case.limits}

_CHECK = "import sys\nfrom indicator_rules.cli import main\nEXIT_STATUS = main(sys.argv[1:])\n"


def _declaration_files(folder: Path) -> list[str]:
    """Hostile declaration files and links; returns their names."""
    deep = "[" * 100_000 + "]" * 100_000
    hostile = {
        "deep.json": deep,
        "deep.yaml": deep,
        "digits.yaml": "kind: project\nyear: " + "9" * 5000,
        "digits.json": '{"kind": "project", "year": ' + "9" * 5000 + "}",
        "lines.jsonl": deep + "\n" + '{"kind": "project", "year": ' + "9" * 5000 + "}\n",
        "surrogate.json": '{"kind": "project", "name": "\\ud800"}',
        "laughs.yaml": "a0: &a0 [" + ", ".join(["lol"] * 10) + "]\n" + "".join(
            f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]\n" for n in range(1, 12)),
        "long-text.json": json.dumps({"kind": "project", "goal": "字" * 100_001}),
    }
    for name, text in hostile.items():
        (folder / name).write_text(text, "utf-8")
    (folder / "dangling.json").symlink_to(folder / "gone.json")
    (folder / "loop.json").symlink_to(folder / "loop.json")
    return [*hostile, "dangling.json", "loop.json"]


def _form_files(folder: Path, builds: Path) -> list[str]:
    """One form of every hostile kind the form readers refuse, built in ``builds`` and moved
    into ``folder``; returns their names."""
    names = []
    for name, case in CASES.items():
        if name in _READABLE_FORMS:
            continue
        (builds / name).mkdir()
        built = case.build(builds / name)
        target = folder / f"form-{name}{built.suffix}"
        built.rename(target)
        names.append(target.name)
    return names


def _rule_attacks() -> list[dict[str, Any]]:
    """Declarations that read well and attack the baseline's rules where they were slow."""
    rng = random.Random(19)
    letters = "培训党务干部文体活动检查督查宣传调研维修采购信息化建设档案整理"

    def words(count: int) -> str:
        return "".join(rng.choice(letters) for _ in range(count))

    long_value = {"kind": "project", "id": "attack-v12", "year": 2021, "name": "长指标值",
                  "indicators": [{"level1": "产出指标", "level2": "数量指标", "name": "培训",
                                  "value": "100%" + " " * 50_000 + "确保"}]}
    long_duties = {"kind": "department", "id": "attack-x06", "year": 2021, "name": "长职能",
                   "duties": "".join(rng.choice("甲乙丙丁戊己庚辛") + "。" for _ in range(49_500))}
    many_tasks = {
        "kind": "department", "id": "attack-x03", "year": 2021, "name": "千项任务",
        "tasks": [{"name": f"任务{n}{words(6)}", "content": words(30)} for n in range(1_000)],
        "indicators": [{"level1": "产出指标", "level2": "数量指标", "name": f"指标{n}{words(6)}",
                        "value": "3次"} for n in range(1_000)]}
    return [long_value, long_duties, many_tasks]


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The batch's folder and the names of its hostile files."""
    folder = tmp_path_factory.mktemp("batch")
    good = json.loads((EXAMPLES / "hengyang-2021.json").read_text("utf-8"))["declarations"][0]
    for number in range(20):
        (folder / f"good{number:02}.json").write_text(
            json.dumps({**good, "id": f"good-{number}"}, ensure_ascii=False), "utf-8")
    (folder / "attacks.json").write_text(
        json.dumps({"declarations": _rule_attacks()}, ensure_ascii=False), "utf-8")
    hostile = _declaration_files(folder) + _form_files(folder,
                                                       tmp_path_factory.mktemp("builds"))
    return folder, hostile


def test_twenty_good_files_and_one_of_every_hostile_kind(batch: tuple[Path, list[str]]):
    folder, hostile = batch
    assert len(hostile) >= 30
    started = time.perf_counter()
    child, peak = run_with_peak(_CHECK, "check", "--format", "json", "--no-progress",
                                str(folder), timeout=120)
    seconds = time.perf_counter() - started
    assert child.returncode == 2, child.stderr[-2000:]
    report = json.loads(child.stdout)
    checked = {entry["declaration"] for entry in report["reports"]}
    assert {f"good-{number}" for number in range(20)} <= checked
    assert {"attack-v12", "attack-x06", "attack-x03"} <= checked
    assert report["summary"]["declarations"] == 23
    rule_errors = [(entry["declaration"], finding["message"])
                   for entry in report["reports"] for finding in entry["findings"]
                   if finding["kind"] == "rule-error"]
    assert rule_errors == []
    named = {Path(error["file"]).name for error in report["errors"]}
    assert named == set(hostile)
    print(f"batch: {seconds:.1f} s, peak {peak / 2**20:.0f} MB, {len(hostile)} hostile files")
    assert seconds < _SECONDS, f"{seconds:.1f} s"
    assert peak < _PEAK_BYTES, f"{peak / 2**20:.0f} MB"
