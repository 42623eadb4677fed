"""Every ``rules`` block of docs/dsl.md loads and its inline examples behave as they say.

A block whose first line is ``# file: NAME`` is written under that name first, so later blocks
can ``extends`` it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indicator_rules.ruleset import load_ruleset

PAGE = Path(__file__).resolve().parents[2] / "docs" / "dsl.md"
BLOCK = re.compile(r"^```rules\n(.*?)^```", re.MULTILINE | re.DOTALL)
BLOCKS = [(PAGE.read_text("utf-8").count("\n", 0, match.start()) + 1, match.group(1))
          for match in BLOCK.finditer(PAGE.read_text("utf-8"))]


CONSTRUCTS = (
    "ruleset ", "title ", "version ", "source ", "extends ", "param ", "+=", "doc ",
    "severity V03", "disable ", "applies to", "tags ", "fix ", "for each", " where ", "at i.",
    "let ", "when ", "require ", "message ", "example pass", "example fail", " within ", "??",
    " in ", "not ", " or ", "param.", "(it)", "二级指标", "!= null", "万元", "%", " select ",
    "severity error if ", "applies to batch", "taxonomy(",
)


def test_the_reference_has_examples_for_the_constructs():
    text = "\n".join(block for _, block in BLOCKS)
    assert [construct for construct in CONSTRUCTS if construct not in text] == []


@pytest.mark.parametrize(("line", "block"), BLOCKS, ids=[f"dsl.md:{line}" for line, _ in BLOCKS])
def test_reference_block_loads_and_its_examples_pass(line: int, block: str, tmp_path: Path):
    for earlier_line, earlier in BLOCKS:  # blocks that name a file can be extended later
        named = re.match(r"# file: (\S+)", earlier)
        if named and earlier_line < line:
            (tmp_path / named.group(1)).write_text(earlier, "utf-8")
    path = tmp_path / f"block-{line}.rules"
    path.write_text(block, "utf-8")
    ruleset = load_ruleset(path)
    results = ruleset.run_examples()
    assert results, "every reference block carries examples"
    assert [result for result in results if not result.ok] == []
