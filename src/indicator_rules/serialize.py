"""Declarations to and from plain data, JSON, JSON Lines and YAML, through one cattrs converter.

The file format is strict, because a silently ignored key is a lost piece of a declaration:
unknown keys are errors, text must be text, money must be an exact decimal (a JSON number such as
``40.00`` is read exactly; in Python, pass ``Decimal`` or a string, never ``float``). Every problem
of a declaration is reported at once with its JSON path, e.g.
``declarations[2].indicators[5].value: expected text, got 12 (number)``, and in a file of many
declarations one bad declaration never stops the others from loading (:func:`read_declarations`).

A file holds one declaration (an object with ``"kind"``), a list of them, or an object
``{"declarations": [...]}``; ``.jsonl`` files hold one declaration per line.
"""

from __future__ import annotations

import datetime
import difflib
import enum
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Literal, TypeAlias, TypeVar

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

from indicator_rules.errors import DeclarationError, Problem
from indicator_rules.labels import labels_of
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
# One declaration


def structure_declaration(data: object, *, path: str = "", file: str | None = None) -> Declaration:
    """A declaration from plain data (what ``json.load`` gives); raises :class:`DeclarationError`.

    ``path`` prefixes the JSON paths in error messages (``declarations[2]``); ``file`` names the
    file they came from.
    """
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


_YAML_PLAIN_INTEGER = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_YAML_PLAIN_DECIMAL = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][-+]?[0-9]+)?")


class _StrictSafeLoader(yaml.SafeLoader):
    """YAML's SafeLoader, made exact and strict for declaration files.

    Numbers are read only when written plainly (``40.00`` → ``Decimal('40.00')``, ``2021`` →
    2021); YAML 1.1 forms that would silently change a value (``0450`` octal, ``1:30``
    sexagesimal, ``0x10``, ``1_000``) stay text, so the field's check reports them with their
    path. ``.inf`` and ``.nan`` become floats, which no field accepts. A key written twice in one
    mapping is an error.
    """

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


def _construct_yaml_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    text = loader.construct_scalar(node)
    return int(text) if _YAML_PLAIN_INTEGER.fullmatch(text) else _AmbiguousYamlNumber(text)


def _construct_yaml_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    text = loader.construct_scalar(node)
    if _YAML_PLAIN_DECIMAL.fullmatch(text):
        return Decimal(text)
    lowered = text.lower()
    if lowered in (".nan", ".inf", "+.inf", "-.inf"):
        return float(lowered.replace(".", ""))
    return _AmbiguousYamlNumber(text)


_StrictSafeLoader.add_constructor("tag:yaml.org,2002:int", _construct_yaml_int)
_StrictSafeLoader.add_constructor("tag:yaml.org,2002:float", _construct_yaml_float)


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
_JSON_DECODER: Final = json.JSONDecoder(parse_float=Decimal,
                                        object_pairs_hook=_reject_duplicate_keys)


def _parse_json(text: str, name: str, line_offset: int = 0) -> object:
    try:
        if text.startswith("\ufeff"):  # json.loads says so; its decoder alone does not check
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        return _JSON_DECODER.decode(text)
    except json.JSONDecodeError as error:
        problem = Problem(
            message=f"invalid JSON: {error.msg}",
            line=error.lineno + line_offset,
            column=error.colno,
        )
    except ValueError as error:
        problem = Problem(message=f"invalid JSON: {error}", line=line_offset + 1)
    raise DeclarationError([problem], file=name)


def _parse_yaml(text: str, name: str) -> object:
    try:
        return yaml.load(text, Loader=_StrictSafeLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        problem = Problem(
            message=f"invalid YAML: {error.problem or error}",
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        )
    except yaml.YAMLError as error:
        problem = Problem(message=f"invalid YAML: {error}")
    raise DeclarationError([problem], file=name)


def _documents(text: str, name: str, file_format: FileFormat) -> Iterator[tuple[object, str]]:
    """Each declaration's raw data with its JSON path, for a JSON or YAML document."""
    data = _parse_yaml(text, name) if file_format == "yaml" else _parse_json(text, name)
    if isinstance(data, list):
        for index, item in enumerate(data):
            yield item, f"[{index}]"
    elif isinstance(data, Mapping) and "kind" not in data:
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


def _line_items(lines: Iterable[str], name: str) -> Iterator[Declaration | DeclarationError]:
    """JSON Lines: every line on its own, so a bad line never hides the lines after it."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = _parse_json(line, name, line_offset=number - 1)
            yield structure_declaration(data, file=name)
        except DeclarationError as error:
            yield DeclarationError(
                [problem if problem.line else attrs.evolve(problem, line=number)
                 for problem in error.problems],
                file=name,
            )


def _read_lines(text: str, name: str) -> LoadResult:
    # split on "\n" only: str.splitlines() would also split inside strings at U+0085 etc.
    items = list(_line_items(text.split("\n"), name))
    return LoadResult(tuple(item for item in items if not isinstance(item, DeclarationError)),
                      tuple(item for item in items if isinstance(item, DeclarationError)))


def _read(text: str, name: str, file_format: FileFormat) -> LoadResult:
    text = text.removeprefix("\ufeff")
    if file_format == "jsonl":
        return _read_lines(text, name)
    declarations: list[Declaration] = []
    errors: list[DeclarationError] = []
    try:
        for data, path in _documents(text, name, file_format):
            try:
                declarations.append(structure_declaration(data, path=path, file=name))
            except DeclarationError as error:
                errors.append(_without_tracebacks(error))
    except DeclarationError as error:  # the document itself could not be parsed
        errors.append(_without_tracebacks(error))
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
    text: str, *, file_format: FileFormat = "json", name: str = "<string>"
) -> list[Declaration]:
    """Declarations from a string; raises one :class:`DeclarationError` listing every problem."""
    return _strict(_read(text, name, file_format), name)


def read_declarations(path: str | Path) -> LoadResult:
    """Read a JSON, JSON Lines or YAML file, keeping every good declaration.

    Bad declarations do not stop the others: each gives a :class:`DeclarationError` in
    ``errors``. An unreadable file gives one error and no declarations.
    """
    name = str(path)
    try:
        file_format = _format_of(name)
        text = Path(path).read_text(encoding="utf-8-sig")
    except DeclarationError as error:
        return LoadResult((), (error,))
    except (OSError, UnicodeDecodeError) as error:
        return LoadResult((), (DeclarationError([Problem(message=f"cannot read: {error}")],
                                                file=name),))
    return _read(text, name, file_format)


def iter_declarations(path: str | Path) -> Iterator[Declaration | DeclarationError]:
    """The declarations of a file one at a time, with an error in place of each bad one.

    A JSON Lines file is read line by line, so memory does not grow with its length; a JSON or
    YAML file is one document, read whole (:func:`read_declarations`).
    """
    name = str(path)
    try:
        file_format = _format_of(name)
    except DeclarationError as error:
        yield error
        return
    if file_format != "jsonl":
        result = read_declarations(path)
        yield from result.declarations
        yield from result.errors
        return
    try:
        # newline="\n": lines end at "\n" only, as when the text is read whole
        with open(path, encoding="utf-8-sig", newline="\n") as handle:
            yield from _line_items(handle, name)
    except (OSError, UnicodeDecodeError) as error:
        yield DeclarationError([Problem(message=f"cannot read: {error}")], file=name)


def load_declarations(path: str | Path) -> list[Declaration]:
    """Read a file strictly: every declaration, or one :class:`DeclarationError` listing all."""
    return _strict(read_declarations(path), str(path))


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
    """Write ``declarations`` to ``path``; the format follows the suffix (.json, .jsonl, .yaml)."""
    file_format = _format_of(str(path))
    Path(path).write_text(dumps_declarations(declarations, file_format=file_format),
                          encoding="utf-8")


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
