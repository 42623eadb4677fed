"""Finding the model's Chinese labels (:mod:`indicator_rules.labels`) in form cells.

A label may fill its cell (``项目名称``), carry its value in the same cell (``资金总额: 40.00``,
``填报单位(盖章)中共衡阳市直属机关工作委员会``), or share one cell with other labelled values
(``其中: 基本支出: 449.42 项目支出: 90.00``). Labels are matched ignoring whitespace (a PDF
conversion wraps ``部门职能 职责概述``) and full-/half-width brackets and colons; an annotation
in brackets after a label (``(万元)``, ``(盖章)``) is kept apart. A label at the start of a cell
must be followed by its end, a colon, an annotation or a space, so that ``年度内完成`` is not the
label 年度 followed by 内完成.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

import attrs

from indicator_rules.forms.text import compact
from indicator_rules.labels import labels_of

__all__ = ["ROW_NUMBER", "LabelFinder", "Segment", "column_role"]

#: The role of a 序号 column: the row's number in its table, not a field of the model.
ROW_NUMBER = "row_number"
_ROW_NUMBER_HEADERS = frozenset({"序号", "编号"})
_ANNOTATION = r"[(（][^()（）]{0,12}[)）]"
_LEAD = r"(?:其中\s*[:：]?\s*)?"


@attrs.frozen
class Segment:
    """A label found in a cell, with the field it names and the text after it.

    ``value`` runs up to the next label of the cell (or its end); ``annotation`` is a bracketed
    remark written after the label, such as ``(万元)``.
    """

    path: str
    label: str
    value: str
    annotation: str = ""


def _pattern(labels: Iterable[str]) -> str:
    ordered = sorted(set(labels), key=len, reverse=True)  # the longest label wins
    return "|".join(r"\s*".join(map(re.escape, label)) for label in ordered)


class LabelFinder:
    """The labels of one declaration class (or other model class), ready to find in cells.

    ``skip`` lists field paths whose labels are not looked for.
    """

    def __init__(self, owner: type, skip: Collection[str] = ()) -> None:
        self._paths: dict[str, str] = {}
        self._primary: dict[str, str] = {}
        for path, labels in labels_of(owner).items():
            if path in skip:
                continue
            self._primary[path] = labels[0]
            for label in labels:
                self._paths.setdefault(compact(label), path)
        alternatives = _pattern(self._paths)
        self._start = re.compile(
            rf"^\s*{_LEAD}(?P<label>{alternatives})\s*(?P<note>{_ANNOTATION})?\s*(?P<colon>[:：])?"
        )
        self._inner = re.compile(
            rf"{_LEAD}(?P<label>{alternatives})\s*(?P<note>{_ANNOTATION})?\s*[:：]"
        )

    def path_of(self, label: str) -> str | None:
        """The field path a label names, if it is one of the labels."""
        return self._paths.get(compact(label))

    def label_of(self, path: str) -> str:
        """The label the forms print for a field path (``funding.total`` → 资金总额)."""
        return self._primary.get(path, path)

    def split(self, text: str) -> list[Segment]:
        """The labelled values of a cell that starts with a label; ``[]`` when it does not."""
        start = self._start.match(text)
        if start is None:
            return []
        rest = text[start.end():]
        separated = start.group("colon") or start.group("note") or not rest \
            or (rest[:1].isspace() and len(compact(start.group("label"))) > 2)
        if not separated:
            return []
        found = [(start.group("label"), start.group("note") or "", start.end())]
        ends: list[int] = []
        for inner in self._inner.finditer(text, start.end()):
            ends.append(inner.start())
            found.append((inner.group("label"), inner.group("note") or "", inner.end()))
        ends.append(len(text))
        return [
            Segment(path=self._paths[compact(label)], label=compact(label),
                    value=text[value_start:end].strip(), annotation=compact(note))
            for (label, note, value_start), end in zip(found, ends, strict=True)
        ]


def column_role(finder: LabelFinder, text: str) -> str | None:
    """The field a column header names: the whole cell is a label, possibly followed by a
    remark in brackets (``指标值（包含数字及文字描述）``) or a colon. A 序号 column is
    :data:`ROW_NUMBER`."""
    key = compact(text).rstrip(":")
    if key in _ROW_NUMBER_HEADERS:
        return ROW_NUMBER
    found = finder.path_of(key)
    if found is not None:
        return found
    return finder.path_of(re.sub(r"\([^()]*\)", "", key))
