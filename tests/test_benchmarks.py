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
