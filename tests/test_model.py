from __future__ import annotations

import pickle
from decimal import Decimal

import attrs
import pytest

from indicator_rules import (
    DepartmentDeclaration,
    Funding,
    ImportNote,
    Indicator,
    IndicatorValue,
    ProjectDeclaration,
    derive_id,
    parse_value,
)
from indicator_rules.values import Comparator


def test_id_is_derived_from_kind_year_unit_and_name():
    first = ProjectDeclaration(year=2021, name="党员活动经费", budget_unit="市直工委")
    again = ProjectDeclaration(
        year=2021, name="党员活动经费", budget_unit="市直工委", goal="other text"
    )
    other_year = ProjectDeclaration(year=2022, name="党员活动经费", budget_unit="市直工委")
    assert first.id == again.id == derive_id("project", 2021, "市直工委", "党员活动经费")
    assert first.id.startswith("project-2021-")
    assert other_year.id != first.id


def test_department_and_project_ids_differ_for_the_same_names():
    project = ProjectDeclaration(year=2021, name="x", budget_unit="x")
    department = DepartmentDeclaration(year=2021, name="x")
    assert project.id != department.id
    assert department.id.startswith("department-2021-")


def test_given_id_is_kept_and_missing_year_is_named():
    assert ProjectDeclaration(id="P-7", year=2021).id == "P-7"
    assert ProjectDeclaration(name="x").id.startswith("project-unknown-")


def test_declarations_are_frozen_and_hashable():
    declaration = ProjectDeclaration(name="x", funding=Funding(total=Decimal("40.00")))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        declaration.name = "y"  # type: ignore[misc]
    assert hash(declaration) == hash(attrs.evolve(declaration))


def test_indicator_value_parses_its_text_once():
    value = IndicatorValue(text="每季度至少 1 次")
    assert value.parsed is value.parsed
    assert value.parsed == parse_value("每季度至少 1 次")
    assert value.parsed.quantified


def test_the_kept_parse_is_no_part_of_the_value():
    """The parse is kept in a slot of the value's own: equality, hashing, the repr, copies
    with changes and pickling see only the fields given; reading a field stays a plain slot
    read (no ``__getattr__``, which a ``cached_property`` on a slotted class would add)."""
    parsed, fresh = IndicatorValue(text="≥95%"), IndicatorValue(text="≥95%")
    assert parsed.parsed.targets
    assert parsed == fresh
    assert hash(parsed) == hash(fresh)
    assert repr(parsed) == repr(fresh)
    changed = attrs.evolve(parsed, unit="分")
    assert changed.parsed.targets[0].unit == "%"  # the text's unit is kept; parsed anew
    assert changed.parsed is not parsed.parsed
    assert "_parsed" not in parsed.__getstate__()
    copied = pickle.loads(pickle.dumps(parsed))
    assert copied == parsed
    assert copied._parsed is None  # parsed again where it is read
    assert copied.parsed == parsed.parsed
    assert "__getattr__" not in vars(IndicatorValue)
    assert [field.name for field in attrs.fields(IndicatorValue) if field.init] == [
        "text", "comparator", "number", "unit", "value_type", "source"]


def test_indicator_value_uses_structured_parts_when_text_is_blank():
    value = IndicatorValue(comparator=Comparator(">="), number=Decimal(95), unit="%")
    (target,) = value.parsed.targets
    assert (target.comparator, target.number, target.unit) == (Comparator(">="), Decimal(95), "%")
    assert not value.blank
    assert IndicatorValue(text="  ").blank


def test_indicator_defaults_are_blank():
    indicator = Indicator(level1="产出指标", level2="数量指标")
    assert indicator.name == ""
    assert indicator.value.blank


def test_structured_parts_are_used_exactly_not_reparsed():
    thousand = IndicatorValue(number=Decimal("1E+3"), unit="人次").parsed.targets
    negative = IndicatorValue(number=Decimal(-5), comparator=Comparator("<="), unit="%")
    assert [(t.comparator.value, t.number, t.unit) for t in thousand] == [
        ("=", Decimal(1000), "人次")
    ]
    (target,) = negative.parsed.targets
    assert (target.comparator.value, target.number, target.unit) == ("<=", Decimal(-5), "%")


def test_columns_fill_in_what_the_text_leaves_open():
    value = IndicatorValue(text="95", comparator=Comparator(">="), unit="%")
    (target,) = value.parsed.targets
    assert (target.comparator.value, target.number, target.unit) == (">=", Decimal(95), "%")
    assert target.unit_kind.value == "percent"


def test_a_unit_written_in_the_text_is_kept_for_v05_to_compare():
    value = IndicatorValue(text="28.8万元", unit="%")
    (target,) = value.parsed.targets
    assert target.unit == "万元"
    assert value.unit == "%"


def test_import_notes_are_kept_on_both_kinds_and_default_to_none():
    note = ImportNote(text="项目属性", reason="未能归入任何字段")
    assert ProjectDeclaration().notes == ()
    assert DepartmentDeclaration(notes=(note,)).notes == (note,)
    assert note.source is None
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        note.text = "x"  # type: ignore[misc]
