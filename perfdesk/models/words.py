"""How a value read from a file is quoted in a message a clerk reads.

Messages name fields by their form labels (:mod:`perfdesk.models.labels`); the value itself
is quoted the way the clerk wrote it — never as Python shows it (``None``, ``'abc'``,
``Decimal('1')``, ``{'a': 1}``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

_LONGEST = 40  # characters of a text quoted in a message; longer ones are cut


def number_text(value: Decimal | int | float) -> str:
    """A number as written on a form: no exponent, no trailing zeros (3, 2.5, 0.0001)."""
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    if not d.is_finite():
        return "无效的数"
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def value_text(value: object) -> str:
    """A value as the clerk would recognise it in a message: a text in quotes, a number as
    written, and what kind of thing anything else is (空, 是/否, 一组数据)."""
    if value is None:
        return "空"
    if isinstance(value, bool):
        return "“是”" if value else "“否”"
    if isinstance(value, (int, float, Decimal)):
        return f"数字 {number_text(value)}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, str):
        if not value.strip():
            return "空白"
        text = value if len(value) <= _LONGEST else value[:_LONGEST] + "…"
        return f"“{text}”"
    if isinstance(value, (list, tuple)):
        return f"一组数据（{len(value)} 项）"
    if isinstance(value, dict):
        return "一组字段"
    return "无法识别的内容"
