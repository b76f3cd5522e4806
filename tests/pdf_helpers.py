"""Reading printed PDFs back with poppler (pdftotext, pdffonts, pdfinfo, pdftoppm)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from perfdesk.models.monitoring import make_monitoring
from perfdesk.models.records import (
    EvalIndicator,
    Evaluation,
    FundRow,
    Funds,
    Indicator,
    MonitorFundRow,
    MonitorFunds,
    Monitoring,
)

needs_poppler = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdfinfo", "pdftoppm")),
    reason="poppler-utils not installed",
)


def write(tmp: Path, data: bytes, name: str = "form.pdf") -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


def text(pdf: Path, page: int | None = None) -> str:
    # -raw: content-stream order, i.e. the order the form draws its rows and cells.
    args = ["pdftotext", "-raw", "-enc", "UTF-8"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, check=True).stdout.decode()


def squash(s: str) -> str:
    """Text without any whitespace: line breaks and wrapping differ from the input's."""
    return re.sub(r"\s+", "", s)


@dataclass
class FontRow:
    name: str
    type: str
    emb: bool
    sub: bool


def fonts(pdf: Path) -> list[FontRow]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True).stdout.decode()
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name type [type…] encoding emb sub uni object ID
        rows.append(
            FontRow(parts[0], " ".join(parts[1:-6]), parts[-5] == "yes", parts[-4] == "yes")
        )
    return rows


def info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True).stdout.decode()
    result = {}
    for line in out.splitlines():
        key, _, value = line.partition(":")
        result[key.strip()] = value.strip()
    return result


def page_count(pdf: Path) -> int:
    return int(info(pdf)["Pages"])


def render_png(pdf: Path, out_prefix: Path, dpi: int, page: int = 1) -> Path:
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", "-singlefile",
         str(pdf), str(out_prefix)],
        check=True,
    )  # fmt: skip
    return out_prefix.with_suffix(".png")


def evaluation_for(decl, layout: str = "national") -> Evaluation:  # type: ignore[no-untyped-def]
    """A filled self-evaluation of the seed's indicators."""
    inds = [
        EvalIndicator(i.category, i.subcategory, i.name, i.target, actual="已完成", tier="达成")
        for i in decl.indicators
    ]
    return Evaluation(
        supervisor="上海市人民政府办公厅",
        budget_initial=Decimal(133340000),
        budget_adjusted=Decimal(133340000),
        spent=Decimal(131000000),
        goal_actual="全年受理来电380万个，回访满意度95.2%。",
        indicators=inds,
        layout=layout,
        funds=Funds(
            appropriation=FundRow(Decimal(133340000), Decimal(133340000), Decimal(131000000))
        ),
    )


NATIONAL_TREE = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}


def national_indicators(n: int) -> list[Indicator]:
    """n indicators of the national framework, categories in blocks, distinct names."""
    pairs = [(c, s) for c, subs in NATIONAL_TREE.items() for s in subs]
    per = max(1, n // len(pairs))
    out = []
    for k in range(n):
        cat, sub = pairs[min(k // per, len(pairs) - 1)]
        out.append(
            Indicator(cat, sub, f"第{k + 1:02d}项指标名称较长需要换行显示", f"≥{90 + k % 10}%")
        )
    return out


def word_boxes(pdf: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """(xMin, yMin, xMax, yMax, word) of each word on ``page``, y from the top in points."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True, check=True,
    ).stdout.decode()  # fmt: skip
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
    return [
        (float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(pattern, out)
    ]


def monitoring_for(decl, month: int = 6) -> Monitoring:  # type: ignore[no-untyped-def]
    """A filled mid-year monitoring form of the record's indicators (as of ``month``): every
    third indicator 有可能, every fifth 完全不可能, with cause, deviation and remedy."""
    budget = decl.year_budget or Decimal(1_000_000)
    m = make_monitoring(decl, dt.date(decl.year, month + 1, 10))
    m.supervisor = "上海市人民政府办公厅"
    m.spent_to_date = budget * Decimal("0.39")
    m.forecast_spent = budget * Decimal("0.98")
    m.funds = MonitorFunds(
        appropriation=MonitorFundRow(budget, budget, m.spent_to_date, m.forecast_spent)
    )
    m.goal_progress = "上半年受理来电182万个，回访满意度94.8%。"
    for n, ind in enumerate(m.indicators, 1):
        ind.progress = f"完成全年目标的{40 + n % 9}%"
        ind.forecast = "全年可达到目标值"
        ind.likelihood = "完全不可能" if n % 5 == 0 else "有可能" if n % 3 == 0 else "确定能"
        if ind.likelihood != "确定能":
            ind.cause = "人员保障"
            ind.deviation = f"第{n}项：话务员流失，新人培训周期长"
            ind.remedy = "增补话务员并加强岗前培训"
    m.deviation_analysis = "执行率低于序时进度，主要因合同款按季度结算。"
    m.measures = "加快合同结算和支付进度。"
    m.adjust_goals = False
    return m
