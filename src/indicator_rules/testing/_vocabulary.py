"""Words the strategies build declarations from: realistic themes of local budget projects.

Every name here was chosen so that a declaration built from it passes the baseline ruleset: no
vague words (REFERENCE §c6), no organisation names in goals or indicators, names that end in
率 only for percentages, and activities named again in the goal (so that rule X05 sees the
indicators belong to the project).
"""

from __future__ import annotations

import attrs

__all__ = ["ACTIVITIES", "THEMES", "Activity", "Theme"]


@attrs.frozen
class Activity:
    """One activity of a project (开展…): its count unit and the 三级 names built from it.

    ``quantity_name`` names the 数量指标 (``党务干部培训期数``); ``unit`` is its count unit;
    ``low``–``high`` the plausible yearly count.
    """

    name: str
    unit: str
    quantity_name: str
    low: int
    high: int


@attrs.frozen
class Theme:
    """A kind of project with the department that runs it, its activities and beneficiaries."""

    project: str
    department: str
    beneficiary: str
    effect: str
    duties: str
    activities: tuple[Activity, ...]


def _a(name: str, unit: str, measure: str, low: int, high: int) -> Activity:
    return Activity(name, unit, name + measure, low, high)


THEMES: tuple[Theme, ...] = (
    Theme(
        "党员教育活动经费", "中共衡阳市直属机关工作委员会", "机关党员干部",
        "增强机关党组织的凝聚力和战斗力",
        "负责市直机关党的建设工作，指导机关党组织开展党员教育管理、党务干部培训和模范机关"
        "创建，组织机关党员参加理论学习和主题实践活动，做好党员发展和党费收缴管理。",
        (_a("党务干部培训", "期", "期数", 2, 8), _a("模范机关创建活动", "次", "次数", 3, 12),
         _a("支部书记轮训", "人次", "人次", 120, 600), _a("党员教育专题讲座", "场", "场次", 4, 20)),
    ),
    Theme(
        "机关工会工作经费", "衡阳市总工会", "机关干部职工",
        "丰富干部职工文体生活，维护职工合法权益",
        "负责组织干部职工开展文体活动和业务培训，对困难职工开展慰问帮扶，维护职工合法权益，"
        "推动职工之家建设，组织劳动竞赛和评先评优，做好工会经费的收缴使用和管理。",
        (_a("困难职工慰问帮扶", "人次", "人次", 30, 300), _a("职工文体活动", "场", "场次", 2, 12),
         _a("工会干部业务培训", "期", "期数", 1, 6)),
    ),
    Theme(
        "农村公路养护专项资金", "衡阳市交通运输局", "沿线群众", "保障农村公路安全畅通",
        "负责全市公路的规划建设和养护管理，组织实施农村公路日常养护、危桥改造和安全生命防护"
        "工程，开展公路安全隐患排查整治，保障道路安全畅通，做好交通运输行业安全生产监管。",
        (_a("农村公路日常养护", "公里", "里程", 80, 900), _a("危桥改造", "座", "数量", 2, 20),
         _a("公路安全隐患排查整治", "处", "处数", 20, 200)),
    ),
    Theme(
        "中小学校舍维修改造资金", "衡阳市教育局", "在校师生", "改善中小学办学条件",
        "负责全市基础教育的统筹规划和管理，组织实施中小学校舍维修改造和教学设备配备，督促"
        "落实校园安全管理，指导学校开展教育教学改革和教师队伍建设，改善城乡办学条件。",
        (_a("校舍维修改造", "所", "学校数", 5, 40), _a("教学设备购置", "台", "数量", 50, 600),
         _a("校园安全设施更新", "套", "数量", 10, 120)),
    ),
    Theme(
        "基本公共卫生服务项目", "衡阳市卫生健康委员会", "辖区居民", "提高居民健康水平",
        "负责全市基本公共卫生服务的组织实施和管理，开展老年人健康体检、慢性病患者随访管理和"
        "健康教育，指导基层医疗卫生机构建立居民健康档案，做好重大疾病防控和卫生应急工作。",
        (_a("老年人健康体检", "人", "人数", 2000, 30000),
         _a("慢性病患者随访管理", "人次", "人次", 3000, 40000),
         _a("健康教育讲座", "场", "场次", 10, 80)),
    ),
    Theme(
        "农业技术推广经费", "衡阳市农业农村局", "参训农户", "促进农业增效和农民增收",
        "负责全市农业技术推广体系建设，组织农业实用技术培训和新品种新技术示范，建设农业科技"
        "示范基地，选派科技特派员下乡开展技术服务，做好农产品质量安全监管和农业防灾减灾。",
        (_a("农业实用技术培训", "期", "期数", 5, 40), _a("科技示范基地建设", "个", "个数", 2, 15),
         _a("科技特派员下乡服务", "人次", "人次", 50, 500)),
    ),
    Theme(
        "公共图书馆免费开放资金", "衡阳市文化旅游广电体育局", "到馆读者", "提升公共文化服务水平",
        "负责全市公共文化服务体系建设，推动公共图书馆、文化馆免费开放，组织公益讲座、全民"
        "阅读和流动文化服务，做好图书文献采购编目，指导基层综合性文化服务中心建设和管理。",
        (_a("公益讲座", "场", "场次", 12, 60), _a("图书文献采购", "册", "册数", 5000, 40000),
         _a("流动图书服务点建设", "个", "个数", 5, 30)),
    ),
    Theme(
        "社区居家养老服务补助", "衡阳市民政局", "服务老人", "提升老年人居家养老服务质量",
        "负责全市养老服务体系建设和管理，组织实施社区居家养老上门服务和日间照料中心运营补助，"
        "开展养老护理员职业技能培训，做好特困人员供养、最低生活保障和临时救助等社会救助工作。",
        (_a("居家养老上门服务", "人次", "人次", 2000, 20000),
         _a("日间照料中心运营补助", "个", "个数", 5, 40),
         _a("养老护理员技能培训", "期", "期数", 2, 10)),
    ),
)

#: Every activity of every theme.
ACTIVITIES: tuple[Activity, ...] = tuple(a for theme in THEMES for a in theme.activities)

#: 填报人 names (fictional).
PEOPLE: tuple[str, ...] = ("王明", "李娟", "张伟", "刘芳", "陈静", "杨帆", "赵磊", "周敏")

#: What a 质量指标 measures, as the end of its name; each ends in 率, so its value is a %.
QUALITY_WORDS: tuple[str, ...] = ("验收合格率", "完成率", "达标率", "覆盖率")

#: Social-benefit names, after the beneficiary: each a rate measured in %.
BENEFIT_WORDS: tuple[str, ...] = ("受益覆盖率", "参与率", "政策知晓率")
