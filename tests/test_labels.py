from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from indicator_rules import (
    LABELS,
    DepartmentDeclaration,
    Indicator,
    ProjectDeclaration,
    field_for_label,
    labels_of,
)

DOCS = Path(__file__).resolve().parent.parent / "docs" / "model.md"


@pytest.mark.parametrize("entry", LABELS, ids=lambda entry: f"{entry.owner.__name__}.{entry.path}")
def test_every_label_names_a_real_field(entry):
    owner = entry.owner
    for part in entry.path.split("."):
        fields = attrs.fields_dict(attrs.resolve_types(owner))
        assert part in fields, f"{owner.__name__} has no field {part!r}"
        field_type = fields[part].type
        candidates = [field_type, *getattr(field_type, "__args__", ())]
        owner = next((c for c in candidates if isinstance(c, type) and attrs.has(c)), owner)


def test_labels_resolve_to_paths():
    assert field_for_label(Indicator, "一级指标") == "level1"
    assert field_for_label(ProjectDeclaration, "资金总额") == "funding.total"
    assert field_for_label(DepartmentDeclaration, "项目支出") == "funding.project"
    assert field_for_label(DepartmentDeclaration, "单位负责人") == "contact.head"
    assert field_for_label(Indicator, "资金总额") is None


def test_a_label_names_one_field_per_class():
    for owner in {entry.owner for entry in LABELS}:
        paths_by_label: dict[str, set[str]] = {}
        for path, labels in labels_of(owner).items():
            for label in labels:
                paths_by_label.setdefault(label, set()).add(path)
        ambiguous = {label: paths for label, paths in paths_by_label.items() if len(paths) > 1}
        assert ambiguous == {}, owner.__name__


def test_docs_show_every_primary_label():
    text = DOCS.read_text("utf-8")
    missing = sorted({entry.labels[0] for entry in LABELS if entry.labels[0] not in text})
    assert missing == []
