"""Properties of the form reader: any declaration typed into a template reads back the same, and
no piece of data on any document is lost or crashes the reader."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import given, settings
from hypothesis import strategies as st

from indicator_rules import (
    Declaration,
    DepartmentDeclaration,
    DepartmentFunding,
    FormError,
    Funding,
    Indicator,
    IndicatorValue,
    ProjectDeclaration,
    Task,
    dumps_declarations,
)
from indicator_rules.forms import FormReader, parse_csv, parse_markdown, read_forms
from tests.forms.helpers import bare
from tests.forms.layout import grid_rows, layouts, write_markdown, write_xlsx

# Words that are no label, category, number or template mark, so each can only be data.
_WORDS = st.text(alphabet="甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥", min_size=1, max_size=10)
_CATEGORIES = [
    ("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"),
    ("产出指标", "成本指标"), ("完成指标", "数量指标"), ("成本指标", "经济成本指标"),
    ("效益指标", "社会效益指标"), ("效益指标", "可持续影响指标"), ("效益指标", "环境效益指标"),
    ("满意度指标", "服务对象满意度指标"), ("效益指标", "社会公众或服务对象满意度指标"),
]
_VALUES = ["", "≥95%", "3次", "全年约 5 次", "好", "每季度至少 1 次", "按期完成", "26.00",
           "2021年12月底前"]
_MONEY = st.none() | st.decimals(min_value=0, max_value=10**7, places=2)


@st.composite
def _indicators(draw: st.DrawFn) -> Indicator:
    level1, level2 = draw(st.sampled_from(_CATEGORIES))
    name = draw(_WORDS | _WORDS.map(lambda word: f"指标 1: {word}"))
    return Indicator(level1=level1, level2=level2, name=name,
                     value=IndicatorValue(text=draw(st.sampled_from(_VALUES))))


_INDICATOR_LISTS = st.lists(_indicators(), min_size=1, max_size=8).map(tuple)
_FUNDING = st.builds(Funding, total=_MONEY, fiscal=_MONEY, other=_MONEY)
_PROJECTS = st.builds(
    ProjectDeclaration, year=st.integers(2000, 2030), name=_WORDS, budget_unit=_WORDS,
    filing_unit=_WORDS, funding=_FUNDING, goal=_WORDS, indicators=_INDICATOR_LISTS,
)
_DEPARTMENTS = st.builds(
    DepartmentDeclaration, year=st.integers(2000, 2030), name=_WORDS, filing_unit=_WORDS,
    funding=st.builds(DepartmentFunding, total=_MONEY, public_finance=_MONEY,
                      government_fund=_MONEY, special_account=_MONEY, other=_MONEY,
                      basic=_MONEY, project=_MONEY),
    duties=_WORDS,
    tasks=st.lists(st.builds(Task, name=_WORDS, content=st.just("") | _WORDS,
                             funding=_FUNDING), max_size=4).map(tuple),
    tasks_total=_FUNDING, goals=st.lists(_WORDS, min_size=1, max_size=3).map(tuple),
    indicators=_INDICATOR_LISTS,
)
_DECLARATION_LISTS = st.lists(_PROJECTS | _DEPARTMENTS, min_size=1, max_size=3)


@given(_DECLARATION_LISTS)
def test_any_declaration_typed_as_a_converted_pdf_reads_back(declarations):
    text = write_markdown(layouts(declarations))
    read = FormReader().read(parse_markdown(text, file="forms.md"))
    assert [bare(declaration) for declaration in read] == declarations
    assert [note for declaration in read for note in declaration.notes] == []


@given(_PROJECTS | _DEPARTMENTS)
def test_any_declaration_saved_as_csv_reads_back(declaration):
    (form,) = layouts([declaration])
    buffer = io.StringIO()
    csv.writer(buffer).writerows(grid_rows(form))
    (read,) = FormReader().read(parse_csv(buffer.getvalue(), file="form.csv"))
    assert bare(read) == declaration


@settings(max_examples=25, deadline=None)
@given(_DECLARATION_LISTS)
def test_any_declaration_typed_into_excel_reads_back(declarations):
    with TemporaryDirectory() as folder:
        path = Path(folder) / "forms.xlsx"
        write_xlsx(layouts(declarations), path)
        assert [bare(declaration) for declaration in read_forms(path)] == declarations


# --- any document: no crash, nothing lost --------------------------------------------------

_TOKENS = [
    "项目绩效目标申报表", "部门整体支出绩效目标申报表", "附件 3-1:", "(2021 年度)", "金额单位:万元",
    "项目名称", "部门名称", "资金总额: 40.00", "其中:财政拨款: 40.00", "其他资金:", "总体目标",
    "年度目标", "绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "产出指标", "效益指标",
    "成本指标", "满意度指标", "完成指标", "数量指标", "社会效益指标", "指标 1: 甲", "乙", "3次",
    "95%", "", "年度主要任务", "任务名称", "主要内容", "预算金额", "总额", "财政拨款", "金额合计",
    "10", "年度总体目标", "目标1：甲 目标2：乙", "填报人：", "联系电话：", "填报日期： 年 月 日",
    "填报日期：2021年2月30日", "(盖章) 年 月 日", "按收入性质分", "年度预算申请 (万元)",
    "其中: 基本支出: 449.42 项目支出: 90.00", "400000元", "计量单位", "指标性质", "≥", "分值",
    "指标值类型", "定量", "部门职能职责概述", "合计", "小计", "预算部门、财政部门审核意见", "年度",
    "2021", "单位负责人 (签名):", "编号",
]
#: Pieces of data that no label, header or template mark contains.
_DATA = ["abc", "xyz", "E1", "四十万"]
_CELLS = st.sampled_from(_TOKENS + _DATA)
_DOCUMENTS = st.lists(
    _CELLS | st.lists(_CELLS, min_size=1, max_size=7).map(lambda cells: "| "
                                                          + " | ".join(cells) + " |"),
    max_size=25,
).map("\n".join)


def _read_or_error(text: str) -> list[Declaration] | FormError:
    try:
        return FormReader().read(parse_markdown(text, file="f.md"))
    except FormError as error:
        return error


@given(_DOCUMENTS)
def test_no_piece_of_data_is_lost(text):
    declarations = _read_or_error(text)
    if isinstance(declarations, FormError):  # the only error a document may give
        assert str(declarations).startswith("f.md: no 绩效目标申报表 found")
        return
    written = dumps_declarations(declarations)
    for piece in _DATA:
        if piece in text:
            assert piece in written, piece

