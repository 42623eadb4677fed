"""The shared subset (S07, V01, F01, M02) written for two general-purpose rule engines.

`rule-engine <https://pypi.org/project/rule-engine/>`_ and `cel-python
<https://pypi.org/project/cel-python/>`_ (Google's Common Expression Language) evaluate
expressions over plain data, so each declaration is first converted to plain dicts (outside the
timed region, see :func:`to_plain`). What needs the library's own helpers is computed there too —
the normalized texts, the count of targets, the first percentage, the canonical 一级/二级 — so the
engines are given a head start: only the rules' logic (regex tests, comparisons, null handling,
the funding sum, the count of named indicators) runs inside them.

Per-indicator rules (V01, M02) are evaluated once per indicator, as these engines are used (a
rule is a predicate over one object); the loop that does so is plain Python. A predicate here
is true when there is a finding. Both packages are optional (``pip install -e '.[bench]'``);
:func:`available` says which are installed.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from benchmarks.handwritten import Params
from indicator_rules import Declaration
from indicator_rules.dsl.functions import normalize_text
from indicator_rules.model import MONEY_UNITS
from indicator_rules.taxonomy import canonical_level1, canonical_level2
from indicator_rules.values import UnitKind

__all__ = ["ENGINES", "Findings", "available", "cel_checker", "prepared", "rule_engine_checker",
           "to_plain"]

#: (rule id, path) of every finding of one declaration.
Findings = list[tuple[str, str]]
#: A checker over the plain form of one declaration.
PlainChecker = Callable[[Any], Findings]

ENGINES = {"rule-engine": "rule_engine", "cel-python": "celpy"}

_PLACEHOLDER = "^(无|待定|待填|暂无|NA|N/A|na|n/a|略)$"  # V01, as in mof-2021.rules


def available() -> dict[str, bool]:
    """Whether each engine's package is installed."""
    return {name: importlib.util.find_spec(module) is not None
            for name, module in ENGINES.items()}


def _first_percent(declaration: Declaration, index: int) -> Decimal | None:
    for target in declaration.indicators[index].value.parsed.targets:
        if target.unit_kind is UnitKind.PERCENT:
            return target.number
    return None


def to_plain(declaration: Declaration) -> dict[str, Any]:
    """The declaration as plain data, with the helpers' results precomputed; amounts in 万元."""
    factor = MONEY_UNITS[declaration.money_unit]
    funding = declaration.funding

    def amount(name: str) -> Decimal | None:
        value: Decimal | None = getattr(funding, name, None)
        return None if value is None else value * factor

    return {
        "kind": declaration.kind,
        "total": amount("total"),
        "fiscal": amount("fiscal"),
        "other": amount("other"),
        "indicators": [
            {
                "index": index,
                "name": i.name,
                "norm_name": normalize_text(i.name),
                "norm_value": normalize_text(i.value.text),
                "targets": len(i.value.parsed.targets),
                "percent": _first_percent(declaration, index),
                "category": canonical_level1(i.level1),
                "subcategory": canonical_level2(i.level2),
            }
            for index, i in enumerate(declaration.indicators)
        ],
    }


def _words(p: Params) -> str:
    return "|".join(re.escape(word) for word in p.satisfaction_words)


def prepared(name: str, p: Params,
             declarations: Sequence[Declaration]) -> tuple[PlainChecker, list[Any]]:
    """Engine ``name``'s checker and its inputs, one per declaration (values parsed first):
    made before anything is timed or counted."""
    plain = [to_plain(declaration) for declaration in declarations]
    if name == "rule-engine":
        return rule_engine_checker(p), plain
    return cel_checker(p), [cel_activation(item) for item in plain]


def _string(text: str) -> str:
    """A string literal for either language (both accept backslash escapes)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ---------------------------------------------------------------------------- rule-engine

def rule_engine_checker(p: Params) -> PlainChecker:
    """The shared subset in rule-engine's language; runs over :func:`to_plain` dicts."""
    import rule_engine  # type: ignore[import-untyped,import-not-found,unused-ignore]

    context = rule_engine.Context(default_value=None)
    blank = _string(r"^\s*$")
    tolerance = str(p.tolerance)
    fiscal = "(fiscal == null ? 0 : fiscal)"
    parts = f"({fiscal} + (other == null ? 0 : other))"
    s07 = rule_engine.Rule(
        f"[i for i in indicators if not (i.norm_name =~ {blank})].length > {p.max_indicators}",
        context=context)
    f01 = rule_engine.Rule(
        f"kind == 'project' and (fiscal != null or other != null)"
        f" and not (total != null and other == null and total > {fiscal} + {tolerance})"
        f" and not (total != null and total - {parts} <= {tolerance}"
        f" and {parts} - total <= {tolerance})", context=context)
    v01 = rule_engine.Rule(
        f"not (name =~ {blank}) and (norm_value =~ {blank}"
        f" or norm_value =~ {_string(_PLACEHOLDER)}) and targets == 0", context=context)
    m02 = rule_engine.Rule(
        f"(name =~~ {_string(_words(p))} or subcategory == '服务对象满意度指标'"
        f" or category == '满意度指标') and not (name =~~ '不满意')"
        f" and percent != null and percent < {p.min_satisfaction}", context=context)

    def check(plain: dict[str, Any]) -> Findings:
        found: Findings = []
        if s07.matches(plain):
            found.append(("S07", ""))
        for indicator in plain["indicators"]:
            if v01.matches(indicator):
                found.append(("V01", f"indicators[{indicator['index']}].value"))
        if f01.matches(plain):
            found.append(("F01", ""))
        for indicator in plain["indicators"]:
            if m02.matches(indicator):
                found.append(("M02", f"indicators[{indicator['index']}].value"))
        return found

    return check


# ------------------------------------------------------------------------------ cel-python

def cel_activation(plain: dict[str, Any]) -> Any:
    """A :func:`to_plain` dict as CEL values: nulls left out (tested with ``has``), decimals as
    doubles."""
    from celpy.adapter import json_to_cel  # type: ignore[import-not-found,unused-ignore]

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: clean(item) for key, item in value.items() if item is not None}
        if isinstance(value, list):
            return [clean(item) for item in value]
        if isinstance(value, Decimal):
            return float(value)
        return value

    cleaned = clean(plain)
    return {"d": json_to_cel(cleaned),
            "items": [{"i": json_to_cel(item)} for item in cleaned["indicators"]]}


def cel_checker(p: Params) -> PlainChecker:
    """The shared subset in CEL; runs over :func:`cel_activation` values."""
    import celpy  # type: ignore[import-not-found,unused-ignore]

    environment = celpy.Environment()

    def program(text: str) -> Any:
        return environment.program(environment.compile(text))

    blank = _string(r"^\s*$")
    tolerance = float(p.tolerance)
    fiscal = "(has(d.fiscal) ? d.fiscal : 0.0)"
    parts = f"({fiscal} + (has(d.other) ? d.other : 0.0))"
    s07 = program(f"size(d.indicators.filter(i, !i.norm_name.matches({blank}))) > "
                  f"{int(p.max_indicators)}")
    f01 = program(
        f"d.kind == 'project' && (has(d.fiscal) || has(d.other))"
        f" && !(has(d.total) && !has(d.other) && d.total > {fiscal} + {tolerance})"
        f" && !(has(d.total) && d.total - {parts} <= {tolerance}"
        f" && {parts} - d.total <= {tolerance})")
    v01 = program(
        f"!i.name.matches({blank}) && (i.norm_value.matches({blank})"
        f" || i.norm_value.matches({_string(_PLACEHOLDER)})) && i.targets == 0")
    m02 = program(
        f"(i.name.matches({_string(_words(p))})"
        f" || (has(i.subcategory) && i.subcategory == '服务对象满意度指标')"
        f" || (has(i.category) && i.category == '满意度指标'))"
        f" && !i.name.contains('不满意')"
        f" && has(i.percent) && i.percent < {float(p.min_satisfaction)}")

    def check(activation: Any) -> Findings:
        found: Findings = []
        if bool(s07.evaluate(activation)):
            found.append(("S07", ""))
        items: Sequence[Any] = activation["items"]
        for index, item in enumerate(items):
            if bool(v01.evaluate(item)):
                found.append(("V01", f"indicators[{index}].value"))
        if bool(f01.evaluate(activation)):
            found.append(("F01", ""))
        for index, item in enumerate(items):
            if bool(m02.evaluate(item)):
                found.append(("M02", f"indicators[{index}].value"))
        return found

    return check


