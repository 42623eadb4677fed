"""The SARIF 2.1.0 report, so that findings show up in code-scanning tools when declarations
live in a repository.

One run of the tool ``indicator-rules``: the composed ruleset's rules as
``tool.driver.rules`` (id, name, title, doc, fix, default level, tags), one result per finding
(level error/warning/note; location: the file, the line for text forms, and the declaration
path as a logical location; the finding's fingerprint; a waiver as a suppression), and the
input errors, rule errors and import notes as tool execution notifications.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from indicator_rules import __version__
from indicator_rules.findings import Finding, Report, Severity
from indicator_rules.intake import InputError, InputItem
from indicator_rules.render import Output, RunSummary
from indicator_rules.ruleset import Ruleset
from indicator_rules.source import SourceRef

__all__ = ["SARIF_SCHEMA", "SarifRenderer"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
#: forms whose SourceRef row is a line of the file (Markdown, text): they get a region
_LINE_FILES = (".md", ".markdown", ".txt")


def artifact_uri(file: str) -> str:
    """The file as a SARIF artifact URI: relative paths as given (with ``/``), absolute ones as
    ``file://`` URIs."""
    path = PurePath(file)
    if path.is_absolute():
        return Path(file).as_uri()
    return quote(path.as_posix())


def _position(source: SourceRef | None) -> str:
    if source is None:
        return ""
    return " ".join(str(source).split(" ")[1:]) if source.file else str(source)


def _physical(source: SourceRef | None, item: InputItem) -> dict[str, Any]:
    """The file of a position on a form, with its line when the form is a text file."""
    file = source.file if source is not None and source.file else item.file
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(file)}}
    if source is not None and source.row is not None and \
            PurePath(file).suffix.lower() in _LINE_FILES:
        physical["region"] = {"startLine": source.row}
    return {"physicalLocation": physical}


def _location(finding: Finding, item: InputItem) -> dict[str, Any]:
    qualified = item.declaration.id + (f"/{finding.path}" if finding.path else "")
    return {**_physical(finding.source, item),
            "logicalLocations": [{"fullyQualifiedName": qualified, "kind": "member"}]}


def _text(text: str) -> dict[str, str]:
    return {"text": text}


class SarifRenderer:
    """Writes a SARIF log: results streamed, the notifications gathered and written at the
    end."""

    def __init__(self, out: Output, ruleset: Ruleset) -> None:
        self.out = out
        self.notifications: list[dict[str, Any]] = []
        self.rule_index: dict[str, int] = {}
        rules: list[dict[str, Any]] = []
        for info in ruleset.rules:
            node = info.node
            self.rule_index[info.rule_id] = len(rules)
            rule: dict[str, Any] = {
                "id": info.rule_id,
                "shortDescription": _text(node.title),
                "defaultConfiguration": {"level": _LEVELS[info.severity],
                                         "enabled": info.disabled is None},
                "properties": {"tags": list(node.tags), "origin": Path(info.origin).name},
            }
            if node.name:
                rule["name"] = node.name
            if node.doc.strip():
                rule["fullDescription"] = _text(node.doc.strip())
            if node.fix.strip():
                rule["help"] = _text(node.fix.strip())
            rules.append(rule)
        driver = {"name": "indicator-rules", "version": __version__,
                  "semanticVersion": __version__, "rules": rules,
                  "properties": {"ruleset": ruleset.name, "rulesetVersion": ruleset.version}}
        head = {"$schema": SARIF_SCHEMA, "version": "2.1.0",
                "runs": [{"tool": {"driver": driver}}]}
        text = json.dumps(head, ensure_ascii=False, indent=2)
        # open the run's object again to stream its results into it
        self.out.write(text[: text.rindex("}", 0, text.rindex("]"))] + ',\n      "results": [')
        self.count = 0

    def add(self, item: InputItem, report: Report) -> None:
        for finding in report.findings:
            if finding.kind == "rule-error":
                self.notifications.append({
                    "level": "error", "message": _text(finding.message),
                    "associatedRule": {"id": finding.rule_id},
                    "locations": [_location(finding, item)],
                })
                continue
            self._result(finding, item)
        for note in item.declaration.notes:
            self.notifications.append({
                "level": "note",
                "message": _text(f"导入备注（{note.reason or '未能归入任何字段'}）：{note.text}"),
                "locations": [_physical(note.source, item)],
            })

    def _result(self, finding: Finding, item: InputItem) -> None:
        result: dict[str, Any] = {
            "ruleId": finding.rule_id,
            "level": _LEVELS[finding.severity],
            "message": _text(finding.message),
            "locations": [_location(finding, item)],
            "partialFingerprints": {"indicatorRules/v1": finding.fingerprint},
            "properties": {"declaration": item.declaration.id, "path": finding.path,
                           "position": _position(finding.source),
                           "evidence": dict(finding.evidence)},
        }
        if finding.rule_id in self.rule_index:
            result["ruleIndex"] = self.rule_index[finding.rule_id]
        if finding.waived is not None:
            result["suppressions"] = [{"kind": "external", "justification": finding.waived}]
        text = json.dumps(result, ensure_ascii=False, indent=2).replace("\n", "\n        ")
        self.out.write(("," if self.count else "") + "\n        " + text)
        self.count += 1

    def error(self, error: InputError) -> None:
        self.notifications.append({
            "level": "error", "message": _text(f"无法读取：{error}"),
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": artifact_uri(error.file)}}}],
        })

    def finish(self, summary: RunSummary) -> None:
        invocation = {"executionSuccessful": summary.errors == 0 and summary.rule_errors == 0,
                      "exitCode": summary.exit_status,
                      "toolExecutionNotifications": self.notifications}
        text = json.dumps([invocation], ensure_ascii=False, indent=2).replace("\n", "\n      ")
        self.out.write(("\n      " if self.count else "") + "],\n      \"invocations\": "
                       + text + "\n    }\n  ]\n}\n")

