"""The compiler writes each rule as Python source from its own templates; these tests pin what
that promises: no ruleset text in the source, one evaluation of a repeated subexpression, the
order and null handling of the interpreter, readable tracebacks, cached code."""

from __future__ import annotations

import datetime
import linecache
import re
import traceback
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from indicator_rules import Indicator, IndicatorValue, ProjectDeclaration
from indicator_rules.dsl import cache
from indicator_rules.dsl.functions import FunctionRegistry
from indicator_rules.dsl.types import (
    BOOL,
    DATE,
    MONEY,
    NUMBER,
    PERCENT,
    TEXT,
    DslType,
    list_of,
    record,
)
from indicator_rules.engine import format_value, formatter
from indicator_rules.ruleset import load_ruleset_text

HOSTILE = "__import__('os').system('echo pwned')"


def _source(ruleset: Any, rule_id: str) -> str:
    rule = next(rule for rule in ruleset.compiled if rule.rule_id == rule_id)
    return "".join(linecache.getlines(rule.run.__code__.co_filename))


def _declaration(*names: str, value: str = "3次") -> ProjectDeclaration:
    return ProjectDeclaration(id="p", indicators=tuple(
        Indicator(level1="产出指标", level2="数量指标", name=name, value=IndicatorValue(text=value))
        for name in names))


def _table(*rows: tuple[str, str]) -> ProjectDeclaration:
    """A declaration whose indicators are these (三级指标, 指标值) rows."""
    return ProjectDeclaration(indicators=tuple(
        Indicator(name=name, value=IndicatorValue(text=value)) for name, value in rows))


def test_ruleset_text_never_becomes_python_source():
    ruleset = load_ruleset_text(
        'rule R01 "x"\n  severity info\n'
        f'  for each i in indicators where i.name != "{HOSTILE}"\n'
        f'  require not ("{HOSTILE}" in i.name)\n'
        f'  message "「{{i.name}}」{HOSTILE}"\n', name="r.rules")
    source = _source(ruleset, "R01")
    assert "def rule(env):" in source
    assert HOSTILE not in source
    assert "pwned" not in source
    assert "__import__" not in source
    found = ruleset.check(_declaration("培训", f"x{HOSTILE}x")).findings
    assert [f.path for f in found] == ["indicators[1]"]  # the literal still works as data
    assert found[0].message == f"「x{HOSTILE}x」{HOSTILE}"


def test_generated_code_has_only_the_builtins_it_needs():
    ruleset = load_ruleset_text('rule R01 "x"\n  severity info\n  require true\n  message "m"\n',
                                name="r.rules")
    rule = ruleset.compiled[0]
    assert set(rule.run.__globals__["__builtins__"]) == {"tuple", "len", "enumerate"}


def _counting_registry() -> tuple[FunctionRegistry, list[str]]:
    calls: list[str] = []
    registry = FunctionRegistry()

    def shout(text: str) -> str:
        calls.append(text)
        return text.upper()

    registry.register("shout", [TEXT], TEXT, shout)
    return registry, calls


def _loop_rule(require: str) -> tuple[Any, list[str]]:
    """A rule over the indicators with this ``require``, which may call ``shout``."""
    registry, calls = _counting_registry()
    ruleset = load_ruleset_text(
        f'rule R01 "x"\n  severity info\n  for each i in indicators\n  require {require}\n'
        '  message "m"\n', name="r.rules", functions=registry)
    return ruleset, calls


def test_a_subexpression_written_twice_is_computed_once_per_element():
    ruleset, calls = _loop_rule('shout(i.name) != "A" and shout(i.name) != "B"')
    report = ruleset.check(_declaration("a", "b", "c"))
    assert calls == ["a", "b", "c"]
    assert [f.path for f in report.findings] == ["indicators[0]", "indicators[1]"]


def test_a_subexpression_under_a_short_circuit_is_not_reused_outside_it():
    """``shout`` computed on the right of ``or`` (only when the left is not true) must be
    computed again where it is needed unconditionally."""
    registry, calls = _counting_registry()
    ruleset = load_ruleset_text(
        'rule R01 "x"\n  severity info\n  for each i in indicators\n'
        '  let first = i.name == "a" or shout(i.name) == "B"\n'
        '  let second = shout(i.name)\n'
        '  require second != "A"\n  message "{second}"\n',
        name="r.rules", functions=registry)
    report = ruleset.check(_declaration("a", "b"))
    assert calls == ["a", "b", "b"]  # a: only for `second`; b: for `first` and for `second`
    assert [f.message for f in report.findings] == ["A"]


def test_a_where_element_and_the_loop_variable_are_kept_apart():
    """``name`` inside the ``where`` is the element's, ``i.name`` the loop variable's: the same
    field read of two different variables is not one subexpression."""
    ruleset = load_ruleset_text(
        'rule R01 "x"\n  severity info\n  for each i in indicators\n'
        '  let same = count(indicators where name == i.name and it.name == name)\n'
        '  require same == 1\n  message "{i.name}×{same}"\n',
        name="r.rules")
    report = ruleset.check(_declaration("a", "b", "a"))
    assert [(f.path, f.message) for f in report.findings] == [
        ("indicators[0]", "a×2"), ("indicators[2]", "a×2")]


def test_a_failing_rule_shows_its_generated_line_in_the_traceback():
    registry = FunctionRegistry()

    def boom(text: str) -> bool:
        raise RuntimeError("plugin failed")

    registry.register("boom", [TEXT], BOOL, boom)
    ruleset = load_ruleset_text('rule R01 "x"\n  severity info\n  for each i in indicators\n'
                                '  require boom(i.name)\n  message "m"\n', name="r.rules",
                                functions=registry)
    rule = ruleset.compiled[0]
    from indicator_rules.dsl import checked as c
    from indicator_rules.dsl.compiler import CONTEXT
    from indicator_rules.dsl.semantics import BUDGET, Budget
    from indicator_rules.dsl.types import RuntimeContext

    with pytest.raises(RuntimeError) as caught:
        rule.run({c.DECLARATION: _declaration("a"), CONTEXT: RuntimeContext(),
                  BUDGET: Budget()})
    text = "".join(traceback.format_exception(caught.value))
    assert "<indicator_rules rule R01" in text
    assert "(" in text.split("rule R01")[1]
    assert "_f" in text  # the generated line itself, read back through linecache
    report = ruleset.check(_declaration("a"))
    assert report.findings[0].kind == "rule-error"
    assert "plugin failed" in report.findings[0].message


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INDICATOR_RULES_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("INDICATOR_RULES_CACHE", raising=False)
    return tmp_path / "cache" / "code"


def test_generated_code_is_compiled_once_and_then_read_from_disk(
        folder: Path, monkeypatch: pytest.MonkeyPatch):
    source = "def expression(env):\n    return 1\n"
    first = cache.code_of(source, "<x>")
    (stored,) = folder.iterdir()

    def no_compiling(*_: object) -> None:
        raise AssertionError("compiled again instead of read from disk")

    with monkeypatch.context() as patch:
        patch.setattr(cache, "compile", no_compiling, raising=False)
        assert cache.code_of(source, "<x>") == first
    stored.write_bytes(b"not marshal data")  # a damaged cache is compiled again
    scope: dict[str, Any] = {}
    exec(cache.code_of(source, "<x>"), scope)
    assert scope["expression"]({}) == 1
    assert stored.read_bytes() != b"not marshal data"
    assert cache.code_of(source + "\n", "<x>") is not None
    assert len(list(folder.iterdir())) == 2  # other source, other entry


def test_the_disk_cache_of_code_can_be_switched_off(folder: Path,
                                                     monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("INDICATOR_RULES_CACHE", "0")
    cache.code_of("def expression(env):\n    return 2\n", "<y>")
    assert not folder.exists()


@pytest.mark.parametrize(("value", "value_type", "shown"), [
    (None, MONEY, "（空）"),
    (Decimal("40"), MONEY, "40.00 万元"),
    (Decimal("539.425"), MONEY, "539.42 万元"),
    (Decimal("-0.004"), MONEY, "0.00 万元"),
    (Decimal(1) / 3, PERCENT, "0.33%"),
    (Decimal("95.0"), NUMBER, "95"),
    (Decimal("1E+2"), NUMBER, "100"),
    (Decimal("12.30"), PERCENT, "12.3%"),
    (Decimal("1.005"), NUMBER, "1.01"),
    (Decimal("-0.004"), NUMBER, "0"),
    (True, BOOL, "是"),
    (datetime.date(2021, 12, 31), DATE, "2021-12-31"),
    ("x" * 201, TEXT, "x" * 200 + "…"),
    (re.compile("^(无|待定)$"), TEXT, "^(无|待定)$"),
    ((), list_of(TEXT), "（无）"),
    (tuple("abcdef"), list_of(TEXT), "a、b、c、d、e 等6项"),
    ((Decimal(1), None), list_of(MONEY), "1.00 万元、（空）"),
    (Indicator(name="培训"), record("Indicator"), "「培训」"),
])
def test_values_are_shown_as_a_reviewer_reads_them(value: Any, value_type: DslType, shown: str):
    """One formatter per type, chosen when a rule compiles; format_value is the same."""
    assert formatter(value_type)(value) == shown
    assert format_value(value, value_type) == shown


@given(st.decimals(min_value=-10**20, max_value=10**20, allow_nan=False))
@example(Decimal("-0"))
@example(Decimal("-0.004"))
@example(Decimal("1E-30"))
def test_a_number_is_shown_rounded_to_two_decimals_without_trailing_zeros(number: Decimal):
    """The number's value to two decimals (half up), written without an exponent."""
    shown = format_value(number, NUMBER)
    assert "E" not in shown
    assert shown != "-0"
    if "." in shown:
        assert not shown.endswith(("0", "."))
        assert len(shown.partition(".")[2]) <= 2
    assert Decimal(shown) == number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_an_entry_copied_under_another_name_is_not_used(folder: Path):
    one = "def expression(env):\n    return 1\n"
    two = "def expression(env):\n    return 2\n"
    cache.code_of(one, "<x>")
    (first,) = folder.iterdir()
    cache.code_of(two, "<x>")
    (second,) = set(folder.iterdir()) - {first}
    second.write_bytes(first.read_bytes())  # the code of `one` under the key of `two`
    scope: dict[str, Any] = {}
    exec(cache.code_of(two, "<x>"), scope)
    assert scope["expression"]({}) == 2


def test_a_message_spends_what_the_run_left_of_its_budget():
    """Messages, evidence and severities of a run's findings share one budget with the run: a
    message that visits the table for each row of it is stopped, not run once per finding."""
    ruleset = load_ruleset_text(
        'rule R01 "x"\n  severity info\n  for each i in indicators\n  require false\n'
        '  message "{count(indicators where count(indicators where name == i.name) > 0)}"\n',
        name="r.rules")
    rows = 120  # 120 findings × 120 × 120 visits > 1,000,000
    report = ruleset.check(_declaration(*(f"n{number}" for number in range(rows))))
    (finding,) = report.findings
    assert finding.kind == "rule-error"
    assert "evaluation budget exceeded" in finding.message
    small = ruleset.check(_declaration("a", "b"))
    assert [f.message for f in small.findings] == ["2", "2"]


@pytest.mark.parametrize("body", [
    # a let in the loop named like a batch list
    '  for each i in indicators\n  let projects = i.name\n  require not blank(projects)\n',
    # the loop variable shadowing a let written before the loop
    '  let x = "abc"\n  for each x in indicators\n  require not blank(x.name)\n',
])
def test_a_name_bound_anew_for_each_element_is_not_taken_for_invariant(body: str):
    ruleset = load_ruleset_text(f'rule R01 "x"\n  severity info\n{body}  message "m"\n',
                                name="r.rules")
    report = ruleset.check(_declaration("a", "", "b"))
    assert [f.path for f in report.findings] == ["indicators[1]"]


def test_invariant_work_in_a_loop_is_done_once_per_run():
    ruleset, calls = _loop_rule("i.name != shout(declaration.name)")
    assert ruleset.check(attrs.evolve(_declaration("b", "c", "d"), name="a")).findings == ()
    assert calls == ["a"]  # once, not once per row
    calls.clear()
    report = ruleset.check(attrs.evolve(_declaration("b", "A", "c"), name="a"))
    assert [f.path for f in report.findings] == ["indicators[1]"]
    assert calls == ["a", "a"]  # the run's, then the finding's evidence shows the operand


def test_a_tolerance_is_evaluated_first_as_in_the_interpreter():
    registry = FunctionRegistry()

    def boom(text: str) -> Decimal:
        raise RuntimeError("left side")

    registry.register("boom", [TEXT], NUMBER, boom)
    ruleset = load_ruleset_text(
        'rule R01 "x"\n  severity info\n  for each i in indicators\n'
        '  require boom(i.name) == 1 within 1 / 0\n  message "m"\n',
        name="r.rules", functions=registry)
    (finding,) = ruleset.check(_declaration("a")).findings
    assert "division by zero" in finding.message


@pytest.mark.parametrize(("words", "names", "found"), [
    ('["a.b", "(", "x|y", ""]', ["axb", "a.b", "左(右", "x", "x|y", "xy"],
     ["a.b", "左(右", "x|y"]),
    ("[]", ["a", ""], []),
    ('["满意", null]', ["满意度", "满意", "不满"], ["满意度", "满意"]),
])
def test_a_word_list_written_out_is_matched_as_literal_words(
        words: str, names: list[str], found: list[str]):
    ruleset = load_ruleset_text(
        'rule X01 "有词"\n  severity info\n  for each i in indicators\n'
        f'  require not contains_any(i.name, {words})\n  message "{{i.name}}"\n')
    source = _source(ruleset, "X01")
    assert "contains_any" not in source
    assert ".search(" in source or "False" in source
    report = ruleset.check(_declaration(*names))
    assert [f.message for f in report.findings] == found


def test_null_checks_are_left_out_only_where_nothing_can_be_null():
    ruleset = load_ruleset_text(
        'rule X01 "空"\n  severity info\n  for each i in indicators\n'
        '  require blank(i.name) or i.weight > 1\n  message "{i.name}"\n')
    source = _source(ruleset, "X01")
    assert "is None else" in source  # the weight (分值) may be blank: checked
    assert "(not t" in source  # blank(i.name) written out: the name is never null
    assert "is None or not" not in source  # … so without a null test
    rows = (Indicator(name="a", weight=Decimal(2)), Indicator(name="b"), Indicator(name=""))
    report = ruleset.check(ProjectDeclaration(indicators=rows))
    assert [(f.message, f.evidence[-1]) for f in report.findings] == [
        ("b", ("条件", "无法判定（含空值）"))]


def test_a_default_is_tested_even_where_the_type_says_non_null():
    ruleset = load_ruleset_text(
        'rule X01 "目标"\n  severity info\n  applies to project\n'
        '  let g = goal ?? "（无）"\n  require false\n  message "{g}"\n')
    hand_built = ProjectDeclaration(goal=None)  # type: ignore[arg-type]  # not well-formed
    assert [f.message for f in ruleset.check(hand_built).findings] == ["（无）"]


def test_a_long_word_list_is_searched_word_by_word():
    words = ", ".join(f'"词{number}"' for number in range(100))
    ruleset = load_ruleset_text(
        'rule X01 "有词"\n  severity info\n  for each i in indicators\n'
        f'  require not contains_any(i.name, [{words}])\n  message "{{i.name}}"\n')
    assert ".search(" not in _source(ruleset, "X01")
    assert [f.message for f in ruleset.check(_declaration("词99号", "词", "x")).findings] == [
        "词99号"]


def test_a_filter_over_written_out_reasons_is_one_test_per_reason():
    ruleset = load_ruleset_text(
        'rule X01 "原因"\n  severity info\n  for each i in indicators\n'
        '  let reasons = ["太长", "有数字", "空"] where (it == "太长" and len(i.name) > 3) or '
        '(it == "有数字" and matches(i.name, "[0-9]")) or (it == "空" and blank(i.value.text))\n'
        '  require count(reasons) == 0\n  message "{i.name}：{reasons}"\n')
    source = _source(ruleset, "X01")
    assert source.count("for ") == 1  # the loop over the indicators; none over the reasons
    assert "steps -= 3" in source  # the three visits are counted as the loop would count them
    report = ruleset.check(_table(("很长的名字1", ""), ("a", "3次"), ("b2", "3次")))
    assert [f.message for f in report.findings] == ["很长的名字1：太长、有数字、空", "b2：有数字"]


def test_a_filter_whose_element_is_not_compared_with_constants_stays_a_loop():
    ruleset = load_ruleset_text(
        'rule X01 "词"\n  severity info\n  for each i in indicators\n'
        '  let found = ["培训", "会议", "检查", "调研"] where it in i.name\n'
        '  require count(found) == 0\n  message "{found}"\n')
    source = _source(ruleset, "X01")
    assert source.count("for ") == 2
    assert [f.message for f in ruleset.check(_declaration("培训会议", "x")).findings] == [
        "培训、会议"]


@pytest.mark.parametrize(("condition", "names", "failing"), [
    ("count(i.value.targets) > 0", ["a"], []),
    ("len(i.name) <= 2", ["ab", "abc"], ["abc"]),
    ("len(i.name) == 2.5", ["ab"], ["ab"]),  # not a whole number: compared as Decimals
    ("len(i.name) != 1", ["a", "bc"], ["a"]),
    ("count(i.value.targets where number >= 3) < 1", ["a"], ["a"]),
])
def test_a_length_compared_with_a_whole_number_is_an_int_comparison(
        condition: str, names: list[str], failing: list[str]):
    ruleset = load_ruleset_text(
        f'rule X01 "长度"\n  severity info\n  for each i in indicators\n  require {condition}\n'
        '  message "{i.name}"\n')
    run = _source(ruleset, "X01").split("\ndef ", 1)[0]  # the rule (the evidence shows Decimals)
    assert ("_Decimal(len(" in run) == ("2.5" in condition)
    report = ruleset.check(_declaration(*names))
    assert [f.message for f in report.findings] == failing


def test_a_filter_written_in_the_where_and_again_in_a_let_is_computed_once():
    ruleset = load_ruleset_text(
        'rule X01 "单位"\n  severity info\n'
        '  for each i in indicators where count(i.value.targets where not implied) > 0\n'
        '  let written = i.value.targets where not implied\n'
        '  let others = i.value.targets where implied\n'
        '  require count(written) == 1 and count(others) == 0\n  message "{i.name}"\n')
    source = _source(ruleset, "X01").split("\ndef ", 1)[0]
    assert source.count("for ") == 3  # the indicators, `where not implied` once, `where implied`
    assert " is None" not in source  # a list field's elements are never null: no test of each
    report = ruleset.check(_table(("a", "3次"), ("b", "3次，5人"), ("c", "全覆盖"),
                                  ("d", "3次，全覆盖")))
    assert [f.message for f in report.findings] == ["b", "d"]


def test_a_findings_parts_are_made_in_order_severity_message_evidence():
    # the run leaves little of the budget; the message fails first (division by zero) and the
    # evidence would then run out of budget: the message's error is the one reported
    ruleset = load_ruleset_text(
        'rule X01 "t"\n  severity info\n  for each i in indicators\n'
        '  require count(indicators where it.name == i.name) > 5000\n'
        '  message "{1 / i.weight}"\n')
    rows = tuple(Indicator(name="a", weight=Decimal(0 if index == 210 else 1))
                 for index in range(900))
    report = ruleset.check(ProjectDeclaration(indicators=rows))
    errors = [f.message for f in report.findings if f.kind == "rule-error"]
    assert errors
    assert "division by zero" in errors[0]


def test_a_list_made_before_the_loop_is_searched_as_a_set_inside_it():
    ruleset = load_ruleset_text(
        'rule X01 "重复"\n  severity info\n'
        '  let seen = indicators where value.quantified select name\n'
        '  for each i in indicators\n  require i.name not in seen\n  message "{i.name}"\n')
    source = _source(ruleset, "X01").split("\ndef ", 1)[0]
    assert source.count("_frozenset(") == 1  # made once per run, on first use in the loop
    report = ruleset.check(_table(("a", "3次"), ("b", "一批"), ("a", "良好")))
    assert [f.path for f in report.findings] == ["indicators[0]", "indicators[2]"]


def test_a_list_searched_once_is_not_made_a_set():
    ruleset = load_ruleset_text(
        'rule X01 "重复"\n  severity info\n'
        '  let seen = indicators select name\n  require not ("a" in seen)\n  message "m"\n')
    assert "_frozenset(" not in _source(ruleset, "X01")
    assert len(ruleset.check(_declaration("a", "b")).findings) == 1
