"""The built-in functions, called directly and from rules."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from indicator_rules import ProjectDeclaration
from indicator_rules.dsl.functions import (
    FunctionRegistry,
    builtin_functions,
    common_bigrams,
    normalize_text,
    organisations_in,
    related,
    repeated_paragraphs,
)
from indicator_rules.dsl.types import BOOL, TEXT
from indicator_rules.ruleset import load_ruleset_text

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "hengyang-2021.json"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("通过预算执行，保障市委办正常办公秩序", ("市委办",)),
        ("中共衡阳市直属机关工作委员会", ("中共衡阳市直属机关工作委员会",)),
        ("市直机关工委和市财政局", ("市直机关工委", "市财政局")),
        ("县政府办公室", ("县政府办公室",)),
        ("各市直机关党组织全覆盖,不落 1 个", ()),
        ("以最强执行力助推省域副中心城市建设", ()),
        ("市直机关各部门做好维护稳定工作", ()),
    ],
)
def test_organisations(text: str, expected: tuple[str, ...]):
    assert organisations_in(text) == expected


def test_repeated_paragraphs_find_the_sample_duties_block_twice():
    duties = json.loads(SAMPLE.read_text("utf-8"))["declarations"][2]["duties"]
    repeated = repeated_paragraphs(duties, Decimal(40))
    assert repeated
    assert repeated[0].startswith("(一) 准确把握上级精神和决策部署")
    assert repeated_paragraphs("一句话。另一句话。", Decimal(40)) == ()


def test_normalize_strips_prefix_spaces_and_punctuation():
    assert normalize_text("指标 2: 支部“五化”建设") == normalize_text("支部\u201c五化\u201d建设 ")
    assert normalize_text("指标 2: 支部“五化”建设") == "支部五化建设"


def test_every_builtin_is_documented_with_a_signature():
    for function in builtin_functions().values():
        assert function.doc
        assert function.signature.startswith(f"{function.name}(")


def test_registry_refuses_clashes_and_bad_names():
    registry = FunctionRegistry()
    with pytest.raises(ValueError, match="already registered"):
        registry.register("count", [TEXT], BOOL, lambda text: True)
    with pytest.raises(ValueError, match="must be letters"):
        registry.register("bad-name", [TEXT], BOOL, lambda text: True)


def test_text_helpers_in_rules():
    ruleset = load_ruleset_text(
        'param boilerplate = ["保障", "正常运转", "做好各项工作"]\n'
        'param own = ["中共衡阳市直属机关工作委员会", "市直机关工委"]\n'
        'rule S02 "年度目标空泛"\n  severity warning\n  applies to project\n'
        "  require len(normalize(remove_words(goal, boilerplate))) >= 10\n"
        '  message "空泛"\n'
        'rule X01 "提及其他单位"\n  severity warning\n  applies to project\n'
        "  let others = organisations(goal) where it not in own\n"
        "  require count(others) == 0\n  message \"提到{others}\"\n"
        'rule X03 "目标中的数字"\n  severity info\n  applies to project\n'
        "  let numbers = parse(goal).targets.number\n  require count(numbers) == 0\n"
        '  message "{numbers}"\n',
        name="t.rules",
    )
    # once the boilerplate is gone, 市委办培训28人次 is 9 characters: under the 10 required
    report = ruleset.check(ProjectDeclaration(id="p", goal="保障市委办正常运转，培训28人次"))
    assert [(f.rule_id, f.message) for f in report.findings] == [
        ("S02", "空泛"), ("X01", "提到市委办"), ("X03", "28")]


# --- functions added for the baseline ruleset -----------------------------------------------


def test_form_texts_lead_each_text_with_where_it_stands():
    from indicator_rules import DepartmentDeclaration, Indicator, IndicatorValue, Task
    from indicator_rules.dsl.functions import form_texts

    department = DepartmentDeclaration(
        id="d", goals=("开展培训3次", " "),
        tasks=(Task(name="巩固成果", content="确保2020年达标"), Task()),
        indicators=(Indicator(name="培训", value=IndicatorValue(text="3次")), Indicator()),
    )
    assert form_texts(department) == (
        "年度总体目标：开展培训3次",
        "年度主要任务「巩固成果」：确保2020年达标",
        "三级指标「培训」：3次",
    )
    assert form_texts(ProjectDeclaration(id="p", goal="完成培训")) == ("年度目标：完成培训",)
    assert form_texts(ProjectDeclaration(id="p")) == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2021.01-2023.12", (2021, 2022, 2023)), ("2021年", (2021,)), ("", ()),
     ("1900年至2021年", ()), ("第12345号", ()), ("2023年4月-2024年2月", (2023, 2024))],
)
def test_years_spanned(text: str, expected: tuple[int, ...]):
    from indicator_rules.dsl.functions import years_spanned

    assert years_spanned(text) == tuple(Decimal(year) for year in expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2023.07-2024.01", 2024), ("年底前", 2021), ("次年3月底前", 2022),
     ("2021年12月31日前", 2021), ("3次", None)],
)
def test_end_year(value: str, expected: int | None):
    from indicator_rules import IndicatorValue
    from indicator_rules.dsl.functions import end_year

    found = end_year(IndicatorValue(text=value), Decimal(2021))
    assert found == (None if expected is None else Decimal(expected))


def test_common_bigrams_ignore_digits_and_punctuation():
    assert common_bigrams("文体活动", "丰富机关干部职工文体生活") == ("文体",)
    assert common_bigrams("培训100人", "完成100项") == ()
    assert common_bigrams("", "文体") == ()


def test_unit_names_of_both_kinds():
    from indicator_rules import DepartmentDeclaration
    from indicator_rules.dsl.functions import unit_names

    project = ProjectDeclaration(id="p", budget_unit="中共衡阳市直属机关工作委员会",
                                 filing_unit="中共衡阳市直属机关工作委员会", department="市直工委")
    assert unit_names(project) == ("中共衡阳市直属机关工作委员会", "市直工委")
    assert unit_names(DepartmentDeclaration(id="d", name="市直工委", filing_unit=" ")) == (
        "市直工委",)


def test_register_refuses_what_is_not_a_type_of_the_language():
    registry = FunctionRegistry()
    with pytest.raises(TypeError, match="parameter 1 must be a type of the rules language"):
        registry.register("bad", ["TEXT"], BOOL, lambda text: True)  # type: ignore[list-item]
    with pytest.raises(TypeError, match="the result must be a type"):
        registry.register("bad", [TEXT], "BOOL", lambda text: True)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be callable"):
        registry.register("bad", [TEXT], BOOL, "not a function")  # type: ignore[arg-type]
    assert registry.get("bad") is None


def test_values_by_gives_the_values_of_a_key_with_a_fresh_or_a_reused_index():
    from indicator_rules.dsl.functions import values_by

    keys = ("2021|甲", "2021|乙", "2021|甲", None)
    amounts = (Decimal("40"), Decimal("26"), None, Decimal("9"))
    assert values_by(keys, amounts, "2021|甲") == (Decimal("40"), None)
    assert values_by(keys, amounts, "2021|乙") == (Decimal("26"),)  # the same lists: reused
    assert values_by(keys, amounts, "2021|丙") == ()
    other = ("2021|乙",) * 2
    assert values_by(other, ("a", "b"), "2021|乙") == ("a", "b")
    with pytest.raises(ValueError, match="2 keys for 1 values"):
        values_by(("a", "b"), (Decimal("1"),), "a")


def test_text_writes_a_number_plainly():
    ruleset = load_ruleset_text(
        'rule Z01 "t"\n  severity info\n  applies to project\n'
        '  message "{join([text(2021), text(0.50), text(100.00 / 1)], \\"|\\")}"\n', name="t.rules")
    (finding,) = ruleset.check(ProjectDeclaration(id="p")).findings
    assert finding.message == "2021|0.50|100"


# --- total functions: never null for non-null arguments (the generated code relies on it)

_ROW = "三级指标「培训」：≥3次"
_TOTAL_SAMPLES: dict[str, list[tuple[object, ...]]] = {
    "count": [((),), ((1, None),)],
    "len": [("",), ((None,),)],
    "blank": [(None,), ("",), ("  ",), ((),), ("x",)],
    "matches": [("", re.compile("^$")), ("abc", re.compile("z"))],
    "contains_any": [("", ()), ("满意度", ("满意", None, "")), ("x", ("y",))],
    "words_in": [("", ()), ("满意度", ("满意", None))],
    "years": [("",), ("2021年", )],
    "normalize": [("",), ("指标 1：培训，次数",)],
    "remove_words": [("", ()), ("abc", ("b", None))],
    "distinct": [((),), ((None, "a", "a"),)],
    "duplicates": [((),), (("a", None, "a", None),)],
    "organisations": [("",), ("配合市财政局",)],
    "organisations_cited": [("", ()), ("按照市委办要求", ("按照", None))],
    "form_texts": [(ProjectDeclaration(),)],
    "years_spanned": [("",), ("2021.01-2023.12",), ("1900-2021",)],
    "common_bigrams": [("", ""), (_ROW, "培训次数")],
    "unit_names": [(ProjectDeclaration(),)],
    "parents_of": [("", "mof2021"), ("数量指标", "mof2021")],
    "join": [((), ""), (("a", None), "|")],
    "text": [(Decimal(0),), (Decimal("2021.50"),)],
    "related": [("", ()), ("培训", ("机关党务干部培训", None)), ("x", ("y",))],
}


def test_every_total_builtin_returns_a_value_for_non_null_arguments():
    total = {name for name, function in builtin_functions().items() if function.total}
    assert total == set(_TOTAL_SAMPLES)
    for name, samples in _TOTAL_SAMPLES.items():
        implementation = builtin_functions()[name].implementation
        for arguments in samples:
            assert implementation(*arguments) is not None, (name, arguments)


@given(st.lists(st.sampled_from(["19", "20", "21", "99", "0", "年", " ", ".", "至", "２０", "x"]),
                max_size=10).map("".join))
@example("1999年")
@example("2020 年")
@example("21999年")
@example("1.2020年")
def test_years_skips_the_search_only_where_it_could_find_nothing(text: str):
    # the shortcut (no 年, or neither 19 nor 20 in the text) must give what the search gives
    from indicator_rules.dsl.functions import _YEAR, _years

    assert _years(text) == tuple(Decimal(match.group(1)) for match in _YEAR.finditer(text))


def test_years_finds_the_years_written_before_nian():
    from indicator_rules.dsl.functions import _years

    assert _years("2021年完成，较2020 年增长") == (Decimal(2021), Decimal(2020))
    assert _years("全年3次") == ()
    assert _years("2021.01-2021.12") == ()


# --- repeated_paragraphs and related: fast, and the same as the plain pairwise definitions


def _repeated_paragraphs_by_definition(text: str, min_length: Decimal) -> tuple[str, ...]:
    """repeated_paragraphs as first written: every run of sentences from every start, the rest
    of the text joined anew for each (quadratic; the oracle)."""
    sentences = [part for part in re.split(r"(?<=[。；;])|\n", text) if part.strip()]
    keys = [normalize_text(sentence) for sentence in sentences]
    found: list[str] = []
    index = 0
    while index < len(sentences):
        best = 0
        for length in range(1, len(sentences) - index):
            window = "".join(keys[index:index + length])
            if len(window) < min_length:
                continue
            if window in "".join(keys[index + length:]):
                best = length
            else:
                break
        if best:
            found.append("".join(sentences[index:index + best]).strip())
            index += best
        else:
            index += 1
    return tuple(found)


_SENTENCE_PIECES = ["甲乙", "丙丁戊", "甲乙丙", "。", "；", "\n", "，", " ", "指标1:", "己庚辛壬癸",
                    "甲"]


@given(st.lists(st.sampled_from(_SENTENCE_PIECES), max_size=30).map("".join),
       st.sampled_from([Decimal(0), Decimal(1), Decimal(3), Decimal("4.5"), Decimal(6),
                        Decimal(40), Decimal(-2), Decimal("Infinity")]))
@example("甲乙丙。甲乙丙。甲乙丙。", Decimal(3))
def test_repeated_paragraphs_is_its_definition(text: str, min_length: Decimal):
    assert repeated_paragraphs(text, min_length) == _repeated_paragraphs_by_definition(
        text, min_length)


def _related_by_definition(text: str, others: tuple[str | None, ...]) -> bool:
    own = normalize_text(text)
    return any(other is not None and (normalize_text(other) in own
                                      or own in normalize_text(other)
                                      or len(common_bigrams(other, own)) >= 3)
               for other in others)


_TEXTS = st.lists(st.sampled_from(list("培训党务干部文体活动12 ，")), max_size=9).map("".join)


@given(_TEXTS, st.lists(_TEXTS | st.none(), max_size=80).map(tuple))
@example("党务干部培训", ("机关党务干部培训",))
@example("", ("",))
def test_related_is_its_definition(text: str, others: tuple[str | None, ...]):
    """Short lists are asked in turn, long ones through the index: both as defined."""
    assert related(text, others) == _related_by_definition(text, others)
