"""The garbage collector while checking (indicator_rules.collector)."""

from __future__ import annotations

import gc
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from indicator_rules import (
    check_items,
    cli,
    gc_for_checking,
    load_ruleset,
    read_inputs,
    runner,
)
from indicator_rules.collector import YOUNG_THRESHOLD, raise_young_threshold
from indicator_rules.render import RunSummary, render_entries
from indicator_rules.render.json_report import JsonRenderer

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
#: not CPython's default, so that "kept" and "put back" cannot pass by setting the defaults
START = (500, 7, 13)


@pytest.fixture
def thresholds() -> Iterator[tuple[int, ...]]:
    """The test starts from :data:`START`; the process's thresholds are put back after."""
    before = gc.get_threshold()
    gc.set_threshold(*START)
    yield gc.get_threshold()
    gc.set_threshold(*before)


def test_the_young_generation_waits_longer_and_the_older_ones_are_kept(thresholds: Any):
    assert raise_young_threshold() == START
    assert gc.get_threshold() == (YOUNG_THRESHOLD, 7, 13)
    assert raise_young_threshold(5_000) == (YOUNG_THRESHOLD, 7, 13)  # never lowered
    assert gc.get_threshold() == (YOUNG_THRESHOLD, 7, 13)


def test_a_collector_switched_off_stays_off(thresholds: Any):
    gc.set_threshold(0, 7, 13)
    with gc_for_checking():
        assert gc.get_threshold() == (0, 7, 13)
    assert gc.get_threshold() == (0, 7, 13)
    gc.set_threshold(*START)
    enabled = gc.isenabled()
    gc.disable()
    try:
        with gc_for_checking():
            assert not gc.isenabled()
        assert not gc.isenabled()
        assert gc.get_threshold() == START
    finally:
        if enabled:
            gc.enable()


def test_a_threshold_below_one_is_refused(thresholds: Any):
    with pytest.raises(ValueError, match="at least 1, got 0"):
        raise_young_threshold(0)
    with pytest.raises(ValueError, match="at least 1, got -5"), gc_for_checking(-5):
        pass  # not reached: the block is refused when it is entered
    assert gc.get_threshold() == START


def test_the_block_puts_back_the_thresholds_also_when_it_raises(thresholds: Any):
    with gc_for_checking(50_000):
        assert gc.get_threshold() == (50_000, 7, 13)
    assert gc.get_threshold() == START
    inside: list[int] = []

    def failing_run() -> None:
        with gc_for_checking():
            inside.append(gc.get_threshold()[0])
            raise RuntimeError("a failing run")

    with pytest.raises(RuntimeError, match="a failing run"):
        failing_run()
    assert inside == [YOUNG_THRESHOLD]
    assert gc.get_threshold() == START


def test_blocks_that_overlap_put_back_the_thresholds_when_the_last_one_ends(thresholds: Any):
    # two runs in two threads, or a generator closed late: entered A, B, left A, then B
    first, second = gc_for_checking(), gc_for_checking()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.get_threshold() == (YOUNG_THRESHOLD, 7, 13)  # B is still checking
    second.__exit__(None, None, None)
    assert gc.get_threshold() == START
    with gc_for_checking(), gc_for_checking(20_000):  # nested: the outer block decides
        assert gc.get_threshold() == (YOUNG_THRESHOLD, 7, 13)
    assert gc.get_threshold() == START


def test_a_threshold_set_by_someone_else_inside_the_block_is_kept(thresholds: Any):
    with gc_for_checking():
        gc.set_threshold(2_000, 7, 13)
    assert gc.get_threshold() == (2_000, 7, 13)


def test_the_command_line_checks_under_it_and_puts_it_back(
    thresholds: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    seen: list[int] = []

    def recording(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for entry in check_items(*args, **kwargs):
            seen.append(gc.get_threshold()[0])
            yield entry

    monkeypatch.setattr(cli, "check_items", recording)
    assert cli.main(["check", str(EXAMPLES / "hengyang-2021.json"), "--exit-zero"]) == 0
    assert "衡阳" in capsys.readouterr().out
    assert seen == [YOUNG_THRESHOLD] * 3  # the three declarations of the sample
    assert gc.get_threshold() == START


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "loaded-again"])
def test_worker_processes_keep_it_for_their_life(thresholds: Any, fork: bool):
    ruleset = load_ruleset("mof-2021")  # has a reference: workers can load it again
    with runner._pool(ruleset, 1, fork=fork) as pool:
        assert pool.submit(gc.get_threshold).result() == (YOUNG_THRESHOLD, 7, 13)
    assert gc.get_threshold() == START  # this process is left as it was


def _render(ruleset: Any, paths: list[str]) -> tuple[int, int]:
    """Check and render ``paths`` as the command line does: (declarations, input errors)."""
    summary = RunSummary(ruleset.name, exit_zero=True)
    renderer = JsonRenderer(io.StringIO(), ruleset)
    render_entries(check_items(ruleset, read_inputs(paths)), summary, renderer)
    renderer.finish(summary)
    return summary.declarations, summary.errors


def _cyclic_garbage(run: Any) -> int:
    """The objects in reference cycles that ``run()`` left, found with the collector off."""
    run()  # fills the caches (the values parsed, the profiles) outside the count
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        run()
        return gc.collect()
    finally:
        if enabled:
            gc.enable()


def test_checking_valid_forms_makes_no_reference_cycles():
    # what makes the larger threshold safe: nothing is left for the collector
    ruleset = load_ruleset("mof-2021")
    paths = [str(EXAMPLES / "hengyang-2021.json"), str(EXAMPLES / "hengyang-2021.md")]
    assert _render(ruleset, paths) == (6, 0)
    assert _cyclic_garbage(lambda: _render(ruleset, paths)) == 0


def test_files_that_cannot_be_read_make_no_reference_cycles(tmp_path: Path):
    # an error kept with its traceback held the reader's frames, and so the whole file's
    # text, in a cycle
    files = {
        "fields.json": json.dumps([{"kind": "project", "name": 3},
                                   {"kind": "project", "year": "abc"}]),
        "syntax.json": "{not json",
        "syntax.yaml": "- kind: project\n  name: [1\n",
        "fields.yaml": "- kind: project\n  name: 5\n  funding: {total: abc}\n",
        "line.jsonl": '{"kind": "project", "name": 3}\nnot json\n',
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    ruleset = load_ruleset("mof-2021")
    paths = [str(tmp_path / name) for name in files]
    checked, failed = _render(ruleset, paths)
    assert (checked, failed) == (0, 8)  # fields.json, fields.yaml and line.jsonl: two each
    assert _cyclic_garbage(lambda: _render(ruleset, paths)) == 0
