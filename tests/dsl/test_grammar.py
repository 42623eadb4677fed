from __future__ import annotations

from decimal import Decimal

import pytest

from indicator_rules import ProjectDeclaration
from indicator_rules.dsl import nodes as n
from indicator_rules.dsl.grammar import MAX_NESTING, parse_expression, parse_ruleset
from indicator_rules.errors import RulesetSyntaxError
from indicator_rules.ruleset import load_ruleset_text


def test_literals_carry_their_kind_and_money_is_in_wan():
    assert parse_expression("85%") == n.Constant("percent", Decimal(85), None)  # type: ignore[arg-type]
    assert parse_expression("500元").value == Decimal("0.0500")  # type: ignore[union-attr]
    assert parse_expression("2亿元").value == Decimal(20000)  # type: ignore[union-attr]
    assert parse_expression('"一批"').kind == "text"  # type: ignore[union-attr]


def test_precedence_reads_like_the_language():
    tree = parse_expression("a + b * c == d within t and not e or f")
    assert isinstance(tree, n.Logical)
    assert tree.operator == "or"
    conjunction = tree.left
    assert isinstance(conjunction, n.Logical)
    comparison = conjunction.left
    assert isinstance(comparison, n.Compare)
    assert comparison.tolerance == n.Name("t", None)  # type: ignore[arg-type]
    assert isinstance(comparison.left, n.Binary)
    assert comparison.left.operator == "+"


def test_where_binds_loosest_and_not_in_is_one_operator():
    tree = parse_expression('indicators where level1 not in ["成本指标"]')
    assert isinstance(tree, n.Filter)
    assert isinstance(tree.condition, n.Membership)
    assert tree.condition.negated


def test_chinese_names_and_keywords_next_to_chinese_text():
    tree = parse_expression("i.一级指标 in 指标列表")
    assert isinstance(tree, n.Membership)
    assert tree.collection == n.Name("指标列表", None)  # type: ignore[arg-type]


def test_spans_point_at_the_token_even_after_tabs_and_wide_text():
    rules = parse_ruleset('rule V01 "标题"\n\tseverity error\n\trequire 一级 == x\n'
                          '\tmessage "m"', "t.rules")
    (rule,) = rules.rules
    (require,) = rule.statements
    assert isinstance(require, n.Require)
    assert (require.condition.span.line, require.condition.span.column) == (3, 10)


def test_a_whole_rule_parses_into_its_parts():
    (rule,) = parse_ruleset(
        'rule V01 blank-indicator-value "三级指标须填写指标值"\n'
        "  severity error\n  applies to project\n  tags \"指标值\", \"完整性\"\n"
        '  doc "why"\n  fix "how"\n'
        "  for each i in indicators where not blank(i.name)\n  at i.value\n"
        "  let x = 1\n  when x > 0\n  require not blank(i.value.text)\n"
        '  message "「{i.name}」{{x}}"\n'
        '  example fail """{"indicators": [{"name": "a"}]}"""\n'
    ).rules
    assert (rule.rule_id, rule.name, rule.severity, rule.applies_to) == (
        "V01", "blank-indicator-value", "error", "project")
    assert rule.tags == ("指标值", "完整性")
    assert rule.at == ("i", "value")
    assert [type(s).__name__ for s in rule.statements] == ["ForEach", "Let", "When", "Require"]
    assert rule.message is not None
    assert rule.message.parts[0] == "「"
    assert rule.message.parts[-1] == "」{x}"
    assert rule.examples[0].expect == "fail"


def test_ruleset_items():
    ruleset = parse_ruleset(
        'ruleset "child"\ntitle "t"\nextends "mof-2021"\nparam words += ["x"] doc "more"\n'
        "severity V02 error\nseverity * info\ndisable E01 because \"本市不适用\"\n"
    )
    assert ruleset.name == "child"
    assert ruleset.extends[0][0] == "mof-2021"
    assert ruleset.params[0].append
    assert ruleset.params[0].doc == "more"
    assert [(s.rule_id, s.level) for s in ruleset.severities] == [("V02", "error"), ("*", "info")]
    assert ruleset.disables[0].reason == "本市不适用"


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ('rule V01 "x"\n  for each i in\n', 2, 16, "expected condition"),
        ('rule 01 "x"', 1, 6, "expected rule id"),
        ('rule V01 "x"\n  severity fatal', 2, 12, "expected error, warning or info"),
        ('rule V01 "x"\n  frobnicate 3\n', 2, 3, "expected a rule clause or a ruleset item"),
        ("param x 3", 1, 9, "expected {'+=' | '='}"),
        ('rule V01 "x"\n  message "{a +}"', 2, 16, "expected value, found end of text"),
        ('rule V01 "x"\n  message "{a b}"', 2, 15, "expected an operator or the closing '}'"),
        ('rule V01 "x"\n  message "a } b"', 2, 14, "'}' without '{'"),
        ('rule V01 "x"\n  message "a { b"', 2, 14, "unclosed '{'"),
        ('disable V01 because', 1, 20, "expected text in double quotes"),
    ],
)
def test_syntax_errors_name_the_place_and_what_was_expected(
    text: str, line: int, column: int, message: str
):
    with pytest.raises(RulesetSyntaxError) as caught:
        parse_ruleset(text, "bad.rules")
    where = caught.value.where
    assert where is not None
    assert (where.file, where.line, where.column) == ("bad.rules", line, column)
    assert message in caught.value.message
    assert str(caught.value).startswith(f"bad.rules:{line}:{column}: error: ")


def test_nesting_is_bounded():
    deep = "(" * (MAX_NESTING + 1) + "1" + ")" * (MAX_NESTING + 1)
    with pytest.raises(RulesetSyntaxError, match="nested too deeply"):
        parse_expression(deep)
    assert parse_expression("(" * MAX_NESTING + "1" + ")" * MAX_NESTING) is not None


def test_text_inside_a_message_expression_keeps_no_stray_spaces():
    ruleset = load_ruleset_text(
        'rule Z01 "t"\n  severity info\n  applies to project\n'
        '  message "A{\\"x\\"}B [{words_in(goal, [\\"市委办\\", \\"市政府办\\"])}]"\n',
        name="t.rules")
    (finding,) = ruleset.check(ProjectDeclaration(id="p", goal="保障市委办正常办公")).findings
    assert finding.message == "AxB [市委办]"


def test_errors_inside_a_message_with_escapes_point_into_the_file():
    with pytest.raises(RulesetSyntaxError) as caught:
        parse_ruleset('rule Z01 "t"\n  severity info\n  message "{\\"一批\\" +}"\n', "t.rules")
    # the expression ends at the closing brace, column 21 of the file line (escapes counted)
    assert str(caught.value).startswith("t.rules:3:21: error: expected value")


@pytest.mark.parametrize("items", ['"a", 1', ' "中文" ,\n 2.5万元 , 3% ', '"x\\"y", "\\\\d+"', "7"])
def test_a_list_of_literals_gives_the_nodes_of_the_general_list(items: str):
    """Word lists are read by one regular expression; a list with a name in it is read item by
    item by the grammar. The literals they share come out the same, each where it stands."""
    fast = parse_expression(f"[{items}]")
    general = parse_expression(f"[{items}, x]")
    assert isinstance(fast, n.ListLiteral)
    assert isinstance(general, n.ListLiteral)
    assert fast.items == general.items[:-1]
    assert fast.span == general.span
    for quick, slow in zip(fast.items, general.items, strict=False):
        assert isinstance(quick, n.Constant)
        assert isinstance(slow, n.Constant)
        assert getattr(quick.value, "positions", None) == getattr(slow.value, "positions", None)


def test_runs_of_prefix_operators_count_as_nesting_where_they_stand():
    assert parse_expression("not " * MAX_NESTING + "true") is not None
    assert parse_expression("not x and not y and " * 40 + "z") is not None  # siblings
    with pytest.raises(RulesetSyntaxError, match=r":1:65: error: expression nested too deep"):
        parse_expression("not " * (MAX_NESTING + 1) + "true")
    with pytest.raises(RulesetSyntaxError, match=r":1:23: error: expression nested too deep"):
        parse_expression("(" * 8 + "not " * 2 + "-" * 6 + "(1)" + ")" * 8)
