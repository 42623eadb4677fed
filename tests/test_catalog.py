"""The generated rule catalog: built from the rulesets, checked in under docs/rules/."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicator_rules.catalog import params_of, render_catalog
from indicator_rules.ruleset import builtin_ruleset_names, load_ruleset, load_ruleset_text

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules"


@pytest.mark.parametrize("name", builtin_ruleset_names())
def test_the_catalog_pages_are_up_to_date(name: str):
    page = DOCS / f"{name}.md"
    expected = render_catalog(load_ruleset(name))
    assert page.is_file(), f"run: indicator-rules catalog {name} -o {page}"
    assert page.read_text("utf-8") == expected, f"run: indicator-rules catalog {name} -o {page}"


def test_params_of_finds_bare_and_explicit_params_but_not_fields():
    ruleset = load_ruleset_text(
        'param floor = 85%\nparam words = ["一批"]\nparam unused = 3\n'
        'rule M02 "t"\n  severity warning\n  severity error if i.value.percent < param.floor\n'
        '  for each i in indicators where contains_any(i.name, words)\n  require true\n'
        '  message "{i.name}"\n', name="t.rules")
    assert params_of(ruleset.rule("M02").node, set(ruleset.params)) == ["floor", "words"]


def test_a_catalog_page_shows_cases_disabled_rules_and_full_param_lists(tmp_path: Path):
    (tmp_path / "base.rules").write_text(
        'ruleset "base"\nparam words = ["一", "二", "三", "四", "五", "六"] doc "词"\n'
        'rule V02 vague-value "未量化"\n  severity warning\n'
        '  severity error if i.level2 == "数量指标"\n'
        '  for each i in indicators\n  require i.value.quantified\n  message "m"\n'
        'rule E01 "生态"\n  severity info\n  require true\n  message "m"\n', encoding="utf-8")
    (tmp_path / "child.rules").write_text(
        'ruleset "child"\nextends "base.rules"\ndisable E01 because "不适用"\n', encoding="utf-8")
    page = render_catalog(load_ruleset(tmp_path / "child.rules"))
    assert "| `words` | 一、二、三、四、五、六 | list of text | 词 | `base.rules` |" in page
    assert "| severity | error if `i.level2 == \"数量指标\"`; else warning (警告) |" in page
    assert "### E01 — 生态\n\n**Disabled** in this ruleset: 不适用" in page
    assert "```rules\nrule V02 vague-value \"未量化\"\n  severity warning\n" in page
