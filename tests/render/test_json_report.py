"""check --format json: the documented shape, validated against its JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicator_rules.cli import main
from indicator_rules.render.json_report import report_schema
from tests.render.conftest import SAMPLE_MD


def _json_report(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    status = main(["check", *args, "--format", "json"])
    return status, json.loads(capsys.readouterr().out)


def test_the_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(report_schema())


def test_the_sample_report_validates_and_carries_every_finding(capsys):
    status, report = _json_report([str(SAMPLE_MD)], capsys)
    jsonschema.validate(report, report_schema())
    assert status == 1  # the sample has errors
    assert [entry["name"] for entry in report["reports"]] == [
        "党员活动经费", "市直机关工会工作经费", "中共衡阳市直属机关工作委员会"]
    first = report["reports"][0]
    blank = [f for f in first["findings"] if f["rule"] == "V01"]
    assert blank[0]["path"] == "indicators[1].value"
    assert blank[0]["source"] == {"file": str(SAMPLE_MD), "sheet": "表1", "row": 24,
                                  "column": 4}
    assert blank[0]["severity"] == "error"
    assert report["errors"] == []
    total = {"error": 0, "warning": 0, "info": 0}
    for entry in report["reports"]:
        for severity in total:
            total[severity] += entry["summary"][severity]
    assert report["summary"]["findings"] == total
    assert report["summary"]["declarations"] == 3
    assert report["summary"]["exit_status"] == 1


def test_a_folder_with_bad_files_reports_the_good_ones_and_lists_the_bad(intake: Path, capsys):
    status, report = _json_report([str(intake), "--exit-zero"], capsys)
    jsonschema.validate(report, report_schema())
    assert status == 2
    assert len(report["reports"]) == 6  # three forms, three typed declarations
    assert {entry["file"] for entry in report["reports"]} == {
        str(intake / "forms.md"), str(intake / "sub" / "typed.json")}
    bad = {Path(error["file"]).name: error for error in report["errors"]}
    assert set(bad) == {"broken.json", "unknown-key.json", "sheet.xlsx"}
    assert bad["unknown-key.json"]["path"] == "[0]"
    assert "colour" in bad["unknown-key.json"]["message"]
    assert bad["broken.json"]["line"] == 1
    assert "Excel" in bad["sheet.xlsx"]["message"]
    assert report["summary"]["errors"] == 3
    assert report["summary"]["exit_status"] == 2


def test_the_report_goes_to_a_file_with_o(tmp_path: Path, capsys):
    target = tmp_path / "report.json"
    assert main(["check", str(SAMPLE_MD), "--format", "json", "-o", str(target)]) == 1
    assert capsys.readouterr().out == ""
    jsonschema.validate(json.loads(target.read_text("utf-8")), report_schema())


def test_schema_report_prints_the_schema(capsys):
    assert main(["schema", "--report"]) == 0
    assert json.loads(capsys.readouterr().out) == report_schema()


def test_an_empty_run_is_still_a_valid_document(tmp_path: Path, capsys):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", "utf-8")
    status, report = _json_report([str(empty)], capsys)
    jsonschema.validate(report, report_schema())
    assert (status, report["reports"], report["errors"]) == (0, [], [])


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2**40, 2**40) | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@given(_JSON)
def test_the_encoder_writes_what_the_standard_library_writes(data: object):
    """orjson (where installed) and json.dumps give the same text, so the report does not
    depend on which one a machine has; what orjson refuses (lone surrogates) still encodes."""
    from indicator_rules.render.json_report import encode

    assert encode(data) == json.dumps(data, ensure_ascii=False, indent=2)


def test_the_encoder_works_without_orjson(monkeypatch: pytest.MonkeyPatch):
    from indicator_rules.render import json_report

    data = {"名称": ["指标值", None, 3, True], "空": {}, "无": [], "坏": "\udcff"}
    expected = json.dumps(data, ensure_ascii=False, indent=2)
    assert json_report.encode(data) == expected  # the surrogate: orjson refuses, json writes
    monkeypatch.setattr(json_report, "_orjson", None)
    assert json_report.encode(data) == expected
