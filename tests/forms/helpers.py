"""Helpers for the form-reader tests: the sample's paths and comparing without positions."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import attrs

from indicator_rules import Declaration, load_declarations

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SAMPLE_MD = REPO / "examples" / "hengyang-2021.md"
#: The three declarations of the sample as the form writes them, typed by hand.
EXPECTED_JSON = HERE / "expected" / "hengyang-2021.json"

T = TypeVar("T")


def bare(obj: T) -> T:
    """``obj`` without what only an import knows: every ``source``, the ``notes`` and the
    ``id`` (derived again from kind, year, unit and name)."""
    if isinstance(obj, tuple):
        return tuple(bare(item) for item in obj)  # type: ignore[return-value]
    if not attrs.has(type(obj)):
        return obj
    changes: dict[str, Any] = {}
    for field in attrs.fields(type(obj)):  # type: ignore[arg-type]
        if not field.init:  # what the object keeps itself (IndicatorValue's parse)
            continue
        value = getattr(obj, field.name)
        if field.name == "source":
            changes["source"] = None
        elif field.name == "notes":
            changes["notes"] = ()
        elif field.name == "id":
            changes["id"] = ""
        elif isinstance(value, tuple) or attrs.has(type(value)):
            changes[field.name] = bare(value)
    return attrs.evolve(obj, **changes)  # type: ignore[misc]


def expected() -> list[Declaration]:
    """The expected declarations, without ids."""
    return [bare(declaration) for declaration in load_declarations(EXPECTED_JSON)]
