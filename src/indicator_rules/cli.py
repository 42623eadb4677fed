"""The ``indicator-rules`` command.

Exit status: 0 when everything was read (and, for ``check``, nothing at or above ``--fail-on``
was found; for ``test``, every example behaved); 1 for findings at or above ``--fail-on`` or a
failed example; 2 for bad usage, a ruleset that does not load, or input that could not be read
(every readable declaration is still processed; the problems go to standard error with their file
and JSON path or form position).

Form files (.md, .xlsx, .docx, .csv …) are read by :mod:`indicator_rules.forms` wherever
declaration files are accepted; their import notes (text the reader could not place) go to
standard error with their positions and do not change the exit status.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence
from typing import TextIO

from indicator_rules.catalog import render_catalog
from indicator_rules.errors import (
    DeclarationError,
    FormError,
    IndicatorRulesError,
    RulesetLoadError,
)
from indicator_rules.findings import Report, Severity
from indicator_rules.forms import is_form_file, read_forms
from indicator_rules.model import Declaration
from indicator_rules.ruleset import Ruleset, load_ruleset
from indicator_rules.serialize import (
    declaration_schema,
    dump_declarations,
    dumps_declarations,
    read_declarations,
)
from indicator_rules.values import describe_value, parse_value, value_to_json

__all__ = ["main"]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2

_KIND_NAMES = {"project": "项目", "department": "部门整体"}


def _parse_value(arguments: argparse.Namespace, out: TextIO) -> int:
    parsed = parse_value(arguments.text)
    if arguments.json:
        out.write(json.dumps(value_to_json(parsed), ensure_ascii=False) + "\n")
    else:
        out.write(f"{arguments.text}\t{describe_value(parsed)}\n")
    return EXIT_OK


def _schema(arguments: argparse.Namespace, out: TextIO) -> int:
    out.write(json.dumps(declaration_schema(), ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


def _write_declaration(declaration: Declaration, out: TextIO) -> None:
    funding_total = declaration.funding.total
    money = ""
    if funding_total is not None:
        money = f"资金总额 {funding_total} {declaration.money_unit}"
    out.write(
        f"{declaration.id}  {_KIND_NAMES[declaration.kind]} {declaration.year or '年度未填'} "
        f"「{declaration.name}」 {money}\n"
    )
    for indicator in declaration.indicators:
        path = " › ".join(part for part in (indicator.level1, indicator.level2, indicator.name)
                          if part)
        value = indicator.value
        shown = value.text.strip() or "（空）"
        out.write(f"  {path}\n    {shown}  →  {describe_value(value.parsed)}\n")


def _read_file(path: str) -> tuple[list[Declaration], list[IndicatorRulesError]]:
    """The declarations of one file, form or declaration file, and the problems found."""
    if is_form_file(path):
        try:
            return read_forms(path), []
        except FormError as error:
            return [], [error]
    result = read_declarations(path)
    return list(result.declarations), list(result.errors)


def _write_notes(declaration: Declaration, path: str) -> None:
    for note in declaration.notes:
        where = str(note.source) if note.source is not None else path
        reason = f"（{note.reason}）" if note.reason else ""
        sys.stderr.write(f"{where}: 导入备注{reason}：{note.text}\n")


def _declarations(files: Sequence[str], unreadable: list[str]) -> Iterator[Declaration]:
    """Every declaration of the files, in order; problems and import notes go to standard
    error, and the files that had problems are appended to ``unreadable``."""
    for path in files:
        declarations, errors = _read_file(path)
        for error in errors:
            sys.stderr.write(f"{error}\n")
        if errors:
            unreadable.append(path)
        for declaration in declarations:
            _write_notes(declaration, path)
            yield declaration


def _import(arguments: argparse.Namespace, out: TextIO) -> int:
    unreadable: list[str] = []
    declarations = list(_declarations(arguments.files, unreadable))
    if arguments.output is None:
        out.write(dumps_declarations(declarations))
    else:
        try:
            dump_declarations(declarations, arguments.output)
        except DeclarationError as error:  # an output suffix the writer does not know
            sys.stderr.write(f"{error}\n")
            return EXIT_BAD_INPUT
        except OSError as error:
            sys.stderr.write(f"{arguments.output}: cannot write: {error}\n")
            return EXIT_BAD_INPUT
    return EXIT_BAD_INPUT if unreadable else EXIT_OK


def _show(arguments: argparse.Namespace, out: TextIO) -> int:
    unreadable: list[str] = []
    for declaration in _declarations(arguments.files, unreadable):
        _write_declaration(declaration, out)
    return EXIT_BAD_INPUT if unreadable else EXIT_OK


def _load(reference: str) -> Ruleset | None:
    try:
        return load_ruleset(reference)
    except RulesetLoadError as error:
        sys.stderr.write(f"{error}\n")
        return None


def _write_report(report: Report, declaration: Declaration, out: TextIO) -> None:
    counts = "，".join(f"{report.count(severity)} {severity.label}"
                      for severity in sorted(Severity, reverse=True) if report.count(severity))
    out.write(f"{declaration.id}  {_KIND_NAMES[declaration.kind]}「{declaration.name}」："
              f"{counts or '未发现问题'}\n")
    for finding in report.findings:
        waived = f"（已豁免：{finding.waived}）" if finding.waived else ""
        where = f"  {finding.path}" if finding.path else ""
        if finding.source is not None:
            where += f"  [{finding.source}]"
        out.write(f"  {finding.severity.label} {finding.rule_id} {finding.title}{where}{waived}\n"
                  f"      {finding.message}\n")
    for waiver in report.unused_waivers:
        out.write(f"  提示 豁免未使用：{waiver.rule} {waiver.path or ''}（{waiver.reason}）\n")


def _checked(ruleset: Ruleset, declarations: Iterator[Declaration]
             ) -> Iterator[tuple[Declaration, Report]]:
    """Each declaration with its report: one at a time, or, when the ruleset has batch rules,
    all the files' declarations checked together as one batch."""
    if not ruleset.has_batch_rules:
        for declaration in declarations:
            yield declaration, ruleset.check(declaration)
        return
    batch = list(declarations)
    yield from zip(batch, ruleset.check_batch(batch), strict=True)


def _catalog(arguments: argparse.Namespace, out: TextIO) -> int:
    ruleset = _load(arguments.ruleset)
    if ruleset is None:
        return EXIT_BAD_INPUT
    page = render_catalog(ruleset)
    if arguments.output is None:
        out.write(page)
        return EXIT_OK
    try:
        with open(arguments.output, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(page)
    except OSError as error:
        sys.stderr.write(f"{arguments.output}: cannot write: {error}\n")
        return EXIT_BAD_INPUT
    return EXIT_OK


def _check(arguments: argparse.Namespace, out: TextIO) -> int:
    ruleset = _load(arguments.ruleset)
    if ruleset is None:
        return EXIT_BAD_INPUT
    fail_on = Severity.parse(arguments.fail_on)
    unreadable: list[str] = []
    failed = False
    for declaration, report in _checked(ruleset, _declarations(arguments.files, unreadable)):
        _write_report(report, declaration, out)
        found = bool(report.at_or_above(fail_on)) and not arguments.exit_zero
        failed |= found or report.rules_errored > 0
    if unreadable:
        return EXIT_BAD_INPUT
    return EXIT_FINDINGS if failed else EXIT_OK


def _rules(arguments: argparse.Namespace, out: TextIO) -> int:
    ruleset = _load(arguments.ruleset)
    if ruleset is None:
        return EXIT_BAD_INPUT
    for info in ruleset.rules:
        state = f"停用：{info.disabled}" if info.disabled else info.severity.label
        out.write(f"{info.rule_id}\t{state}\t{info.node.title}\t{info.origin}\n")
    return EXIT_OK


def _explain(arguments: argparse.Namespace, out: TextIO) -> int:
    ruleset = _load(arguments.ruleset)
    if ruleset is None:
        return EXIT_BAD_INPUT
    try:
        info = ruleset.rule(arguments.rule_id)
    except KeyError as error:
        sys.stderr.write(f"{error.args[0]}\n")
        return EXIT_BAD_INPUT
    node = info.node
    span = node.span
    lines = [f"{node.rule_id} {node.name or ''} 「{node.title}」".replace("  ", " "),
             f"  severity: {info.severity.name.lower()}"
             + (f" (set in {info.severity_from})" if info.severity_from else ""),
             f"  from: {span.file}:{span.line}"]
    if info.disabled:
        lines.append(f"  disabled: {info.disabled}")
    if node.applies_to:
        lines.append(f"  applies to: {node.applies_to}")
    for label, text in (("doc", node.doc), ("fix", node.fix)):
        if text:
            lines.append(f"  {label}: {text}")
    source = _rule_text(span.file, span.line)
    lines += ["", *source]
    out.write("\n".join(lines) + "\n")
    return EXIT_OK


def _rule_text(file: str, line: int) -> list[str]:
    """The rule's lines in its file, up to the next rule."""
    try:
        with open(file, encoding="utf-8-sig") as handle:
            text_lines = handle.read().split("\n")
    except OSError:
        return []
    block = [text_lines[line - 1]]
    for text in text_lines[line:]:
        if text.startswith(("rule ", "param ", "severity ", "disable ", "ruleset ")):
            break
        block.append(text)
    return ["    " + text for text in block if text.strip()]


def _test(arguments: argparse.Namespace, out: TextIO) -> int:
    ruleset = _load(arguments.ruleset)
    if ruleset is None:
        return EXIT_BAD_INPUT
    results = ruleset.run_examples()
    failures = [result for result in results if not result.ok]
    for result in results:
        mark = "ok  " if result.ok else "FAIL"
        out.write(f"{mark} {result.rule_id} example {result.expect} ({result.where}): "
                  f"{result.detail}\n")
    out.write(f"{len(results) - len(failures)} passed, {len(failures)} failed\n")
    return EXIT_FINDINGS if failures else EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="indicator-rules",
        description="Check 绩效目标申报表 (performance-target declarations).",
        epilog="Run 'indicator-rules COMMAND --help' for a command's options.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    parse_value_command = commands.add_parser(
        "parse-value",
        help="parse one 指标值 and print what it means",
        description="Parse one 指标值 (indicator target) and print the targets read in it.",
        epilog="examples:\n  indicator-rules parse-value '每季度至少1次'\n"
        "  indicator-rules parse-value '满意度95%%以上' --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parse_value_command.add_argument("text", help="the 指标值 text")
    parse_value_command.add_argument("--json", action="store_true", help="print one JSON object")
    parse_value_command.set_defaults(handler=_parse_value)

    schema_command = commands.add_parser(
        "schema",
        help="print the JSON Schema of declaration files",
        description="Print the JSON Schema (draft 2020-12) of declaration files.",
    )
    schema_command.set_defaults(handler=_schema)

    import_command = commands.add_parser(
        "import",
        help="read forms (.md, .xlsx, .docx, .csv) into typed declarations",
        description="Read filled-in forms (申报表) — Markdown, Excel, Word or CSV tables — and "
        "write the declarations found in them as JSON (standard output, or -o FILE as .json, "
        ".jsonl or .yaml). Text the reader could not place is kept in each declaration's "
        "notes and printed to standard error with its position; a file without a "
        "recognisable form is reported and the other files are still imported (exit 2).",
        epilog="examples:\n  indicator-rules import examples/hengyang-2021.md\n"
        "  indicator-rules import forms/*.xlsx -o declarations.yaml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    import_command.add_argument("files", nargs="+", metavar="FILE",
                                help="form files (declaration files are passed through)")
    import_command.add_argument("-o", "--output", metavar="OUT",
                                help="write to OUT (.json, .jsonl, .yaml) instead of standard "
                                "output")
    import_command.set_defaults(handler=_import)

    show_command = commands.add_parser(
        "show",
        help="read declaration or form files and show each indicator with its parsed 指标值",
        description="Read declaration files (.json, .jsonl, .yaml) or forms (.md, .xlsx, "
        ".docx, .csv) and show every indicator with what its 指标值 parses to. Problems in "
        "the files are printed with their JSON path or form position; the other declarations "
        "are still shown.",
        epilog="examples:\n  indicator-rules show examples/hengyang-2021.json\n"
        "  indicator-rules show examples/hengyang-2021.md",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    show_command.add_argument("files", nargs="+", metavar="FILE",
                              help="declaration or form files")
    show_command.set_defaults(handler=_show)

    check_command = commands.add_parser(
        "check",
        help="check declaration or form files with a ruleset",
        description="Check declaration files (.json, .jsonl, .yaml) or forms (.md, .xlsx, "
        ".docx, .csv, imported on the fly) with a ruleset and print the findings of each "
        "declaration.",
        epilog="example:\n  indicator-rules check examples/hengyang-2021.json "
        "--ruleset my-bureau.rules --fail-on error",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check_command.add_argument("files", nargs="+", metavar="FILE",
                               help="declaration or form files")
    check_command.add_argument("--ruleset", required=True,
                               help="a built-in ruleset name or the path of a .rules file")
    check_command.add_argument("--fail-on", choices=["error", "warning", "info"],
                               default="error",
                               help="exit 1 when a finding at or above this severity remains "
                               "(default: error)")
    check_command.add_argument("--exit-zero", action="store_true",
                               help="exit 0 whatever the findings (a rule that fails to "
                               "evaluate, or input that cannot be read, still sets the status)")
    check_command.set_defaults(handler=_check)

    for name, handler, text in (
        ("rules", _rules, "list the rules of a composed ruleset with their origin"),
        ("test", _test, "run the inline examples of every rule of a ruleset"),
    ):
        command = commands.add_parser(name, help=text, description=text[0].upper() + text[1:]
                                      + ".")
        command.add_argument("ruleset", help="a built-in ruleset name or a .rules path")
        command.set_defaults(handler=handler)

    catalog_command = commands.add_parser(
        "catalog", help="write the rule catalog page (Markdown) of a composed ruleset",
        description="Write the rule catalog of a composed ruleset as a Markdown page: params, "
        "and every rule with its id, title, severity, params, doc, fix hint, text and inline "
        "examples. The pages in docs/rules/ are made with it.",
        epilog="example:\n  indicator-rules catalog mof-2021 -o docs/rules/mof-2021.md",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    catalog_command.add_argument("ruleset", help="a built-in ruleset name or a .rules path")
    catalog_command.add_argument("-o", "--output", metavar="FILE",
                                 help="write to FILE instead of standard output")
    catalog_command.set_defaults(handler=_catalog)

    explain_command = commands.add_parser(
        "explain", help="show one rule: its text, severity, origin, doc and fix",
        description="Show one rule of a composed ruleset.",
    )
    explain_command.add_argument("rule_id", metavar="RULE", help="a rule id such as V01")
    explain_command.add_argument("--ruleset", required=True,
                                 help="a built-in ruleset name or a .rules path")
    explain_command.set_defaults(handler=_explain)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _parser()
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as exit_request:  # argparse exits 2 on bad usage, 0 on --help
        return int(exit_request.code or 0)
    handler = arguments.handler
    try:
        status: int = handler(arguments, sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (indicator-rules check … | head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    return status


if __name__ == "__main__":
    sys.exit(main())
