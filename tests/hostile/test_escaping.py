"""Escaping in reports: text from a form (ESC sequences, other C0 and C1 controls, bidi
overrides, line breaks) cannot act on a reviewer's terminal or forge a line of the text report
or of standard error; JSON and SARIF escape it as JSON does; the catalog page escapes HTML in
text copied from a ruleset. Before, the text report and standard error wrote it raw (a cleared
screen, a forged summary line) and the catalog copied ``<script>`` into the page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import markdown  # type: ignore[import-untyped]  # the docs site's renderer
import pytest

from indicator_rules import cli, load_ruleset_text
from indicator_rules.catalog import render_catalog
from tests.render.conftest import SAMPLE_MD

#: a cleared screen, a forged summary line, a carriage return, an 8-bit CSI, a right-to-left
#: override, a line separator
HOSTILE = "培训\x1b[2J\x1b[H\n共检查 0 份申报表：未发现问题\r\x9b31m\u202e\u2028末"
SHOWN = ("培训\\x1b[2J\\x1b[H\\n共检查 0 份申报表：未发现问题\\r\\x9b31m\\u202e\\u2028末")
#: what a terminal acts on: C0 but the line feed, DEL, C1, line and paragraph separators, bidi
ACTING = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f"
                    "\u202a-\u202e\u2066-\u2069]")
RULES = ('rule W01 "名称可疑"\n  severity warning\n  applies to project\n  require len(name) < 5\n'
         '  message "「{name}」：{goal}"\n')


def _shown(path: Path) -> str:
    """A path with an ESC in its name as the command line shows it."""
    return str(path).replace("\x1b", "\\x1b").replace("\n", "\\n")


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, Path]:
    """A declaration file (its name carrying controls) and a ruleset quoting the text."""
    path = tmp_path / "esc\x1b[31m.json"
    path.write_text(json.dumps({"kind": "project", "id": "p1", "name": HOSTILE,
                                "goal": "目标\x1b]0;title\x07", "notes": [
                                    {"text": "备注\x1b[2K\n伪造的一行", "reason": "未能归入"}]},
                               ensure_ascii=False), "utf-8")
    rules = tmp_path / "w.rules"
    rules.write_text(RULES, "utf-8")
    return path, rules


def test_the_text_report_shows_control_characters_escaped_on_their_own_lines(
        hostile: tuple[Path, Path], capsys: pytest.CaptureFixture[str]):
    path, rules = hostile
    assert cli.main(["check", str(path), "--ruleset", str(rules), "--exit-zero"]) == 0
    out = capsys.readouterr().out
    assert not ACTING.search(out)
    assert out.splitlines() == [
        f"p1  项目「{SHOWN}」（{_shown(path)}）：1 警告",
        "  警告 W01 名称可疑",
        f"      「{SHOWN}」：目标\\x1b]0;title\\x07",
        "共检查 1 份申报表（1 个文件，规则集 w）：1 警告"]


def test_standard_error_shows_them_escaped_one_message_a_line(
        hostile: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path, rules = hostile
    broken = tmp_path / "bad\x1b[2J\nname.json"
    broken.write_text('{"kind": "project", "name": 5', "utf-8")
    assert cli.main(["check", str(path), str(broken), "--ruleset", str(rules)]) == 2
    err = capsys.readouterr().err
    assert not ACTING.search(err)
    lines = err.splitlines()
    assert len(lines) == 2
    assert lines[0] == f"{_shown(path)}: 导入备注（未能归入）：备注\\x1b[2K\\n伪造的一行"
    assert lines[1].startswith(_shown(broken) + ":1:")


def test_a_form_with_escape_sequences_in_its_cells(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]):
    form = tmp_path / "form.md"
    form.write_text(SAMPLE_MD.read_text("utf-8").replace("党员活动经费", "党员\x1b[2J活动经费"),
                    "utf-8")
    assert cli.main(["check", str(form), "--exit-zero"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "「党员\\x1b[2J活动经费」" in out
    assert cli.main(["show", str(form)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "「党员\\x1b[2J活动经费」" in out


@pytest.mark.parametrize("output_format", ["json", "sarif"])
def test_json_and_sarif_escape_control_characters_as_json_does(
        hostile: tuple[Path, Path], output_format: str, capsys: pytest.CaptureFixture[str]):
    path, rules = hostile
    assert cli.main(["check", str(path), "--ruleset", str(rules), "--format", output_format,
                     "--exit-zero"]) == 0
    out = capsys.readouterr().out
    assert not re.search("[\x00-\x09\x0b-\x1f]", out)  # C0 (and newlines inside strings)
    assert "\\u001b[2J" in out
    document = json.loads(out)
    messages = ([finding["message"] for finding in document["reports"][0]["findings"]]
                if output_format == "json"
                else [result["message"]["text"] for result in document["runs"][0]["results"]])
    assert messages == [f"「{HOSTILE}」：目标\x1b]0;title\x07"]  # the text itself, unchanged


def test_the_catalog_escapes_html_from_the_ruleset():
    ruleset = load_ruleset_text(
        'ruleset "t"\nparam words = ["<b>", "a|b"] doc "词 <img src=x onerror=alert(1)>"\n'
        'rule R01 "标题 <script>alert(1)</script> & 更多"\n'
        '  doc "说明 <script>alert(2)</script> & <em>强调</em>"\n'
        '  fix "修改 <iframe src=javascript:alert(3)>"\n'
        '  severity warning\n  severity error if contains_any(name, words) or name == "``x"\n'
        '  require true\n  message "m"\n', name="t.rules")
    page = render_catalog(ruleset)
    assert "说明 &lt;script&gt;alert(2)&lt;/script&gt; &amp; &lt;em&gt;强调&lt;/em&gt;" in page
    assert "| [R01](#r01) | 标题 &lt;script&gt;alert(1)&lt;/script&gt; &amp; 更多 |" in page
    assert "**Fix:** 修改 &lt;iframe src=javascript:alert(3)&gt;" in page
    assert ("| `words` | &lt;b&gt;、a\\|b | list of text | 词 &lt;img src=x onerror=alert(1)&gt; |"
            in page)
    assert ('| severity | error if ```(contains_any(name, words) or name == "``x")```; else'
            in page)
    html = markdown.markdown(page, extensions=["tables", "md_in_html", "attr_list",
                                               "pymdownx.superfences"])
    assert not re.search(r"<(script|iframe|img|em)\b", html)
    assert '<code>(contains_any(name, words) or name == "``x")</code>' in html
    assert 'rule R01 "标题 &lt;script&gt;alert(1)&lt;/script&gt; &amp; 更多"' in html


def test_coverage_shows_the_rulesets_name_escaped(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]):
    rules = tmp_path / "named.rules"
    rules.write_text('ruleset "名称\x1b[2J可疑\u202e"\n' + RULES, "utf-8")
    assert cli.main(["coverage", str(rules), "--examples", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("规则集 名称\\x1b[2J可疑\\u202e：")
    assert not ACTING.search(out)
