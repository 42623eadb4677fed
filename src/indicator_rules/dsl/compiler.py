"""The compiler: checked tree → Python source → Python functions, compiled once, run many times.

Each rule becomes one Python function (:func:`compile_rule_function`) whose body is the rule's
loop, ``where`` filters, ``let`` s, ``when`` s and ``require`` s written out as plain statements
over local variables; each other expression (a message placeholder, a severity condition) becomes
a small function of the environment (:func:`compile_node`). This is what makes a compiled rule
nearly as fast as the same check written by hand: no closure call per node, no dictionary
look-up per variable.

**The ruleset's text never becomes Python source.** The source is assembled only from this
module's own templates and from names it makes up (``v0``, ``t3``, ``_k2``). Every value that
comes from a ruleset — a text literal, a number, a param, a compiled regular expression, a
registered function, a field getter — is handed to the generated code through its namespace
under a made-up name, never written into the source; the only identifiers taken from elsewhere
are model attribute names from :data:`~indicator_rules.dsl.types.PLAIN_ATTRIBUTE`, which are this
package's own (and are checked to be identifiers). So no rule can reach Python internals: the
generated code can only read model fields and call what the checker resolved. The generated
source is registered with :mod:`linecache`, so a traceback through a rule shows the line.

Null handling, short-circuiting and the order of evaluation are those of the reference
interpreter (:mod:`indicator_rules.dsl.interpreter`) and of docs/dsl.md; the differential and
semantics tests compare them.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import linecache
import marshal
import types
from collections.abc import Callable, Hashable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import attrs

from indicator_rules.dsl import checked as c
from indicator_rules.dsl.cache import code_of
from indicator_rules.dsl.folding import NOT_CONSTANT, constant_value, size, specialize
from indicator_rules.dsl.functions import INLINE_CALL, LENGTH_FUNCTIONS
from indicator_rules.dsl.semantics import (
    BUDGET,
    CLOCK_EVERY,
    arithmetic,
    compare,
    contains,
    negation,
)
from indicator_rules.dsl.types import INLINE_HELPER, INLINE_READ, PLAIN_ATTRIBUTE, DslType, Kind

__all__ = [
    "CONTEXT",
    "Compiled",
    "CompiledParts",
    "Evidence",
    "Failure",
    "Format",
    "Generated",
    "Message",
    "Recipe",
    "Resolve",
    "RulePlan",
    "RuleRun",
    "compile_node",
    "compile_rule_function",
    "rebuild_rule_function",
]

#: The variable holding the :class:`~indicator_rules.dsl.types.RuntimeContext`.
CONTEXT = "$context"

Compiled = Callable[[dict[str, Any]], Any]
#: What a rule's function reports for each defect: the index of the failing ``require`` in the
#: rule's steps (-1: a rule without ``require`` reports every match), the condition's value
#: (false or null), the environment of the failure (the input environment plus the loop's names
#: and the ``let`` s bound so far, and under ``$budget`` the number of list visits the run had
#: left), the element's index in the loop and the element (None without a loop).
Failure = tuple[int, Any, dict[str, Any], int | None, Any]
#: A rule's function: the failures in an environment, or None when a ``when`` did not hold
#: (a rule without a loop only; a loop's ``when`` skips the element).
RuleRun = Callable[[dict[str, Any]], list[Failure] | None]

_UNSET = object()  # a remembered value (Memo) not computed yet in this run


@attrs.frozen(eq=False)
class RulePlan:
    """What a rule's function does, its expressions already hoisted (see ``hoister``).

    ``steps`` are ``("let", name, node)``, ``("when", "", node)`` or ``("require", "", node)``;
    ``loop_names`` are every name an element is bound to (the loop variable, the ``where`` s'
    own), ``loop_conditions`` the ``where`` conditions, innermost first.
    """

    label: str
    prelude: tuple[tuple[str, c.Node], ...]
    loop_base: c.Node | None
    loop_names: tuple[str, ...]
    loop_conditions: tuple[c.Node, ...]
    steps: tuple[tuple[str, str, c.Node], ...]
    reports_every_match: bool
    model_list: bool = False  # the loop runs over a list field of the model: no null elements


#: How a value the generated code refers to is made again in another process (see
#: :func:`rebuild_rule_function`): ``("value", v)`` is ``v`` itself (a text, a number, a
#: compiled regex …, pickled), ``("function", name)`` the implementation of the registry's
#: function ``name``, ``("field", record, name)`` the getter of a record's field,
#: ``("helper", record, name)`` what the inline read of that field calls, and
#: ``("format", type)`` the formatter of a static type.
Recipe = tuple[Any, ...]
#: Makes the value of a recipe (given by whoever compiles: it knows the registry).
Resolve = Callable[[Recipe], Any]


def _base_namespace() -> dict[str, Any]:
    """What every generated function's namespace holds: the semantics' helpers and the only
    builtins generated code may use."""
    return {
        "_UNSET": _UNSET, "_arithmetic": arithmetic, "_compare": compare,
        "_contains": contains, "_negation": negation, "_Decimal": Decimal,
        "_frozenset": frozenset, "__builtins__": {
            "tuple": tuple, "len": len, "enumerate": enumerate,
        },
    }


class _Namespace:
    """The values generated code refers to, each under a made-up name, and how each is made
    again (its recipe)."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = _base_namespace()
        self.recipes: dict[str, Recipe] = {}
        self._by_id: dict[int, str] = {}
        self._shapes: dict[int, tuple[c.Node, tuple[Hashable, tuple[str, ...]]]] = {}

    def shape(self, node: c.Node) -> tuple[Hashable, tuple[str, ...]]:
        """What ``node`` computes, as a hashable structure with its variables by name, and
        the names it reads that it does not bind itself (sorted): two nodes of equal shape
        whose free names hold the same locals compute the same value."""
        known = self._shapes.get(id(node))
        if known is not None:
            return known[1]
        found: tuple[Hashable, tuple[str, ...]]
        if isinstance(node, c.Var):
            found = (("var", node.name), (node.name,))
        elif isinstance(node, c.Const):
            found = (("const", type(node.value).__name__, repr(node.value)), ())
        else:
            parts: list[Hashable] = [type(node).__name__]
            free: set[str] = set()
            for name in _KEY_FIELDS[type(node)]:
                part = getattr(node, name)
                if isinstance(part, tuple):
                    shapes = [self.shape(item) for item in part]
                    parts.append(tuple(shape for shape, _ in shapes))
                    free.update(*(names for _, names in shapes))
                elif isinstance(part, c.Node):
                    shape, names = self.shape(part)
                    if isinstance(node, c.Filter | c.Map) and name != "collection":
                        names = tuple(n for n in names if n != node.element)
                    parts.append(shape)
                    free.update(names)
                elif name == "function":
                    parts.append(id(part.implementation))
                elif name == "spec":
                    parts.append(id(part.get))
                elif name == "element":
                    parts.append(None)  # the checker names each filter's element anew
                else:
                    parts.append(part)
            shape = tuple(parts)
            if isinstance(node, c.Filter | c.Map):
                shape = _bound(shape, node.element, 0)
            found = (shape, tuple(sorted(free)))
        self._shapes[id(node)] = (node, found)  # the node is kept, so its id stays unique
        return found

    def name(self, value: Any, prefix: str = "_k", recipe: Recipe | None = None) -> str:
        """The name of ``value`` in generated code (one name per object); ``recipe``: how it
        is made again, when it is not a plain value."""
        found = self._by_id.get(id(value))
        if found is not None:
            return found
        name = f"{prefix}{len(self._by_id)}"
        self.values[name] = value  # also keeps the object, so its id stays unique
        self.recipes[name] = ("value", value) if recipe is None else recipe
        self._by_id[id(value)] = name
        return name


class _Writer:
    """The body of one generated function: statements, locals and what they are bound to."""

    def __init__(self, namespace: _Namespace, *, in_rule: bool) -> None:
        self.namespace = namespace
        self.in_rule = in_rule  # a rule's function: memos are locals, the budget is there
        self.lines: list[str] = []
        self.depth = 1
        self._numbers = itertools.count()
        self.scope: dict[str, str] = {}  # DSL variable → local
        self.roots: dict[str, str] = {}  # variables read from the environment → local
        #: locals, constants and expressions never None: what the checker's types, the model
        #: and total functions guarantee (their users need no null check)
        self.non_null: set[str] = set()
        self.memos: set[str] = set()
        self.non_null_items: set[str] = set()  # locals holding lists without null elements
        #: locals that keep their value for the whole run (the lets before ``for each``, the
        #: memos), and the set of the members of each, made when a loop first asks
        self.run_locals: set[str] = set()
        self.member_sets: dict[str, str] = {}
        self.repeating = 0  # > 0 where the code being written runs again and again (a loop)
        #: values already computed where the code being written runs: structural key of a
        #: node → the local holding its value (see ``value``)
        self.available: dict[Hashable, str] = {}
        self.counts_text = False  # a rule's function that counts the text it makes
        self.uses_clock = False  # a rule's function that reads the clock (loops, regexes)


    # ---------------------------------------------------------------------- writing

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    @contextlib.contextmanager
    def block(self, header: str) -> Iterator[None]:
        """An indented block; what is computed inside is not available after it."""
        self.emit(header)
        self.depth += 1
        available = dict(self.available)
        yield
        self.available = available
        self.depth -= 1

    def temp(self, prefix: str = "t") -> str:
        return f"{prefix}{next(self._numbers)}"

    def local(self, expression: str) -> str:
        """``expression`` as a name: itself when it is one, else a new local holding it."""
        if expression.isidentifier():
            return expression
        name = self.temp()
        self.assign(name, expression)
        return name

    def assign(self, name: str, expression: str) -> None:
        """``name = expression``; ``name`` is never null when the expression is not."""
        self.emit(f"{name} = {expression}")
        if expression in self.non_null:
            self.non_null.add(name)

    def known(self, expression: str, non_null: bool = True) -> str:
        """``expression``, noted as never null (when ``non_null``)."""
        if non_null:
            self.non_null.add(expression)
        return expression

    def variable(self, name: str) -> str:
        local = self.scope.get(name)
        if local is not None:
            return local
        root = self.roots.get(name)
        if root is None:
            root = self.roots[name] = self.temp("r")
            if name == c.DECLARATION:
                self.non_null.add(root)
        return root

    def constant(self, value: Any) -> str:
        if value is True or value is False:
            return self.known(repr(value))
        if value is None:
            return "None"
        name = self.namespace.name(value)
        self.non_null.add(name)
        return name

    def spend(self, count: str) -> None:
        # a rule's run counts its visits in a local, from the budget's limit (the Budget in
        # its environment is not changed, so one serves every rule of a declaration), and
        # reads the clock when the count passes ``tick`` (every CLOCK_EVERY visits)
        budget = self.variable(BUDGET)
        if self.in_rule:
            self.uses_clock = True
            self.emit(f"steps -= {count}")
            with self.block("if steps < tick:"):
                self.emit(f"tick, deadline = {budget}.tick(steps, deadline)")
        else:  # an expression on its own spends from the budget it is given, if any
            with self.block(f"if {budget} is not None:"):
                self.emit(f"{budget}.spend({count})")

    def spend_text(self, text: str, non_null: bool) -> None:
        """Count the characters of ``text`` (a local just made) against the budget."""
        budget = self.variable(BUDGET)
        if not self.in_rule:
            with self.block(f"if {budget} is not None:"):
                self.emit(f"{budget}.spend_text({text})")
            return
        self.counts_text = True
        with self.block(f"if {text} is not None:") if not non_null else \
                contextlib.nullcontext():
            self.emit(f"chars -= len({text})")
            with self.block("if chars < 0:"):
                self.emit(f"{budget}.too_much_text()")

    def check_clock(self, index: str, check: str) -> None:
        """In a loop over ``index``: read the clock when the index passes the local ``check``
        (15 before the loop): at the 16th element, the 32nd, 64th, then every CLOCK_EVERY —
        so a slow loop stops within about twice its time budget, and a loop over a form's
        rows (rarely more than 16) does not read it."""
        self.uses_clock = True
        with self.block(f"if {index} > {check}:"):
            self.emit(f"{check} = {index} + ({index} if {index} < {CLOCK_EVERY} "
                      f"else {CLOCK_EVERY})")
            self.emit(f"deadline = {self.variable(BUDGET)}.check_clock(deadline)")

    def prologue(self) -> list[str]:
        lines = []
        for name, local in self.roots.items():
            key = self.namespace.name(name, "_n")
            read = f"env.get({key})" if name == BUDGET and not self.in_rule else f"env[{key}]"
            lines.append(f"    {local} = {read}")
            if name == BUDGET and self.in_rule:
                lines.append(f"    steps = {local}.limit")
                if self.uses_clock:  # a rule without loops or regexes cannot run long
                    # the clock starts at the first check (see Budget.check_clock)
                    lines += [f"    tick = steps - {CLOCK_EVERY} if steps > {CLOCK_EVERY} else 0",
                              "    deadline = None"]
                if self.counts_text:
                    lines.append(f"    chars = {local}.chars")
        lines += [f"    {memo} = _UNSET" for memo in sorted(self.memos)]
        return lines

    # -------------------------------------------------------------------- the nodes

    def value(self, node: c.Node) -> str:
        """Emit what computes ``node``; return an expression of its value (evaluated once).

        A subexpression already computed where this code runs (``normalize(i.value.text)``
        written twice in one condition) is not computed again: its local is reused.
        Expressions have no side effects, so this changes no result.
        """
        write: Callable[[_Writer, Any], str] = _WRITERS[type(node)]
        if isinstance(node, _TRIVIAL):
            return write(self, node)
        shape, free = self.namespace.shape(node)
        key = (shape, tuple(self.variable(name) for name in free))
        local = self.available.get(key)
        if local is None:
            local = self.available[key] = self.local(write(self, node))
        return local

    def _const(self, node: c.Const) -> str:
        return self.constant(node.value)

    def _var(self, node: c.Var) -> str:
        return self.variable(node.name)

    def _read(self, node: c.Field, target: str) -> str:
        attribute = PLAIN_ATTRIBUTE.get(node.spec.get)
        if attribute is not None:
            _own(attribute.isidentifier(), attribute)
            return f"{target}.{attribute}"
        owner = node.target.type.item if node.project else node.target.type
        record = owner and owner.record
        template = INLINE_READ.get(node.spec.get)
        if template is not None:
            helper = INLINE_HELPER.get(node.spec.get)
            return template.format(
                obj=target, context=self.variable(CONTEXT),
                helper="" if helper is None else self.namespace.name(
                    helper, "_h", ("helper", record, node.name)))
        getter = self.namespace.name(node.spec.get, "_g", ("field", record, node.name))
        return f"{getter}({target}, {self.variable(CONTEXT)})"

    def _field(self, node: c.Field) -> str:
        target = self.local(self.value(node.target))
        if not node.project:
            read = self._read(node, target)
            if target not in self.non_null:
                return f"(None if {target} is None else {read})"
            # the model's fields hold what their types say: a text field is never None
            return self.known(read, not node.spec.type.nullable)
        result, element = self.temp(), self.temp("e")
        read = self._read(node, element)
        elements_non_null = self.elements_non_null(node.target)
        present = "" if elements_non_null else f" if {element} is not None"
        if node.flatten:
            inner = self.temp("e")
            projected = (f"tuple([{inner} for {element} in {target}{present} "
                         f"for {inner} in ({read} or ())])")
        elif elements_non_null:
            projected = f"tuple([{read} for {element} in {target}])"
        else:
            projected = f"tuple([None if {element} is None else {read} for {element} in {target}])"
        if target in self.non_null:
            self.assign(result, self.known(projected))
            return result
        with self.block(f"if {target} is None:"):
            self.emit(f"{result} = None")
        with self.block("else:"):
            self.emit(f"{result} = {projected}")
        return result

    def _apply(self, node: c.Apply) -> str:
        function = node.function
        arguments = [self.local(self.value(argument)) for argument in node.arguments]
        inline = INLINE_CALL.get(function.implementation)
        written = None if inline is None else inline(
            [argument.type for argument in node.arguments],
            [argument in self.non_null for argument in arguments],
            {index: value for index, value in enumerate(map(constant_value, node.arguments))
             if value is not NOT_CONSTANT})
        if written is not None:  # a built-in written out: this package's own expression
            template, values = written
            if self.in_rule and "{deadline}" in template:  # the time the rule has left
                self.uses_clock = True
                self.emit(f"deadline = {self.variable(BUDGET)}.check_clock(deadline)")
            call = template.format(*arguments, deadline="deadline" if self.in_rule else "None",
                                   **{f"c{number}": self.constant(value)
                                      for number, value in enumerate(values)})
        else:
            name = self.namespace.name(function.implementation, "_f",
                                       ("function", function.name))
            call = f"{name}({', '.join(arguments)})"
        if function.null_safe:
            result = self.known(f"({call})", function.total)
        else:  # the interpreter evaluates every argument, then gives null if one is null
            result = self.unless_null(arguments, call, total=function.total)
        if function.grows:  # what it made is counted, as the interpreter counts it
            result = self.local(result)
            self.spend_text(result, result in self.non_null)
        return result

    def unless_null(self, operands: Sequence[str], expression: str, *, total: bool = True) -> str:
        """``expression``, or null when one of the ``operands`` (locals) is null; ``total``:
        the expression is never null when no operand is."""
        nullable = [operand for operand in operands if operand not in self.non_null]
        if not nullable:
            return self.known(f"({expression})", total)
        test = " or ".join(f"{operand} is None" for operand in nullable)
        return f"(None if {test} else {expression})"

    def _negate(self, node: c.Negate) -> str:
        operand = self.local(self.value(node.operand))
        return self.unless_null((operand,), f"-{operand}")

    def _arithmetic(self, node: c.Arithmetic) -> str:
        left = self.local(self.value(node.left))
        right = self.local(self.value(node.right))
        if node.operator == "/":  # division by zero is an EvaluationError
            return f"_arithmetic({self.constant('/')}, {left}, {right})"
        _own(node.operator in ("+", "-", "*"), node.operator)  # the grammar's, not user text
        return self.unless_null((left, right), f"{left} {node.operator} {right}")

    def _default(self, node: c.Default) -> str:
        # always tested, even when the left side is known non-null: ``??`` is where a rule
        # says it expects a null, so a hand-built model with None in a text field still reads
        # as the interpreter reads it
        left = self.value(node.left)
        result = self.temp()
        self.emit(f"{result} = {left}")
        with self.block(f"if {result} is None:"):
            right = self.value(node.right)
            self.emit(f"{result} = {right}")
        return self.known(result, right in self.non_null)

    def _compare(self, node: c.Compare) -> str:
        if node.tolerance is not None:  # the tolerance first, as the interpreter does
            tolerance = self.local(self.value(node.tolerance))
            left = self.local(self.value(node.left))
            right = self.local(self.value(node.right))
            return f"_compare({self.constant(node.operator)}, {left}, {right}, {tolerance})"
        counted = self._counted(node)
        if counted is not None:
            return counted
        left = self.local(self.value(node.left))
        right = self.local(self.value(node.right))
        operator = node.operator  # one of the six the grammar knows: == != < <= > >=
        _own(operator in ("==", "!=", "<", "<=", ">", ">="), operator)
        return self.unless_null((left, right), f"{left} {operator} {right}")

    def _counted(self, node: c.Compare) -> str | None:
        """``count(x) > 0``, ``len(t) <= 15``: the int length compared with the whole number
        (exactly what comparing the two Decimals gives, without making one), else None."""
        length, bound = node.left, constant_value(node.right)
        if not (isinstance(length, c.Apply) and length.function.implementation in
                LENGTH_FUNCTIONS and isinstance(bound, Decimal) and bound.is_finite()
                and bound == bound.to_integral_value()):
            return None
        (argument,) = length.arguments
        measured = self.local(self.value(argument))
        _own(node.operator in ("==", "!=", "<", "<=", ">", ">="), node.operator)
        return self.unless_null(
            (measured,), f"len({measured}) {node.operator} {self.constant(int(bound))}")

    def _is_null(self, node: c.IsNull) -> str:
        operand = self.local(self.value(node.operand))
        return self.known(f"({operand} is {'not ' if node.negated else ''}None)")

    def _in(self, node: c.In) -> str:
        item = self.local(self.value(node.item))
        members = _constant_members(node)
        if members is not None:  # x in ["数量指标", "时效指标"]: a set, built once
            test = f"{item} {'not in' if node.negated else 'in'} {self.constant(members)}"
            return self.unless_null((item,), test)
        collection = self.local(self.value(node.collection))
        if node.substring or node.item.type.kind is Kind.TEXT:  # text in text, text in a list
            operator = "not in" if node.negated else "in"
            if not node.substring and collection in self.run_locals and self.repeating:
                # a list that stays the same for the run, asked again and again (a batch
                # rule's texts shared between forms): its members as a set, made once
                collection = self.members(collection)
            return self.unless_null((item, collection), f"{item} {operator} {collection}")
        found = f"_contains({item}, {collection}, {node.substring!r})"
        return f"_negation({found})" if node.negated else found

    def members(self, collection: str) -> str:
        """The local holding the members of the run-long list ``collection`` as a frozenset
        (None when it is null), made the first time the code reaches here in a run."""
        found = self.member_sets.get(collection)
        if found is None:
            found = self.member_sets[collection] = f"s{len(self.member_sets)}"
            self.memos.add(found)
        with self.block(f"if {found} is _UNSET:"):
            self.emit(f"{found} = None if {collection} is None else _frozenset({collection})")
        if collection in self.non_null:
            self.non_null.add(found)
        return found

    def _not(self, node: c.Not) -> str:
        operand = self.local(self.value(node.operand))
        return self.unless_null((operand,), f"not {operand}")

    def _and(self, node: c.And) -> str:
        return self._logic(node, "False")

    def _or(self, node: c.Or) -> str:
        return self._logic(node, "True")

    def _logic(self, node: c.And | c.Or, decides: str) -> str:
        """Three-valued ``and`` (false decides) or ``or`` (true decides); the right side is
        computed only when the left does not decide, and then a deciding or null right side
        is the result."""
        result = self.temp()
        self.assign(result, self.value(node.left))
        left_known = result in self.non_null
        with self.block(f"if {result} is not {decides}:"):
            right = self.local(self.value(node.right))
            if left_known and right in self.non_null:  # two booleans: the right one decides
                self.emit(f"{result} = {right}")
                return self.known(result)
            with self.block(f"if {right} is {decides} or {right} is None:"):
                self.emit(f"{result} = {right}")
        self.non_null.discard(result)  # the right side may have been null
        return result

    @contextlib.contextmanager
    def bound(self, name: str, local: str, *, non_null: bool) -> Iterator[None]:
        """``name`` bound to ``local`` inside the block (a filter's element shadows)."""
        outer = self.scope.get(name)
        self.scope[name] = local
        if non_null:
            self.non_null.add(local)
        yield
        if outer is None:
            del self.scope[name]
        else:
            self.scope[name] = outer

    def _each(self, collection: c.Node, element: str, body: Callable[[str], None]) -> str:
        items = self.local(self.value(collection))
        result, local = self.temp(), self.temp("e")
        known = items in self.non_null
        if not known:
            with self.block(f"if {items} is None:"):
                self.emit(f"{result} = None")
        with self.block("else:") if not known else contextlib.nullcontext():
            self.spend(f"len({items})")
            self.emit(f"{result} = []")
            with self.block(f"for {local} in {items}:"), \
                    self.bound(element, local, non_null=self.elements_non_null(collection)):
                self.repeating += 1
                body(result)
                self.repeating -= 1
            self.emit(f"{result} = tuple({result})")
        return self.known(result, known)

    def _filter(self, node: c.Filter) -> str:
        unrolled = self._unrolled(node)
        if unrolled is not None:
            return unrolled

        def keep(result: str) -> None:
            condition = self.value(node.condition)
            with self.block(f"if {condition} is True:"):
                self.emit(f"{result}.append({self.scope[node.element]})")
        return self._each(node.collection, node.element, keep)

    def _unrolled(self, node: c.Filter) -> str | None:
        """A filter over a short list of constants, one test per constant: the condition
        specialised for each (see :mod:`~indicator_rules.dsl.folding`), when that makes it
        smaller; else None (the filter is written as a loop)."""
        constants = constant_value(node.collection)
        if (not isinstance(constants, tuple) or not 0 < len(constants) <= _UNROLL_AT_MOST
                or any(not isinstance(value, _UNROLLED_TYPES) for value in constants)):
            return None
        item_type = node.collection.type.item
        assert item_type is not None  # a filter's collection is a list
        conditions = [specialize(node.condition, node.element,
                                 c.Const(value, item_type, node.span)) for value in constants]
        if sum(map(size, conditions)) > size(node.condition) * _UNROLL_GROWTH:
            return None  # the element is not compared with constants: a loop is shorter
        self.spend(str(len(constants)))  # a count of this module's, as the loop would spend
        result = self.temp()
        self.emit(f"{result} = []")
        for value, condition in zip(constants, conditions, strict=True):
            test = self.value(condition)
            if test in ("False", "None"):
                continue
            with self.block(f"if {test} is True:") if test != "True" else \
                    contextlib.nullcontext():
                self.emit(f"{result}.append({self.constant(value)})")
        self.assign(result, f"tuple({result})")
        return self.known(result)

    def _map(self, node: c.Map) -> str:
        def add(result: str) -> None:
            value = self.value(node.expression)
            if not node.flatten:
                self.emit(f"{result}.append({value})")
                return
            value = self.local(value)
            with self.block(f"if {value} is not None:"):
                self.emit(f"{result}.extend({value})")
        mapped = self._each(node.collection, node.element, add)
        if node.flatten:  # the elements flattening made count as visits (as interpreted)
            with self.block(f"if {mapped} is not None:") if mapped not in self.non_null \
                    else contextlib.nullcontext():
                self.spend(f"len({mapped})")
        return mapped

    def _make_list(self, node: c.MakeList) -> str:
        constant = constant_value(node)
        if constant is not NOT_CONSTANT:  # a literal: built once
            return self.constant(constant)
        items = [self.local(self.value(item)) for item in node.items]
        return self.known(f"({''.join(f'{item}, ' for item in items)})")

    def _memo(self, node: c.Memo) -> str:
        if not self.in_rule:  # an expression on its own: nothing outlives one evaluation
            return self.value(node.inner)
        memo = f"m{node.slot}"
        self.memos.add(memo)
        with self.block(f"if {memo} is _UNSET:"):
            inner = self.value(node.inner)
            self.emit(f"{memo} = {inner}")
        self.run_locals.add(memo)
        return self.known(memo, inner in self.non_null)

    def elements_non_null(self, collection: c.Node) -> bool:
        """Whether the elements of ``collection`` are never null: a list field of a model
        object, a constant list without null (and what a filter keeps of either)."""
        if isinstance(collection, c.Memo):
            return self.elements_non_null(collection.inner)
        if isinstance(collection, c.Filter):
            return self.elements_non_null(collection.collection)
        constant = constant_value(collection)  # a list written out (or a param)
        if constant is not NOT_CONSTANT:
            return isinstance(constant, tuple) and None not in constant
        if isinstance(collection, c.Var):  # a let holding one of these
            return self.variable(collection.name) in self.non_null_items
        if isinstance(collection, c.Field) and not collection.project:
            item = collection.spec.type.item  # a list field of the model holds what it says
            return item is not None and not item.nullable
        return False

    def bind(self, name: str, node: c.Node) -> str:
        """A new local holding the value of ``node``, bound to ``name`` (a ``let``)."""
        local = self.temp("v")
        self.assign(local, self.value(node))
        if self.elements_non_null(node):
            self.non_null_items.add(local)
        self.scope[name] = local
        return local


def _bound(shape: Hashable, element: str, depth: int) -> Hashable:
    """The shape of a filter (or map) with its element written as ``("bound", depth)``: the
    number of filters between a use and the filter binding it. The checker gives every
    filter's element a name of its own, so ``targets where not implied`` written twice would
    differ by that name alone; bound by position, the two are one shape and computed once."""
    if not isinstance(shape, tuple):
        return shape
    if shape == ("var", element):
        return ("bound", depth)
    if shape and shape[0] in ("Filter", "Map"):
        # a filter in the shape: its collection is outside it, the rest one binding deeper
        kind, collection, *rest = shape
        return (kind, _bound(collection, element, depth),
                *(_bound(part, element, depth + 1) for part in rest))
    return tuple(_bound(part, element, depth) for part in shape)


def _own(ok: bool, what: str) -> None:
    """Refuse to write into the source anything but this package's own words (an operator of
    the grammar, a model attribute): a check that ``python -O`` keeps, unlike ``assert``."""
    if not ok:
        raise RuntimeError(f"internal error: {what!r} would be written into generated code")


def _constant_members(node: c.In) -> frozenset[Any] | None:
    """The members of a constant list of texts (or numbers) without nulls, else None."""
    if node.substring:
        return None
    values = constant_value(node.collection)
    if not isinstance(values, tuple) or any(value is None for value in values):
        return None
    try:
        return frozenset(values)
    except TypeError:  # records are not hashable
        return None


#: filters over at most this many constants are unrolled (one test per constant) …
_UNROLL_AT_MOST = 16
#: … when their specialised conditions are together at most this times the condition's size
_UNROLL_GROWTH = 2
_UNROLLED_TYPES = (str, Decimal)  # constants that are never null and fold in comparisons

_TRIVIAL = (c.Const, c.Var, c.Memo, c.MakeList)
#: the fields of each node that say what it computes (not its type, place or label)
_KEY_FIELDS: dict[type, tuple[str, ...]] = {
    node_type: tuple(field.name for field in attrs.fields(node_type)
                     if field.name not in ("type", "span", "label"))
    for node_type in c.NODE_TYPES
}

_WRITERS: dict[type, Callable[[_Writer, Any], str]] = {
    c.Const: _Writer._const, c.Var: _Writer._var, c.Field: _Writer._field,
    c.Apply: _Writer._apply, c.Negate: _Writer._negate, c.Arithmetic: _Writer._arithmetic,
    c.Default: _Writer._default, c.Compare: _Writer._compare, c.IsNull: _Writer._is_null,
    c.In: _Writer._in, c.Not: _Writer._not, c.And: _Writer._and, c.Or: _Writer._or,
    c.Filter: _Writer._filter, c.Map: _Writer._map, c.MakeList: _Writer._make_list,
    c.Memo: _Writer._memo,
}


@attrs.frozen(eq=False)
class Generated:
    """The generated functions of one rule (or expression): their source, its compiled code
    (``marshal`` bytes), the functions' names in order, and the recipe of every value of
    their namespace — all that is needed to make the functions again without the tree
    (:func:`rebuild_rule_function`)."""

    filename: str
    source: str
    code: bytes
    names: tuple[str, ...]
    recipes: dict[str, Recipe]


def _generate(label: str, functions: Sequence[tuple[str, _Writer]],
              namespace: _Namespace) -> tuple[Generated, types.CodeType]:
    """The source of the generated functions (one source, one ``compile``), and its code."""
    lines: list[str] = []
    for name, writer in functions:
        body = writer.prologue() + writer.lines
        lines += [f"def {name}(env):", *body, ""]
    source = "\n".join(lines)
    digest = hashlib.sha256(source.encode()).hexdigest()[:12]
    filename = f"<indicator_rules {label} {digest}>"
    code = code_of(source, filename)  # compiled once, then from the cache
    names = tuple(name for name, _ in functions)
    return Generated(filename, source, marshal.dumps(code), names, dict(namespace.recipes)), code


def _instantiate(generated: Generated, values: dict[str, Any],
                 code: types.CodeType | None = None) -> list[Callable[..., Any]]:
    """The functions of ``generated``, their namespace holding ``values``."""
    source = generated.source
    linecache.cache[generated.filename] = (len(source), None, source.splitlines(True),
                                           generated.filename)
    if code is None:
        code = marshal.loads(generated.code)
        if not isinstance(code, types.CodeType) or code.co_filename != generated.filename:
            raise ValueError(f"not the code of {generated.filename}")
    scope = {**values, **_base_namespace()}
    exec(code, scope)  # our own source from the templates; no ruleset text in it
    return [scope[name] for name in generated.names]


def compile_node(node: c.Node, label: str = "expression") -> Compiled:
    """A function computing ``node`` in an environment (a dict holding the variables, the
    declaration under ``$declaration`` and the run-time context under ``$context``)."""
    namespace = _Namespace()
    writer = _Writer(namespace, in_rule=False)
    writer.emit(f"return {writer.value(node)}")
    generated, code = _generate(label, [("expression", writer)], namespace)
    (function,) = _instantiate(generated, namespace.values, code)
    return function


#: A message: texts, and expressions whose values are formatted in.
Message = Sequence[str | c.Node]
#: What a finding shows: (label, expression) for each line, the value formatted.
Evidence = Sequence[tuple[str, c.Node]]
#: The formatter of values of one static type.
Format = Callable[[DslType], Callable[[Any], str]]


@attrs.frozen(eq=False)
class CompiledParts:
    """What :func:`compile_rule_function` makes of a rule; ``generated`` makes it again
    (:func:`rebuild_rule_function`)."""

    run: RuleRun
    message: Callable[[dict[str, Any]], str]
    expressions: tuple[Compiled, ...]
    evidence: tuple[Callable[[dict[str, Any]], tuple[tuple[str, str], ...]], ...]
    generated: Generated


def compile_rule_function(plan: RulePlan, message: Message = (),
                          expressions: Sequence[c.Node] = (),
                          evidence: Sequence[Evidence] = (), *,
                          format: Format) -> CompiledParts:
    """The function running a rule over one environment, the function making its message
    (texts and placeholders, each placeholder's value formatted by ``format`` of its type), a
    function for each of ``expressions`` (the severity conditions) and one for each of
    ``evidence`` (a finding's labelled, formatted values), compiled together."""
    namespace = _Namespace()
    writer = _Writer(namespace, in_rule=True)
    writer.variable(BUDGET)  # every run counts its visits, and hands what is left to findings
    writer.emit("out = []")
    for name, node in plan.prelude:
        writer.run_locals.add(writer.bind(name, node))
    skip = "return None"
    if plan.loop_base is not None:
        items = writer.temp("items")
        writer.emit(f"{items} = {writer.value(plan.loop_base)} or ()")
        writer.spend(f"len({items})")
        element, index, check = writer.temp("v"), writer.temp("index"), writer.temp("check")
        writer.emit(f"{check} = 15")
        loop = writer.block(f"for {index}, {element} in enumerate({items}):")
        loop.__enter__()
        writer.check_clock(index, check)
        writer.repeating += 1
        for name in plan.loop_names:
            writer.scope[name] = element
        if plan.model_list:
            writer.non_null.add(element)
        for condition in plan.loop_conditions:
            with writer.block(f"if {writer.value(condition)} is not True:"):
                writer.emit("continue")
        skip, where = "continue", f"{index}, {element}"
    else:
        where = "None, None"
    bound: list[tuple[str, str]] = [(name, writer.scope[name]) for name in plan.loop_names]
    bound += [(name, writer.scope[name]) for name, _ in plan.prelude]

    def environment() -> str:
        names = dict(bound)
        names[BUDGET] = "steps"  # the visits left: what a finding's parts may still spend
        entries = "".join(f"{writer.namespace.name(name, '_n')}: {local}, "
                          for name, local in names.items())
        return f"{{**env, {entries}}}"

    for number, (kind, name, node) in enumerate(plan.steps):
        if kind == "let":
            bound.append((name, writer.bind(name, node)))
        elif kind == "when":
            with writer.block(f"if {writer.value(node)} is not True:"):
                writer.emit(skip)
        else:
            held = writer.local(writer.value(node))
            with writer.block(f"if {held} is not True:"):
                writer.emit(f"out.append(({number}, {held}, {environment()}, {where}))")
                writer.emit("continue" if plan.loop_base is not None else "return out")
    if plan.reports_every_match:
        writer.emit(f"out.append((-1, True, {environment()}, {where}))")
    if plan.loop_base is not None:
        loop.__exit__(None, None, None)
    writer.emit("return out")

    def formatted(shown: _Writer, node: c.Node) -> str:
        show = namespace.name(format(node.type), "_f", ("format", node.type))
        return f"{show}({shown.value(node)})"

    text = _Writer(namespace, in_rule=False)
    pieces = [text.constant(piece) if isinstance(piece, str) else formatted(text, piece)
              for piece in message]
    text.emit(f"return ''.join(({''.join(piece + ', ' for piece in pieces)}))")
    functions: list[tuple[str, _Writer]] = [("rule", writer), ("message", text)]
    for number, expression in enumerate(expressions):
        part = _Writer(namespace, in_rule=False)
        part.emit(f"return {part.value(expression)}")
        functions.append((f"part{number}", part))
    for number, lines in enumerate(evidence):
        shown = _Writer(namespace, in_rule=False)
        pairs = [f"({shown.constant(label)}, {formatted(shown, node)})" for label, node in lines]
        shown.emit(f"return ({''.join(pair + ', ' for pair in pairs)})")
        functions.append((f"evidence{number}", shown))
    generated, code = _generate(plan.label, functions, namespace)
    return _parts(generated, _instantiate(generated, namespace.values, code))


def _parts(generated: Generated, built: Sequence[Callable[..., Any]]) -> CompiledParts:
    expressions = [function for name, function in zip(generated.names, built, strict=True)
                   if name.startswith("part")]
    evidence = [function for name, function in zip(generated.names, built, strict=True)
                if name.startswith("evidence")]
    return CompiledParts(built[0], built[1], tuple(expressions), tuple(evidence), generated)


def rebuild_rule_function(generated: Generated, resolve: Resolve) -> CompiledParts:
    """The functions of a rule compiled before (perhaps in another process), made again from
    what :func:`compile_rule_function` generated: each namespace value from its recipe."""
    values = {name: recipe[1] if recipe[0] == "value" else resolve(recipe)
              for name, recipe in generated.recipes.items()}
    return _parts(generated, _instantiate(generated, values))
