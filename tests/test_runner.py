"""check_items: input order kept, errors in place, streaming without batch rules."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator

import pytest

from indicator_rules import (
    Indicator,
    InputError,
    InputItem,
    ProjectDeclaration,
    Waiver,
    check_items,
    load_ruleset,
    load_ruleset_text,
    runner,
)
from indicator_rules.runner import CHUNK, WINDOW_PER_JOB

RULES = ('rule V01 "指标值为空"\n  severity error\n  for each i in indicators\n'
         '  require not blank(i.value.text)\n  message "「{i.name}」未填写指标值"\n')
BATCH = ('rule X07 "同名项目"\n  severity info\n  applies to batch\n'
         '  let names = duplicates(projects select name)\n'
         '  for each d in projects where d.name in names\n  message "{d.name}"\n')


def _items(count: int, read: list[int]) -> Iterator[InputItem | InputError]:
    for index in range(count):
        read.append(index)
        if index % 7 == 3:
            yield InputError(file=f"f{index}.json", message="bad")
        else:
            yield InputItem(f"f{index}.json", ProjectDeclaration(id=f"p{index}", name="培训"))


def test_results_come_in_input_order_with_errors_in_their_place():
    ruleset = load_ruleset_text(RULES, name="t.rules")
    results = list(check_items(ruleset, _items(20, [])))
    assert [r.file if isinstance(r, InputError) else r[0].file for r in results] == [
        f"f{index}.json" for index in range(20)]


def test_without_batch_rules_the_stream_is_checked_as_it_comes():
    ruleset = load_ruleset_text(RULES, name="t.rules")
    read: list[int] = []
    results = check_items(ruleset, _items(10_000, read))
    next(results)
    assert len(read) == 1  # nothing read ahead


def test_workers_hold_only_a_window_of_the_stream(tmp_path):
    rules = tmp_path / "t.rules"
    rules.write_text(RULES, "utf-8")
    ruleset = load_ruleset(rules)
    read: list[int] = []
    results = check_items(ruleset, _items(5_000, read), jobs=2)
    next(results)
    window = CHUNK * (2 * WINDOW_PER_JOB + 1) * 2  # chunks count declarations, not errors
    assert len(read) <= window < 5_000
    assert len(list(results)) == 4_999


def test_batch_rules_see_the_whole_stream_and_merge_into_each_report(tmp_path):
    rules = tmp_path / "t.rules"
    rules.write_text(RULES + BATCH, "utf-8")
    ruleset = load_ruleset(rules)
    for jobs in (1, 2):
        results = [r for r in check_items(ruleset, _items(12, []), jobs=jobs)
                   if not isinstance(r, InputError)]
        assert all([f.rule_id for f in report.findings] == ["X07"] for _, report in results)
        assert all(report.rules_run == 2 for _, report in results)


def test_waivers_unused_by_own_and_batch_rules_are_the_same_with_any_jobs(tmp_path):
    """Equal waivers: each part uses the first, so one of the two stays unused, as when one
    report is made of all the rules (jobs=1)."""
    rules = tmp_path / "t.rules"
    rules.write_text(RULES + BATCH, "utf-8")
    ruleset = load_ruleset(rules)
    same = Waiver(rule="X07", reason="同名的培训项目")
    waivers = (same, Waiver(rule="X07", reason="同名的培训项目"),
               Waiver(rule="V01", reason="另表", path="indicators[5]"))
    row = Indicator(level1="产出指标", level2="数量指标", name="培训人数")
    items = [InputItem(f"f{index}.json", ProjectDeclaration(
        id=f"p{index}", name="培训", indicators=(row,), waivers=waivers)) for index in range(3)]
    for jobs in (1, 2):
        checked = list(check_items(ruleset, iter(items), jobs=jobs))
        for entry in checked:
            assert not isinstance(entry, InputError)
            report = entry[1]
            assert [f.rule_id for f in report.findings if f.waived] == ["X07"]
            assert [f.rule_id for f in report.findings if not f.waived] == ["V01"]
            assert report.unused_waivers == (same, waivers[2])


@pytest.mark.parametrize("fork", [True, False])
def test_with_batch_rules_the_workers_and_the_batch_give_what_one_process_gives(
        tmp_path, monkeypatch, fork):
    """Several chunks, errors between them: the own reports from the workers and the batch
    findings (run meanwhile in this process) merge in input order, as with jobs=1 — whether
    the workers inherit the declarations (fork) or are sent them."""
    if not fork:
        monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    elif "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork on this platform")
    rules = tmp_path / "t.rules"
    rules.write_text(RULES + BATCH, "utf-8")
    ruleset = load_ruleset(rules)

    def entries() -> Iterator[InputItem | InputError]:
        for index, entry in enumerate(_items(CHUNK * 3 + 5, [])):
            if isinstance(entry, InputItem) and index % 5 == 0:  # a unique name: no X07
                declaration = ProjectDeclaration(id=f"p{index}", name=f"唯一{index}")
                yield InputItem(entry.file, declaration)
            else:
                yield entry

    sent: list[str] = []
    submit = runner._Workers.submit

    def recording(self, fn, /, *args, **kwargs):
        sent.append(fn.__name__)
        return submit(self, fn, *args, **kwargs)

    monkeypatch.setattr(runner._Workers, "submit", recording)
    one, two = (list(check_items(ruleset, entries(), jobs=jobs)) for jobs in (1, 2))
    assert one == two
    assert set(sent) == {"_check_shared" if fork else "_check_chunk"}
    assert sum(not isinstance(entry, InputError) for entry in two) > CHUNK * 2
    found = {entry[0].declaration.id: [f.rule_id for f in entry[1].findings]
             for entry in two if not isinstance(entry, InputError)}
    assert found["p0"] == []
    assert found["p1"] == ["X07"]


def test_jobs_must_be_positive():
    ruleset = load_ruleset_text(RULES, name="t.rules")
    with pytest.raises(ValueError, match="at least 1"):
        list(check_items(ruleset, [], jobs=0))


def test_a_ruleset_from_text_is_forked_into_the_workers():
    ruleset = load_ruleset_text(RULES, name="t.rules")
    assert ruleset.reference is None
    results = list(check_items(ruleset, _items(50, []), jobs=2))
    assert len(results) == 50


def test_a_json_lines_file_is_read_line_by_line(tmp_path):
    from indicator_rules import read_inputs

    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(
        line for n in range(2000) for line in (
            f'{{"kind": "project", "id": "a{n}", "name": "培训"}}', "{broken",
            f'{{"kind": "project", "id": "b{n}", "name": "活动"}}')), "utf-8")
    entries = read_inputs([str(path)])
    first = next(entries)
    assert isinstance(first, InputItem)
    assert first.declaration.name == "培训"
    second = next(entries)
    assert isinstance(second, InputError)
    assert second.line == 2  # the error is in its place, with its line
    rest = list(entries)
    assert len(rest) == 5998
    assert [e.line for e in rest if isinstance(e, InputError)][:2] == [5, 8]


def test_a_file_named_twice_is_read_once_and_a_copied_form_is_an_error(tmp_path):
    import shutil

    from indicator_rules import read_inputs
    from tests.render.conftest import SAMPLE_MD

    folder = tmp_path / "forms"
    folder.mkdir()
    shutil.copy(SAMPLE_MD, folder / "a.md")
    entries = list(read_inputs([str(folder / "a.md"), str(folder)]))
    assert [type(entry).__name__ for entry in entries] == ["InputItem"] * 3
    shutil.copy(SAMPLE_MD, folder / "b.txt")
    entries = list(read_inputs([str(folder)]))
    errors = [entry for entry in entries if isinstance(entry, InputError)]
    assert len([e for e in entries if isinstance(e, InputItem)]) == 3
    assert len(errors) == 3
    assert errors[0].file == str(folder / "b.txt")
    assert f"已在 {folder / 'a.md'} 中读过" in errors[0].message


def _fails(text: str) -> int:
    return int(text)


def test_an_exception_in_a_worker_reaches_the_caller_with_the_workers_traceback():
    """Only a bug raises in a worker (a rule that fails is a finding): it is raised where the
    result is wanted, with where it happened in the worker as a note."""
    ruleset = load_ruleset_text(RULES, name="t.rules")
    with runner._pool(ruleset, 1) as workers:
        future = workers.submit(_fails, "x")
        with pytest.raises(ValueError, match="invalid literal") as raised:
            future.result()
        assert "in a worker process:" in "\n".join(raised.value.__notes__)
        assert "_fails" in "\n".join(raised.value.__notes__)
        assert workers.submit(_fails, "7").result() == 7  # the worker goes on


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork")
def test_a_forked_worker_does_not_write_the_parents_pending_output_again(tmp_path):
    """A fork copies standard output's buffer: text of the report not yet written when a worker
    starts (the parent flushes first, but another thread may write meanwhile — made certain
    here) must not be written again by the worker when it ends."""
    import os
    import subprocess
    import sys

    script = tmp_path / "pending.py"
    script.write_text(
        "import os, sys\n"
        "import multiprocessing.util as util\n"
        "parent = os.getpid()\n"
        "flush = util._flush_std_streams\n"
        "util._flush_std_streams = lambda: None if os.getpid() == parent else flush()\n"
        "from indicator_rules import load_ruleset_text, runner\n"
        f"ruleset = load_ruleset_text({RULES!r}, name='t.rules')\n"
        "sys.stdout.write('written once\\n')\n"
        "with runner._pool(ruleset, 2) as workers:\n"
        "    assert workers.submit(len, 'ab').result() == 2\n", "utf-8")
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    completed = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                               env=env, timeout=120, check=True)
    assert completed.stdout == "written once\n"
