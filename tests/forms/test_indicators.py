"""The indicator table: what the header's columns decide (review of issue #4)."""

from __future__ import annotations

from indicator_rules import Comparator, DepartmentDeclaration, ProjectDeclaration, ValueType
from indicator_rules.forms import FormReader, parse_markdown

HEADER = """项目绩效目标申报表
| | | | | | |
|--|--|--|--|--|--|
| 项目名称 | 培训经费 | | | | |
"""
INDICATOR_HEADER = "| 绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 | |\n"


def _project(text: str) -> ProjectDeclaration:
    (declaration,) = FormReader().read(parse_markdown(text, file="form.md"))
    assert isinstance(declaration, ProjectDeclaration)
    return declaration


def _rows(declaration: ProjectDeclaration | DepartmentDeclaration) -> list[tuple[str, ...]]:
    return [(i.level1, i.level2, i.name, i.value.text) for i in declaration.indicators]


def test_a_name_that_is_also_a_category_name_stays_the_name():
    declaration = _project(HEADER + INDICATOR_HEADER + """\
| | 满意度指标 | 服务对象满意度指标 | 服务对象满意度 | ≥90% | |
| | 效益指标 | 社会效益指标 | 社会效益 | 明显 | |
| | | 可持续影响指标 | 可持续影响 | 长期 | |
| | | | 经济效益 | 明显 | |
""")
    assert _rows(declaration) == [
        ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%"),
        ("效益指标", "社会效益指标", "社会效益", "明显"),
        ("效益指标", "可持续影响指标", "可持续影响", "长期"),
        ("效益指标", "可持续影响指标", "经济效益", "明显"),
    ]
    assert declaration.notes == ()


def test_a_row_number_column_is_recognised():
    declaration = _project("""项目绩效目标申报表
| 项目名称 | 测试 | | | | |
|---|---|---|---|---|---|
| 序号 | 一级指标 | 二级指标 | 三级指标 | 指标值 | 备注 |
| 1 | 产出指标 | 数量指标 | 培训 | 3次 | 无 |
| 2 | | 质量指标 | 合格率 | 95% | |
| (3) | | | 达标率 | 100% | |
| 效益指标 | 社会效益指标 | 能力提升 | 明显 | | |
""")
    assert [(i.level1, i.level2, i.name, i.value.text, i.remark)
            for i in declaration.indicators] == [
        ("产出指标", "数量指标", "培训", "3次", "无"),
        ("产出指标", "质量指标", "合格率", "95%", ""),
        ("产出指标", "质量指标", "达标率", "100%", ""),
        # no number: the row is shifted left into the 序号 column and read by meaning
        ("效益指标", "社会效益指标", "能力提升", "明显", ""),
    ]
    assert declaration.notes == ()


def test_an_unknown_label_after_the_table_is_a_note_not_an_indicator():
    declaration = _project(HEADER + INDICATOR_HEADER + """\
| | 产出指标 | 数量指标 | 培训人次 | 500人次 | |
| | 效益指标 | 社会效益指标 | 能力提升 | 明显 | |
| 文体活动 | | 10万元 | | | |
| 备注说明 | 这是一段额外说明 | | | | |
| | 第二段说明 | | | | |
""")
    assert _rows(declaration) == [
        ("产出指标", "数量指标", "培训人次", "500人次"),
        ("效益指标", "社会效益指标", "能力提升", "明显"),
        ("效益指标", "社会效益指标", "文体活动", "10万元"),  # shifted left, with its written number
    ]
    assert [(note.text, note.reason) for note in declaration.notes] == [
        ("备注说明", "未能归入任何字段"), ("这是一段额外说明", "未能归入任何字段"),
        ("第二段说明", "未能归入任何字段")]


def test_qualitative_in_the_comparator_column_is_the_value_type():
    declaration = _project("""项目支出绩效目标表
| 项目名称 | 测试项目 | | | | |
|---|---|---|---|---|---|
| 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 计量单位 |
| 产出指标 | 数量指标 | 培训人次 | ≥ | 500 | 人次 |
| 效益指标 | 社会效益指标 | 能力提升 | 定性 | 明显提升 | |
""")
    first, second = declaration.indicators
    assert (first.value.comparator, first.value.value_type) == (Comparator.GE, None)
    assert (second.value.comparator, second.value.value_type) == (None, ValueType.QUALITATIVE)
    assert declaration.notes == ()
