"""The Chinese form labels of the model's fields, in one table.

Form readers find fields by these labels; the rules language accepts them as aliases of the English
field names (``i.一级指标`` is ``i.level1``); the JSON Schema and the docs show them beside each
field. The first label of an entry is the one the forms print; the others are variants seen on
real forms.

Each class lists its own fields only; :func:`labels_of` adds the labels of the nested objects
that a form shows inline (on a project, ``资金总额`` is ``funding.total``).
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from indicator_rules.model import (
    Contact,
    DepartmentDeclaration,
    DepartmentFunding,
    Funding,
    ImportNote,
    Indicator,
    IndicatorValue,
    ProjectDeclaration,
    Task,
    Waiver,
)
from indicator_rules.source import SourceRef

__all__ = ["LABELS", "FieldLabel", "field_for_label", "labels_of"]


@attrs.frozen
class FieldLabel:
    """The labels of one field: ``owner.path`` is written ``labels[0]`` on the forms."""

    owner: type
    path: str
    labels: tuple[str, ...]


def _entries(owner: type, table: Mapping[str, tuple[str, ...]]) -> list[FieldLabel]:
    return [FieldLabel(owner, path, labels) for path, labels in table.items()]


_COMMON_DECLARATION = {
    "id": ("编号",),
    "year": ("年度", "预算年度"),
    "money_unit": ("金额单位",),
    "filing_unit": ("填报单位",),
    "indicators": ("绩效指标", "年度绩效指标"),
    "contact": ("联系信息",),
    "review_opinion": ("审核意见", "预算部门、财政部门审核意见"),
    "waivers": ("豁免",),
    "notes": ("导入备注",),
    "source": ("来源",),
}

#: Every labelled field of the model.
LABELS: tuple[FieldLabel, ...] = tuple(
    _entries(
        ProjectDeclaration,
        {
            **_COMMON_DECLARATION,
            "name": ("项目名称",),
            "budget_unit": ("预算单位", "实施单位"),
            "department": ("主管部门", "主管部门及代码"),
            "period": ("实施期", "项目实施期", "项目期"),
            "funding": ("项目资金",),
            "goal": ("年度目标", "总体目标"),
        },
    )
    + _entries(
        DepartmentDeclaration,
        {
            **_COMMON_DECLARATION,
            "name": ("部门名称", "单位名称"),
            "funding": ("年度预算申请",),
            "duties": ("部门职能职责概述", "部门职能职责"),
            "tasks": ("年度主要任务",),
            "tasks_total": ("金额合计", "合计"),
            "goals": ("年度总体目标",),
        },
    )
    + _entries(
        Indicator,
        {
            "level1": ("一级指标",),
            "level2": ("二级指标",),
            "name": ("三级指标", "指标名称"),
            "value": ("指标值", "指标值(包含数字及文字描述)", "预期达到目标", "指标值及单位"),
            "explanation": ("指标解释", "指标说明及公式"),
            "standard": ("绩效标准", "指标标准或依据"),
            "weight": ("分值",),
            "remark": ("备注",),
        },
    )
    + _entries(
        IndicatorValue,
        {
            "text": ("指标值",),
            "comparator": ("指标性质",),
            "number": ("数值",),
            "unit": ("计量单位", "度量单位"),
            "value_type": ("指标值类型",),
        },
    )
    + _entries(
        Funding,
        {"total": ("资金总额", "总额", "年度资金总额"), "fiscal": ("财政拨款",),
         "other": ("其他资金",)},
    )
    + _entries(
        DepartmentFunding,
        {
            "total": ("资金总额",),
            "public_finance": ("公共财政拨款", "一般公共预算拨款"),
            "government_fund": ("政府性基金拨款",),
            "special_account": ("纳入专户管理的非税收入拨款",),
            "other": ("其他资金",),
            "basic": ("基本支出",),
            "project": ("项目支出",),
        },
    )
    + _entries(
        Task,
        {"name": ("任务名称",), "content": ("主要内容",), "funding": ("预算金额",)},
    )
    + _entries(
        Contact,
        {
            "filled_by": ("填报人", "填表人"),
            "phone": ("联系电话",),
            "filled_on": ("填报日期", "填表日期"),
            "head": ("单位负责人",),
        },
    )
    + _entries(
        Waiver,
        {"rule": ("规则",), "reason": ("理由",), "path": ("位置",), "until_year": ("有效至年度",)},
    )
    + _entries(
        ImportNote,
        {"text": ("内容",), "source": ("来源",), "reason": ("原因",)},
    )
    + _entries(
        SourceRef,
        {"file": ("文件",), "sheet": ("工作表",), "row": ("行",), "column": ("列",)},
    )
)


#: Nested objects whose fields a form shows inline, so their labels name them from the owner.
_INLINE: dict[type, tuple[tuple[str, type], ...]] = {
    ProjectDeclaration: (("funding", Funding), ("contact", Contact)),
    DepartmentDeclaration: (("funding", DepartmentFunding), ("contact", Contact)),
    Indicator: (("value", IndicatorValue),),
}


def _own_labels(owner: type) -> dict[str, tuple[str, ...]]:
    return {entry.path: entry.labels for entry in LABELS if entry.owner is owner}


def labels_of(owner: type) -> dict[str, tuple[str, ...]]:
    """The labels of ``owner``'s fields by field path, including inline nested objects' fields.

    A label the owner uses for a field of its own is not repeated for a nested field.
    """
    labels = _own_labels(owner)
    taken = {label for names in labels.values() for label in names}
    for field_name, nested in _INLINE.get(owner, ()):
        for path, names in _own_labels(nested).items():
            free = tuple(label for label in names if label not in taken)
            if free:
                labels[f"{field_name}.{path}"] = free
    return labels


def field_for_label(owner: type, label: str) -> str | None:
    """The field path that ``label`` names on ``owner``, if any (资金总额 → ``funding.total``)."""
    for path, labels in labels_of(owner).items():
        if label in labels:
            return path
    return None
