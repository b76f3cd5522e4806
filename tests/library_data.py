"""A multi-year database for the indicator library's tests: a hotline project carried from
2022 to 2023 and renamed there (project and unit), another unit's projects of the same
name in 2023 and 2024 (linked by name only), and a sh2019 project."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from perfdesk.carry import carry_forward
from perfdesk.models.records import Declaration, EvalIndicator, Evaluation, Indicator
from perfdesk.store.database import Store

OLD_UNIT = "上海市某区信访办公室"
NEW_UNIT = "上海市某区信访局"
OLD_NAME = "12345市民服务热线外包服务"
NEW_NAME = "12345热线服务外包（二期）"
OTHER_UNIT = "上海市某区图书馆"


def _evaluated(decl: Declaration, actuals: dict[str, str]) -> Declaration:
    decl.evaluation = Evaluation(
        budget_adjusted=Decimal(1000000),
        spent=Decimal(950000),
        indicators=[
            EvalIndicator(
                i.category,
                i.subcategory,
                i.name,
                i.target,
                actual=actuals.get(i.name or ""),
                weight=Decimal(18),
            )
            for i in decl.indicators
        ],
    )
    return decl


def declaration(year: int, unit: str, name: str, indicators: list[Indicator]) -> Declaration:
    return Declaration(
        year=year,
        unit=unit,
        name=name,
        framework="national",
        start_date=dt.date(year, 1, 1),
        end_date=dt.date(year, 12, 31),
        year_budget=Decimal(1000000),
        total_budget=Decimal(1000000),
        indicators=indicators,
    )


HOTLINE_2022 = [
    Indicator("产出指标", "质量指标", "热线接通率", "≥90%"),
    Indicator("产出指标", "时效指标", "平均接通时长", "≤20秒"),
    Indicator("满意度指标", "服务对象满意度指标", "市民满意度", "≥85%"),
    Indicator("产出指标", "数量指标", "热线受理量", "≥300万件"),
    Indicator("效益指标", "社会效益指标", "诉求办结率", "≥95%"),
]
HOTLINE_2022_ACTUALS = {
    "热线接通率": "96%",
    "平均接通时长": "15秒",
    "市民满意度": "80%",
    "热线受理量": "320万件",
    "诉求办结率": "97%",
}


@dataclass
class LibraryDb:
    hotline_2022: int
    hotline_2023: int
    library_2023: int
    library_2024: int
    sh_2023: int


def build(store: Store) -> LibraryDb:
    first = store.save(
        _evaluated(declaration(2022, OLD_UNIT, OLD_NAME, HOTLINE_2022), HOTLINE_2022_ACTUALS)
    ).record
    assert first.id is not None
    carried = carry_forward(store, first.id, 2023)
    # Renamed in the new year, project and unit; the targets the user then wrote.
    carried.unit, carried.name = NEW_UNIT, NEW_NAME
    carried.indicators = [
        Indicator("产出指标", "质量指标", "热线接通率", "≥92%"),  # below 2022's 96%: 偏低
        Indicator("产出指标", "时效指标", "平均接通时长", "≤18秒"),  # above 2022's 15秒: 偏松
        Indicator("满意度指标", "服务对象满意度指标", "市民满意度", "≥88%"),  # 80% was worse
        Indicator("效益指标", "社会效益指标", "诉求办结率", "≥97%"),
        # 热线受理量 dropped: a reminder
    ]
    second = store.save(carried).record
    lib_2023 = store.save(
        _evaluated(
            declaration(
                2023,
                OTHER_UNIT,
                "图书借阅服务",
                [
                    Indicator("产出指标", "数量指标", "图书借阅量", "≥50万册"),
                    Indicator("满意度指标", "服务对象满意度指标", "读者满意度", "≥90%"),
                ],
            ),  # fmt: skip
            {"图书借阅量": "62万册", "读者满意度": "93%"},
        )
    ).record
    lib_2024 = store.save(
        declaration(
            2024,
            OTHER_UNIT,
            "图书借阅服务",
            [
                Indicator("产出指标", "数量指标", "图书借阅量", "≥55万册"),
                Indicator("满意度指标", "服务对象满意度指标", "读者满意度", "≥93%"),
            ],
        )  # fmt: skip
    ).record
    sh = declaration(2023, OTHER_UNIT, "阅读推广活动", [
        Indicator("产出目标", None, "推广活动场次", "≥40场"),
        Indicator("效果目标", None, "活动参与人次", "≥2万人次"),
    ])  # fmt: skip
    sh.framework = "sh2019"
    sh_saved = store.save(sh).record
    assert None not in (second.id, lib_2023.id, lib_2024.id, sh_saved.id)
    return LibraryDb(
        first.id,
        second.id,  # type: ignore[arg-type]
        lib_2023.id,  # type: ignore[arg-type]
        lib_2024.id,  # type: ignore[arg-type]
        sh_saved.id,  # type: ignore[arg-type]
    )
