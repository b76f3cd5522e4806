"""A finding of the checks (forms.md §3): its level, field and Chinese message, and the
tests the forms' checks share (text tests; the 资金 rows against their totals)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from perfdesk.models.money import format_money
from perfdesk.models.records import Evaluation, Monitoring

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    level: str  # "error" | "warning"
    field: str  # JSON key path: "year_budget", "indicators[3].target", …
    message: str  # one Chinese sentence naming the field by its form label
    code: str = ""  # stable short name of the check, for tests and filters


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that stop a record from being finalised."""
    return [f for f in findings if f.level == ERROR]


# Template text left in a field. 「XX」 stands alone (XX项目, 20XX年), not inside a word (XXL).
_PLACEHOLDERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<![A-Za-z])[XxＸｘ×]{2,}(?![A-Za-z])"), "XX"),
    (re.compile(r"[*＊]{2,}"), "**"),
    (re.compile(r"[（(]\s*(?:限|不超过)?\s*\d+\s*字(?:以内|以下|左右)?\s*[）)]"), "（…字以内）"),
    (re.compile(r"请(?:填写|输入|选择|在此|根据|按照|简要|简述|详细)"), "请填写…"),
    (re.compile(r"此处(?:填写|输入)|填写说明|示例[:：]"), "填写说明"),
)
VAGUE_WORDS: tuple[str, ...] = (
    "合理", "有效", "良好", "明显", "较好", "及时", "规范", "显著", "有所", "进一步", "逐步",
    "不断", "稳步", "基本", "较高", "提升", "提高", "改善", "加强", "完善", "高效", "满意",
    "积极", "大幅", "一定", "达标", "按时", "到位", "安全", "优质", "佳",
)  # fmt: skip


def placeholders_in(text: str | None) -> list[str]:
    """Which kinds of template placeholder a text still holds (XX, **, （100字以内）, 请填写…)."""
    if not text:
        return []
    return [name for pat, name in _PLACEHOLDERS if pat.search(text)]


def placeholder_findings(
    texts: Iterable[tuple[str, str | None]], label: Callable[[str], str], form: str = ""
) -> list[Finding]:
    """An error for each text (key, text) that still holds template words; ``label(key)``
    names it as the form prints it, ``form`` heads its key path (``monitoring.``…)."""
    out = []
    for key, text in texts:
        found = placeholders_in(text)
        if found:
            out.append(
                Finding(
                    ERROR,
                    f"{form}.{key}" if form else key,
                    f"{label(key)}仍留有模板占位文字（{'、'.join(found)}），请填写实际内容。",
                    "placeholder",
                )
            )
    return out


def vague_words_in(text: str | None) -> list[str]:
    if not text:
        return []
    return sorted((w for w in VAGUE_WORDS if w in text), key=text.index)


FUND_ROWS = ("appropriation", "carried_over", "other")


def funds_sum_findings(
    form: str,
    record: Evaluation | Monitoring,
    columns: Iterable[tuple[str, str]],
    label: Callable[[str], str],
) -> list[Finding]:
    """The 其中 rows of the 自评表's or the 运行监控表's 资金 (财政拨款, 上年结转, 其他资金) add up,
    column by column, to the total they split. ``columns``: (the rows' column, the record's
    total it adds up to); ``label(path)`` names a field of ``form`` as the form prints it."""
    if record.funds is None:
        return []
    rows = [getattr(record.funds, r) for r in FUND_ROWS]
    out = []
    for col, total_key in columns:
        values = [getattr(r, col) for r in rows if r is not None and getattr(r, col) is not None]
        if not values:
            continue
        total = getattr(record, total_key)
        parts = sum(values, Decimal(0))
        if total is None or parts != total:
            stated = "未填写" if total is None else f"为 {format_money(total)} 元"
            out.append(
                Finding(
                    ERROR,
                    f"{form}.funds",
                    f"{label('funds')}的{label(total_key)}{stated}，"
                    f"而其中各项资金合计 {format_money(parts)} 元，两者不符。",
                    "funds_sum",
                )
            )
    return out
