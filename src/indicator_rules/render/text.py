"""The text report: per declaration, its findings grouped by severity, in Chinese."""

from __future__ import annotations

from typing import TextIO

from indicator_rules.findings import Finding, Report, Severity
from indicator_rules.intake import InputError, InputItem
from indicator_rules.render import RunSummary

__all__ = ["TextRenderer"]

_KIND_NAMES = {"project": "项目", "department": "部门整体"}
_COLORS = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_RESET = "\x1b[0m"
_DIM = "\x1b[2m"


def counts_text(counts: dict[Severity, int]) -> str:
    """``4 错误，1 警告`` — the non-zero counts, worst first."""
    return "，".join(f"{counts[severity]} {severity.label}"
                    for severity in sorted(Severity, reverse=True) if counts.get(severity))


class TextRenderer:
    """Findings for reviewers: each declaration with its counts, then its findings, errors
    first, each with the rule, where it is in the declaration and on the form, and its message;
    a summary line at the end. ``color`` adds ANSI colours to the severities."""

    def __init__(self, out: TextIO, *, color: bool = False) -> None:
        self.out = out
        self.color = color

    def _paint(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.color else text

    def add(self, item: InputItem, report: Report) -> None:
        declaration = item.declaration
        counts = {severity: report.count(severity) for severity in Severity}
        where = f"（{item.file}）"
        self.out.write(f"{declaration.id}  {_KIND_NAMES[declaration.kind]}"
                       f"「{declaration.name}」{where}：{counts_text(counts) or '未发现问题'}\n")
        ordered = sorted(report.findings, key=lambda finding: (
            finding.waived is not None, -finding.severity))
        for finding in ordered:
            self._finding(finding)
        for waiver in report.unused_waivers:
            self.out.write(f"  提示 豁免未使用：{waiver.rule} {waiver.path or ''}"
                           f"（{waiver.reason}）\n")

    def _finding(self, finding: Finding) -> None:
        waived = f"（已豁免：{finding.waived}）" if finding.waived else ""
        where = f"  {finding.path}" if finding.path else ""
        if finding.source is not None:
            where += self._paint(f"  [{finding.source}]", _DIM)
        label = "规则出错" if finding.kind == "rule-error" else finding.severity.label
        label = self._paint(label, _COLORS[finding.severity])
        self.out.write(f"  {label} {finding.rule_id} {finding.title}{where}{waived}\n"
                       f"      {finding.message}\n")

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
        if not summary.declarations:
            self.out.write(f"没有读到任何申报表（规则集 {summary.ruleset}）{tail}\n")
            return
        self.out.write(f"共检查 {summary.declarations} 份申报表（{len(summary.files)} 个文件，"
                       f"规则集 {summary.ruleset}）：{found}{tail}\n")
