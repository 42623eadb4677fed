"""The rule catalog: a Markdown page built from a composed ruleset, so the docs cannot drift.

For every rule: id, kebab name, title, severity (with its ``severity … if`` cases), what it applies
to, tags, the params it reads, where it is written, its doc and fix hint, its text and its inline
examples. Disabled rules are listed with the reason. ``docs/rules/`` holds the pages of the
built-in rulesets; a test rebuilds them and fails when they differ.

The page is Markdown, and Markdown lets HTML through (the docs site renders it): text of the
ruleset copied into the page — titles, docs, fix hints, param docs and values, reasons — has its
``&``, ``<`` and ``>`` escaped, so that ``<script>`` in a doc shows as written; in a table cell
``|`` is escaped and a line break becomes a space; code (a rule's text, a condition, a file
name) goes into code spans and fences longer than any run of backticks inside, which Markdown
shows as it is.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import attrs

from indicator_rules.dsl import nodes as n
from indicator_rules.dsl.checker import unparse
from indicator_rules.ruleset import RuleInfo, Ruleset

__all__ = ["params_of", "render_catalog"]

_APPLIES = {None: "every declaration", "project": "项目 (project) declarations",
            "department": "部门整体 (department) declarations",
            "batch": "a batch of declarations together"}


def _text(text: str) -> str:
    """Ruleset text as Markdown text: HTML's special characters escaped."""
    return html.escape(text, quote=False)


def _cell(text: str) -> str:
    """Ruleset text in a table cell: escaped, ``|`` too, on one line."""
    return " ".join(_text(text).replace("|", "\\|").splitlines())


def _longest_backticks(text: str) -> int:
    return max((len(run) for run in re.findall("`+", text)), default=0)


def _code(text: str) -> str:
    """``text`` as a code span, delimited by more backticks than any run inside."""
    fence = "`" * (_longest_backticks(text) + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def _code_block(text: str, language: str) -> list[str]:
    """``text`` as a fenced code block, fenced by more backticks than any run inside."""
    fence = "`" * max(3, _longest_backticks(text) + 1)
    return [f"{fence}{language}", text, fence]


def _children(node: object) -> Iterator[object]:
    """The syntax nodes directly inside ``node``."""
    for field in attrs.fields(type(node)):  # type: ignore[arg-type]  # syntax nodes are attrs
        value = getattr(node, field.name)
        for item in value if isinstance(value, tuple) else (value,):
            if attrs.has(type(item)) and not isinstance(item, n.Span):
                yield item


def params_of(rule: n.RuleNode, params: set[str]) -> list[str]:
    """The params a rule reads (``param.NAME``, or a bare name that is a param), sorted."""
    found: set[str] = set()
    stack: list[object] = [rule]
    while stack:
        node = stack.pop()
        if isinstance(node, n.ParamRef | n.Name) and node.name in params:
            found.add(node.name)
        stack.extend(_children(node))
    return sorted(found)


def _severity(info: RuleInfo) -> str:
    text = f"{info.severity.name.lower()} ({info.severity.label})"
    if info.severity_from:
        return f"{text}, set in {_code(Path(info.severity_from).name)}"
    cases = [f"{case.level} if {_code(unparse(case.condition))}"
             for case in info.node.severity_cases]
    return "; ".join([*cases, f"else {text}"]) if cases else text


def _rule_section(ruleset: Ruleset, info: RuleInfo) -> list[str]:
    node = info.node
    # an explicit anchor, so that the table's #s01 links work on any Markdown renderer
    anchor = f'<a id="{node.rule_id.lower()}"></a>'
    heading = (f"### {node.rule_id}" + (f" {_code(node.name)}" if node.name else "")
               + f" — {_cell(node.title)}")
    if info.disabled:
        return [anchor, "", heading, "", f"**Disabled** in this ruleset: {_text(info.disabled)}",
                ""]
    used = params_of(node, set(ruleset.params))
    rows = [
        ("severity", _severity(info)),
        ("applies to", _APPLIES.get(node.applies_to, str(node.applies_to))),
        ("tags", _cell(", ".join(node.tags)) or "—"),
        ("params", ", ".join(_code(name) for name in used) or "—"),
        ("written in", _code(f"{Path(node.span.file).name}:{node.span.line}")),
    ]
    lines = [anchor, "", heading, "", "| | |", "|---|---|",
             *(f"| {key} | {value} |" for key, value in rows), ""]
    if node.doc:
        lines += [_text(node.doc.strip()), ""]
    if node.fix:
        lines += [f"**Fix:** {_text(node.fix.strip())}", ""]
    lines += [*_code_block(ruleset.rule_text(node.rule_id), "rules"), ""]
    return lines


def render_catalog(ruleset: Ruleset) -> str:
    """The Markdown catalog page of a composed ruleset."""
    lines = [f"# Rule catalog: {_cell(ruleset.name)}", ""]
    if ruleset.title:
        lines += [_text(ruleset.title) + (f" (version {_text(ruleset.version)})"
                                          if ruleset.version else ""), ""]
    if ruleset.source:
        lines += [f"Sources: {_text(ruleset.source)}", ""]
    lines += ["This page is generated from the ruleset by "
              f"{_code(f'indicator-rules catalog {ruleset.name}')}; do not edit it by hand.", ""]
    lines += ["## Params", "", "| param | value | type | meaning | set in |",
              "|---|---|---|---|---|"]
    for name, param in ruleset.params.items():
        lines.append(f"| {_code(name)} | {_cell(ruleset.format_param(name))} | {param.type} | "
                     f"{_cell(param.doc) or '—'} | {_code(Path(param.origin).name)} |")
    lines += ["", "## Rules", "", "| id | title | severity | from |", "|---|---|---|---|"]
    for info in ruleset.rules:
        state = "disabled" if info.disabled else info.severity.name.lower()
        lines.append(f"| [{info.rule_id}](#{info.rule_id.lower()}) | {_cell(info.node.title)} | "
                     f"{state} | {_code(Path(info.origin).name)} |")
    lines.append("")
    for info in ruleset.rules:
        lines += _rule_section(ruleset, info)
    return "\n".join(lines).rstrip() + "\n"
