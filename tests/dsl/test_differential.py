"""Compiled closures agree with the tree-walking reference interpreter (differential property).

Hypothesis builds well-typed expressions from typed pieces (numbers, conditions, texts and lists
over the declaration, with filters, projections, aggregates, nulls and tolerance) and realistic
declarations; both evaluators must give the same value, or both the same evaluation error.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from indicator_rules import Funding, Indicator, IndicatorValue, ProjectDeclaration
from indicator_rules.dsl import checked as c
from indicator_rules.dsl.checker import Checker, _Scope
from indicator_rules.dsl.compiler import CONTEXT, compile_node
from indicator_rules.dsl.functions import FunctionRegistry
from indicator_rules.dsl.grammar import parse_expression
from indicator_rules.dsl.interpreter import evaluate
from indicator_rules.dsl.semantics import EvaluationError
from indicator_rules.dsl.types import DslType, Kind, RuntimeContext, record

LEVEL2 = ["数量指标", "质量指标", "成本指标", "满意度指标"]
VALUES = ["", "3次", "≥95%", "约20万元", "一批", "每季度至少1次", "合格", "26.00", "85%", "2-5次",
          "2021年12月底前", "2021年1月-12月"]
TEXTS = ['"培训"', '"一批"', '""', "name", "goal"]


def _numbers(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda a, op, b: f"({a} {op} {b})", children, st.sampled_from("+-*/"), children),
        children.map(lambda a: f"-{a}"),
        children.map(lambda a: f"({a} ?? 0)"),
    )


LEAF_NUMBERS = st.one_of(
    st.integers(-3, 50).map(str),
    st.sampled_from(["count(indicators)", "sum(indicators.value.number)",
                     "(max(indicators.value.number) ?? 1)", "len(name)", "len(indicators)",
                     "abs(-2)", "count(years(goal))",
                     "count(indicators where value.quantified)", "count(indicators.value.targets)",
                     "sum(indicators.value.targets.yearly)", "count(distinct(indicators.level2))"]),
)
NUMBERS = st.recursive(LEAF_NUMBERS, _numbers, max_leaves=6)
MONEY = st.sampled_from(["funding.total", "(funding.total ?? 0)", "sum(indicators.value.amount)",
                         "20万元", "(funding.fiscal ?? 1万元)"])
TEXT = st.sampled_from(TEXTS)
LISTS = st.sampled_from(["indicators", 'indicators where level2 == "成本指标"',
                         "indicators where value.quantified or blank(value.text)",
                         'indicators where it.name in ["培训", "一批"]',
                         "indicators where value.percent >= 85%",  # null for most values
                         "indicators where not (value.number > 2)"])


def _conditions(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda a, b: f"({a} and {b})", children, children),
        st.builds(lambda a, b: f"({a} or {b})", children, children),
        children.map(lambda a: f"not {a}"),
    )


LEAF_CONDITIONS = st.one_of(
    st.builds(lambda a, op, b: f"{a} {op} {b}", NUMBERS,
              st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), NUMBERS),
    st.builds(lambda a, op, b, t: f"{a} {op} {b} within {t}", MONEY,
              st.sampled_from(["==", "!=", "<=", ">"]), MONEY, st.sampled_from(["0.5万元", "0"])),
    st.builds(lambda a, b: f"{a} == {b}", TEXT, TEXT),
    st.builds(lambda a, b: f"{a} in {b}", TEXT, TEXT),
    st.builds(lambda a: f'{a} not in ["培训", "x"]', TEXT),
    st.builds(lambda lst: f"count({lst}) > 0", LISTS),
    st.builds(lambda lst: f"all(({lst}).value.quantified)", LISTS),
    st.builds(lambda lst: f"any(({lst}).value.graded)", LISTS),
    st.builds(lambda lst, n: f"count({lst} select value.targets) >= {n}", LISTS,
              st.integers(0, 3)),
    st.builds(lambda lst: f"all({lst} select value.number > 1)", LISTS),
    st.builds(lambda lst: f'"培训" in ({lst} select normalize(name))', LISTS),
    st.sampled_from(["true", "false", "blank(goal)", 'contains_any(goal, ["一批", "提升"])',
                     "funding.total == null", "null != max(indicators.value.percent)",
                     'matches(name, "[0-9]+")', "funding.other > 0万元",
                     "all_nonempty(indicators.value.dated)"]),
)
CONDITIONS = st.recursive(LEAF_CONDITIONS, _conditions, max_leaves=6)
#: Filters over lists written out in constants, which the compiler unrolls (one test per
#: constant, the condition specialised and folded for each): the element compared with
#: constants in every position folding sees, shadowed by an inner filter, and left alone.
PICKED = st.one_of(
    st.builds(lambda a, b, d: f'(["甲", "乙", "丙"] where (it == "甲" and {a}) or (it == "乙" '
              f'and {b}) or (it != "甲" and it != "乙" and {d}))', CONDITIONS, CONDITIONS,
              CONDITIONS),
    st.builds(lambda a, b: f"([1, 2, 3] where (it == 1 and {a}) or (it >= 2 and {b}))",
              CONDITIONS, CONDITIONS),
    st.builds(lambda a: f'(["甲", "乙"] where {a} and it == "乙")', CONDITIONS),
    st.builds(lambda a: f'(["甲", "乙"] where it in ["甲", "x"] or {a})', CONDITIONS),
    st.builds(lambda a: f'(["甲", "乙"] where not (it == "甲") or {a})', CONDITIONS),
    st.builds(lambda a: f'(["甲", ""] where (it == null or blank(it)) and {a})', CONDITIONS),
    st.builds(lambda a: f'(["甲", "乙"] where count(["甲", "丙"] where it == "甲") > 1 or '
              f'(it == "乙" and {a}))', CONDITIONS),
    st.builds(lambda a: f'(["甲", "乙"] where {a})', CONDITIONS),
    st.builds(lambda a, op: f'(["甲", "乙"] where (it == "甲") {op} ({a}))', CONDITIONS,
              st.sampled_from(["==", "!="])),
    st.builds(lambda a, op: f'(["甲", "乙"] where ({a}) {op} (it != "乙"))', CONDITIONS,
              st.sampled_from(["==", "!="])),
    st.builds(lambda n: f"([1, 2, 3] where it > {n})", NUMBERS),
)

DECLARATIONS = st.builds(
    ProjectDeclaration,
    id=st.just("p"),
    name=st.sampled_from(["培训", "项目123", ""]),
    goal=st.sampled_from(["", "打造一批", "提升服务"]),
    money_unit=st.sampled_from(["万元", "元"]),
    funding=st.builds(Funding, total=st.none() | st.decimals(0, 1000, places=2),
                      fiscal=st.none() | st.decimals(0, 1000, places=2),
                      other=st.none() | st.decimals(0, 10, places=2)),
    indicators=st.lists(
        st.builds(Indicator, level1=st.just("产出指标"), level2=st.sampled_from(LEVEL2),
                  name=st.sampled_from(["培训", "一批", "活动"]),
                  value=st.builds(IndicatorValue, text=st.sampled_from(VALUES))),
        max_size=5,
    ).map(tuple),
)


def _check(text: str) -> c.Node:
    checker = Checker({}, FunctionRegistry(), {"<expression>": text})
    scope = _Scope({c.DECLARATION: record("ProjectDeclaration")}, [])
    node = checker.expression(parse_expression(text), scope)
    assert checker.errors == []
    return node


def _conforms(value: Any, value_type: DslType) -> bool:
    """A run-time value has the Python type its static type promises."""
    if value is None:
        return value_type.nullable or value_type.kind is Kind.NULL
    expected = {Kind.BOOL: bool, Kind.NUMBER: Decimal, Kind.PERCENT: Decimal,
                Kind.MONEY: Decimal, Kind.TEXT: str, Kind.LIST: tuple}.get(value_type.kind)
    if expected is None:
        return True
    if not isinstance(value, expected):
        return False
    if isinstance(value, tuple) and value_type.item is not None:
        return all(_conforms(item, value_type.item) for item in value)
    return True


def _outcome(run: Any) -> Any:
    try:
        return ("value", run())
    except EvaluationError as error:
        return ("error", str(error))


@given(NUMBERS | MONEY | CONDITIONS | LISTS | PICKED | PICKED.map(lambda p: f"count({p}) == 1"),
       DECLARATIONS)
def test_compiled_closures_agree_with_the_interpreter(text: str, declaration: ProjectDeclaration):
    node = _check(text)
    env = {c.DECLARATION: declaration, CONTEXT: RuntimeContext.of(declaration.money_unit)}
    compiled = compile_node(node)
    outcome = _outcome(lambda: compiled(dict(env)))
    assert outcome == _outcome(lambda: evaluate(node, dict(env)))
    if outcome[0] == "value":
        assert _conforms(outcome[1], node.type), (text, outcome[1], node.type)


@given(CONDITIONS, DECLARATIONS)
def test_conditions_are_three_valued(text: str, declaration: ProjectDeclaration):
    node = _check(text)
    env = {c.DECLARATION: declaration, CONTEXT: RuntimeContext.of(declaration.money_unit)}
    kind, value = _outcome(lambda: compile_node(node)(env))
    assert kind == "error" or value in (True, False, None)


def test_the_generators_cover_nulls_and_errors():
    """The differential test is only as good as its inputs: check they reach the corners."""
    declaration = ProjectDeclaration(id="p", funding=Funding(total=None))
    env = {c.DECLARATION: declaration, CONTEXT: RuntimeContext.of("万元")}
    assert evaluate(_check("funding.total == 1万元 within 0"), env) is None
    assert _outcome(lambda: evaluate(_check("1 / 0"), env))[0] == "error"
    assert compile_node(_check("sum(indicators.value.number)"))(env) == Decimal(0)


@given(NUMBERS | MONEY | CONDITIONS | LISTS, DECLARATIONS)
def test_remembering_invariant_work_changes_no_result(text: str, declaration: ProjectDeclaration):
    """Hoisting (invariant subexpressions wrapped in Memo, as in a loop's body) changes no
    value: the hoisted tree, compiled as an expression on its own (where a Memo is computed in
    place), gives the interpreter's result. The memo locals of a rule's run are tested in
    tests/dsl/test_compiler.py."""
    from indicator_rules.dsl.hoister import hoist, new_slots

    node = _check(text)
    hoisted = hoist(node, frozenset({c.DECLARATION, CONTEXT}), new_slots(), repeated=True)
    env = {c.DECLARATION: declaration, CONTEXT: RuntimeContext.of(declaration.money_unit)}
    compiled = compile_node(hoisted)
    expected = _outcome(lambda: evaluate(node, dict(env)))
    assert _outcome(lambda: compiled(env)) == expected
    assert _outcome(lambda: compiled(env)) == expected  # the second time from memory
