from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicator_rules import (
    Contact,
    DeclarationError,
    DepartmentDeclaration,
    DepartmentFunding,
    Funding,
    ImportNote,
    Indicator,
    IndicatorValue,
    ProjectDeclaration,
    SourceRef,
    Task,
    ValueType,
    declaration_schema,
    dump_declarations,
    dumps_declarations,
    load_declarations,
    loads_declarations,
    read_declarations,
    structure_declaration,
    unstructure_declaration,
)
from indicator_rules.serialize import FileFormat
from indicator_rules.values import Comparator


def _messages(error: DeclarationError) -> list[str]:
    return [problem.render(error.file).split(": ", 1)[1] for problem in error.problems]


# --- the sample -------------------------------------------------------------------------------


def test_sample_loads_with_exact_money(sample_json: Path):
    project_1, project_2, department = load_declarations(sample_json)
    assert isinstance(project_1, ProjectDeclaration)
    assert isinstance(department, DepartmentDeclaration)
    assert project_1.funding.total == Decimal("40.00")
    assert str(project_1.funding.total) == "40.00"
    assert project_1.funding.other is None
    assert project_2.indicators[5].value.text == "26.00"
    funding = department.funding
    assert funding.basic is not None
    assert funding.project is not None
    assert funding.basic + funding.project == funding.total
    assert [task.funding.total for task in department.tasks] == [10, 15, 15, 30, 10]
    assert department.tasks_total == Funding(total=Decimal(80), fiscal=Decimal(80))


@pytest.mark.parametrize("suffix", [".json", ".yaml", ".jsonl"])
def test_sample_round_trips_exactly(sample_json: Path, tmp_path: Path, suffix: str):
    declarations = load_declarations(sample_json)
    target = tmp_path / f"out{suffix}"
    dump_declarations(declarations, target)
    again = load_declarations(target)
    assert again == declarations
    dump_declarations(again, tmp_path / f"again{suffix}")
    assert (tmp_path / f"again{suffix}").read_text("utf-8") == target.read_text("utf-8")
    assert '"40.00"' in target.read_text("utf-8") or "'40.00'" in target.read_text("utf-8")


def test_unstructure_puts_kind_first_and_omits_defaults():
    data = unstructure_declaration(ProjectDeclaration(id="p", year=2021, name="x"))
    assert data == {"kind": "project", "id": "p", "year": 2021, "name": "x"}


def test_value_text_is_written_as_a_plain_string_unless_structured():
    plain = Indicator(name="a", value=IndicatorValue(text="≥95%"))
    structured = Indicator(
        name="b",
        value=IndicatorValue(text="95", comparator=Comparator(">="), unit="%",
                             value_type=ValueType.QUANTITATIVE),
    )
    data = unstructure_declaration(ProjectDeclaration(id="p", indicators=(plain, structured)))
    assert data["indicators"][0]["value"] == "≥95%"
    assert data["indicators"][1]["value"] == {
        "text": "95", "comparator": ">=", "unit": "%", "value_type": "quantitative"
    }
    assert structure_declaration(data).indicators == (plain, structured)


def test_other_spellings_of_comparators_and_value_types_are_accepted():
    declaration = structure_declaration({
        "kind": "project",
        "indicators": [{"value": {"text": "", "comparator": "≥", "number": 90, "unit": "%",
                                  "value_type": "定量"}}],
    })
    value = declaration.indicators[0].value
    assert value.comparator is Comparator(">=")
    assert value.value_type is ValueType.QUANTITATIVE


# --- errors name the JSON path and what was expected -----------------------------------------


def _bad_file() -> dict[str, object]:
    good = {"kind": "project", "name": "ok", "year": 2021}
    bad = {
        "kind": "project",
        "name": "bad",
        "year": "2021",
        "funding": {"total": 40.5, "fiscal": "4O"},
        "indicators": [{"name": "a"}] * 5 + [{"name": "b", "value": 12, "levle1": "产出指标"}],
        "项目名称": "党员活动经费",
    }
    return {"declarations": [good, good | {"name": "ok2"}, bad]}


def test_every_problem_of_a_declaration_is_reported_with_its_path(tmp_path: Path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_bad_file(), ensure_ascii=False), "utf-8")
    result = read_declarations(path)
    assert [declaration.name for declaration in result.declarations] == ["ok", "ok2"]
    (error,) = result.errors
    rendered = str(error).splitlines()
    assert f"{path}: declarations[2].indicators[5].value: expected text " \
           '(or an object with "text"), got 12 (number)' in rendered
    assert f"{path}: declarations[2].year: expected a whole number, got \"2021\" (text)" \
           in rendered
    assert any("declarations[2].funding.fiscal: expected a decimal number" in line
               for line in rendered)
    assert any("declarations[2].indicators[5]: unknown key 'levle1' (did you mean 'level1'?)"
               in line for line in rendered)
    assert any("declarations[2]: unknown key '项目名称' (the key for 项目名称 is 'name')" in line
               for line in rendered)
    # 40.5 in a JSON file is read exactly, so it is not an error
    assert not any("funding.total" in line for line in rendered)
    assert len(error.problems) == 5


def test_strict_loading_raises_one_error_with_every_problem(tmp_path: Path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_bad_file(), ensure_ascii=False), "utf-8")
    with pytest.raises(DeclarationError) as caught:
        load_declarations(path)
    assert len(caught.value.problems) == 5
    assert isinstance(caught.value, ValueError)


def test_float_money_is_refused_from_python():
    with pytest.raises(DeclarationError) as caught:
        structure_declaration({"kind": "project", "funding": {"total": 40.1}})
    assert _messages(caught.value) == [
        'funding.total: expected an exact decimal such as "40.00", got the float 40.1; '
        "pass money as a string or Decimal, never as float"
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "x"}, 'missing "kind": "project" (项目) or "department" (部门整体)'),
        ({"kind": "plan"}, '"kind" must be "project" (项目) or "department" (部门整体), '
                           'got "plan" (text)'),
        ({"kind": "project", "money_unit": "美元"},
         'money_unit: expected one of 元, 千元, 万元, 亿元, got "美元" (text)'),
        ({"kind": "project", "contact": {"filled_on": "2021年1月5日"}},
         'contact.filled_on: expected a date written as "2021-01-31", got "2021年1月5日" (text)'),
        ({"kind": "department", "goals": "one goal"},
         'goals: expected a list, got "one goal" (text)'),
        ({"kind": "project", "indicators": [{"value": {"comparator": "about"}}]},
         'indicators[0].value.comparator: expected one of ">=", "<=", "=", ">", "<", "≈", '
         'got "about" (text)'),
    ],
)
def test_messages_say_what_was_expected(data: dict[str, object], message: str):
    with pytest.raises(DeclarationError) as caught:
        structure_declaration(data)
    assert _messages(caught.value)[0].startswith(message)


def test_json_syntax_error_gives_line_and_column(tmp_path: Path):
    path = tmp_path / "broken.json"
    path.write_text('{"declarations": [\n  {"kind": "project",}\n]}', "utf-8")
    (error,) = read_declarations(path).errors
    (problem,) = error.problems
    assert (problem.line, problem.column) == (2, 22)
    assert str(error).startswith(f"{path}:2:22: invalid JSON")


def test_duplicate_keys_are_an_error_not_a_silent_overwrite():
    with pytest.raises(DeclarationError, match="duplicate key 'name'"):
        loads_declarations('{"kind": "project", "name": "a", "name": "b"}')


def test_yaml_reads_money_exactly_and_reports_syntax_errors(tmp_path: Path):
    good = tmp_path / "d.yaml"
    good.write_text("kind: project\nname: 经费\nfunding:\n  total: 40.10\n  fiscal: 40.1\n",
                    "utf-8")
    (declaration,) = load_declarations(good)
    assert str(declaration.funding.total) == "40.10"
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: project\nname: [unclosed\n", "utf-8")
    (error,) = read_declarations(bad).errors
    assert error.problems[0].line == 3
    assert "invalid YAML" in str(error)


def test_json_lines_errors_name_the_line(tmp_path: Path):
    path = tmp_path / "many.jsonl"
    path.write_text(
        '{"kind": "project", "name": "a"}\n\n{"kind": "project", "year": "x"}\n{"kind": \n',
        "utf-8",
    )
    result = read_declarations(path)
    assert [declaration.name for declaration in result.declarations] == ["a"]
    assert [str(error) for error in result.errors] == [
        f'{path}:3: year: expected a whole number, got "x" (text)',
        f"{path}:4:10: invalid JSON: Expecting value",
    ]


def test_unreadable_files_are_errors_not_crashes(tmp_path: Path):
    (tmp_path / "a.txt").write_text("x", "utf-8")
    (tmp_path / "b.json").write_bytes(b"\xff\xfe\x00bad")
    missing, unknown_type, undecodable = (
        read_declarations(tmp_path / "missing.json"),
        read_declarations(tmp_path / "a.txt"),
        read_declarations(tmp_path / "b.json"),
    )
    assert "cannot read" in str(missing.errors[0])
    assert "unknown file type '.txt'" in str(unknown_type.errors[0])
    assert "cannot read" in str(undecodable.errors[0])


def test_top_level_shape_errors_are_explained():
    with pytest.raises(DeclarationError, match=r"unknown top-level key\(s\) \['items'\]"):
        loads_declarations('{"items": []}')
    with pytest.raises(DeclarationError, match="expected a declaration object, got 3"):
        loads_declarations("[3]")


# --- JSON Schema ------------------------------------------------------------------------------


def test_schema_accepts_the_sample_and_rejects_what_the_loader_rejects(sample_json: Path):
    schema = declaration_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    sample = json.loads(sample_json.read_text("utf-8"))
    assert list(validator.iter_errors(sample)) == []
    written = json.loads(dumps_declarations(load_declarations(sample_json)))
    assert list(validator.iter_errors(written)) == []
    assert list(validator.iter_errors(_bad_file()))
    assert list(validator.iter_errors({"kind": "project", "money_unit": "美元"}))


def test_import_notes_round_trip_and_match_the_schema():
    note = ImportNote(text="延续项目", source=SourceRef(file="a.md", sheet="表1", row=9, column=2),
                      reason="未能归入任何字段")
    declaration = DepartmentDeclaration(name="x", notes=(note,))
    data = unstructure_declaration(declaration)
    assert data["notes"] == [{"text": "延续项目", "source": {"file": "a.md", "sheet": "表1",
                                                         "row": 9, "column": 2},
                              "reason": "未能归入任何字段"}]
    assert structure_declaration(data) == declaration
    for file_format in ("json", "yaml"):
        text = dumps_declarations([declaration], file_format=file_format)
        assert loads_declarations(text, file_format=file_format) == [declaration]
    validator = jsonschema.Draft202012Validator(declaration_schema())
    assert list(validator.iter_errors(data)) == []
    assert list(validator.iter_errors({**data, "notes": [{"reason": "x"}]}))  # text is required
    assert "notes" not in unstructure_declaration(ProjectDeclaration(name="x"))  # default ()
    with pytest.raises(DeclarationError, match=r"notes\[0\]\.text: missing required key"):
        structure_declaration({"kind": "project", "notes": [{"reason": "x"}]})


def test_schema_titles_carry_the_chinese_labels():
    defs = declaration_schema()["$defs"]
    assert defs["Indicator"]["properties"]["level1"]["title"] == "一级指标"
    assert defs["ProjectDeclaration"]["properties"]["name"]["title"] == "项目名称"


# --- property: any model value survives the converter ----------------------------------------

_text = st.text(st.characters(codec="utf-8"), max_size=20)
_money = st.none() | st.decimals(allow_nan=False, allow_infinity=False, places=2,
                                 min_value=-10**9, max_value=10**9)
_sources = st.none() | st.builds(
    SourceRef, file=st.none() | _text, sheet=st.none() | _text,
    row=st.none() | st.integers(1, 10**6), column=st.none() | st.integers(1, 200),
)
_values = st.builds(
    IndicatorValue, text=_text, comparator=st.none() | st.sampled_from(Comparator),
    number=_money, unit=st.none() | _text, value_type=st.none() | st.sampled_from(ValueType),
    source=_sources,
)
_indicators = st.builds(Indicator, level1=_text, level2=_text, name=_text, value=_values,
                        weight=_money, source=_sources)
_funding = st.builds(Funding, total=_money, fiscal=_money, other=_money, source=_sources)
_contact = st.builds(Contact, filled_by=_text, phone=_text,
                     filled_on=st.none() | st.dates(datetime.date(1990, 1, 1)))
_years = st.none() | st.integers(1990, 2100)
_notes = st.lists(st.builds(ImportNote, text=_text, source=_sources, reason=_text),
                  max_size=2).map(tuple)
_projects = st.builds(
    ProjectDeclaration, id=_text, year=_years, name=_text, budget_unit=_text,
    money_unit=st.sampled_from(["元", "千元", "万元", "亿元"]), funding=_funding, goal=_text,
    indicators=st.lists(_indicators, max_size=4).map(tuple), contact=_contact, source=_sources,
    notes=_notes,
)
_departments = st.builds(
    DepartmentDeclaration, id=_text, year=_years, name=_text,
    funding=st.builds(DepartmentFunding, total=_money, public_finance=_money, basic=_money,
                      project=_money),
    tasks=st.lists(st.builds(Task, name=_text, content=_text, funding=_funding),
                   max_size=3).map(tuple),
    tasks_total=st.none() | _funding, goals=st.lists(_text, max_size=3).map(tuple),
    indicators=st.lists(_indicators, max_size=3).map(tuple), notes=_notes,
)


@given(st.lists(_projects | _departments, max_size=3))
def test_model_round_trips_through_every_format(declarations):
    for file_format in ("json", "jsonl", "yaml"):
        text = dumps_declarations(declarations, file_format=file_format)
        assert loads_declarations(text, file_format=file_format) == declarations


# --- adversarial input: nothing lost silently, nothing escapes as a crash ----------------------


def test_a_bad_json_line_never_hides_the_lines_after_it(tmp_path: Path):
    path = tmp_path / "batch.jsonl"
    path.write_text('{"kind": "project", "name": "one"}\n{bad\n'
                    '{"kind": "project", "name": "three", "name": "x"}\n'
                    '{"kind": "project", "name": "four"}\r\n', "utf-8")
    result = read_declarations(path)
    assert [declaration.name for declaration in result.declarations] == ["one", "four"]
    assert [problem.line for error in result.errors for problem in error.problems] == [2, 3]
    assert "duplicate key 'name'" in str(result.errors[1])


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("funding: {total: 0450}", 'funding.total: expected a plain decimal number (YAML reads '
                                    'this form differently; write it as 450 or "450"), got '
                                    '"0450" (text)'),
        ("funding: {fiscal: 1:30}", "funding.fiscal: expected a plain decimal number"),
        ("funding: {other: 0x10}", "funding.other: expected a plain decimal number"),
        ("funding: {total: .nan}", "funding.total: expected a decimal number"),
        ("funding: {total: -.inf}", "funding.total: expected a decimal number"),
        ("year: 0o17", 'year: expected a whole number, got "0o17" (text)'),
        ("name: yes", "name: expected text, got true (boolean)"),
        ("funding: [1]", "funding: expected an object, got a list"),
        ("contact: 5", "contact: expected an object, got 5 (number)"),
        ("1: x", "unknown key '1'"),
    ],
)
def test_yaml_never_changes_a_value_silently(yaml_text: str, message: str):
    with pytest.raises(DeclarationError) as caught:
        loads_declarations(f"kind: project\n{yaml_text}\n", file_format="yaml")
    assert message in str(caught.value)


def test_yaml_keeps_number_like_text_as_written_in_text_fields():
    (declaration,) = loads_declarations(
        "kind: project\ncontact: {phone: 07341234567}\n", file_format="yaml"
    )
    assert declaration.contact.phone == "07341234567"
    assert type(declaration.contact.phone) is str
    assert loads_declarations(dumps_declarations([declaration], file_format="yaml"),
                              file_format="yaml") == [declaration]


def test_yaml_duplicate_keys_are_an_error_with_their_line():
    with pytest.raises(DeclarationError) as caught:
        loads_declarations("kind: project\nname: a\nname: b\n", file_format="yaml")
    (problem,) = caught.value.problems
    assert problem.line == 3
    assert "duplicate key 'name'" in problem.message


def test_non_text_keys_are_reported_not_crashed_on():
    result = loads_declarations_lenient('{"kind": "project", "name": "ok"}')
    assert result.errors == ()
    with pytest.raises(DeclarationError, match=r"unknown top-level key\(s\) \['1', 'b'\]"):
        loads_declarations("{1: a, b: c}", file_format="yaml")


@pytest.mark.parametrize("number", ["1e9999999", "1e-9999999", "1e15", "0.00000000001"])
def test_decimals_are_bounded(number: str):
    with pytest.raises(DeclarationError, match="at most 15 digits before the point"):
        loads_declarations(f'{{"kind": "project", "funding": {{"total": {number}}}}}')


def test_only_ascii_digits_make_money():
    with pytest.raises(DeclarationError, match="expected a decimal number"):
        structure_declaration({"kind": "project", "funding": {"total": "１２"}})


def test_a_byte_order_mark_is_accepted_everywhere():
    (declaration,) = loads_declarations('\ufeff{"kind": "project", "name": "x"}')
    assert declaration.name == "x"


def test_a_byte_order_mark_inside_json_lines_is_named():
    """A second file's mark in the middle of JSON Lines (``cat a.jsonl b.jsonl``)."""
    result = loads_declarations_lenient(
        '{"kind": "project", "name": "a"}\n\ufeff{"kind": "project", "name": "b"}', "jsonl")
    assert [d.name for d in result.declarations] == ["a"]
    (error,) = result.errors
    (problem,) = error.problems
    assert problem.line == 2
    assert "Unexpected UTF-8 BOM" in problem.message


def test_what_a_value_keeps_for_itself_is_no_key_of_the_format():
    """``IndicatorValue``'s kept parse (an attrs field with init=False) is neither in the
    schema nor among the keys an unknown-key message lists, and is refused as a key."""
    assert "_parsed" not in json.dumps(declaration_schema())
    with pytest.raises(DeclarationError) as caught:
        structure_declaration({"kind": "project", "indicators": [
            {"name": "x", "value": {"text": "1次", "_parsed": "1次"}}]})
    (problem,) = caught.value.problems
    assert problem.path == "indicators[0].value"
    assert problem.message == ("unknown key '_parsed'; IndicatorValue has: text, comparator, "
                               "number, unit, value_type, source")


def loads_declarations_lenient(text: str, file_format: FileFormat = "json"):
    from indicator_rules.serialize import _read

    return _read(text, "<string>", file_format)


def test_a_waiver_needs_a_reason():
    with pytest.raises(DeclarationError) as caught:
        structure_declaration({"kind": "project", "waivers": [{"rule": "V01", "reason": " "}]})
    assert str(caught.value) == ("<input>: waivers[0].reason: a waiver needs a reason "
                                 "(expected non-empty text)")


# --- YAML merge keys (YAML 1.1) -------------------------------------------------------------

_MERGED = """\
declarations:
  - &first
    kind: project
    id: a
    name: 经费
    funding: &money {total: 40.00, fiscal: 40.00}
  - <<: *first
    id: b
  - <<: [{name: 工会经费, year: 2020}, *first]
    id: c
    funding: {<<: *money, fiscal: 30.00}
"""


def test_yaml_merge_keys_merge_and_written_keys_override():
    first, second, third = loads_declarations(_MERGED, file_format="yaml")
    assert (second.id, second.name, second.funding) == ("b", "经费", first.funding)
    assert (third.id, third.name, third.year) == ("c", "工会经费", 2020)  # earlier merge wins
    assert third.funding == Funding(total=Decimal("40.00"), fiscal=Decimal("30.00"))


def test_yaml_merges_of_merges_are_merged():
    text = ("- &a {kind: project, id: a, name: x}\n- &b {<<: *a, id: b}\n- {<<: *b, id: c}\n")
    assert [(d.id, d.name) for d in loads_declarations(text, file_format="yaml")] == [
        ("a", "x"), ("b", "x"), ("c", "x")]


@pytest.mark.parametrize(("text", "message", "line"), [
    ("- &a {kind: project}\n- <<: *a\n  name: x\n  name: y\n", "duplicate key 'name'", 4),
    ("- &a {kind: project}\n- <<: *a\n  <<: *a\n", "duplicate key '<<'", 3),
    ("- kind: project\n  <<: 5\n", "expected a mapping or a list of mappings to merge (<<), "
     "found a scalar", 2),
    ("- kind: project\n  <<: [{name: x}, [1]]\n", "expected a mapping to merge (<<), found a "
     "list", 2),
])
def test_yaml_merge_mistakes_are_located(text: str, message: str, line: int):
    with pytest.raises(DeclarationError) as caught:
        loads_declarations(text, file_format="yaml")
    (problem,) = caught.value.problems
    assert message in problem.message
    assert problem.line == line


def test_a_quoted_merge_key_is_an_ordinary_key():
    with pytest.raises(DeclarationError, match="unknown key '<<'"):
        loads_declarations('kind: project\n"<<": {name: x}\n', file_format="yaml")
