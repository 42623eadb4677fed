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


RULES = '''ruleset "cli-demo"
param vague_words = ["一批"]

rule V01 "三级指标须填写指标值"
  severity error
  for each i in indicators where not blank(i.name)
  at i.value
  require not blank(i.value.text)
  message "「{i.name}」未填写指标值"
  example fail """{"indicators": [{"name": "培训"}]}"""
  example pass """{"indicators": [{"name": "培训", "value": "3次"}]}"""

rule V03 "含模糊用语"
  severity warning
  for each i in indicators where contains_any(i.value.text, vague_words)
  message "「{i.name}」含模糊用语"
  example fail """{"indicators": [{"name": "x", "value": "打造一批"}]}"""
'''


@pytest.fixture
def rules_file(tmp_path: Path) -> Path:
    path = tmp_path / "demo.rules"
    path.write_text(RULES, "utf-8")
    return path


def test_check_prints_findings_and_exits_by_fail_on(
    sample_json: Path, rules_file: Path, capsys: pytest.CaptureFixture[str]
):
    assert main(["check", str(sample_json), "--ruleset", str(rules_file)]) == 1
    out = capsys.readouterr().out
    assert f"hengyang-2021-3-1  项目「党员活动经费」（{sample_json}）：4 错误，1 警告" in out
    assert "  错误 V01 三级指标须填写指标值  indicators[1].value\n" \
           "      「指标 2: 自选党建活动」未填写指标值" in out
    assert (f"hengyang-2021-3-3  部门整体「中共衡阳市直属机关工作委员会」（{sample_json}）：1 警告"
            in out)
    only_vague = rules_file.with_name("vague.rules")
    only_vague.write_text(RULES.replace("severity error", "severity info"), "utf-8")
    assert main(["check", str(sample_json), "--ruleset", str(only_vague)]) == 0
    assert main(["check", str(sample_json), "--ruleset", str(only_vague),
                 "--fail-on", "warning"]) == 1


def test_a_ruleset_that_does_not_load_exits_2(
    sample_json: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    broken = tmp_path / "broken.rules"
    broken.write_text('rule V01 "x"\n  severity error\n  require i.levxel1\n  message "m"\n',
                      "utf-8")
    for command in (["check", str(sample_json), "--ruleset", str(broken)],
                    ["rules", str(broken)], ["test", str(broken)],
                    ["explain", "V01", "--ruleset", str(broken)]):
        assert main(command) == 2
        assert f"{broken}:3:11: error: unknown name 'i'" in capsys.readouterr().err


def test_test_runs_inline_examples(rules_file: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["test", str(rules_file)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "3 passed, 0 failed"
    wrong = rules_file.with_name("wrong.rules")
    wrong.write_text(RULES.replace('example fail """{"indicators": [{"name": "x", "value": '
                                   '"打造一批"}]}"""', 'example fail """{}"""'), "utf-8")
    assert main(["test", str(wrong)]) == 1
    assert "FAIL V03 example fail" in capsys.readouterr().out


def test_rules_and_explain(rules_file: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["rules", str(rules_file)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"V01\t错误\t三级指标须填写指标值\t{rules_file}",
        f"V03\t警告\t含模糊用语\t{rules_file}",
    ]
    assert main(["explain", "V01", "--ruleset", str(rules_file)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("V01 「三级指标须填写指标值」\n  严重程度 (severity): 错误 error\n")
    assert "    rule V01 \"三级指标须填写指标值\"\n      severity error\n" in out
    assert main(["explain", "V1", "--ruleset", str(rules_file)]) == 2
    assert "did you mean V01" in capsys.readouterr().err


def test_a_ruleset_with_a_syntax_error_exits_2_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    broken = tmp_path / "syntax.rules"
    broken.write_text('rule R01 "x\n', "utf-8")
    assert main(["test", str(broken)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f'{broken}:1:10: error: unterminated text: no closing " on this line')
    assert "Traceback" not in err


BATCH_RULES = '''ruleset "batch-demo"
rule X07 "项目资金超出部门项目支出"
  severity warning
  applies to batch
  for each d in departments where d.funding.project != null
  let own = projects where year == d.year
  let total = sum(own.funding.total)
  require total <= d.funding.project
  message "{d.name}的项目资金合计 {total}，超过部门项目支出 {d.funding.project}"
'''


def test_check_runs_batch_rules_over_all_the_files_together(
    sample_json: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    rules = tmp_path / "batch.rules"
    rules.write_text(BATCH_RULES, "utf-8")
    assert main(["check", str(sample_json), "--ruleset", str(rules)]) == 0
    assert "X07" not in capsys.readouterr().out  # 40 + 26 ≤ 90
    tight = tmp_path / "tight.rules"
    tight.write_text(BATCH_RULES.replace("require total <= d.funding.project",
                                         "require total <= d.funding.project - 30万元"), "utf-8")
    assert main(["check", str(sample_json), "--ruleset", str(tight),
                 "--fail-on", "warning"]) == 1
    out = capsys.readouterr().out
    assert "警告 X07 项目资金超出部门项目支出" in out
    assert "项目资金合计 66.00 万元" in out


def test_catalog_writes_the_page_of_a_ruleset(
    rules_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    assert main(["catalog", str(rules_file)]) == 0
    page = capsys.readouterr().out
    assert page.startswith("# Rule catalog: cli-demo\n")
    assert "### V03 — 含模糊用语" in page
    target = tmp_path / "catalog.md"
    assert main(["catalog", str(rules_file), "-o", str(target)]) == 0
    assert target.read_text("utf-8") == page
    assert main(["catalog", str(rules_file), "-o", str(tmp_path / "no" / "such.md")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_exit_zero_reports_findings_without_failing(
    sample_json: Path, rules_file: Path, capsys: pytest.CaptureFixture[str]
):
    assert main(["check", str(sample_json), "--ruleset", str(rules_file), "--exit-zero"]) == 0
    assert "错误 V01 三级指标须填写指标值" in capsys.readouterr().out
    missing = sample_json.with_name("missing.json")
    assert main(["check", str(missing), "--ruleset", str(rules_file), "--exit-zero"]) == 2


def test_rules_path_lets_extends_reach_a_shared_folder_for_every_ruleset_command(
    sample_json: Path, rules_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "base.rules").write_text(rules_file.read_text("utf-8"), "utf-8")
    bureau = tmp_path / "bureau"
    bureau.mkdir()
    mine = bureau / "mine.rules"
    mine.write_text('ruleset "mine"\nextends "../shared/base.rules"\n', "utf-8")
    commands = (["check", str(sample_json), "--ruleset", str(mine)], ["rules", str(mine)],
                ["test", str(mine)], ["explain", "V01", "--ruleset", str(mine)],
                ["catalog", str(mine)])
    for command in commands:
        assert main(command) == 2, command
        assert "it is outside the folder of" in capsys.readouterr().err
    expected = {"check": 1, "rules": 0, "test": 0, "explain": 0, "catalog": 0}
    for command in commands:
        assert main([*command, "--rules-path", str(shared)]) == expected[command[0]], command
        captured = capsys.readouterr()
        assert "V01" in captured.out
        assert "error" not in captured.err
