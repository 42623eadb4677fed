"""Ruleset file access (issue #19): ``extends`` and ``load_ruleset`` read only ``.rules`` files —
built-in names, installed plugins, and paths within the extending file's folder or the rules
path — check the size before reading, and never echo a file that is not a ruleset; a ruleset
reloaded in a worker process names its files as the process that loaded it did."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from indicator_rules import ProjectDeclaration
from indicator_rules.dsl import cache
from indicator_rules.errors import RulesetCompositionError, RulesetLoadError
from indicator_rules.intake import InputItem
from indicator_rules.ruleset import MAX_FILE_BYTES, load_ruleset, load_ruleset_text
from indicator_rules.runner import check_items

SECRET = "root:$6$SECRET-HASH-NOT-A-RULESET:19000:0:99999:7:::"

PARENT = '''ruleset "parent"

rule P01 parent-rule "父规则"
  severity warning
  applies to project
  require false
  message "父规则"

rule P02 parent-error "出错的规则"
  severity warning
  applies to project
  require 1 / count(indicators) > 0
  message "m"
'''


@pytest.fixture(autouse=True)
def _fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test with its own cache folder, as a new process."""
    from indicator_rules import ruleset

    monkeypatch.setenv("INDICATOR_RULES_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("INDICATOR_RULES_CACHE", raising=False)
    ruleset._LOADED.clear()
    cache.clear_memory()
    yield
    ruleset._LOADED.clear()
    cache.clear_memory()


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    """``rules/`` (the bureau's folder, where the tests write their rulesets) beside
    ``secret/``, which holds files that are no rulesets of theirs."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "secret").mkdir()
    for name in ("shadow", "shadow.rules", "notes.txt"):
        (tmp_path / "secret" / name).write_text(SECRET + "\n", "utf-8")
    (tmp_path / "rules" / "notes.txt").write_text(SECRET + "\n", "utf-8")
    return tmp_path / "rules"


def _refused(child: Path) -> RulesetLoadError:
    with pytest.raises(RulesetLoadError) as caught:
        load_ruleset(child)
    assert SECRET[:20] not in str(caught.value)
    return caught.value


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("../secret/shadow", "extends reads only .rules files"),
        ("../secret/shadow.rules", "it is outside the folder of"),
        ("sub/../../secret/shadow.rules", "it is outside the folder of"),
        ("{secret}/shadow.rules", "it is outside the folder of"),
        ("{secret}/shadow", "extends reads only .rules files"),
        ("out.rules", "it is outside the folder of"),  # a link out of the folder
        ("notes.rules", "it links to a file that is not a .rules file"),
        ("/proc/self/environ", "extends reads only .rules files"),
        ("/dev/zero", "extends reads only .rules files"),
        ("zero.rules", "it is outside the folder of"),  # a link to /dev/zero
    ],
)
def test_extends_reads_only_rules_files_within_reach(layout: Path, reference: str,
                                                     message: str):
    secret = layout.parent / "secret"
    (layout / "sub").mkdir()
    (layout / "out.rules").symlink_to(secret / "shadow.rules")
    (layout / "notes.rules").symlink_to(layout / "notes.txt")
    (layout / "zero.rules").symlink_to("/dev/zero")
    child = layout / "child.rules"
    child.write_text(f'ruleset "child"\nextends "{reference.format(secret=secret)}"\n', "utf-8")
    (error,) = _refused(child).errors
    assert isinstance(error, RulesetCompositionError)
    assert message in error.message
    assert error.where is not None
    assert (error.where.file, error.where.line) == (str(child), 2)
    assert error.hint


def test_the_environment_is_not_echoed():
    """The first line of /proc/self/environ is the whole environment."""
    if not Path("/proc/self/environ").exists():
        pytest.skip("no /proc on this system")
    with pytest.raises(RulesetLoadError) as caught:
        load_ruleset_text('extends "/proc/self/environ"\n', name="c.rules")
    assert "PATH=" not in str(caught.value)
    assert "cannot extend '/proc/self/environ'" in str(caught.value)


def test_the_rules_path_allows_another_folder(layout: Path, monkeypatch: pytest.MonkeyPatch):
    from indicator_rules.ruleset import RulesetReference

    shared = layout.parent / "shared"
    shared.mkdir()
    (shared / "parent.rules").write_text(PARENT, "utf-8")
    child = layout / "child.rules"
    child.write_text('ruleset "child"\nextends "../shared/parent.rules"\n', "utf-8")
    (error,) = _refused(child).errors
    assert "--rules-path" in error.hint
    monkeypatch.chdir(layout.parent)  # a relative rules path is read in the working folder
    ruleset = load_ruleset(child, rules_path=["shared"])
    assert [rule.rule_id for rule in ruleset.compiled] == ["P01", "P02"]
    assert ruleset.reference == RulesetReference(str(child), str(layout.parent),
                                                 (str(shared.resolve()),))
    text = load_ruleset_text(child.read_text("utf-8"), name="c.rules", base=layout,
                             rules_path=[shared])
    assert [rule.rule_id for rule in text.compiled] == ["P01", "P02"]
    with pytest.raises(RulesetLoadError, match="rules path nowhere: not a folder"):
        load_ruleset(child, rules_path=["nowhere"])


@pytest.mark.parametrize("given", ["{secret}/notes.txt", "{secret}/shadow", "/dev/zero",
                                   "/proc/self/environ", "../secret/shadow"])
def test_load_ruleset_reads_only_rules_files(layout: Path, given: str,
                                            monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(layout)
    with pytest.raises(RulesetLoadError) as caught:
        load_ruleset(given.format(secret=layout.parent / "secret"))
    assert SECRET[:20] not in str(caught.value)
    assert "PATH=" not in str(caught.value)
    assert "or give the path of a .rules file" in str(caught.value)


def test_load_ruleset_does_not_follow_a_link_to_a_file_that_is_no_ruleset(layout: Path):
    (layout / "link.rules").symlink_to(layout.parent / "secret" / "shadow")
    with pytest.raises(RulesetLoadError) as caught:
        load_ruleset(layout / "link.rules")
    assert SECRET[:20] not in str(caught.value)
    assert "it links to a file that is not a .rules file" in str(caught.value)


def test_a_plugin_that_fails_to_load_is_an_error_at_the_extends_line(
        layout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    _install_plugin(tmp_path / "site", "unused", monkeypatch)
    (tmp_path / "site" / "hostile_plugin" / "__init__.py").write_text(
        "raise RuntimeError('broken plugin')\n", "utf-8")
    with pytest.raises(RulesetLoadError) as caught:
        load_ruleset_text('extends "hostile"\n', name="c.rules", base=layout)
    (error,) = caught.value.errors
    assert error.message == ("plugin ruleset 'hostile' (hostile_plugin:RULESET) does not load: "
                             "RuntimeError: broken plugin")
    assert error.where is not None
    assert error.where.line == 1


def test_a_built_in_name_is_looked_up_never_joined_to_a_path(
        layout: Path, monkeypatch: pytest.MonkeyPatch):
    import indicator_rules.ruleset as module

    builtins = layout.parent / "builtins"
    builtins.mkdir()
    (builtins / "base.rules").write_text(PARENT, "utf-8")
    monkeypatch.setattr(module, "_builtin_directory", lambda: builtins)
    for name in ("../secret/shadow", "../../secret/shadow", "./base", "base/../base"):
        with pytest.raises(RulesetLoadError) as caught:
            load_ruleset_text(f'extends "{name}"\n', name="c.rules", base=layout)
        assert SECRET[:20] not in str(caught.value), name
    assert load_ruleset_text('extends "base"\n', name="c.rules", base=layout).compiled


def test_a_file_named_like_a_built_in_ruleset_does_not_shadow_it(
        layout: Path, monkeypatch: pytest.MonkeyPatch):
    import indicator_rules.ruleset as module

    builtins = layout.parent / "builtins"
    builtins.mkdir()
    (builtins / "base.rules").write_text(PARENT, "utf-8")
    monkeypatch.setattr(module, "_builtin_directory", lambda: builtins)
    (layout / "base").write_text(SECRET + "\n", "utf-8")
    (layout / "base.rules").write_text(SECRET + "\n", "utf-8")
    ruleset = load_ruleset_text('extends "base"\n', name="c.rules", base=layout)
    assert [rule.rule_id for rule in ruleset.compiled] == ["P01", "P02"]


def _install_plugin(site: Path, target: str, monkeypatch: pytest.MonkeyPatch) -> None:
    package = site / "hostile_plugin"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(f"RULESET = {target!r}\n", "utf-8")
    info = site / "hostile_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: hostile-plugin\nVersion: 1.0\n",
                                   "utf-8")
    (info / "entry_points.txt").write_text(
        "[indicator_rules.rulesets]\nhostile = hostile_plugin:RULESET\n", "utf-8")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, "hostile_plugin", raising=False)


def test_a_plugin_must_name_a_rules_file(layout: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch):
    _install_plugin(tmp_path / "site", str(layout.parent / "secret" / "shadow"), monkeypatch)
    with pytest.raises(RulesetLoadError) as caught:
        load_ruleset_text('extends "hostile"\n', name="c.rules", base=layout)
    assert SECRET[:20] not in str(caught.value)
    (error,) = caught.value.errors
    assert "plugin ruleset 'hostile' (hostile_plugin:RULESET) is not the path of a .rules " \
        "file" in error.message
    assert error.where is not None
    assert error.where.line == 1


def test_a_fifo_or_a_huge_file_is_refused_without_reading_it(layout: Path):
    """In a child process with at most 1 GB of address space: a 3 GB (sparse) ruleset is
    refused from its size, before it is read; a FIFO is not waited on."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    with (layout / "big.rules").open("wb") as handle:
        handle.truncate(3_000_000_000)
    os.mkfifo(layout / "pipe.rules")
    (layout / "a.rules").write_text('extends "big.rules"\nextends "pipe.rules"\n', "utf-8")
    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from indicator_rules import load_ruleset\n"
        "from indicator_rules.errors import RulesetLoadError\n"
        "for name in sys.argv[1:]:\n"
        "    try:\n"
        "        load_ruleset(name)\n"
        "    except RulesetLoadError as error:\n"
        "        print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "a.rules", "big.rules", "pipe.rules"], cwd=layout,
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "INDICATOR_RULES_CACHE": "0"})
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "a.rules:1:1: error: cannot read ruleset 'big.rules' to extend: too large: a file " \
           f"of 3,000,000,000 bytes (at most {MAX_FILE_BYTES:,})" in out
    assert "a.rules:2:1: error: cannot read ruleset 'pipe.rules' to extend: not a regular " \
           "file" in out
    assert "error: cannot read ruleset big.rules: too large: a file of 3,000,000,000 bytes " \
           "(at most 1,000,000)" in out
    assert "error: cannot read ruleset pipe.rules: not a regular file" in out


def test_sizes_are_written_with_thousands_separators(layout: Path):
    """The size messages of a file and of text in memory read alike: what was found, then the
    limit, both with thousands separators."""
    big = "#" * MAX_FILE_BYTES + "\n"
    (layout / "big.rules").write_text(big, "utf-8")
    with pytest.raises(RulesetLoadError) as caught:
        load_ruleset(layout / "big.rules")
    assert str(caught.value).startswith(
        f"error: cannot read ruleset {layout / 'big.rules'}: too large: a file of 1,000,001 "
        "bytes (at most 1,000,000)")
    with pytest.raises(RulesetLoadError) as caught:
        load_ruleset_text(big, name="big.rules")
    assert str(caught.value).startswith(
        "error: big.rules: too large: a ruleset of 1,000,001 bytes (at most 1,000,000)")


def test_a_file_that_is_not_utf8_is_named_not_echoed(layout: Path):
    (layout / "latin.rules").write_bytes(b"# \xe9t\xe9 " + SECRET.encode())
    with pytest.raises(RulesetLoadError) as caught:
        load_ruleset(layout / "latin.rules")
    assert "not UTF-8 text" in str(caught.value)
    assert SECRET[:20] not in str(caught.value)


def _extending_twice(folder: Path, levels: int, last: str) -> Path:
    """Files that each extend the next one twice (under two names): 2**levels paths to the
    last one."""
    for level in range(levels):
        (folder / f"f{level}.rules").write_text(
            f'extends "f{level + 1}.rules"\nextends "./f{level + 1}.rules"\n', "utf-8")
    (folder / f"f{levels}.rules").write_text(last, "utf-8")
    return folder / "f0.rules"


def test_a_name_that_cannot_be_a_file_name_is_an_error_not_a_crash(layout: Path):
    with pytest.raises(RulesetLoadError) as caught:
        load_ruleset_text('extends "a\0.rules"\nextends "b\0"\n', name="c.rules", base=layout)
    assert [(error.where.line if error.where else None, error.message)
            for error in caught.value.errors] == [
        (1, "cannot extend 'a\\x00.rules': it cannot be a file name (a NUL character)"),
        (2, "cannot extend 'b\\x00': it cannot be a file name (a NUL character)")]
    with pytest.raises(RulesetLoadError, match="it cannot be a file name"):
        load_ruleset("a\0.rules")
    with pytest.raises(RulesetLoadError, match="it cannot be a file name"):
        load_ruleset(layout / "c.rules", rules_path=["x\0"])


def test_a_file_extended_along_many_paths_is_composed_once(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch):
    import indicator_rules.ruleset as module

    composed: list[str] = []
    compose = module._compose

    def counting(*arguments: Any, **options: Any) -> Any:
        composed.append(str(arguments[0]))
        if len(composed) > 1000:
            raise AssertionError("composed again along every path")
        return compose(*arguments, **options)

    monkeypatch.setattr(module, "_compose", counting)
    levels = 40
    top = _extending_twice(tmp_path, levels, PARENT)
    assert [rule.rule_id for rule in load_ruleset(top).compiled] == ["P01", "P02"]
    assert len(composed) == levels + 1
    module._LOADED.clear()
    cache.clear_memory()
    top = _extending_twice(tmp_path, levels, PARENT + 'disable X99 because "x"\n')
    with pytest.raises(RulesetLoadError) as caught:
        load_ruleset(top)
    (error,) = caught.value.errors  # reported once, not once per path
    assert error.message == "no inherited rule X99"


# --- rule_source under --jobs ---------------------------------------------------------------


def _rule_sources(ruleset, jobs: int) -> list[tuple[str, str, str]]:
    items = [InputItem(f"{index}.json", ProjectDeclaration(id=str(index), name="x"))
             for index in range(40)]
    return [(finding.rule_id, finding.kind, finding.rule_source)
            for entry in check_items(ruleset, items, jobs=jobs)
            if isinstance(entry, tuple) for finding in entry[1].findings]


def test_rule_source_is_the_same_under_any_jobs(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch):
    """Workers load the ruleset again by its reference: its files keep the names the main
    process gave them (relative here), even when the working folder changed after loading and
    nothing loaded before is remembered."""
    from indicator_rules import ruleset as module

    (tmp_path / "bureau").mkdir()
    (tmp_path / "bureau" / "parent.rules").write_text(PARENT, "utf-8")
    (tmp_path / "bureau" / "child.rules").write_text(
        'ruleset "child"\nextends "parent.rules"\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    ruleset = load_ruleset("bureau/child.rules")
    one = _rule_sources(ruleset, 1)
    assert {(rule_id, kind) for rule_id, kind, _ in one} == {("P01", "finding"),
                                                             ("P02", "rule-error")}
    assert {source for *_, source in one} == {"bureau/parent.rules:3",
                                              "bureau/parent.rules:9"}
    assert _rule_sources(ruleset, 2) == one
    monkeypatch.chdir(tmp_path / "bureau")
    monkeypatch.setenv("INDICATOR_RULES_CACHE", "0")
    module._LOADED.clear()  # the workers compose the files anew
    assert _rule_sources(ruleset, 2) == one


def test_the_rules_path_goes_with_the_ruleset_to_the_workers(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch):
    from indicator_rules import ruleset as module

    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "parent.rules").write_text(PARENT, "utf-8")
    (tmp_path / "bureau").mkdir()
    (tmp_path / "bureau" / "child.rules").write_text(
        'ruleset "child"\nextends "../shared/parent.rules"\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    ruleset = load_ruleset("bureau/child.rules", rules_path=["shared"])
    one = _rule_sources(ruleset, 1)
    assert {source for *_, source in one} == {"bureau/../shared/parent.rules:3",
                                              "bureau/../shared/parent.rules:9"}
    monkeypatch.setenv("INDICATOR_RULES_CACHE", "0")
    module._LOADED.clear()
    assert _rule_sources(ruleset, 2) == one
