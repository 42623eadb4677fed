"""The ``indicator-rules`` command.

Exit status: 0 when everything was read, 2 for bad usage or input that could not be read (every
readable declaration is still shown; the problems go to standard error with their file and JSON
path).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from indicator_rules.model import Declaration
from indicator_rules.serialize import declaration_schema, read_declarations
from indicator_rules.values import describe_value, parse_value, value_to_json

__all__ = ["main"]

EXIT_OK = 0
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


def _show(arguments: argparse.Namespace, out: TextIO) -> int:
    status = EXIT_OK
    for path in arguments.files:
        result = read_declarations(path)
        for error in result.errors:
            sys.stderr.write(f"{error}\n")
            status = EXIT_BAD_INPUT
        for declaration in result.declarations:
            _write_declaration(declaration, out)
    return status


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

    show_command = commands.add_parser(
        "show",
        help="read declaration files and show each indicator with its parsed 指标值",
        description="Read declaration files (.json, .jsonl, .yaml) and show every indicator "
        "with what its 指标值 parses to. Problems in the files are printed with their JSON "
        "path; the other declarations are still shown.",
        epilog="example:\n  indicator-rules show examples/hengyang-2021.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    show_command.add_argument("files", nargs="+", metavar="FILE", help="declaration files")
    show_command.set_defaults(handler=_show)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _parser()
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as exit_request:  # argparse exits 2 on bad usage, 0 on --help
        return int(exit_request.code or 0)
    handler = arguments.handler
    status: int = handler(arguments, sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main())
