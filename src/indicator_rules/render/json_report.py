"""The JSON report: every report, every input error and a summary, in one document.

The document is written as the run goes (one report at a time), and :func:`report_schema` is
its JSON Schema (draft 2020-12), also printed by ``indicator-rules schema --report``::

    {"reports": [{"declaration": ID, "kind": "project", "name": …, "file": …, "source": …,
                  "findings": [{"rule", "severity", "title", "message", "path", "source",
                                "evidence", "waived", "kind", "item", "fingerprint",
                                "rule_source"}],
                  "notes": […], "unused_waivers": […], "summary": {…}}],
     "errors": [{"file", "message", "path", "sheet", "row", "column", "line"}],
     "summary": {"ruleset", "declarations", "files", "errors", "findings", "waived",
                 "rule_errors", "fail_on", "exit_status"}}

The document is encoded with `orjson <https://pypi.org/project/orjson/>`_ where it is installed
(a dependency on the common platforms): the standard library's encoder is pure Python as soon as
it indents, and encoding took a quarter of a large run. Both give the same bytes; data orjson
cannot encode (a lone surrogate from a badly decoded file) goes to the standard library's.
"""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

from indicator_rules.findings import Finding, Report, Severity
from indicator_rules.intake import InputError, InputItem
from indicator_rules.model import ImportNote, Waiver
from indicator_rules.render import Output, RunSummary
from indicator_rules.ruleset import Ruleset
from indicator_rules.source import SourceRef

__all__ = ["JsonRenderer", "encode", "report_schema"]

_orjson: ModuleType | None
try:
    import orjson as _orjson
except ImportError:  # a platform without orjson's wheels: the standard library does it all
    _orjson = None


def _source(source: SourceRef | None) -> dict[str, Any] | None:
    if source is None:
        return None
    return {"file": source.file, "sheet": source.sheet, "row": source.row,
            "column": source.column}


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule_id,
        "severity": finding.severity.name.lower(),
        "title": finding.title,
        "message": finding.message,
        "path": finding.path,
        "source": _source(finding.source),
        "evidence": dict(finding.evidence),
        "waived": finding.waived,
        "kind": finding.kind,
        "item": finding.item,
        "fingerprint": finding.fingerprint,
        "rule_source": finding.rule_source,
    }


def _note(note: ImportNote) -> dict[str, Any]:
    return {"text": note.text, "reason": note.reason, "source": _source(note.source)}


def _waiver(waiver: Waiver) -> dict[str, Any]:
    return {"rule": waiver.rule, "reason": waiver.reason, "path": waiver.path,
            "until_year": waiver.until_year}


def report_entry(item: InputItem, report: Report) -> dict[str, Any]:
    """One declaration's report as JSON data."""
    declaration = item.declaration
    return {
        "declaration": declaration.id,
        "kind": declaration.kind,
        "name": declaration.name,
        "year": declaration.year,
        "file": item.file,
        "source": _source(declaration.source),
        "findings": [_finding(finding) for finding in report.findings],
        "notes": [_note(note) for note in declaration.notes],
        "unused_waivers": [_waiver(waiver) for waiver in report.unused_waivers],
        "summary": {
            "error": report.count(Severity.ERROR),
            "warning": report.count(Severity.WARNING),
            "info": report.count(Severity.INFO),
            "waived": sum(1 for finding in report.findings if finding.waived is not None),
            "rules_run": report.rules_run,
            "rules_skipped": report.rules_skipped,
            "rules_errored": report.rules_errored,
            "ok": report.ok,
        },
    }


def error_entry(error: InputError) -> dict[str, Any]:
    """One input error as JSON data."""
    return {"file": error.file, "message": error.message, "path": error.path,
            "sheet": error.sheet, "row": error.row, "column": error.column,
            "line": error.line}


def summary_entry(summary: RunSummary) -> dict[str, Any]:
    """The run's summary as JSON data."""
    return {
        "ruleset": summary.ruleset,
        "declarations": summary.declarations,
        "files": len(summary.files),
        "errors": summary.errors,
        "findings": {severity.name.lower(): summary.findings[severity]
                     for severity in sorted(Severity, reverse=True)},
        "waived": summary.waived,
        "rule_errors": summary.rule_errors,
        "fail_on": summary.fail_on.name.lower(),
        "exit_status": summary.exit_status,
    }


def encode(data: Any) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=2)``, by orjson when it is there."""
    if _orjson is not None:
        try:
            return str(_orjson.dumps(data, option=_orjson.OPT_INDENT_2), "utf-8")
        except TypeError:  # orjson refuses it (JSONEncodeError): the standard library decides
            pass
    return json.dumps(data, ensure_ascii=False, indent=2)


def _dumps(data: Any, indent: str) -> str:
    return encode(data).replace("\n", "\n" + indent)


class JsonRenderer:
    """Writes the JSON document as the run goes: ``reports`` streamed, ``errors`` gathered
    (they are few) and written with the ``summary`` at the end."""

    def __init__(self, out: Output, ruleset: Ruleset) -> None:
        self.out = out
        self.ruleset = ruleset
        self.errors: list[dict[str, Any]] = []
        self.count = 0
        self.out.write('{\n  "reports": [')

    def add(self, item: InputItem, report: Report) -> None:
        self.out.write(("," if self.count else "") + "\n    "
                       + _dumps(report_entry(item, report), "    "))
        self.count += 1

    def error(self, error: InputError) -> None:
        self.errors.append(error_entry(error))

    def finish(self, summary: RunSummary) -> None:
        self.out.write(("\n  " if self.count else "") + "],\n  \"errors\": "
                       + _dumps(self.errors, "  ") + ",\n  \"summary\": "
                       + _dumps(summary_entry(summary), "  ") + "\n}\n")


_NULLABLE_TEXT = {"type": ["string", "null"]}
_NULLABLE_INT = {"type": ["integer", "null"], "minimum": 1}
_SOURCE = {
    "type": ["object", "null"],
    "description": "where on the form (file, worksheet or 表N, row, column); null when unknown",
    "properties": {"file": _NULLABLE_TEXT, "sheet": _NULLABLE_TEXT, "row": _NULLABLE_INT,
                   "column": _NULLABLE_INT},
    "required": ["file", "sheet", "row", "column"],
    "additionalProperties": False,
}
_SEVERITY = {"enum": ["error", "warning", "info"]}
_COUNT = {"type": "integer", "minimum": 0}


def _object(properties: dict[str, Any], description: str) -> dict[str, Any]:
    return {"type": "object", "description": description, "properties": properties,
            "required": sorted(properties), "additionalProperties": False}


def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``indicator-rules check --format json``."""
    finding = _object({
        "rule": {"type": "string", "description": "rule id, e.g. V01"},
        "severity": _SEVERITY,
        "title": {"type": "string", "description": "the rule's Chinese title"},
        "message": {"type": "string", "description": "what is wrong, in Chinese"},
        "path": {"type": "string",
                 "description": "where in the declaration (JSON path, e.g. indicators[4].value); "
                                "empty for the declaration itself"},
        "source": _SOURCE,
        "evidence": {"type": "object", "additionalProperties": {"type": "string"},
                     "description": "the rule's let values and compared operands, formatted"},
        "waived": {"type": ["string", "null"], "description": "the waiver's reason, if waived"},
        "kind": {"enum": ["finding", "rule-error"]},
        "item": {"type": "string",
                 "description": "the element of a computed list the finding is about"},
        "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{16}$",
                        "description": "stable identity: rule, declaration, path, kind, item"},
        "rule_source": {"type": "string", "description": "where the rule is written (file:line)"},
    }, "one finding")
    note = _object({"text": {"type": "string"}, "reason": {"type": "string"},
                    "source": _SOURCE}, "text of the form the reader could not place")
    waiver = _object({"rule": {"type": "string"}, "reason": {"type": "string"},
                      "path": _NULLABLE_TEXT, "until_year": {"type": ["integer", "null"]}},
                     "a waiver of the declaration that covered no finding")
    report = _object({
        "declaration": {"type": "string", "description": "the declaration's id"},
        "kind": {"enum": ["project", "department"]},
        "name": {"type": "string"},
        "year": {"type": ["integer", "null"]},
        "file": {"type": "string", "description": "the file it was read from"},
        "source": _SOURCE,
        "findings": {"type": "array", "items": finding},
        "notes": {"type": "array", "items": note},
        "unused_waivers": {"type": "array", "items": waiver},
        "summary": _object({"error": _COUNT, "warning": _COUNT, "info": _COUNT,
                            "waived": _COUNT, "rules_run": _COUNT, "rules_skipped": _COUNT,
                            "rules_errored": _COUNT, "ok": {"type": "boolean"}},
                           "unwaived findings by severity, waived ones, rules run"),
    }, "the report of one declaration")
    error = _object({"file": {"type": "string"}, "message": {"type": "string"},
                     "path": {"type": "string"}, "sheet": _NULLABLE_TEXT, "row": _NULLABLE_INT,
                     "column": _NULLABLE_INT, "line": _NULLABLE_INT},
                    "input that could not be read, with where and why")
    summary = _object({
        "ruleset": {"type": "string"},
        "declarations": _COUNT, "files": _COUNT, "errors": _COUNT,
        "findings": _object({"error": _COUNT, "warning": _COUNT, "info": _COUNT},
                            "unwaived findings by severity"),
        "waived": _COUNT, "rule_errors": _COUNT, "fail_on": _SEVERITY,
        "exit_status": {"enum": [0, 1, 2]},
    }, "the whole run")
    schema = _object({"reports": {"type": "array", "items": report},
                      "errors": {"type": "array", "items": error}, "summary": summary},
                     "indicator-rules check --format json")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://indicator-rules.invalid/schema/report.json",
            "title": "indicator_rules check report", **schema}
