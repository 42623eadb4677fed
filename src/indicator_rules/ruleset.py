"""Rulesets: loading ``.rules`` files, composing them through ``extends``, checking, compiling.

A ruleset extends others by built-in name (the files in ``rulesets/``, shipped in the package),
by path (relative to the extending file), or by the name of an installed plugin (entry-point
group ``indicator_rules.rulesets``, whose object is the path of a ``.rules`` file). The child may
override params (type-checked against the parent's), append to list params (``+=``), re-map
severities (one rule, or ``*`` for every inherited rule), disable rules with a reason, and add
rules; a rule id used twice is an error. Every error of the composed ruleset is reported at once.
"""

from __future__ import annotations

import difflib
import hashlib
import pickle
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import attrs
import yaml

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
from indicator_rules.model import Declaration
from indicator_rules.serialize import structure_declaration

__all__ = [
    "ExampleResult",
    "ParamInfo",
    "RuleInfo",
    "Ruleset",
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
        #: how to load this ruleset again (the path of its file), for worker processes; None
        #: when it was built from text in memory or with a registry of one's own
        self.reference: str | None = None
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
                path = Path(self.file)
                _node, composition = _compose(path, self._sources[self.file], self._functions,
                                              (path.resolve(),), self._sources,
                                              self._resolutions)
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
            data = yaml.safe_load(example.text)
            items = data if isinstance(data, list) and rule.batch else [data]
            declarations = []
            for index, item in enumerate(items):
                if isinstance(item, dict):
                    default_kind = info.node.applies_to
                    item.setdefault("kind", default_kind if default_kind in (
                        "project", "department") else "project")
                path = f"example[{index}]" if rule.batch else "example"
                declarations.append(structure_declaration(item, path=path))
        except (yaml.YAMLError, DeclarationError) as error:
            return ExampleResult(info.rule_id, example.expect, False,
                                 f"the example is not a valid declaration: {error}", where)
        reports = run_batch((rule,), declarations)
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


# --- loading and composition -------------------------------------------------------------


def _error(kind: type[RulesetError], message: str, span: n.Span, sources: Mapping[str, str],
           hint: str = "") -> RulesetError:
    where = SourceLine.at(sources.get(span.file, ""), span.file, span.line, span.column)
    return kind(message, where, hint)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise RulesetLoadError([RulesetError(f"cannot read ruleset {path}: {error}")]) from None


def _resolve(reference: str, relative_to: Path | None) -> Path | None:
    candidate = Path(reference)
    if relative_to is not None and not candidate.is_absolute():
        candidate = relative_to / candidate
    if candidate.suffix == ".rules" or candidate.is_file():
        return candidate if candidate.is_file() else None
    builtin = _builtin_directory() / f"{reference}.rules"
    if builtin.is_file():
        return builtin
    for entry_point in plugin_entry_points(ENTRY_POINT_GROUP):
        if entry_point.name == reference:
            return Path(str(entry_point.load()))
    return None


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


def _compose(path: Path, text: str, functions: FunctionRegistry, chain: tuple[Path, ...],
             texts: Mapping[str, str] | None = None,
             resolutions: Mapping[tuple[str, str], str] | None = None,
             ) -> tuple[n.RulesetNode, _Composition]:
    """Parse and compose the ruleset ``text`` of ``path`` with what it extends: found and read
    on disk, or (a ruleset composed again) the files of ``resolutions`` with their ``texts``."""
    if len(text.encode()) > MAX_FILE_BYTES:
        raise RulesetLoadError([RulesetError(
            f"{path}: ruleset too large ({len(text.encode())} bytes; at most {MAX_FILE_BYTES})")])
    try:
        node = parsed(str(path), text, parse_ruleset)
    except RulesetSyntaxError as error:  # the rest of the file cannot be trusted
        raise RulesetLoadError([error]) from None
    composition = _Composition({}, {}, {str(path): text}, [])
    for reference, span in node.extends:
        known_path = None if resolutions is None else resolutions.get((str(path), reference))
        parent_path = _resolve(reference, path.parent) if known_path is None else Path(known_path)
        if parent_path is None:
            known = ", ".join(builtin_ruleset_names()) or "none"
            composition.errors.append(_error(
                RulesetCompositionError, f"cannot find ruleset {reference!r} to extend", span,
                composition.sources, f"built-in rulesets: {known}; or give a path"))
            continue
        if parent_path.resolve() in chain:
            composition.errors.append(_error(
                RulesetCompositionError, f"ruleset {reference!r} extends itself (a cycle)", span,
                composition.sources))
            continue
        composition.resolutions[(str(path), reference)] = str(parent_path)
        known_text = texts.get(str(parent_path)) if texts is not None else None
        _parent_node, parent = _compose(
            parent_path, _read(parent_path) if known_text is None else known_text, functions,
            (*chain, parent_path.resolve()), texts, resolutions)
        composition.sources |= parent.sources
        composition.resolutions |= parent.resolutions
        composition.errors += parent.errors
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
    _apply_own(node, composition, functions, str(path))
    return node, composition


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


def _place(path: Path) -> str:
    """Where ``path`` is, as its key: the path as given (a symbolic link is another ruleset:
    its ``extends`` are looked up beside it), with the working folder when it is relative."""
    return str(path) if path.is_absolute() else f"{Path.cwd()}\0{path}"


def _compiled_key(path: Path, plugins: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for part in (_COMPILED_VERSION, package_fingerprint(), _place(path), *plugins):
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


def _load_compiled(key: str) -> Ruleset | None:
    """The ruleset cached under ``key``, if its files still hold the texts it was compiled
    from, each ``extends`` still finds the same file and the functions are the same; None
    otherwise, or when the entry cannot be read (the ruleset is then compiled again)."""
    data = read_entry(_COMPILED, key)  # checked against its digest
    if data is None:
        return None
    try:
        entry = pickle.loads(data)  # our own entry, written by _save_compiled
        if not isinstance(entry, _CompiledEntry):
            return None
        if not _unchanged(entry.texts, entry.resolutions):
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


#: Rulesets loaded with the installed functions, by file and plugins (loading the same
#: unchanged files again returns the ruleset already made).
_LOADED: dict[tuple[str, tuple[str, ...]], Ruleset] = {}
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


def _unchanged(texts: Mapping[str, str], resolutions: Mapping[tuple[str, str], str]) -> bool:
    """Whether the files still hold ``texts`` and each ``extends`` still finds the file it
    found: then a ruleset made from them is still the ruleset these files make."""
    try:
        if any(_read(Path(file)) != text for file, text in texts.items()):
            return False
    except RulesetLoadError:  # a file gone or unreadable
        return False
    return all(str(_resolve(reference, Path(file).parent)) == found
               for (file, reference), found in resolutions.items())


def load_ruleset(name_or_path: str | Path, *,
                 functions: FunctionRegistry | None = None) -> Ruleset:
    """Load, compose, check and compile a ruleset: a built-in name, a path, or a plugin name.

    Loading the same files again (unchanged, with the same installed plugins and no registry of
    one's own) returns the ruleset already made — treat a ruleset as read-only. Raises
    :class:`RulesetLoadError` with every error found (each with file:line:column and the line
    with a caret).
    """
    path = _resolve(str(name_or_path), None)
    if path is None:
        known = ", ".join(builtin_ruleset_names()) or "none"
        raise RulesetLoadError([RulesetError(
            f"cannot find ruleset {str(name_or_path)!r}",
            hint=f"built-in rulesets: {known}; or give the path of a .rules file")])
    key = (_place(path), _plugin_signature()) if functions is None else None
    remembered = _LOADED.get(key) if key is not None else None
    if remembered is not None and _unchanged(remembered._sources, remembered._resolutions):
        return remembered
    disk_key = _compiled_key(path, key[1]) if key is not None else None
    ruleset = _load_compiled(disk_key) if disk_key is not None else None
    if ruleset is None:
        registry = functions if functions is not None else FunctionRegistry.with_plugins()
        node, composition = _compose(path, _read(path), registry, (path.resolve(),))
        ruleset = _finish(node, composition, registry)
        if disk_key is not None:
            _save_compiled(disk_key, ruleset)
    if key is not None:
        ruleset.reference = str(path.absolute())  # symbolic links kept: extends beside them
        _LOADED[key] = ruleset
    return ruleset


def load_ruleset_text(text: str, *, name: str = "<rules>", base: Path | None = None,
                      functions: FunctionRegistry | None = None) -> Ruleset:
    """Like :func:`load_ruleset`, for text in memory; ``extends`` paths are relative to ``base``."""
    registry = functions if functions is not None else FunctionRegistry.with_plugins()
    path = Path(name) if base is None else base / name
    node, composition = _compose(path, text, registry, (path.resolve(),))
    return _finish(node, composition, registry)
