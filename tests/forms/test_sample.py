"""The sample forms (衡阳 2021, PDF converted to Markdown) import exactly."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from indicator_rules import (
    DepartmentDeclaration,
    Funding,
    ProjectDeclaration,
    SourceRef,
    load_declarations,
)
from indicator_rules.forms import FormReader, read_document, read_forms
from tests.forms.helpers import EXPECTED_JSON, REPO, SAMPLE_MD, bare, expected


@pytest.fixture(scope="module")
def imported():
    return read_forms(SAMPLE_MD)


def test_the_sample_is_three_declarations_of_the_right_kinds(imported):
    assert [type(declaration) for declaration in imported] == [
        ProjectDeclaration, ProjectDeclaration, DepartmentDeclaration,
    ]
    assert [declaration.name for declaration in imported] == [
        "党员活动经费", "市直机关工会工作经费", "中共衡阳市直属机关工作委员会",
    ]
    assert {declaration.year for declaration in imported} == {2021}
    assert {declaration.money_unit for declaration in imported} == {"万元"}
    assert [declaration.filing_unit for declaration in imported] == [
        "中共衡阳市直属机关工作委员会", "中共衡阳市直属机关工作委员会", "市直工委",
    ]


def test_funding_is_exact_and_blank_stays_blank(imported):
    first, second, department = imported
    assert bare(first.funding) == Funding(total=Decimal("40.00"), fiscal=Decimal("40.00"))
    assert str(first.funding.total) == "40.00"
    assert first.funding.other is None  # 其他资金: left blank on the form
    assert bare(second.funding) == Funding(total=Decimal("26.00"), fiscal=Decimal("26.00"))
    funding = department.funding
    assert (funding.total, funding.public_finance, funding.basic, funding.project) == (
        Decimal("539.42"), Decimal("539.42"), Decimal("449.42"), Decimal("90.00"),
    )
    assert funding.government_fund is None
    assert funding.special_account is None
    assert funding.basic + funding.project == funding.total


def test_tasks_and_their_total(imported):
    department = imported[2]
    assert [(task.name, task.funding.total, task.funding.fiscal, task.funding.other)
            for task in department.tasks] == [
        ("模范机关创建", 10, 10, None),
        ("巩固“五化”建设成果", 15, 15, None),
        ("廉洁机关建设", 15, 15, None),
        ("党务干部培训", 30, 30, None),
        ("市直机关文体活动", 10, 10, None),
    ]
    assert department.tasks[1].content.startswith("开展精准指导，确保2020年所有支部全面达标")
    assert department.tasks_total is not None
    assert bare(department.tasks_total) == Funding(total=Decimal(80), fiscal=Decimal(80))


def test_every_declaration_equals_the_hand_typed_one(imported):
    """Every field, every indicator row with its 一级/二级/三级/指标值, as the form writes it."""
    got = [bare(declaration) for declaration in imported]
    for got_one, expected_one in zip(got, expected(), strict=True):
        assert got_one == expected_one


def test_indicator_rows_by_meaning(imported):
    first, second, department = imported
    assert [(i.level1, i.level2) for i in first.indicators].count(("产出指标", "成本指标")) == 2
    shifted = first.indicators[5]  # the row the converter shifted one column left
    assert (shifted.level2, shifted.name, shifted.value.text) == (
        "时效指标", "指标 2: 党建活动时效", "")
    cost = second.indicators[5]
    assert (cost.level1, cost.level2, cost.name, cost.value.text) == (
        "产出指标", "成本指标", "总成本", "26.00")
    assert [(i.level2, i.name) for i in second.indicators[6:8]] == [
        ("经济效益指标", ""), ("社会效益指标", "")]  # 二级 rows with nothing under them
    cut = department.indicators[-1]  # continued in a table after the page break
    assert cut.name.endswith("以最强执行力助推省域副中心建设和最美地级市建设。")
    assert cut.value.text == "人民满意的模范机关"


def test_department_texts(imported):
    department = imported[2]
    assert department.goals == (
        "通过预算执行，保障市委办正常办公秩序",
        "稳步推进市委办各项工作，做好各项工作",
        "建立健全各项规章制度，严格落实责任追究制，定期排查不稳定因素，及时掌握动态，"
        "坚持把矛盾化解在萌芽状态",
    )
    assert department.duties.count("(一) 准确把握上级精神") == 2  # the form repeats it
    assert "党的关系在市直机关工委的党的建设工作。（十二）" in department.duties  # page break


def test_nothing_is_left_over_in_the_sample(imported):
    assert [note for declaration in imported for note in declaration.notes] == []


def test_every_piece_points_back_at_the_form(imported):
    first, _, department = imported
    file = str(SAMPLE_MD)
    lines = SAMPLE_MD.read_text("utf-8").split("\n")
    assert first.source == SourceRef(file=file, row=5)  # the title line
    assert lines[4] == "项目绩效目标申报表"
    indicator = first.indicators[0]
    assert indicator.source is not None
    assert indicator.value.source == SourceRef(file=file, sheet="表1", row=23, column=5)
    assert "按照中央、省委、市委要求执行" in lines[22]
    cut = department.indicators[-1]
    assert cut.source is not None
    assert cut.source.sheet == "表6"  # where the name starts; it goes on in 表7
    assert first.funding.source == SourceRef(file=file, sheet="表1", row=17, column=1)


def test_the_hand_typed_example_differs_only_in_line_wrap_spaces():
    """examples/hengyang-2021.json removed some spaces a PDF line wrap left between Chinese
    characters (建 成 → 建成); the reader keeps the form's text as written."""
    def unwrapped(text: str) -> str:
        return re.sub(r"(?<=[\u4e00-\u9fff，,]) (?=[\u4e00-\u9fff])", "", text)

    example = json.loads((REPO / "examples" / "hengyang-2021.json").read_text("utf-8"))
    typed = json.loads(EXPECTED_JSON.read_text("utf-8"))
    assert example != typed
    assert json.loads(unwrapped(json.dumps(typed, ensure_ascii=False))) == \
        json.loads(unwrapped(json.dumps(example, ensure_ascii=False)))
    assert load_declarations(REPO / "examples" / "hengyang-2021.json")  # still loads


def test_reader_and_read_forms_agree():
    assert FormReader().read(read_document(SAMPLE_MD)) == read_forms(SAMPLE_MD)


def test_a_text_file_from_a_pdf_converter_reads_like_markdown(tmp_path, imported):
    converted = tmp_path / "000_converted.txt"
    converted.write_bytes(SAMPLE_MD.read_bytes())
    again = read_forms(converted)
    assert [bare(declaration) for declaration in again] == [bare(d) for d in imported]
    assert again[0].source is not None
    assert again[0].source.file == str(converted)
