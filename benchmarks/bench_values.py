"""Throughput of ``indicator_rules.values.parse_value`` on realistic 指标值 cells.

Run: ``.venv/bin/python benchmarks/bench_values.py``. Reports cold (cache cleared before each
run) and warm (every value already cached) throughput in values/s, median of several runs, and
the cold figure after ``gc.freeze()`` (see docs/values.md, "Grammar and performance").
"""

from __future__ import annotations

import gc
import random
import statistics
import time

from indicator_rules.values import parse_value

SEED = 20210101
VALUES = 20_000
RUNS = 5

_TEMPLATES = (
    "{n}次",
    "培训{n}人次",
    "覆盖率≥{p}%",
    "满意度 {p}%以上",
    "及时率100%",
    "≤{m}万元",
    "服务对象满意度≥{p}%",
    "每季度至少{k}次",
    "全年约 {n} 次",
    "每月{k}次",
    "{m}万元",
    "{m}.00",
    "约{m}万元",
    "{y}年{mo}月底前",
    "{mo}月底前完成",
    "年底前",
    "{y}.0{mo}-{y1}.0{mo}",
    "市直机关干部职工参与度 {q}%以上 市直机关工会干部参训率 100%",
    "合格",
    "优良",
    "达标",
    "按时完成",
    "按照中央、省委、市委要求执行",
    "打造一批有影响力的模范机关",
    "{n}余个",
    "{n}-{n2}次",
    "1.{k}万人次",
    "不少于{n}场",
    "控制在{q}%以内",
    "100%",
    "0",
    "全覆盖",
    "对符合条件的困难职工进行慰问 全年不少 {k} 次",
    "三百人次",
    "十余个",
    "长期坚持",
)


def realistic_values(count: int, seed: int = SEED) -> list[str]:
    """*count* cells from the templates, with numbers drawn so that values repeat realistically."""
    rng = random.Random(seed)
    cells = []
    for _ in range(count):
        template = rng.choice(_TEMPLATES)
        year = rng.randint(2019, 2025)
        cells.append(
            template.format(
                n=rng.randint(1, 300),
                n2=rng.randint(301, 600),
                p=rng.choice((85, 90, 95, 98)),
                m=rng.randint(1, 500),
                k=rng.randint(1, 4),
                q=rng.randint(10, 90),
                y=year,
                y1=year + 1,
                mo=rng.randint(1, 9),
            )
        )
    return cells


def _throughput(cells: list[str], *, clear: bool) -> float:
    if clear:
        parse_value.cache_clear()
    start = time.perf_counter()
    for cell in cells:
        parse_value(cell)
    return len(cells) / (time.perf_counter() - start)


def main() -> None:
    cells = realistic_values(VALUES)
    distinct = len(set(cells))
    cold = [_throughput(cells, clear=True) for _ in range(RUNS)]
    unique = list(dict.fromkeys(cells))
    cold_unique = [_throughput(unique, clear=True) for _ in range(RUNS)]
    _throughput(unique, clear=True)
    warm = [_throughput(cells, clear=False) for _ in range(RUNS)]
    print(f"{VALUES} values, {distinct} distinct; median of {RUNS} runs")
    print(
        f"cold (cache cleared, repeats hit the cache): {statistics.median(cold):>10,.0f} values/s"
    )
    print(
        f"cold, distinct values only (every call parses): "
        f"{statistics.median(cold_unique):>10,.0f} values/s"
    )
    print(
        f"warm (all cached):                           {statistics.median(warm):>10,.0f} values/s"
    )
    # Diagnostic: the same cold run with import-time objects hidden from the garbage collector,
    # which separates the parser's own cost from full collections walking the package's objects.
    gc.freeze()
    frozen = [_throughput(unique, clear=True) for _ in range(RUNS)]
    gc.unfreeze()
    print(
        f"cold, distinct, after gc.freeze():               "
        f"{statistics.median(frozen):>10,.0f} values/s"
    )


if __name__ == "__main__":
    main()
