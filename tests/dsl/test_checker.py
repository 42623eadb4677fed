"""Load errors: each kind names file:line:column, shows the line with a caret, and all are found."""

from __future__ import annotations

import pytest

from indicator_rules.errors import (
    RulesetCompositionError,
    RulesetError,
    RulesetLoadError,
    RulesetNameError,
    RulesetSyntaxError,
    RulesetTypeError,
)
from indicator_rules.ruleset import load_ruleset_text

HEADER = 'param min_satisfaction = 85%\nparam words = ["一批"]\nparam tolerance = 0.01万元\n'


def _errors(body: str) -> list[RulesetError]:
    with pytest.raises(RulesetLoadError) as caught:
        load_ruleset_text(HEADER + body, name="broken.rules")
    return list(caught.value.errors)


def _rule(*lines: str) -> str:
    return 'rule X01 "t"\n  severity warning\n' + "".join(f"  {line}\n" for line in lines)


def test_the_issue_example_renders_exactly():
    (error,) = _errors(_rule('for each i in indicators where i.levxel1 == "成本指标"',
                             "require true", 'message "m"'))
    assert isinstance(error, RulesetNameError)
    assert str(error) == (
        "broken.rules:6:36: error: unknown field 'levxel1' of Indicator "
        "(did you mean 'level1'?)\n"
        '      for each i in indicators where i.levxel1 == "成本指标"\n'
        "                                       ^"
    )


def test_a_file_with_three_errors_reports_three():
    errors = _errors(_rule("for each i in indicators where i.levxel1 == 1",
                           "require i.value.percent >= 85", 'message "{i.nmae}"'))
    assert [type(error) for error in errors] == [RulesetNameError, RulesetTypeError,
                                                 RulesetNameError]
    assert [error.where.line if error.where else None for error in errors] == [6, 7, 8]


@pytest.mark.parametrize(
    ("lines", "kind", "message", "hint"),
    [
        (["require i.value.percent >= 85"], RulesetTypeError,
         "cannot compare percent or null with number", "write the number as a percent, e.g. 85%"),
        (["require i.value.amount > 20"], RulesetTypeError,
         "cannot compare money or null with number", "write the number as money, e.g. 20万元"),
        (["require i.value.amount == 20万元 within 1%"], RulesetTypeError,
         "'within' needs a tolerance of the same kind as the operands", ""),
        (["require count(i) > 0"], RulesetTypeError, "count() takes a list, got Indicator",
         "count(list) -> number: number of items"),
        (["require blank(i.name, 1)"], RulesetTypeError, "blank() takes 1 argument, got 2", ""),
        (["require bl4nk(i.name)"], RulesetNameError, "unknown function 'bl4nk'",
         "did you mean 'blank'?"),
        (["require i.name"], RulesetTypeError, "expected a condition (true or false), got text",
         ""),
        (["require i.name == nme"], RulesetNameError, "unknown name 'nme'",
         "did you mean 'name'?"),
        (["require goal == \"\""], RulesetNameError, "unknown name 'goal'",
         "'goal' is a field of project declarations: add 'applies to project'"),
        (["require param.min_satisfction > 0"], RulesetNameError,
         "unknown param 'min_satisfction'", "did you mean 'min_satisfaction'?"),
        (['require matches(i.name, "([a-z")'], RulesetSyntaxError,
         "invalid regular expression: unterminated character set", ""),
        (["require i.value.text + 1 > 0"], RulesetTypeError, "cannot compute text + number", ""),
        (["require [1, \"a\"] == []"], RulesetTypeError, "a list mixes number and text", ""),
        (["let i = 1", "require true"], RulesetNameError, "'i' is already defined", ""),
        (["require i.name.first == 1"], RulesetTypeError, "text has no fields", ""),
    ],
)
def test_each_kind_of_error(lines: list[str], kind: type, message: str, hint: str):
    (error,) = _errors(_rule("for each i in indicators", *lines, 'message "m"'))
    assert isinstance(error, RulesetError)
    assert isinstance(error, kind)
    assert error.message.startswith(message)
    assert error.hint.startswith(hint)
    assert error.where is not None
    assert "^" in str(error)


def test_a_bad_regex_is_pointed_at_inside_the_literal():
    (error,) = _errors(_rule('require matches(name, "ab(c")', 'message "m"'))
    assert error.where is not None
    assert error.where.column == len('  require matches(name, "ab') + 1  # under the "("


def test_rule_level_problems():
    errors = _errors('rule X01 "t"\n  require true\nrule X02 "u"\n  severity info\n'
                     '  require true\n  message "m"\n  let y = 1\n  for each i in indicators\n')
    messages = [error.message for error in errors]
    assert messages == ["rule X01 has no severity", "rule X01 has no message",
                        "'for each' must come first in a rule (only 'let' may come before it)"]


def test_at_must_name_a_field_of_the_loop_element():
    (error,) = _errors(_rule("for each i in indicators", "at i.valeu", "require true",
                             'message "m"'))
    assert error.message == "unknown field 'valeu' in 'at'"
    assert error.hint == "did you mean 'value'?"


def test_chinese_labels_are_field_names():
    ruleset = load_ruleset_text(HEADER + _rule(
        "for each i in indicators where i.一级指标 == \"产出指标\" and i.指标值.text != \"\"",
        "require 资金总额 == null or 资金总额 >= 0", 'message "{i.三级指标}"'
    ).replace("severity warning", "severity warning\n  applies to project"), name="zh.rules")
    assert [rule.rule_id for rule in ruleset.compiled] == ["X01"]


def test_param_override_must_keep_its_type(tmp_path):
    (tmp_path / "parent.rules").write_text(HEADER, "utf-8")
    child = 'extends "parent.rules"\nparam min_satisfaction = 90\nparam words += [3]\n' \
            'param new_list += ["x"]\n'
    with pytest.raises(RulesetLoadError) as caught:
        load_ruleset_text(child, name="child.rules", base=tmp_path)
    errors = caught.value.errors
    assert all(isinstance(error, RulesetCompositionError) for error in errors)
    assert [error.message for error in errors] == [
        f"param min_satisfaction is percent in {tmp_path / 'parent.rules'}, got number",
        "param words: cannot append list of number to list of text",
        "'param new_list +=' needs an inherited list param",
    ]
    assert errors[0].hint == "write it like the parent's value: 85%"


def test_every_chinese_alias_resolves_to_a_field():
    from indicator_rules.dsl.types import RECORDS

    for record_type in RECORDS.values():
        for label, path in record_type.aliases.items():
            current = record_type
            for part in path[:-1]:
                field_type = current.fields[part].type
                inner = field_type.item if field_type.item is not None else field_type
                assert inner.record is not None, (record_type.name, label)
                current = RECORDS[inner.record]
            assert path[-1] in current.fields, (record_type.name, label)


def test_a_project_label_without_applies_to_gets_the_hint_not_a_crash():
    (error,) = _errors(_rule("require not blank(年度目标)", 'message "m"'))
    assert error.message == "unknown name '年度目标'"
    assert error.hint == "'年度目标' is a field of project declarations: add 'applies to project'"


# --- review round: hostile input never crashes the loader; traps are load errors -------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('rule R01 "x', "unterminated text: no closing \" on this line"),
        ('rule R01 """x', 'unterminated text: no closing """'),
        ('rule R01 "x"\u3000severity info', "full-width space (U+3000) outside text"),
        ("param in = 3", "expected a name (keywords such as 'in' or 'rule' cannot be names)"),
        ('rule R01 "x"\n  severity info\n  require ' + "not " * 400 + "true\n  message \"m\"",
         "expression nested too deeply"),
        ('rule R01 "x"\n  severity info\n  require ' + " and ".join(["true"] * 600)
         + '\n  message "m"', "expression nested too deeply"),
        ('rule R01 "x"\n  severity info\n  require matches(name, "a{99999999999}")\n'
         '  message "m"', "regular expression too large"),
        ("param p = 1 / 0", "param p: division by zero"),
        ("param p = null", "param p must not be null"),
        ('param p = ["a", null]', "param p must not be null"),
        ("param p = 1\nparam p = 2", "param p is set twice in this file"),
        ('param goal = "x"', "param goal is also a field of declarations"),
        ('rule R01 "x"\n  severity info\n  severity error\n  require true\n  message "m"',
         "'severity' is given twice in rule R01"),
        ('rule R01 "x"\n  severity info\n  let it = 1\n  require true\n  message "m"',
         "'it' is reserved and cannot be bound"),
        ('rule R01 "x"\n  severity info\n  for each i in indicators where name == "培训"\n'
         '  message "m"', "ambiguous name 'name' inside 'for each'"),
        ('rule R01 "x"\n  severity info\n  require count(indicators where count(indicators where '
         'count(indicators where count(indicators where true) > 0) > 0) > 0) > 0\n'
         '  message "m"', "filters nested more than 3 deep"),
    ],
)
def test_hostile_or_ambiguous_rules_are_load_errors(text: str, message: str):
    with pytest.raises(RulesetLoadError) as caught:
        load_ruleset_text(text, name="h.rules")
    assert any(message in error.message for error in caught.value.errors), caught.value


def test_regex_backslashes_are_kept_and_carets_are_exact_inside_strings():
    ruleset = load_ruleset_text('rule R01 "x"\n  severity info\n  applies to project\n'
                                '  require not matches(goal, "\\d+")\n  message "m"\n',
                                name="r.rules")
    from indicator_rules import ProjectDeclaration

    assert ruleset.check(ProjectDeclaration(goal="开展培训")).findings == ()
    assert len(ruleset.check(ProjectDeclaration(goal="培训3次")).findings) == 1
    for text, column in [('  message """中文{nme}"""', 17),
                         ('  message "{words_in(name, [\\"a\\", \\"b\\"])} {nme}"', 46),
                         ('  message "m {name} 中文 {nme}"', 25)]:
        with pytest.raises(RulesetLoadError) as caught:
            load_ruleset_text(f'rule R01 "x"\n  severity info\n  require true\n{text}\n',
                              name="c.rules")
        (error,) = caught.value.errors
        assert error.where is not None
        assert (error.where.line, error.where.column) == (4, column), text


def test_the_declaration_can_be_named_inside_a_loop():
    ruleset = load_ruleset_text('rule R01 "x"\n  severity info\n  for each i in indicators\n'
                                "  require i.name != declaration.name\n  message \"m\"\n",
                                name="d.rules")
    from indicator_rules import Indicator, ProjectDeclaration

    declaration = ProjectDeclaration(name="培训", indicators=(Indicator(name="培训"),
                                                            Indicator(name="活动")))
    assert [f.path for f in ruleset.check(declaration).findings] == ["indicators[0]"]


def test_a_bom_is_accepted_and_the_literal_zero_overrides_money(tmp_path):
    (tmp_path / "parent.rules").write_text("\ufeffparam tolerance = 0.01万元\n", "utf-8")
    child = load_ruleset_text('\ufeffextends "parent.rules"\nparam tolerance = 0\n',
                              name="child.rules", base=tmp_path)
    assert child.params["tolerance"].type == "money"
    assert child.params["tolerance"].value == 0


def test_a_message_cannot_use_a_let_computed_after_the_first_require():
    (error,) = _errors(_rule("require false", "let late = 1", 'message "{late}"'))
    assert error.message == "unknown name 'late'"
    assert "comes after the first 'require'" in error.hint
