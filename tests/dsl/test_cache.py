"""Parsed rulesets are remembered by content, in memory and on disk; a bad cache is ignored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from indicator_rules.dsl import cache
from indicator_rules.dsl.grammar import parse_ruleset
from indicator_rules.errors import RulesetSyntaxError

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
