"""The built-in rulesets load, carry their own tests, and every rule is documented."""

from __future__ import annotations

import pytest

from indicator_rules import load_ruleset
from indicator_rules.cli import main
from indicator_rules.ruleset import builtin_ruleset_names

BUILTIN = builtin_ruleset_names()


def test_the_baseline_and_the_bureau_example_ship():
    assert {"mof-2021", "hunan-hengyang"} <= set(BUILTIN)


@pytest.mark.parametrize("name", BUILTIN)
def test_every_inline_example_behaves(name: str):
    results = load_ruleset(name).run_examples()
    failed = [f"{r.rule_id} {r.expect} ({r.where}): {r.detail}" for r in results if not r.ok]
    assert results
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize("name", BUILTIN)
def test_indicator_rules_test_passes(name: str, capsys: pytest.CaptureFixture[str]):
    assert main(["test", name]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith(" passed, 0 failed")


@pytest.mark.parametrize("name", BUILTIN)
def test_every_rule_has_a_passing_and_a_failing_example_and_its_documentation(name: str):
    ruleset = load_ruleset(name)
    for info in ruleset.rules:
        node = info.node
        expects = {example.expect for example in node.examples}
        assert expects == {"pass", "fail"}, f"{node.rule_id} has examples {sorted(expects)}"
        assert node.name, f"{node.rule_id} has no kebab-case name"
        assert node.doc.strip(), f"{node.rule_id} has no doc"
        assert node.fix.strip(), f"{node.rule_id} has no fix hint"
        assert node.tags, f"{node.rule_id} has no tags"
        assert node.message is not None, f"{node.rule_id} has no message"


def test_the_bureau_excerpt_in_the_docs_is_the_real_file():
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    page = (repo / "docs" / "rulesets.md").read_text("utf-8")
    excerpt = page.split("```rules\n", 1)[1].split("```", 1)[0]
    written = (repo / "rulesets" / "hunan-hengyang.rules").read_text("utf-8")
    for line in excerpt.splitlines():
        code = line.split("  #", 1)[0].rstrip()
        if code and code.strip() != "…":
            assert code in written, f"docs/rulesets.md shows a line the ruleset lacks: {code}"
