"""Parsed rulesets are remembered by content, in memory and on disk; a bad cache is ignored."""

from __future__ import annotations

import hashlib
import marshal
import os
import pickle
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from indicator_rules.dsl import cache
from indicator_rules.dsl.grammar import parse_ruleset
from indicator_rules.errors import RulesetLoadError, RulesetSyntaxError

TEXT = 'rule V01 "指标值为空"\n  severity error\n  require true\n  message "m"\n'


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("INDICATOR_RULES_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("INDICATOR_RULES_CACHE", raising=False)
    cache.clear_memory()
    yield tmp_path / "cache"
    cache.clear_memory()


def _counting() -> tuple[list[str], object]:
    calls: list[str] = []

    def parse(text: str, file: str):
        calls.append(file)
        return parse_ruleset(text, file)
    return calls, parse


def test_a_second_process_reads_the_tree_from_disk(folder: Path):
    calls, parse = _counting()
    first = cache.parsed("a.rules", TEXT, parse)  # type: ignore[arg-type]
    assert len(list(folder.iterdir())) == 1
    cache.clear_memory()  # as a new process would start
    again = cache.parsed("a.rules", TEXT, parse)  # type: ignore[arg-type]
    assert calls == ["a.rules"]
    assert again == first


def test_an_edited_file_or_another_name_is_parsed_anew(folder: Path):
    calls, parse = _counting()
    cache.parsed("a.rules", TEXT, parse)  # type: ignore[arg-type]
    cache.parsed("a.rules", TEXT.replace("error", "warning"), parse)  # type: ignore[arg-type]
    cache.parsed("b.rules", TEXT, parse)  # type: ignore[arg-type]
    assert calls == ["a.rules", "a.rules", "b.rules"]


def test_a_damaged_cache_file_is_ignored_and_rewritten(folder: Path):
    calls, parse = _counting()
    cache.parsed("a.rules", TEXT, parse)  # type: ignore[arg-type]
    (entry,) = folder.iterdir()
    entry.write_bytes(b"not a pickle")
    cache.clear_memory()
    node = cache.parsed("a.rules", TEXT, parse)  # type: ignore[arg-type]
    assert node.rules[0].rule_id == "V01"
    assert len(calls) == 2
    assert entry.read_bytes() != b"not a pickle"


def test_the_disk_cache_can_be_switched_off(folder: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("INDICATOR_RULES_CACHE", "0")
    assert cache.cache_directory() is None
    calls, parse = _counting()
    cache.parsed("a.rules", TEXT, parse)  # type: ignore[arg-type]
    assert calls == ["a.rules"]
    assert not folder.exists()


def test_syntax_errors_are_raised_every_time(folder: Path):
    for _ in range(2):
        with pytest.raises(RulesetSyntaxError):
            cache.parsed("bad.rules", 'rule V01 "x\n', parse_ruleset)
    assert not folder.exists() or not list(folder.iterdir())


def test_loading_the_same_unchanged_file_again_returns_the_same_ruleset(tmp_path: Path):
    from indicator_rules import load_ruleset

    path = tmp_path / "mine.rules"
    path.write_text(TEXT, "utf-8")
    first = load_ruleset(path)
    assert load_ruleset(path) is first
    path.write_text(TEXT.replace("severity error", "severity warning"), "utf-8")
    edited = load_ruleset(path)
    assert edited is not first
    assert edited.rule("V01").severity.name == "WARNING"


def test_a_ruleset_with_its_own_functions_is_not_shared(tmp_path: Path):
    from indicator_rules import FunctionRegistry, load_ruleset

    path = tmp_path / "mine.rules"
    path.write_text(TEXT, "utf-8")
    assert load_ruleset(path, functions=FunctionRegistry()) is not load_ruleset(
        path, functions=FunctionRegistry())


# --- the compiled-ruleset cache (ruleset.py): a new process makes the rules from blueprints


CHILD = '''ruleset "mine"
extends "mof-2021"

param min_satisfaction = 90%
severity V02 error
disable S07 because "本局不限制指标个数"

rule X90 own-rule "联系人电话为空"
  severity warning
  applies to project
  let phone = contact.phone ?? ""
  require not blank(phone)
  message "联系人电话为空（{phone}）"
'''


def _new_process() -> None:
    """Forget what this process loaded, as a new process would start."""
    from indicator_rules import ruleset

    ruleset._LOADED.clear()
    cache.clear_memory()


def _child(tmp_path: Path) -> Path:
    path = tmp_path / "mine.rules"
    path.write_text(CHILD, "utf-8")
    return path


def _findings(ruleset, declarations) -> list[tuple[object, ...]]:
    return [(f.rule_id, f.path, f.severity.name, f.message, f.evidence)
            for report in ruleset.check_batch(declarations) for f in report.findings]


def _corpus() -> list[Any]:
    from benchmarks.corpus import declarations

    return list(declarations(60, seed=7))


def test_a_new_process_makes_the_rules_from_the_cache_without_parsing(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from indicator_rules import load_ruleset
    from indicator_rules import ruleset as module

    path = _child(tmp_path)
    fresh = load_ruleset(path)
    assert len(list((folder / "compiled").iterdir())) == 1
    _new_process()
    composed: list[str] = []
    real_compose = module._compose
    def compose(*arguments: Any, **options: Any) -> Any:
        composed.append(str(arguments[0]))
        return real_compose(*arguments, **options)

    monkeypatch.setattr(module, "_compose", compose)
    cached = load_ruleset(path)
    assert cached is not fresh
    assert composed == []  # nothing parsed, checked or generated
    assert [r.rule_id for r in cached.compiled] == [r.rule_id for r in fresh.compiled]
    assert (cached.name, cached.title, cached.version, cached.file, cached.reference) == (
        fresh.name, fresh.title, fresh.version, fresh.file, fresh.reference)
    assert cached.params == fresh.params
    corpus = _corpus()
    assert _findings(cached, corpus) == _findings(fresh, corpus)
    assert any(rule_id == "X90" for rule_id, *_ in _findings(cached, corpus))
    # what only documentation needs is composed when first asked for, from the cached texts
    assert [(i.rule_id, i.origin, i.severity, i.disabled) for i in cached.rules] == [
        (i.rule_id, i.origin, i.severity, i.disabled) for i in fresh.rules]
    assert composed[0] == str(path)
    assert len(composed) == 2  # the file and the one it extends
    assert cached.rule_text("X90") == fresh.rule_text("X90")
    assert cached.explain() == fresh.explain()


def test_a_changed_file_misses_the_compiled_cache(folder: Path, tmp_path: Path):
    from indicator_rules import load_ruleset

    path = _child(tmp_path)
    load_ruleset(path)
    _new_process()
    path.write_text(CHILD.replace("severity V02 error", "severity V02 info"), "utf-8")
    edited = load_ruleset(path)
    assert edited.rule("V02").severity.name == "INFO"
    assert next(r for r in edited.compiled if r.rule_id == "V02").severity.name == "INFO"
    _new_process()  # and the edited ruleset is cached in its turn
    assert next(r for r in load_ruleset(path).compiled
                if r.rule_id == "V02").severity.name == "INFO"


def test_a_damaged_or_foreign_compiled_entry_is_ignored(folder: Path, tmp_path: Path):
    from indicator_rules import load_ruleset

    path = _child(tmp_path)
    fresh = load_ruleset(path)
    (entry,) = (folder / "compiled").iterdir()
    good = entry.read_bytes()
    corpus = _corpus()
    for damaged in (b"not a pickle", good[:len(good) // 2], b"0" * 64 + good[64:]):
        entry.write_bytes(damaged)
        _new_process()
        assert _findings(load_ruleset(path), corpus) == _findings(fresh, corpus)
    (tmp_path / "other").mkdir()
    load_ruleset(_child(tmp_path / "other"))
    entries = sorted((folder / "compiled").iterdir(), key=lambda p: p.stat().st_mtime_ns)
    assert len(entries) == 2
    entries[0].write_bytes(entries[1].read_bytes())  # another ruleset's entry, renamed
    _new_process()
    assert _findings(load_ruleset(path), corpus) == _findings(fresh, corpus)


def test_no_compiled_entry_without_the_disk_cache_or_with_own_functions(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from indicator_rules import FunctionRegistry, load_ruleset

    path = _child(tmp_path)
    load_ruleset(path, functions=FunctionRegistry())
    assert not (folder / "compiled").exists()
    monkeypatch.setenv("INDICATOR_RULES_CACHE", "0")
    _new_process()
    load_ruleset(path)
    assert not (folder / "compiled").exists()


def test_a_rule_whose_values_cannot_be_made_again_is_not_cached(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from indicator_rules import load_ruleset
    from indicator_rules import ruleset as module

    real = module._resolver

    def wrong(functions):
        resolve = real(functions)
        return lambda recipe: (lambda text: text) if recipe[0] == "function" else resolve(
            recipe)

    monkeypatch.setattr(module, "_resolver", wrong)
    load_ruleset(_child(tmp_path))
    assert not (folder / "compiled").exists() or not list((folder / "compiled").iterdir())


def test_a_rule_made_from_the_cache_shows_its_source_in_tracebacks(folder: Path, tmp_path: Path):
    import linecache

    from indicator_rules import load_ruleset

    path = _child(tmp_path)
    load_ruleset(path)
    _new_process()
    linecache.clearcache()
    rule = next(r for r in load_ruleset(path).compiled if r.rule_id == "X90")
    filename = rule.run.__code__.co_filename
    assert "X90" in filename
    assert linecache.getline(filename, 1).startswith("def rule(env):")


PARENT = '''ruleset "parent"

rule P01 parent-rule "父规则"
  severity warning
  require false
  message "{label}"
'''


def _pair(folder: Path, label: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "parent.rules").write_text(PARENT.replace("{label}", label), "utf-8")
    child = folder / "child.rules"
    child.write_text('ruleset "child"\nextends "parent.rules"\n', "utf-8")
    return child


def _messages(ruleset) -> list[str]:
    from indicator_rules import ProjectDeclaration

    return [f.message for f in ruleset.check(ProjectDeclaration()).findings]


def test_a_link_to_a_ruleset_extends_what_is_beside_the_link(folder: Path, tmp_path: Path):
    from indicator_rules import load_ruleset

    child = _pair(tmp_path / "y", "y 的父规则")
    _pair(tmp_path / "x", "x 的父规则")
    link = tmp_path / "x" / "link.rules"
    link.symlink_to(child)
    assert _messages(load_ruleset(child)) == ["y 的父规则"]
    _new_process()
    assert _messages(load_ruleset(link)) == ["x 的父规则"]
    _new_process()
    assert _messages(load_ruleset(link)) == ["x 的父规则"]  # now from the cache
    assert _messages(load_ruleset(child)) == ["y 的父规则"]


def test_a_relative_path_is_cached_per_working_folder(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from indicator_rules import load_ruleset

    _pair(tmp_path / "a", "a 的父规则")
    _pair(tmp_path / "b", "b 的父规则")
    for name in ("a", "b", "a"):
        monkeypatch.chdir(tmp_path / name)
        _new_process()
        ruleset = load_ruleset("child.rules")
        assert _messages(ruleset) == [f"{name} 的父规则"]
        assert ruleset.compiled[0].rule_source == "parent.rules:3"


def test_a_file_named_like_a_built_in_ruleset_does_not_shadow_it(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from indicator_rules import load_ruleset
    from indicator_rules import ruleset as module

    (tmp_path / "builtins").mkdir()
    (tmp_path / "builtins" / "base.rules").write_text(PARENT.replace("{label}", "内置"), "utf-8")
    monkeypatch.setattr(module, "_builtin_directory", lambda: tmp_path / "builtins")
    child = tmp_path / "child.rules"
    child.write_text('extends "base"\n', "utf-8")
    for shadow in ("base", "base.rules"):
        (tmp_path / shadow).write_text(PARENT.replace("{label}", "本地"), "utf-8")
    for _ in range(2):  # compiled anew, then from the cache
        _new_process()
        assert _messages(load_ruleset(child)) == ["内置"]


def test_a_cached_ruleset_whose_parent_moved_out_of_reach_is_refused(
        folder: Path, tmp_path: Path):
    from indicator_rules import load_ruleset

    (tmp_path / "x" / "shared").mkdir(parents=True)
    (tmp_path / "x" / "shared" / "parent.rules").write_text(PARENT.replace("{label}", "父"),
                                                            "utf-8")
    child = tmp_path / "x" / "child.rules"
    child.write_text('extends "shared/parent.rules"\n', "utf-8")
    assert _messages(load_ruleset(child)) == ["父"]
    (tmp_path / "x" / "shared").rename(tmp_path / "elsewhere")  # the same text, out of reach
    (tmp_path / "x" / "shared").symlink_to(tmp_path / "elsewhere")
    _new_process()
    with pytest.raises(RulesetLoadError, match=r"cannot extend 'shared/parent\.rules': it is "
                                               "outside the folder of"):
        load_ruleset(child)


def test_changed_functions_miss_the_cache(folder: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch):
    from decimal import Decimal

    from indicator_rules import FunctionRegistry, ProjectDeclaration, load_ruleset
    from indicator_rules.dsl.types import NUMBER, PERCENT, DslType

    path = tmp_path / "score.rules"
    path.write_text('rule X01 "得分"\n  severity warning\n  let s = score()\n'
                    '  require false\n  message "得分 {s}"\n', "utf-8")

    def registry(returns: DslType) -> FunctionRegistry:
        functions = FunctionRegistry()
        functions.register("score", [], returns, lambda: Decimal(130))
        return functions

    for returns, message in ((NUMBER, "得分 130"), (PERCENT, "得分 130%")):
        monkeypatch.setattr(FunctionRegistry, "with_plugins",
                            classmethod(lambda cls, returns=returns: registry(returns)))
        _new_process()
        (finding,) = load_ruleset(path).check(ProjectDeclaration()).findings
        assert finding.message == message


def test_the_rules_of_a_cached_ruleset_need_only_the_cached_texts(folder: Path, tmp_path: Path):
    from indicator_rules import load_ruleset

    child = _pair(tmp_path / "y", "y 的父规则")
    fresh = load_ruleset(child)
    _new_process()
    cached = load_ruleset(child)
    (tmp_path / "y" / "parent.rules").unlink()  # moved away after loading
    assert [(i.rule_id, i.origin) for i in cached.rules] == [
        (i.rule_id, i.origin) for i in fresh.rules]


def test_a_flipped_byte_in_a_compiled_entry_is_noticed(folder: Path, tmp_path: Path):
    from indicator_rules import load_ruleset

    path = _child(tmp_path)
    corpus = _corpus()
    expected = _findings(load_ruleset(path), corpus)
    (entry,) = (folder / "compiled").iterdir()
    good = entry.read_bytes()
    for position in (len(good) // 3, len(good) // 2, len(good) - 10):
        damaged = bytearray(good)
        damaged[position] ^= 0x20
        entry.write_bytes(bytes(damaged))
        _new_process()
        assert _findings(load_ruleset(path), corpus) == expected


# --- the cache folder is private; a folder it did not create is never changed; what someone
# --- else could have written is never loaded

#: A user id that is not ours, for files and folders given away (as root)
OTHER_USER = 4242


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _own(folder: Path) -> Path:
    """The private folder the cache makes in ``folder`` when that is not private."""
    return folder / f"indicator_rules-{cache._OWNER}"


def test_the_cache_folder_and_its_entries_are_private(folder: Path, tmp_path: Path):
    from indicator_rules import load_ruleset

    umask = os.umask(0o022)  # the usual umask, that leaves new folders readable by all
    try:
        cache.parsed("a.rules", TEXT, parse_ruleset)
        load_ruleset(_pair(tmp_path, "父"))
    finally:
        os.umask(umask)
    assert _mode(folder) == 0o700
    assert {_mode(path) for path in folder.rglob("*") if path.is_dir()} == {0o700}
    entries = [path for path in folder.rglob("*") if path.is_file()]
    assert len(entries) > 2  # a tree, a compiled ruleset, the code of its rules
    assert {_mode(path) for path in entries} == {0o600}
    assert not _own(folder).exists()  # the folder is private: the entries are in it


@pytest.mark.parametrize("mode", [0o1777, 0o777, 0o755, 0o750], ids=oct)
def test_a_cache_folder_open_to_others_is_left_as_it_is(folder: Path, mode: int):
    """``INDICATOR_RULES_CACHE_DIR=/tmp`` leaves /tmp as it was (1777); the entries go in a
    private folder of their own made in it, which a new process reads."""
    folder.mkdir()
    folder.chmod(mode)
    calls, parse = _counting()
    cache.parsed("a.rules", TEXT, parse)  # type: ignore[arg-type]
    cache.clear_memory()
    assert cache.parsed("a.rules", TEXT, parse).rules[0].rule_id == "V01"  # type: ignore[arg-type]
    assert calls == ["a.rules"]  # the second from disk
    assert _mode(folder) == mode
    assert list(folder.iterdir()) == [_own(folder)]
    assert _mode(_own(folder)) == 0o700
    (entry,) = _own(folder).iterdir()
    assert _mode(entry) == 0o600


def test_code_and_compiled_rulesets_go_in_the_private_folder_too(folder: Path, tmp_path: Path):
    from indicator_rules import load_ruleset

    folder.mkdir()
    folder.chmod(0o1777)
    fresh = load_ruleset(_pair(tmp_path / "rules", "父"))
    assert sorted(path.name for path in _own(folder).iterdir() if path.is_dir()) == [
        "code", "compiled"]
    _new_process()
    assert _messages(load_ruleset(_pair(tmp_path / "rules", "父"))) == _messages(fresh)
    assert _mode(folder) == 0o1777
    assert {_mode(path) for path in _own(folder).rglob("*") if path.is_dir()} == {0o700}


def _root_only() -> None:
    if os.geteuid() != 0:
        pytest.skip("giving a file to another user needs root")


def test_another_users_folder_is_left_as_it_is_and_its_files_are_never_read(
        folder: Path, tmp_path: Path):
    """A folder of another user's is not used: the cache makes its own private folder in it
    (as in /tmp); what that user left there, even a well-named entry, is not read."""
    _root_only()
    folder.mkdir()
    folder.chmod(0o1777)
    cache.parsed("a.rules", TEXT, parse_ruleset)
    (entry,) = _own(folder).iterdir()
    (folder / entry.name).write_bytes(pickle.dumps(_Planted()))  # the name of the entry
    os.chown(folder / entry.name, OTHER_USER, OTHER_USER)
    os.chown(folder, OTHER_USER, OTHER_USER)
    entry.unlink()
    PLANTED.clear()
    cache.clear_memory()
    assert cache.parsed("a.rules", TEXT, parse_ruleset).rules[0].rule_id == "V01"
    assert PLANTED == []
    status = folder.stat()
    assert (status.st_uid, stat.S_IMODE(status.st_mode)) == (OTHER_USER, 0o1777)
    assert entry.exists()  # written again in the private folder


def test_a_private_folder_taken_by_another_user_is_not_used(folder: Path):
    """``/tmp/indicator_rules-<uid>`` made beforehand by someone else: not used, not changed;
    a warning says so, and the rulesets are parsed in each process."""
    _root_only()
    folder.mkdir()
    folder.chmod(0o1777)
    _own(folder).mkdir(mode=0o700)
    os.chown(_own(folder), OTHER_USER, OTHER_USER)
    calls, parse = _counting()
    for _ in range(2):
        with pytest.warns(cache.CacheWarning, match=re.escape(
                f"not using the cache folder {_own(folder)}: it belongs to another user "
                f"(user id {OTHER_USER}); the cache is off")):
            cache.parsed("a.rules", TEXT, parse)  # type: ignore[arg-type]
        cache.clear_memory()
    assert calls == ["a.rules", "a.rules"]
    assert list(_own(folder).iterdir()) == []
    assert _own(folder).stat().st_uid == OTHER_USER


def test_a_folder_that_is_not_ours_is_not_used_whoever_runs_the_tests(
        folder: Path, monkeypatch: pytest.MonkeyPatch):
    """The same, without root: this process taken for another user, every folder the cache
    finds is someone else's."""
    folder.mkdir(mode=0o700)
    monkeypatch.setattr(cache, "_OWNER", os.geteuid() + 1)
    calls, parse = _counting()
    with pytest.warns(cache.CacheWarning, match=re.escape(
            f"not using the cache folder {_own(folder)}: it belongs to another user")):
        cache.parsed("a.rules", TEXT, parse)  # type: ignore[arg-type]
    cache.clear_memory()
    with pytest.warns(cache.CacheWarning):
        cache.parsed("a.rules", TEXT, parse)  # type: ignore[arg-type]
    assert calls == ["a.rules", "a.rules"]
    assert _mode(folder) == 0o700
    assert list(_own(folder).iterdir()) == []


def test_a_private_folder_of_ours_that_others_may_open_is_not_used(folder: Path):
    folder.mkdir()
    folder.chmod(0o1777)
    _own(folder).mkdir(mode=0o755)
    _own(folder).chmod(0o755)
    with pytest.warns(cache.CacheWarning, match=re.escape(
            f"not using the cache folder {_own(folder)}: others may use it (its mode is 0755)")):
        cache.parsed("a.rules", TEXT, parse_ruleset)
    assert _mode(_own(folder)) == 0o755
    assert list(_own(folder).iterdir()) == []


def test_a_link_in_place_of_the_private_folder_is_not_followed(folder: Path, tmp_path: Path):
    """In a shared folder, ``indicator_rules-<uid>`` as a link (to a private folder of ours, or
    anywhere) is not used."""
    folder.mkdir()
    folder.chmod(0o1777)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    _own(folder).symlink_to(elsewhere)
    with pytest.warns(cache.CacheWarning, match=re.escape(
            f"not using the cache folder {_own(folder)}: it is not a folder (a symbolic link?)")):
        cache.parsed("a.rules", TEXT, parse_ruleset)
    assert list(elsewhere.iterdir()) == []


def test_a_cache_folder_given_as_a_link_to_a_private_folder_is_used(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The cache folder the user names may be a link (a cache moved to another disk): what it
    leads to is checked, and used."""
    target = tmp_path / "disk" / "cache"
    target.mkdir(parents=True, mode=0o700)
    (tmp_path / "link").symlink_to(target)
    monkeypatch.setenv("INDICATOR_RULES_CACHE_DIR", str(tmp_path / "link"))
    monkeypatch.delenv("INDICATOR_RULES_CACHE", raising=False)
    cache.clear_memory()
    calls, parse = _counting()
    cache.parsed("a.rules", TEXT, parse)  # type: ignore[arg-type]
    cache.clear_memory()
    cache.parsed("a.rules", TEXT, parse)  # type: ignore[arg-type]
    assert calls == ["a.rules"]
    assert [path.suffix for path in target.iterdir()] == [".pickle"]
    cache.clear_memory()


def test_a_private_folder_swapped_after_its_check_is_not_what_is_read(
        folder: Path, monkeypatch: pytest.MonkeyPatch):
    """The entries are opened in the folder that was checked, not by its name: a folder put in
    its place after the check (here a folder holding a planted entry) is not read."""
    folder.mkdir()
    folder.chmod(0o1777)
    cache.parsed("a.rules", TEXT, parse_ruleset)
    (entry,) = _own(folder).iterdir()
    check = cache._not_private

    def swapping(status: os.stat_result) -> str | None:
        found = check(status)
        if status.st_ino == _own(folder).stat().st_ino:  # the private folder, just checked
            _own(folder).rename(folder / "moved")
            _own(folder).mkdir(mode=0o700)
            (_own(folder) / entry.name).write_bytes(pickle.dumps(_Planted()))
            (_own(folder) / entry.name).chmod(0o600)
        return found

    monkeypatch.setattr(cache, "_not_private", swapping)
    PLANTED.clear()
    cache.clear_memory()
    calls, parse = _counting()
    assert cache.parsed("a.rules", TEXT, parse).rules[0].rule_id == "V01"  # type: ignore[arg-type]
    assert calls == []  # read from the folder checked, now called "moved"
    assert PLANTED == []


def test_an_entry_too_large_is_not_read(folder: Path):
    """An entry over MAX_ENTRY_BYTES (damage: a sparse file here) is refused from its size,
    with a warning, and written again."""
    cache.parsed("a.rules", TEXT, parse_ruleset)
    (entry,) = folder.iterdir()
    with entry.open("r+b") as handle:
        handle.truncate(cache.MAX_ENTRY_BYTES + 1)
    cache.clear_memory()
    calls, parse = _counting()
    with pytest.warns(cache.CacheWarning, match=re.escape(
            f"not using the cache entry {entry}: a file of {cache.MAX_ENTRY_BYTES + 1:,} bytes "
            f"(at most {cache.MAX_ENTRY_BYTES:,}); it is damaged")):
        cache.parsed("a.rules", TEXT, parse)  # type: ignore[arg-type]
    assert calls == ["a.rules"]
    assert entry.stat().st_size < 10_000


def test_an_entry_too_large_is_not_written(folder: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(cache, "MAX_ENTRY_BYTES", 100)
    cache.parsed("a.rules", TEXT, parse_ruleset)  # its tree pickles to more than 100 bytes
    assert list(folder.iterdir()) == []


#: What a planted pickle ran (it must run nothing)
PLANTED: list[str] = []


def _planted() -> None:
    PLANTED.append("code ran")


class _Planted:
    """Unpickling it calls _planted: what a pickle written by someone else could do."""

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        return _planted, ()


def _plant_tree(folder: Path, tmp_path: Path, tamper: Callable[[Path], None]) -> None:
    cache.parsed("a.rules", TEXT, parse_ruleset)
    (entry,) = folder.glob("*.pickle")
    entry.write_bytes(pickle.dumps(_Planted()))
    tamper(entry)
    cache.clear_memory()
    assert cache.parsed("a.rules", TEXT, parse_ruleset).rules[0].rule_id == "V01"


def _plant_compiled(folder: Path, tmp_path: Path, tamper: Callable[[Path], None]) -> None:
    from indicator_rules import load_ruleset

    path = _pair(tmp_path, "父")
    load_ruleset(path)
    (entry,) = (folder / "compiled").iterdir()
    key = entry.stem.encode()
    payload = pickle.dumps(_Planted())
    entry.write_bytes(key + b"\0" + hashlib.sha256(payload).digest() + payload)
    tamper(entry)
    _new_process()
    assert _messages(load_ruleset(path)) == ["父"]


def _plant_code(folder: Path, tmp_path: Path, tamper: Callable[[Path], None]) -> None:
    cache.code_of("x = 1", "<rule>")
    (entry,) = (folder / "code").iterdir()
    key = bytes.fromhex(entry.stem)
    entry.write_bytes(key + marshal.dumps(compile(
        "from tests.dsl.test_cache import _planted\n_planted()\nx = 1", "<rule>", "exec")))
    tamper(entry)
    scope: dict[str, Any] = {}
    exec(cache.code_of("x = 1", "<rule>"), scope)
    assert scope["x"] == 1


@pytest.mark.parametrize("plant", [_plant_tree, _plant_compiled, _plant_code])
@pytest.mark.parametrize("how", ["writable by others", "owned by someone else"])
def test_an_entry_someone_else_could_have_written_is_not_loaded(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plant: Any, how: str):
    def tamper(entry: Path) -> None:
        if how == "writable by others":
            entry.chmod(0o666)
        elif os.geteuid() == 0:
            os.chown(entry, OTHER_USER, OTHER_USER)
        else:  # taken for another user, in a folder that passes
            monkeypatch.setattr(cache, "_OWNER", entry.stat().st_uid + 1)
            monkeypatch.setattr(cache, "_not_private", lambda status: None)

    PLANTED.clear()
    with pytest.warns(cache.CacheWarning, match="someone else could have written it"):
        plant(folder, tmp_path, tamper)
    assert PLANTED == []
