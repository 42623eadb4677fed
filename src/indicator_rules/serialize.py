"""Declarations to and from plain data, JSON, JSON Lines and YAML, through one cattrs converter.

The file format is strict, because a silently ignored key is a lost piece of a declaration:
unknown keys are errors, text must be text, money must be an exact decimal (a JSON number such as
``40.00`` is read exactly; in Python, pass ``Decimal`` or a string, never ``float``). Every problem
of a declaration is reported at once with its JSON path, e.g.
``declarations[2].indicators[5].value: expected text, got 12 (number)``, and in a file of many
declarations one bad declaration never stops the others from loading (:func:`read_declarations`).

A file holds one declaration (an object with ``"kind"``), a list of them, or an object
``{"declarations": [...]}``; ``.jsonl`` files hold one declaration per line.

Reading is bounded by an :class:`~indicator_rules.limits.InputLimits` (the ``limits`` keyword):
a file's size before it is read, a JSON Lines line's length before it is held, nesting before
the parser recurses, a number's digits before it is converted, and every string's length and
Unicode validity (a lone surrogate escape is refused) with its JSON path. YAML merge keys
(``<<``) are merged as YAML 1.1 says, and what aliases repeat is bounded. Whatever a parser
fails with becomes a :class:`DeclarationError` of that file, or of that line of JSON Lines.
"""

from __future__ import annotations

import codecs
import datetime
import difflib
import enum
import functools
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO, Final, Literal, TypeAlias, TypeVar

import attrs
import cattrs
import yaml
from cattrs.cols import homogenous_tuple_structure_factory
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn

from indicator_rules.atomic import atomic_write
from indicator_rules.errors import DeclarationError, Problem
from indicator_rules.labels import labels_of
from indicator_rules.limits import DEFAULT_LIMITS, InputLimits, TooLarge, read_bounded
from indicator_rules.model import (
    MONEY_UNITS,
    Contact,
    Declaration,
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
)
from indicator_rules.source import SourceRef
from indicator_rules.values import Comparator

__all__ = [
    "DECLARATION_SUFFIXES",
    "FileFormat",
    "LoadResult",
    "declaration_schema",
    "dump_declarations",
    "dumps_declarations",
    "iter_declarations",
    "load_declarations",
    "loads_declarations",
    "read_declarations",
    "structure_declaration",
    "unstructure_declaration",
]

FileFormat: TypeAlias = Literal["json", "jsonl", "yaml"]

_DECLARATION_CLASSES: Final[dict[str, type[ProjectDeclaration] | type[DepartmentDeclaration]]] = {
    "project": ProjectDeclaration,
    "department": DepartmentDeclaration,
}
_MODEL_CLASSES: Final = (
    ProjectDeclaration,
    DepartmentDeclaration,
    Funding,
    DepartmentFunding,
    Indicator,
    IndicatorValue,
    Task,
    Contact,
    Waiver,
    ImportNote,
    SourceRef,
)
_DECIMAL_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
#: Money and other decimals are bounded at the boundary: a tiny text such as 1e999999999 must
#: not turn into gigabytes of digits when written back.
_MAX_INTEGER_DIGITS = 15
_MAX_FRACTION_DIGITS = 10
_SUFFIX_FORMATS: Final[dict[str, FileFormat]] = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".yaml": "yaml",
    ".yml": "yaml",
}

#: The suffixes of declaration files (JSON, JSON Lines, YAML).
DECLARATION_SUFFIXES: Final = tuple(_SUFFIX_FORMATS)
# Other spellings accepted on input for enumerations (what budget systems and forms write).
_COMPARATOR_SPELLINGS: Final = {"≥": ">=", "≤": "<=", "＞": ">", "＜": "<", "＝": "="}
_VALUE_TYPE_SPELLINGS: Final = {"定量": "quantitative", "定性": "qualitative"}

_ENUM_SPELLINGS: Final[dict[type[enum.Enum], dict[str, str]]] = {
    Comparator: _COMPARATOR_SPELLINGS,
    ValueType: _VALUE_TYPE_SPELLINGS,
}

E = TypeVar("E", bound=enum.Enum)


# ---------------------------------------------------------------------------------------------
# Describing what we got, for error messages


def _describe(obj: object) -> str:
    """``12 (number)``, ``"abc" (text)``, ``null`` … — how a value looks in the input."""
    if obj is None:
        return "null"
    if isinstance(obj, bool):
        return f"{str(obj).lower()} (boolean)"
    if isinstance(obj, int | float | Decimal):
        shown = str(obj)
        return f"{shown if len(shown) <= 40 else shown[:40] + '…'} (number)"
    if isinstance(obj, str):
        shown = obj if len(obj) <= 40 else obj[:40] + "…"
        return f"{json.dumps(shown, ensure_ascii=False)} (text)"
    if isinstance(obj, list | tuple):
        return "a list"
    if isinstance(obj, Mapping):
        return "an object"
    if isinstance(obj, datetime.date):
        return f"{obj.isoformat()} (date)"
    return type(obj).__name__


def _expected(what: str, got: object) -> TypeError:
    return TypeError(f"expected {what}, got {_describe(got)}")


# ---------------------------------------------------------------------------------------------
# Structure hooks for leaf types: strict, with messages that say what was expected


def _structure_str(obj: object, _: type) -> str:
    if obj.__class__ is str:  # most values: as they are
        return obj
    if not isinstance(obj, str):
        raise _expected("text", obj)
    return str(obj)  # a plain str, also for the YAML number-like text marker


def _structure_int(obj: object, _: type) -> int:
    if isinstance(obj, bool) or not isinstance(obj, int):
        raise _expected("a whole number", obj)
    return obj


def _bounded(number: Decimal, got: object) -> Decimal:
    if not number.is_finite():
        raise _expected("a finite decimal number", got)
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)  # finite
    if number.adjusted() >= _MAX_INTEGER_DIGITS or -exponent > _MAX_FRACTION_DIGITS:
        raise _expected(
            f"a decimal with at most {_MAX_INTEGER_DIGITS} digits before the point and "
            f"{_MAX_FRACTION_DIGITS} after it",
            got,
        )
    return number


def _exact_decimal(number_text: str) -> Decimal:
    """The decimal written ``number_text``; ``ValueError`` for one out of any decimal's range (an
    exponent of more than 18 digits, which ``Decimal`` refuses with ``InvalidOperation``)."""
    try:
        return Decimal(number_text)
    except InvalidOperation:
        shown = number_text if len(number_text) <= 40 else number_text[:40] + "…"
        raise ValueError(f"the number {shown} is out of range") from None


class _AmbiguousYamlNumber(str):
    """A YAML scalar such as ``0450`` or ``1:30``: fine as text, refused as a number."""

    __slots__ = ()


def _structure_decimal(obj: object, _: type) -> Decimal:
    if isinstance(obj, _AmbiguousYamlNumber):
        raise _expected('a plain decimal number (YAML reads this form differently; write it '
                        'as 450 or "450")', str(obj))
    if isinstance(obj, Decimal):
        return _bounded(obj, obj)
    if isinstance(obj, int) and not isinstance(obj, bool):
        return _bounded(Decimal(obj), obj)
    if isinstance(obj, str) and _DECIMAL_TEXT.fullmatch(obj.strip()):
        return _bounded(Decimal(obj.strip()), obj)
    if isinstance(obj, float) and math.isfinite(obj):
        raise TypeError(
            f"expected an exact decimal such as \"40.00\", got the float {obj!r}; "
            "pass money as a string or Decimal, never as float"
        )
    raise _expected('a decimal number such as 40.00 or "40.00"', obj)


def _structure_date(obj: object, _: type) -> datetime.date:
    if isinstance(obj, datetime.datetime):
        return obj.date()
    if isinstance(obj, datetime.date):
        return obj
    if isinstance(obj, str):
        try:
            return datetime.date.fromisoformat(obj.strip())
        except ValueError:
            pass
    raise _expected('a date written as "2021-01-31"', obj)


def _enum_hook(
    enum_type: type[E], spellings: Mapping[str, str]
) -> Callable[[object, type], E]:
    allowed = ", ".join(json.dumps(member.value, ensure_ascii=False) for member in enum_type)

    def structure(obj: object, _: type) -> E:
        if isinstance(obj, str):
            try:
                return enum_type(spellings.get(obj.strip(), obj.strip()))
            except ValueError:
                pass
        raise _expected(f"one of {allowed}", obj)

    return structure


def _structure_money_unit(obj: object, _: object) -> MoneyUnit:
    for unit in MONEY_UNITS:
        if obj == unit:
            return unit
    raise _expected("one of " + ", ".join(MONEY_UNITS), obj)


def _is_tuple(cls: object) -> bool:
    return getattr(cls, "__origin__", None) is tuple


def _strict_tuple_factory(cls: Any, converter: cattrs.Converter) -> Callable[[object, Any], Any]:
    """cattrs would iterate a string given for a list into its characters: refuse non-lists."""
    structure_items = homogenous_tuple_structure_factory(cls, converter)

    def structure(obj: object, _: Any) -> Any:
        if not isinstance(obj, list | tuple):
            raise _expected("a list", obj)
        return structure_items(obj, cls)

    return structure


def _mapping_only(structure: Callable[[Any, Any], Any]) -> Callable[[object, Any], Any]:
    """Objects must be written as objects: say so instead of failing inside cattrs."""

    def structure_mapping(obj: object, cls: Any) -> Any:
        if obj.__class__ is not dict and not isinstance(obj, Mapping):  # dict: no ABC check
            raise _expected("an object", obj)
        return structure(obj, cls)

    return structure_mapping


def _structure_waiver(structure: Callable[[Any, Any], Any]) -> Callable[[object, Any], Waiver]:
    def structure_waiver(obj: object, cls: Any) -> Waiver:
        waiver: Waiver = structure(obj, cls)
        if not waiver.reason.strip():
            error = ValueError("a waiver needs a reason (expected non-empty text)")
            error.__notes__ = [AttributeValidationNote("reason", "reason", str)]
            raise ClassValidationError("While structuring Waiver", [error], Waiver)
        return waiver

    return structure_waiver


def _build_converter() -> cattrs.Converter:
    converter = cattrs.Converter(
        forbid_extra_keys=True,
        omit_if_default=True,
        detailed_validation=True,
        unstruct_collection_overrides={tuple: list},
    )
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(Decimal, _structure_decimal)
    converter.register_structure_hook(datetime.date, _structure_date)
    converter.register_structure_hook(Comparator, _enum_hook(Comparator, _COMPARATOR_SPELLINGS))
    converter.register_structure_hook(ValueType, _enum_hook(ValueType, _VALUE_TYPE_SPELLINGS))
    converter.register_structure_hook_factory(_is_tuple, _strict_tuple_factory)
    converter.register_unstructure_hook(Decimal, lambda number: format(number, "f"))
    converter.register_unstructure_hook(datetime.date, datetime.date.isoformat)

    converter.register_structure_hook_func(lambda cls: cls == MoneyUnit, _structure_money_unit)

    converter.register_structure_hook_factory(
        lambda cls: attrs.has(cls) and cls is not IndicatorValue,
        lambda cls: _mapping_only(make_dict_structure_fn(cls, converter)),
    )
    converter.register_structure_hook(
        Waiver, _structure_waiver(_mapping_only(make_dict_structure_fn(Waiver, converter)))
    )
    structure_value_object = make_dict_structure_fn(IndicatorValue, converter)
    unstructure_value_object = converter.get_unstructure_hook(IndicatorValue)

    def structure_value(obj: object, cls: type) -> IndicatorValue:
        if isinstance(obj, str):
            return IndicatorValue(text=obj)
        if isinstance(obj, Mapping):
            return structure_value_object(obj, cls)
        raise _expected('text (or an object with "text")', obj)

    def unstructure_value(value: IndicatorValue) -> object:
        if value == IndicatorValue(text=value.text):
            return value.text
        return unstructure_value_object(value)

    converter.register_structure_hook(IndicatorValue, structure_value)
    converter.register_unstructure_hook(IndicatorValue, unstructure_value)
    return converter


_CONVERTER: Final = _build_converter()


# ---------------------------------------------------------------------------------------------
# cattrs' exception groups → problems with JSON paths


def _join(path: str, step: str) -> str:
    if not path:
        return step.lstrip(".")
    return path + step


def _step(exc: BaseException) -> str:
    for note in getattr(exc, "__notes__", ()):
        if isinstance(note, AttributeValidationNote):
            return f".{note.name}"
        if isinstance(note, IterableValidationNote):
            return f"[{note.index}]"
    return ""


def _suggestion(owner: type | None, key: str) -> str:
    if owner is None or not attrs.has(owner):
        return ""
    names = [field.name for field in attrs.fields(owner) if field.init]
    for path, labels in labels_of(owner).items():
        if key in labels and "." not in path:
            return f" (the key for {key} is {path!r})"
    close = difflib.get_close_matches(key, names, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _problems(exc: BaseException, path: str) -> Iterator[Problem]:
    if isinstance(exc, ForbiddenExtraKeysError):
        allowed = ", ".join(field.name for field in attrs.fields(exc.cl) if field.init)
        for key in sorted(map(str, exc.extra_fields)):
            yield Problem(
                path=path,
                message=f"unknown key {key!r}{_suggestion(exc.cl, key)}; "
                f"{exc.cl.__name__} has: {allowed}",
            )
    elif isinstance(exc, ClassValidationError | IterableValidationError):
        for sub in exc.exceptions:
            yield from _problems(sub, _join(path, _step(sub)))
    elif isinstance(exc, KeyError):
        yield Problem(path=path, message="missing required key")
    else:
        yield Problem(path=path, message=str(exc))


# ---------------------------------------------------------------------------------------------
# Bounds on plain data: valid Unicode text of bounded length, bounded numbers and nesting


_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def _nesting_message(limits: InputLimits, how: str = "") -> str:
    return limits.exceeded("max_nesting", f"more than {limits.max_nesting:,} levels of lists "
                           f"and objects inside each other{how}")


def _digits_message(limits: InputLimits, digits: str) -> str:
    return limits.exceeded("max_number_digits", f"a number of {digits} digits")


def _text_problem(text: str, limits: InputLimits) -> str | None:
    """Why ``text`` cannot be kept: too long, or not valid Unicode — a lone surrogate, which
    JSON's ``"\\ud800"`` and YAML's ``"\\ud800"`` escapes can write and no UTF-8 file holds."""
    if len(text) > limits.max_text_chars:
        return limits.exceeded("max_text_chars", f"text of {len(text):,} characters")
    surrogate = None if text.isascii() else _SURROGATE.search(text)
    if surrogate is None:
        return None
    return (f"expected valid Unicode text, got a lone surrogate U+{ord(surrogate.group()):04X} "
            f"at character {surrogate.start() + 1} (an escape such as \\ud800 must be the first "
            "half of a pair)")


def _leaf_problem(value: object, limits: InputLimits) -> str | None:
    """Why a string or a whole number cannot be kept (``None`` when it can, or is neither)."""
    if isinstance(value, str):
        return _text_problem(value, limits)
    if isinstance(value, int) and abs(value) >= 10**limits.max_number_digits:
        return _digits_message(limits, f"more than {limits.max_number_digits:,}")
    return None


def _is_container(value: object) -> bool:
    return value.__class__ in (dict, list) or isinstance(value, Mapping | list | tuple)


def _is_fine_text(value: object, limits: InputLimits) -> bool:
    """Whether ``value`` is text within ``limits`` — the quick test for most of a file."""
    return value.__class__ is str and len(value) <= limits.max_text_chars and (
        value.isascii() or _SURROGATE.search(value) is None)


def _step_path(path: str, step: object, is_key: bool) -> str:
    """The JSON path of the item ``step`` (a key, or else an index) of what is at ``path``."""
    if not is_key:
        return f"{path}[{step}]"
    if isinstance(step, str) and step.isidentifier():
        return _join(path, f".{step}")
    return f"{path}[{json.dumps(step if isinstance(step, str) else str(step), ensure_ascii=False)}]"


def _value_problems(data: object, path: str, limits: InputLimits) -> list[Problem]:
    """Every string, whole number and nesting of ``data`` over ``limits``, with its JSON path.

    The walk is iterative and visits each list and object once, so that neither nesting nor a
    YAML alias repeated many times (one list shared by every place that names it) costs more
    than the data's own size.
    """
    if not _is_container(data):
        message = _leaf_problem(data, limits)
        return [] if message is None else [Problem(path=path, message=message)]
    problems: list[Problem] = []
    seen: set[int] = set()
    pending: list[tuple[Any, str, int]] = [(data, path, 1)]
    while pending:
        container, where, level = pending.pop()
        if id(container) in seen:
            continue
        seen.add(id(container))
        if level > limits.max_nesting:
            problems.append(Problem(path=where, message=_nesting_message(limits)))
            continue
        nested: list[tuple[Any, str, int]] = []
        is_mapping = isinstance(container, Mapping)
        for step, value in container.items() if is_mapping else enumerate(container):
            if is_mapping and not _is_fine_text(step, limits):
                key_problem = _leaf_problem(step, limits)
                if key_problem is not None:
                    problems.append(Problem(path=where, message=f"a key: {key_problem}"))
                    continue
            if _is_fine_text(value, limits):
                continue
            if _is_container(value):
                nested.append((value, _step_path(where, step, is_mapping), level + 1))
                continue
            message = _leaf_problem(value, limits)
            if message is not None:
                problems.append(Problem(path=_step_path(where, step, is_mapping), message=message))
        pending += reversed(nested)
    return problems


# ---------------------------------------------------------------------------------------------
# One declaration


def structure_declaration(data: object, *, path: str = "", file: str | None = None,
                          limits: InputLimits = DEFAULT_LIMITS) -> Declaration:
    """A declaration from plain data (what ``json.load`` gives); raises :class:`DeclarationError`.

    ``path`` prefixes the JSON paths in error messages (``declarations[2]``); ``file`` names the
    file they came from. Text must be valid Unicode, and text, whole numbers and nesting must be
    within ``limits`` (``max_text_chars``, ``max_number_digits``, ``max_nesting``).
    """
    problems = _value_problems(data, path, limits)
    if problems:
        raise DeclarationError(problems, file=file)
    if not isinstance(data, Mapping):
        raise DeclarationError(
            [Problem(path=path, message=f"expected a declaration object, got {_describe(data)}")],
            file=file,
        )
    kind = data.get("kind")
    declaration_class = _DECLARATION_CLASSES.get(kind) if isinstance(kind, str) else None
    if declaration_class is None:
        message = (
            f'"kind" must be "project" (项目) or "department" (部门整体), got {_describe(kind)}'
            if "kind" in data
            else 'missing "kind": "project" (项目) or "department" (部门整体)'
        )
        raise DeclarationError([Problem(path=path, message=message)], file=file)
    fields = {key: value for key, value in data.items() if key != "kind"}
    try:
        return _CONVERTER.structure(fields, declaration_class)
    except (ClassValidationError, IterableValidationError) as error:
        problems = list(_problems(error, path))
        _without_tracebacks(error)  # cattrs' frames keep each field's error: cycles
    # raised after the handler, which has let go of cattrs' error: raised inside it, this
    # frame would keep that error, and its traceback this frame (a cycle per bad declaration)
    raise DeclarationError(problems, file=file)


def unstructure_declaration(declaration: Declaration) -> dict[str, Any]:
    """Plain data for ``declaration``: ``kind`` first, fields left at their defaults omitted."""
    fields: dict[str, Any] = _CONVERTER.unstructure(declaration)
    return {"kind": declaration.kind, **fields}


def failure_message(error: BaseException) -> str:
    """The message for a reader's failure of a kind it does not report itself — a bug, or a
    limit of Python's own such as ``RecursionError`` or ``MemoryError``: its type and text."""
    detail = str(error)
    message = f"could not be read: unexpected {type(error).__name__}"
    message += f": {detail}" if detail else ""
    return message.encode("utf-8", "backslashreplace").decode("utf-8")  # lone surrogates too


# ---------------------------------------------------------------------------------------------
# Files


@attrs.frozen
class LoadResult:
    """What :func:`read_declarations` read: the good declarations and one error per bad one."""

    declarations: tuple[Declaration, ...]
    errors: tuple[DeclarationError, ...]


def _format_of(name: str) -> FileFormat:
    suffix = Path(name).suffix.lower()
    if suffix not in _SUFFIX_FORMATS:
        known = ", ".join(sorted(_SUFFIX_FORMATS))
        raise DeclarationError(
            [Problem(message=f"unknown file type {suffix or '(none)'!r}; expected one of {known}")],
            file=name,
        )
    return _SUFFIX_FORMATS[suffix]


def _digit_count(number_text: str) -> int:
    return sum(map(number_text.count, "0123456789"))


def _line_column(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of ``offset`` in ``text``."""
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


# --- YAML ------------------------------------------------------------------------------------

_YAML_PLAIN_INTEGER = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_YAML_PLAIN_DECIMAL = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][-+]?[0-9]+)?")
_MERGE_TAG: Final = "tag:yaml.org,2002:merge"
_STR_TAG: Final = "tag:yaml.org,2002:str"
class _YamlRefused(yaml.MarkedYAMLError):
    """Valid YAML that is not read (over a limit, or containing itself), with where it is."""

    def __init__(self, message: str, mark: yaml.Mark | None) -> None:
        super().__init__(problem=message, problem_mark=mark)


class _StrictSafeLoader(yaml.SafeLoader):
    """YAML's SafeLoader, made exact, strict and bounded for declaration files.

    Numbers are read only when written plainly (``40.00`` → ``Decimal('40.00')``, ``2021`` →
    2021); YAML 1.1 forms that would silently change a value (``0450`` octal, ``1:30``
    sexagesimal, ``0x10``, ``1_000``) stay text, so the field's check reports them with their
    path. ``.inf`` and ``.nan`` become floats, which no field accepts. A key written twice in one
    mapping is an error. Nesting deeper than ``limits.max_nesting`` is refused where it is met,
    before PyYAML's composer (which recurses once a level) goes deeper, and a number of more
    than ``limits.max_number_digits`` digits before it is converted. Merge keys are merged by
    :func:`_resolve_aliases`, between composing and constructing.
    """

    def __init__(self, text: str, limits: InputLimits) -> None:
        super().__init__(text)
        self.limits = limits
        self.node_count = 0  # the nodes composed, aliases not counted
        self.text_length = len(text)  # at least the characters of the scalars composed
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            return super().compose_node(parent, index)
        self.node_count += 1
        if not self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):
            return super().compose_node(parent, index)
        if self._depth >= self.limits.max_nesting:
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise _YamlRefused(_nesting_message(self.limits), event.start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str | int) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}: a later value would hide an earlier one",
                    key_node.start_mark,
                )
            seen.add(key if isinstance(key, str | int) else id(key))
        return super().construct_mapping(node, deep=deep)

    def _plain_number(self, node: yaml.ScalarNode) -> str:
        text = self.construct_scalar(node)
        if len(text) > self.limits.max_number_digits:
            digits = _digit_count(text)
            if digits > self.limits.max_number_digits:
                raise _YamlRefused(_digits_message(self.limits, f"{digits:,}"), node.start_mark)
        return text

    def construct_plain_int(self, node: yaml.ScalarNode) -> object:
        """A whole number written plainly, or the text (``0450``, ``0x10``) as written."""
        text = self.construct_scalar(node)
        if not _YAML_PLAIN_INTEGER.fullmatch(text):
            return _AmbiguousYamlNumber(text)
        return int(self._plain_number(node))

    def construct_exact_float(self, node: yaml.ScalarNode) -> object:
        """A decimal written plainly as ``Decimal``; ``.inf``, ``.nan`` as floats; else text."""
        text = self.construct_scalar(node)
        if _YAML_PLAIN_DECIMAL.fullmatch(text):
            try:
                return _exact_decimal(self._plain_number(node))
            except ValueError as error:
                raise _YamlRefused(str(error), node.start_mark) from None
        lowered = text.lower()
        if lowered in (".nan", ".inf", "+.inf", "-.inf"):
            return float(lowered.replace(".", ""))
        return _AmbiguousYamlNumber(text)

    def construct_checked_timestamp(self, node: yaml.ScalarNode) -> object:
        """A date or time; one that does not exist (``2021-13-01``) stays text, which a date
        field reports with its path."""
        try:
            return self.construct_yaml_timestamp(node)
        except ValueError:
            return _AmbiguousYamlNumber(self.construct_scalar(node))


_StrictSafeLoader.add_constructor("tag:yaml.org,2002:int", _StrictSafeLoader.construct_plain_int)
_StrictSafeLoader.add_constructor("tag:yaml.org,2002:float",
                                  _StrictSafeLoader.construct_exact_float)
_StrictSafeLoader.add_constructor("tag:yaml.org,2002:timestamp",
                                  _StrictSafeLoader.construct_checked_timestamp)


def _child_nodes(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _kind_of(node: yaml.Node) -> str:
    return "a list" if isinstance(node, yaml.SequenceNode) else "a scalar"


def _merge_sources(node: yaml.Node) -> list[yaml.MappingNode]:
    """The mappings a merge key (``<<``) names: one, or a list of them."""
    if isinstance(node, yaml.MappingNode):
        return [node]
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if not isinstance(item, yaml.MappingNode):
                raise yaml.constructor.ConstructorError(
                    None, None, f"expected a mapping to merge (<<), found {_kind_of(item)}",
                    item.start_mark)
        return list(node.value)
    raise yaml.constructor.ConstructorError(
        None, None, "expected a mapping or a list of mappings to merge (<<), found "
        f"{_kind_of(node)}",
        node.start_mark)


def _merge(node: yaml.MappingNode, loader: _StrictSafeLoader) -> int:
    """Merge the mappings that ``node``'s ``<<`` names into it, once; the pairs it gained.

    YAML 1.1: a key written in the mapping overrides a merged one (which is no duplicate), and
    a mapping earlier in ``<<: [*a, *b]`` overrides a later one. Merged mappings are merged
    already (their own ``<<`` too), so each key is taken once, whatever the chain of merges.
    """
    merge_keys = [key for key, _ in node.value if key.tag == _MERGE_TAG]
    if not merge_keys:
        return 0
    if len(merge_keys) > 1:
        raise yaml.constructor.ConstructorError(
            None, None, "duplicate key '<<': a later merge would hide an earlier one",
            merge_keys[1].start_mark)
    written = [(key, value) for key, value in node.value if key.tag != _MERGE_TAG]
    (sources,) = [value for key, value in node.value if key.tag == _MERGE_TAG]
    taken = {_key_identity(key, loader) for key, _ in written}
    merged = []
    for source in _merge_sources(sources):
        for pair in source.value:
            identity = _key_identity(pair[0], loader)
            if identity not in taken:
                taken.add(identity)
                merged.append(pair)
    node.value = merged + written
    return len(merged)


def _key_identity(key: yaml.Node, loader: _StrictSafeLoader) -> object:
    """What makes two keys one key in the mapping: the value of a scalar, else the node."""
    if key.__class__ is yaml.ScalarNode:
        return key.value if key.tag == _STR_TAG else loader.construct_object(key)
    return key


def _resolve_aliases(root: yaml.Node, loader: _StrictSafeLoader) -> None:
    """Merge every merge key, and bound what aliases repeat, before anything is constructed.

    The graph of nodes (an alias is the node it names, shared) is walked children first,
    without recursion, each node once: every mapping is merged after the mappings it merges
    (:func:`_merge`), and every node measured — the depth of the value it stands for and its
    size (its nodes and the characters of its texts) with each alias counted as a copy. A value
    that contains itself (``&a [*a]``), one nested deeper than ``limits.max_nesting`` through
    aliases, or aliases and merges adding more than ``limits.max_alias_expansion`` nodes and
    characters in all (a text of 100,000 characters repeated a thousand times is as much a bomb
    as a billion laughs), is refused where it is found.
    """
    limits = loader.limits
    largest = loader.node_count + loader.text_length + limits.max_alias_expansion
    measured: dict[int, tuple[int, int]] = {}  # id of a node → (depth, size)
    inside: set[int] = set()  # the nodes being walked, whose children are not all measured
    merged = 0
    pending: list[tuple[yaml.Node, bool]] = [(root, False)]
    while pending:
        node, children_measured = pending.pop()
        if isinstance(node, yaml.ScalarNode) or (not children_measured and id(node) in measured):
            continue
        if not children_measured:
            if id(node) in inside:
                raise _YamlRefused("an alias inside what it names: the value would contain "
                                   "itself without end", node.start_mark)
            inside.add(id(node))
            pending.append((node, True))
            pending += [(child, False) for child in reversed(_child_nodes(node))]
            continue
        if isinstance(node, yaml.MappingNode):
            merged += _merge(node, loader)
        children = [(0, 1 + len(child.value)) if isinstance(child, yaml.ScalarNode)
                    else measured[id(child)] for child in _child_nodes(node)]
        depth = 1 + max((child_depth for child_depth, _ in children), default=0)
        size = 1 + sum(child_size for _, child_size in children)
        if depth > limits.max_nesting:
            raise _YamlRefused(_nesting_message(limits, " through aliases"), node.start_mark)
        if size > largest or merged > limits.max_alias_expansion:
            raise _YamlRefused(limits.exceeded(
                "max_alias_expansion", "aliases (*name) and merge keys (<<) adding too many "
                "nodes and characters"), node.start_mark)
        measured[id(node)] = (depth, size)
        inside.discard(id(node))


def _load_yaml(text: str, limits: InputLimits) -> object:
    loader = _StrictSafeLoader(text, limits)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        _resolve_aliases(root, loader)
        return loader.construct_document(root)
    finally:
        loader.dispose()


class _ExactSafeDumper(yaml.SafeDumper):
    """YAML's SafeDumper, but strings YAML would fold (NEL, LS, PS, CR, controls) are escaped."""


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    needs_escape = any(
        char in "\x85\u2028\u2029\r" or (unicodedata.category(char) == "Cc" and char not in "\n\t")
        for char in text
    )
    style = '"' if needs_escape else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_ExactSafeDumper.add_representer(str, _represent_str)


# --- JSON ------------------------------------------------------------------------------------


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    seen: set[str] = set()
    for key, _ in pairs:  # name the first key written twice
        if key in seen:
            raise ValueError(f"duplicate key {key!r}: a later value would hide an earlier one")
        seen.add(key)
    raise AssertionError("unreachable: fewer keys than pairs means a key repeats")


#: One decoder for every document and line (``json.loads`` with options makes one per call).
_JSON_DECODER: Final = json.JSONDecoder(parse_float=_exact_decimal,
                                        object_pairs_hook=_reject_duplicate_keys)
@functools.lru_cache(maxsize=4)
def _json_next_token(max_number_digits: int) -> re.Pattern[str]:
    """From where it is applied: what needs no check (strings, whitespace, punctuation,
    literals, numbers too short to have too many digits; possessively, so that nothing
    backtracks), then the next run of brackets (and the punctuation after them) or long number.
    """
    short = max(max_number_digits, 1) - 1  # a number of fewer characters has fewer digits
    return re.compile(
        r'(?:"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"?|[^"\[\]{}0-9]++'
        rf"|[0-9][-+.eE0-9]{{0,{short}}}+(?![-+.eE0-9]))*+"
        r"(?:(?P<brackets>[\[\]{}][\[\]{}\s,:]*+)|(?P<number>[0-9][-+.eE0-9]*+))?")


def _json_scan_problem(text: str, limits: InputLimits) -> Problem | None:
    """Nesting deeper than ``limits.max_nesting`` or a number of more than
    ``limits.max_number_digits`` digits, found by one linear scan before the decoder (which
    recurses once a level, and converts a number however long) sees the text.

    Depth is counted without a floor: where it would go below zero the JSON is invalid there,
    and the decoder stops at that point, before anything after it could make it recurse.
    """
    next_token = _json_next_token(limits.max_number_digits).match
    depth = 0
    position = 0
    while True:
        match = next_token(text, position)
        assert match is not None  # all of the pattern is optional
        position = match.end()
        token = match.lastgroup
        if token is None:  # the end of the text
            return None
        run = match.group(token)
        if token == "number":
            digits = _digit_count(run)
            if digits > limits.max_number_digits:
                line, column = _line_column(text, match.start(token))
                return Problem(message=_digits_message(limits, f"{digits:,}"),
                               line=line, column=column)
            continue
        opened = run.count("[") + run.count("{")
        if depth + opened > limits.max_nesting:
            for offset, char in enumerate(run):
                depth += (char in "[{") - (char in "]}")
                if depth > limits.max_nesting:
                    line, column = _line_column(text, match.start(token) + offset)
                    return Problem(message=_nesting_message(limits), line=line, column=column)
        else:
            depth += opened - run.count("]") - run.count("}")


def _parse_json(text: str, name: str, limits: InputLimits, line_offset: int = 0) -> object:
    problem = _json_scan_problem(text, limits)
    if problem is None:
        try:
            if text.startswith("\ufeff"):  # json.loads says so; its decoder alone does not check
                raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
            return _JSON_DECODER.decode(text)
        except json.JSONDecodeError as error:
            problem = Problem(message=f"invalid JSON: {error.msg}", line=error.lineno,
                              column=error.colno)
        except ValueError as error:  # a hook's: without a position (JSON Lines: the line's)
            problem = Problem(message=f"invalid JSON: {error}")
    line = problem.line + line_offset if problem.line is not None else None
    raise DeclarationError([attrs.evolve(problem, line=line)], file=name)


def _parse_yaml(text: str, name: str, limits: InputLimits) -> object:
    try:
        return _load_yaml(text, limits)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        message = f"invalid YAML: {error.problem or error}"
        problem = Problem(
            message=error.problem or message if isinstance(error, _YamlRefused) else message,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        )
    except yaml.YAMLError as error:
        problem = Problem(message=f"invalid YAML: {error}")
    raise DeclarationError([problem], file=name)


# --- documents and lines ---------------------------------------------------------------------


def _utf8_size_over(text: str, limit: int) -> int | None:
    """The size of ``text`` in UTF-8 when it is over ``limit`` bytes, else ``None``."""
    if len(text) * 4 <= limit:  # no character takes more than 4 bytes
        return None
    size = len(text.encode("utf-8", "surrogatepass"))
    return size if size > limit else None


def _parse(text: str, name: str, file_format: Literal["json", "yaml"],
           limits: InputLimits) -> object:
    """The plain data of one JSON or YAML document, read within ``limits``; any failure is a
    :class:`DeclarationError` naming ``name`` (and the line and column when known)."""
    size = _utf8_size_over(text, limits.max_file_bytes)
    if size is not None:
        raise DeclarationError([Problem(message=limits.exceeded(
            "max_file_bytes", f"a document of {size:,} bytes"))], file=name)
    try:
        if file_format == "yaml":
            return _parse_yaml(text, name, limits)
        return _parse_json(text, name, limits)
    except DeclarationError:
        raise
    except Exception as error:  # a parser's own failure: a bug, or a limit set past Python's
        failure = DeclarationError([Problem(message=failure_message(error))], file=name)
    raise failure


def parse_document(text: str, *, file_format: Literal["json", "yaml"] = "yaml",
                   name: str = "<string>", limits: InputLimits = DEFAULT_LIMITS) -> object:
    """The plain data of one YAML (or JSON) document, read as declaration files are.

    For the package's own readers of small documents (a rule's inline examples): numbers are
    exact (``Decimal``) and plainly written, keys unique, merge keys merged, aliases bounded,
    and the size, nesting, numbers and text within ``limits``, text valid Unicode. Raises
    :class:`DeclarationError` with the line and column, or the JSON path, of each problem.
    """
    data = _parse(text.removeprefix("\ufeff"), name, file_format, limits)
    problems = _value_problems(data, "", limits)
    if problems:
        raise DeclarationError(problems, file=name)
    return data


def _documents(text: str, name: str, file_format: Literal["json", "yaml"],
               limits: InputLimits) -> Iterator[tuple[object, str]]:
    """Each declaration's raw data with its JSON path, for a JSON or YAML document."""
    data = _parse(text, name, file_format, limits)
    if isinstance(data, list):
        for index, item in enumerate(data):
            yield item, f"[{index}]"
    elif isinstance(data, Mapping) and "kind" not in data:
        problems = _value_problems({key: value for key, value in data.items()
                                    if key != "declarations"}, "", limits)
        if problems:
            raise DeclarationError(problems, file=name)
        extra = sorted(map(str, set(data) - {"declarations", "$schema"}))
        declarations = data.get("declarations")
        if not isinstance(data.get("$schema", ""), str):
            raise DeclarationError([Problem(path="$schema", message="expected text, got "
                                            + _describe(data["$schema"]))], file=name)
        if extra or not isinstance(declarations, list):
            message = (
                f"unknown top-level key(s) {extra}" if extra else '"declarations" must be a list'
            )
            raise DeclarationError(
                [Problem(message=message + '; expected {"declarations": [...]}, a list, '
                         'or one declaration with "kind"')],
                file=name,
            )
        for index, item in enumerate(declarations):
            yield item, f"declarations[{index}]"
    else:
        yield data, ""


def _structured(data: object, path: str, name: str,
                limits: InputLimits) -> Declaration | DeclarationError:
    """The declaration ``data`` holds, or the error that says why it holds none."""
    try:
        return structure_declaration(data, path=path, file=name, limits=limits)
    except DeclarationError as error:
        return _without_tracebacks(error)
    except Exception as error:  # a bug of a structure hook: this declaration only
        return DeclarationError([Problem(path=path, message=failure_message(error))], file=name)


def _line_items(lines: Iterable[str | Problem], name: str,
                limits: InputLimits) -> Iterator[Declaration | DeclarationError]:
    """JSON Lines: every line on its own, so a bad line never hides the lines after it.

    ``lines`` holds each line's text, or the problem that kept it from being read."""
    for number, line in enumerate(lines, start=1):
        if isinstance(line, Problem):
            yield DeclarationError([attrs.evolve(line, line=number)], file=name)
            continue
        if not line.strip():
            continue
        item: Declaration | DeclarationError
        try:
            data = _parse_json(line, name, limits, line_offset=number - 1)
        except DeclarationError as error:
            item = _on_line(error, number)  # a new error: this one's traceback holds this frame
        except Exception as error:  # a parser's own failure: this line only
            item = DeclarationError([Problem(message=failure_message(error), line=number)],
                                    file=name)
        else:
            item = _structured(data, "", name, limits)
            if isinstance(item, DeclarationError):
                item = _on_line(item, number)
        yield item


def _on_line(error: DeclarationError, number: int) -> DeclarationError:
    """``error`` with line ``number`` on each problem that has no line of its own."""
    return DeclarationError([problem if problem.line else attrs.evolve(problem, line=number)
                             for problem in error.problems], file=error.file)


def _line_too_long(size: str, limits: InputLimits) -> Problem:
    return Problem(message=limits.exceeded("max_line_bytes", f"a line of {size} bytes")
                   + "; the line is not read")


def _text_lines(text: str, limits: InputLimits) -> Iterator[str | Problem]:
    # split on "\n" only: str.splitlines() would also split inside strings at U+0085 etc.
    for line in text.split("\n"):
        size = _utf8_size_over(line, limits.max_line_bytes)
        yield line if size is None else _line_too_long(f"{size:,}", limits)


def _file_lines(handle: BinaryIO, limits: InputLimits) -> Iterator[str | Problem]:
    """The lines of a JSON Lines file, each read with a bounded ``readline``: a line longer than
    ``limits.max_line_bytes`` is skipped in chunks (never held whole) and gives a problem, as
    does a line that is not UTF-8; the lines after it are read all the same."""
    first = True
    while line := handle.readline(limits.max_line_bytes + 1):
        if first:
            line = line.removeprefix(codecs.BOM_UTF8)
            first = False
        if len(line) > limits.max_line_bytes and not line.endswith(b"\n"):
            yield _line_too_long(f"{len(line) + _skip_line(handle):,}", limits)
            continue
        try:
            yield line.removesuffix(b"\n").decode("utf-8")
        except UnicodeDecodeError as error:
            yield Problem(message=f"cannot read: {error}")


def _skip_line(handle: BinaryIO) -> int:
    """Read past the rest of the current line, a chunk at a time; its bytes, without the "\\n"."""
    skipped = 0
    while chunk := handle.readline(_CHUNK_BYTES):
        if chunk.endswith(b"\n"):
            return skipped + len(chunk) - 1
        skipped += len(chunk)
    return skipped


_CHUNK_BYTES: Final = 1 << 20


def _read_text(path: str | Path, limits: InputLimits) -> str:
    """The text of a JSON or YAML file, refused over ``limits.max_file_bytes``: by its size
    before it is read, and by what is read (a file that grows, or a named pipe, which has no
    size), never reading more than one byte over the limit."""
    with open(path, "rb") as handle:
        try:
            data = read_bounded(handle, limits.max_file_bytes)
        except TooLarge as error:
            raise DeclarationError([Problem(message=limits.exceeded(
                "max_file_bytes", error.found))], file=str(path)) from None
    return data.decode("utf-8-sig")


def _read(text: str, name: str, file_format: FileFormat,
          limits: InputLimits = DEFAULT_LIMITS) -> LoadResult:
    text = text.removeprefix("\ufeff")
    if file_format == "jsonl":
        return _collect(_line_items(_text_lines(text, limits), name, limits))
    declarations: list[Declaration] = []
    errors: list[DeclarationError] = []
    try:
        for data, path in _documents(text, name, file_format, limits):
            item = _structured(data, path, name, limits)
            if isinstance(item, DeclarationError):
                errors.append(item)
            else:
                declarations.append(item)
    except DeclarationError as error:  # the document itself could not be read
        errors.append(_without_tracebacks(error))
    return LoadResult(tuple(declarations), tuple(errors))


def _collect(items: Iterable[Declaration | DeclarationError]) -> LoadResult:
    declarations: list[Declaration] = []
    errors: list[DeclarationError] = []
    for item in items:
        if isinstance(item, DeclarationError):
            errors.append(item)
        else:
            declarations.append(item)
    return LoadResult(tuple(declarations), tuple(errors))


_Error = TypeVar("_Error", bound=BaseException)


def _without_tracebacks(error: _Error) -> _Error:
    """``error`` without the tracebacks of it and of the exceptions it came from, grouped ones
    too (their messages stay), as it is kept (in a :class:`LoadResult`) or let go. A traceback
    holds the frames it passed through, which may hold the error (the list it is kept in, the
    variable it was caught in) and, in a reader's frames, the file's whole text: a reference
    cycle that only the garbage collector could free."""
    pending: list[BaseException | None] = [error]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        current.__traceback__ = None
        pending += (current.__cause__, current.__context__)
        if isinstance(current, BaseExceptionGroup):  # cattrs gathers each field's error
            pending += current.exceptions
    return error


def loads_declarations(
    text: str, *, file_format: FileFormat = "json", name: str = "<string>",
    limits: InputLimits = DEFAULT_LIMITS,
) -> list[Declaration]:
    """Declarations from a string; raises one :class:`DeclarationError` listing every problem.

    The string is held to ``limits`` as a file would be (``max_file_bytes`` for a document,
    ``max_line_bytes`` for each line of JSON Lines)."""
    return _strict(_read(text, name, file_format, limits), name)


def read_declarations(path: str | Path, *, limits: InputLimits = DEFAULT_LIMITS) -> LoadResult:
    """Read a JSON, JSON Lines or YAML file, keeping every good declaration.

    Bad declarations do not stop the others: each gives a :class:`DeclarationError` in
    ``errors``, as does each bad line of JSON Lines. A file that cannot be read, or is over
    ``limits.max_file_bytes``, gives one error and no declarations (the other limits:
    :mod:`indicator_rules.limits`).
    """
    return _collect(iter_declarations(path, limits=limits))


def iter_declarations(path: str | Path, *, limits: InputLimits = DEFAULT_LIMITS
                      ) -> Iterator[Declaration | DeclarationError]:
    """The declarations of a file one at a time, with an error in place of each bad one.

    A JSON Lines file is read line by line, so memory does not grow with its length (each line
    within ``limits.max_line_bytes``); a JSON or YAML file is one document, read whole
    (within ``limits.max_file_bytes``).
    """
    name = str(path)
    try:
        file_format = _format_of(name)
        if file_format == "jsonl":
            with open(path, "rb") as handle:
                yield from _line_items(_file_lines(handle, limits), name, limits)
            return
        text = _read_text(path, limits)
    except DeclarationError as error:
        yield _without_tracebacks(error)
        return
    except (OSError, UnicodeDecodeError) as error:
        yield DeclarationError([Problem(message=f"cannot read: {error}")], file=name)
        return
    result = _read(text, name, file_format, limits)
    del text  # the declarations hold what they need of it
    yield from result.declarations
    yield from result.errors


def load_declarations(path: str | Path, *, limits: InputLimits = DEFAULT_LIMITS
                      ) -> list[Declaration]:
    """Read a file strictly: every declaration, or one :class:`DeclarationError` listing all."""
    return _strict(read_declarations(path, limits=limits), str(path))


def _strict(result: LoadResult, name: str) -> list[Declaration]:
    if result.errors:
        raise DeclarationError(
            [problem for error in result.errors for problem in error.problems], file=name
        )
    return list(result.declarations)


def dumps_declarations(
    declarations: Iterable[Declaration], *, file_format: FileFormat = "json"
) -> str:
    """Text for ``declarations`` in the given format; reading it back gives equal declarations."""
    items = [unstructure_declaration(declaration) for declaration in declarations]
    if file_format == "jsonl":
        return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
    if file_format == "yaml":
        return yaml.dump(
            {"declarations": items},
            Dumper=_ExactSafeDumper,
            allow_unicode=True,
            sort_keys=False,
            width=100,
        )
    return json.dumps({"declarations": items}, ensure_ascii=False, indent=2) + "\n"


def dump_declarations(declarations: Iterable[Declaration], path: str | Path) -> None:
    """Write ``declarations`` to ``path``; the format follows the suffix (.json, .jsonl, .yaml).

    The file is written whole or not at all (:func:`~indicator_rules.atomic.atomic_write`): on
    any error the previous file at ``path`` is left as it was."""
    file_format = _format_of(str(path))
    text = dumps_declarations(declarations, file_format=file_format)
    with atomic_write(path) as handle:
        handle.write(text)


# ---------------------------------------------------------------------------------------------
# JSON Schema of the file format


def _field_schema(field_type: object, defs: dict[str, Any]) -> dict[str, Any]:
    if field_type is str:
        return {"type": "string"}
    if field_type is int:
        return {"type": "integer"}
    if field_type is Decimal:
        return {
            "anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}],
            "description": "an exact decimal; written as a string on output",
        }
    if field_type is datetime.date:
        return {"type": "string", "format": "date"}
    if getattr(field_type, "__origin__", None) is Literal:
        return {"enum": list(getattr(field_type, "__args__", ()))}
    if isinstance(field_type, type) and issubclass(field_type, enum.Enum):
        spellings = _ENUM_SPELLINGS.get(field_type, {})
        return {"enum": [member.value for member in field_type] + list(spellings)}
    if isinstance(field_type, type) and attrs.has(field_type):
        _class_schema(field_type, defs)
        reference = {"$ref": f"#/$defs/{field_type.__name__}"}
        if field_type is IndicatorValue:
            return {"anyOf": [{"type": "string"}, reference]}
        return reference
    origin = getattr(field_type, "__origin__", None)
    arguments: tuple[Any, ...] = getattr(field_type, "__args__", ())
    if origin is tuple:
        return {"type": "array", "items": _field_schema(arguments[0], defs)}
    if arguments and type(None) in arguments:  # X | None
        (inner,) = [argument for argument in arguments if argument is not type(None)]
        return {"anyOf": [_field_schema(inner, defs), {"type": "null"}]}
    raise TypeError(f"no JSON Schema for {field_type!r}")  # a model change this code missed


def _class_schema(cls: type, defs: dict[str, Any]) -> None:
    if cls.__name__ in defs:
        return
    defs[cls.__name__] = {}  # placeholder against recursion
    labels = labels_of(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    if cls in _DECLARATION_CLASSES.values():
        properties["kind"] = {"const": cls.kind}  # type: ignore[attr-defined]
        required.append("kind")
    for field in attrs.fields(attrs.resolve_types(cls)):
        if not field.init:  # kept by the object itself (IndicatorValue's parse), not given
            continue
        schema = _field_schema(field.type, defs)
        if field.name in labels:
            schema = {**schema, "title": " / ".join(labels[field.name])}
        properties[field.name] = schema
        if field.default is attrs.NOTHING:  # the loader says "missing required key"
            required.append(field.name)
    doc = (cls.__doc__ or "").strip().splitlines()[0]
    defs[cls.__name__] = {
        "type": "object",
        "description": doc,
        "properties": properties,
        "additionalProperties": False,
        **({"required": required} if required else {}),
    }


def declaration_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of the files that :func:`read_declarations` reads."""
    defs: dict[str, Any] = {}
    for cls in _MODEL_CLASSES:
        _class_schema(cls, defs)
    declaration = {"oneOf": [{"$ref": f"#/$defs/{cls.__name__}"}
                             for cls in _DECLARATION_CLASSES.values()]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://indicator-rules.invalid/schema/declarations.json",
        "title": "indicator_rules declaration file (绩效目标申报表)",
        "description": "One declaration, a list of them, or {\"declarations\": [...]}. "
        "Money is in the declaration's money_unit (万元 by default).",
        "anyOf": [
            {"$ref": "#/$defs/Declaration"},
            {"type": "array", "items": {"$ref": "#/$defs/Declaration"}},
            {
                "type": "object",
                "properties": {
                    "$schema": {"type": "string"},
                    "declarations": {"type": "array", "items": {"$ref": "#/$defs/Declaration"}},
                },
                "required": ["declarations"],
                "additionalProperties": False,
            },
        ],
        "$defs": {"Declaration": declaration, **defs},
    }
