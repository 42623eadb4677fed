"""The benchmark's comparisons counted in machine instructions: ratios that do not move with
the machine's load.

Run from the project root (needs valgrind: ``apt-get install valgrind``)::

    .venv/bin/python -m benchmarks.instructions                 # about five minutes
    .venv/bin/python -m benchmarks.instructions --per-rule      # and each baseline rule's cost
    .venv/bin/python -m benchmarks.instructions --sample 30 --cel-sample 5   # quicker

On a shared virtual machine the time of the same code moves by a third from one minute to the
next, so a timed ratio near its target (the compiled rules against rule-engine, about 100×)
passes in one run and fails in the next. valgrind's callgrind counts the instructions the
processor executes instead: the same number, run after run, whatever else the machine is doing
(``PYTHONHASHSEED=0``). Each measured pass runs inside ``operator.call``, and callgrind counts
only there (``--toggle-collect``), writing one count per pass (``--dump-after``): importing,
loading the rulesets, generating the corpus and a first pass that parses every 指标值 and fills
the caches are not counted.

The workloads are those of ``python -m benchmarks`` (docs/performance.md) on the first
``--sample`` declarations of its corpus: the 12-rule subset compiled and hand-written; the four
shared checks compiled, hand-written, in rule-engine and in cel-python (the engines on their
plain inputs, made before counting; cel-python on the first ``--cel-sample``, with the compiled
checks counted again on those); for reference the 51 per-form rules of ``mof-2021`` and a warm
end-to-end run (JSON Lines in, JSON report out); with ``--per-rule``, each per-form rule alone.

Instructions are not seconds: code that misses the processor's caches more takes longer per
instruction. The timed ratios of ``python -m benchmarks`` stay the measure of the targets;
these say, without the noise, where the code stands against them, and make an A/B comparison
of a change exact (count the same workloads before and after: a workload's count moves by up
to about 1% with what ran before it in the same process). The exit status is 0 whatever the
targets say (a report), 1 without valgrind; a count that fails raises with callgrind's output.
"""

from __future__ import annotations

import argparse
import functools
import gc
import io
import operator
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import attrs

__all__ = ["WORKLOADS", "Count", "count_instructions", "main", "read_totals"]

#: The workloads, by name (``rules`` is one count per per-form rule of the baseline).
WORKLOADS = ("subset", "subset-hand", "shared", "shared-hand", "rule-engine", "cel-python",
             "baseline", "end-to-end", "rules")

_TOTALS = re.compile(r"^totals: (\d+)$", re.MULTILINE)
_LABEL = "counted: "  # a line the counted process prints before each counted pass


@attrs.frozen
class Count:
    """The instructions of one measured pass over ``sample`` declarations."""

    workload: str  # a workload's name; ``rule S07`` for one rule of ``rules``
    sample: int
    instructions: int

    @property
    def per_declaration(self) -> float:
        """Instructions per declaration of the sample."""
        return self.instructions / self.sample


def _passes(name: str, sample: int, folder: Path) -> Iterator[tuple[str, Callable[[], object]]]:
    """The measured passes of workload ``name`` over the first ``sample`` declarations of the
    benchmark corpus, each with its label, made ready to run (rulesets loaded, inputs made)."""
    from benchmarks import engines, handwritten
    from benchmarks.corpus import declarations
    from benchmarks.run import (
        BASELINE,
        SEED,
        _load_text,
        _run_each,
        _run_rules,
        pipeline,
        subset_ruleset_text,
        write_corpus,
    )
    from indicator_rules import load_ruleset

    baseline = load_ruleset(BASELINE)
    if name == "end-to-end":
        path = folder / "corpus.jsonl"
        write_corpus(path, sample)
        # CPython's default collector, as in every counted pass (comparable with earlier
        # counts; the collector's cost is in cache misses, which instructions do not see)
        yield name, lambda: pipeline([str(path)], baseline, 1, io.StringIO(), tuned_gc=False)
        return
    corpus = list(declarations(sample, seed=SEED))
    own = [rule for rule in baseline.compiled if not rule.batch]
    if name == "baseline":
        yield name, functools.partial(_run_rules, own, corpus)
        return
    if name == "rules":  # the frame of a run without rules, then each rule in its frame
        yield "no rule", functools.partial(_run_rules, (), corpus)
        for rule in own:
            yield f"rule {rule.rule_id}", functools.partial(_run_rules, (rule,), corpus)
        return
    ids = handwritten.SUBSET if name.startswith("subset") else handwritten.SHARED
    ruleset = _load_text(subset_ruleset_text(ids, baseline), folder, name)
    rules = ruleset.compiled
    if name in ("subset", "shared"):
        yield name, functools.partial(_run_rules, rules, corpus)
        return
    params = handwritten.Params.of(ruleset)
    if name.endswith("-hand"):
        checks = [handwritten.RULES[rule_id] for rule_id in ids]
        yield name, lambda: [handwritten.check_subset(d, params, checks) for d in corpus]
        return
    _run_rules(rules, corpus)  # the engines' inputs hold parsed values, as the rules see them
    check, inputs = engines.prepared(name, params, corpus)
    yield name, functools.partial(_run_each, check, inputs)


def _check_workloads(jobs: Sequence[tuple[str, int]]) -> None:
    unknown = [name for name, _ in jobs if name not in WORKLOADS]
    if unknown:
        raise ValueError(f"unknown workload {', '.join(unknown)}; one of {', '.join(WORKLOADS)}")


def _counted_process(jobs: Sequence[tuple[str, int]]) -> None:
    """In the counted process: for each workload, prepare it and make each pass once (not
    counted), then each pass again, counted, inside ``operator.call``."""
    _check_workloads(jobs)
    with tempfile.TemporaryDirectory(prefix="indicator-rules-count-") as temporary:
        for name, sample in jobs:
            passes = list(_passes(name, sample, Path(temporary)))
            for _, measured in passes:  # parses the values and fills the caches
                measured()
            for label, measured in passes:
                gc.collect()  # what an earlier pass left is not collected on this one's count
                print(f"{_LABEL}{label} {sample}", flush=True)
                operator.call(measured)


def count_instructions(jobs: Sequence[tuple[str, int]],
                       valgrind: str = "valgrind") -> list[Count]:
    """The instructions of the measured passes of ``jobs`` (workload, sample size), counted by
    callgrind in one fresh process, in order."""
    _check_workloads(jobs)
    with tempfile.TemporaryDirectory(prefix="indicator-rules-callgrind-") as temporary:
        out = Path(temporary) / "callgrind.out"
        command = [valgrind, "--tool=callgrind", f"--callgrind-out-file={out}",
                   "--collect-atstart=no", "--toggle-collect=_operator_call",
                   "--dump-after=_operator_call", sys.executable, "-m",
                   "benchmarks.instructions", "--counted",
                   ",".join(f"{name}:{sample}" for name, sample in jobs)]
        completed = subprocess.run(command, capture_output=True, text=True, check=False,
                                   env={**os.environ, "PYTHONHASHSEED": "0"})
        labels = [line[len(_LABEL):].rsplit(" ", 1) for line in completed.stdout.splitlines()
                  if line.startswith(_LABEL)]
        totals = read_totals(out, len(labels))
        extra = Path(f"{out}.{len(labels) + 1}").exists()  # a pass called operator.call itself
        if completed.returncode != 0 or not labels or None in totals or extra:
            raise RuntimeError(f"counting {', '.join(name for name, _ in jobs)} failed (exit "
                               f"{completed.returncode}):\n{completed.stderr[-3000:]}")
    return [Count(label, int(sample), total)
            for (label, sample), total in zip(labels, totals, strict=True) if total is not None]


def read_totals(out: Path, passes: int) -> list[int | None]:
    """The instructions of each of the first ``passes`` dumps callgrind wrote beside ``out``
    (``out.1``, ``out.2`` …: one per ``operator.call``); None for a dump that is missing or
    holds no total."""
    totals: list[int | None] = []
    for number in range(1, passes + 1):
        dump = Path(f"{out}.{number}")
        found = _TOTALS.findall(dump.read_text(encoding="utf-8")) if dump.exists() else []
        totals.append(int(found[-1]) if found else None)
    return totals


def _parse_jobs(text: str) -> list[tuple[str, int]]:
    jobs = []
    for job in text.split(","):
        name, _, sample = job.partition(":")
        jobs.append((name, int(sample)))
    return jobs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.instructions",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=100,
                        help="declarations for all but cel-python (default 100)")
    parser.add_argument("--cel-sample", type=int, default=25,
                        help="declarations for cel-python, much slower (default 25)")
    parser.add_argument("--per-rule", action="store_true",
                        help="also count each per-form rule of the baseline alone")
    parser.add_argument("--counted", help=argparse.SUPPRESS)  # the process callgrind runs
    arguments = parser.parse_args(argv)
    if arguments.counted:
        _counted_process(_parse_jobs(arguments.counted))
        return 0
    if arguments.sample < 1 or arguments.cel_sample < 1:
        parser.error("--sample and --cel-sample must be at least 1")
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        print("valgrind is not installed (apt-get install valgrind): nothing counted")
        return 1
    from benchmarks import engines

    installed = engines.available()
    sample, cel = arguments.sample, arguments.cel_sample
    ours = [(name, sample) for name in ("subset", "subset-hand", "shared", "shared-hand",
                                        "baseline", "end-to-end")]
    if arguments.per_rule:
        ours.append(("rules", sample))
    groups = [ours]  # one process each, as many at a time as there are CPUs
    if installed["rule-engine"]:
        groups.append([("rule-engine", sample)])
    if installed["cel-python"]:
        groups.append([("shared", cel), ("cel-python", cel)])
    print(f"instructions counted by callgrind, one measured pass each, in {len(groups)} "
          f"processes ({os.cpu_count()} at a time; PYTHONHASHSEED=0)")
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        counted = list(pool.map(functools.partial(count_instructions, valgrind=valgrind),
                                groups))
    counts = [count for group in counted for count in group]
    # by process and workload: the same workload and sample may be counted in two processes
    by_job = {(index, count.workload): count
              for index, group in enumerate(counted) for count in group}
    for count in counts:
        if not count.workload.startswith(("rule ", "no rule")):
            print(f"  {count.workload:<12} {count.sample:>5} declarations  "
                  f"{count.per_declaration:>14,.0f} instructions a declaration")
    if arguments.per_rule:
        _print_per_rule([count for count in counts
                         if count.workload.startswith(("rule ", "no rule"))])

    def ratio(slow: tuple[int, str], fast: tuple[int, str]) -> float:
        """Instructions of ``slow`` over ``fast``, each (process, workload): on one sample."""
        return by_job[slow].instructions / by_job[fast].instructions

    print(f"\n  the four shared checks compiled: {ratio((0, 'shared'), (0, 'shared-hand')):.2f}× "
          f"the hand-written instructions")
    subset = ratio((0, "subset"), (0, "subset-hand"))
    targets = [("compiled subset against hand-written", subset, "≤ 1.5×", subset <= 1.5)]
    if installed["rule-engine"]:
        engine = ratio((1, "rule-engine"), (0, "shared"))
        targets.append(("compiled DSL against rule-engine", engine, "≥ 100×", engine >= 100))
    if installed["cel-python"]:
        cel_group = len(groups) - 1  # the compiled checks counted again on cel-python's sample
        slowest = ratio((cel_group, "cel-python"), (cel_group, "shared"))
        targets.append(("compiled DSL against cel-python", slowest, "≥ 1,000×",
                        slowest >= 1000))
    for name, value, wanted, ok in targets:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}, in instructions: {value:,.2f}× "
              f"(target {wanted})")
    skipped = [name for name, ok in installed.items() if not ok]
    if skipped:
        print(f"  SKIPPED {', '.join(skipped)}: not installed (.venv/bin/pip install -e "
              f"'.[bench]')")
    return 0


def _print_per_rule(counts: Sequence[Count]) -> None:
    frame = next(count for count in counts if count.workload == "no rule")
    print(f"\n  per rule (instructions a declaration, beyond the {frame.per_declaration:,.0f} "
          f"of a run without rules), most first:")
    rules = sorted((count for count in counts if count is not frame),
                   key=lambda count: -count.instructions)
    for count in rules:
        beyond = count.per_declaration - frame.per_declaration
        print(f"    {count.workload.removeprefix('rule '):<5} {beyond:>12,.0f}")


if __name__ == "__main__":
    sys.exit(main())
