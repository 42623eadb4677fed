"""indicator_rules — executable quality checks for 绩效目标申报表 (performance-target declarations).

The public API is gathered here; everything else is importable but private by convention.

- Model: :class:`ProjectDeclaration` (项目), :class:`DepartmentDeclaration` (部门整体),
  :class:`Indicator`, :class:`IndicatorValue`, :class:`Funding`, … (:mod:`indicator_rules.model`).
- 指标值 parsing: :func:`parse_value` → :class:`ParsedValue` (:mod:`indicator_rules.values`).
- Files: :func:`load_declarations`, :func:`read_declarations`, :func:`dump_declarations`,
  :func:`declaration_schema` (:mod:`indicator_rules.serialize`).
- Errors: everything raised on purpose derives from :class:`IndicatorRulesError`.
"""

from __future__ import annotations

from indicator_rules.errors import DeclarationError, IndicatorRulesError, Problem
from indicator_rules.labels import LABELS, FieldLabel, field_for_label, labels_of
from indicator_rules.model import (
    MONEY_UNITS,
    Contact,
    Declaration,
    DeclarationKind,
    DepartmentDeclaration,
    DepartmentFunding,
    Funding,
    Indicator,
    IndicatorValue,
    MoneyUnit,
    ProjectDeclaration,
    Task,
    ValueType,
    derive_id,
)
from indicator_rules.serialize import (
    FileFormat,
    LoadResult,
    declaration_schema,
    dump_declarations,
    dumps_declarations,
    load_declarations,
    loads_declarations,
    read_declarations,
    structure_declaration,
    unstructure_declaration,
)
from indicator_rules.source import SourceRef
from indicator_rules.values import (
    Comparator,
    DateRange,
    ParsedValue,
    PartialDate,
    Target,
    UnitKind,
    describe_value,
    parse_value,
    render_target,
    value_to_json,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "LABELS",
    "MONEY_UNITS",
    "Comparator",
    "Contact",
    "DateRange",
    "Declaration",
    "DeclarationError",
    "DeclarationKind",
    "DepartmentDeclaration",
    "DepartmentFunding",
    "FieldLabel",
    "FileFormat",
    "Funding",
    "Indicator",
    "IndicatorRulesError",
    "IndicatorValue",
    "LoadResult",
    "MoneyUnit",
    "ParsedValue",
    "PartialDate",
    "Problem",
    "ProjectDeclaration",
    "SourceRef",
    "Target",
    "Task",
    "UnitKind",
    "ValueType",
    "__version__",
    "declaration_schema",
    "derive_id",
    "describe_value",
    "dump_declarations",
    "dumps_declarations",
    "field_for_label",
    "labels_of",
    "load_declarations",
    "loads_declarations",
    "parse_value",
    "read_declarations",
    "render_target",
    "structure_declaration",
    "unstructure_declaration",
    "value_to_json",
]
