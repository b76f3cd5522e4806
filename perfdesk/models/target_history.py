"""Targets against last year (forms.md §7): what the same project set and reached before.

Pure functions over records, shared by the checks, 结转下一年, the editor's 上年 column and
the indicator library's picker:

* :func:`last_year_of` finds an indicator's target and actual value in last year's record;
* :func:`proposed_target` rewrites a target with an actual value that did better;
* :func:`history_findings` flags a higher-is-better target below last year's actual
  (目标偏低), a lower-is-better one above it (目标偏松), and an indicator the project had
  last year and dropped (a reminder).

Indicators are matched by name, ignoring width, spaces and punctuation; a renamed indicator
is a new one. Directions and numbers come from :mod:`perfdesk.models.targets`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from perfdesk.models.findings import WARNING, Finding
from perfdesk.models.records import Declaration
from perfdesk.models.targets import parse_target

__all__ = [
    "LastYear",
    "history_findings",
    "indicator_key",
    "last_year_of",
    "last_year_text",
    "proposed_target",
]

_NOT_WORD = re.compile(r"[\s\W_]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_POWERS_OF_TEN = frozenset(Decimal(10) ** k for k in range(-8, 9))


def indicator_key(name: str | None) -> str:
    """The name as compared across years: full-width folded, no spaces or punctuation."""
    if not name:
        return ""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", name)).casefold()


@dataclass(frozen=True)
class LastYear:
    """One indicator of last year's record of the project."""

    year: int
    name: str
    target: str | None
    actual: str | None
    direction: str | None = None


def last_year_of(previous: Declaration | None, name: str | None) -> LastYear | None:
    """The indicator ``name`` in last year's record: its declared target and, where the
    evaluation has it, the actual value. None when the project did not have it."""
    key = indicator_key(name)
    if previous is None or not key:
        return None
    declared = next((i for i in previous.indicators if indicator_key(i.name) == key), None)
    evaluated = None
    if previous.evaluation is not None:
        evaluated = next(
            (i for i in previous.evaluation.indicators if indicator_key(i.name) == key), None
        )
    if declared is None and evaluated is None:
        return None
    target = declared.target if declared is not None else None
    if target is None and evaluated is not None:
        target = evaluated.target
    return LastYear(
        year=previous.year,
        name=(declared or evaluated).name or "",  # type: ignore[union-attr]
        target=target,
        actual=evaluated.actual if evaluated is not None else None,
        direction=declared.direction if declared is not None else None,
    )


def last_year_text(last: LastYear | None) -> str:
    """What the editor shows beside the row: 2023年 目标 ≥90%，实际 96%."""
    if last is None:
        return ""
    text = f"{last.year}年 目标 {last.target or '（空）'}"
    if last.actual:
        text += f"，实际 {last.actual}"
    return text


def _plain(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(value.to_integral_value())
    return f"{value.normalize():f}"


def proposed_target(
    target: str | None, actual: str | None, name: str | None, direction: str | None = None
) -> str | None:
    """``target`` rewritten with ``actual``'s figure where the actual did better (higher for
    a higher-is-better target, lower for a lower-is-better one); None when it did not, or
    when the two cannot be compared (qualitative, compound, rank, ``=``, other units).

    The figure is written in the target's own words and scale: ``≥90%`` with 96% becomes
    ``≥96%``, ``接听电话379.8万个`` with 3,900,000个 becomes ``接听电话390万个``.
    """
    if not target or not actual:
        return None
    parsed = parse_target(target, name).with_direction(direction)
    if parsed.kind != "quantitative" or parsed.value is None or parsed.parts:
        return None
    better = parsed.better
    reached = parsed.compare_value(actual)
    if reached is None or better not in ("higher", "lower"):
        return None
    if (better == "higher" and reached <= parsed.value) or (
        better == "lower" and reached >= parsed.value
    ):
        return None
    # The number as written: the one figure whose scale to the parsed value is a power of
    # ten (379.8 in 379.8万个 is 3,798,000); where it is not alone, leave the target be.
    spots = []
    for m in _NUMBER.finditer(target):
        try:
            number = Decimal(m.group())
        except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
            continue
        if number and parsed.value and number / parsed.value in _POWERS_OF_TEN:
            spots.append((m, number / parsed.value))
        elif number == parsed.value:
            spots.append((m, Decimal(1)))
    if len(spots) != 1:
        return None
    m, scale = spots[0]
    figure = _plain(reached * scale)
    return target[: m.start()] + figure + target[m.end() :]


def history_findings(decl: Declaration, previous: Declaration | None) -> list[Finding]:
    """The forms.md §7 checks of ``decl`` against ``previous`` (last year's record of the
    same project): 目标偏低 / 目标偏松 warnings naming both figures, and a reminder for
    every indicator of last year that this year's list no longer has."""
    if previous is None:
        return []
    out: list[Finding] = []
    for n, ind in enumerate(decl.indicators):
        last = last_year_of(previous, ind.name)
        if last is None or not last.actual or not ind.target:
            continue
        parsed = parse_target(ind.target, ind.name).with_direction(ind.direction)
        if parsed.kind != "quantitative" or parsed.value is None:
            continue
        reached = parsed.compare_value(last.actual)
        if reached is None:
            continue
        where = f"第 {n + 1} 行指标“{ind.name}”的目标值“{ind.target}”"
        before = f"该项目 {last.year} 年的实际完成值“{last.actual}”"
        if parsed.better == "higher" and parsed.value < reached:
            out.append(
                Finding(
                    WARNING,
                    f"indicators[{n}].target",
                    f"{where}低于{before}（越高越好），目标偏低。",
                    "target_below_last_year",
                )
            )
        elif parsed.better == "lower" and parsed.value > reached:
            out.append(
                Finding(
                    WARNING,
                    f"indicators[{n}].target",
                    f"{where}高于{before}（越低越好），目标偏松。",
                    "target_above_last_year",
                )
            )
    if not decl.indicators:
        return out  # an empty list is its own error; no reminder per row of last year
    kept = {indicator_key(i.name) for i in decl.indicators}
    for old in previous.indicators:
        key = indicator_key(old.name)
        if key and key not in kept:
            kept.add(key)  # one reminder for a name listed twice last year
            out.append(
                Finding(
                    WARNING,
                    "indicators",
                    f"提醒：该项目 {previous.year} 年有指标“{old.name}”"
                    f"（目标值“{old.target or '空'}”），今年未列入；如确已不需要可忽略。",
                    "indicator_dropped",
                )
            )
    return out
