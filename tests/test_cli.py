from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from indicator_rules.cli import main

SCRIPT = Path(sys.executable).with_name("indicator-rules")


def test_parse_value_json_has_the_documented_keys(capsys: pytest.CaptureFixture[str]):
    assert main(["parse-value", "每季度至少1次", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert list(printed)[:2] == ["text", "targets"]
    assert {"grade", "quantified"} <= set(printed)
    (target,) = printed["targets"]
    assert {key: target[key] for key in ("comparator", "number", "unit", "period", "approx")} == {
        "comparator": ">=", "number": "1", "unit": "次", "period": "季度", "approx": False
    }
    assert printed["quantified"] is True


def test_parse_value_without_json_prints_one_readable_line(capsys: pytest.CaptureFixture[str]):
    assert main(["parse-value", "满意度95%以上"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("满意度95%以上\t")
    assert "95" in line


def test_show_lists_every_indicator_of_the_sample(
    sample_json: Path, capsys: pytest.CaptureFixture[str]
):
    assert main(["show", str(sample_json)]) == 0
    out = capsys.readouterr().out
    assert out.count("→") == 13 + 11 + 12
    assert "hengyang-2021-3-1  项目 2021 「党员活动经费」 资金总额 40.00 万元" in out


def test_show_reports_bad_files_and_still_shows_the_good_ones(
    sample_json: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    bad = tmp_path / "bad.json"
    bad.write_text('[{"kind": "project", "name": "ok"}, {"kind": "project", "year": "x"}]', "utf-8")
    assert main(["show", str(bad), str(sample_json)]) == 2
    captured = capsys.readouterr()
    assert f'{bad}: [1].year: expected a whole number, got "x" (text)' in captured.err
    assert "「ok」" in captured.out
    assert "「党员活动经费」" in captured.out


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]):
    assert main(["no-such-command"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_schema_command_prints_the_schema(capsys: pytest.CaptureFixture[str]):
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["$defs"]["Indicator"]["type"] == "object"


@pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed beside python")
def test_installed_console_script_runs(sample_json: Path):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    completed = subprocess.run(
        [str(SCRIPT), "parse-value", "≤65万元", "--json"],
        capture_output=True, text=True, check=True, env=env,
    )
    assert json.loads(completed.stdout)["targets"][0]["comparator"] == "<="
    help_text = subprocess.run([str(SCRIPT), "--help"], capture_output=True, text=True,
                               check=True, env=env).stdout
    assert "parse-value" in help_text
    assert "show" in help_text
