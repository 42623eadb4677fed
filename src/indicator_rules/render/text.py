"""The text report: per declaration, its findings grouped by severity, in Chinese.

Text that comes from the input or a ruleset (names, file names, sheet names, messages quoting
a 指标值 …) is written through :func:`escape_controls`, as everything the command line writes to
standard error is: a form cannot move the cursor, clear the screen, reverse the text's
direction or start a line of its own in a reviewer's terminal.
"""

from __future__ import annotations

import re

from indicator_rules.findings import Finding, Report, Severity
from indicator_rules.intake import InputError, InputItem
from indicator_rules.render import Output, RunSummary

__all__ = ["TextRenderer", "escape_controls"]

#: What a terminal acts on rather than shows: the C0 controls (line feed, carriage return, tab
#: and ESC among them), DEL, the C1 controls (NEL and CSI among them), the line and paragraph
#: separators, the bidirectional formatting characters (U+061C, U+200E, U+200F,
#: U+202A–U+202E, U+2066–U+2069) and lone surrogates (which cannot even be encoded).
_CONTROLS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
    "\ud800-\udfff]")

_KIND_NAMES = {"project": "项目", "department": "部门整体"}
_COLORS = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_RESET = "\x1b[0m"
_DIM = "\x1b[2m"


def escape_controls(text: str) -> str:
    """``text`` safe to show on a terminal, on one line: each control character written as its
    Python escape (``\\x1b``, ``\\n``, ``\\t``, ``\\u202e``); other text, Chinese included, as it
    is. A backslash already in the text is left alone."""
    if _CONTROLS.search(text) is None:
        return text
    return _CONTROLS.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def counts_text(counts: dict[Severity, int]) -> str:
    """``4 错误，1 警告`` — the non-zero counts, worst first."""
    return "，".join(f"{counts[severity]} {severity.label}"
                    for severity in sorted(Severity, reverse=True) if counts.get(severity))


class TextRenderer:
    """Findings for reviewers: each declaration with its counts, then its findings, errors
    first, each with the rule, where it is in the declaration and on the form, and its message;
    a summary line at the end. ``color`` adds ANSI colours to the severities."""

    def __init__(self, out: Output, *, color: bool = False) -> None:
        self.out = out
        self.color = color

    def _paint(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.color else text

    def add(self, item: InputItem, report: Report) -> None:
        declaration = item.declaration
        counts = {severity: report.count(severity) for severity in Severity}
        self._line(f"{escape_controls(declaration.id)}  {_KIND_NAMES[declaration.kind]}"
                   f"「{escape_controls(declaration.name)}」（{escape_controls(item.file)}）："
                   f"{counts_text(counts) or '未发现问题'}")
        ordered = sorted(report.findings, key=lambda finding: (
            finding.waived is not None, -finding.severity))
        for finding in ordered:
            self._finding(finding)
        for waiver in report.unused_waivers:
            self._line(escape_controls(f"  提示 豁免未使用：{waiver.rule} {waiver.path or ''}"
                                       f"（{waiver.reason}）"))

    def _line(self, text: str) -> None:
        self.out.write(text + "\n")

    def _finding(self, finding: Finding) -> None:
        label = "规则出错" if finding.kind == "rule-error" else finding.severity.label
        text = f"{finding.rule_id} {finding.title}" + (f"  {finding.path}" if finding.path else "")
        place = ("" if finding.source is None
                 else self._paint(f"  [{escape_controls(str(finding.source))}]", _DIM))
        waived = f"（已豁免：{finding.waived}）" if finding.waived else ""
        self._line(f"  {self._paint(label, _COLORS[finding.severity])} {escape_controls(text)}"
                   f"{place}{escape_controls(waived)}")
        self._line(f"      {escape_controls(finding.message)}")

    def error(self, error: InputError) -> None:
        """Input errors go to standard error as they come (see the command line); the text
        report only counts them in its summary."""

    def finish(self, summary: RunSummary) -> None:
        found = counts_text(summary.findings) or "未发现问题"
        extra = []
        if summary.waived:
            extra.append(f"{summary.waived} 项已豁免")
        if summary.rule_errors:
            extra.append(f"{summary.rule_errors} 条规则执行出错")
        if summary.errors:
            extra.append(f"{summary.errors} 处输入无法读取")
        tail = f"；{'，'.join(extra)}" if extra else ""
        ruleset = escape_controls(summary.ruleset)
        if not summary.declarations:
            self._line(f"没有读到任何申报表（规则集 {ruleset}）{tail}")
            return
        self._line(f"共检查 {summary.declarations} 份申报表（{len(summary.files)} 个文件，"
                   f"规则集 {ruleset}）：{found}{tail}")
