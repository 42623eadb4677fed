"""The record fields hold what their types say: a field typed without ``or null`` never reads
None, and a list field's elements are never None. The generated code relies on it (it leaves
out the null checks of such reads), so each getter is held to its type here on drawn
declarations, empty ones and the sample forms."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from indicator_rules import Declaration, load_declarations
from indicator_rules.dsl.types import RECORDS, RuntimeContext
from indicator_rules.model import (
    DepartmentDeclaration,
    Indicator,
    IndicatorValue,
    ProjectDeclaration,
    Task,
)
from indicator_rules.testing.strategies import declarations

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "hengyang-2021.json"


def _objects(declaration: Declaration) -> Iterator[tuple[str, Any]]:
    """Every object of ``declaration`` a rule can read, with the record type it is read as."""
    kind = "ProjectDeclaration" if declaration.kind == "project" else "DepartmentDeclaration"
    yield kind, declaration
    yield "Declaration", declaration
    funding = declaration.funding
    yield ("Funding" if isinstance(declaration, ProjectDeclaration) else "DepartmentFunding"), \
        funding
    yield "AnyFunding", funding
    for indicator in declaration.indicators:
        yield "Indicator", indicator
        yield "Value", indicator.value
        for target in indicator.value.parsed.targets:
            yield "Target", target
    for task in getattr(declaration, "tasks", ()):
        yield "Task", task
        yield "Funding", task.funding
    if getattr(declaration, "contact", None) is not None:
        yield "Contact", declaration.contact


def _nulls(declaration: Declaration) -> list[str]:
    context = RuntimeContext.of(declaration.money_unit)
    found = []
    for record_name, obj in _objects(declaration):
        for name, spec in RECORDS[record_name].fields.items():
            value = spec.get(obj, context)
            if not spec.type.nullable and value is None:
                found.append(f"{record_name}.{name}")
            item = spec.type.item  # a list's elements too: the compiler relies on them
            if item is not None and not item.nullable and None in (value or ()):
                found.append(f"{record_name}.{name}[]")
    return found


def test_the_objects_walked_cover_every_record():
    row = Indicator(value=IndicatorValue(text="≥3次"))
    forms = (ProjectDeclaration(indicators=(row,)),
             DepartmentDeclaration(indicators=(row,), tasks=(Task(),)))
    assert {name for form in forms for name, _ in _objects(form)} == set(RECORDS)


@settings(max_examples=60, deadline=None)
@given(declarations())
def test_a_field_typed_not_null_never_reads_none(declaration: Declaration):
    assert _nulls(declaration) == []


@given(st.text(max_size=12))
def test_fields_of_an_indicator_with_any_value_text(text: str):
    row = Indicator(value=IndicatorValue(text=text))
    assert _nulls(ProjectDeclaration(indicators=(row, Indicator()))) == []
    assert _nulls(DepartmentDeclaration(indicators=(row,), tasks=(Task(),))) == []


def test_empty_forms_and_the_sample_forms():
    for declaration in (ProjectDeclaration(), DepartmentDeclaration(),
                        *load_declarations(EXAMPLES)):
        assert _nulls(declaration) == [], declaration.id
