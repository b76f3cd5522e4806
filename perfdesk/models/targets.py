"""Reading 指标目标值 the way a careful reviewer does (forms.md §1 Targets, §2 Scoring).

``target`` stays exactly as written in the record; this module derives what it means:
direction, number, unit, or qualitative. Nothing here raises on odd input: a target that
cannot be read is qualitative.

Values and units follow :mod:`perfdesk.models.quantities` (88% is ``value=88, unit="%"``;
379.8万个 is ``value=3798000, unit="个"``); its public names are re-exported here.

* ``direction`` is the sign written or worded (≥ ≤ =), or ``≤`` inferred from a
  lower-is-better name (source ``"name"``), or None (source ``"default"``: higher is better).
  :attr:`ParsedTarget.better` gives the effective sense in every case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from perfdesk.models.quantities import (
    CN_NUMERAL,
    UNIT_RE,
    Hit,
    Quantity,
    cn_to_int,
    find_rank,
    format_quantity,
    normalize_text,
    parse_quantities,
    parse_quantity,
    to_common_unit,
    value_hits,
)

__all__ = [
    "KINDS",
    "LOWER_IS_BETTER_WORDS",
    "ParsedTarget",
    "Quantity",
    "cn_to_int",
    "extract_goal_targets",
    "format_quantity",
    "join_split_target",
    "lower_is_better",
    "normalize_text",
    "parse_quantities",
    "parse_quantity",
    "parse_target",
    "split_target",
    "to_common_unit",
]

# ---------------------------------------------------------------------------- direction
_DIRECTION_WORDS: dict[str, str] = {
    "不低于": "≥", "不少于": "≥", "不小于": "≥", "不下于": "≥", "不得低于": "≥",
    "不得少于": "≥", "以上": "≥", "至少": "≥", "最少": "≥", "最低": "≥", "高于": "≥",
    "大于": "≥", "多于": "≥", "超过": "≥", "达到": "≥", "提高到": "≥", "提高至": "≥",
    "提升到": "≥", "提升至": "≥", "增加到": "≥", "增加至": "≥", "增长到": "≥", "增长至": "≥",
    "突破": "≥", "确保": "≥", "大于等于": "≥", "大于或等于": "≥",
    "不高于": "≤", "不超过": "≤", "不大于": "≤", "不多于": "≤", "不得超过": "≤",
    "不得高于": "≤", "以内": "≤", "以下": "≤", "之内": "≤", "控制在": "≤", "低于": "≤",
    "少于": "≤", "小于": "≤", "最多": "≤", "至多": "≤", "最高": "≤", "降至": "≤",
    "降低到": "≤", "降低至": "≤", "下降到": "≤", "下降至": "≤", "减少到": "≤",
    "减少至": "≤", "压缩到": "≤", "压缩至": "≤", "小于等于": "≤", "小于或等于": "≤",
    "等于": "=", "保持": "=",
}  # fmt: skip
_WORD_RE = re.compile("|".join(sorted(map(re.escape, _DIRECTION_WORDS), key=len, reverse=True)))
# "30天内": 内 right after a value's unit means within.
_WITHIN = re.compile(r"^内")

# Indicator names that are plainly lower-is-better (forms.md §2), and names that contain
# one of those words yet are higher-is-better (成本节约率, 投诉处理率).
LOWER_IS_BETTER_WORDS: tuple[str, ...] = (
    "成本", "费用", "时长", "耗时", "用时", "投诉率", "投诉量", "差错率", "错误率", "出错率",
    "退单率", "事故", "发生率", "故障率", "失误率", "返工率", "返修率", "不合格率", "不良率",
    "误差", "损失", "损耗", "能耗", "排放", "逾期", "超期", "延误", "违规", "违纪", "空置率",
    "流失率", "失败率", "漏报率", "误报率", "重复率", "等待时间", "响应时间", "办结时间",
    "处理时间", "时限", "死亡", "伤亡", "发病率", "感染率", "案发率", "辍学率", "超标",
    "单价", "欠费", "拖欠", "丢失", "漏损率", "占用率",
)  # fmt: skip
HIGHER_DESPITE: tuple[str, ...] = (
    "节约", "节省", "节能", "降低率", "下降率", "减少率", "压减率", "控制率", "处理率",
    "办结率", "解决率", "整改率", "查处率", "结案率", "化解率", "修复率", "处置率", "达标率",
    "按时", "及时率", "合格率", "覆盖率",
)  # fmt: skip


def lower_is_better(name: str | None) -> bool:
    """Does this indicator name plainly measure something to keep low (成本, 时长, 投诉率 …)?"""
    if not name:
        return False
    n = normalize_text(name)
    if not any(w in n for w in LOWER_IS_BETTER_WORDS):
        return False
    if "不合格率" in n or "不良率" in n:
        return True
    return not any(w in n for w in HIGHER_DESPITE)


# ---------------------------------------------------------------------------- ParsedTarget
KINDS = ("quantitative", "qualitative", "compound", "rank")
_SOURCE_TEXT = {"sign": "按所写符号", "word": "按所写文字", "user": "按用户指定"}
_DIRECTION_TEXT = {"≥": "不低于", "≤": "不高于", "=": "等于"}


@dataclass(frozen=True)
class ParsedTarget:
    """What a 指标目标值 means. ``text`` is the target as written (or the clause of a part)."""

    text: str | None
    kind: str
    direction: str | None = None
    direction_source: str = "default"  # sign | word | name | default | user
    value: Decimal | None = None
    unit: str | None = None
    parts: tuple[ParsedTarget, ...] = ()
    # The words before the number in its clause (平均接通时长), used to name the measure.
    label: str | None = None
    # The direction word or name fragment the direction was read from, for explain().
    direction_basis: str | None = None

    # ------------------------------------------------------------ meaning
    @property
    def better(self) -> str | None:
        """Effective sense: "higher", "lower", "equal"; None for qualitative/compound."""
        if self.kind not in ("quantitative", "rank"):
            return None
        if self.direction == "≤":
            return "lower"
        if self.direction == "=":
            return "equal"
        return "higher"

    @property
    def quantity(self) -> Quantity | None:
        return Quantity(self.value, self.unit) if self.value is not None else None

    @property
    def is_percentage(self) -> bool:
        return self.unit == "%"

    def with_direction(self, direction: str | None) -> ParsedTarget:
        """The user's correction of the direction (Indicator.direction); None keeps ours."""
        if direction is None or self.kind != "quantitative" or direction == self.direction:
            return self
        if direction not in ("≥", "≤", "="):
            return self
        return replace(self, direction=direction, direction_source="user", direction_basis=None)

    # ------------------------------------------------------------ comparisons
    def compare_value(self, actual: Quantity | str | None) -> Decimal | None:
        """The actual value expressed in this target's unit, or None when not comparable.

        ``actual`` may be a Quantity or the actual's text. Compound and qualitative targets
        give None (score them per part or by hand).
        """
        q = parse_quantity(actual) if isinstance(actual, str) else actual
        if q is None or self.value is None or self.kind not in ("quantitative", "rank"):
            return None
        if self.kind == "rank" and q.unit in (None, "名", "位"):
            return q.value
        common = to_common_unit(Quantity(self.value, self.unit), q)
        if common is None:
            return None
        tv, av, _ = common
        if tv == self.value:
            return av
        # Bring the actual back to the target's own unit (the common unit was smaller).
        return av * self.value / tv if tv else None

    def reached(self, actual: Quantity | str | None) -> bool | None:
        """Did the actual meet the target? None when it cannot be compared."""
        a = self.compare_value(actual)
        if a is None or self.value is None:
            return None
        if self.better == "lower":
            return a <= self.value
        if self.better == "equal":
            return a == self.value
        return a >= self.value

    def ratio(self, actual: Quantity | str | None) -> Decimal | None:
        """The scoring ratio of forms.md §2, uncapped: actual/target when higher is better or
        for ``=``, target/actual when lower is better. A zero denominator gives 1 when the
        target is reached and 0 when it is not. None when not comparable."""
        a = self.compare_value(actual)
        t = self.value
        if a is None or t is None:
            return None
        num, den = (t, a) if self.better == "lower" else (a, t)
        if den == 0:
            return Decimal(1) if self.reached(Quantity(a, self.unit)) else Decimal(0)
        return num / den

    def beyond(self, actual: Quantity | str | None) -> Decimal | None:
        """How far past the target the actual went, as a fraction of the target (0.25 = 25%
        better than asked); 0 when not past it. forms.md flags more than 0.2."""
        a = self.compare_value(actual)
        t = self.value
        if a is None or t is None or self.better == "equal":
            return None if a is None or t is None else Decimal(0)
        gain = (t - a) if self.better == "lower" else (a - t)
        if gain <= 0:
            return Decimal(0)
        if t == 0:
            return None  # no scale to measure by; a rate of 0 cannot be beaten by a share
        return gain / abs(t)

    # ------------------------------------------------------------ words
    def explain(self) -> str:
        """One Chinese sentence saying how the target was read."""
        if self.kind == "qualitative":
            return f"定性指标（未读到数值）：{self.text or '（空）'}"
        if self.kind == "compound":
            inner = "；".join(p._explain_part() for p in self.parts)
            return f"复合目标，含 {len(self.parts)} 个数值，需逐项评分：{inner}"
        if self.kind == "rank":
            return f"排名目标（名次越靠前越好）：不低于第 {self.value} 名"
        return self._explain_part()

    def _explain_part(self) -> str:
        shown = format_quantity(self.value, self.unit) if self.value is not None else ""
        if self.label and self.kind == "quantitative" and self.parts == ():
            shown_full = f"{self.label} {shown}" if self.direction_source != "name" else shown
        else:
            shown_full = shown
        if self.kind == "rank":
            return f"{self.label or '排名'}不低于第 {self.value} 名"
        if self.direction_source == "name":
            return f"越低越好（按指标名称“{self.direction_basis}”推定）：{shown_full}"
        if self.direction_source == "default" or self.direction is None:
            return f"未写方向，按越高越好理解：{shown_full}"
        how = _SOURCE_TEXT.get(self.direction_source, "")
        basis = f"“{self.direction_basis}”" if self.direction_basis else ""
        return f"{_DIRECTION_TEXT[self.direction]}（{how}{basis}）：{shown_full}"


def _clause_bounds(t: str, start: int, end: int) -> tuple[int, int]:
    """The clause around t[start:end]: between Chinese/ASCII separators."""
    seps = "，,；;。\n"
    lo = start
    while lo > 0 and t[lo - 1] not in seps:
        lo -= 1
    hi = end
    while hi < len(t) and t[hi] not in seps:
        hi += 1
    return lo, hi


def _strip_label(text: str) -> str | None:
    label = _WORD_RE.sub("", text)
    label = re.sub(r"[≥≤=\s]+", "", label)
    label = label.strip("~:()-至到/、")
    label = re.sub(r"(为|是|达|约|共|共计|总计|累计|合计|需|要|应|在)+$", "", label)
    return label or None


def _direction_in(before: str, after: str) -> tuple[str | None, str, str | None]:
    """Direction, its source and basis from the clause text around one value."""
    for ch in reversed(before):
        if ch in "≥≤=":
            return ch, "sign", ch
    found: list[tuple[int, str, str]] = []  # (distance, direction, word)
    for m in _WORD_RE.finditer(before):
        found.append((len(before) - m.end(), _DIRECTION_WORDS[m.group(0)], m.group(0)))
    for m in _WORD_RE.finditer(after):
        found.append((m.start(), _DIRECTION_WORDS[m.group(0)], m.group(0)))
    if not found and _WITHIN.match(after):
        return "≤", "word", "内"
    if not found:
        return None, "default", None
    dirs = {d for _, d, _ in found}
    if len(dirs) == 1:
        words = [w for _, _, w in sorted(found)]
        basis = "…".join(dict.fromkeys(sorted(words, key=lambda w: (w not in before, w))))
        return dirs.pop(), "word", basis
    _, d, w = min(found)
    return d, "word", w


def _single(
    t: str, hit: Hit, indicator_name: str | None, whole: str | None, lo: int, hi: int
) -> ParsedTarget:
    before, after = t[lo : hit.start], t[hit.end : hi]
    direction, source, basis = _direction_in(before, after)
    label = _strip_label(before)
    if direction is None:
        for name in (label, indicator_name):
            if name and lower_is_better(name):
                direction, source, basis = "≤", "name", name
                break
    return ParsedTarget(
        text=whole if whole is not None else t[lo:hi].strip() or None,
        kind="quantitative",
        direction=direction,
        direction_source=source,
        value=hit.qty.value,
        unit=hit.qty.unit,
        label=label,
        direction_basis=basis,
    )


def _without_brackets(t: str) -> str:
    """Drop bracketed remarks ((年), (含), (2018年为93%)) when a value stands outside them."""
    stripped = re.sub(r"\([^()]*\)|【[^【】]*】|\[[^\[\]]*\]", " ", t)
    return stripped if value_hits(stripped) else t


def parse_target(text: str | None, indicator_name: str | None = None) -> ParsedTarget:
    """Read a 指标目标值; never raises (an unreadable target is qualitative)."""
    if text is None or not str(text).strip():
        return ParsedTarget(text=None, kind="qualitative")
    return _parse_cached(str(text).strip(), indicator_name)


@lru_cache(maxsize=4096)
def _parse_cached(original: str, indicator_name: str | None) -> ParsedTarget:
    # Cached because editors and checks re-read the same targets on every keystroke;
    # ParsedTarget is immutable, so sharing results is safe.
    try:
        return _parse(original, indicator_name)
    except (InvalidOperation, ValueError, ArithmeticError):
        return ParsedTarget(text=original, kind="qualitative")


# 零投诉 / 零事故: zero of something to avoid, i.e. ≤ 0.
_ZERO = re.compile(
    r"零(?P<what>有责投诉|投诉|安全事故|重大事故|事故|差错|失误|伤亡|死亡|违规|违纪|延误|逾期"
    r"|退单|缺陷|故障|泄密|遗漏|积压|发生)"
)


def _parse(original: str, indicator_name: str | None) -> ParsedTarget:
    t = _without_brackets(normalize_text(original))
    found = find_rank(t)
    if found is not None:
        rank, n = found
        lo, _ = _clause_bounds(t, rank.start(), rank.end())
        label = _strip_label(t[lo : rank.start()])
        return ParsedTarget(
            text=original,
            kind="rank",
            direction="≤",
            direction_source="word",
            value=Decimal(n),
            unit="名",
            label=label,
            direction_basis="排名",
        )
    t = _cn_counts(t)
    hits = value_hits(t)
    if not hits:
        zero = _ZERO.search(t)
        if zero is not None:
            return ParsedTarget(
                text=original,
                kind="quantitative",
                direction="≤",
                direction_source="word",
                value=Decimal(0),
                label=zero.group("what"),
                direction_basis=zero.group(0),
            )
        return ParsedTarget(text=original, kind="qualitative")
    if len(hits) == 1:
        lo, hi = _clause_bounds(t, hits[0].start, hits[0].end)
        return _single(t, hits[0], indicator_name, original, lo, hi)
    parts = []
    for i, h in enumerate(hits):
        lo, hi = _clause_bounds(t, h.start, h.end)
        # Two values in one clause (90%-95%): each part sees only its own side.
        if i and hits[i - 1].end > lo:
            lo = hits[i - 1].end
        if i + 1 < len(hits) and hits[i + 1].start < hi:
            hi = hits[i + 1].start
        parts.append(_single(t, h, indicator_name, None, lo, hi))
    return ParsedTarget(text=original, kind="compound", parts=tuple(parts))


# 不少于三个 / 完成五项: a Chinese numeral (and its unit) ending a clause, after a direction
# word or at the start, is read as a number; elsewhere 一 is too often a word (一次性解答率).
_CN_COUNT_PREFIX = sorted(
    (w for w in _DIRECTION_WORDS if w not in ("以上", "以下", "以内", "之内")),
    key=len,
    reverse=True,
)
_CN_COUNT = re.compile(
    r"(?P<pre>^|"
    + "|".join(_CN_COUNT_PREFIX)
    + r"|完成)(?P<n>"
    + CN_NUMERAL
    + r")(?=(?:"
    + UNIT_RE
    + r")?(?:$|以上|以下|以内|[，,;；。(]))"
)


def _cn_counts(t: str) -> str:
    def sub(m: re.Match[str]) -> str:
        n = cn_to_int(m.group("n"))
        return m.group("pre") + str(n) if n is not None else m.group(0)

    return _CN_COUNT.sub(sub, t)


# ---------------------------------------------------------------------------- 年度绩效目标
_GOAL_SIGNS = "[≥≤=]|不低于|不少于|不高于|不超过|不大于|不小于|达到|控制在|低于|高于"
_GOAL_ITEM = re.compile(
    r"(?P<name>[\u4e00-\u9fffA-Za-z0-9]{2,30}?)\s*(?P<target>(?:" + _GOAL_SIGNS + r")\s*"
    r"\d[\d,.]*\s*(?:" + UNIT_RE + r")?(?:以内|以上|以下)?(?:\s*\([^()]{1,6}\))?)"
)


def extract_goal_targets(annual_goal_text: str | None) -> list[tuple[str, ParsedTarget]]:
    """Name/target pairs written with a sign inside free text (年度绩效目标):
    “热线接能率 ≥88%（年） 话务员一次性解答率≥45% …” → [("热线接能率", ≥88%), …]."""
    if not annual_goal_text:
        return []
    t = normalize_text(annual_goal_text)
    out: list[tuple[str, ParsedTarget]] = []
    for m in _GOAL_ITEM.finditer(t):
        name = re.sub(r"^\d+[、.)]", "", m.group("name")).strip()
        target_text = re.sub(r"\s+", "", m.group("target")).replace("(", "（").replace(")", "）")
        out.append((name, parse_target(target_text, name)))
    return out


# ---------------------------------------------------------------------------- 3 columns
_NATURES = {
    "≥": "≥", "≤": "≤", "=": "=", "大于等于": "≥", "小于等于": "≤", "等于": "=",
    "不低于": "≥", "不高于": "≤", "不少于": "≥", "不超过": "≤", "定性": "定性",
    "大于或等于": "≥", "小于或等于": "≤", "正向": "≥", "反向": "≤",
}  # fmt: skip


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        d = Decimal(repr(value))
        return _fmt_plain(d)
    if isinstance(value, (int, Decimal)):
        return _fmt_plain(Decimal(value))
    return str(value).strip()


def _fmt_plain(d: Decimal) -> str:
    if d == d.to_integral_value():
        return str(d.to_integral_value())
    return f"{d.normalize():f}"


def join_split_target(nature: object, value: object, unit: object) -> str | None:
    """指标性质 / 指标值 / 度量单位 → one target: ``≥ | 90 | %`` → ``≥90%``,
    ``定性 | 好 | `` → ``好``. None when all three are blank."""
    n = normalize_text(_cell_text(nature))
    v = _cell_text(value)
    u = _cell_text(unit)
    if not (n or v or u):
        return None
    sign = _NATURES.get(n.replace(" ", ""), n)
    if sign == "定性":
        return (v + u) or None
    if not v:
        return (sign + u) or None
    return f"{sign}{v}{u}"


_CANONICAL = re.compile(r"^(?P<sign>[≥≤=]?)(?P<num>\d+(?:\.\d+)?)(?P<unit>[^\s\d.]{0,6})$")


def split_target(target: str | None) -> tuple[str, str, str]:
    """The inverse of :func:`join_split_target`, lossless: ``≥90%`` → ("≥", "90", "%").

    A target that is not sign+number+unit keeps its whole text in 指标值, with 指标性质
    "定性" when it is qualitative and blank otherwise, so joining gives it back exactly.
    """
    if target is None or not target.strip():
        return "", "", ""
    parsed = parse_target(target)
    m = _CANONICAL.match(target.strip())
    if m and parsed.kind == "quantitative" and not re.search(r"\d", m.group("unit")):
        sign, num, unit = m.group("sign"), m.group("num"), m.group("unit")
        if f"{sign}{num}{unit}" == target:
            return sign, num, unit
    if parsed.kind == "qualitative":
        return "定性", target, ""
    return "", target, ""
