"""Finding the forms of a document: what is a title, where a form starts (review of issue #4)."""

from __future__ import annotations

import pytest

from indicator_rules import ImportNote, ProjectDeclaration, SourceRef
from indicator_rules.forms import FormReader, parse_markdown
from indicator_rules.forms.text import title_kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("项目绩效目标申报表", "project"),
        ("2021年度项目绩效目标申报表", "project"),
        ("项目支出绩效目标申报表（2021年度）", "project"),
        ("附件3-1 项目绩效目标申报表", "project"),
        ("部门整体支出绩效目标申报表 2021 年度", "department"),
        ("项目支出绩效目标表", "project"),
        ("注：本表随部门整体支出绩效目标表一并报送。", None),
        ("本表随部门整体支出绩效目标表一并报送", None),
        ("说明：项目绩效目标申报表", None),
        ("项目绩效目标申报表填表说明", None),
    ],
)
def test_a_title_ends_with_the_form_name_and_is_no_note(text: str, kind: str | None):
    assert title_kind(text) == kind


def test_a_footnote_naming_a_form_is_a_note_not_a_second_form():
    text = """项目绩效目标申报表

| 项目名称 | 测试项目 | | |
|---|---|---|---|
| 一级指标 | 二级指标 | 三级指标 | 指标值 |
| 产出指标 | 数量指标 | 培训人次 | 500人次 |

填报人：张三

注：本表随部门整体支出绩效目标表一并报送。
"""
    (declaration,) = FormReader().read(parse_markdown(text, file="form.md"))
    assert isinstance(declaration, ProjectDeclaration)
    assert declaration.contact.filled_by == "张三"
    assert declaration.notes == (
        ImportNote(text="注：本表随部门整体支出绩效目标表一并报送。",
                   source=SourceRef(file="form.md", row=10), reason="未能归入任何字段"),)


def test_a_year_or_attachment_cell_inside_a_table_is_table_content():
    text = """项目绩效目标申报表

（2021年度）

| 项目名称 | 测试 | | |
|---|---|---|---|
| 一级指标 | 二级指标 | 三级指标 | 指标值 |
| 产出指标 | 时效指标 | 完成年度 | |
| | | | 2022年 |
| | | | 附件1 |
"""
    (declaration,) = FormReader().read(parse_markdown(text, file="form.md"))
    assert declaration.year == 2021
    assert [(i.name, i.value.text) for i in declaration.indicators] == [
        ("完成年度", ""), ("", "2022年"), ("", "附件1")]  # kept, as the form has them
    assert declaration.notes == ()


def test_an_attachment_line_after_the_heading_is_a_note():
    text = """附件 3-1
项目绩效目标申报表
| 项目名称 | 测试 |
|---|---|
附件1
"""
    (declaration,) = FormReader().read(parse_markdown(text, file="form.md"))
    assert declaration.name == "测试"
    assert declaration.notes == (
        ImportNote(text="附件1", source=SourceRef(file="form.md", row=5),
                   reason="未能归入任何字段"),)
