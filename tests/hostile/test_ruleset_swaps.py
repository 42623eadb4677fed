"""A ruleset file is opened where it was checked (review of issue #19, finding 8): a symbolic
link swapped in between the check (the file's real path lies within reach and ends in
``.rules``) and the opening is refused, or not seen at all, never followed to a file outside.

The swap is made deterministic by doing it from inside the seam: ``ruleset._read`` is wrapped so
that the link is put in place after the check and just before the file is opened.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from indicator_rules.dsl import cache
from indicator_rules.errors import RulesetCompositionError, RulesetLoadError
from indicator_rules.ruleset import load_ruleset

SECRET = "root:$6$SECRET-HASH-NOT-A-RULESET:19000:0:99999:7:::"

PARENT = '''ruleset "parent"

rule P01 parent-rule "父规则"
  severity warning
  applies to project
  require false
  message "父规则"
'''


@pytest.fixture(autouse=True)
def _fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No cache: each load reads the files."""
    from indicator_rules import ruleset

    monkeypatch.setenv("INDICATOR_RULES_CACHE", "0")
    ruleset._LOADED.clear()
    cache.clear_memory()
    yield
    ruleset._LOADED.clear()
    cache.clear_memory()


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    """``rules/`` (the bureau's folder) beside ``secret/``, whose ``.rules`` files hold text
    that is no ruleset of theirs (a syntax error would show its first line)."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "secret").mkdir()
    for name in ("parent.rules", "shadow"):
        (tmp_path / "secret" / name).write_text(SECRET + "\n", "utf-8")
    return tmp_path / "rules"


def _swap_before_reading(monkeypatch: pytest.MonkeyPatch, swap: Callable[[], None]) -> list[str]:
    """Make ``swap`` happen once, after the check, just before the first file whose path has
    ``parent`` in it is opened; what was read is listed."""
    from indicator_rules import ruleset as module

    read = module._read
    opened: list[str] = []

    def swapping(where: str | Path) -> str:
        if "parent" in str(where) and not any("parent" in name for name in opened):
            swap()
        opened.append(str(where))
        return read(where)  # type: ignore[arg-type]

    monkeypatch.setattr(module, "_read", swapping)
    return opened


def _swapped_for_a_link(path: Path, target: Path) -> Callable[[], None]:
    def swap() -> None:
        path.rename(path.with_name(path.name + ".old"))
        path.symlink_to(target)
    return swap


def _refused_at_the_extends_line(child: Path) -> str:
    with pytest.raises(RulesetLoadError) as caught:
        load_ruleset(child)
    assert SECRET[:20] not in str(caught.value)
    (error,) = caught.value.errors
    assert isinstance(error, RulesetCompositionError)
    assert error.where is not None
    assert (error.where.file, error.where.line) == (str(child), 2)
    return error.message


def test_a_folder_swapped_for_a_link_after_the_check_is_not_followed(
        layout: Path, monkeypatch: pytest.MonkeyPatch):
    (layout / "shared").mkdir()
    (layout / "shared" / "parent.rules").write_text(PARENT, "utf-8")
    child = layout / "child.rules"
    child.write_text('ruleset "child"\nextends "shared/parent.rules"\n', "utf-8")
    opened = _swap_before_reading(
        monkeypatch, _swapped_for_a_link(layout / "shared", layout.parent / "secret"))
    assert _refused_at_the_extends_line(child) == (
        "cannot read ruleset 'shared/parent.rules' to extend: shared became a symbolic link "
        "after the file was checked; it is not followed")
    assert opened == [str(child), str(layout / "shared" / "parent.rules")]


def test_a_file_swapped_for_a_link_after_the_check_is_not_followed(
        layout: Path, monkeypatch: pytest.MonkeyPatch):
    (layout / "parent.rules").write_text(PARENT, "utf-8")
    child = layout / "child.rules"
    child.write_text('ruleset "child"\nextends "parent.rules"\n', "utf-8")
    _swap_before_reading(monkeypatch, _swapped_for_a_link(
        layout / "parent.rules", layout.parent / "secret" / "parent.rules"))
    assert _refused_at_the_extends_line(child) == (
        "cannot read ruleset 'parent.rules' to extend: parent.rules became a symbolic link "
        "after the file was checked; it is not followed")


def test_a_link_given_to_load_ruleset_is_read_where_it_led_when_checked(
        layout: Path, monkeypatch: pytest.MonkeyPatch):
    """The link's target was checked (a ``.rules`` file); pointing the link elsewhere
    afterwards changes nothing: the checked target is what is opened."""
    (layout / "parent.rules").write_text(PARENT, "utf-8")
    link = layout / "link-parent.rules"
    link.symlink_to(layout / "parent.rules")

    def repoint() -> None:
        link.unlink()
        link.symlink_to(layout.parent / "secret" / "shadow")

    opened = _swap_before_reading(monkeypatch, repoint)
    ruleset = load_ruleset(link)
    assert [rule.rule_id for rule in ruleset.compiled] == ["P01"]
    assert opened == [str(layout / "parent.rules")]  # not the link: where it led
    assert os.readlink(link) == str(layout.parent / "secret" / "shadow")  # the swap was made
