"""The installed console script over real inputs, and --jobs giving the same bytes as one job."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from indicator_rules import load_declarations
from indicator_rules.render.json_report import report_schema
from indicator_rules.serialize import dump_declarations
from tests.render.conftest import SAMPLE_JSON, SAMPLE_MD

SCRIPT = Path(sys.executable).with_name("indicator-rules")
ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}

pytestmark = pytest.mark.skipif(not SCRIPT.exists(),
                                reason="console script not installed beside python")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, env=ENV,
                          check=False, timeout=300)


def test_the_script_checks_the_sample_forms():
    completed = _run("check", str(SAMPLE_MD), "--ruleset", "mof-2021", "--format", "json")
    assert completed.returncode == 1, completed.stderr
    report = json.loads(completed.stdout)
    assert len(report["reports"]) == 3
    assert report["errors"] == []


def test_the_script_reports_every_good_declaration_of_a_folder_with_bad_files(intake: Path):
    completed = _run("check", str(intake), "--format", "json")
    assert completed.returncode == 2
    report = json.loads(completed.stdout)
    jsonschema.validate(report, report_schema())
    assert [entry["name"] for entry in report["reports"]] == [
        "党员活动经费", "市直机关工会工作经费", "中共衡阳市直属机关工作委员会"] * 2
    assert sorted(Path(error["file"]).name for error in report["errors"]) == [
        "broken.json", "sheet.xlsx", "unknown-key.json"]
    assert "Traceback" not in completed.stderr


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """201 declarations: the three sample ones, 67 times, each with its own id."""
    import attrs

    base = load_declarations(SAMPLE_JSON)
    declarations = [attrs.evolve(declaration, id=f"{declaration.id}-{copy}",
                                 name=f"{declaration.name}{copy}")
                    for copy in range(67) for declaration in base]
    path = tmp_path_factory.mktemp("many") / "many.jsonl"
    dump_declarations(declarations, path)
    return path


@pytest.mark.parametrize("ruleset", ["mof-2021", "examples-without-batch-rules"])
def test_two_jobs_write_the_same_bytes_as_one(many: Path, tmp_path: Path, ruleset: str):
    if ruleset == "examples-without-batch-rules":  # the streaming path, no batch rules
        rules = tmp_path / "stream.rules"
        rules.write_text('extends "mof-2021"\ndisable B02 because "stream"\n'
                         'disable X07 because "stream"\n', "utf-8")
        ruleset = str(rules)
    one = _run("check", str(many), "--ruleset", ruleset, "--format", "json", "--jobs", "1")
    two = _run("check", str(many), "--ruleset", ruleset, "--format", "json", "--jobs", "2")
    assert one.returncode == two.returncode == 1, two.stderr
    assert len(json.loads(one.stdout)["reports"]) == 201
    assert one.stdout == two.stdout


def test_the_testing_tools_import_and_run_in_a_fresh_interpreter():
    """hypothesis loads our entry point while it is imported: importing the testing package
    first, or hypothesis first, must both work (a fresh process, not pytest's)."""
    for code in ("import indicator_rules.testing",
                 "import hypothesis; import indicator_rules.testing"):
        completed = subprocess.run([sys.executable, "-c", code], capture_output=True,
                                   text=True, env=ENV, check=False, timeout=120)
        assert completed.returncode == 0, completed.stderr
    coverage = _run("coverage", "hunan-hengyang", "--examples", "1")
    assert coverage.returncode == 0, coverage.stderr
    assert "irregular-cost-level2" in coverage.stdout
