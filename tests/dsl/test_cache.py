"""Parsed rulesets are remembered by content, in memory and on disk; a bad cache is ignored."""

from __future__ import annotations

from collections.abc import Iterator
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


def test_a_file_that_now_shadows_what_a_ruleset_extends_misses_the_cache(
        folder: Path, tmp_path: Path):
    from indicator_rules import load_ruleset

    path = _child(tmp_path)
    assert any(rule.rule_id == "V01" for rule in load_ruleset(path).compiled)
    (tmp_path / "mof-2021").write_text(PARENT.replace("{label}", "本地"), "utf-8")
    _new_process()
    ruleset = load_ruleset(tmp_path / "mof-2021")  # the new file is a ruleset of its own
    assert [rule.rule_id for rule in ruleset.compiled] == ["P01"]
    _new_process()
    with pytest.raises(RulesetLoadError):  # mine.rules now extends it: S07, V02 are unknown
        load_ruleset(path)


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
