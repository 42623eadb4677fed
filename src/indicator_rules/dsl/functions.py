"""Functions callable from rules: the built-ins, and a registry for a bureau's own.

A function has a type rule (checked when the ruleset loads) and a pure Python implementation.
Null handling is part of each function: unless a function says otherwise, a null argument gives
a null result. Aggregates skip null items (``sum`` of nothing is 0; ``min``/``max`` of nothing is
null); ``all`` of an empty list is true (use ``all_nonempty`` to require at least one item);
``any``/``all`` with null items follow three-valued logic.

A bureau registers its own functions with :meth:`FunctionRegistry.register` (typed signature)
or through the entry-point group ``indicator_rules.functions`` (each entry point is a callable
taking the registry).
"""

from __future__ import annotations

import bisect
import collections
import functools
import itertools
import math
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence, Sized
from decimal import Decimal
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import attrs

from indicator_rules.dsl.patterns import GuardedPattern, RulePattern
from indicator_rules.dsl.types import (
    BOOL,
    NUMBER,
    TEXT,
    DslType,
    Kind,
    list_of,
    record,
)
from indicator_rules.model import Declaration, IndicatorValue, ProjectDeclaration
from indicator_rules.taxonomy import (
    PROFILES,
    Profile,
    canonical_level2,
    guess_profile,
    missing_level1,
)

__all__ = ["INLINE_CALL", "LENGTH_FUNCTIONS", "Function", "FunctionRegistry", "SignatureError",
           "builtin_functions", "plugin_entry_points"]

ENTRY_POINT_GROUP = "indicator_rules.functions"


class SignatureError(Exception):
    """Arguments that do not fit a function; the checker turns it into a located load error."""


TypeRule = Callable[[Sequence[DslType]], DslType]


@attrs.frozen
class Function:
    """A function of the rules language.

    ``type_rule`` gets the argument types and returns the result type, or raises
    :class:`SignatureError`; ``implementation`` gets the argument values. ``regex_argument`` is
    the index of an argument that must be a text literal holding a regular expression: it is
    compiled when the ruleset loads (:func:`~indicator_rules.dsl.patterns.compile_pattern`) and
    passed compiled. With ``null_safe`` false, a null argument gives null without calling the
    implementation. ``total``: the implementation never returns None for non-null arguments (a
    promise the generated code relies on). ``grows``: the result (a text) may be longer than
    the arguments together (``join([a, a], "")``), so its characters are counted against the
    run's budget (:data:`~indicator_rules.dsl.semantics.MAX_TEXT_CHARS`).
    """

    name: str
    type_rule: TypeRule
    implementation: Callable[..., Any]
    doc: str
    signature: str
    null_safe: bool = False
    regex_argument: int | None = None
    #: never null when no argument is (null-safe: never null at all); the compiler then
    #: leaves out the null checks of what uses the result
    total: bool = False
    grows: bool = False


def _arity(name: str, types: Sequence[DslType], count: int) -> None:
    if len(types) != count:
        plural = "s" if count != 1 else ""
        raise SignatureError(f"{name}() takes {count} argument{plural}, got {len(types)}")


def _list_argument(name: str, types: Sequence[DslType]) -> DslType:
    _arity(name, types, 1)
    (argument,) = types
    if argument.kind is not Kind.LIST:
        raise SignatureError(f"{name}() takes a list, got {argument}")
    assert argument.item is not None
    return argument.item


def _numeric_list(name: str, types: Sequence[DslType], allow_date: bool = False) -> DslType:
    item = _list_argument(name, types)
    if not (item.numeric or (allow_date and item.kind is Kind.DATE) or item.kind is Kind.NULL):
        raise SignatureError(f"{name}() takes a list of numbers, percents or money, got list of "
                             f"{item}")
    return item.not_null()


def _values_by_type(types: Sequence[DslType]) -> DslType:
    _arity("values_by", types, 3)
    keys, values, key = types
    if keys.kind is not Kind.LIST or (keys.item is not None and keys.item.kind
                                      not in (Kind.TEXT, Kind.NULL)):
        raise SignatureError(f"argument 1 of values_by() must be a list of text (the keys), got "
                             f"{keys}")
    if values.kind is not Kind.LIST:
        raise SignatureError(f"argument 2 of values_by() must be a list, got {values}")
    if key.kind not in (Kind.TEXT, Kind.NULL):
        raise SignatureError(f"argument 3 of values_by() must be text (a key), got {key}")
    return values


@attrs.frozen
class _Index:
    """The values by key of one (keys, values) pair of lists, which it holds (so their ids stay
    theirs)."""

    keys: tuple[Any, ...]
    values: tuple[Any, ...]
    by_key: dict[str, list[Any]]


#: The indexes of the last few (keys, values) lists :func:`values_by` was given: a rule asks
#: for one key after another of the same lists (computed once per run), so each index is made
#: once. Only a cache — the result is the same with or without it.
_INDEXES: collections.OrderedDict[tuple[int, int], _Index] = collections.OrderedDict()
_INDEXES_KEPT = 8


def values_by(keys: tuple[str | None, ...], values: tuple[Any, ...],
              key: str) -> tuple[Any, ...]:
    """The values whose key (at the same place in ``keys``) is ``key``, in order; none when no
    key matches. The two lists must be as long as each other."""
    if len(keys) != len(values):
        raise ValueError(f"values_by(): {len(keys)} keys for {len(values)} values")
    slot = (id(keys), id(values))
    index = _INDEXES.get(slot)
    if index is None or index.keys is not keys or index.values is not values:
        by_key: dict[str, list[Any]] = {}
        for each_key, value in zip(keys, values, strict=True):
            if each_key is not None:
                by_key.setdefault(each_key, []).append(value)
        index = _INDEXES[slot] = _Index(keys, values, by_key)
        while len(_INDEXES) > _INDEXES_KEPT:
            _INDEXES.popitem(last=False)
    return tuple(index.by_key.get(key, ()))


def _bool_list(name: str, types: Sequence[DslType]) -> DslType:
    item = _list_argument(name, types)
    if item.kind not in (Kind.BOOL, Kind.NULL):
        raise SignatureError(f"{name}() takes a list of conditions, got list of {item}")
    return BOOL.or_null() if item.nullable else BOOL  # a null condition can leave it undecided


def _fixed(name: str, parameters: Sequence[DslType], result: DslType) -> TypeRule:
    """A type rule for a fixed signature; a nullable argument makes the result nullable."""

    def rule(types: Sequence[DslType]) -> DslType:
        _arity(name, types, len(parameters))
        nullable = False
        for position, (given, wanted) in enumerate(zip(types, parameters, strict=True), 1):
            if not given.same_kind(wanted):
                raise SignatureError(f"argument {position} of {name}() must be {wanted}, "
                                     f"got {given}")
            nullable |= given.nullable and not wanted.nullable
        return result.or_null() if nullable else result

    return rule


def _three_valued_all(items: Iterable[bool | None]) -> bool | None:
    unknown = False
    for item in items:
        if item is False:
            return False
        unknown |= item is None
    return None if unknown else True


def _three_valued_any(items: Iterable[bool | None]) -> bool | None:
    unknown = False
    for item in items:
        if item is True:
            return True
        unknown |= item is None
    return None if unknown else False


def _all_nonempty(items: tuple[bool | None, ...]) -> bool | None:
    return False if not items else _three_valued_all(items)


def _present(items: Iterable[Any]) -> list[Any]:
    return [item for item in items if item is not None]


def _min(items: tuple[Any, ...]) -> Any:
    present = _present(items)
    return min(present) if present else None


def _max(items: tuple[Any, ...]) -> Any:
    present = _present(items)
    return max(present) if present else None


def _distinct(items: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(_present(items)))


def _duplicates(items: tuple[Any, ...]) -> tuple[Any, ...]:
    seen: dict[Any, int] = {}
    for item in _present(items):
        seen[item] = seen.get(item, 0) + 1
    return tuple(item for item, times in seen.items() if times > 1)


_PUNCTUATION_OR_SPACE = re.compile(r"[\s\W_]+", re.UNICODE)
_NUMBERED_PREFIX = re.compile(r"^\s*指标\s*\d+\s*[:：]\s*")
_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})(?=\s*年)")


@functools.lru_cache(maxsize=65536)
def normalize_text(text: str) -> str:
    """Text compared for sameness: NFKC, no ``指标 N:`` prefix, no spaces or punctuation."""
    text = _NUMBERED_PREFIX.sub("", unicodedata.normalize("NFKC", text))
    return _PUNCTUATION_OR_SPACE.sub("", text)


def _years(text: str) -> tuple[Decimal, ...]:
    if "年" not in text or ("20" not in text and "19" not in text):  # most texts: no search
        return ()
    return tuple(Decimal(match.group(1)) for match in _YEAR.finditer(text))


def _words_in(text: str, words: tuple[str | None, ...]) -> tuple[str, ...]:
    return tuple(word for word in words if word and word in text)


def _contains_any(text: str, words: tuple[str | None, ...]) -> bool:
    # the first found decides: no list of every word found (a loop: any() of a generator is
    # slower, and this runs for every row)
    for word in words:  # noqa: SIM110
        if word and word in text:
            return True
    return False


def _count(items: Sized) -> Decimal:
    return Decimal(len(items))


def _matches(text: str, pattern: RulePattern) -> bool:
    if isinstance(pattern, GuardedPattern):
        return pattern.found(text, None)
    return pattern.search(text) is not None


def _remove_words(text: str, words: tuple[str | None, ...]) -> str:
    for word in sorted((word for word in words if word), key=len, reverse=True):
        text = text.replace(word, "")
    return text


# Organisations as goals and indicators name them: a name ending in 委员会/办公室/办公厅, or a
# 省/市/县/区 prefix with an organ suffix (市委办, 市财政局, 市直机关工委, 县政府办 …).
_NAME_CHAR = r"[^\W\d_和与及的或]"  # a name does not run across 和/与/及/的/或
_ORGANISATION = re.compile(
    rf"(?:中共)?{_NAME_CHAR}{{2,12}}?(?:委员会|办公室|办公厅)"
    r"|(?:省|市|县|区|州)(?:委办|政府办|人大办|政协办)"
    rf"|(?:省|市|县|区|州){_NAME_CHAR}{{0,6}}?(?:工委|局|厅|委)"
)


@functools.lru_cache(maxsize=16384)
def organisations_in(text: str) -> tuple[str, ...]:
    """Organisation names mentioned in ``text`` (heuristic), in order, each once (remembered:
    the same names and values recur from form to form)."""
    found: list[str] = []
    for match in _ORGANISATION.finditer(text):
        if match.group(0) not in found:
            found.append(match.group(0))
    return tuple(found)


_CUE_REACH = 6


@functools.lru_cache(maxsize=16384)
def organisations_cited(text: str, cues: tuple[str | None, ...]) -> tuple[str, ...]:
    """The organisations of :func:`organisations_in` that ``text`` cites — one of ``cues``
    (按照, 根据, 配合 …) stands within the six characters before the name — rather than speaks
    of as its own concern (保障市委办正常办公秩序)."""
    found: list[str] = []
    for match in _ORGANISATION.finditer(text):
        before = text[max(0, match.start() - _CUE_REACH):match.start()]
        if any(cue and cue in before for cue in cues) and match.group(0) not in found:
            found.append(match.group(0))
    return tuple(found)


_SENTENCE_END = re.compile(r"(?<=[。；;])|\n")
_GRAM = 32  # the longest start of a passage looked up before searching for it


def repeated_paragraphs(text: str, min_length: Decimal) -> tuple[str, ...]:
    """Passages of at least ``min_length`` characters (normalised) that occur twice in ``text``.

    The text is cut into sentences (。；; and line breaks); a run of consecutive sentences whose
    normalised form appears again later is reported once, as first written.

    Linear in practice: the normalised text is searched (in C) only for a passage whose first
    characters occur again later, and the longest run that occurs again is found by halving
    (a run occurs again if a longer one starting at the same sentence does).
    """
    sentences = [part for part in _SENTENCE_END.split(text) if part.strip()]
    keys = [normalize_text(sentence) for sentence in sentences]
    starts = list(itertools.accumulate(map(len, keys), initial=0))
    whole = "".join(keys)
    if min_length.is_infinite() and min_length > 0:
        return ()
    # characters: the lengths compared are whole numbers
    need = 0 if min_length.is_infinite() else max(0, math.ceil(min_length))
    if need and len(whole) < 2 * need:  # no room for a passage and its repetition
        return ()
    gram = min(_GRAM, need)
    last_at = _last_positions(whole, gram)

    def again(index: int, length: int) -> bool:
        """Whether sentences ``index`` … ``index + length - 1`` occur again after them."""
        begin, end = starts[index], starts[index + length]
        if gram and end - begin >= gram and last_at.get(whole[begin:begin + gram], -1) < end:
            return False
        return whole.find(whole[begin:end], end) >= 0

    found: list[str] = []
    index = 0
    while index < len(sentences):
        # the shortest run of at least min_length characters, and the longest that occurs again
        shortest = max(index + 1, bisect.bisect_left(starts, starts[index] + need))
        best = _longest(functools.partial(again, index), shortest - index,
                        len(sentences) - index - 1)
        if best:
            found.append("".join(sentences[index:index + best]).strip())
            index += best
        else:
            index += 1
    return tuple(found)


def _longest(holds: Callable[[int], bool], low: int, high: int) -> int:
    """The largest number from ``low`` to ``high`` for which ``holds`` (true up to some number,
    then false), or 0 when it holds for none: tried at ``low``, then doubling, then halving."""
    if low > high or not holds(low):
        return 0
    step = 1
    while low + step <= high and holds(low + step):
        low, step = low + step, step * 2
    high = min(high, low + step - 1)
    while low < high:
        middle = (low + high + 1) // 2
        if holds(middle):
            low = middle
        else:
            high = middle - 1
    return low


def _last_positions(text: str, width: int) -> dict[str, int]:
    """Where each piece of ``width`` characters of ``text`` last starts (none for width 0)."""
    if not width:
        return {}
    return {text[start:start + width]: start for start in range(len(text) - width + 1)}


def _same(types: Sequence[DslType], name: str) -> DslType:
    _arity(name, types, 1)
    if not types[0].numeric:
        raise SignatureError(f"{name}() takes a number, percent or money, got {types[0]}")
    return types[0]


def _length(types: Sequence[DslType]) -> DslType:
    _arity("len", types, 1)
    if types[0].kind not in (Kind.TEXT, Kind.LIST, Kind.NULL):
        raise SignatureError(f"len() takes text or a list, got {types[0]}")
    return NUMBER.or_null() if types[0].nullable else NUMBER


def _blank(types: Sequence[DslType]) -> DslType:
    _arity("blank", types, 1)
    if types[0].kind not in (Kind.TEXT, Kind.NULL, Kind.LIST):
        raise SignatureError(f"blank() takes text or a list, got {types[0]}")
    return BOOL


def _value_predicate(name: str) -> TypeRule:
    def rule(types: Sequence[DslType]) -> DslType:
        _arity(name, types, 1)
        if types[0].kind is not Kind.RECORD or types[0].record != "Value":
            raise SignatureError(f"{name}() takes an 指标值 (such as i.value), got {types[0]}")
        return BOOL

    return rule


def _is_blank(value: str | tuple[Any, ...] | None) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return not value


_TEXT_LIST = list_of(TEXT)
_DECLARATION_RECORDS = frozenset({"Declaration", "ProjectDeclaration", "DepartmentDeclaration"})


def _declaration_and_profile(name: str, result: DslType) -> TypeRule:
    def type_rule(types: Sequence[DslType]) -> DslType:
        _arity(name, types, 2)
        if types[0].kind is not Kind.RECORD or types[0].record not in _DECLARATION_RECORDS:
            raise SignatureError(f"argument 1 of {name}() must be a declaration (write "
                                 f"'declaration'), got {types[0]}")
        if types[1].kind is not Kind.TEXT:
            raise SignatureError(f"argument 2 of {name}() must be text (a profile name: "
                                 f"{', '.join(PROFILES)} or auto), got {types[1]}")
        return result

    return type_rule


def _profile(declaration: Declaration, name: str) -> Profile:
    if name == "auto":
        name = _guessed_profile(tuple((i.level1, i.level2) for i in declaration.indicators))
    if name not in PROFILES:
        raise ValueError(f"unknown taxonomy profile {name!r} (known: {', '.join(PROFILES)}, auto)")
    return PROFILES[name]


@functools.lru_cache(maxsize=1024)  # several rules ask for one form's profile
def _guessed_profile(pairs: tuple[tuple[str, str], ...]) -> str:
    return guess_profile(pairs)


def _plain_number(number: Decimal) -> str:
    return format(number.normalize(), "f") if number == number.to_integral_value() \
        else format(number, "f")


def _profile_title(name: str) -> str:
    if name not in PROFILES:
        raise ValueError(f"unknown taxonomy profile {name!r} (known: {', '.join(PROFILES)})")
    return PROFILES[name].title


def _parents_of(level2: str, name: str) -> tuple[str, ...]:
    if name not in PROFILES:
        raise ValueError(f"unknown taxonomy profile {name!r} (known: {', '.join(PROFILES)})")
    canonical = canonical_level2(level2)
    return () if canonical is None else PROFILES[name].parents_of(canonical)


def _declaration_only(name: str, result: DslType) -> TypeRule:
    def type_rule(types: Sequence[DslType]) -> DslType:
        _arity(name, types, 1)
        if types[0].kind is not Kind.RECORD or types[0].record not in _DECLARATION_RECORDS:
            raise SignatureError(f"the argument of {name}() must be a declaration (write "
                                 f"'declaration'), got {types[0]}")
        return result

    return type_rule


def form_texts(declaration: Declaration) -> tuple[str, ...]:
    """The free texts of a form that say what will be done, each led by where it stands.

    年度目标 (project); 年度总体目标 and each 年度主要任务 (department); each indicator's
    三级指标 and 指标值. Blank ones are left out; 部门职能职责概述 and 实施期 are not included.
    """
    texts: list[str] = []
    if isinstance(declaration, ProjectDeclaration):
        if declaration.goal.strip():
            texts.append(f"年度目标：{declaration.goal.strip()}")
    else:
        texts += [f"年度总体目标：{goal.strip()}" for goal in declaration.goals if goal.strip()]
        texts += [f"年度主要任务「{task.name.strip()}」：{task.content.strip()}"
                  for task in declaration.tasks if task.name.strip() or task.content.strip()]
    texts += [f"三级指标「{indicator.name.strip()}」：{indicator.value.text.strip()}"
              for indicator in declaration.indicators
              if indicator.name.strip() or indicator.value.text.strip()]
    return tuple(texts)


_ANY_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_LONGEST_SPAN = 50


def years_spanned(text: str) -> tuple[Decimal, ...]:
    """Every year from the first to the last 4-digit year written in ``text``, with or without
    年 (``2021.01-2023.12`` → 2021, 2022, 2023); none when there is no year or the years lie
    more than 50 apart."""
    found = [int(match.group(1)) for match in _ANY_YEAR.finditer(text)]
    if not found or max(found) - min(found) > _LONGEST_SPAN:
        return ()
    return tuple(Decimal(year) for year in range(min(found), max(found) + 1))


def end_year(value: IndicatorValue, default_year: Decimal) -> Decimal | None:
    """The year in which the 指标值's deadline or date range ends (the later of the two); a
    deadline without a year (年底前) is in ``default_year``, 次年 in the year after. Null when
    the value has neither."""
    parsed = value.parsed
    dates = (parsed.deadline, parsed.date_range.end if parsed.date_range else None)
    ends = [date.latest(int(default_year)) for date in dates if date is not None]
    return Decimal(max(ends).year) if ends else None


def unit_names(declaration: Declaration) -> tuple[str, ...]:
    """The names a form gives its own unit, each once, blanks left out: 预算单位, 填报单位 and
    主管部门 of a project; 部门名称 and 填报单位 of a department."""
    names: tuple[str, ...]
    if isinstance(declaration, ProjectDeclaration):
        names = (declaration.budget_unit, declaration.filing_unit, declaration.department)
    else:
        names = (declaration.name, declaration.filing_unit)
    return tuple(dict.fromkeys(name.strip() for name in names if name.strip()))


def common_bigrams(first: str, second: str) -> tuple[str, ...]:
    """The two-letter pieces found in both texts after :func:`normalize_text`, in the order of
    the first, each once. Pieces with a digit are left out, so 100 and 2021 never make two texts
    look related. A crude keyword overlap for Chinese, which has no spaces between words:
    文体活动 and 丰富职工文体生活 share 文体."""
    ordered, own = _bigrams(first)
    pieces = _bigrams(second)[1]
    if own.isdisjoint(pieces):  # most pairs: nothing in common, found without a loop
        return ()
    return tuple(piece for piece in ordered if piece in pieces)


@attrs.frozen
class _Texts:
    """An index of a list of texts (normalised) for :func:`related`, which it holds (so its id
    stays its own): the texts, their lengths, and which texts have each character and each
    two-letter piece (:func:`_bigrams`' pieces, and every piece, digits included)."""

    given: tuple[str | None, ...]
    texts: frozenset[str]
    lengths: tuple[int, ...]
    by_char: dict[str, list[int]]
    by_piece: dict[str, list[int]]
    by_bigram: dict[str, list[int]]
    normalised: tuple[str, ...]

    @classmethod
    def of(cls, given: tuple[str | None, ...]) -> _Texts:
        normalised = tuple(normalize_text(text) for text in given if text is not None)
        by_char: dict[str, list[int]] = {}
        by_piece: dict[str, list[int]] = {}
        by_bigram: dict[str, list[int]] = {}
        for number, text in enumerate(normalised):
            for char in set(text):
                by_char.setdefault(char, []).append(number)
            for piece in {text[start:start + 2] for start in range(len(text) - 1)}:
                by_piece.setdefault(piece, []).append(number)
            for piece in _bigrams(text)[1]:
                by_bigram.setdefault(piece, []).append(number)
        return cls(given, frozenset(normalised), tuple(sorted({len(t) for t in normalised})),
                   by_char, by_piece, by_bigram, normalised)


#: The indexes of the last few lists :func:`related` was given (a rule asks about one text
#: after another against the same list, computed once per run). Only a cache.
_TEXT_INDEXES: collections.OrderedDict[int, _Texts] = collections.OrderedDict()


def related(text: str, others: tuple[str | None, ...]) -> bool:
    """Whether one of ``others`` is related to ``text``, both normalised (:func:`normalize_text`):
    one contains the other, or they have at least three two-letter pieces in common
    (:func:`common_bigrams`).

    The same as asking each of ``others`` in turn, without comparing ``text`` with each: the
    list is indexed once (by its characters and two-letter pieces) and ``text`` looked up in
    the index, so matching every task with every indicator is not quadratic.
    """
    if len(others) <= _FEW_TEXTS:  # a short list: each of its texts asked in turn
        own = normalize_text(text)
        pieces = _bigrams(own)[1]
        return any(other is not None and _related_pair(own, normalize_text(other), pieces)
                   for other in others)
    index = _TEXT_INDEXES.get(id(others))
    if index is None or index.given is not others:
        index = _TEXT_INDEXES[id(others)] = _Texts.of(others)
        while len(_TEXT_INDEXES) > _INDEXES_KEPT:
            _TEXT_INDEXES.popitem(last=False)
    if not index.texts:
        return False
    own = normalize_text(text)
    return (_contains_one_of(own, index) or _inside_one_of(own, index)
            or _shares_bigrams(own, index, 3))


_FEW_TEXTS = 32  # lists up to this long are not indexed


def _related_pair(own: str, other: str, pieces: frozenset[str]) -> bool:
    """:func:`related` for one other text (both normalised; ``pieces``: the bigrams of own)."""
    if other in own or own in other:
        return True
    shared = pieces & _bigrams(other)[1]
    return len(shared) >= 3


def _contains_one_of(own: str, index: _Texts) -> bool:
    """Whether ``own`` contains one of the indexed texts (each length looked up as a piece)."""
    texts = index.texts
    for length in index.lengths:
        if length > len(own):
            break
        if any(own[start:start + length] in texts for start in range(len(own) - length + 1)):
            return True
    return False


def _inside_one_of(own: str, index: _Texts) -> bool:
    """Whether ``own`` stands inside one of the indexed texts: only the texts that have its
    rarest character or two-letter piece are searched."""
    if not own:
        return True  # the empty text is in every text
    keys = index.by_char if len(own) == 1 else index.by_piece
    pieces = {own} if len(own) == 1 else {own[start:start + 2] for start in range(len(own) - 1)}
    candidates = min((keys.get(piece, ()) for piece in pieces), key=len)
    texts = index.normalised
    return any(own in texts[number] for number in candidates)


def _shares_bigrams(own: str, index: _Texts, least: int) -> bool:
    """Whether one of the indexed texts has at least ``least`` of the bigrams of ``own``."""
    shared: dict[int, int] = {}
    for piece in _bigrams(own)[0]:
        for number in index.by_bigram.get(piece, ()):
            count = shared[number] = shared.get(number, 0) + 1
            if count >= least:
                return True
    return False


@functools.lru_cache(maxsize=4096)  # a form's name and goal, met again on each of its rows
def _bigrams(text: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """The two-letter pieces of ``text`` after :func:`normalize_text` without a digit, each
    once, in order, and as a set (remembered, as a form's name and goal are compared with
    every row)."""
    text = normalize_text(text)
    ordered = tuple(dict.fromkeys(piece for piece in (text[index:index + 2]
                                                      for index in range(len(text) - 1))
                                  if piece.isalpha()))
    return ordered, frozenset(ordered)


@functools.lru_cache(maxsize=8192)  # S11 reads every row's 三级指标 as a value: names repeat
def _parse(text: str) -> IndicatorValue:
    """``parse(text)``: the text as an 指标值, one (immutable) value per text."""
    return IndicatorValue(text=text)


def builtin_functions() -> dict[str, Function]:
    """The built-in functions, by name."""
    functions = [
        Function("count", lambda t: (_list_argument("count", t), NUMBER)[1],
                 _count, "number of items", "count(list) -> number", total=True),
        Function("sum", lambda t: _numeric_list("sum", t),
                 lambda items: sum(_present(items), Decimal(0)),
                 "sum, skipping nulls; 0 for an empty list", "sum(list) -> same kind"),
        Function("min", lambda t: _numeric_list("min", t, allow_date=True).or_null(), _min,
                 "smallest item, skipping nulls; null for an empty list", "min(list) -> item"),
        Function("max", lambda t: _numeric_list("max", t, allow_date=True).or_null(), _max,
                 "largest item, skipping nulls; null for an empty list", "max(list) -> item"),
        Function("any", lambda t: _bool_list("any", t), _three_valued_any,
                 "true if some item is true", "any(list of conditions) -> bool"),
        Function("all", lambda t: _bool_list("all", t), _three_valued_all,
                 "true if no item is false; true for an empty list", "all(list) -> bool"),
        Function("all_nonempty", lambda t: _bool_list("all_nonempty", t), _all_nonempty,
                 "like all(), but false for an empty list", "all_nonempty(list) -> bool"),
        Function("distinct", lambda t: list_of(_list_argument("distinct", t).not_null()),
                 _distinct, "items without repeats, in first-seen order, nulls dropped",
                 "distinct(list) -> list", total=True),
        Function("duplicates", lambda t: list_of(_list_argument("duplicates", t).not_null()),
                 _duplicates, "items that occur more than once (each listed once)",
                 "duplicates(list) -> list", total=True),
        Function("abs", lambda t: _same(t, "abs"), abs, "absolute value",
                 "abs(number) -> number"),
        Function("len", _length, _count, "length of a text or list",
                 "len(text or list) -> number", total=True),
        Function("blank", _blank, _is_blank,
                 "true for null, empty or white-space-only text, or an empty list",
                 "blank(text) -> bool", null_safe=True, total=True),
        Function("quantified", _value_predicate("quantified"), lambda v: v.parsed.quantified,
                 "the 指标值 has a number", "quantified(value) -> bool"),
        Function("graded", _value_predicate("graded"), lambda v: v.parsed.graded,
                 "the 指标值 is a grade (好, 达标 …)", "graded(value) -> bool"),
        Function("matches", _fixed("matches", (TEXT, TEXT), BOOL), _matches,
                 "the regular expression (a text literal, checked at load) matches part of the "
                 "text", "matches(text, regex) -> bool", regex_argument=1, total=True),
        Function("contains_any", _fixed("contains_any", (TEXT, _TEXT_LIST), BOOL),
                 _contains_any, "the text contains one of the words",
                 "contains_any(text, list) -> bool", total=True),
        Function("words_in", _fixed("words_in", (TEXT, _TEXT_LIST), _TEXT_LIST), _words_in,
                 "the words of the list that occur in the text, in list order",
                 "words_in(text, list) -> list of text", total=True),
        Function("years", _fixed("years", (TEXT,), list_of(NUMBER)), _years,
                 "the years (19xx/20xx followed by 年) mentioned in the text",
                 "years(text) -> list of number", total=True),
        Function("normalize", _fixed("normalize", (TEXT,), TEXT), normalize_text,
                 "text for comparing sameness: no 指标N: prefix, spaces or punctuation",
                 "normalize(text) -> text", total=True),
        Function("remove_words", _fixed("remove_words", (TEXT, _TEXT_LIST), TEXT), _remove_words,
                 "the text without any of the words (longest first)",
                 "remove_words(text, list) -> text", total=True),
        Function("organisations", _fixed("organisations", (TEXT,), _TEXT_LIST), organisations_in,
                 "organisation names mentioned in the text (heuristic: …委员会, …局, 市委办 …)",
                 "organisations(text) -> list of text", total=True),
        Function("organisations_cited",
                 _fixed("organisations_cited", (TEXT, _TEXT_LIST), _TEXT_LIST),
                 organisations_cited,
                 "the organisations the text cites: one of the cue words (按照, 根据, 配合 …) "
                 "stands just before the name", "organisations_cited(text, cues) -> list of text",
                 total=True),
        Function("repeated_paragraphs",
                 _fixed("repeated_paragraphs", (TEXT, NUMBER), _TEXT_LIST), repeated_paragraphs,
                 "passages of at least N characters that occur twice in the text",
                 "repeated_paragraphs(text, N) -> list of text"),
        Function("parse", _fixed("parse", (TEXT,), record("Value")),
                 _parse,
                 "read any text as an 指标值 (e.g. the numbers in a goal: parse(goal).targets)",
                 "parse(text) -> value"),
        Function("taxonomy", _declaration_and_profile("taxonomy", TEXT),
                 lambda declaration, name: _profile(declaration, name).name,
                 "the taxonomy profile (mof2015, mof2021, hunan) of the declaration: the one "
                 "named, or with \"auto\" the one guessed from where 成本 and 满意度 sit",
                 "taxonomy(declaration, profile) -> text"),
        Function("missing_level1", _declaration_and_profile("missing_level1", _TEXT_LIST),
                 lambda declaration, name: tuple(missing_level1(
                     _profile(declaration, name), declaration.kind,
                     ((i.level1, i.level2) for i in declaration.indicators))),
                 "the 一级指标 the profile requires of this kind of form that it lacks "
                 "(hunan: a satisfaction 二级 under 效益 counts as 满意度指标)",
                 "missing_level1(declaration, profile) -> list of text"),
        Function("form_texts", _declaration_only("form_texts", _TEXT_LIST), form_texts,
                 "the form's free texts (年度目标 / 年度总体目标, 年度主要任务, each 三级指标 "
                 "with its 指标值), each led by where it stands",
                 "form_texts(declaration) -> list of text", total=True),
        Function("years_spanned", _fixed("years_spanned", (TEXT,), list_of(NUMBER)),
                 years_spanned, "every year from the first to the last 4-digit year written in "
                 "the text, with or without 年 (2021.01-2023.12 → 2021, 2022, 2023)",
                 "years_spanned(text) -> list of number", total=True),
        Function("end_year", _fixed("end_year", (record("Value"), NUMBER), NUMBER.or_null()),
                 end_year, "the year the 指标值's deadline or date range ends (年底前 is in the "
                 "given year); null without one", "end_year(value, year) -> number"),
        Function("join", _fixed("join", (_TEXT_LIST, TEXT), TEXT),
                 lambda items, separator: separator.join(item for item in items
                                                         if item is not None),
                 "the texts joined with the separator, nulls left out (a key of several fields: "
                 "join([normalize(name), normalize(value.text)], \"|\"))",
                 "join(list of text, separator) -> text", total=True, grows=True),
        Function("values_by", _values_by_type, values_by,
                 "the values whose key (at the same place in the list of keys) is the one "
                 "given: the forms of one unit without comparing every form with every other",
                 "values_by(keys, values, key) -> list"),
        Function("text", _fixed("text", (NUMBER,), TEXT), _plain_number,
                 "a number as text (2021 → \"2021\"), e.g. for a key made with join()",
                 "text(number) -> text", total=True, grows=True),
        Function("listing", _fixed("listing", (TEXT, _TEXT_LIST), TEXT.or_null()),
                 lambda label, items: None if not [i for i in items if i is not None]
                 else f"{label}：" + "、".join(i for i in items if i is not None),
                 "「label：a、b」, or null when the list is empty — for messages that name only "
                 "the parts that have something: join([listing(…), listing(…)], \"；\")",
                 "listing(label, list of text) -> text or null", grows=True),
        Function("profile_title", _fixed("profile_title", (TEXT,), TEXT), _profile_title,
                 "the Chinese name of a taxonomy profile (mof2021 → 财预〔2021〕101号)",
                 "profile_title(profile) -> text"),
        Function("unit_names", _declaration_only("unit_names", _TEXT_LIST), unit_names,
                 "the names the form gives its own unit (预算单位, 填报单位, 主管部门 of a "
                 "project; 部门名称, 填报单位 of a department)",
                 "unit_names(declaration) -> list of text", total=True),
        Function("common_bigrams", _fixed("common_bigrams", (TEXT, TEXT), _TEXT_LIST),
                 common_bigrams, "two-letter pieces both texts contain (normalised, no digits): "
                 "a rough keyword overlap", "common_bigrams(text, text) -> list of text",
                 total=True),
        Function("related", _fixed("related", (TEXT, _TEXT_LIST), BOOL), related,
                 "one of the texts of the list is related to the text (normalised): one "
                 "contains the other, or they have three common_bigrams — matched through an "
                 "index, so every task against every indicator is not quadratic",
                 "related(text, list of text) -> bool", total=True),
        Function("parents_of", _fixed("parents_of", (TEXT, TEXT), _TEXT_LIST), _parents_of,
                 "the 一级指标 a 二级指标 may sit under in the profile (aliases resolved); empty "
                 "for an unknown 二级", "parents_of(level2, profile) -> list of text", total=True),
    ]
    return {function.name: function for function in functions}


class FunctionRegistry:
    """The functions a ruleset may call: the built-ins plus registered ones."""

    def __init__(self, functions: Mapping[str, Function] | None = None) -> None:
        self._functions: dict[str, Function] = dict(
            builtin_functions() if functions is None else functions
        )

    def register(
        self,
        name: str,
        parameters: Sequence[DslType],
        returns: DslType,
        implementation: Callable[..., Any],
        doc: str = "",
    ) -> None:
        """Add a pure function with a typed signature; a name already taken is an error."""
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(f"function name {name!r} must be letters, digits and _")
        if name in self._functions:
            raise ValueError(f"a function named {name!r} is already registered")
        for position, parameter in enumerate(parameters, start=1):
            if not isinstance(parameter, DslType):
                raise TypeError(f"{name}(): parameter {position} must be a type of the rules "
                                f"language (TEXT, NUMBER, list_of(TEXT) …), got {parameter!r}")
        if not isinstance(returns, DslType):
            raise TypeError(f"{name}(): the result must be a type of the rules language "
                            f"(TEXT, BOOL …), got {returns!r}")
        if not callable(implementation):
            raise TypeError(f"{name}(): the implementation must be callable, got "
                            f"{implementation!r}")
        signature = f"{name}({', '.join(map(str, parameters))}) -> {returns}"
        self._functions[name] = Function(
            name, _fixed(name, parameters, returns), implementation,
            doc or (implementation.__doc__ or "").strip(), signature,
        )

    def get(self, name: str) -> Function | None:
        """The function called ``name``, if any."""
        return self._functions.get(name)

    def names(self) -> list[str]:
        """All function names, sorted."""
        return sorted(self._functions)

    @classmethod
    def with_plugins(cls) -> FunctionRegistry:
        """The built-ins plus the functions of installed ``indicator_rules.functions`` plugins."""
        registry = cls()
        for entry_point in sorted(plugin_entry_points(ENTRY_POINT_GROUP), key=lambda e: e.name):
            entry_point.load()(registry)
        return registry


_INSTALLED: dict[tuple[str, ...], Any] = {}


def plugin_entry_points(group: str) -> tuple[EntryPoint, ...]:
    """The installed entry points of ``group``: the installed distributions are scanned once
    per ``sys.path`` (where plugins come from), for every group at once — a scan costs about as
    much as compiling the baseline."""
    key = tuple(sys.path)
    installed = _INSTALLED.get(key)
    if installed is None:
        installed = _INSTALLED[key] = entry_points()
    return tuple(installed.select(group=group))


def _inline_blank(types: Sequence[DslType], non_null: Sequence[bool],
                  constants: Mapping[int, Any]) -> Inline:
    kind = types[0].kind
    if kind is Kind.TEXT:
        return ("(not {0}.strip())" if non_null[0] else "({0} is None or not {0}.strip())"), ()
    if kind is Kind.LIST:
        return ("(not {0})" if non_null[0] else "({0} is None or not {0})"), ()
    return None


_REGEX_WORDS = 64  # contains_any as one search: for word lists up to this many words …
_REGEX_LETTERS = 512  # … and letters


def _inline_contains_any(types: Sequence[DslType], non_null: Sequence[bool],
                         constants: Mapping[int, Any]) -> Inline:
    words = constants.get(1)
    if not isinstance(words, tuple):
        return None
    present = [str(word) for word in words if word]
    if not present:
        return "False", ()
    if len(present) > _REGEX_WORDS or sum(map(len, present)) > _REGEX_LETTERS:
        return None  # a long list: the loop (a huge alternation can backtrack badly)
    # one search for all the words, in C (the words are escaped: literal text, no pattern)
    return "({c0}.search({0}) is not None)", (
        re.compile("|".join(re.escape(word) for word in present)),)


#: What the compiler writes for a call: a template and the values it names ``{c0}``, ``{c1}`` …
Inline = tuple[str, tuple[Any, ...]] | None

#: The built-ins whose value is the length of their one argument (``count``, ``len``), as a
#: Decimal: compared with a whole number, the compiler compares the int ``len()`` itself.
LENGTH_FUNCTIONS: frozenset[Callable[..., Any]] = frozenset({_count})

#: Built-in functions the compiler writes out instead of calling, by implementation: given the
#: argument types, which arguments are known non-null, and the values of the constant
#: arguments (by position), a Python expression of this module's own over the arguments'
#: locals ``{0}``, ``{1}`` … (non-null unless the function is null-safe), values made when
#: the ruleset compiles (``{c0}`` …) and ``{deadline}``, the run's deadline (or None), or None
#: to call the function. ``_Decimal`` is the compiler's name for Decimal.
INLINE_CALL: dict[Callable[..., Any],
                  Callable[[Sequence[DslType], Sequence[bool], Mapping[int, Any]], Inline]] = {
    _count: lambda types, non_null, constants: ("_Decimal(len({0}))", ()),
    _matches: lambda types, non_null, constants: (
        ("{1}.found({0}, {deadline})", ()) if isinstance(constants.get(1), GuardedPattern)
        else ("({1}.search({0}) is not None)", ())),
    _is_blank: _inline_blank,
    _contains_any: _inline_contains_any,
}
