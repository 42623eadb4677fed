"""The text report: grouped by declaration and severity, in Chinese, with form positions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indicator_rules.cli import main
from indicator_rules.render.text import escape_controls
from tests.render.conftest import SAMPLE_MD

SEVERITY_ORDER = {"错误": 0, "警告": 1, "提示": 2}


def test_findings_come_errors_first_under_each_declaration(capsys):
    assert main(["check", str(SAMPLE_MD), "--ruleset", "mof-2021"]) == 1
    out = capsys.readouterr().out
    blocks = re.split(r"\n(?=\S)", out.strip())
    assert blocks[0].startswith(
        f"project-2021-6948fba1  项目「党员活动经费」（{SAMPLE_MD}）：4 错误，")
    assert blocks[-1].startswith("共检查 3 份申报表（1 个文件，规则集 mof-2021）：")
    for block in blocks[:-1]:
        levels = [SEVERITY_ORDER[line.split()[0]] for line in block.splitlines()[1:]
                  if line.startswith("  ") and not line.startswith("      ")]
        assert levels == sorted(levels), block
    assert ("  错误 V01 指标值为空  indicators[5].value  "
            f"[{SAMPLE_MD} 表1 第28行 第2列]") in out


def test_colour_only_when_asked_or_on_a_terminal(capsys, monkeypatch):
    main(["check", str(SAMPLE_MD), "--color", "always"])
    assert "\x1b[1;31m错误\x1b[0m" in capsys.readouterr().out
    main(["check", str(SAMPLE_MD)])  # captured output is no terminal
    assert "\x1b[" not in capsys.readouterr().out


def test_unreadable_input_goes_to_standard_error_and_the_summary(intake: Path, capsys):
    assert main(["check", str(intake), "--exit-zero"]) == 2
    captured = capsys.readouterr()
    assert f"{intake / 'broken.json'}:1:" in captured.err
    assert f"{intake / 'sub' / 'unknown-key.json'}: [0]: unknown key 'colour'" in captured.err
    assert f"{intake / 'sheet.xlsx'}: cannot read the file as an Excel workbook" in captured.err
    assert captured.out.rstrip().endswith("3 处输入无法读取")
    assert "共检查 6 份申报表（2 个文件" in captured.out


@pytest.mark.parametrize("jobs", ["0", "-1"])
def test_jobs_must_be_positive(jobs: str, capsys):
    assert main(["check", str(SAMPLE_MD), "--jobs", jobs]) == 2
    assert "--jobs must be at least 1" in capsys.readouterr().err


def test_a_missing_path_and_an_unknown_suffix_are_input_errors(tmp_path: Path, capsys):
    odd = tmp_path / "forms.pdf"
    odd.write_bytes(b"%PDF-1.4")
    assert main(["check", str(tmp_path / "nowhere"), str(odd), str(SAMPLE_MD)]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'nowhere'}: no such file or folder" in err
    assert f"{odd}: unknown file type '.pdf'; expected a declaration file (.json" in err


def test_a_progress_line_on_a_terminal_only(capsys, monkeypatch):
    import sys

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    main(["check", str(SAMPLE_MD)])
    err = capsys.readouterr().err
    assert "已检查 1 份申报表…" in err
    assert err.endswith("\r\x1b[K")  # cleared at the end
    main(["check", str(SAMPLE_MD), "--no-progress"])
    assert "已检查" not in capsys.readouterr().err


@pytest.mark.parametrize(("text", "shown"), [
    ("党员活动经费 ≥95% 「引号」\\x1b", "党员活动经费 ≥95% 「引号」\\x1b"),  # as it is
    ("a\x1b[2Jb", "a\\x1b[2Jb"),
    ("line\nnext\r\tend\x00\x7f", "line\\nnext\\r\\tend\\x00\\x7f"),
    ("\x85\x9b31m", "\\x85\\x9b31m"),  # C1: NEL, CSI
    ("\u202eabc\u2066\u200f\u061c", "\\u202eabc\\u2066\\u200f\\u061c"),  # bidi controls
    ("\u2028\u2029", "\\u2028\\u2029"),
    ("\ud800", "\\ud800"),  # a lone surrogate: shown, not a crash when encoded
])
def test_escape_controls(text: str, shown: str):
    assert escape_controls(text) == shown
    assert escape_controls(text).isprintable()
