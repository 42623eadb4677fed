"""Rulesets: loading ``.rules`` files, composing them through ``extends``, checking, compiling.

A ruleset extends others by built-in name (the files in ``rulesets/``, shipped in the package),
by the name of an installed plugin (entry-point group ``indicator_rules.rulesets``, whose object
is the path of a ``.rules`` file), or by the path of a ``.rules`` file in the extending file's
folder (or below it) or in a folder of the rules path; no other file is read. The child may
override params (type-checked against the parent's), append to list params (``+=``), re-map
severities (one rule, or ``*`` for every inherited rule), disable rules with a reason, and add
rules; a rule id used twice is an error. Every error of the composed ruleset is reported at once.
"""

from __future__ import annotations

import difflib
import errno
import functools
import hashlib
import os
import pickle
import stat
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from importlib import resources
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any, Literal

import attrs

from indicator_rules.dsl import nodes as n
from indicator_rules.dsl.cache import package_fingerprint, parsed, read_entry, write_entry
from indicator_rules.dsl.checker import Checker, ParamValue
from indicator_rules.dsl.compiler import CONTEXT, Recipe, Resolve
from indicator_rules.dsl.functions import ENTRY_POINT_GROUP as FUNCTIONS_GROUP
from indicator_rules.dsl.functions import FunctionRegistry, plugin_entry_points
from indicator_rules.dsl.grammar import parse_ruleset
from indicator_rules.dsl.interpreter import evaluate
from indicator_rules.dsl.semantics import EvaluationError
from indicator_rules.dsl.types import INLINE_HELPER, RECORDS, TEXT, Kind, RuntimeContext, list_of
from indicator_rules.engine import (
    CompiledRule,
    RuleBlueprint,
    compile_rule,
    format_value,
    formatter,
    rebuild_rule,
    run_batch,
    run_rules,
)
from indicator_rules.errors import (
    DeclarationError,
    RulesetCompositionError,
    RulesetError,
    RulesetLoadError,
    RulesetNameError,
    RulesetSyntaxError,
    SourceLine,
)
from indicator_rules.findings import Report, Severity
from indicator_rules.limits import TooLarge, read_bounded
from indicator_rules.model import Declaration
from indicator_rules.serialize import parse_document, structure_declaration

__all__ = [
    "ExampleResult",
    "ParamInfo",
    "RuleInfo",
    "Ruleset",
    "RulesetReference",
    "builtin_ruleset_names",
    "load_ruleset",
    "load_ruleset_text",
]

ENTRY_POINT_GROUP = "indicator_rules.rulesets"
#: A ruleset's name, title, version, source and file.
_Header = tuple[str, str, str, str, str]
#: Most rules in one composed ruleset, and biggest ruleset file, accepted.
MAX_RULES = 2000
MAX_FILE_BYTES = 1_000_000
#: How a ruleset file's name ends: ``extends`` and :func:`load_ruleset` read no other file.
RULES_SUFFIX = ".rules"


@attrs.frozen
class ParamInfo:
    """A param of the composed ruleset: value, type, doc, and the file that set it last."""

    name: str
    value: Any
    type: str
    doc: str
    origin: str


@attrs.frozen
class RuleInfo:
    """A rule of the composed ruleset and where it came from."""

    node: n.RuleNode
    origin: str
    severity: Severity
    disabled: str | None = None  # the reason, when disabled
    severity_from: str | None = None  # the file that re-mapped the severity
    #: the params as the rule's own file left them: its inline examples run with these
    params: Mapping[str, ParamValue] = attrs.field(factory=dict, repr=False, eq=False)

    @property
    def rule_id(self) -> str:
        """The rule's id."""
        return self.node.rule_id

    def examples_need_own_params(self, final: Mapping[str, ParamValue]) -> bool:
        """Whether the composed params differ from those of the rule's own file."""
        return any(final.get(name) != value for name, value in self.params.items())


@attrs.frozen
class ExampleResult:
    """The outcome of one inline example: did the rule pass/fail as the example expects?"""

    rule_id: str
    expect: Literal["pass", "fail"]
    ok: bool
    detail: str
    where: str


@attrs.frozen
class RulesetReference:
    """How to load a ruleset again, in another process (:attr:`Ruleset.reference`).

    ``given`` is what :func:`load_ruleset` was given (a name, or a path), ``folder`` the working
    folder a relative path is read in, ``rules_path`` the folders (real paths) that ``extends``
    may reach besides the extending file's own. Loading it gives the same ruleset, its files
    named as they were (so findings say the same ``rule_source``), whatever the working folder
    of the process that loads it.
    """

    given: str
    folder: str
    rules_path: tuple[str, ...] = ()


@functools.cache
def _builtin_directory() -> Path:
    installed = resources.files("indicator_rules") / "rulesets"
    if installed.is_dir():
        return Path(str(installed))
    return Path(__file__).resolve().parents[2] / "rulesets"  # a source checkout (editable install)


def builtin_ruleset_names() -> list[str]:
    """Names of the rulesets that ship with the package."""
    return sorted(path.stem for path in _builtin_directory().glob("*.rules"))


@attrs.define
class _Composition:
    params: dict[str, tuple[ParamValue, str, str]]  # name → (value, doc, origin)
    rules: dict[str, RuleInfo]
    sources: dict[str, str]
    errors: list[RulesetError]
    #: (file, what it extends) → the file found
    resolutions: dict[tuple[str, str], str] = attrs.field(factory=dict)


class Ruleset:
    """A composed, checked and compiled ruleset. Build it with :func:`load_ruleset`."""

    def __init__(self, header: _Header, params: Mapping[str, tuple[ParamValue, str, str]],
                 compiled: tuple[CompiledRule, ...], functions: FunctionRegistry,
                 sources: Mapping[str, str], rules: tuple[RuleInfo, ...] | None,
                 resolutions: Mapping[tuple[str, str], str]) -> None:
        self.name, self.title, self.version, self.source, self.file = header
        self.params: dict[str, ParamInfo] = {
            name: ParamInfo(name, value.value, str(value.type), doc, origin)
            for name, (value, doc, origin) in params.items()
        }
        self.compiled = compiled
        #: how to load this ruleset again, for worker processes (``load_ruleset(reference)``);
        #: None when it was built from text in memory or with a registry of one's own
        self.reference: RulesetReference | None = None
        self._functions = functions
        self._sources = dict(sources)
        self._param_values = {name: value for name, (value, _, _) in params.items()}
        self._rules = rules
        self._resolutions = dict(resolutions)
        self._composing = threading.Lock()

    @property
    def rules(self) -> tuple[RuleInfo, ...]:
        """Every rule of the composed ruleset, disabled ones too, with where each came from.

        A ruleset loaded from the compiled-ruleset cache composes these (from the cached parse
        trees of its files, as they were when it was compiled) the first time they are asked
        for: checking declarations never needs them.
        """
        with self._composing:
            if self._rules is None:  # the same files as compiled, with the same texts
                reference = self.reference or RulesetReference(self.file, os.getcwd())
                files = _Files(Path(reference.folder), reference.rules_path, self._sources,
                               self._resolutions)
                _node, composition = _compose(self.file, self._sources[self.file],
                                              self._functions, files)
                if composition.errors:  # the same texts composed without error when compiled
                    raise RulesetLoadError(composition.errors)
                self._rules = tuple(composition.rules.values())
            return self._rules

    @property
    def has_batch_rules(self) -> bool:
        """Whether some rule checks declarations together (``applies to batch``)."""
        return any(rule.batch for rule in self.compiled)

    def check(self, declaration: Declaration) -> Report:
        """The report of one declaration, alone (batch rules are skipped: use
        :meth:`check_batch`)."""
        return run_rules(self.compiled, declaration)

    def check_batch(self, declarations: Iterable[Declaration]) -> list[Report]:
        """Reports for declarations checked together: each one's own rules, plus the batch rules
        over all of them (their findings go to the report of the declaration they are about)."""
        return run_batch(self.compiled, list(declarations))

    def check_many(self, declarations: Iterable[Declaration]) -> Iterator[Report]:
        """Reports for a stream of declarations, in order. Without batch rules they are checked
        one at a time as they come; with batch rules the stream is read whole first and checked
        as one batch (:meth:`check_batch`)."""
        if self.has_batch_rules:
            yield from self.check_batch(declarations)
            return
        for declaration in declarations:
            yield self.check(declaration)

    def rule(self, rule_id: str) -> RuleInfo:
        """The rule with this id (raises ``KeyError`` with suggestions when unknown)."""
        for info in self.rules:
            if info.rule_id == rule_id:
                return info
        for info in self.rules:  # v01 for V01
            if info.rule_id.lower() == rule_id.lower():
                return info
        close = difflib.get_close_matches(rule_id, [info.rule_id for info in self.rules], n=3)
        raise KeyError(f"no rule {rule_id!r} in {self.name}" +
                       (f" (did you mean {', '.join(close)}?)" if close else ""))

    def format_param(self, name: str) -> str:
        """A param's value as a reviewer reads it, lists in full (``85%``, ``一批、若干``)."""
        value = self._param_values[name]
        if value.type.kind is Kind.LIST and value.type.item is not None:
            items = [format_value(item, value.type.item) for item in value.value]
            return "、".join(items) or "（无）"
        return format_value(value.value, value.type)

    def rule_text(self, rule_id: str) -> str:
        """The rule as written in its file: from ``rule ID`` up to the next item, comments and
        blank lines at its end left out."""
        node = self.rule(rule_id).node
        lines = self._sources.get(node.span.file, "").split("\n")[node.span.line - 1:]
        block = lines[:1]
        for line in lines[1:]:
            if line.startswith(("rule ", "param ", "severity ", "disable ", "extends ",
                                "ruleset ", "title ", "version ", "source ")):
                break
            block.append(line)
        while block and (not block[-1].strip() or block[-1].lstrip().startswith("#")):
            block.pop()
        return "\n".join(block)

    def explain(self) -> str:
        """The composed ruleset as text: params and rules, each with where it came from."""
        lines = [f"ruleset {self.name}" + (f" — {self.title}" if self.title else "")]
        for name, value in self._param_values.items():
            param = self.params[name]
            lines.append(f"  param {name} = {format_value(value.value, value.type)} "
                         f"({param.type}; from {param.origin})")
        for info in self.rules:
            state = f"disabled: {info.disabled}" if info.disabled else info.severity.name.lower()
            remapped = f", severity set in {info.severity_from}" if info.severity_from else ""
            lines.append(f"  {info.rule_id} {info.node.title} [{state}] (from {info.origin}"
                         f"{remapped})")
        return "\n".join(lines)

    def run_examples(self) -> list[ExampleResult]:
        """Run every enabled rule's inline examples against that rule alone.

        An example runs with the params of the file that wrote the rule: a bureau that raises
        a threshold does not break the baseline's examples (its own rules carry its own).
        """
        results = []
        compiled = {rule.rule_id: rule for rule in self.compiled}
        for info in self.rules:
            if info.disabled or info.rule_id not in compiled:
                continue
            rule: CompiledRule | str = compiled[info.rule_id]
            if info.examples_need_own_params(self._param_values) and info.node.examples:
                rule = self._compile_with_own_params(info)
            for example in info.node.examples:
                results.append(self._run_example(rule, info, example))
        return results

    def _compile_with_own_params(self, info: RuleInfo) -> CompiledRule | str:
        checker = Checker(info.params, self._functions, self._sources)
        checked = checker.check_rule(info.node)
        if checked is None:
            return "; ".join(str(error) for error in checker.errors)
        return compile_rule(checked, info.severity)

    def _run_example(self, rule: CompiledRule | str, info: RuleInfo,
                     example: n.ExampleNode) -> ExampleResult:
        where = f"{example.span.file}:{example.span.line}"
        if isinstance(rule, str):
            return ExampleResult(info.rule_id, example.expect, False,
                                 f"the rule does not load with its own file's params: {rule}",
                                 where)
        try:
            declarations = _example_declarations(example, info, rule.batch)
        except DeclarationError as error:
            return ExampleResult(info.rule_id, example.expect, False,
                                 f"the example is not a valid declaration: {error}", where)
        except Exception as error:  # whatever the text holds fails this example, not the run
            return ExampleResult(info.rule_id, example.expect, False,
                                 f"the example cannot be read: {_failure(error)}", where)
        try:
            reports = run_batch((rule,), declarations)
        except Exception as error:  # a failure the engine did not turn into a rule-error
            return ExampleResult(info.rule_id, example.expect, False,
                                 f"the rule failed on the example: {_failure(error)}", where)
        errors = [f for report in reports for f in report.findings if f.kind == "rule-error"]
        found = [f for report in reports for f in report.findings if f.kind == "finding"]
        if errors:
            return ExampleResult(info.rule_id, example.expect, False, errors[0].message, where)
        if example.expect == "fail":
            ok = bool(found)
            detail = (f"fired {len(found)}×: {found[0].message}" if found
                      else "expected a finding, got none")
        else:
            ok = not found
            detail = "no finding" if ok else f"expected no finding, got: {found[0].message}"
        return ExampleResult(info.rule_id, example.expect, ok, detail, where)


def _example_declarations(example: n.ExampleNode, info: RuleInfo,
                          batch: bool) -> list[Declaration]:
    """The declarations an inline example holds (a list of them for a batch rule)."""
    data = parse_document(example.text, name="the example")
    items = data if isinstance(data, list) and batch else [data]
    declarations = []
    for index, item in enumerate(items):
        if isinstance(item, dict):
            default_kind = info.node.applies_to
            item.setdefault("kind", default_kind if default_kind in (
                "project", "department") else "project")
        path = f"example[{index}]" if batch else "example"
        declarations.append(structure_declaration(item, path=path))
    return declarations


def _failure(error: Exception) -> str:
    """What went wrong, for a reader: a nesting too deep named as such, else the error."""
    if isinstance(error, RecursionError):
        return "it is nested too deeply"
    return f"{type(error).__name__}: {error}"


# --- loading and composition -------------------------------------------------------------


def _error(kind: type[RulesetError], message: str, span: n.Span, sources: Mapping[str, str],
           hint: str = "") -> RulesetError:
    where = SourceLine.at(sources.get(span.file, ""), span.file, span.line, span.column)
    return kind(message, where, hint)


class _Refused(Exception):
    """A file that is not read, or a name that does not lead to a ruleset: why, and a hint."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@attrs.frozen
class _Files:
    """Where the files of a ruleset are: relative names are read in ``folder``; ``extends``
    reaches the extending file's folder and the folders of ``rules_path`` (real paths). A
    ruleset composed again has the ``texts`` of its files and the file each ``extends``
    found (``resolutions``). ``composed`` keeps each file's composition for one load: a file
    extended along many paths (a diamond, or files that each extend the next twice) is composed
    once, not once per path."""

    folder: Path
    rules_path: tuple[str, ...]
    texts: Mapping[str, str] | None = None
    resolutions: Mapping[tuple[str, str], str] | None = None
    composed: dict[str, _Composition] = attrs.field(factory=dict, eq=False)

    def location(self, name: str) -> Path:
        """Where the file named ``name`` is (an absolute name is its own location)."""
        return self.folder / name

    def real(self, name: str) -> str:
        """The file named ``name``, symbolic links followed."""
        return os.path.realpath(self.location(name))


_NONBLOCKING = getattr(os, "O_NONBLOCK", 0)  # a FIFO opens without waiting for a writer
#: Whether files can be opened relative to an open folder (not on Windows): a checked path is
#: then opened one folder at a time, links refused
_WALK = {os.open, os.stat} <= os.supports_dir_fd and hasattr(os, "O_DIRECTORY") and hasattr(
    os, "O_NOFOLLOW")
#: How the folders of a checked path are opened: only to look inside (O_PATH, where there is
#: one, needs no permission to read the folder, as following a path does not)
_FOLDER_FLAGS = getattr(os, "O_PATH", os.O_RDONLY) | getattr(os, "O_DIRECTORY", 0)


@attrs.frozen
class _Found:
    """A ruleset file found: its ``name`` (as the ruleset names it), its ``real`` path (links
    followed, checked to be within reach), and its ``text`` when it is already known (a ruleset
    composed again from the texts it was compiled from)."""

    name: str
    real: str
    text: str | None = None


def _read(real: str) -> str:
    """The text of the ruleset file at ``real`` (a path with no symbolic links in it, as checked):
    a regular file of at most :data:`MAX_FILE_BYTES`, its size checked before reading and the
    reading bounded (a file that grows, or that says it is empty as ``/proc`` files do, is not
    read past the limit)."""
    try:
        descriptor = _open_checked(real)
    except OSError as error:
        raise _Refused(error.strerror or str(error)) from None
    with open(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise _Refused("not a regular file")
        try:
            data = read_bounded(handle, MAX_FILE_BYTES)
        except TooLarge as error:
            raise _Refused(f"too large: {error.found} (at most {MAX_FILE_BYTES:,})") from None
        except OSError as error:
            raise _Refused(error.strerror or str(error)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _Refused(f"not UTF-8 text ({error})") from None


def _open_checked(real: str) -> int:
    """A descriptor of the file at ``real``, which was checked (its real path within reach, a
    ``.rules`` file): opened one folder at a time from the root, following no symbolic link, so
    that a link put on the path after the check (a folder or the file swapped for a link to
    elsewhere) is refused rather than followed. Without ``dir_fd`` (Windows), opened as is."""
    if not _WALK:
        return os.open(real, os.O_RDONLY | _NONBLOCKING)
    root, *folders, file_name = Path(real).parts
    folder = os.open(root, _FOLDER_FLAGS)
    try:
        for part in folders:
            inner = _open_in(folder, part, _FOLDER_FLAGS | os.O_NOFOLLOW)
            os.close(folder)
            folder = inner
        return _open_in(folder, file_name, os.O_RDONLY | os.O_NOFOLLOW | _NONBLOCKING)
    finally:
        os.close(folder)


def _open_in(folder: int, name: str, flags: int) -> int:
    """``os.open(name, flags)`` in the open ``folder``; a symbolic link where the checked path
    had none is refused as such."""
    try:
        return os.open(name, flags, dir_fd=folder)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR) and _is_link(name, folder):
            raise _Refused(f"{name} became a symbolic link after the file was checked; "
                           "it is not followed") from None
        raise


def _is_link(name: str, folder: int) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(name, dir_fd=folder).st_mode)
    except OSError:
        return False  # gone meanwhile: the error of the open stands


def _no_file_name(reference: str) -> str | None:
    """Why ``reference`` cannot name a file (a NUL character, or text the file system cannot
    encode), or None."""
    try:
        if b"\0" not in os.fsencode(reference):
            return None
    except (UnicodeError, ValueError):
        return "it cannot be a file name (not encodable)"
    return "it cannot be a file name (a NUL character)"


def _looks_like_a_path(reference: str) -> bool:
    return (reference.endswith(RULES_SUFFIX) or reference.startswith(".")
            or any(mark in reference for mark in ("/", "\\", "\0")))


def _named_file(name: str) -> str | None:
    """The file of the built-in ruleset or the installed plugin called ``name``, or None. A
    name is only looked up, never joined to a folder."""
    if name in builtin_ruleset_names():
        return str(_builtin_directory() / f"{name}{RULES_SUFFIX}")
    for entry_point in plugin_entry_points(ENTRY_POINT_GROUP):
        if entry_point.name == name:
            return _plugin_file(entry_point)
    return None


def _plugin_file(entry_point: EntryPoint) -> str:
    """The ``.rules`` file an installed plugin names."""
    where = f"plugin ruleset {entry_point.name!r} ({entry_point.value})"
    try:
        target = entry_point.load()
    except Exception as error:  # the plugin's own code: whatever it raises is its error
        raise _Refused(f"{where} does not load: {type(error).__name__}: {error}") from None
    path = os.fspath(target) if isinstance(target, str | os.PathLike) else None
    if not isinstance(path, str) or not path.endswith(RULES_SUFFIX):
        raise _Refused(f"{where} is not the path of a {RULES_SUFFIX} file",
                       "the entry point's object must be the path of a .rules file")
    return path


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


_ALLOW_HINT = ("extends reaches the .rules files in the extending file's folder and below; "
               "to allow another folder, give it with --rules-path DIR, or rules_path=[DIR] "
               "in Python")


def _parent(reference: str, child: str, files: _Files) -> _Found | None:
    """The file that ``extends reference`` in the file named ``child`` reads, or None when
    there is none; raises :class:`_Refused` for a file it may not read."""
    unusable = _no_file_name(reference)
    if unusable is not None:
        raise _Refused(f"cannot extend {reference!r}: {unusable}")
    if not reference.endswith(RULES_SUFFIX):
        if _looks_like_a_path(reference):
            raise _Refused(f"cannot extend {reference!r}: extends reads only {RULES_SUFFIX} "
                           "files", "give a built-in ruleset name, an installed plugin's name, "
                           "or the path of a .rules file")
        path = _named_file(reference)
        return None if path is None else _Found(path, os.path.realpath(path))
    name = str(Path(child).parent / reference)  # an absolute reference stays itself
    real = files.real(name)
    folders = (files.real(str(Path(child).parent)), *files.rules_path)
    if not any(_within(real, folder) for folder in folders):
        raise _Refused(f"cannot extend {reference!r}: it is outside the folder of {child} "
                       "and the rules path", _ALLOW_HINT)
    if not real.endswith(RULES_SUFFIX):
        raise _Refused(f"cannot extend {reference!r}: it links to a file that is not a "
                       f"{RULES_SUFFIX} file", "a link to a ruleset must name a .rules file")
    return _Found(name, real) if os.path.exists(real) else None


def _top_file(given: str) -> str:
    """The name of the file :func:`load_ruleset` reads for ``given``: the path of a ``.rules``
    file as given, or the file of a built-in ruleset or an installed plugin."""
    unusable = _no_file_name(given)
    if unusable is not None:
        raise _Refused(f"cannot find ruleset {given!r}: {unusable}")
    if given.endswith(RULES_SUFFIX):
        return str(Path(given))
    if not _looks_like_a_path(given):
        found = _named_file(given)
        if found is not None:
            return found
    known = ", ".join(builtin_ruleset_names()) or "none"
    raise _Refused(f"cannot find ruleset {given!r}",
                   f"built-in rulesets: {known}; or give the path of a .rules file")


def _rules_path(folders: Sequence[str | Path], working_folder: Path) -> tuple[str, ...]:
    """The real paths of the rules path's folders (relative ones in ``working_folder``)."""
    found = []
    for folder in folders:
        unusable = _no_file_name(str(folder))
        if unusable is not None:
            raise RulesetLoadError([RulesetError(f"rules path {folder!r}: {unusable}")])
        real = os.path.realpath(working_folder / folder)
        if not os.path.isdir(real):
            raise RulesetLoadError([RulesetError(f"rules path {folder}: not a folder")])
        found.append(real)
    return tuple(found)


def _param_value(checker: Checker, param: n.ParamNode, sources: Mapping[str, str],
                 errors: list[RulesetError]) -> ParamValue | None:
    node = checker.constant(param.value)
    if node is None:
        return None
    if isinstance(param.value, n.ListLiteral) and not param.value.items:
        # [] : an empty list of text (the usual word list), or of the inherited param's items
        return ParamValue((), list_of(TEXT))
    if node.type.nullable or (node.type.item is not None and node.type.item.nullable):
        errors.append(_error(RulesetCompositionError, f"param {param.name} must not be null",
                             param.value.span, sources))
        return None
    try:
        return ParamValue(evaluate(node, {CONTEXT: RuntimeContext()}), node.type)
    except EvaluationError as error:
        errors.append(_error(RulesetCompositionError, f"param {param.name}: {error}",
                             param.value.span, sources))
        return None


_FIELD_NAMES = frozenset(
    name
    for record_name in ("ProjectDeclaration", "DepartmentDeclaration")
    for name in (*RECORDS[record_name].fields, *RECORDS[record_name].aliases)
)


def _compose(name: str, text: str, functions: FunctionRegistry, files: _Files,
             chain: tuple[str, ...] = ()) -> tuple[n.RulesetNode, _Composition]:
    """Parse and compose the ruleset ``text`` of the file ``name`` with what it extends: found
    and read on disk, or (a ruleset composed again) the files of ``files.resolutions`` with
    their ``files.texts``. ``chain`` holds the files (real paths) that extend this one."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        raise RulesetLoadError([RulesetError(
            f"{name}: too large: a ruleset of {size:,} bytes (at most {MAX_FILE_BYTES:,})")])
    try:
        node = parsed(name, text, parse_ruleset)
    except RulesetSyntaxError as error:  # the rest of the file cannot be trusted
        raise RulesetLoadError([error]) from None
    composition = _Composition({}, {}, {name: text}, [])
    chain = (*chain, files.real(name))
    inherited: set[str] = set()
    for reference, span in node.extends:
        if (name, reference) in composition.resolutions:
            continue  # the same extends again
        found = _extend(name, reference, span, functions, files, chain, composition)
        if found is None or found[0] in inherited:
            continue  # refused, or the same file under another name
        parent_name, parent = found
        inherited.add(parent_name)
        composition.sources |= parent.sources
        composition.resolutions |= parent.resolutions
        composition.errors += [error for error in parent.errors
                               if error not in composition.errors]
        _inherit(node, span, parent, composition)
    _apply_own(node, composition, functions, name)
    return node, composition


def _extend(name: str, reference: str, span: n.Span, functions: FunctionRegistry,
            files: _Files, chain: tuple[str, ...],
            composition: _Composition) -> tuple[str, _Composition] | None:
    """The file that ``extends reference`` of the file ``name`` reads, and its composition;
    or None (the reason recorded as an error at the ``extends`` line)."""
    def refuse(message: str, hint: str = "") -> None:
        composition.errors.append(_error(RulesetCompositionError, message, span,
                                         composition.sources, hint))

    try:
        found = _extended_file(name, reference, files)
    except _Refused as refused:
        refuse(refused.message, refused.hint)
        return None
    if found is None:
        known_names = ", ".join(builtin_ruleset_names()) or "none"
        refuse(f"cannot find ruleset {reference!r} to extend",
               f"built-in rulesets: {known_names}; or give the path of a .rules file")
        return None
    if found.real in chain:
        refuse(f"ruleset {reference!r} extends itself (a cycle)")
        return None
    composition.resolutions[(name, reference)] = found.name
    parent = files.composed.get(found.name)
    if parent is None:
        try:
            text = found.text if found.text is not None else _read(found.real)
        except _Refused as refused:
            refuse(f"cannot read ruleset {reference!r} to extend: {refused.message}")
            return None
        _parent_node, parent = _compose(found.name, text, functions, files, chain)
        files.composed[found.name] = parent
    return found.name, parent


def _extended_file(name: str, reference: str, files: _Files) -> _Found | None:
    """What ``extends reference`` in the file ``name`` reads: the file it found when the
    ruleset was compiled, with its text then (a ruleset composed again), or the file it finds
    now (:func:`_parent`)."""
    known = None if files.resolutions is None else files.resolutions.get((name, reference))
    if known is not None and files.texts is not None and known in files.texts:
        return _Found(known, files.real(known), files.texts[known])
    return _parent(reference, name, files)


def _inherit(node: n.RulesetNode, span: n.Span, parent: _Composition,
             composition: _Composition) -> None:
    """Take the params and rules of a parent (``extends`` at ``span``) into ``composition``."""
    for name, param in parent.params.items():
        earlier = composition.params.get(name)
        chosen_here = any(own.name == name for own in node.params)
        if earlier is not None and earlier[0] != param[0] and not chosen_here:
            composition.errors.append(_error(
                RulesetCompositionError, f"param {name} differs between the parents "
                f"({earlier[2]} and {param[2]})", span, composition.sources,
                f"set param {name} in this file to choose"))
        composition.params.setdefault(name, param)
    for rule_id, info in parent.rules.items():
        earlier_rule = composition.rules.get(rule_id)
        if earlier_rule is not None and earlier_rule.node.span != info.node.span:
            composition.errors.append(_error(
                RulesetCompositionError, f"rule {rule_id} comes from two parents "
                f"({earlier_rule.origin} and {info.origin})", span, composition.sources))
        composition.rules[rule_id] = info  # the same rule through two parents: a diamond


def _apply_own(node: n.RulesetNode, composition: _Composition, functions: FunctionRegistry,
               origin: str) -> None:
    sources, errors = composition.sources, composition.errors
    constants = Checker({}, functions, sources)
    seen: set[str] = set()
    for param in node.params:
        if param.name in seen or param.name in _FIELD_NAMES:
            reason = ("is set twice in this file" if param.name in seen
                      else "is also a field of declarations and would be hidden by it")
            errors.append(_error(RulesetCompositionError, f"param {param.name} {reason}",
                                 param.span, sources))
            continue
        seen.add(param.name)
        value = _param_value(constants, param, sources, errors)
        if value is None:
            continue
        inherited = composition.params.get(param.name)
        if inherited is not None and value.value == 0 and value.type.kind is Kind.NUMBER \
                and inherited[0].type.numeric:
            value = ParamValue(value.value, inherited[0].type)  # the literal 0 has no unit
        if inherited is not None and value.value == () and inherited[0].type.kind is Kind.LIST:
            value = ParamValue((), inherited[0].type)  # [] empties a list of any kind
        if param.append:
            if inherited is None or inherited[0].type.kind is not Kind.LIST:
                errors.append(_error(RulesetCompositionError,
                                     f"'param {param.name} +=' needs an inherited list param",
                                     param.span, sources))
                continue
            if not inherited[0].type.same_kind(value.type):
                errors.append(_error(RulesetCompositionError,
                                     f"param {param.name}: cannot append {value.type} to "
                                     f"{inherited[0].type}", param.span, sources))
                continue
            value = ParamValue(tuple(inherited[0].value) + tuple(value.value), inherited[0].type)
        elif inherited is not None and not inherited[0].type.same_kind(value.type):
            errors.append(_error(RulesetCompositionError,
                                 f"param {param.name} is {inherited[0].type} in "
                                 f"{inherited[2]}, got {value.type}", param.value.span, sources,
                                 "write it like the parent's value: "
                                 + format_value(inherited[0].value, inherited[0].type)))
            continue
        doc = param.doc or (inherited[1] if inherited else "")
        composition.params[param.name] = (value, doc, origin)
    inherited_ids = set(composition.rules)
    for override in node.severities:
        targets = sorted(inherited_ids) if override.rule_id == "*" else [override.rule_id]
        if override.rule_id != "*" and override.rule_id not in inherited_ids:
            errors.append(_unknown_rule(override.rule_id, override.span, composition))
            continue
        for rule_id in targets:
            composition.rules[rule_id] = attrs.evolve(
                composition.rules[rule_id], severity=Severity.parse(override.level),
                severity_from=origin)
    for disable in node.disables:
        if disable.rule_id not in inherited_ids:
            errors.append(_unknown_rule(disable.rule_id, disable.span, composition))
            continue
        if not disable.reason.strip():
            errors.append(_error(RulesetCompositionError,
                                 f"disable {disable.rule_id}: the reason must not be empty",
                                 disable.span, sources))
            continue
        composition.rules[disable.rule_id] = attrs.evolve(
            composition.rules[disable.rule_id], disabled=disable.reason)
    for rule in node.rules:
        if rule.rule_id in composition.rules:
            first = composition.rules[rule.rule_id]
            errors.append(_error(RulesetCompositionError,
                                 f"rule id {rule.rule_id} is already used by "
                                 f"{first.origin}:{first.node.span.line}", rule.span, sources,
                                 "rule ids are never reused; pick a new id"))
            continue
        severity = Severity.parse(rule.severity) if rule.severity else Severity.WARNING
        own_params = {name: value for name, (value, _, _) in composition.params.items()}
        composition.rules[rule.rule_id] = RuleInfo(rule, origin, severity, params=own_params)
    errors += constants.errors
    if len(composition.rules) > MAX_RULES:
        errors.append(_error(RulesetCompositionError,
                             f"too many rules ({len(composition.rules)}; at most {MAX_RULES})",
                             node.span, sources))


def _unknown_rule(rule_id: str, span: n.Span, composition: _Composition) -> RulesetError:
    close = difflib.get_close_matches(rule_id, list(composition.rules), n=1)
    return _error(RulesetNameError, f"no inherited rule {rule_id}", span, composition.sources,
                  f"did you mean '{close[0]}'?" if close else "")


def _finish(node: n.RulesetNode, composition: _Composition,
            functions: FunctionRegistry) -> Ruleset:
    params = {name: value for name, (value, _, _) in composition.params.items()}
    checker = Checker(params, functions, composition.sources)
    compiled = []
    for info in composition.rules.values():
        if info.disabled:
            continue
        checked = checker.check_rule(info.node)
        if checked is not None:
            compiled.append(compile_rule(checked, info.severity,
                                         flat=info.severity_from is not None))
    errors = composition.errors + checker.errors
    if errors:
        raise RulesetLoadError(errors)
    header = (node.name or Path(node.span.file).stem, node.title, node.version, node.source,
              node.span.file)
    return Ruleset(header, composition.params, tuple(compiled), functions, composition.sources,
                   tuple(composition.rules.values()), composition.resolutions)


# --- the compiled-ruleset cache ----------------------------------------------------------
#
# A ruleset loaded by name or path with the installed functions is kept on disk, compiled:
# its header, params, the texts of its files, and each rule's blueprint (the generated
# source, its code, and how to make every value that code refers to). A later process checks
# that the files still hold those texts and makes the rules again from the blueprints, without
# parsing, checking or generating anything (see docs/performance.md). The key covers the
# ruleset's path, the installed plugins and the package's code (dsl.cache.package_fingerprint).

_COMPILED = "compiled"  # the kind of cache entry
_COMPILED_VERSION = "2"  # bump when the entry's layout changes


@attrs.frozen
class _CompiledEntry:
    header: _Header
    params: dict[str, tuple[ParamValue, str, str]]
    texts: dict[str, str]  # file → text, for every file composed
    resolutions: dict[tuple[str, str], str]  # (file, what it extends) → the file found
    functions: str  # _registry_signature of the functions it was compiled with
    blueprints: tuple[RuleBlueprint, ...]


def _place(name: str, folder: Path) -> str:
    """Where the file named ``name`` is, as its key: the name as given (a symbolic link is
    another ruleset: its ``extends`` are looked up beside it), with the working folder when it
    is relative."""
    return name if Path(name).is_absolute() else f"{folder}\0{name}"


def _compiled_key(place: str, rules_path: tuple[str, ...], plugins: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for part in (_COMPILED_VERSION, package_fingerprint(), place, *rules_path, "\0",
                 *plugins):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def _registry_signature(functions: FunctionRegistry) -> str:
    """What the checker and the compiler took from the functions: their names, signatures,
    null handling and implementations (by module and name)."""
    digest = hashlib.sha256()
    for name in sorted(functions.names()):
        function = functions.get(name)
        assert function is not None
        implementation = function.implementation
        digest.update(repr((name, function.signature, function.null_safe,
                            function.regex_argument, function.total,
                            getattr(implementation, "__module__", ""),
                            getattr(implementation, "__qualname__", ""))).encode(
            "utf-8", "surrogatepass"))
    return digest.hexdigest()


def _resolver(functions: FunctionRegistry) -> Resolve:
    """Makes the values of a blueprint's recipes with ``functions`` (see dsl/compiler.py)."""

    def resolve(recipe: Recipe) -> Any:
        kind = recipe[0]
        if kind == "function":
            function = functions.get(recipe[1])
            if function is None:
                raise KeyError(f"no function {recipe[1]!r}")
            return function.implementation
        if kind == "field":
            return RECORDS[recipe[1]].fields[recipe[2]].get
        if kind == "helper":  # what an inline read of a field calls
            return INLINE_HELPER[RECORDS[recipe[1]].fields[recipe[2]].get]
        if kind == "format":
            return formatter(recipe[1])
        raise ValueError(f"unknown recipe {kind!r}")

    return resolve


def _remade_exactly(ruleset: Ruleset, entry: _CompiledEntry, resolve: Resolve) -> bool:
    """Whether the rules made again from ``entry`` (as read back from its pickle) would be
    the rules of ``ruleset``: every recipe makes the very function the rule was compiled with,
    and every plain value comes back equal, of the same type and not a function (which would
    be pickled by reference)."""
    for rule, blueprint in zip(ruleset.compiled, entry.blueprints, strict=True):
        scope = rule.run.__globals__
        for name, recipe in blueprint.generated.recipes.items():
            original = scope[name]
            if recipe[0] == "value":
                value = recipe[1]
                if callable(value) or type(value) is not type(original) or value != original:
                    return False
                continue
            try:
                value = resolve(recipe)
            except (KeyError, ValueError):
                return False
            if value is not original:
                return False
    return True


def _save_compiled(key: str, ruleset: Ruleset) -> None:
    blueprints = tuple(rule.blueprint for rule in ruleset.compiled if rule.blueprint is not None)
    if len(blueprints) != len(ruleset.compiled):
        return
    entry = _CompiledEntry(
        (ruleset.name, ruleset.title, ruleset.version, ruleset.source, ruleset.file),
        {name: (value, ruleset.params[name].doc, ruleset.params[name].origin)
         for name, value in ruleset._param_values.items()},
        ruleset._sources,
        ruleset._resolutions,
        _registry_signature(ruleset._functions),
        blueprints,
    )
    try:
        data = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
        again = pickle.loads(data)  # what the next process will read
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return  # a value that does not pickle: this ruleset is compiled in each process
    if _remade_exactly(ruleset, again, _resolver(ruleset._functions)):
        write_entry(_COMPILED, key, data)


def _load_compiled(key: str, files: _Files) -> Ruleset | None:
    """The ruleset cached under ``key``, if its files (found as ``files`` says) still hold the
    texts it was compiled from, each ``extends`` still finds the same file and the functions
    are the same; None otherwise, or when the entry cannot be read (the ruleset is then
    compiled again)."""
    data = read_entry(_COMPILED, key)  # checked against its digest
    if data is None:
        return None
    try:
        entry = pickle.loads(data)  # our own entry, written by _save_compiled
        if not isinstance(entry, _CompiledEntry):
            return None
        if not _unchanged(attrs.evolve(files, texts=entry.texts,
                                       resolutions=entry.resolutions)):
            return None
        functions = FunctionRegistry.with_plugins()
        if _registry_signature(functions) != entry.functions:
            return None
        resolve = _resolver(functions)
        compiled = tuple(rebuild_rule(blueprint, resolve) for blueprint in entry.blueprints)
    except (RulesetLoadError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            IndexError, KeyError, TypeError, ValueError, RecursionError):
        return None
    return Ruleset(entry.header, entry.params, compiled, functions, entry.texts, None,
                   entry.resolutions)


#: Rulesets loaded with the installed functions, by file, rules path and plugins (loading the
#: same unchanged files again returns the ruleset already made).
_LOADED: dict[tuple[str, tuple[str, ...], tuple[str, ...]], Ruleset] = {}
_PLUGINS: dict[tuple[str, ...], tuple[str, ...]] = {}


def _plugin_signature() -> tuple[str, ...]:
    """The installed plugins (rulesets and functions) and the versions of their distributions,
    per ``sys.path`` (where they come from)."""
    key = tuple(sys.path)
    if key not in _PLUGINS:
        _PLUGINS[key] = tuple(sorted(
            f"{group}:{point.name}={point.value} "
            f"({getattr(point.dist, 'name', '')} {getattr(point.dist, 'version', '')})"
            for group in (ENTRY_POINT_GROUP, FUNCTIONS_GROUP)
            for point in plugin_entry_points(group)))
    return _PLUGINS[key]


def _unchanged(files: _Files) -> bool:
    """Whether the files still hold ``files.texts`` and each ``extends`` still finds the file
    of ``files.resolutions``: then a ruleset made from them is still the ruleset these files
    make."""
    texts, resolutions = files.texts or {}, files.resolutions or {}
    try:
        return (all(_read(files.real(name)) == text for name, text in texts.items())
                and all(_still_finds(reference, name, files, found)
                        for (name, reference), found in resolutions.items()))
    except _Refused:  # a file gone, unreadable, or no longer within reach
        return False


def _still_finds(reference: str, child: str, files: _Files, name: str) -> bool:
    """Whether ``extends reference`` in the file ``child`` still finds the file ``name``."""
    found = _parent(reference, child, files)
    return found is not None and found.name == name


def load_ruleset(name_or_path: str | Path | RulesetReference, *,
                 functions: FunctionRegistry | None = None,
                 rules_path: Sequence[str | Path] = ()) -> Ruleset:
    """Load, compose, check and compile a ruleset: a built-in name, an installed plugin's name,
    or the path of a ``.rules`` file (no other file is read).

    ``extends`` reaches built-in and plugin rulesets by name, and ``.rules`` files in the
    extending file's folder or below it, or in a folder of ``rules_path``. A
    :class:`RulesetReference` (:attr:`Ruleset.reference`) loads a ruleset again as it was
    loaded, with its own rules path. Loading the same files again (unchanged, with the same
    installed plugins and no registry of one's own) returns the ruleset already made — treat a
    ruleset as read-only. Raises :class:`RulesetLoadError` with every error found (each with
    file:line:column and the line with a caret).
    """
    if isinstance(name_or_path, RulesetReference):
        if rules_path:
            raise ValueError("a RulesetReference carries its own rules path")
        reference = name_or_path
    else:
        folder = Path.cwd()
        reference = RulesetReference(str(name_or_path), str(folder),
                                     _rules_path(rules_path, folder))
    try:
        return _load(reference, functions)
    except _Refused as refused:
        raise RulesetLoadError([RulesetError(refused.message, hint=refused.hint)]) from None


def _load(reference: RulesetReference, functions: FunctionRegistry | None) -> Ruleset:
    """:func:`load_ruleset`: remembered in this process, cached on disk, or composed."""
    files = _Files(Path(reference.folder), reference.rules_path)
    name = _top_file(reference.given)
    key = None
    if functions is None:
        key = (_place(name, files.folder), files.rules_path, _plugin_signature())
        remembered = _LOADED.get(key)
        if remembered is not None and _unchanged(attrs.evolve(
                files, texts=remembered._sources, resolutions=remembered._resolutions)):
            return remembered
    disk_key = None if key is None else _compiled_key(*key)
    ruleset = None if disk_key is None else _load_compiled(disk_key, files)
    if ruleset is None:
        registry = functions if functions is not None else FunctionRegistry.with_plugins()
        node, composition = _compose(name, _read_top(name, files), registry, files)
        ruleset = _finish(node, composition, registry)
        if disk_key is not None:
            _save_compiled(disk_key, ruleset)
    if key is not None:
        ruleset.reference = reference
        _LOADED[key] = ruleset
    return ruleset


def _read_top(name: str, files: _Files) -> str:
    """The text of the file :func:`load_ruleset` was given (or found by name)."""
    location = files.location(name)
    if not os.path.exists(location):
        known = ", ".join(builtin_ruleset_names()) or "none"
        raise _Refused(f"cannot find ruleset {name!r}",
                       f"built-in rulesets: {known}; or give the path of a .rules file")
    real = files.real(name)
    if not real.endswith(RULES_SUFFIX):
        raise _Refused(f"cannot read ruleset {name}: it links to a file that is not a "
                       f"{RULES_SUFFIX} file", "a link to a ruleset must name a .rules file")
    try:
        return _read(real)
    except _Refused as refused:
        raise _Refused(f"cannot read ruleset {name}: {refused.message}", refused.hint) from None


def load_ruleset_text(text: str, *, name: str = "<rules>", base: Path | None = None,
                      functions: FunctionRegistry | None = None,
                      rules_path: Sequence[str | Path] = ()) -> Ruleset:
    """Like :func:`load_ruleset`, for text in memory; ``extends`` paths are relative to ``base``
    (else to the working folder), and reach the files there and below it, or in a folder of
    ``rules_path``."""
    registry = functions if functions is not None else FunctionRegistry.with_plugins()
    folder = Path.cwd()
    files = _Files(folder, _rules_path(rules_path, folder))
    file_name = str(Path(name) if base is None else base / name)
    node, composition = _compose(file_name, text, registry, files)
    return _finish(node, composition, registry)
