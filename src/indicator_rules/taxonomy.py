"""The indicator taxonomy: which 二级指标 belong to which 一级指标, under each framework.

Three profiles (REFERENCE.md §a1):

- ``mof2015`` (财预〔2015〕88号): 成本 is a 二级 under 产出; 满意度 is its own 一级;
- ``mof2021`` (财预〔2021〕101号): 成本指标 is its own 一级 (经济/社会/生态环境成本指标);
- ``hunan`` (Hunan forms): like mof2015, but 满意度 sits under 效益 as a 5th 二级
  (社会公众或服务对象满意度指标), and the department form says 完成指标 for 产出指标.

Forms write the names in several ways; :func:`canonical_level1` and :func:`canonical_level2` map
them to one name each through the alias table (完成指标 = 产出指标, 环境效益指标 = 生态效益指标,
社会公众或服务对象满意度指标 = 服务对象满意度指标 …), and a missing ``指标`` suffix is added
(``数量`` = ``数量指标``). :func:`guess_profile` tells a form's profile from where 成本 and 满意度
sit.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Literal, TypeAlias

import attrs

__all__ = [
    "LEVEL1_NAMES",
    "LEVEL2_NAMES",
    "PROFILES",
    "Profile",
    "ProfileName",
    "canonical_level1",
    "canonical_level2",
    "guess_profile",
    "missing_level1",
]

#: The name of a taxonomy profile.
ProfileName: TypeAlias = Literal["mof2015", "mof2021", "hunan"]

OUTPUT, COST, BENEFIT, SATISFACTION = "产出指标", "成本指标", "效益指标", "满意度指标"
QUANTITY, QUALITY, TIMELINESS = "数量指标", "质量指标", "时效指标"
ECONOMIC_COST, SOCIAL_COST, ECOLOGICAL_COST = "经济成本指标", "社会成本指标", "生态环境成本指标"
ECONOMIC, SOCIAL, ECOLOGICAL, SUSTAINABLE = (
    "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标",
)
SERVED_SATISFACTION = "服务对象满意度指标"

_LEVEL1_ALIASES = {"完成指标": OUTPUT}
_LEVEL2_ALIASES = {
    "环境效益指标": ECOLOGICAL,
    "生态环境效益指标": ECOLOGICAL,
    "社会公众或服务对象满意度指标": SERVED_SATISFACTION,
    "服务对象满意度": SERVED_SATISFACTION,
    "满意度指标": SERVED_SATISFACTION,
    "可持续影响": SUSTAINABLE,
    "生态环境成本": ECOLOGICAL_COST,
}


@attrs.frozen
class Profile:
    """One framework's indicator tree: each 一级指标 with the 二级指标 allowed under it.

    ``required_project`` and ``required_department`` are the 一级指标 each kind of form must
    have; ``satisfaction_under`` is the 一级 under which a satisfaction 二级 also counts as the
    满意度 一级 (Hunan), if any.
    """

    name: ProfileName
    title: str
    tree: Mapping[str, tuple[str, ...]]
    required_project: tuple[str, ...]
    required_department: tuple[str, ...]
    satisfaction_under: str | None = None
    #: each 二级 with the 一级 it may sit under, in the tree's order (rule S04 asks per row)
    _parents: Mapping[str, tuple[str, ...]] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        parents: dict[str, tuple[str, ...]] = {}
        for level1, children in self.tree.items():
            for level2 in children:
                parents[level2] = (*parents.get(level2, ()), level1)
        object.__setattr__(self, "_parents", parents)

    def parents_of(self, level2: str) -> tuple[str, ...]:
        """The 一级 under which a canonical 二级 may sit in this profile (none if unknown)."""
        return self._parents.get(level2, ())


_OUTPUT_2015 = (QUANTITY, QUALITY, TIMELINESS, COST)
_BENEFIT_2015 = (ECONOMIC, SOCIAL, ECOLOGICAL, SUSTAINABLE)

#: The three profiles, by name.
PROFILES: dict[str, Profile] = {
    "mof2015": Profile(
        "mof2015", "财预〔2015〕88号",
        {OUTPUT: _OUTPUT_2015, BENEFIT: _BENEFIT_2015, SATISFACTION: (SERVED_SATISFACTION,)},
        required_project=(OUTPUT, BENEFIT, SATISFACTION),
        required_department=(OUTPUT, BENEFIT),
    ),
    "mof2021": Profile(
        "mof2021", "财预〔2021〕101号",
        {
            OUTPUT: (QUANTITY, QUALITY, TIMELINESS),
            COST: (ECONOMIC_COST, SOCIAL_COST, ECOLOGICAL_COST),
            BENEFIT: _BENEFIT_2015,
            SATISFACTION: (SERVED_SATISFACTION,),
        },
        required_project=(OUTPUT, COST, BENEFIT, SATISFACTION),
        required_department=(OUTPUT, BENEFIT),
    ),
    "hunan": Profile(
        "hunan", "湖南省申报表",
        {
            OUTPUT: _OUTPUT_2015,
            BENEFIT: (*_BENEFIT_2015, SERVED_SATISFACTION),
            SATISFACTION: (SERVED_SATISFACTION,),
        },
        required_project=(OUTPUT, BENEFIT, SATISFACTION),
        required_department=(OUTPUT, BENEFIT),
        satisfaction_under=BENEFIT,
    ),
}

#: Every 一级指标 name a form may write (canonical names and aliases).
LEVEL1_NAMES: frozenset[str] = frozenset(
    {name for profile in PROFILES.values() for name in profile.tree} | set(_LEVEL1_ALIASES)
)
#: Every 二级指标 name a form may write (canonical names and aliases).
LEVEL2_NAMES: frozenset[str] = frozenset(
    {name for profile in PROFILES.values() for names in profile.tree.values() for name in names}
    | set(_LEVEL2_ALIASES)
)

_NOISE = re.compile(r"[\s\u3000:：]+")


def _canonical(text: str, names: frozenset[str], aliases: Mapping[str, str]) -> str | None:
    key = _NOISE.sub("", text)
    if not key:
        return None
    for candidate in (key, key + "指标"):
        if candidate in aliases:
            return aliases[candidate]
        if candidate in names:
            return candidate
    return None


@functools.lru_cache(maxsize=4096)
def canonical_level1(text: str) -> str | None:
    """The canonical 一级指标 name for ``text`` (完成指标 → 产出指标), or None if unknown."""
    return _canonical(text, LEVEL1_NAMES, _LEVEL1_ALIASES)


@functools.lru_cache(maxsize=4096)
def canonical_level2(text: str) -> str | None:
    """The canonical 二级指标 name for ``text`` (环境效益 → 生态效益指标), or None if unknown."""
    return _canonical(text, LEVEL2_NAMES, _LEVEL2_ALIASES)


def guess_profile(pairs: Iterable[tuple[str, str]], default: ProfileName = "mof2021") -> str:
    """The profile a form follows, from its (一级, 二级) pairs.

    成本指标 as a 一级 → ``mof2021``; 完成指标, or a satisfaction 二级 under 效益 → ``hunan``;
    成本 under 产出 with 满意度 as its own 一级 → ``mof2015``; nothing telling → ``default``.
    """
    seen = [(level1, canonical_level1(level1), canonical_level2(level2))
            for level1, level2 in pairs]
    if any(level1 == COST for _, level1, _ in seen):
        return "mof2021"
    hunan = any(
        written.strip() == "完成指标" or (level1 == BENEFIT and level2 == SERVED_SATISFACTION)
        for written, level1, level2 in seen
    )
    if hunan:
        return "hunan"
    if any(level1 == OUTPUT and level2 == COST for _, level1, level2 in seen):
        return "mof2015"
    return default


def missing_level1(
    profile: Profile, kind: str, pairs: Iterable[tuple[str, str]]
) -> list[str]:
    """The 一级指标 the profile requires of a ``kind`` form that its (一级, 二级) pairs lack.

    Under a profile with ``satisfaction_under`` (hunan), a satisfaction 二级 under that 一级
    counts as the 满意度 一级.
    """
    present: set[str] = set()
    for written1, written2 in pairs:
        level1, level2 = canonical_level1(written1), canonical_level2(written2)
        if level1 is not None:
            present.add(level1)
        if level2 == SERVED_SATISFACTION and level1 == profile.satisfaction_under:
            present.add(SATISFACTION)
    required = profile.required_project if kind == "project" else profile.required_department
    return [level1 for level1 in required if level1 not in present]
