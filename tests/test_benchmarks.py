"""The benchmark harness still runs and its hand-written checks still agree with the rules.

No timing is asserted (speed targets live in benchmarks/, never in unit tests): the harness
exits 1 when the hand-written or engine versions of the checks find something else than the
compiled rules, so a rule edit that the hand-written copy does not follow fails here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from indicator_rules import load_ruleset

REPO = Path(__file__).resolve().parent.parent


def test_the_quick_benchmark_runs_and_its_findings_agree():
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--count", "60", "--runs", "1",
         "--engine-count", "40", "--cel-count", "20", "--e2e-count", "60",
         "--memory-count", "100"],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert "targets met" in completed.stdout


def test_the_counted_process_runs_every_workload_and_labels_each_pass():
    # without valgrind the counted process runs at full speed: each workload is prepared and
    # passed over, and each counted pass is announced in order (the labels the counts get)
    from benchmarks.engines import available

    engines = [f"{name}:1" for name, installed in available().items() if installed]
    jobs = ",".join(["subset:3", "subset-hand:3", "shared:3", "shared-hand:3", "baseline:3",
                     "end-to-end:3", "rules:2", *engines])
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.instructions", "--counted", jobs],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    labels = [line.removeprefix("counted: ") for line in completed.stdout.splitlines()]
    rules = [label for label in labels if label.startswith("rule ")]
    assert labels[:6] == ["subset 3", "subset-hand 3", "shared 3", "shared-hand 3",
                          "baseline 3", "end-to-end 3"]
    own = [rule.rule_id for rule in load_ruleset("mof-2021").compiled if not rule.batch]
    assert labels[6] == "no rule 2"
    assert rules == [f"rule {rule_id} 2" for rule_id in own]
    assert labels[7 + len(own):] == [engine.replace(":", " ") for engine in engines]


def test_callgrind_dumps_are_read_in_order_and_a_missing_total_is_none(tmp_path):
    from benchmarks.instructions import read_totals

    out = tmp_path / "callgrind.out"
    (tmp_path / "callgrind.out.1").write_text("events: Ir\nsummary: 120\ntotals: 120\n")
    (tmp_path / "callgrind.out.2").write_text("events: Ir\ntotals: 7\n")
    (tmp_path / "callgrind.out.3").write_text("events: Ir\n")
    assert read_totals(out, 4) == [120, 7, None, None]


def test_the_counted_process_refuses_an_unknown_workload():
    from benchmarks.instructions import _counted_process

    with pytest.raises(ValueError, match="unknown workload nope"):
        _counted_process([("subset", 1), ("nope", 1)])
