"""The benchmark harness of indicator_rules (issue #8): one command, one report.

Run from the project root::

    .venv/bin/python -m benchmarks            # full: 10,000 declarations, 3 runs, 100k streamed
    .venv/bin/python -m benchmarks --quick    # a smoke run: small corpus, 1 run, under a minute

It generates the seeded synthetic corpus (:mod:`benchmarks.corpus`) and measures, printing each
target with its measured value and PASS/FAIL (see docs/performance.md):

1. the compiled benchmark subset of ``mof-2021`` (12 rules of different shapes; every other
   rule disabled) against the same checks written by hand (:mod:`benchmarks.handwritten`), with
   the findings asserted equal (rule id, path, severity) on every declaration;
2. a shared subset of four checks in the compiled DSL, by hand, in rule-engine and in
   cel-python (:mod:`benchmarks.engines`; skipped with a message when not installed);
3. end-to-end throughput, JSON Lines in → JSON report out (``read_inputs`` + ``check_items`` +
   the JSON renderer), value cache cold and warm, ``jobs=2`` against ``jobs=1``;
4. ruleset load+compile time in a fresh process and a second time in the same process, and the
   peak memory of streaming many declarations through the baseline without its batch rules.

Times are medians of the runs. The exit status is 0 whatever the targets say (this is a
report); 1 when the hand-written or engine findings differ from the compiled ones, or something
crashes.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime
import functools
import gc
import io
import json
import multiprocessing
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from benchmarks import engines, handwritten
from benchmarks.corpus import declarations
from indicator_rules import (
    Declaration,
    InputError,
    Report,
    Ruleset,
    check_items,
    gc_for_checking,
    load_ruleset,
    read_inputs,
)
from indicator_rules.collector import YOUNG_THRESHOLD
from indicator_rules.dsl.functions import _parse as builtin_parse
from indicator_rules.engine import CompiledRule, run_batch, run_rules
from indicator_rules.render import RunSummary, render_entries
from indicator_rules.render.json_report import JsonRenderer
from indicator_rules.serialize import dumps_declarations
from indicator_rules.values import parse_value

__all__ = ["main"]

SEED = 20210101
BASELINE = "mof-2021"


@attrs.frozen
class Config:
    """How much to measure."""

    count: int  # declarations of the corpus (sections 1 and 2)
    runs: int  # timed runs of each measurement (the median is reported)
    engine_count: int  # declarations evaluated with rule-engine (section 2)
    cel_count: int  # declarations evaluated with cel-python, much slower (section 2)
    e2e_count: int  # declarations of the JSON Lines file checked end to end (section 3)
    memory_count: int  # declarations streamed for the peak memory (section 4)
    load_runs: int  # fresh processes for the cold load time


FULL = Config(count=10_000, runs=3, engine_count=1_000, cel_count=250, e2e_count=5_000,
              memory_count=100_000, load_runs=3)
QUICK = Config(count=300, runs=1, engine_count=100, cel_count=50, e2e_count=300,
               memory_count=1_000, load_runs=2)


@attrs.define
class Outcome:
    """The targets met and missed, and whether the findings agreed."""

    lines: list[tuple[str, str, str, bool]] = attrs.field(factory=list)
    mismatches: int = 0

    def target(self, name: str, measured: str, wanted: str, ok: bool) -> None:
        self.lines.append((name, measured, wanted, ok))
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {measured} (target {wanted})")


def _median_time(action: Callable[[], object], runs: int) -> float:
    """The median time of ``runs`` runs of ``action``; each starts after a garbage collection,
    so that what one side of a comparison left behind is not collected on the other's clock
    (garbage collection stays on while timing, as it is in use)."""
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _paired(first: Callable[[], object], second: Callable[[], object],
            runs: int) -> tuple[float, float, float]:
    """``first`` and ``second`` timed back to back, ``runs`` times: the median of the ratios
    first/second of each pair, and the median time of each. On a shared machine whose speed
    drifts, a ratio of two times taken minutes apart says more about the drift than about
    the code; a ratio within each pair does not. Every other pair runs ``second`` first, so
    that going first or second (a warmer cache, a busier minute) favours neither side."""
    pairs = []
    for number in range(runs):
        if number % 2:  # left to right: second, then first
            two, one = _median_time(second, 1), _median_time(first, 1)
        else:
            one, two = _median_time(first, 1), _median_time(second, 1)
        pairs.append((one, two))
    return (statistics.median(a / b for a, b in pairs), statistics.median(a for a, _ in pairs),
            statistics.median(b for _, b in pairs))


def _run_each(check: Callable[[Any], object], inputs: Sequence[Any]) -> None:
    for item in inputs:
        check(item)


def _run_rules(rules: Sequence[CompiledRule], corpus: Sequence[Declaration]) -> None:
    for declaration in corpus:
        run_rules(rules, declaration)


def _compiled_time(rules: Sequence[CompiledRule], corpus: Sequence[Declaration],
                   runs: int) -> float:
    return _median_time(lambda: [run_rules(rules, d) for d in corpus], runs)


def _hand_time(checks: Sequence[handwritten.Check], params: handwritten.Params,
               corpus: Sequence[Declaration], runs: int) -> float:
    return _median_time(lambda: [handwritten.check_subset(d, params, checks) for d in corpus],
                        runs)


def _key(report: Report) -> list[tuple[str, str, str]]:
    return sorted((f.rule_id, f.path, f.severity.name) for f in report.findings)


def subset_ruleset_text(keep: Iterable[str], baseline: Ruleset) -> str:
    """A ruleset that extends the baseline and disables every rule not in ``keep``."""
    kept = set(keep)
    lines = [f'ruleset "bench-{len(kept)}"', f'extends "{BASELINE}"', ""]
    lines += [f'disable {rule.rule_id} because "benchmark subset"'
              for rule in baseline.compiled if rule.rule_id not in kept]
    return "\n".join(lines) + "\n"


def _load_text(text: str, folder: Path, name: str) -> Ruleset:
    path = folder / f"{name}.rules"
    path.write_text(text, encoding="utf-8")
    return load_ruleset(path)


# -------------------------------------------------------- 1. compiled against hand-written


def compiled_vs_handwritten(corpus: Sequence[Declaration], ruleset: Ruleset, config: Config,
                            outcome: Outcome, profile: bool) -> None:
    print(f"\n1. Compiled subset ({len(handwritten.SUBSET)} rules: "
          f"{' '.join(handwritten.SUBSET)}) against hand-written Python, "
          f"{len(corpus):,} declarations")
    rules = ruleset.compiled
    missing = set(handwritten.SUBSET) - {rule.rule_id for rule in rules}
    if missing:
        raise SystemExit(f"the baseline has no rule {', '.join(sorted(missing))}")
    params = handwritten.Params.of(ruleset)
    compiled_reports = [run_rules(rules, d) for d in corpus]  # also parses every value
    hand_reports = [handwritten.check(d, params) for d in corpus]
    differ = [(d, a, b) for d, a, b in zip(corpus, compiled_reports, hand_reports, strict=True)
              if _key(a) != _key(b)]
    findings = sum(len(report.findings) for report in compiled_reports)
    if differ:
        outcome.mismatches += len(differ)
        print(f"  MISMATCH: hand-written findings differ on {len(differ)} declarations")
        for d, a, b in differ[:5]:
            print(f"    {d.id}: compiled only {sorted(set(_key(a)) - set(_key(b)))}, "
                  f"hand-written only {sorted(set(_key(b)) - set(_key(a)))}")
    else:
        print(f"  findings equal on every declaration ({findings:,} findings)")
    ratio, compiled, hand = _paired(lambda: [run_rules(rules, d) for d in corpus],
                                    lambda: [handwritten.check(d, params) for d in corpus],
                                    config.runs)
    print(f"  compiled {len(corpus) / compiled:>10,.0f} declarations/s"
          f"   hand-written {len(corpus) / hand:>10,.0f} declarations/s")
    print("  per rule (median time per declaration, µs):")
    for rule in rules:
        check = handwritten.RULES[rule.rule_id]
        rule_time = _compiled_time((rule,), corpus, config.runs)
        hand_time = _hand_time((check,), params, corpus, config.runs)
        print(f"    {rule.rule_id}  compiled {rule_time / len(corpus) * 1e6:8.1f}"
              f"   hand-written {hand_time / len(corpus) * 1e6:8.1f}"
              f"   × {rule_time / hand_time:5.1f}")
    outcome.target("compiled subset against hand-written", f"{ratio:.2f}× the time", "≤ 1.5×",
                   ratio <= 1.5)
    if profile:
        _profile("compiled subset", lambda: [run_rules(rules, d) for d in corpus])
        _profile("hand-written subset", lambda: [handwritten.check(d, params) for d in corpus])


def _profile(title: str, action: Callable[[], object]) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(action)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
    print(f"\n  profile of the {title} (by own time):")
    body = out.getvalue().split("\n")
    start = next((n for n, line in enumerate(body) if "ncalls" in line), 0)
    print(textwrap.indent("\n".join(line for line in body[start:] if line.strip()), "    "))


# ------------------------------------------------------------- 2. against rule engines


def against_engines(corpus: Sequence[Declaration], ruleset: Ruleset, config: Config,
                    outcome: Outcome) -> None:
    sample = list(corpus[: max(config.engine_count, config.cel_count)])
    print(f"\n2. Shared subset ({' '.join(handwritten.SHARED)}) in the compiled DSL, by hand, in "
          f"rule-engine and in cel-python, {len(sample):,} declarations")
    rules = ruleset.compiled
    params = handwritten.Params.of(ruleset)
    checks = [handwritten.RULES[rule_id] for rule_id in handwritten.SHARED]
    for d in sample:  # parse every value before timing
        run_rules(rules, d)
    expected = [sorted((f.rule_id, f.path) for f in run_rules(rules, d).findings)
                for d in sample]
    hand_found = [sorted((f.rule_id, f.path)
                         for f in handwritten.check_subset(d, params, checks).findings)
                  for d in sample]
    if hand_found != expected:
        outcome.mismatches += 1
        print("  MISMATCH: hand-written shared subset differs from the compiled one")
    runs = max(config.runs, 3)  # small samples: a few more runs
    compiled = _median_time(lambda: [run_rules(rules, d) for d in sample], runs) / len(sample)
    hand = _median_time(lambda: [handwritten.check_subset(d, params, checks) for d in sample],
                        runs) / len(sample)
    print(f"  compiled DSL  {1 / compiled:>12,.0f} declarations/s")
    print(f"  hand-written  {1 / hand:>12,.0f} declarations/s   "
          f"(compiled is {compiled / hand:.2f}× the time)")
    installed = engines.available()
    targets = {"rule-engine": (100.0, config.engine_count), "cel-python": (1000.0,
                                                                          config.cel_count)}
    for name, (wanted, count) in targets.items():
        if not installed[name]:
            print(f"  SKIPPED {name}: not installed (.venv/bin/pip install -e '.[bench]')")
            continue
        check, inputs = engines.prepared(name, params, sample[:count])
        found = [sorted(check(item)) for item in inputs]
        if found != expected[:count]:
            outcome.mismatches += 1
            bad = sum(a != b for a, b in zip(found, expected, strict=False))
            print(f"  MISMATCH: {name} findings differ on {bad} declarations")
        same = sample[:count]  # the compiled rules on the same declarations, timed in pairs
        # the compiled side over the same declarations enough times to be measurable
        repeat = max(1, 2_000 // count)
        speedup, seconds, _ = _paired(functools.partial(_run_each, check, inputs),
                                      functools.partial(_run_rules, rules, same * repeat),
                                      config.runs)
        speedup *= repeat
        seconds /= len(inputs)
        print(f"  {name:<12}  {1 / seconds:>12,.0f} declarations/s   "
              f"({seconds / hand:,.0f}× the hand-written time; {len(inputs):,} declarations)")
        outcome.target(f"compiled DSL faster than {name}", f"{speedup:,.1f}×",
                       f"≥ {wanted:,.0f}×", speedup >= wanted)


# ----------------------------------------------------------------------- 3. end to end


def write_corpus(path: Path, count: int, chunk: int = 1_000) -> None:
    """``count`` declarations of the corpus as JSON Lines, written a chunk at a time."""
    with path.open("w", encoding="utf-8") as out:
        batch: list[Declaration] = []
        for declaration in declarations(count, seed=SEED):
            batch.append(declaration)
            if len(batch) == chunk:
                out.write(dumps_declarations(batch, file_format="jsonl"))
                batch = []
        if batch:
            out.write(dumps_declarations(batch, file_format="jsonl"))


def pipeline(paths: Sequence[str], ruleset: Ruleset, jobs: int, out: Any, *,
             tuned_gc: bool = True) -> int:
    """What ``indicator-rules check PATHS --format json --jobs N`` does (the garbage collector
    set as the command line sets it, :func:`~indicator_rules.gc_for_checking`, unless not
    ``tuned_gc``); declarations checked."""
    summary = RunSummary(ruleset.name, exit_zero=True)
    renderer = JsonRenderer(out, ruleset)
    with gc_for_checking() if tuned_gc else contextlib.nullcontext():
        render_entries(check_items(ruleset, read_inputs(paths), jobs=jobs), summary, renderer)
    renderer.finish(summary)
    return summary.declarations


def clear_value_caches() -> None:
    """Forget every 指标值 parsed: ``parse_value``'s cache and the values ``parse(text)`` keeps
    (each holds its parse), so that a cold run parses each value again."""
    parse_value.cache_clear()
    builtin_parse.cache_clear()


def end_to_end(folder: Path, config: Config, outcome: Outcome) -> None:
    path = folder / "corpus.jsonl"
    write_corpus(path, config.e2e_count)
    size = path.stat().st_size / 1e6
    print(f"\n3. End to end: {path.name} ({config.e2e_count:,} declarations, {size:.1f} MB) → JSON "
          f"report, ruleset {BASELINE} (all 53 rules, batch rules included; the garbage "
          f"collector set as the command line sets it)")
    ruleset = load_ruleset(BASELINE)

    def run(jobs: int, *, cold: bool, tuned_gc: bool = True) -> float:
        if cold:
            clear_value_caches()
        start = time.perf_counter()
        checked = pipeline([str(path)], ruleset, jobs, io.StringIO(), tuned_gc=tuned_gc)
        seconds = time.perf_counter() - start
        assert checked == config.e2e_count, checked
        return seconds

    # jobs=1 and jobs=2 back to back, cold both: the speed-up is the median of the pairs'
    # ratios (as in sections 1 and 2), which the machine's drift does not enter
    pairs, ceilings = [], []
    for _ in range(config.runs):
        pairs.append((run(1, cold=True), run(2, cold=True)))
        ceilings.append(parallel_ceiling())  # in the same minutes
    cold = statistics.median(one for one, _ in pairs)
    parallel = statistics.median(two for _, two in pairs)
    run(1, cold=True)
    info = parse_value.cache_info()  # of a cold run on one core
    hit_rate = info.hits / max(1, info.hits + info.misses)
    warm = statistics.median(run(1, cold=False) for _ in range(config.runs))
    rate = {name: config.e2e_count / seconds for name, seconds in
            (("cold", cold), ("warm", warm), ("jobs2", parallel))}
    print(f"  value cache of a cold run: {info.hits + info.misses:,} look-ups, "
          f"{hit_rate:.0%} hits, {info.currsize:,} distinct values")
    print(f"  jobs=1 cold {rate['cold']:>8,.0f}/s   jobs=1 warm {rate['warm']:>8,.0f}/s   "
          f"jobs=2 cold {rate['jobs2']:>8,.0f}/s   ({os.cpu_count()} CPUs)")
    outcome.target("end to end, one core, warm value cache", f"{rate['warm']:,.0f} "
                   "declarations/s", "≥ 5,000/s", rate["warm"] >= 5000)
    outcome.target("end to end, one core, cold value cache", f"{rate['cold']:,.0f} "
                   "declarations/s", "≥ 1,000/s", rate["cold"] >= 1000)
    speedup = statistics.median(one / two for one, two in pairs)
    outcome.target("--jobs 2 against --jobs 1 (cold value cache in the workers too)",
                   f"{speedup:.2f}×", "≥ 1.7× on 2 cores", speedup >= 1.7)
    print(f"  this machine's own ceiling in the same minutes: two independent pure-Python loops "
          f"ran {statistics.median(ceilings):.2f}× as fast in two processes as one after the "
          f"other (median; {min(ceilings):.2f}–{max(ceilings):.2f}×)")
    gains = {name: _paired(functools.partial(run, 1, cold=cold, tuned_gc=False),
                           functools.partial(run, 1, cold=cold), config.runs)[0]
             for name, cold in (("cold", True), ("warm", False))}
    print(f"  the garbage collector as the command line sets it (gc_for_checking, young "
          f"generation every {YOUNG_THRESHOLD:,} allocations) against CPython's default: "
          f"{gains['cold']:.2f}× as fast cold, {gains['warm']:.2f}× warm (medians of "
          f"back-to-back pairs)")
    stages(path, ruleset, config)


def _spin(count: int = 2_000_000) -> int:
    total = 0
    for number in range(count):
        total += number * number
    return total


def parallel_ceiling() -> float:
    """What two processes gain on this machine, now, for work that shares nothing: two loops
    one after the other against the same two loops at once. On a shared virtual machine it
    moves well below 2 (the other tenants' load), and it bounds what ``--jobs 2`` can show."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context: Any = multiprocessing.get_context(method)
    start = time.perf_counter()
    _spin()
    _spin()
    serial = time.perf_counter() - start
    start = time.perf_counter()
    workers = [context.Process(target=_spin) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return serial / (time.perf_counter() - start)


def stages(path: Path, ruleset: Ruleset, config: Config) -> None:
    """Where the time of a warm end-to-end run goes, stage by stage (per declaration)."""
    own = [rule for rule in ruleset.compiled if not rule.batch]
    batch_rules = [rule for rule in ruleset.compiled if rule.batch]
    items: list[Any] = []
    reports: list[Report] = []

    def read() -> None:
        items[:] = [item for item in read_inputs([str(path)]) if not isinstance(item, InputError)]

    def check() -> None:
        reports[:] = [run_rules(own, item.declaration) for item in items]

    def render() -> None:
        summary = RunSummary(ruleset.name, exit_zero=True)
        renderer = JsonRenderer(io.StringIO(), ruleset)
        render_entries(zip(items, reports, strict=True), summary, renderer)
        renderer.finish(summary)

    with gc_for_checking():  # the collector as in the end-to-end runs
        timed = {"read and structure": _median_time(read, config.runs)}
        timed[f"{len(own)} per-form rules"] = _median_time(check, config.runs)
        timed[f"{len(batch_rules)} batch rules"] = _median_time(
            lambda: run_batch(batch_rules, [item.declaration for item in items]), config.runs)
        timed["JSON report"] = _median_time(render, config.runs)
    count = len(items)
    print("  per declaration, warm value cache: " + ", ".join(
        f"{name} {seconds / count * 1e3:.2f} ms" for name, seconds in timed.items())
        + f" (together {sum(timed.values()) / count * 1e3:.2f} ms; 5,000/s leaves 0.20 ms)")


# --------------------------------------------------------------- 4. load time and memory

_LOAD = """
import json, time
start = time.perf_counter()
from indicator_rules import load_ruleset
imported = time.perf_counter()
load_ruleset({name!r})
first = time.perf_counter()
load_ruleset({name!r})
second = time.perf_counter()
print(json.dumps({{"import": imported - start, "first": first - imported,
                  "second": second - first}}))
"""

_STREAM = """
import json, os, sys, time
sys.path.insert(0, {root!r})
from indicator_rules import load_ruleset
from benchmarks.run import peak_rss_kb, pipeline
ruleset = load_ruleset({ruleset!r})
assert not ruleset.has_batch_rules
before = peak_rss_kb()
start = time.perf_counter()
with open(os.devnull, "w", encoding="utf-8") as out:
    checked = pipeline([{path!r}], ruleset, 1, out)
seconds = time.perf_counter() - start
peak = peak_rss_kb()
print(json.dumps({{"checked": checked, "seconds": seconds, "before_kb": before,
                  "peak_kb": peak}}))
"""


def peak_rss_kb() -> int:
    """This process's peak resident set size in KiB: ``VmHWM`` on Linux (``ru_maxrss`` there
    also counts the parent's memory when the child was started by vfork), else ``ru_maxrss``."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _python(code: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, env=None if env is None else {**os.environ, **env})
    if done.returncode != 0:
        raise RuntimeError(f"subprocess failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def load_and_memory(folder: Path, baseline: Ruleset, config: Config, outcome: Outcome) -> None:
    print(f"\n4. Ruleset load+compile ({BASELINE}, {config.load_runs} fresh processes) and "
          f"peak memory")
    loads = [_python(_LOAD.format(name=BASELINE)) for _ in range(config.load_runs)]
    imported = statistics.median(load["import"] for load in loads) * 1000
    first = statistics.median(load["first"] for load in loads) * 1000
    second = statistics.median(load["second"] for load in loads) * 1000
    print(f"  import indicator_rules {imported:,.0f} ms; first load {first:,.0f} ms; "
          f"second load in the same process {second:,.0f} ms")
    # for comparison: a process whose cache folder is empty parses, checks and compiles
    scratch = _python(_LOAD.format(name=BASELINE),
                      {"INDICATOR_RULES_CACHE_DIR": str(folder / "empty-cache")})["first"]
    print(f"  (with an empty cache folder, as on the first run after installing: "
          f"{scratch * 1000:,.0f} ms, parsing included)")
    outcome.target("baseline load+compile, fresh process", f"{first:,.0f} ms", "≤ 100 ms",
                   first <= 100)
    outcome.target("baseline load+compile, second load in the same process",
                   f"{second:,.0f} ms", "≤ 10 ms from cache", second <= 10)

    streamed = folder / "stream.jsonl"
    write_corpus(streamed, config.memory_count)
    text = subset_ruleset_text({rule.rule_id for rule in baseline.compiled} - {"B02", "X07"},
                               baseline)
    rules = folder / "stream.rules"
    rules.write_text(text, encoding="utf-8")
    root = str(Path(__file__).resolve().parents[1])
    result = _python(_STREAM.format(root=root, ruleset=str(rules), path=str(streamed)))
    peak = result["peak_kb"] / 1024
    before = result["before_kb"] / 1024
    rate = result["checked"] / result["seconds"]
    print(f"  streamed {result['checked']:,} declarations ({streamed.stat().st_size / 1e6:.0f} "
          f"MB of JSON Lines, one file) through {BASELINE} without B02, X07: "
          f"{rate:,.0f}/s; peak RSS {before:,.0f} MB after loading the ruleset, {peak:,.0f} MB "
          "at the end")
    label = (f"peak memory streaming {config.memory_count:,}"
             + ("" if config.memory_count >= 100_000 else " (quick: target is for 100k)"))
    outcome.target(label, f"{peak:,.0f} MB", "≤ 200 MB", peak <= 200)


# ------------------------------------------------------------------------------ main


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="small corpus, one run: a smoke test (under a minute)")
    parser.add_argument("--count", type=int, help="declarations in the corpus")
    parser.add_argument("--runs", type=int, help="timed runs per measurement (median)")
    parser.add_argument("--engine-count", type=int, help="declarations for rule-engine")
    parser.add_argument("--cel-count", type=int, help="declarations for cel-python")
    parser.add_argument("--e2e-count", type=int, help="declarations checked end to end")
    parser.add_argument("--memory-count", type=int, help="declarations streamed for memory")
    parser.add_argument("--profile", action="store_true",
                        help="also print a cProfile of the compiled and hand-written subsets")
    arguments = parser.parse_args(argv)
    config = QUICK if arguments.quick else FULL
    overrides = {name: getattr(arguments, name) for name in
                 ("count", "runs", "engine_count", "cel_count", "e2e_count",
                  "memory_count")
                 if getattr(arguments, name) is not None}
    config = attrs.evolve(config, **overrides)
    started = time.perf_counter()
    print(f"indicator_rules benchmarks, {datetime.date.today().isoformat()}, {_machine()}")
    print(f"{'quick' if arguments.quick else 'full'} mode: {config.count:,} declarations "
          f"(rule-engine {config.engine_count:,}, cel-python {config.cel_count:,}, end to end "
          f"{config.e2e_count:,}, streamed {config.memory_count:,}), median of {config.runs} "
          f"run(s), seed {SEED}")
    outcome = Outcome()
    corpus = list(declarations(config.count, seed=SEED))
    indicators = sum(len(d.indicators) for d in corpus)
    print(f"corpus: {indicators:,} indicators ({indicators / len(corpus):.1f} per declaration),"
          f" {len({i.value.text for d in corpus for i in d.indicators}):,} distinct 指标值")
    baseline = load_ruleset(BASELINE)
    with tempfile.TemporaryDirectory(prefix="indicator-rules-bench-") as temporary:
        folder = Path(temporary)
        subset = _load_text(subset_ruleset_text(handwritten.SUBSET, baseline), folder, "subset")
        shared = _load_text(subset_ruleset_text(handwritten.SHARED, baseline), folder, "shared")
        compiled_vs_handwritten(corpus, subset, config, outcome, arguments.profile)
        against_engines(corpus, shared, config, outcome)
        del corpus
        end_to_end(folder, config, outcome)
        load_and_memory(folder, baseline, config, outcome)
    passed = sum(ok for *_, ok in outcome.lines)
    print(f"\nSummary ({time.perf_counter() - started:,.0f} s): {passed} of "
          f"{len(outcome.lines)} targets met")
    for name, measured, wanted, ok in outcome.lines:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {measured} (target {wanted})")
    if outcome.mismatches:
        print("findings differ between the compiled rules and their hand-written or engine "
              "versions: exit 1")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
