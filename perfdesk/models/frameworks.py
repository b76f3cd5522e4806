"""The two indicator frameworks a declaration may follow (forms.md §1 "Indicator frameworks").

``sh2019`` is the Shanghai 2019 form of the seed: one level, 分解目标内容. ``national`` is the
财政部 framework (2020 on): 一级指标 → 二级指标, with 三级指标 as the indicator name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

SH2019 = "sh2019"
NATIONAL = "national"
BUDGET_WEIGHT = Decimal(10)  # 预算执行率 分值 (forms.md §2)
TOTAL_WEIGHT = Decimal(100)


@dataclass(frozen=True)
class Framework:
    key: str
    label: str
    # category → its subcategories (empty tuple: the framework has no second level).
    tree: dict[str, tuple[str, ...]]
    output_category: str
    # Default points per category; None where the user sets them (sh2019).
    default_weights: dict[str, Decimal] | None = None
    budget_weight: Decimal = BUDGET_WEIGHT
    # What people write instead of the official name (投入与管理目标, 产出, 效益目标 …).
    aliases: dict[str, str] = field(default_factory=dict)

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(self.tree)

    @property
    def has_subcategories(self) -> bool:
        return any(self.tree.values())

    def subcategories(self, category: str | None) -> tuple[str, ...]:
        canonical = self.match_category(category)
        return self.tree.get(canonical, ()) if canonical else ()

    def match_category(self, text: str | None) -> str | None:
        """The official category name for what a form wrote, or None if it is not one."""
        if not text:
            return None
        t = _squash(text)
        if t in self.tree:
            return t
        return self.aliases.get(t)

    def match_subcategory(self, text: str | None) -> str | None:
        if not text:
            return None
        t = _squash(text)
        for subs in self.tree.values():
            for s in subs:
                if t in (s, s.removesuffix("指标")):
                    return s
        return None

    def category_of_subcategory(self, subcategory: str | None) -> str | None:
        sub = self.match_subcategory(subcategory)
        for cat, subs in self.tree.items():
            if sub in subs:
                return cat
        return None

    def is_output(self, category: str | None) -> bool:
        return self.match_category(category) == self.output_category

    def category_weights(self) -> dict[str, Decimal]:
        """Points per category: the national defaults, or for sh2019 the program's proposal
        (the indicator points split equally, to the 0.01; the user confirms or changes it)."""
        if self.default_weights is not None:
            return dict(self.default_weights)
        pool = TOTAL_WEIGHT - self.budget_weight
        cats = self.categories
        each = (pool / len(cats)).quantize(Decimal("0.01"))
        weights = {c: each for c in cats}
        weights[cats[0]] += pool - each * len(cats)
        return weights


def _squash(text: str) -> str:
    return re.sub(r"[\s\u3000:：]+", "", text)


def _aliases(
    tree: dict[str, tuple[str, ...]], suffix: str, extra: dict[str, str]
) -> dict[str, str]:
    out = {c.removesuffix(suffix): c for c in tree}
    out.update(extra)
    return out


_SH2019_TREE: dict[str, tuple[str, ...]] = {
    "投入和管理目标": (),
    "产出目标": (),
    "效果目标": (),
    "影响力目标": (),
}
_NATIONAL_TREE: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}

FRAMEWORKS: dict[str, Framework] = {
    SH2019: Framework(
        key=SH2019,
        label="上海市2019版（分解目标）",
        tree=_SH2019_TREE,
        output_category="产出目标",
        aliases=_aliases(
            _SH2019_TREE,
            "目标",
            {
                "投入与管理目标": "投入和管理目标",
                "投入管理目标": "投入和管理目标",
                "影响目标": "影响力目标",
                "效果": "效果目标",
            },
        ),  # fmt: skip
    ),
    NATIONAL: Framework(
        key=NATIONAL,
        label="财政部通用指标体系（一级/二级/三级指标）",
        tree=_NATIONAL_TREE,
        output_category="产出指标",
        default_weights={
            "产出指标": Decimal(50),
            "效益指标": Decimal(30),
            "满意度指标": Decimal(10),
        },
        aliases=_aliases(_NATIONAL_TREE, "指标", {"满意度": "满意度指标"}),
    ),
}


def get_framework(key: str | None) -> Framework:
    """The framework of a record; an unknown key falls back to sh2019 (the form's own)."""
    return FRAMEWORKS.get(key or SH2019, FRAMEWORKS[SH2019])


class _HasCategory(Protocol):
    category: str | None
    subcategory: str | None


def guess_framework(indicators: Iterable[_HasCategory]) -> str:
    """Which framework a list of indicators follows, by its category names.

    A second level (数量指标 …) or …指标 categories say national; …目标 categories say sh2019;
    with nothing to go on, sh2019 (the seed's form).
    """
    national = sh = 0
    for ind in indicators:
        if FRAMEWORKS[NATIONAL].match_subcategory(ind.subcategory):
            national += 2
        if FRAMEWORKS[NATIONAL].match_category(ind.category):
            national += 1
        if ind.category and _squash(ind.category) in _SH2019_TREE:
            sh += 1
        elif FRAMEWORKS[SH2019].match_category(ind.category) and not FRAMEWORKS[
            NATIONAL
        ].match_category(ind.category):
            sh += 1
    return NATIONAL if national > sh else SH2019
