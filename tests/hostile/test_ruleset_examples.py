"""Inline examples that cannot be read (issue #19): an example nested 5,000 deep or holding a
5,000-digit integer fails that one example, with a detail that says why; the other examples
still run and ``indicator-rules test`` reports them all."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicator_rules.cli import main
from indicator_rules.ruleset import load_ruleset_text

DEPTH = 5000
DEEP_LIST = "[" * DEPTH + "]" * DEPTH
DEEP_MAPPING = "{a: " * DEPTH + "1" + "}" * DEPTH
HUGE_NUMBER = '{"year": ' + "9" * 5000 + "}"


def _rules(*examples: str) -> str:
    lines = ['rule R01 "项目名称为空"', "  severity warning", "  applies to project",
             '  require not blank(name ?? "")', '  message "项目名称为空"']
    return "\n".join(lines + [f'  example {example}' for example in examples]) + "\n"


TEXT = _rules(f'fail """{DEEP_LIST}"""', 'fail """{"name": ""}"""',
              f'pass """{DEEP_MAPPING}"""', f'pass """{HUGE_NUMBER}"""',
              'pass """{"name": "党员活动经费"}"""')


def test_each_unreadable_example_fails_alone():
    results = load_ruleset_text(TEXT, name="hostile.rules").run_examples()
    assert [(result.where, result.ok) for result in results] == [
        ("hostile.rules:6", False), ("hostile.rules:7", True), ("hostile.rules:8", False),
        ("hostile.rules:9", False), ("hostile.rules:10", True)]
    for deep in (results[0], results[2]):
        assert deep.detail.startswith("the example is not a valid declaration: the example:1:")
        assert "levels of lists and objects" in deep.detail
        assert "InputLimits.max_nesting" in deep.detail
    assert results[3].detail.startswith("the example is not a valid declaration: the example:1:")
    assert "a number of 5,000 digits" in results[3].detail


def test_a_batch_rule_example_with_a_deep_item_fails_alone():
    text = ('rule B01 "批量"\n  severity info\n  applies to batch\n'
            '  for each d in declarations\n  require true\n  message "m"\n'
            f'  example pass """[{{"name": "ok"}}, {DEEP_MAPPING}]"""\n'
            '  example pass """[{"name": "ok"}]"""\n')
    results = load_ruleset_text(text, name="batch.rules").run_examples()
    assert [result.ok for result in results] == [False, True]
    assert "InputLimits.max_nesting" in results[0].detail
    assert results[1].detail == "no finding"


def test_the_test_command_reports_every_example(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "hostile.rules"
    path.write_text(_rules(f'pass """{DEEP_MAPPING}"""', f'pass """{HUGE_NUMBER}"""',
                           'fail """{"name": ""}"""'), "utf-8")
    assert main(["test", str(path)]) == 1  # examples failed: not a crash
    out = capsys.readouterr().out
    assert f"FAIL R01 example pass ({path}:6): the example is not a valid declaration: " \
           "the example:1:" in out
    assert "InputLimits.max_nesting" in out
    assert f"FAIL R01 example pass ({path}:7): the example is not a valid declaration: " in out
    assert "a number of 5,000 digits" in out
    assert f"ok   R01 example fail ({path}:8): fired 1×: 项目名称为空" in out
    assert out.endswith("1 passed, 2 failed\n")
