"""The Markdown reader: tables as grids, the text around them as lines, positions kept."""

from __future__ import annotations

from indicator_rules import SourceRef
from indicator_rules.forms import Grid, TextLine, clean_text, parse_markdown
from tests.forms.helpers import SAMPLE_MD


def test_tables_and_lines_in_order_with_their_positions():
    document = parse_markdown(
        "# 附件 3-1\n\n**项目绩效目标申报表**\n\n| a | b |\n|---|:-:|\n| c | d \\| e |\n"
        "|---|---|\n\n填报人：\n",
        file="f.md",
    )
    first, second, table, last = document.parts
    assert first == TextLine(text="附件 3-1", source=SourceRef(file="f.md", row=1))
    assert isinstance(second, TextLine)
    assert second.text == "项目绩效目标申报表"
    assert isinstance(table, Grid)
    assert table.name == "表1"
    assert [(cell.text, cell.row, cell.column, cell.source.row) for cell in table.cells] == [
        ("a", 1, 1, 5), ("b", 1, 2, 5), ("c", 2, 1, 7), ("d | e", 2, 2, 7),
    ]
    assert table.cells[3].source == SourceRef(file="f.md", sheet="表1", row=7, column=2)
    assert last == TextLine(text="填报人：", source=SourceRef(file="f.md", row=10))


def test_html_in_cells_becomes_lines_of_text():
    document = parse_markdown("| <p>(一) 甲</p> <p>(二) 乙&amp;丙</p> | x<br>y |\n", file="f.md")
    (grid,) = document.grids
    assert [cell.text for cell in grid.cells] == ["(一) 甲\n(二) 乙&丙", "x\ny"]


def test_short_rows_and_empty_tables_are_fine():
    document = parse_markdown("| | | |\n|--|--|--|\n| a |\n\n| | |\n|--|--|\n", file="f.md")
    first, second = document.grids
    assert [(cell.text, cell.column) for cell in first.cells] == [("a", 1)]
    assert second.cells == ()
    assert list(second.rows()) == []


def test_the_sample_has_seven_tables():
    document = parse_markdown(SAMPLE_MD.read_text("utf-8"), file="sample.md")
    assert len(document.grids) == 7


def test_clean_text_collapses_spaces_but_keeps_the_words():
    assert clean_text("  以党建活动为我市加快建 成名副其实\u3000 \r\n\n 第二行 ") == \
        "以党建活动为我市加快建 成名副其实\n第二行"


def test_a_row_of_lone_dashes_is_data_not_a_separator():
    document = parse_markdown("| a | b |\n|--|:-|\n| - | - |\n|---|---:|\n", file="f.md")
    (grid,) = document.grids
    assert [(cell.text, cell.row) for cell in grid.cells] == [
        ("a", 1), ("b", 1), ("-", 2), ("-", 2)]


def test_a_gb18030_markdown_file_is_read(tmp_path):
    from indicator_rules.forms import read_markdown

    path = tmp_path / "gb.md"
    path.write_bytes("项目绩效目标申报表\n| 项目名称 | 测试 |\n".encode("gb18030"))
    document = read_markdown(path)
    assert [cell.text for cell in document.grids[0].cells] == ["项目名称", "测试"]
