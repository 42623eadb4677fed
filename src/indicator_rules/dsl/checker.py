"""The static checker: syntax tree → checked tree, with every error found at once.

It resolves names (variables, the fields of the element in scope, the declaration's fields, their
Chinese labels, params), checks fields against the model, functions and their arity, and types:
a percent is never compared with a bare number nor money with a count. Errors are collected, not
raised one by one, so a file with three errors reports three.
"""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from indicator_rules.dsl import checked as c
from indicator_rules.dsl import nodes as n
from indicator_rules.dsl.functions import FunctionRegistry, SignatureError
from indicator_rules.dsl.patterns import PatternError, compile_pattern
from indicator_rules.dsl.types import (
    BOOL,
    MONEY,
    NULL,
    NUMBER,
    PERCENT,
    RECORDS,
    TEXT,
    DslType,
    FieldSpec,
    Kind,
    Record,
    list_of,
    record,
)
from indicator_rules.errors import (
    RulesetError,
    RulesetNameError,
    RulesetSyntaxError,
    RulesetTypeError,
    SourceLine,
)

__all__ = ["Checker", "ParamValue", "unparse"]

_LITERAL_TYPES = {"number": NUMBER, "percent": PERCENT, "money": MONEY, "text": TEXT,
                  "bool": BOOL, "null": NULL}
_DECLARATION_RECORDS = {"project": "ProjectDeclaration", "department": "DepartmentDeclaration",
                        None: "Declaration", "batch": "Declaration"}
_FIELD_NAMES = frozenset(
    name for record_name in ("ProjectDeclaration", "DepartmentDeclaration")
    for name in (*RECORDS[record_name].fields, *RECORDS[record_name].aliases)
)
#: The lists a batch rule (``applies to batch``) sees, instead of one declaration.
BATCH_LISTS: dict[str, DslType] = {
    "declarations": list_of(record("Declaration")),
    "projects": list_of(record("ProjectDeclaration")),
    "departments": list_of(record("DepartmentDeclaration")),
}


@attrs.frozen
class ParamValue:
    """A param's value and type, as composition settled them."""

    value: Any
    type: DslType


class _Poisoned(Exception):
    """An error was recorded; the checker carries on with the next statement."""


@attrs.define
class _Scope:
    variables: dict[str, DslType]
    elements: list[tuple[str, DslType]]  # filter elements whose fields are bare names
    loop: tuple[str, DslType] | None = None  # the `for each` variable, whose fields are not
    #: lets written after the first ``require``: messages cannot use them (see check_rule)
    late: dict[str, n.Span] = attrs.field(factory=dict)

#: Filters nested in filters multiply the work (n ** depth): at most this many levels.
MAX_FILTER_DEPTH = 3
#: Names the language gives a meaning to, which rules cannot bind.
RESERVED_NAMES = frozenset({"it", "declaration"})


def unparse(expression: n.Expr) -> str:
    """The expression as text (for evidence and explanations)."""
    if isinstance(expression, n.Constant):
        if expression.kind == "text":
            return f'"{expression.value}"'
        if expression.kind == "percent":
            return f"{expression.value}%"
        if expression.kind == "money":
            return f"{expression.value}万元"
        if expression.kind == "null" or expression.kind == "bool":
            return {None: "null", True: "true", False: "false"}[expression.value]  # type: ignore[index]
        return str(expression.value)
    if isinstance(expression, n.ListLiteral):
        return "[" + ", ".join(map(unparse, expression.items)) + "]"
    if isinstance(expression, n.Name):
        return expression.name
    if isinstance(expression, n.ParamRef):
        return f"param.{expression.name}"
    if isinstance(expression, n.Attribute):
        return f"{unparse(expression.target)}.{expression.name}"
    if isinstance(expression, n.Call):
        return f"{expression.function}({', '.join(map(unparse, expression.arguments))})"
    if isinstance(expression, n.Unary):
        return f"-{unparse(expression.operand)}"
    if isinstance(expression, n.Binary):
        return f"{unparse(expression.left)} {expression.operator} {unparse(expression.right)}"
    if isinstance(expression, n.Compare):
        text = f"{unparse(expression.left)} {expression.operator} {unparse(expression.right)}"
        if expression.tolerance is not None:
            text += f" within {unparse(expression.tolerance)}"
        return text
    if isinstance(expression, n.Membership):
        operator = "not in" if expression.negated else "in"
        return f"{unparse(expression.item)} {operator} {unparse(expression.collection)}"
    if isinstance(expression, n.Not):
        return f"not {unparse(expression.operand)}"
    if isinstance(expression, n.Logical):
        return f"({unparse(expression.left)} {expression.operator} {unparse(expression.right)})"
    if isinstance(expression, n.Map):
        return f"{unparse(expression.collection)} select {unparse(expression.expression)}"
    return f"{unparse(expression.collection)} where {unparse(expression.condition)}"


def _condition_type(nullable: bool) -> DslType:
    return BOOL.or_null() if nullable else BOOL


def _suggest(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


class Checker:
    """Checks rules against the model schema, the params and the functions."""

    def __init__(
        self,
        params: Mapping[str, ParamValue],
        functions: FunctionRegistry,
        sources: Mapping[str, str],
    ) -> None:
        self.params = params
        self.functions = functions
        self.sources = sources
        self.errors: list[RulesetError] = []
        self._counter = 0

    # --- errors ---------------------------------------------------------------------------

    def _where(self, span: n.Span) -> SourceLine:
        return SourceLine.at(self.sources.get(span.file, ""), span.file, span.line, span.column)

    def _fail(self, kind: type[RulesetError], message: str, span: n.Span, hint: str = "") -> None:
        self.errors.append(kind(message, self._where(span), hint))
        raise _Poisoned

    # --- rules ----------------------------------------------------------------------------

    def check_rule(self, rule: n.RuleNode) -> c.CheckedRule | None:
        """The checked rule, or ``None`` when errors were recorded in :attr:`errors`."""
        before = len(self.errors)
        declaration_type = record(_DECLARATION_RECORDS[rule.applies_to])
        batch = rule.applies_to == "batch"
        scope = _Scope(dict(BATCH_LISTS) if batch else {c.DECLARATION: declaration_type}, [])
        loop: c.Loop | None = None
        steps: list[c.Step] = []
        prelude: list[c.Bind] = []
        if rule.severity is None:
            self._record(RulesetNameError, f"rule {rule.rule_id} has no severity", rule.span,
                         "add 'severity error', 'severity warning' or 'severity info'")
        at_first_require: dict[str, DslType] | None = None
        for position, statement in enumerate(rule.statements):
            if isinstance(statement, n.Require) and at_first_require is None:
                at_first_require = dict(scope.variables)
            try:
                if isinstance(statement, n.ForEach):
                    if loop is not None or not all(isinstance(earlier, n.Let) for earlier
                                                   in rule.statements[:position]):
                        self._fail(RulesetSyntaxError, "'for each' must come first in a rule "
                                   "(only 'let' may come before it)", statement.span)
                    loop = self._loop(statement, scope)
                    prelude, steps = [step for step in steps if isinstance(step, c.Bind)], []
                else:
                    step = self._step(statement, scope)
                    steps.append(step)
                    if loop is None and isinstance(step, c.Bind):
                        prelude.append(step)
            except _Poisoned:
                if isinstance(statement, n.Let):  # later uses of the name are not errors too
                    scope.variables.setdefault(statement.name, NULL)
                continue
            except RecursionError:
                self._record(RulesetSyntaxError, "expression nested too deeply", statement.span,
                             "split it with 'let'")
        if loop is None:
            prelude = []  # without 'for each' the lets are ordinary steps
        if batch and (loop is None or not loop.over_declarations) and len(self.errors) == before:
            self._record(RulesetSyntaxError, f"batch rule {rule.rule_id} needs 'for each' over "
                         "projects, departments or declarations", rule.span,
                         "each finding of a batch rule belongs to one declaration, e.g. "
                         "'for each d in departments'")
        if at_first_require is not None:
            # a finding is made at the first require that fails: later lets are not computed
            late = [name for name in scope.variables if name not in at_first_require]
            scope = _Scope(at_first_require, scope.elements, scope.loop)
            for statement in rule.statements:
                if isinstance(statement, n.Let) and statement.name in late:
                    scope.late[statement.name] = statement.span
        cases = []
        for case in rule.severity_cases:
            try:
                cases.append((case.level, self._condition(case.condition, scope)))
            except _Poisoned:
                continue
        message: tuple[str | c.Node, ...] = ()
        if rule.message is None:
            self._record(RulesetNameError, f"rule {rule.rule_id} has no message", rule.span,
                         'add a line such as message "「{i.name}」…"')
        else:
            message = tuple(self._template_part(part, scope) for part in rule.message.parts)
        at = self._check_at(rule, loop) if rule.at else ()
        if len(self.errors) > before:
            return None
        return c.CheckedRule(rule, loop, tuple(steps), message, declaration_type, tuple(cases),
                             at, tuple(prelude))

    def _record(self, kind: type[RulesetError], message: str, span: n.Span, hint: str) -> None:
        with contextlib.suppress(_Poisoned):
            self._fail(kind, message, span, hint)

    def _template_part(self, part: str | n.Expr, scope: _Scope) -> str | c.Node:
        if isinstance(part, str):
            return part
        try:
            return self.expression(part, scope)
        except _Poisoned:
            return ""

    def _check_at(self, rule: n.RuleNode, loop: c.Loop | None) -> tuple[str, ...]:
        """The model attributes (JSON field names) of the ``at`` path after its variable."""
        span = rule.at_span or rule.span
        variable, *path = rule.at
        if loop is None or variable != loop.variable or loop.base_path is None:
            self._record(RulesetNameError, f"'at {variable}…' must start with the variable of "
                         "'for each' over a list of the declaration", span,
                         "such as 'for each i in indicators' … 'at i.value'")
            return ()
        attributes: list[str] = []
        current = loop.base.type.item
        for name in path:
            schema = RECORDS[current.record] if current and current.record else None
            names = [] if schema is None else [*schema.fields, *schema.aliases]
            if schema is None or name not in names:
                self._record(RulesetNameError, f"unknown field {name!r} in 'at'", span,
                             _suggest(name, names))
                return ()
            for part in schema.aliases.get(name, (name,)):
                spec = RECORDS[str(current and current.record)].fields[part]
                if spec.attribute is None:
                    self._record(RulesetNameError, f"'at' cannot point at {part!r}: it is "
                                 "computed, not a field of the form", span,
                                 "point at the field it is read from, such as 'at i.value'")
                    return ()
                attributes.append(spec.attribute)
                current = spec.type
        return tuple(attributes)

    def _items(self, node: c.Node, construct: str, span: n.Span) -> DslType:
        """The item type of a list, or a recorded error when ``node`` is not a list."""
        if node.type.kind is not Kind.LIST or node.type.item is None:
            self._fail(RulesetTypeError, f"{construct} needs a list, got {node.type}", span)
        assert node.type.item is not None
        return node.type.item

    def _loop(self, statement: n.ForEach, scope: _Scope) -> c.Loop:
        self._bindable(statement.variable, statement.span)
        collection = self.expression(statement.collection, scope)
        item_type = self._items(collection, "'for each'", statement.collection.span)
        scope.variables[statement.variable] = item_type
        scope.loop = (statement.variable, item_type)
        conditions: list[tuple[str, c.Node]] = []
        base = collection
        while isinstance(base, c.Filter):  # (indicators where …): locate at indicators[N]
            conditions.insert(0, (base.element, base.condition))
            base = base.collection
        base_path = None
        if (isinstance(base, c.Field) and not base.project and isinstance(base.target, c.Var)
                and base.target.name == c.DECLARATION):
            base_path = base.name
        if statement.condition is not None:
            conditions.append((statement.variable, self._condition(statement.condition, scope)))
        over_declarations = (isinstance(base, c.Var) and base.name in BATCH_LISTS
                             and c.DECLARATION not in scope.variables)
        return c.Loop(statement.variable, base, base_path, tuple(conditions), statement.span,
                      over_declarations)

    def _bindable(self, name: str, span: n.Span) -> None:
        if name in RESERVED_NAMES:
            self._fail(RulesetNameError, f"{name!r} is reserved and cannot be bound", span,
                       "choose another name")

    def _step(self, statement: n.Statement, scope: _Scope) -> c.Step:
        if isinstance(statement, n.Let):
            self._bindable(statement.name, statement.span)
            if statement.name in scope.variables or statement.name in self.params:
                self._fail(RulesetNameError, f"{statement.name!r} is already defined",
                           statement.span, "choose another name")
            value = self.expression(statement.value, scope)
            scope.variables[statement.name] = value.type
            return c.Bind(statement.name, value, statement.span)
        if isinstance(statement, n.When):
            return c.Guard(self._condition(statement.condition, scope), statement.span)
        if isinstance(statement, n.Require):
            condition = self._condition(statement.condition, scope)
            operands: tuple[tuple[str, c.Node], ...] = ()
            source = statement.condition
            if isinstance(condition, c.Compare) and isinstance(source, n.Compare):
                operands = tuple((unparse(side), node) for side, node in
                                 ((source.left, condition.left), (source.right, condition.right))
                                 if not isinstance(node, c.Const) or node.label)
            return c.Check(condition, operands, statement.span)
        self._fail(RulesetSyntaxError, "only one 'for each' per rule", statement.span)
        raise AssertionError  # unreachable: _fail raises

    def _condition(self, expression: n.Expr, scope: _Scope) -> c.Node:
        node = self.expression(expression, scope)
        if node.type.kind not in (Kind.BOOL, Kind.NULL):
            self._fail(RulesetTypeError, f"expected a condition (true or false), got {node.type}",
                       expression.span)
        return node

    # --- expressions ----------------------------------------------------------------------

    def constant(self, expression: n.Expr) -> c.Node | None:
        """Check a param's value (literals, lists, arithmetic; no names); None after an error."""
        try:
            return self.expression(expression, _Scope({}, []))
        except _Poisoned:
            return None

    def expression(self, expression: n.Expr, scope: _Scope) -> c.Node:
        """Check one expression in ``scope``; raises :class:`_Poisoned` after recording."""
        method = getattr(self, f"_{type(expression).__name__.lower()}")
        node: c.Node = method(expression, scope)
        return node

    def _constant(self, expression: n.Constant, _scope: _Scope) -> c.Node:
        return c.Const(expression.value, _LITERAL_TYPES[expression.kind], expression.span)

    def _listliteral(self, expression: n.ListLiteral, scope: _Scope) -> c.Node:
        items = tuple(self.expression(item, scope) for item in expression.items)
        item_type = next((item.type for item in items if item.type.kind is not Kind.NULL), NULL)
        for item, source in zip(items, expression.items, strict=True):
            if not item.type.same_kind(item_type):
                self._fail(RulesetTypeError, f"a list mixes {item_type} and {item.type}",
                           source.span)
        nullable = any(item.type.nullable for item in items)
        return c.MakeList(items, list_of(item_type.or_null() if nullable else item_type),
                          expression.span)

    def _paramref(self, expression: n.ParamRef, _scope: _Scope) -> c.Node:
        if expression.name not in self.params:
            self._fail(RulesetNameError, f"unknown param {expression.name!r}", expression.span,
                       _suggest(expression.name, self.params))
        param = self.params[expression.name]
        return c.Const(param.value, param.type, expression.span, f"param.{expression.name}")

    def _name(self, expression: n.Name, scope: _Scope) -> c.Node:
        name = expression.name
        if name in scope.variables:
            return c.Var(name, scope.variables[name], expression.span)
        if name == "it" and scope.elements:
            element, element_type = scope.elements[-1]
            return c.Var(element, element_type, expression.span)
        for element, element_type in reversed(scope.elements):
            if element_type.kind is Kind.RECORD:
                found = self._lookup(c.Var(element, element_type, expression.span), name,
                                     expression.span)
                if found is not None:
                    return found
        if name == "declaration" and c.DECLARATION in scope.variables:
            return c.Var(c.DECLARATION, scope.variables[c.DECLARATION], expression.span)
        if scope.loop is not None and scope.loop[1].kind is Kind.RECORD \
                and c.DECLARATION in scope.variables:
            variable, loop_type = scope.loop
            if self._lookup(c.Var(variable, loop_type, expression.span), name,
                            expression.span) is not None:
                self._fail(RulesetNameError, f"ambiguous name {name!r} inside 'for each'",
                           expression.span, f"write {variable}.{name} for the element's "
                           f"field, or declaration.{name} for the declaration's")
        if c.DECLARATION in scope.variables:
            declaration = c.Var(c.DECLARATION, scope.variables[c.DECLARATION], expression.span)
            found = self._lookup(declaration, name, expression.span)
            if found is not None:
                return found
        if name in self.params:
            param = self.params[name]
            return c.Const(param.value, param.type, expression.span, f"param.{name}")
        visible = [*scope.variables, *self.params]
        for _element, element_type in scope.elements:
            visible += self._field_names(element_type)
        if c.DECLARATION in scope.variables:
            visible += self._field_names(scope.variables[c.DECLARATION])
        hint = _suggest(name, [v for v in visible if not v.startswith("$")])
        declaration_record = scope.variables.get(c.DECLARATION)
        if declaration_record is not None and declaration_record.record == "Declaration":
            kinds = [kind for kind, record_name in (("project", "ProjectDeclaration"),
                                                    ("department", "DepartmentDeclaration"))
                     if name in RECORDS[record_name].fields or name in RECORDS[record_name].aliases]
            if kinds:
                hint = (f"{name!r} is a field of {' and '.join(kinds)} declarations: add "
                        + " or ".join(f"'applies to {kind}'" for kind in kinds))
        if c.DECLARATION not in scope.variables and "declarations" in scope.variables and (
                name == "declaration" or name in _FIELD_NAMES):
            hint = ("a batch rule has no single declaration: read fields through the variable "
                    "of 'for each', e.g. d." + ("name" if name == "declaration" else name))
        if name in scope.late:
            hint = (f"'let {name}' comes after the first 'require', so it is not computed when "
                    "that require makes a finding: move it above the require")
        self._fail(RulesetNameError, f"unknown name {name!r}", expression.span, hint)
        raise AssertionError  # unreachable

    @staticmethod
    def _field_names(record_type: DslType) -> list[str]:
        if record_type.kind is not Kind.RECORD or record_type.record is None:
            return []
        schema = RECORDS[record_type.record]
        return [*schema.fields, *schema.aliases]

    def _lookup(self, target: c.Node, name: str, span: n.Span) -> c.Node | None:
        """``target.name`` if ``target``'s record has such a field or label, else None."""
        record_type = target.type.item if target.type.kind is Kind.LIST else target.type
        if record_type is None or record_type.kind is not Kind.RECORD:
            return None
        assert record_type.record is not None
        schema: Record = RECORDS[record_type.record]
        if name in schema.fields:
            return self._field(target, name, schema.fields[name], span)
        if name in schema.aliases:
            node = target
            for part in schema.aliases[name]:
                found = self._lookup(node, part, span)
                assert found is not None, (name, part)  # aliases are tested against the schema
                node = found
            return node
        return None

    @staticmethod
    def _field(target: c.Node, name: str, spec: FieldSpec, span: n.Span) -> c.Node:
        field_type = spec.type
        if target.type.kind is Kind.LIST:
            flatten = field_type.kind is Kind.LIST
            item = field_type.item if flatten and field_type.item is not None else field_type
            if target.type.item is not None and target.type.item.nullable:
                item = item.or_null()
            return c.Field(target, name, spec, True, flatten, list_of(item), span)
        if target.type.nullable:
            field_type = field_type.or_null()
        return c.Field(target, name, spec, False, False, field_type, span)

    def _attribute(self, expression: n.Attribute, scope: _Scope) -> c.Node:
        target = self.expression(expression.target, scope)
        found = self._lookup(target, expression.name, expression.span)
        if found is not None:
            return found
        record_type = target.type.item if target.type.kind is Kind.LIST else target.type
        if record_type is None or record_type.kind is not Kind.RECORD:
            self._fail(RulesetTypeError, f"{target.type} has no fields (tried "
                       f"'.{expression.name}')", expression.span)
        assert record_type is not None
        self._fail(RulesetNameError,
                   f"unknown field {expression.name!r} of {record_type.record}",
                   expression.span, _suggest(expression.name, self._field_names(record_type)))
        raise AssertionError  # unreachable

    def _call(self, expression: n.Call, scope: _Scope) -> c.Node:
        function = self.functions.get(expression.function)
        if function is None:
            self._fail(RulesetNameError, f"unknown function {expression.function!r}",
                       expression.span, _suggest(expression.function, self.functions.names()))
        assert function is not None
        arguments = [self.expression(argument, scope) for argument in expression.arguments]
        try:
            result = function.type_rule([argument.type for argument in arguments])
        except SignatureError as error:
            self._fail(RulesetTypeError, str(error), expression.span,
                       f"{function.signature}: {function.doc}")
            raise AssertionError from None  # unreachable
        if function.regex_argument is not None and function.regex_argument < len(arguments):
            index = function.regex_argument
            arguments[index] = self._regex(arguments[index], expression.arguments[index],
                                           function.name)
        return c.Apply(function, tuple(arguments), result, expression.span)

    def _regex(self, argument: c.Node, source: n.Expr, function: str) -> c.Node:
        if not isinstance(argument, c.Const) or not isinstance(argument.value, str):
            self._fail(RulesetTypeError, f"the pattern of {function}() must be a text literal",
                       source.span)
        assert isinstance(argument, c.Const)
        try:
            pattern = compile_pattern(argument.value)
        except PatternError as error:
            self._fail(RulesetSyntaxError, error.message, self._inside(source, error.position))
            raise AssertionError from None  # unreachable
        return c.Const(pattern, TEXT, argument.span, argument.label)

    def _inside(self, literal: n.Expr, index: int) -> n.Span:
        """The span of character ``index`` of a text literal, where it stands in the file."""
        value = literal.value if isinstance(literal, n.Constant) else None
        locate = getattr(value, "location_of", None)
        if locate is None:
            return literal.span
        offset: int = locate(index)
        text = self.sources.get(literal.span.file, "")
        line_start = text.rfind("\n", 0, offset) + 1
        return attrs.evolve(literal.span, line=text.count("\n", 0, offset) + 1,
                            column=offset - line_start + 1, start=offset, end=offset)

    def _unary(self, expression: n.Unary, scope: _Scope) -> c.Node:
        operand = self.expression(expression.operand, scope)
        if not operand.type.numeric:
            self._fail(RulesetTypeError, f"'-' needs a number, got {operand.type}",
                       expression.span)
        return c.Negate(operand, operand.type, expression.span)

    def _binary(self, expression: n.Binary, scope: _Scope) -> c.Node:
        left = self.expression(expression.left, scope)
        right = self.expression(expression.right, scope)
        operator = expression.operator
        if operator == "??":
            if not self._comparable(left, right):
                self._fail(RulesetTypeError, f"'??' mixes {left.type} and {right.type}",
                           expression.span)
            base = left.type if left.type.kind is not Kind.NULL and not self._zero(left) \
                else right.type
            result = base.or_null() if right.type.nullable else base.not_null()
            return c.Default(left, right, result, expression.span)
        result_type = self._arithmetic_type(operator, left, right, expression.span)
        nullable = left.type.nullable or right.type.nullable
        return c.Arithmetic(operator, left, right,
                            result_type.or_null() if nullable else result_type, expression.span)

    def _arithmetic_type(self, operator: str, left: c.Node, right: c.Node,
                         span: n.Span) -> DslType:
        lt, rt = left.type.not_null(), right.type.not_null()
        if Kind.NULL in (lt.kind, rt.kind):
            return NULL
        if lt.numeric and rt.numeric:
            if operator in "+-" and lt.kind is rt.kind:
                return lt
            if operator == "*" and Kind.NUMBER in (lt.kind, rt.kind):
                return rt if lt.kind is Kind.NUMBER else lt
            if operator == "/" and rt.kind is Kind.NUMBER:
                return lt
            if operator == "/" and lt.kind is rt.kind:
                return NUMBER
        self._fail(RulesetTypeError, f"cannot compute {lt} {operator} {rt}", span,
                   "money and percents only add to their own kind; multiply or divide by a "
                   "plain number")
        raise AssertionError  # unreachable

    @staticmethod
    def _zero(node: c.Node) -> bool:
        return isinstance(node, c.Const) and node.type.kind is Kind.NUMBER and node.value == 0

    def _comparable(self, left: c.Node, right: c.Node) -> bool:
        if left.type.same_kind(right.type):
            return True
        # a literal 0 has no unit: it compares with money, percents and numbers alike
        return (self._zero(left) and right.type.numeric) or (
            self._zero(right) and left.type.numeric
        )

    def _compare(self, expression: n.Compare, scope: _Scope) -> c.Node:
        left = self.expression(expression.left, scope)
        right = self.expression(expression.right, scope)
        null_literal = [isinstance(side, c.Const) and side.type.kind is Kind.NULL
                        for side in (left, right)]
        if any(null_literal) and expression.operator in ("==", "!=") \
                and expression.tolerance is None:
            operand = right if null_literal[0] else left
            return c.IsNull(operand, expression.operator == "!=", BOOL, expression.span)
        if not self._comparable(left, right):
            self._fail(RulesetTypeError, f"cannot compare {left.type} with {right.type}",
                       expression.span, self._comparison_hint(left.type, right.type))
        ordered = expression.operator not in ("==", "!=")
        kinds = {left.type.kind, right.type.kind} - {Kind.NULL}
        if ordered and not kinds <= {Kind.NUMBER, Kind.PERCENT, Kind.MONEY, Kind.DATE}:
            self._fail(RulesetTypeError, f"'{expression.operator}' needs numbers, percents, "
                       f"money or dates, got {left.type}", expression.span)
        tolerance = None
        if expression.tolerance is not None:
            tolerance = self.expression(expression.tolerance, scope)
            operand = left if left.type.kind is not Kind.NULL else right
            if not (operand.type.numeric and self._comparable(tolerance, operand)):
                self._fail(RulesetTypeError, f"'within' needs a tolerance of the same kind as "
                           f"the operands ({operand.type}), got {tolerance.type}",
                           expression.tolerance.span)
        nullable = any(node.type.nullable for node in (left, right, tolerance) if node)
        return c.Compare(expression.operator, left, right, tolerance, _condition_type(nullable),
                         expression.span)

    @staticmethod
    def _comparison_hint(left: DslType, right: DslType) -> str:
        kinds = {left.kind, right.kind}
        if kinds == {Kind.PERCENT, Kind.NUMBER}:
            return "write the number as a percent, e.g. 85%"
        if kinds == {Kind.MONEY, Kind.NUMBER}:
            return "write the number as money, e.g. 20万元"
        return ""

    def _membership(self, expression: n.Membership, scope: _Scope) -> c.Node:
        item = self.expression(expression.item, scope)
        collection = self.expression(expression.collection, scope)
        substring = collection.type.kind is Kind.TEXT
        if substring:
            if item.type.kind not in (Kind.TEXT, Kind.NULL):
                self._fail(RulesetTypeError, f"'in' a text needs text, got {item.type}",
                           expression.item.span)
        elif collection.type.kind is Kind.LIST:
            assert collection.type.item is not None
            if not item.type.same_kind(collection.type.item):
                self._fail(RulesetTypeError, f"cannot look for {item.type} in a "
                           f"{collection.type}", expression.span)
        elif collection.type.kind is not Kind.NULL:
            self._fail(RulesetTypeError, f"'in' needs a list or a text, got {collection.type}",
                       expression.collection.span)
        nullable = item.type.nullable or collection.type.nullable
        return c.In(item, collection, expression.negated, substring, _condition_type(nullable),
                    expression.span)

    def _not(self, expression: n.Not, scope: _Scope) -> c.Node:
        operand = self._condition(expression.operand, scope)
        return c.Not(operand, _condition_type(operand.type.nullable), expression.span)

    def _logical(self, expression: n.Logical, scope: _Scope) -> c.Node:
        left = self._condition(expression.left, scope)
        right = self._condition(expression.right, scope)
        node_class = c.And if expression.operator == "and" else c.Or
        nullable = left.type.nullable or right.type.nullable
        return node_class(left, right, _condition_type(nullable), expression.span)

    def _filter(self, expression: n.Filter, scope: _Scope) -> c.Node:
        collection = self.expression(expression.collection, scope)
        item_type = self._items(collection, "'where'", expression.collection.span)
        if len(scope.elements) >= MAX_FILTER_DEPTH:
            self._fail(RulesetTypeError, f"filters nested more than {MAX_FILTER_DEPTH} deep",
                       expression.span, "compute the inner list once with 'let'")
        self._counter += 1
        element = f"$element{self._counter}"
        inner = _Scope({**scope.variables, element: item_type},
                       [*scope.elements, (element, item_type)], scope.loop)
        condition = self._condition(expression.condition, inner)
        return c.Filter(collection, element, condition, collection.type, expression.span)

    def _map(self, expression: n.Map, scope: _Scope) -> c.Node:
        collection = self.expression(expression.collection, scope)
        item_type = self._items(collection, "'select'", expression.collection.span)
        if len(scope.elements) >= MAX_FILTER_DEPTH:
            self._fail(RulesetTypeError, f"filters nested more than {MAX_FILTER_DEPTH} deep",
                       expression.span, "compute the inner list once with 'let'")
        self._counter += 1
        element = f"$element{self._counter}"
        inner = _Scope({**scope.variables, element: item_type},
                       [*scope.elements, (element, item_type)], scope.loop)
        value = self.expression(expression.expression, inner)
        flatten = value.type.kind is Kind.LIST and value.type.item is not None
        result = value.type.item if flatten and value.type.item is not None else value.type
        return c.Map(collection, element, value, flatten, list_of(result), expression.span)
