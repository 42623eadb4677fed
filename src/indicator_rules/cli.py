"""The ``indicator-rules`` command.

Exit status: 0 when everything was read (and, for ``check``, nothing at or above ``--fail-on``
was found; for ``test``, every example behaved); 1 for findings at or above ``--fail-on``, a
rule that failed to run, or a failed example; 2 for bad usage, a ruleset that does not load,
input that could not be read (every readable declaration is still processed; the problems go to
standard error, and into the report, with their file and JSON path or form position), output
that could not be written, or an internal error; 130 when stopped by SIGINT (Ctrl-C), 143 by
SIGTERM. Nothing else is ever 1.

Every file written (``-o``) is written whole or not at all (:mod:`indicator_rules.atomic`): when
a command fails or is stopped, the file it was to replace is left as it was. Text from the input
is written to the terminal through :func:`~indicator_rules.render.text.escape_controls`, on
standard output and on standard error alike.

Wherever files are accepted, a folder stands for the declaration and form files inside it
(recursed). Form files (.md, .txt, .xlsx, .docx, .csv …) are read by
:mod:`indicator_rules.forms`; their import notes (text the reader could not place) go to
standard error with their positions and do not change the exit status.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Iterable, Iterator, Sequence
from types import FrameType
from typing import TextIO

from indicator_rules.atomic import atomic_write
from indicator_rules.catalog import params_of, render_catalog
from indicator_rules.collector import gc_for_checking
from indicator_rules.errors import DeclarationError, RulesetLoadError
from indicator_rules.findings import Severity
from indicator_rules.intake import InputError, InputItem, read_inputs
from indicator_rules.model import Declaration
from indicator_rules.render import FORMATS, Format, RunSummary, make_renderer, render_entries
from indicator_rules.render.json_report import report_schema
from indicator_rules.render.text import escape_controls
from indicator_rules.ruleset import Ruleset, load_ruleset
from indicator_rules.runner import Checked, check_items
from indicator_rules.serialize import declaration_schema, dump_declarations, dumps_declarations
from indicator_rules.values import describe_value, parse_value, value_to_json

__all__ = ["main"]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
#: 128 + the signal's number, as a shell reports a command the signal ended
EXIT_SIGINT = 128 + signal.SIGINT
EXIT_SIGTERM = 128 + signal.SIGTERM

DEFAULT_RULESET = "mof-2021"

_KIND_NAMES = {"project": "项目", "department": "部门整体"}
_APPLIES_TO = {"project": "项目申报表 (project)", "department": "部门整体申报表 (department)",
               "batch": "同批申报表之间 (batch)"}


class _OutputError(Exception):
    """The output could not be written: which file, and the system's reason."""

    def __init__(self, name: str, error: OSError) -> None:
        self.name = name
        super().__init__(f"{name}: cannot write: {error}")


class _Terminated(BaseException):
    """SIGTERM asked the command to stop (a ``BaseException``, as ``KeyboardInterrupt`` is, so
    that no ``except Exception`` stops it on its way out)."""


_STANDARD_OUTPUT = "standard output"


class _Output:
    """Where a command writes — standard output, or the temporary file of ``-o FILE`` — so that
    a write that fails is an :class:`_OutputError` naming it, whatever was writing."""

    def __init__(self, handle: TextIO, name: str) -> None:
        self.handle = handle
        self.name = name

    def write(self, text: str) -> int:
        """Write ``text``; a failure (a full disk, an I/O error) is an :class:`_OutputError`."""
        try:
            return self.handle.write(text)
        except BrokenPipeError:  # the reader went away: see main()
            raise
        except OSError as error:
            raise _OutputError(self.name, error) from error

    def flush(self) -> None:
        """Flush, as :meth:`write` fails."""
        try:
            self.handle.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise _OutputError(self.name, error) from error

    def isatty(self) -> bool:
        """Whether it is a terminal."""
        return self.handle.isatty()


@contextlib.contextmanager
def _written(path: str) -> Iterator[_Output]:
    """``-o FILE``: the block writes a temporary file beside it, renamed over it when the block
    ends without an error; on any error the temporary file is removed and ``path`` left as it
    was. Failing to create, write or rename the file is an :class:`_OutputError`."""
    failed_inside = False
    try:
        with atomic_write(path) as handle:
            try:
                yield _Output(handle, path)
            except BaseException:
                failed_inside = True
                raise
    except OSError as error:
        if failed_inside:  # not the output's: the command's own error, as it is
            raise
        raise _OutputError(path, error) from error


def _tell(text: str) -> None:
    """A message on one line of standard error, its control characters (line breaks included)
    escaped."""
    sys.stderr.write(escape_controls(text) + "\n")


def _tell_lines(text: str) -> None:
    """A message of several lines (a ruleset error with its line and caret) on standard error,
    each line escaped."""
    sys.stderr.write("\n".join(map(escape_controls, text.split("\n"))) + "\n")


def _parse_value(arguments: argparse.Namespace, out: _Output) -> int:
    parsed = parse_value(arguments.text)
    if arguments.json:
        out.write(json.dumps(value_to_json(parsed), ensure_ascii=False) + "\n")
    else:
        out.write(escape_controls(arguments.text) + "\t"
                  + escape_controls(describe_value(parsed)) + "\n")
    return EXIT_OK


def _schema(arguments: argparse.Namespace, out: _Output) -> int:
    schema = report_schema() if arguments.report else declaration_schema()
    out.write(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


class _Progress:
    """A one-line count of the declarations read, on standard error when it is a terminal;
    other messages to standard error clear it first."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.count = 0
        self.shown_at = 0.0
        #: the input errors told as they were read, by identity, until the run hands them on
        self.read_errors: dict[int, InputError] = {}

    def tick(self) -> None:
        self.count += 1
        now = time.monotonic()
        if self.enabled and now - self.shown_at > 0.2:
            self.shown_at = now
            sys.stderr.write(f"\r\x1b[K已检查 {self.count} 份申报表…")
            sys.stderr.flush()

    def say(self, text: str) -> None:
        """``text`` on one line of standard error, its control characters escaped."""
        if self.enabled:
            sys.stderr.write("\r\x1b[K")
        sys.stderr.write(escape_controls(text) + "\n")

    def read_error(self, error: InputError) -> None:
        """An input error met while reading: told now."""
        self.read_errors[id(error)] = error
        self.say(str(error))

    def run_error(self, error: InputError) -> None:
        """An input error as the run hands it on: told now unless it was told when read."""
        if self.read_errors.pop(id(error), None) is None:
            self.say(str(error))

    def done(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\x1b[K")


def _say_notes(declaration: Declaration, file: str, progress: _Progress) -> None:
    for note in declaration.notes:
        where = str(note.source) if note.source is not None else file
        reason = f"（{note.reason}）" if note.reason else ""
        progress.say(f"{where}: 导入备注{reason}：{note.text}")


def _declarations(paths: Sequence[str], errors: list[InputError]) -> Iterator[InputItem]:
    """Every declaration of the files and folders, in order; problems and import notes go to
    standard error, and the problems are appended to ``errors``."""
    for entry in _counted(read_inputs(paths), _Progress(False)):
        if isinstance(entry, InputError):
            errors.append(entry)
        else:
            yield entry


def _import(arguments: argparse.Namespace, out: _Output) -> int:
    errors: list[InputError] = []
    declarations = [item.declaration for item in _declarations(arguments.files, errors)]
    if arguments.output is None:
        out.write(dumps_declarations(declarations))
    else:
        try:
            dump_declarations(declarations, arguments.output)
        except DeclarationError as error:  # an output suffix the writer does not know
            _tell_lines(str(error))
            return EXIT_BAD_INPUT
        except OSError as error:
            raise _OutputError(arguments.output, error) from error
    return EXIT_BAD_INPUT if errors else EXIT_OK


def _write_declaration(declaration: Declaration, out: _Output) -> None:
    funding_total = declaration.funding.total
    money = ""
    if funding_total is not None:
        money = f"资金总额 {funding_total} {declaration.money_unit}"
    out.write(escape_controls(
        f"{declaration.id}  {_KIND_NAMES[declaration.kind]} {declaration.year or '年度未填'} "
        f"「{declaration.name}」 {money}") + "\n")
    for indicator in declaration.indicators:
        path = " › ".join(part for part in (indicator.level1, indicator.level2, indicator.name)
                          if part)
        value = indicator.value
        shown = value.text.strip() or "（空）"
        out.write(f"  {escape_controls(path)}\n"
                  f"    {escape_controls(f'{shown}  →  {describe_value(value.parsed)}')}\n")


def _show(arguments: argparse.Namespace, out: _Output) -> int:
    errors: list[InputError] = []
    for item in _declarations(arguments.files, errors):
        _write_declaration(item.declaration, out)
    return EXIT_BAD_INPUT if errors else EXIT_OK


def _load(reference: str, arguments: argparse.Namespace) -> Ruleset | None:
    try:
        return load_ruleset(reference, rules_path=arguments.rules_path)
    except RulesetLoadError as error:
        _tell_lines(str(error))
        return None


def _use_color(choice: str, out: _Output) -> bool:
    if choice != "auto":
        return choice == "always"
    return out.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def _run_check(arguments: argparse.Namespace, ruleset: Ruleset, out: _Output) -> int:
    summary = RunSummary(ruleset.name, Severity.parse(arguments.fail_on),
                         exit_zero=arguments.exit_zero)
    output_format: Format = arguments.format
    renderer = make_renderer(output_format, out, ruleset,
                             color=_use_color(arguments.color, out))
    # on a terminal only, and not when the report itself goes to that terminal
    progress = _Progress(not arguments.no_progress and sys.stderr.isatty() and not out.isatty())
    entries = _counted(read_inputs(arguments.files), progress)
    try:
        # few cycles are made: the young objects collected less often; and on any error, the
        # workers stopped at once (closing the generator), not when it is collected
        with gc_for_checking(), contextlib.closing(
                check_items(ruleset, entries, jobs=arguments.jobs)) as checked:
            render_entries(_errors_told(checked, progress), summary, renderer)
    finally:
        progress.done()
    renderer.finish(summary)
    return summary.exit_status


def _errors_told(entries: Iterable[Checked | InputError],
                 progress: _Progress) -> Iterator[Checked | InputError]:
    """The entries of a run, telling standard error of the input errors of the run itself (a
    declaration whose worker process died on it); those of reading were told as read."""
    for entry in entries:
        if isinstance(entry, InputError):
            progress.run_error(entry)
        yield entry


def _counted(entries: Iterable[InputItem | InputError],
             progress: _Progress) -> Iterator[InputItem | InputError]:
    """The entries as read, telling standard error about problems and notes on the way."""
    for entry in entries:
        if isinstance(entry, InputError):
            progress.read_error(entry)
        else:
            _say_notes(entry.declaration, entry.file, progress)
            progress.tick()
        yield entry


def _check(arguments: argparse.Namespace, out: _Output) -> int:
    ruleset = _load(arguments.ruleset, arguments)
    if ruleset is None:
        return EXIT_BAD_INPUT
    if arguments.jobs < 1:
        _tell(f"--jobs must be at least 1, got {arguments.jobs}")
        return EXIT_BAD_INPUT
    if arguments.output is None:
        return _run_check(arguments, ruleset, out)
    with _written(arguments.output) as target:
        return _run_check(arguments, ruleset, target)


def _catalog(arguments: argparse.Namespace, out: _Output) -> int:
    ruleset = _load(arguments.ruleset, arguments)
    if ruleset is None:
        return EXIT_BAD_INPUT
    page = render_catalog(ruleset)
    if arguments.output is None:
        out.write(page)
        return EXIT_OK
    with _written(arguments.output) as target:
        target.write(page)
    return EXIT_OK


def _rules(arguments: argparse.Namespace, out: _Output) -> int:
    ruleset = _load(arguments.ruleset_option or arguments.ruleset or DEFAULT_RULESET, arguments)
    if ruleset is None:
        return EXIT_BAD_INPUT
    for info in ruleset.rules:
        state = f"停用：{info.disabled}" if info.disabled else info.severity.label
        out.write("\t".join(escape_controls(str(field)) for field in (
            info.rule_id, state, info.node.title, info.origin)) + "\n")
    return EXIT_OK


def _explain(arguments: argparse.Namespace, out: _Output) -> int:
    ruleset = _load(arguments.ruleset, arguments)
    if ruleset is None:
        return EXIT_BAD_INPUT
    try:
        info = ruleset.rule(arguments.rule_id)
    except KeyError as error:
        _tell(str(error.args[0]))
        return EXIT_BAD_INPUT
    node = info.node
    span = node.span
    lines = [f"{node.rule_id} {node.name or ''} 「{node.title}」".replace("  ", " "),
             f"  严重程度 (severity): {info.severity.label} {info.severity.name.lower()}"
             + (f"（由 {info.severity_from} 改定）" if info.severity_from else ""),
             f"  规则位置 (from): {span.file}:{span.line}"]
    if info.disabled:
        lines.append(f"  已停用 (disabled): {info.disabled}")
    if node.applies_to:
        lines.append(f"  适用于 (applies to): {_APPLIES_TO.get(node.applies_to, node.applies_to)}")
    for label, text in (("说明 (doc)", node.doc), ("修改建议 (fix)", node.fix)):
        if text:
            lines.append(f"  {label}: {text}")
    for name in params_of(node, set(ruleset.params)):
        lines.append(f"  参数 (param) {name} = {ruleset.format_param(name)}"
                     f"（来自 {ruleset.params[name].origin}）")
    lines += ["", *("    " + line for line in ruleset.rule_text(node.rule_id).split("\n")
                    if line.strip())]
    out.write("\n".join(escape_controls(line) for line in lines) + "\n")
    return EXIT_OK


def _test(arguments: argparse.Namespace, out: _Output) -> int:
    ruleset = _load(arguments.ruleset, arguments)
    if ruleset is None:
        return EXIT_BAD_INPUT
    results = ruleset.run_examples()
    failures = [result for result in results if not result.ok]
    for result in results:
        mark = "ok  " if result.ok else "FAIL"
        out.write(escape_controls(f"{mark} {result.rule_id} example {result.expect} "
                                  f"({result.where}): {result.detail}") + "\n")
    out.write(f"{len(results) - len(failures)} passed, {len(failures)} failed\n")
    return EXIT_FINDINGS if failures else EXIT_OK


def _coverage(arguments: argparse.Namespace, out: _Output) -> int:
    ruleset = _load(arguments.ruleset, arguments)
    if ruleset is None:
        return EXIT_BAD_INPUT
    if arguments.examples < 1:
        _tell(f"--examples must be at least 1, got {arguments.examples}")
        return EXIT_BAD_INPUT
    try:  # hypothesis is a test extra: import it only for this command
        from indicator_rules.testing.coverage import coverage_matrix, render_coverage
    except ImportError as error:
        _tell(f"coverage needs hypothesis (pip install 'indicator-rules[testing]'): {error}")
        return EXIT_BAD_INPUT
    rows = coverage_matrix(ruleset, examples=arguments.examples, year=arguments.year)
    out.write("\n".join(map(escape_controls, render_coverage(ruleset, rows).split("\n"))))
    return EXIT_OK


_RULESET_HELP = f"a built-in ruleset name or the path of a .rules file (default {DEFAULT_RULESET})"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="indicator-rules",
        description="Check 绩效目标申报表 (performance-target declarations).",
        epilog="Run 'indicator-rules COMMAND --help' for a command's options.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, description: str, examples: Sequence[str]
                ) -> argparse.ArgumentParser:
        return commands.add_parser(
            name, help=summary, description=description,
            epilog="examples:\n" + "\n".join(f"  indicator-rules {line}" for line in examples),
            formatter_class=argparse.RawDescriptionHelpFormatter)

    def rules_path_option(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--rules-path", metavar="DIR", action="append", default=[],
            help="a folder whose .rules files 'extends' may also read (besides the extending "
            "file's own folder and below); may be repeated")

    check = command(
        "check", "check declaration or form files with a ruleset",
        "Check declaration files (.json, .jsonl, .yaml), forms (.md, .txt, .xlsx, .docx, "
        ".csv, imported on the fly) and folders of them (recursed) with a ruleset, as one "
        "batch. Text output lists each declaration's findings in Chinese, errors first, with "
        "where they are on the form; --format json and sarif are for programs. Files that "
        "cannot be read are reported (standard error, and 'errors' in JSON) and every other "
        "file is still checked. -o FILE is written whole or not at all: the previous file is "
        "kept when the run fails or is stopped. Exit status: 0 nothing at or above --fail-on, "
        "1 findings at or above it (or a rule that failed to run), 2 bad usage, unreadable "
        "input, output that cannot be written or an internal error, 130/143 stopped by "
        "SIGINT/SIGTERM.",
        ["check examples/hengyang-2021.md", "check forms/ --ruleset my-bureau.rules --fail-on "
         "warning", "check intake/ --format json -o report.json --jobs 2",
         "check declarations.jsonl --format sarif -o results.sarif"])
    check.add_argument("files", nargs="+", metavar="PATH",
                       help="declaration files, form files or folders")
    check.add_argument("--ruleset", default=DEFAULT_RULESET, help=_RULESET_HELP)
    check.add_argument("--format", choices=FORMATS, default="text",
                       help="text (default), json or sarif")
    check.add_argument("-o", "--output", metavar="FILE",
                       help="write the report to FILE instead of standard output")
    check.add_argument("--fail-on", choices=["error", "warning", "info"], default="error",
                       help="exit 1 when a finding at or above this severity remains "
                       "(default: error)")
    check.add_argument("--exit-zero", action="store_true",
                       help="exit 0 whatever the findings (a rule that fails to evaluate, or "
                       "input that cannot be read, still sets the status)")
    check.add_argument("--jobs", type=int, default=1, metavar="N",
                       help="check in N worker processes (same output as 1; default 1)")
    check.add_argument("--color", choices=["auto", "always", "never"], default="auto",
                       help="colour the text report (default: auto, when a terminal and "
                       "NO_COLOR is not set)")
    check.add_argument("--no-progress", action="store_true",
                       help="no progress line on standard error")
    rules_path_option(check)
    check.set_defaults(handler=_check)

    importer = command(
        "import", "read forms (.md, .xlsx, .docx, .csv) into typed declarations",
        "Read filled-in forms (申报表) — Markdown, Excel, Word or CSV tables, or folders of "
        "them — and write the declarations found in them as JSON (standard output, or -o FILE "
        "as .json, .jsonl or .yaml). Text the reader could not place is kept in each "
        "declaration's notes and printed to standard error with its position; a file without "
        "a recognisable form is reported and the other files are still imported (exit 2).",
        ["import examples/hengyang-2021.md", "import forms/ -o declarations.yaml"])
    importer.add_argument("files", nargs="+", metavar="PATH",
                          help="form files or folders (declaration files are passed through)")
    importer.add_argument("-o", "--output", metavar="OUT",
                          help="write to OUT (.json, .jsonl, .yaml) instead of standard output")
    importer.set_defaults(handler=_import)

    show = command(
        "show", "show each indicator of some declarations with its parsed 指标值",
        "Read declaration files, forms or folders and show every indicator with what its "
        "指标值 parses to. Problems are printed with their JSON path or form position; the "
        "other declarations are still shown.",
        ["show examples/hengyang-2021.json", "show examples/hengyang-2021.md"])
    show.add_argument("files", nargs="+", metavar="PATH", help="declaration or form files")
    show.set_defaults(handler=_show)

    parse_value_command = command(
        "parse-value", "parse one 指标值 and print what it means",
        "Parse one 指标值 (indicator target) and print the targets read in it.",
        ["parse-value '每季度至少1次'", "parse-value '满意度95%%以上' --json"])
    parse_value_command.add_argument("text", help="the 指标值 text")
    parse_value_command.add_argument("--json", action="store_true", help="print JSON")
    parse_value_command.set_defaults(handler=_parse_value)

    schema = command(
        "schema", "print the JSON Schema of declaration files (or of the JSON report)",
        "Print the JSON Schema (draft 2020-12) of declaration files, or with --report of "
        "the report that 'check --format json' writes.",
        ["schema > declarations.schema.json", "schema --report > report.schema.json"])
    schema.add_argument("--report", action="store_true",
                        help="the schema of 'check --format json' instead")
    schema.set_defaults(handler=_schema)

    rules = command(
        "rules", "list the rules of a composed ruleset with their origin",
        "List the rules of a composed ruleset: id, severity (or why it is disabled), title and "
        "the file each comes from.",
        ["rules", "rules hunan-hengyang", "rules --ruleset my-bureau.rules"])
    rules.add_argument("ruleset", nargs="?", help=_RULESET_HELP)
    rules.add_argument("--ruleset", dest="ruleset_option", metavar="RULESET",
                       help="the same, as an option")
    rules_path_option(rules)
    rules.set_defaults(handler=_rules)

    test = command(
        "test", "run the inline examples of every rule of a ruleset",
        "Run every enabled rule's inline examples and end with 'N passed, N failed'; exit 1 "
        "when an example does not behave.",
        ["test mof-2021", "test my-bureau.rules"])
    test.add_argument("ruleset", help="a built-in ruleset name or a .rules path")
    rules_path_option(test)
    test.set_defaults(handler=_test)

    explain = command(
        "explain", "show one rule: severity, origin, doc, fix, params and its text",
        "Show one rule of a composed ruleset: its severity (and where it was re-mapped), where "
        "it is written, its doc and fix hint, the params it reads with their values, and its "
        "text with its inline examples.",
        ["explain V01", "explain M02 --ruleset hunan-hengyang"])
    explain.add_argument("rule_id", metavar="RULE", help="a rule id such as V01")
    explain.add_argument("--ruleset", default=DEFAULT_RULESET, help=_RULESET_HELP)
    rules_path_option(explain)
    explain.set_defaults(handler=_explain)

    catalog = command(
        "catalog", "write the rule catalog page (Markdown) of a composed ruleset",
        "Write the rule catalog of a composed ruleset as a Markdown page: params, and every "
        "rule with its id, title, severity, params, doc, fix hint, text and inline examples. "
        "The pages in docs/rules/ are made with it.",
        ["catalog mof-2021 -o docs/rules/mof-2021.md"])
    catalog.add_argument("ruleset", help="a built-in ruleset name or a .rules path")
    catalog.add_argument("-o", "--output", metavar="FILE",
                         help="write to FILE instead of standard output")
    rules_path_option(catalog)
    catalog.set_defaults(handler=_catalog)

    coverage = command(
        "coverage", "show which rules catch which kinds of defect (mutation matrix)",
        "Inject every kind of defect of indicator_rules.testing.mutations into clean "
        "declarations drawn with a fixed seed (the same on every run), check them with the "
        "ruleset, and print which rules caught each kind, the kinds no rule caught and the "
        "enabled rules that caught nothing: what a bureau's customisations lost. Needs "
        "hypothesis (the test extra). Exit status 0.",
        ["coverage mof-2021", "coverage hunan-hengyang --examples 50"])
    coverage.add_argument("ruleset", help="a built-in ruleset name or a .rules path")
    coverage.add_argument("--examples", type=int, default=20, metavar="N",
                          help="declarations per kind of defect (default 20)")
    coverage.add_argument("--year", type=int, default=None, metavar="YEAR",
                          help="the 年度 of the drawn declarations (default: 2020-2025)")
    rules_path_option(coverage)
    coverage.set_defaults(handler=_coverage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _parser()
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as exit_request:  # argparse exits 2 on bad usage, 0 on --help
        return int(exit_request.code or 0)
    try:
        with _stopped_by_signals():
            return _run(arguments)
    except KeyboardInterrupt:
        return _stopped("SIGINT", EXIT_SIGINT)
    except _Terminated:
        return _stopped("SIGTERM", EXIT_SIGTERM)


def _run(arguments: argparse.Namespace) -> int:
    """The command's handler, and how a failure ends it: a status and one line."""
    out = _Output(sys.stdout, _STANDARD_OUTPUT)
    try:
        status: int = arguments.handler(arguments, out)
        out.flush()
    except BrokenPipeError:  # the reader went away (indicator-rules check … | head)
        _stdout_to_devnull()
        return EXIT_OK
    except _OutputError as error:
        _tell(str(error))
        if error.name == _STANDARD_OUTPUT:  # what is left in its buffer would fail at exit
            _stdout_to_devnull()
        return EXIT_BAD_INPUT
    except Exception as error:
        _tell(f"indicator-rules: internal error: {type(error).__name__}: {error} "
              "(a bug; no output file was written or replaced; the traceback follows, please "
              "include it in a report)")
        traceback.print_exception(error)
        return EXIT_BAD_INPUT
    return status


def _stopped(signal_name: str, status: int) -> int:
    _tell(f"indicator-rules: stopped by {signal_name}; no output file was written or replaced")
    return status


def _stdout_to_devnull() -> None:
    """Standard output's descriptor pointed at the null device, so that flushing it at exit
    does not fail again (nothing when standard output has no descriptor)."""
    try:
        descriptor = sys.stdout.fileno()
    except (OSError, ValueError):
        return
    os.dup2(os.open(os.devnull, os.O_WRONLY), descriptor)


@contextlib.contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """SIGINT raises ``KeyboardInterrupt`` and SIGTERM :class:`_Terminated`, once: while the
    command stops (its workers terminated, its temporary file removed) further ones are
    ignored. The handlers before are put back at the end. In the main thread only (where
    Python runs signal handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    for number in before:
        signal.signal(number, _stop)
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)


def _stop(number: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if number == signal.SIGINT:
        raise KeyboardInterrupt
    raise _Terminated


if __name__ == "__main__":
    sys.exit(main())
