"""Table of real-world 指标值 cells and what a reviewer reads in each.

Sources: every 指标值 cell of the seed forms (shared/seed/000_*.txt), every example of
REFERENCE §c, and more cells in the same style. One case per line; expected values are written
by hand, not copied from the parser.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

import pytest

from indicator_rules.values import Comparator, PartialDate, Target, UnitKind, parse_value


class T(NamedTuple):
    """Expected target: comparator, number, unit, then the less common fields."""

    comparator: str
    number: str
    unit: str | None = None
    upper: str | None = None
    period: str | None = None
    approx: bool = False
    implied: bool = False
    yearly: str | None = None


class Case(NamedTuple):
    text: str
    targets: tuple[T, ...] = ()
    grade: str | None = None
    deadline: tuple[int | None, int | None, int | None] | None = None
    date_range: tuple[tuple[int, int, int], tuple[int, int, int]] | None = None
    frequency: str | None = None
    suspected: int = 0


def c(
    text: str,
    *targets: T,
    grade: str | None = None,
    deadline: tuple[int | None, int | None, int | None] | None = None,
    date_range: tuple[tuple[int, int, int], tuple[int, int, int]] | None = None,
    frequency: str | None = None,
    suspected: int = 0,
) -> Case:
    return Case(text, targets, grade, deadline, date_range, frequency, suspected)


GE, LE, EQ, GT, LT, AP = ">=", "<=", "=", ">", "<", "≈"

# fmt: off
CASES = [
    # --- the seed forms (衡阳 2021), every 指标值 cell -----------------------------------
    c("按照中央、省委、市委要求执行 全年约 5 次",
      T(AP, "5", "次", period="年", approx=True, yearly="5")),
    c("各市直机关党组织全覆盖,不落 1 个 实现 1000 余个机关基层支部全部达标",
      T(EQ, "100", "%", implied=True), T(GT, "1000", "个", approx=True)),
    c("按照中央、省委、市委要求执行 每季度至少 1 次", T(GE, "1", "次", period="季度", yearly="4"),
      frequency="季度"),
    c("全年拿出 20 万开展相关活动 拿出约 20 万元打造一批全省、全市示范性“五化”支部",
      T(EQ, "20", "万", period="年", yearly="20"), T(AP, "20", "万元", approx=True)),
    c("100%长期坚持", T(EQ, "100", "%")),
    c("具有最强执行力,推进衡 阳经济社会发展"),
    c("具有最强执行力,推进衡阳经济社会发展"),
    c("控制 100%不发生", T(EQ, "100", "%")),
    c("建设让党中央放心,让人民群众满意的具有最强执行力的模范机关"),
    c("满意度 95%以上", T(GE, "95", "%")),
    c("对符合条件的困难职工进行慰问 全年不少 1 次", T(GE, "1", "次", period="年", yearly="1")),
    c("市直机关干部职工参与度 30%以上 市直机关工会干部参训率 100%",
      T(GE, "30", "%"), T(EQ, "100", "%")),
    c("每半年至少 1 次", T(GE, "1", "次", period="半年", yearly="2"), frequency="半年"),
    c("26.00", T(EQ, "26.00")),
    c("100%执行", T(EQ, "100", "%")),
    c("3次", T(EQ, "3", "次")),
    c("2次", T(EQ, "2", "次")),
    c("打造一批有影响力的模范机关"),
    c("0", T(EQ, "0")),
    c("100%", T(EQ, "100", "%")),
    c("30万元", T(EQ, "30", "万元")),
    c("10万元", T(EQ, "10", "万元")),
    c("人民满意的模范机关"),
    c("机关执行力提升,人民群众满意"),
    c("确保 2021 年所有支部达标"),
    c("确保2020年所有支部全面达标"),
    c("培训280人次", T(EQ, "280", "人次")),
    # --- REFERENCE §c examples --------------------------------------------------------
    c("全年约20万元", T(AP, "20", "万元", period="年", approx=True, yearly="20")),
    c("每季度至少1次", T(GE, "1", "次", period="季度", yearly="4"), frequency="季度"),
    c("满意度95%以上", T(GE, "95", "%")),
    c("≤65万元", T(LE, "65", "万元")),
    c("2023.07-2024.01", date_range=((2023, 7, 1), (2024, 1, 31))),
    c("2023年4月-2024年2月", date_range=((2023, 4, 1), (2024, 2, 29))),
    c("2023年12月底前", deadline=(2023, 12, 31)),
    c("12月31日前", deadline=(None, 12, 31)),
    c("年底前", deadline=(None, 12, 31)),
    c("539.42", T(EQ, "539.42")),
    c("10606.7522", T(EQ, "10606.7522")),
    c("1000余个", T(GT, "1000", "个", approx=True)),
    c("十余个", T(GT, "10", "个", approx=True)),
    c("3-5次", T(GE, "3", "次", upper="5")),
    c("90%-95%", T(GE, "90", "%", upper="95")),
    c("1.2万", T(EQ, "1.2", "万")),
    c("5千", T(EQ, "5000")),
    c("20万元", T(EQ, "20", "万元")),
    c("十五次", T(EQ, "15", "次")),
    c("三百人次", T(EQ, "300", "人次")),
    c("28.8万元", T(EQ, "28.8", "万元")),
    c("220", T(EQ, "220")),
    c("250万", T(EQ, "250", "万")),
    c("0起", T(EQ, "0", "起")),
    c("全覆盖", T(EQ, "100", "%", implied=True)),
    c("应保尽保", T(EQ, "100", "%", implied=True)),
    c("不落1个", T(EQ, "100", "%", implied=True)),
    c("一个不落", T(EQ, "100", "%", implied=True)),
    c("零事故", T(EQ, "0", implied=True)),
    c("安全事故不发生", T(EQ, "0", implied=True)),
    c("控制100%不发生", T(EQ, "100", "%")),
    c("100%长期坚持", T(EQ, "100", "%")),
    c("打造一批有影响力的模范机关"),
    c("具有最强执行力"),
    c("按照中央、省委、市委要求执行"),
    c("长远"),
    c("提升"),
    c("增加岗位"),
    c("长期坚持"),
    c("按时"),
    c("及时"),
    c("按时完成"),
    c("定性 应保尽保 %", T(EQ, "100", "%", implied=True)),
    c("按月安排", frequency="月"),
    c("提升至95%", T(EQ, "95", "%")),
    c("292%", T(EQ, "292", "%"), suspected=1),
    c("290%", T(EQ, "290", "%"), suspected=1),
    c("二100", T(EQ, "100"), suspected=1),
    c("二100%", T(EQ, "100", "%"), suspected=1),
    c("%=99", T(EQ, "99", "%")),
    c("%≥95", T(GE, "95", "%")),
    # --- grades (REFERENCE §c5) ----------------------------------------------------------
    c("合格", grade="合格"),
    c("优良", grade="优良"),
    c("好", grade="好"),
    c("较好", grade="较好"),
    c("一般", grade="一般"),
    c("较差", grade="较差"),
    c("差", grade="差"),
    c("优", grade="优"),
    c("良", grade="良"),
    c("中", grade="中"),
    c("高", grade="高"),
    c("低", grade="低"),
    c("显著", grade="显著"),
    c("较显著", grade="较显著"),
    c("不显著", grade="不显著"),
    c("达标", grade="达标"),
    c("不达标", grade="不达标"),
    c("不合格", grade="不合格"),
    c("全部达成", grade="全部达成"),
    c("部分达成", grade="部分达成"),
    c("未达成", grade="未达成"),
    c("是", grade="是"),
    c("否", grade="否"),
    c("效果显著", grade="显著"),
    c("质量达标", grade="达标"),
    c("验收合格", grade="合格"),
    c(" 合 格 ", grade="合格"),
    c("合格。", grade="合格"),
    c("空气质量优良", grade="优良"),
    c("满意"),
    c("满意度高"),
    c("良好"),
    c("明显改善"),
    c("有效促进"),
    c("进一步提高"),
    # --- comparators in symbols and words -------------------------------------------
    c("覆盖率≥95%", T(GE, "95", "%")),
    c("服务对象满意度≥90%", T(GE, "90", "%")),
    c("及时率100%", T(EQ, "100", "%")),
    c("≥ 90 %", T(GE, "90", "%")),
    c("＞＝９５％", T(GE, "95", "%")),
    c(">=95%", T(GE, "95", "%")),
    c("⩾85%", T(GE, "85", "%")),
    c("≧85%", T(GE, "85", "%")),
    c("＞90%", T(GT, "90", "%")),
    c("＜5%", T(LT, "5", "%")),
    c("＝100%", T(EQ, "100", "%")),
    c("=100%", T(EQ, "100", "%")),
    c("<=30天", T(LE, "30", "天")),
    c("不低于90%", T(GE, "90", "%")),
    c("不少于10次", T(GE, "10", "次")),
    c("至少2次", T(GE, "2", "次")),
    c("达到98%", T(GE, "98", "%")),
    c("覆盖率达95%", T(GE, "95", "%")),
    c("85%以上", T(GE, "85", "%")),
    c("85%及以上", T(GE, "85", "%")),
    c("95%（含）以上", T(GE, "95", "%")),
    c("超过100人次", T(GT, "100", "人次")),
    c("不超过5个工作日", T(LE, "5", "个工作日")),
    c("不高于3%", T(LE, "3", "%")),
    c("不多于2次", T(LE, "2", "次")),
    c("5%以内", T(LE, "5", "%")),
    c("3%以下", T(LE, "3", "%")),
    c("1%及以下", T(LE, "1", "%")),
    c("控制在5%以内", T(LE, "5", "%")),
    c("控制在预算内", ),
    c("3个工作日内", T(LE, "3", "个工作日")),
    c("低于5%", T(LT, "5", "%")),
    c("为100%", T(EQ, "100", "%")),
    c("差错率为0", T(EQ, "0")),
    c("20万元左右", T(AP, "20", "万元", approx=True)),
    c("50人上下", T(AP, "50", "人", approx=True)),
    c("大约30人", T(AP, "30", "人", approx=True)),
    c("大概3次", T(AP, "3", "次", approx=True)),
    c("近3年", T(AP, "3", "年", approx=True)),
    c("20多人", T(GT, "20", "人", approx=True)),
    c("约1000余个", T(GT, "1000", "个", approx=True)),
    # --- numerals, multipliers, units -------------------------------------------------
    c("1,000人次", T(EQ, "1000", "人次")),
    c("１２０人", T(EQ, "120", "人")),
    c("９５．５％", T(EQ, "95.5", "%")),
    c("1.2万人次", T(EQ, "12000", "人次")),
    c("两万人", T(EQ, "20000", "人")),
    c("一千二百人", T(EQ, "1200", "人")),
    c("二十万元", T(EQ, "20", "万元")),
    c("5千元", T(EQ, "5", "千元")),
    c("5千米", T(EQ, "5", "千米")),
    c("1.5亿元", T(EQ, "1.5", "亿元")),
    c("3万亩", T(EQ, "30000", "亩")),
    c("12公里", T(EQ, "12", "公里")),
    c("500㎡", T(EQ, "500", "㎡")),
    c("3000平方米", T(EQ, "3000", "平方米")),
    c("200m³", T(EQ, "200", "m³")),
    c("100ｍ", T(EQ, "100", "m")),
    c("50吨", T(EQ, "50", "吨")),
    c("40学时", T(EQ, "40", "学时")),
    c("6个月", T(EQ, "6", "个月")),
    c("2‰", T(EQ, "2", "‰")),
    c("提高2个百分点", T(EQ, "2", "个百分点")),
    c("200元/人·月", T(EQ, "200", "元/人·月")),
    c("10万元/公里", T(EQ, "10", "万元/公里")),
    c("百分之九十五以上", T(GE, "95", "%")),
    c("3至5次", T(GE, "3", "次", upper="5")),
    c("3～5次", T(GE, "3", "次", upper="5")),
    c("90-95%", T(GE, "90", "%", upper="95")),
    c("三至五次", T(GE, "3", "次", upper="5")),
    c("开展一次", T(EQ, "1", "次")),
    c("3百万元", T(EQ, "300", "万元")),
    c("至少约5次", T(GE, "5", "次", approx=True)),
    c("约5次以上", T(GE, "5", "次", approx=True)),
    c("5天内完成", T(LE, "5", "天")),
    # --- periods and frequencies ------------------------------------------------------
    c("每月1次", T(EQ, "1", "次", period="月", yearly="12"), frequency="月"),
    c("按月发放", frequency="月"),
    c("按季度开展", frequency="季度"),
    c("每周2次", T(EQ, "2", "次", period="周", yearly="104"), frequency="周"),
    c("每日巡查1次", T(EQ, "1", "次", period="日", yearly="365"), frequency="日"),
    c("每年不少于2次", T(GE, "2", "次", period="年", yearly="2"), frequency="年"),
    c("年度培训3次", T(EQ, "3", "次", period="年", yearly="3")),
    c("本年完成5项", T(EQ, "5", "项", period="年", yearly="5")),
    c("1次/季度", T(EQ, "1", "次", period="季度", yearly="4")),
    c("至少一次/月", T(GE, "1", "次", period="月", yearly="12")),
    c("每月一次", T(EQ, "1", "次", period="月", yearly="12"), frequency="月"),
    c("每季度开展一次", T(EQ, "1", "次", period="季度", yearly="4"), frequency="季度"),
    c("500元/月", T(EQ, "500", "元", period="月", yearly="6000")),
    c("全年95%以上", T(GE, "95", "%", period="年")),
    # --- dates, deadlines, ranges -----------------------------------------------------
    c("2021年12月底前", deadline=(2021, 12, 31)),
    c("2021年12月31日前", deadline=(2021, 12, 31)),
    c("6月底前完成", deadline=(None, 6, 30)),
    c("2023年6月底前完成", deadline=(2023, 6, 30)),
    c("2024年2月底前", deadline=(2024, 2, 29)),
    c("十二月底前", deadline=(None, 12, 31)),
    c("2021年底前", deadline=(2021, 12, 31)),
    c("年内完成", deadline=(None, 12, 31)),
    c("上半年完成", deadline=(None, 6, 30)),
    c("第三季度末前", deadline=(None, 9, 30)),
    c("2021年", deadline=(2021, 12, 31)),
    c("2021年度", deadline=(2021, 12, 31)),
    c("2023.12", T(EQ, "2023.12")),
    c("2023.12前", deadline=(2023, 12, 31)),
    c("2023.12.31", deadline=(2023, 12, 31)),
    c("1999.50万元", T(EQ, "1999.50", "万元")),
    c("2023年1-12月", date_range=((2023, 1, 1), (2023, 12, 31))),
    c("2023年4月至2024年2月", date_range=((2023, 4, 1), (2024, 2, 29))),
    c("2023.7.1-2024.1.31", date_range=((2023, 7, 1), (2024, 1, 31))),
    c("2023-2024年", date_range=((2023, 1, 1), (2024, 12, 31))),
    c("2023年12月底前完成培训3次", T(EQ, "3", "次"), deadline=(2023, 12, 31)),
    c("实施期3年", T(EQ, "3", "年")),
    c("3月", T(EQ, "3", "月")),
    c("3月前", deadline=(None, 3, 31)),
    c("6月15日", deadline=(None, 6, 15)),
    c("2023年6月", deadline=(2023, 6, 30)),
    # --- negative cases: words with numerals, vague amounts, names ----------------------
    c(""),
    c("   "),
    c("\t\n"),
    c("一批"),
    c("若干"),
    c("几个"),
    c("多个"),
    c("统一"),
    c("万一"),
    c("十分重要"),
    c("一定"),
    c("一流"),
    c("第一"),
    c("二级指标"),
    c("三级"),
    c("万元"),
    c("一次性补助"),
    c("两个维护"),
    c("四个意识"),
    c("一件事一次办"),
    c("一站式服务"),
    c("“五化”建设"),
    c("十四五规划"),
    c("千家万户"),
    c("百姓满意"),
    c("〔2021〕101号"),
    c("8:30前"),
    c("5G网络"),
    c("第3次"),
    c("党员活动经费"),
    c("选树一批有影响力的党建品牌"),
    # --- several targets in one cell -----------------------------------------------
    c("培训3次，参训率100%", T(EQ, "3", "次"), T(EQ, "100", "%")),
    c("开展活动≥2次;满意度≥90%", T(GE, "2", "次"), T(GE, "90", "%")),
    c("全年约5次，每季度至少1次", T(AP, "5", "次", period="年", approx=True, yearly="5"),
      T(GE, "1", "次", period="季度", yearly="4"), frequency="季度"),
    c("零事故，满意度95%以上", T(EQ, "0", implied=True), T(GE, "95", "%")),
    c("全覆盖 满意度≥90%", T(EQ, "100", "%", implied=True), T(GE, "90", "%")),
    c("安全事故不发生，培训3次", T(EQ, "0", implied=True), T(EQ, "3", "次")),
    c("100%全覆盖", T(EQ, "100", "%")),
    # --- reviewer's misreads (round 2) --------------------------------------------------
    # negative numbers: a minus sign directly before the digits, not a range dash
    c("≤-5%", T(LE, "-5", "%")),
    c("-5%", T(EQ, "-5", "%")),
    c("增长-5%", T(EQ, "-5", "%")),
    c("下降-3.5%", T(EQ, "-3.5", "%")),
    c("≥-2个百分点", T(GE, "-2", "个百分点")),
    c("-5%至-3%", T(GE, "-5", "%", upper="-3")),
    c("3-5次", T(GE, "3", "次", upper="5")),
    c("满意度90%-95%", T(GE, "90", "%", upper="95")),
    c("－５％", T(EQ, "-5", "%")),
    c("−5%", T(EQ, "-5", "%")),
    # a magnitude written on one end of a range belongs to both ends
    c("3万至5万元", T(GE, "3", "万元", upper="5")),
    c("1万-2万人次", T(GE, "10000", "人次", upper="20000")),
    c("1-2万人次", T(GE, "10000", "人次", upper="20000")),
    c("5千至8千元", T(GE, "5", "千元", upper="8")),
    c("3-5万元", T(GE, "3", "万元", upper="5")),
    c("500-2万人次", T(GE, "500", "人次", upper="20000")),
    # ISO-style dates of system exports
    c("2021-12-31", deadline=(2021, 12, 31)),
    c("2021-12-31前", deadline=(2021, 12, 31)),
    c("2021/12/31", deadline=(2021, 12, 31)),
    c("2022-06", deadline=(2022, 6, 30)),
    c("2023-07-01至2024-01-31", date_range=((2023, 7, 1), (2024, 1, 31))),
    c("2023-2024年", date_range=((2023, 1, 1), (2024, 12, 31))),
    # N年内 is a duration, not "before the end of the year"
    c("2年内", T(LE, "2", "年")),
    c("3年内完成", T(LE, "3", "年")),
    c("两年内", T(LE, "2", "年")),
    c("半年内完成"),
    c("2021年内完成", deadline=(2021, 12, 31)),
    # the Chinese comma as a thousands separator
    c("1，200万元", T(EQ, "1200", "万元")),
    c("200，000元", T(EQ, "200000", "元")),
    c("1，200，000元", T(EQ, "1200000", "元")),
    c("12，50万元", T(EQ, "12"), T(EQ, "50", "万元"), suspected=1),
    c("1234，567元", T(EQ, "1234"), T(EQ, "567", "元"), suspected=1),
    # magnitudes alone: 近千, 千余, 上千; 数千 and 几十 are vague
    c("近千人", T(AP, "1000", "人", approx=True)),
    c("千余人", T(GT, "1000", "人", approx=True)),
    c("百余人", T(GT, "100", "人", approx=True)),
    c("上千人", T(GE, "1000", "人", approx=True)),
    c("近万人", T(AP, "10000", "人", approx=True)),
    c("惠及群众万余人", T(GT, "10000", "人", approx=True)),
    c("数千人"),
    c("几十人"),
    c("百万元"),
    # fractions and ratios in words
    c("2/3以上", T(GE, "66.67", "%", approx=True)),
    c("1/2", T(EQ, "50", "%")),
    c("千分之五", T(EQ, "5", "‰")),
    c("三分之一", T(AP, "33.33", "%", approx=True)),
    c("三分之二以上", T(GE, "66.67", "%", approx=True)),
    c("四分之三", T(EQ, "75", "%")),
    c("百分之九十五", T(EQ, "95", "%")),
    c("万分之五", T(EQ, "0.05", "%")),
    # month.day deadlines and the following year
    c("12.31前", deadline=(None, 12, 31)),
    c("12/31前", deadline=(None, 12, 31)),
    c("12.31", T(EQ, "12.31")),
    c("次年3月", deadline=(None, 3, 31)),
    c("次年6月底前完成", deadline=(None, 6, 30)),
    # tolerances: a range around the value
    c("50%±5%", T(GE, "45", "%", upper="55")),
    c("50±5%", T(GE, "45", "%", upper="55")),
    c("100万元±10%", T(GE, "90", "万元", upper="110")),
    c("30天±2天", T(GE, "28", "天", upper="32")),
    # --- reviewer's misreads (round 3) --------------------------------------------------
    # count units that read as bare numbers before
    c("200盏", T(EQ, "200", "盏")),
    c("新增50床", T(EQ, "50", "床")),
    c("50床位", T(EQ, "50", "床位")),
    c("拍摄3部", T(EQ, "3", "部")),
    c("5部门联合", T(EQ, "5", "部门")),
    c("2艘", T(EQ, "2", "艘")),
    c("100根", T(EQ, "100", "根")),
    c("100箱", T(EQ, "100", "箱")),
    c("20袋", T(EQ, "20", "袋")),
    c("10匹", T(EQ, "10", "匹")),
    c("打井2口", T(EQ, "2", "口")),
    c("3眼", T(EQ, "3", "眼")),
    c("5支", T(EQ, "5", "支")),
    c("10把", T(EQ, "10", "把")),
    c("100枚", T(EQ, "100", "枚")),
    c("一把手"),
    c("一部分"),
    # concentrations and decibels (55分贝 is not 55 分)
    c("≤35微克/立方米", T(LE, "35", "微克/立方米")),
    c("≤0.5毫克/立方米", T(LE, "0.5", "毫克/立方米")),
    c("≤35mg/m³", T(LE, "35", "mg/m³")),
    c("≤35μg/m³", T(LE, "35", "μg/m³")),
    c("≤35µg/m³", T(LE, "35", "μg/m³")),
    c("55分贝", T(EQ, "55", "分贝")),
    c("≤55dB(A)", T(LE, "55", "dB(A)")),
    c("95分", T(EQ, "95", "分")),
    # 万/亿 followed by a known non-money unit multiplies into a count, never money
    c("≥5万剂次", T(GE, "50000", "剂次")),
    c("20万尾", T(EQ, "200000", "尾")),
    c("放流鱼苗1亿尾", T(EQ, "100000000", "尾")),
    c("2万羽", T(EQ, "20000", "羽")),
    c("3万株", T(EQ, "30000", "株")),
    c("全年拿出 20 万开展相关活动", T(EQ, "20", "万", period="年", yearly="20")),
    c("20万", T(EQ, "20", "万")),
    # quarters, 当年, 年度内: deadlines
    c("2021年第四季度", deadline=(2021, 12, 31)),
    c("第一季度", deadline=(None, 3, 31)),
    c("第4季度", deadline=(None, 12, 31)),
    c("一季度", deadline=(None, 3, 31)),
    c("二季度完成", deadline=(None, 6, 30)),
    c("2021年4季度", deadline=(2021, 12, 31)),
    c("Q4", deadline=(None, 12, 31)),
    c("2021Q3", deadline=(2021, 9, 30)),
    c("前三季度", deadline=(None, 9, 30)),
    c("第一季度完成3次", T(EQ, "3", "次"), deadline=(None, 3, 31)),
    c("一季度一次", T(EQ, "1", "次")),
    c("当年完成", deadline=(None, 12, 31)),
    c("当年底前", deadline=(None, 12, 31)),
    c("当年新增就业500人", T(EQ, "500", "人")),
    c("年底前", deadline=(None, 12, 31)),
    c("年末前", deadline=(None, 12, 31)),
    c("下半年", deadline=(None, 12, 31)),
    c("上半年", deadline=(None, 6, 30)),
    c("2021年度内", deadline=(2021, 12, 31)),
    c("年度内完成", deadline=(None, 12, 31)),
    c("当年度内", deadline=(None, 12, 31)),
    # outcome grades
    c("通过", grade="通过"),
    c("未通过", grade="未通过"),
    c("验收通过", grade="通过"),
    c("顺利通过验收", grade="通过验收"),
    c("通过率95%", T(EQ, "95", "%")),
    # impossible dates: not dated, not quantities, a suspected note (and a reason)
    c("2021年13月32日前", suspected=1),
    c("2021年2月30日前", suspected=1),
    c("2021年2月29日前", suspected=1),
    c("2021年12月32日", suspected=1),
    c("13月5日", suspected=1),
    c("2021-02-30", suspected=1),
    c("培训3次，2021年2月30日前完成", T(EQ, "3", "次"), suspected=1),
    c("2024年2月29日前", deadline=(2024, 2, 29)),
    c("13个月", T(EQ, "13", "个月")),
    # reversed ranges are read, and noted
    c("5-3次", T(GE, "3", "次", upper="5"), suspected=1),
    c("95%-90%", T(GE, "90", "%", upper="95"), suspected=1),
    c("-3%至-5%", T(GE, "-5", "%", upper="-3"), suspected=1),
    c("2024.01-2023.07", date_range=((2024, 1, 1), (2023, 7, 31)), suspected=1),
]
# fmt: on


def _check_target(found: Target, expected: T) -> None:
    assert found.comparator is Comparator(expected.comparator)
    assert found.number == Decimal(expected.number)
    assert found.unit == expected.unit
    assert found.upper == (None if expected.upper is None else Decimal(expected.upper))
    assert found.period == expected.period
    assert found.approx is expected.approx
    assert found.implied is expected.implied
    if expected.yearly is not None:
        assert found.yearly == Decimal(expected.yearly)
    elif expected.period is None:
        assert found.yearly is None


def test_table_has_enough_cases() -> None:
    assert len(CASES) >= 150
    assert len({case.text for case in CASES}) >= 150


@pytest.mark.parametrize("case", CASES, ids=[repr(case.text) for case in CASES])
def test_value(case: Case) -> None:
    parsed = parse_value(case.text)
    assert parsed.text == case.text
    assert len(parsed.targets) == len(case.targets), parsed.targets
    for found, expected in zip(parsed.targets, case.targets, strict=True):
        _check_target(found, expected)
    assert parsed.quantified is bool(case.targets)
    assert parsed.grade == case.grade
    assert parsed.graded is (case.grade is not None)
    if case.deadline is None:
        assert parsed.deadline is None
    else:
        assert parsed.deadline is not None
        assert (parsed.deadline.year, parsed.deadline.month, parsed.deadline.day) == case.deadline
    if case.date_range is None:
        assert parsed.date_range is None
    else:
        assert parsed.date_range is not None
        start, end = parsed.date_range.start, parsed.date_range.end
        assert ((start.year, start.month, start.day), (end.year, end.month, end.day)) == (
            case.date_range
        )
    assert parsed.dated is (case.deadline is not None or case.date_range is not None)
    assert parsed.frequency == case.frequency
    assert len(parsed.suspected) == case.suspected
    readable = case.targets or case.grade or case.deadline or case.date_range or case.frequency
    if readable:
        assert parsed.reason is None
    else:
        assert parsed.reason, "an unreadable value must say why"


def test_years_are_not_targets_but_are_recorded() -> None:
    parsed = parse_value("确保 2021 年所有支部达标")
    assert parsed.targets == ()
    assert parsed.years == (2021,)
    assert parsed.deadline is None


def test_vague_amount_reason_names_the_word() -> None:
    assert "一批" in (parse_value("打造一批有影响力的模范机关").reason or "")
    assert parse_value("").reason == "指标值为空"


def test_february_end_without_year_is_left_open() -> None:
    deadline = parse_value("2月底前").deadline
    assert deadline == PartialDate(year=None, month=2, day=None, end_of_month=True)
    assert deadline.latest(2024).isoformat() == "2024-02-29"
    assert deadline.latest(2023).isoformat() == "2023-02-28"


def test_latest_fills_unknown_parts() -> None:
    assert PartialDate(month=12, day=31).latest(2021).isoformat() == "2021-12-31"
    assert PartialDate(year=2022).latest(2021).isoformat() == "2022-12-31"
    assert PartialDate(year=2023, month=6).latest(2021).isoformat() == "2023-06-30"


def test_subjects_and_spans_of_a_two_target_cell() -> None:
    text = "市直机关干部职工参与度 30%以上 市直机关工会干部参训率 100%"
    first, second = parse_value(text).targets
    assert first.subject == "市直机关干部职工参与度"
    assert second.subject == "市直机关工会干部参训率"
    assert text[first.span[0] : first.span[1]] == "30%以上"
    assert text[second.span[0] : second.span[1]] == "100%"


def test_span_covers_period_and_comparator_words() -> None:
    text = "按照中央、省委、市委要求执行 每季度至少 1 次"
    (target,) = parse_value(text).targets
    assert text[target.span[0] : target.span[1]] == "每季度至少 1 次"


def test_spans_point_into_the_original_full_width_text() -> None:
    text = "满意度：＞＝９５％"
    (target,) = parse_value(text).targets
    assert text[target.span[0] : target.span[1]] == "＞＝９５％"


def test_impossible_date_is_noted_and_not_read() -> None:
    parsed = parse_value("2021年13月32日前")
    assert (parsed.targets, parsed.deadline, parsed.dated) == ((), None, False)
    assert "不是有效日期" in parsed.suspected[0]
    assert parsed.reason == "“2021年13月32日前”不是有效日期"
    assert parsed.years == (2021,)
    february = parse_value("2021年2月30日前")
    assert february.targets == ()
    assert "2021年2月没有30日" in february.suspected[0]


def test_reversed_range_is_noted() -> None:
    parsed = parse_value("5-3次")
    assert "范围上下限颠倒" in parsed.suspected[0]
    assert parse_value("3-5次").suspected == ()


def test_multiplier_before_a_known_unit_is_a_count_not_money() -> None:
    (doses,) = parse_value("≥5万剂次").targets
    assert doses.unit_kind is UnitKind.COUNT
    assert doses.amount_in_wan() is None
    (money,) = parse_value("全年拿出 20 万开展相关活动").targets
    assert money.unit_kind is UnitKind.MONEY
    assert parse_value("55分贝").targets[0].unit_kind is UnitKind.OTHER
    assert parse_value("≤35微克/立方米").targets[0].unit_kind is UnitKind.CONCENTRATION


def test_suspicions_keep_the_target_as_written() -> None:
    parsed = parse_value("292%")
    assert parsed.targets[0].number == Decimal(292)
    assert "≥92%" in parsed.suspected[0]
    assert "=100" in parse_value("二100").suspected[0]
