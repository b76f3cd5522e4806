"""How a value read from a file is quoted in a message a clerk reads.

Messages name fields by their form labels (:mod:`perfdesk.models.labels`); the value itself
is quoted the way the clerk wrote it — never as Python shows it (``None``, ``'abc'``,
``Decimal('1')``, ``{'a': 1}``).
"""

from __future__ import annotations

import datetime as dt
import errno
from decimal import Decimal

_LONGEST = 40  # characters of a text quoted in a message; longer ones are cut

# What an OSError means, for a clerk: the system's strerror is English.
OS_REASONS = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有读写权限",
    errno.EPERM: "没有读写权限",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "所在的磁盘只读",
    errno.EEXIST: "同名文件已存在",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EBUSY: "文件正被其他程序使用",
    errno.EIO: "读写磁盘时出错",
}


def os_reason(exc: OSError) -> str:
    """Why a file could not be read or written, in Chinese (the errno is kept for a
    maintainer when it is not one a clerk can act on)."""
    if exc.errno in OS_REASONS:
        return OS_REASONS[exc.errno]
    return f"系统错误，错误码 {exc.errno}" if exc.errno else "系统错误"


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
