"""Composition: extends (path, built-in, plugin), params, severities, disables, new rules."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from indicator_rules import IndicatorValue, ProjectDeclaration
from indicator_rules.errors import RulesetLoadError
from indicator_rules.findings import Severity
from indicator_rules.model import Indicator
from indicator_rules.ruleset import load_ruleset, load_ruleset_text

BASE = '''ruleset "base"
param min_satisfaction = 85% doc "满意度下限"
param vague_words = ["一批"]

rule M02 "满意度目标偏低"
  severity warning
  for each i in indicators where i.level2 == "满意度指标"
  require i.value.percent >= min_satisfaction
  message "满意度目标 {i.value.percent} 低于 {min_satisfaction}"

rule V03 "含模糊用语"
  severity warning
  for each i in indicators where contains_any(i.value.text, vague_words)
  message "「{i.name}」含模糊用语：{words_in(i.value.text, vague_words)}"

rule E01 "缺少生态效益指标"
  severity info
  require count(indicators where level2 == "生态效益指标") > 0
  message "没有生态效益指标"
'''

CHILD = '''ruleset "hengyang"
extends "base.rules"
param min_satisfaction = 90%
param vague_words += ["若干"]
severity V03 error
disable E01 because "本市党建类项目不要求生态效益指标"

rule HY01 "目标不得提及其他单位"
  severity warning
  applies to project
  require not contains_any(goal, ["市委办"])
  message "年度目标提到其他单位"
'''


def _declaration() -> ProjectDeclaration:
    return ProjectDeclaration(
        id="p", year=2021, name="x", goal="保障市委办正常办公",
        indicators=(
            Indicator(level1="满意度指标", level2="满意度指标", name="满意度",
                      value=IndicatorValue(text="88%")),
            Indicator(level1="产出指标", level2="数量指标", name="培训",
                      value=IndicatorValue(text="若干次")),
        ),
    )


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "base.rules").write_text(BASE, "utf-8")
    (tmp_path / "child.rules").write_text(CHILD, "utf-8")
    return tmp_path


def test_the_parent_alone(files: Path):
    report = load_ruleset(files / "base.rules").check(_declaration())
    assert [finding.rule_id for finding in report.findings] == ["E01"]


def test_a_child_overrides_param_severity_disables_and_adds(files: Path):
    ruleset = load_ruleset(files / "child.rules")
    report = ruleset.check(_declaration())
    assert [(f.rule_id, f.severity) for f in report.findings] == [
        ("M02", Severity.WARNING),  # 88% < the child's 90%
        ("V03", Severity.ERROR),  # 若干 appended to the list; severity raised
        ("HY01", Severity.WARNING),
    ]
    assert report.findings[0].message == "满意度目标 88% 低于 90%"
    assert ruleset.params["vague_words"].value == ("一批", "若干")
    assert ruleset.params["min_satisfaction"].doc == "满意度下限"
    assert ruleset.params["min_satisfaction"].origin == str(files / "child.rules")
    explained = ruleset.explain()
    base = files / "base.rules"
    assert f"E01 缺少生态效益指标 [disabled: 本市党建类项目不要求生态效益指标] (from {base})" \
        in explained
    assert f"V03 含模糊用语 [error] (from {files / 'base.rules'}, severity set in " \
           f"{files / 'child.rules'})" in explained


def test_bulk_severity_applies_to_every_inherited_rule(files: Path):
    ruleset = load_ruleset_text('extends "base.rules"\nseverity * info\n', name="all.rules",
                                base=files)
    assert {info.severity for info in ruleset.rules} == {Severity.INFO}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('extends "base.rules"\nrule V03 "again"\n  severity info\n  require true\n'
         '  message "m"\n', "rule id V03 is already used by"),
        ('extends "base.rules"\nseverity V30 error\n', "no inherited rule V30"),
        ('extends "base.rules"\ndisable X99 because "x"\n', "no inherited rule X99"),
        ('extends "base.rules"\ndisable E01 because ""\n', "disable E01: the reason must not"),
        ('extends "nowhere"\n', "cannot find ruleset 'nowhere' to extend"),
        ('extends "loop.rules"\n', "ruleset 'loop.rules' extends itself (a cycle)"),
    ],
)
def test_composition_errors(files: Path, text: str, message: str):
    (files / "loop.rules").write_text('extends "loop.rules"\n', "utf-8")
    with pytest.raises(RulesetLoadError) as caught:
        load_ruleset_text(text, name="c.rules", base=files)
    assert any(error.message.startswith(message) for error in caught.value.errors), \
        caught.value.errors


def test_unknown_rule_ids_get_suggestions(files: Path):
    with pytest.raises(RulesetLoadError) as caught:
        load_ruleset_text('extends "base.rules"\nseverity V3 error\n', name="c.rules", base=files)
    assert caught.value.errors[0].hint == "did you mean 'V03'?"


def test_built_in_names_resolve_from_the_package(files: Path, monkeypatch: pytest.MonkeyPatch):
    import indicator_rules.ruleset as module

    monkeypatch.setattr(module, "_builtin_directory", lambda: files)
    assert "base" in module.builtin_ruleset_names()
    ruleset = load_ruleset_text('extends "base"\n', name="c.rules", base=files / "elsewhere")
    assert [info.rule_id for info in ruleset.rules] == ["M02", "V03", "E01"]
    assert load_ruleset("base").name == "base"


def test_unknown_ruleset_is_a_load_error():
    with pytest.raises(RulesetLoadError, match="cannot find ruleset 'no-such-ruleset'"):
        load_ruleset("no-such-ruleset")


def test_installed_plugins_provide_rulesets_and_functions(
    files: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    site = tmp_path / "site"
    package = site / "bureau_plugin"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        "from pathlib import Path\n"
        "from indicator_rules.dsl.types import BOOL, TEXT\n"
        f"RULESET = Path({str(files / 'base.rules')!r})\n"
        "def register(registry):\n"
        "    registry.register('is_party_unit', [TEXT], BOOL,\n"
        "                      lambda text: text.startswith('中共'), '党组织名称')\n",
        "utf-8",
    )
    info = site / "bureau_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: bureau-plugin\nVersion: 1.0\n",
                                   "utf-8")
    (info / "entry_points.txt").write_text(
        "[indicator_rules.rulesets]\nbureau-base = bureau_plugin:RULESET\n\n"
        "[indicator_rules.functions]\nbureau = bureau_plugin:register\n", "utf-8")
    monkeypatch.syspath_prepend(str(site))
    text = ('extends "bureau-base"\nrule HY02 "预算单位应为党组织"\n  severity info\n'
            '  applies to project\n  require is_party_unit(budget_unit)\n'
            '  message "预算单位「{budget_unit}」"\n')
    ruleset = load_ruleset_text(text, name="c.rules", base=tmp_path)
    report = ruleset.check(ProjectDeclaration(budget_unit="市直工委"))
    assert "HY02" in [finding.rule_id for finding in report.findings]
    sys.modules.pop("bureau_plugin", None)


def test_a_diamond_is_fine_but_conflicting_parents_are_not(files: Path):
    (files / "left.rules").write_text('extends "base.rules"\n', "utf-8")
    (files / "right.rules").write_text('extends "base.rules"\n', "utf-8")
    diamond = load_ruleset_text('extends "left.rules"\nextends "right.rules"\n',
                                name="d.rules", base=files)
    assert [info.rule_id for info in diamond.rules] == ["M02", "V03", "E01"]
    (files / "strict.rules").write_text('extends "base.rules"\nparam min_satisfaction = 95%\n',
                                        "utf-8")
    with pytest.raises(RulesetLoadError) as caught:
        load_ruleset_text('extends "left.rules"\nextends "strict.rules"\n', name="c.rules",
                          base=files)
    (error,) = caught.value.errors
    assert error.message.startswith("param min_satisfaction differs between the parents")
    assert error.hint == "set param min_satisfaction in this file to choose"
    resolved = load_ruleset_text('extends "left.rules"\nextends "strict.rules"\n'
                                 "param min_satisfaction = 90%\n", name="c.rules", base=files)
    assert resolved.params["min_satisfaction"].value == 90


def test_a_reference_loads_the_same_ruleset_from_another_working_folder(
        files: Path, monkeypatch: pytest.MonkeyPatch):
    from indicator_rules import ruleset as module
    from indicator_rules.ruleset import RulesetReference

    monkeypatch.setenv("INDICATOR_RULES_CACHE", "0")
    monkeypatch.chdir(files)
    ruleset = load_ruleset("child.rules")
    assert ruleset.reference == RulesetReference("child.rules", str(files), ())
    monkeypatch.chdir(files.parent)
    module._LOADED.clear()
    again = load_ruleset(ruleset.reference)
    assert again is not ruleset
    assert [(rule.rule_id, rule.rule_source) for rule in again.compiled] == [
        (rule.rule_id, rule.rule_source) for rule in ruleset.compiled]
    assert again.compiled[0].rule_source == "base.rules:5"
    with pytest.raises(ValueError, match="carries its own rules path"):
        load_ruleset(ruleset.reference, rules_path=[files])


def test_load_ruleset_takes_a_name_or_the_path_of_a_rules_file(files: Path):
    (files / "base.txt").write_text(BASE, "utf-8")
    with pytest.raises(RulesetLoadError, match=r"cannot find ruleset '.*base\.txt' \(built-in "
                                               r"rulesets: .*; or give the path of a \.rules "
                                               r"file\)"):
        load_ruleset(files / "base.txt")
    with pytest.raises(RulesetLoadError, match=r"cannot find ruleset 'missing\.rules'"):
        load_ruleset("missing.rules")
    assert load_ruleset(files / "base.rules").name == "base"


def test_the_same_extends_twice_is_read_once(files: Path):
    ruleset = load_ruleset_text('extends "base.rules"\nextends "./base.rules"\n'
                                'extends "base.rules"\n', name="c.rules", base=files)
    assert [info.rule_id for info in ruleset.rules] == ["M02", "V03", "E01"]
