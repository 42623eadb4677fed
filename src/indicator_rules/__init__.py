"""indicator_rules — executable quality checks for 绩效目标申报表 (performance-target declarations).

The public API is gathered here; everything else is importable but private by convention.

- Model: :class:`ProjectDeclaration` (项目), :class:`DepartmentDeclaration` (部门整体),
  :class:`Indicator`, :class:`IndicatorValue`, :class:`Funding`, … (:mod:`indicator_rules.model`).
- 指标值 parsing: :func:`parse_value` → :class:`ParsedValue` (:mod:`indicator_rules.values`).
- Files: :func:`load_declarations`, :func:`read_declarations`, :func:`dump_declarations`,
  :func:`declaration_schema` (:mod:`indicator_rules.serialize`).
- Forms: :func:`read_forms` reads 申报表 in Markdown, Excel, Word or CSV into declarations
  (:class:`FormReader`, :class:`Grid`; what it cannot place is kept as :class:`ImportNote` s)
  (:mod:`indicator_rules.forms`).
- Rules: :func:`load_ruleset` → :class:`Ruleset`; ``ruleset.check(declaration)`` →
  :class:`Report` of :class:`Finding` s; :class:`FunctionRegistry` for a bureau's own functions.
- Runs: :func:`read_inputs` reads files and folders into :class:`InputItem` s (and
  :class:`InputError` s for what cannot be read); :func:`check_items` checks them in order, in
  worker processes with ``jobs=N``; :func:`report_schema` is the JSON Schema of the JSON report
  (:mod:`indicator_rules.intake`, :mod:`indicator_rules.runner`, :mod:`indicator_rules.render`);
  :func:`gc_for_checking` sets the garbage collector for a long run, as the command line does
  (:mod:`indicator_rules.collector`).
- Input limits: :class:`InputLimits` (:data:`DEFAULT_LIMITS`), the sizes, depths and lengths
  every reader checks before it allocates (:mod:`indicator_rules.limits`).
- Errors: everything raised on purpose derives from :class:`IndicatorRulesError`.
"""

from __future__ import annotations

from indicator_rules.collector import gc_for_checking
from indicator_rules.dsl.functions import Function, FunctionRegistry
from indicator_rules.dsl.types import (
    BOOL,
    DATE,
    MONEY,
    NUMBER,
    PERCENT,
    TEXT,
    DslType,
    list_of,
)
from indicator_rules.errors import (
    DeclarationError,
    FormError,
    IndicatorRulesError,
    Problem,
    RulesetCompositionError,
    RulesetError,
    RulesetLoadError,
    RulesetNameError,
    RulesetSyntaxError,
    RulesetTypeError,
    SourceLine,
)
from indicator_rules.findings import Finding, FindingKind, Report, Severity
from indicator_rules.forms import FormReader, Grid, read_forms
from indicator_rules.intake import InputError, InputItem, read_inputs
from indicator_rules.labels import LABELS, FieldLabel, field_for_label, labels_of
from indicator_rules.limits import DEFAULT_LIMITS, InputLimits
from indicator_rules.model import (
    MONEY_UNITS,
    Contact,
    Declaration,
    DeclarationKind,
    DepartmentDeclaration,
    DepartmentFunding,
    Funding,
    ImportNote,
    Indicator,
    IndicatorValue,
    MoneyUnit,
    ProjectDeclaration,
    Task,
    ValueType,
    Waiver,
    derive_id,
)
from indicator_rules.render.json_report import report_schema
from indicator_rules.ruleset import (
    ExampleResult,
    ParamInfo,
    RuleInfo,
    Ruleset,
    builtin_ruleset_names,
    load_ruleset,
    load_ruleset_text,
)
from indicator_rules.runner import Checked, check_items
from indicator_rules.serialize import (
    FileFormat,
    LoadResult,
    declaration_schema,
    dump_declarations,
    dumps_declarations,
    iter_declarations,
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
    "BOOL",
    "DATE",
    "DEFAULT_LIMITS",
    "LABELS",
    "MONEY",
    "MONEY_UNITS",
    "NUMBER",
    "PERCENT",
    "TEXT",
    "Checked",
    "Comparator",
    "Contact",
    "DateRange",
    "Declaration",
    "DeclarationError",
    "DeclarationKind",
    "DepartmentDeclaration",
    "DepartmentFunding",
    "DslType",
    "ExampleResult",
    "FieldLabel",
    "FileFormat",
    "Finding",
    "FindingKind",
    "FormError",
    "FormReader",
    "Function",
    "FunctionRegistry",
    "Funding",
    "Grid",
    "ImportNote",
    "Indicator",
    "IndicatorRulesError",
    "IndicatorValue",
    "InputError",
    "InputItem",
    "InputLimits",
    "LoadResult",
    "MoneyUnit",
    "ParamInfo",
    "ParsedValue",
    "PartialDate",
    "Problem",
    "ProjectDeclaration",
    "Report",
    "RuleInfo",
    "Ruleset",
    "RulesetCompositionError",
    "RulesetError",
    "RulesetLoadError",
    "RulesetNameError",
    "RulesetSyntaxError",
    "RulesetTypeError",
    "Severity",
    "SourceLine",
    "SourceRef",
    "Target",
    "Task",
    "UnitKind",
    "ValueType",
    "Waiver",
    "__version__",
    "builtin_ruleset_names",
    "check_items",
    "declaration_schema",
    "derive_id",
    "describe_value",
    "dump_declarations",
    "dumps_declarations",
    "field_for_label",
    "gc_for_checking",
    "iter_declarations",
    "labels_of",
    "list_of",
    "load_declarations",
    "load_ruleset",
    "load_ruleset_text",
    "loads_declarations",
    "parse_value",
    "read_declarations",
    "read_forms",
    "read_inputs",
    "render_target",
    "report_schema",
    "structure_declaration",
    "unstructure_declaration",
    "value_to_json",
]
