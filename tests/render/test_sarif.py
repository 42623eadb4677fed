"""check --format sarif: a SARIF 2.1.0 log that validates against the official schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from indicator_rules.cli import main
from tests.render.conftest import REPO, SAMPLE_MD

SCHEMA = json.loads((REPO / "tests" / "fixtures" / "sarif-schema-2.1.0.json").read_text("utf-8"))


def _sarif(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    status = main(["check", *args, "--format", "sarif"])
    return status, json.loads(capsys.readouterr().out)


def test_the_sample_log_validates_against_the_sarif_schema(capsys):
    _, log = _sarif([str(SAMPLE_MD)], capsys)
    jsonschema.validate(log, SCHEMA)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert rules[0]["id"] == "S01"
    assert run["tool"]["driver"]["name"] == "indicator-rules"
    by_rule = [result for result in run["results"] if result["ruleId"] == "V01"]
    first = by_rule[0]
    assert first["level"] == "error"
    assert rules[first["ruleIndex"]]["id"] == "V01"
    location = first["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"].endswith(
        "examples/hengyang-2021.md")
    assert location["physicalLocation"]["region"] == {"startLine": 24}
    assert location["logicalLocations"][0]["fullyQualifiedName"].endswith(
        "/indicators[1].value")
    assert len(first["partialFingerprints"]["indicatorRules/v1"]) == 16
    levels = {result["level"] for result in run["results"]}
    assert levels == {"error", "warning", "note"}


def test_unreadable_inputs_are_notifications_and_the_log_still_validates(intake: Path, capsys):
    status, log = _sarif([str(intake)], capsys)
    jsonschema.validate(log, SCHEMA)
    assert status == 2
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    unreadable = [note for note in invocation["toolExecutionNotifications"]
                  if note["level"] == "error"]
    assert len(unreadable) == 3


def test_waived_findings_are_suppressed(tmp_path: Path, capsys):
    waived = tmp_path / "waived.json"
    waived.write_text(json.dumps([{
        "kind": "project", "name": "培训", "year": 2021,
        "indicators": [{"level1": "产出指标", "level2": "数量指标", "name": "培训人次"}],
        "waivers": [{"rule": "V01", "reason": "指标值待主管部门核定"}],
    }], ensure_ascii=False), "utf-8")
    _, log = _sarif([str(waived)], capsys)
    jsonschema.validate(log, SCHEMA)
    (result,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "V01"]
    assert result["suppressions"] == [{"kind": "external", "justification": "指标值待主管部门核定"}]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        str(waived.as_uri())


def test_a_sarif_that_breaks_the_schema_is_caught():
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": []}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA)
