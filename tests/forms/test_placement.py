"""How the reader places cells: shifted rows, page breaks, labels with values, left-overs."""

from __future__ import annotations

import datetime
from decimal import Decimal

from indicator_rules import (
    Comparator,
    DepartmentDeclaration,
    ImportNote,
    ProjectDeclaration,
    SourceRef,
    ValueType,
)
from indicator_rules.forms import FormReader, parse_markdown

HEADER = """附件 1
项目绩效目标申报表
(2022 年度)
金额单位:万元

| | | | | |
|--|--|--|--|--|
| 项目名称 | 培训经费 | | | |
"""
INDICATOR_HEADER = "| 绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 |\n"


def _read(text: str, file: str = "form.md") -> list[ProjectDeclaration | DepartmentDeclaration]:
    return FormReader().read(parse_markdown(text, file=file))


def _project(text: str) -> ProjectDeclaration:
    (declaration,) = _read(text)
    assert isinstance(declaration, ProjectDeclaration)
    return declaration


def _rows(declaration: ProjectDeclaration | DepartmentDeclaration) -> list[tuple[str, ...]]:
    return [(i.level1, i.level2, i.name, i.value.text) for i in declaration.indicators]


def test_a_row_shifted_one_column_left_lands_right():
    declaration = _project(HEADER + INDICATOR_HEADER + """\
| | 产出指标 | 数量指标 | 培训人次 | ≥200人次 |
| | 质量指标 | 合格率 | ≥95% | |
| 时效指标 | | 完成时间 | 2022年12月底前 | |
| | 指标 2: 按期开班率 | | | |
| | | | 培训满意度 | |
""")
    assert _rows(declaration) == [
        ("产出指标", "数量指标", "培训人次", "≥200人次"),
        ("产出指标", "质量指标", "合格率", "≥95%"),
        ("产出指标", "时效指标", "完成时间", "2022年12月底前"),
        ("产出指标", "时效指标", "指标 2: 按期开班率", ""),
        ("产出指标", "时效指标", "培训满意度", ""),
    ]
    assert declaration.notes == ()


def test_a_label_inside_the_indicator_table_is_a_name_not_a_field():
    declaration = _project(HEADER + INDICATOR_HEADER + """\
| | 产出指标 | 成本指标 | 培训成本 | 20万元 |

| | | | | |
|--|--|--|--|--|
| | | | 资金总额 | 40万元 |
""")
    assert _rows(declaration)[1] == ("产出指标", "成本指标", "资金总额", "40万元")
    assert declaration.funding.total is None


def test_cost_is_a_level2_under_output_unless_a_level2_follows_it():
    hunan = _project(HEADER + INDICATOR_HEADER + """\
| | 产出指标 | 数量指标 | 培训人次 | 200人次 |
| | 成本指标 | 培训成本 | 20万元 | |
""")
    assert _rows(hunan)[1] == ("产出指标", "成本指标", "培训成本", "20万元")
    mof2021 = _project(HEADER + INDICATOR_HEADER + """\
| | 成本指标 | 经济成本指标 | 培训成本 | ≤20万元 |
| | 成本指标 | | 总成本 | ≤20万元 |
""")
    assert [row[:2] for row in _rows(mof2021)] == [("成本指标", "经济成本指标"), ("成本指标", "")]


def test_a_table_continued_after_a_page_break():
    declaration = _project(HEADER + INDICATOR_HEADER + """\
| | 产出指标 | 数量指标 | 培训人次 | 200人次 |
| | 效益指标 | 社会效益指标 | 通过系统培训，全面提升基层干部依法履职能力和服务群众的 | 明显提升 |

| | | | | |
|--|--|--|--|--|
| | | | 水平 | |
| | | 可持续影响指标 | 培训成果长期应用 | 3年 |
| | | | | |

| | | | | |
|--|--|--|--|--|
| | | | 培训档案 | |
""")
    assert _rows(declaration) == [
        ("产出指标", "数量指标", "培训人次", "200人次"),
        ("效益指标", "社会效益指标", "通过系统培训，全面提升基层干部依法履职能力和服务群众的水平",
         "明显提升"),
        ("效益指标", "可持续影响指标", "培训成果长期应用", "3年"),
        # a short name above: this is a new indicator, not the end of a cut cell
        ("效益指标", "可持续影响指标", "培训档案", ""),
    ]


def test_a_header_repeated_on_the_next_page_keeps_the_filled_down_categories():
    declaration = _project(HEADER + INDICATOR_HEADER + """\
| | 产出指标 | 数量指标 | 培训人次 | 200人次 |

| | | | | |
|--|--|--|--|--|
| 绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 |
| | | | 培训班次 | 4期 |
""")
    assert _rows(declaration)[1] == ("产出指标", "数量指标", "培训班次", "4期")


def test_labels_and_values_in_one_cell_or_in_two_read_the_same():
    one_cell = _project("""项目绩效目标申报表
金额单位:万元
| | |
|--|--|
| 项目名称: 培训经费 | |
| 项目资金(万元) | 资金总额: 40.00 |
| | 其中:财政拨款: 30.00 其他资金: 10.00 |
| 主管部门：市委组织部 | 实施期：2022年 |
填报人：张三 联系电话：0734-1234567 填报日期：2022年1月5日
""")
    two_cells = _project("""项目绩效目标申报表
| | | |
|--|--|--|
| 金额单位 | 万元 | |
| 项目名称 | 培训经费 | |
| 项目资金(万元) | 资金总额 | 40.00 |
| | 财政拨款 | 30.00 |
| | 其他资金 | 10.00 |
| 主管部门 | 市委组织部 | |
| 实施期 | 2022年 | |
| 填报人 | 张三 | |
| 联系电话 | 0734-1234567 | |
| 填报日期 | 2022-01-05 | |
""")
    for declaration in (one_cell, two_cells):
        assert declaration.name == "培训经费"
        assert (declaration.funding.total, declaration.funding.fiscal,
                declaration.funding.other) == (Decimal("40.00"), Decimal("30.00"),
                                               Decimal("10.00"))
        assert declaration.department == "市委组织部"
        assert declaration.period == "2022年"
        assert (declaration.contact.filled_by, declaration.contact.phone,
                declaration.contact.filled_on) == ("张三", "0734-1234567",
                                                   datetime.date(2022, 1, 5))
        assert declaration.notes == ()


def test_a_stray_cell_is_kept_in_the_notes_with_its_position():
    text = HEADER + """\
| 项目属性 | 延续项目 | | | |
""" + INDICATOR_HEADER + """\
| | 产出指标 | 数量指标 | 培训人次 | 200人次 | 见附件 |
"""
    declaration = _project(text)
    lines = text.split("\n")
    assert lines[8].startswith("| 项目属性")
    assert declaration.notes == (
        ImportNote(text="项目属性", source=SourceRef(file="form.md", sheet="表1", row=9,
                                                     column=1), reason="未能归入任何字段"),
        ImportNote(text="延续项目", source=SourceRef(file="form.md", sheet="表1", row=9,
                                                     column=2), reason="未能归入任何字段"),
        ImportNote(text="见附件", source=SourceRef(file="form.md", sheet="表1", row=11,
                                                   column=6),
                   reason="指标表中多出的单元格，无法对应到任何一列"),
    )
    assert _rows(declaration) == [("产出指标", "数量指标", "培训人次", "200人次")]


def test_amounts_that_cannot_be_read_are_notes_not_zero():
    declaration = _project("""项目绩效目标申报表
金额单位:万元
| | |
|--|--|
| 项目名称 | 培训经费 |
| 项目资金 | 资金总额: 四十万 |
| | 财政拨款: 400000元 |
""")
    assert declaration.funding.total is None
    assert declaration.funding.fiscal == Decimal(40)  # converted exactly, with a note
    assert [(note.text, note.reason) for note in declaration.notes] == [
        ("四十万", "金额无法识别（应为 40.00 这样的数字）"),
        ("400000元", "金额写明的单位 元 与表的金额单位 万元 不一致，已换算为 40 万元"),
    ]


def test_an_amount_in_another_unit_is_converted_exactly():
    declaration = _project("""项目绩效目标申报表
金额单位：万元
| | |
|--|--|
| 项目名称 | 培训经费 |
| 项目资金 | 资金总额: 0.012345 亿元 |
| | 财政拨款: 123,456.78 元 |
| | 其他资金: 10 万元 |
""")
    funding = declaration.funding
    assert (funding.total, funding.fiscal, funding.other) == (
        Decimal("123.45"), Decimal("12.345678"), Decimal(10))
    assert isinstance(funding.fiscal, Decimal)
    assert str(funding.fiscal) == "12.345678"
    assert [note.reason for note in declaration.notes] == [
        "金额写明的单位 亿元 与表的金额单位 万元 不一致，已换算为 123.45 万元",
        "金额写明的单位 元 与表的金额单位 万元 不一致，已换算为 12.345678 万元",
    ]


def test_optional_columns_are_read_by_their_header():
    declaration = _project(HEADER + """\
| 绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 | 计量单位 | 指标性质 | 指标值类型 \
| 绩效标准 | 分值 |
| | 产出指标 | 数量指标 | 培训人次 | 200 | 人次 | ≥ | 定量 | 计划标准 | 10 |
| | | | 培训效果 | 好 | | | 定性 | | 5 |
""")
    first, second = declaration.indicators
    assert (first.value.text, first.value.unit, first.value.comparator,
            first.value.value_type, first.standard, first.weight) == (
        "200", "人次", Comparator.GE, ValueType.QUANTITATIVE, "计划标准", Decimal(10))
    assert (second.value.text, second.value.value_type, second.weight) == (
        "好", ValueType.QUALITATIVE, Decimal(5))
    assert declaration.notes == ()


def test_a_level2_with_nothing_under_it_is_kept_with_a_blank_name():
    declaration = _project(HEADER + INDICATOR_HEADER + """\
| | 效益指标 | 经济效益指标 | | |
| | | 社会效益指标 | | |
| | | 生态效益指标 | 破坏生态环境事件 | 0 |
| | 满意度指标 | | | |
| | | 服务对象满意度指标 | 学员满意度 | ≥90% |
""")
    assert _rows(declaration) == [
        ("效益指标", "经济效益指标", "", ""),
        ("效益指标", "社会效益指标", "", ""),
        ("效益指标", "生态效益指标", "破坏生态环境事件", "0"),
        ("满意度指标", "服务对象满意度指标", "学员满意度", "≥90%"),
    ]


def test_a_form_without_a_title_is_known_by_its_labels():
    (declaration,) = _read("""| | |
|--|--|
| 部门名称 | 市档案馆 |
| 年度预算申请 | 资金总额: 100 |
| 年度总体目标 | 1、完成档案数字化 2、做好查档服务 |
""")
    assert isinstance(declaration, DepartmentDeclaration)
    assert declaration.name == "市档案馆"
    assert declaration.goals == ("完成档案数字化", "做好查档服务")
    assert declaration.year is None  # not stated: a rule reports it, the reader does not guess


def test_text_before_the_first_form_goes_to_its_notes():
    first, second = _read("""说明：本文件由系统导出
附件 1
项目绩效目标申报表
| | |
|--|--|
| 项目名称 | 甲 |
附件 2
项目绩效目标申报表
| | |
|--|--|
| 项目名称 | 乙 |
""")
    assert (first.name, second.name) == ("甲", "乙")
    assert first.notes == (ImportNote(text="说明：本文件由系统导出",
                                      source=SourceRef(file="form.md", row=1),
                                      reason="位于申报表之前，未能归入任何字段"),)
    assert second.notes == ()


def test_a_field_written_twice_keeps_the_first_and_notes_the_second():
    declaration = _project("""项目绩效目标申报表
(2022 年度)
| | |
|--|--|
| 项目名称 | 甲 |
| 项目名称 | 乙 |
| 年度 | 2023 |
""")
    assert declaration.name == "甲"
    assert declaration.year == 2022
    assert [(note.text, note.reason) for note in declaration.notes] == [
        ("乙", "「项目名称」已有值，未采用"),
        ("2023", "年度与前面的 2022 不一致，未采用"),
    ]


def test_tables_without_a_header_row_take_the_usual_columns():
    (declaration,) = _read("""部门整体支出绩效目标申报表
| | | | | |
|--|--|--|--|--|
| 部门名称 | 市档案馆 | | | |
| 年度主要任务 | 档案数字化 | 扫描馆藏档案 | 30 | 30 |
| | 查档服务 | | 5 | 5 |
| | 合计 | | 35 | 35 |
| 绩效指标 | 完成指标 | 数量指标 | 扫描页数 | ≥10万页 |
""")
    assert isinstance(declaration, DepartmentDeclaration)
    assert [(task.name, task.content, task.funding.total) for task in declaration.tasks] == [
        ("档案数字化", "扫描馆藏档案", Decimal(30)), ("查档服务", "", Decimal(5))]
    assert declaration.tasks_total is not None
    assert declaration.tasks_total.fiscal == Decimal(35)
    assert _rows(declaration) == [("完成指标", "数量指标", "扫描页数", "≥10万页")]
    assert declaration.notes == ()


def test_a_row_of_labels_takes_the_values_of_the_row_below():
    declaration = _project("""项目绩效目标申报表
| | | | |
|--|--|--|--|
| 项目名称 | 测试项目 | | |
| 项目资金(万元) | 资金总额 | 财政拨款 | 其他资金 |
| | 40.00 | 30.00 | 10.00 |
| 年度目标 | 完成测试 | | |
""")
    assert (declaration.funding.total, declaration.funding.fiscal,
            declaration.funding.other) == (Decimal("40.00"), Decimal("30.00"), Decimal("10.00"))
    assert declaration.goal == "完成测试"
    assert declaration.notes == ()
