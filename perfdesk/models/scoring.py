"""The scoring rules of the self-evaluation (forms.md §2 "Scoring", 财预〔2020〕10号).

Everything is exact Decimal; a value is rounded half-up only where it is shown (scores and
weights to 0.01, the execution rate to 0.0001 = 0.01%). The total is the sum of the
*shown* scores so that the printed 得分 column adds up. Targets are read by
:mod:`perfdesk.models.targets`; this module only applies the rules.

Decisions the spec leaves open (the README "Scoring rules" says the same):

* Default weights. ``national``: 产出指标 50, 效益指标 30, 满意度指标 10; a form without one of
  these categories shares the indicator points (90) among those it has, in proportion to
  their defaults (no 效益指标: 产出 75, 满意度 15); inside a category the points the user did
  not give out are split equally over the rows without a weight.
  ``sh2019``: the indicator points (100 − 预算执行率分值, i.e. 90) are split equally over the
  categories *present*, then equally inside each; this is a proposal — finalising asks the
  user to set (confirm) the weights. Splits are made in whole 0.01, the left-over
  hundredths going to the first rows, so weights add up exactly.
* 不适用 rows are left out and their weight is shared among the remaining indicator rows in
  proportion to their weights (in whole 0.01, largest remainder), so the indicator weights
  keep their total and every score stays ≤ its shown weight; the budget row keeps its
  weight. The scores are then computed against the shared-out weights.
* The budget score is computed from the exact execution rate, not the shown one.
* A target of 0: ``≥0`` is reached by any actual ≥ 0, ``≤0`` and ``=0`` only by 0; not
  reached gives 0 points (a ratio with 0 means nothing), and 0 has no 20% over-achievement.
* An ``=`` target overshot scores ``weight × actual / target`` capped at the weight, and is
  flagged as over-achieved when more than 20% beyond. A rank (第二名) is lower-is-better and
  never flagged as over-achieved.
* A compound target is scored per part only when the actual has exactly as many numbers,
  each with a unit matching its part: weight × the mean of the parts' capped shares.
* A qualitative tier without a picked score takes the top of its range; a pick outside the
  range is kept inside it and reported.
* A missing actual or tier, an actual without one clear number, incompatible units or an
  unmatched compound give no computed score (None) and say why; nothing is guessed.
  The total (and grade) is None until every applicable row has a score.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from perfdesk.models.frameworks import FRAMEWORKS, NATIONAL, SH2019, guess_framework
from perfdesk.models.money import format_money
from perfdesk.models.records import EvalIndicator, Evaluation
from perfdesk.models.targets import (
    ParsedTarget,
    Quantity,
    format_quantity,
    parse_quantities,
    parse_target,
)

CENT = Decimal("0.01")
RATE_STEP = Decimal("0.0001")
HUNDRED = Decimal(100)

NATIONAL_CATEGORY_WEIGHTS: dict[str, Decimal] = dict(
    FRAMEWORKS[NATIONAL].default_weights or {}
)  # 产出指标 50, 效益指标 30, 满意度指标 10
GRADES: tuple[tuple[Decimal, str], ...] = (
    (Decimal(90), "优"),
    (Decimal(80), "良"),
    (Decimal(60), "中"),
)
GRADE_LOW = "差"
# Share of the weight each tier may earn (low, high), both ends included.
TIER_RANGES: dict[str, tuple[Decimal, Decimal]] = {
    "达成": (Decimal("0.8"), Decimal(1)),
    "部分达成": (Decimal("0.6"), Decimal("0.8")),
    "未达成": (Decimal(0), Decimal("0.6")),
}
TIER_LABELS = {
    "达成": "达成年度指标",
    "部分达成": "部分达成并具有一定效果",
    "未达成": "未达成且效果较差",
}
# More than 20% beyond the target is flagged as over-achievement.
OVER_ACHIEVEMENT = Decimal("0.2")
# An execution rate below 90% needs a deviation text.
DEVIATION_RATE = Decimal("0.9")

KIND_QUANTITATIVE = "quantitative"
KIND_COMPOUND = "compound"
KIND_QUALITATIVE = "qualitative"
KIND_RANK = "rank"

COMPOUND_BY_HAND = "复合目标，请逐项或手工评分"


@dataclass(frozen=True)
class IndicatorScore:
    """One 绩效指标 row as scored."""

    weight: Decimal | None  # effective 分值 (default / equal split / NA rescaling applied)
    computed: Decimal | None  # the rules' score, rounded to 0.01; None = not computable
    score: Decimal | None  # shown 得分: the override when set, else ``computed``
    over_achieved: bool = False
    needs_deviation: bool = False
    direction: str | None = None  # ≥ ≤ = as used (user's correction wins)
    explanation: str = ""
    kind: str = KIND_QUALITATIVE
    not_applicable: bool = False
    overridden: bool = False
    base_weight: Decimal | None = None  # weight before the NA rescaling
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScoreSheet:
    """The derived cells of a 自评表 (what serialize, export and print show)."""

    execution_rate: Decimal | None  # fraction, rounded to 0.0001
    budget_weight: Decimal
    budget_score: Decimal | None
    budget_needs_deviation: bool
    indicators: tuple[IndicatorScore, ...]
    total: Decimal | None  # sum of shown scores; None while a score is missing
    subtotal: Decimal  # sum of the scores known so far (for a draft on screen)
    grade: str | None
    weights_total: Decimal  # indicator weights (before NA rescaling) + budget weight
    framework: str
    problems: tuple[str, ...] = ()
    budget_explanation: str = ""  # one Chinese sentence for the 预算执行率 row


# ---------------------------------------------------------------- small helpers


def round2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(value: Decimal) -> str:
    """A number as a clerk writes it: no exponent, no trailing zeros."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def fmt2(value: Decimal) -> str:
    return format(round2(value), "f")


def grade_of(total: Decimal | None) -> str | None:
    """优/良/中/差 of a total; none for a total above 100, which no form can reach (the
    evaluation's checks name it as an error)."""
    if total is None or total > HUNDRED:
        return None
    for floor, name in GRADES:
        if total >= floor:
            return name
    return GRADE_LOW


def split_evenly(total: Decimal, n: int) -> list[Decimal]:
    """``total`` in n parts of whole 0.01 that add up exactly (first rows get the rest)."""
    if n <= 0:
        return []
    cents = int((total * 100).to_integral_value(rounding=ROUND_HALF_UP))
    base, rest = divmod(cents, n)
    return [Decimal(base + (1 if i < rest else 0)) / 100 for i in range(n)]


def split_proportionally(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """``total`` shared in proportion to ``weights``, in whole 0.01, adding up exactly
    (largest remainder; ties go to the earlier row)."""
    base_sum = sum(weights, Decimal(0))
    if not weights or base_sum <= 0:
        return [Decimal(0) for _ in weights]
    cents = int((total * 100).to_integral_value(rounding=ROUND_HALF_UP))
    exact = [Decimal(cents) * w / base_sum for w in weights]
    floors = [int(e) for e in exact]
    rest = cents - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:rest]:
        floors[i] += 1
    return [Decimal(f) / 100 for f in floors]


def infer_framework(ev: Evaluation) -> str:
    """The framework an evaluation's categories follow (an Evaluation does not record it)."""
    return guess_framework(ev.indicators)


def _national_category(category: str | None) -> str | None:
    return FRAMEWORKS[NATIONAL].match_category(category)


# ---------------------------------------------------------------- weights


def propose_weights(ev: Evaluation, framework: str | None = None) -> list[Decimal | None]:
    """The program's weight for every indicator row, ignoring the weights set by the user.

    national: category default split equally; sh2019: (100 − budget weight) split equally
    over the categories present, then equally inside each. A national row whose category
    is not one of the three 一级指标 gets None (the user must set it).
    """
    blank = [EvalIndicator(i.category, i.subcategory, i.name, i.target) for i in ev.indicators]
    return _fill_weights(blank, framework or infer_framework(ev), ev.budget_weight)[0]


def effective_weights(
    ev: Evaluation, framework: str | None = None
) -> tuple[list[Decimal | None], list[str]]:
    """Every row's weight before NA rescaling: the user's where set, else the default
    share of what is left of its category's points. Returns (weights, problems)."""
    return _fill_weights(ev.indicators, framework or infer_framework(ev), ev.budget_weight)


def _fill_weights(
    indicators: list[EvalIndicator], framework: str, budget_weight: Decimal
) -> tuple[list[Decimal | None], list[str]]:
    weights: list[Decimal | None] = [i.weight for i in indicators]
    problems: list[str] = []
    groups: dict[str, list[int]] = {}
    pools: dict[str, Decimal] = {}
    if framework == NATIONAL:
        for n, ind in enumerate(indicators):
            cat = _national_category(ind.category)
            if cat is None:
                if ind.weight is None:
                    problems.append(
                        f"指标“{ind.name or ''}”的一级指标“{ind.category or ''}”"
                        "没有默认分值，请设定分值。"
                    )
                continue
            groups.setdefault(cat, []).append(n)
        pools = _national_pools(set(groups), HUNDRED - budget_weight)
    else:
        sh = FRAMEWORKS[SH2019]
        for n, ind in enumerate(indicators):
            # 投入与管理目标 and 投入和管理目标 are one category; an unknown one is its own.
            key = sh.match_category(ind.category) or (ind.category or "").strip()
            groups.setdefault(key, []).append(n)
        for cat, share in zip(
            groups, split_evenly(HUNDRED - budget_weight, len(groups)), strict=True
        ):
            pools[cat] = share
    for cat, rows in groups.items():
        missing = [n for n in rows if indicators[n].weight is None]
        if not missing:
            continue
        set_sum = sum((indicators[n].weight or Decimal(0) for n in rows), Decimal(0))
        left = pools[cat] - set_sum
        if left < 0:
            problems.append(
                f"“{cat}”已设定的分值合计 {fmt(set_sum)} 超过该类默认分值 {fmt(pools[cat])}，"
                "其余指标按 0 分值计，请设定分值。"
            )
            left = Decimal(0)
        for n, share in zip(missing, split_evenly(left, len(missing)), strict=True):
            weights[n] = share
    return weights, problems


def _national_pools(present: set[str], points: Decimal) -> dict[str, Decimal]:
    """The national categories' points. With all three present they are the defaults
    (产出 50, 效益 30, 满意度 10). A form without one of them (no 效益指标, say) would otherwise
    total 70 and fail its own 合计 100 check: the indicator points (100 − the budget's) are then
    shared among the categories present in proportion to their defaults."""
    defaults = dict(NATIONAL_CATEGORY_WEIGHTS)
    if not present or present >= set(defaults):
        return defaults
    cats = [c for c in defaults if c in present]
    shares = split_proportionally(points, [defaults[c] for c in cats])
    return dict(zip(cats, shares, strict=True))


# ---------------------------------------------------------------- one indicator

_Done = Callable[..., IndicatorScore]


@dataclass(frozen=True)
class Share:
    """What an actual earns against one number of a target."""

    share: Decimal  # earned share of the weight, 0..1
    reached: bool
    over: bool  # more than 20% beyond the target
    formula: str  # how the share was found, e.g. "93.2 ÷ 95"; "0" when it is nought


def quantity_share(
    direction: str, target: Decimal, actual: Decimal, *, rank: bool = False
) -> Share:
    """The share of the weight earned by ``actual`` against ``target`` (same unit).

    A target ≤ 0 cannot make a ratio: not reaching it earns 0. A rank (第二名) is never
    "over-achieved": places are not a quantity with a 20% scale.
    """
    if direction == "≤":
        reached = actual <= target
        over = reached and not rank and target > 0 and actual < target * (1 - OVER_ACHIEVEMENT)
        if reached:
            return Share(Decimal(1), True, over, "")
        if target <= 0:
            return Share(Decimal(0), False, False, "0")
        return Share(target / actual, False, False, f"{fmt(target)} ÷ {fmt(actual)}")
    if direction == "=":
        over = not rank and target > 0 and actual > target * (1 + OVER_ACHIEVEMENT)
        if actual == target:
            return Share(Decimal(1), True, False, "")
        if target <= 0 or actual <= 0:
            return Share(Decimal(0), False, False, "0")
        share = min(actual / target, Decimal(1))
        return Share(share, False, over, f"{fmt(actual)} ÷ {fmt(target)}")
    reached = actual >= target
    over = reached and not rank and target > 0 and actual > target * (1 + OVER_ACHIEVEMENT)
    if reached:
        return Share(Decimal(1), True, over, "")
    if target <= 0 or actual <= 0:
        return Share(Decimal(0), False, False, "0")
    return Share(actual / target, False, False, f"{fmt(actual)} ÷ {fmt(target)}")


def _show(value: Decimal, unit: str | None) -> str:
    """format_quantity without the trailing zeros a computation leaves (93.200 → 93.2)."""
    plain = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return format_quantity(plain, unit)


def _direction_note(parsed: ParsedTarget, user_direction: str | None) -> str:
    if user_direction:
        return ""
    if parsed.direction_source == "default":
        return "目标未写方向，按越高越好（≥）计；"
    if parsed.direction_source == "name":
        return f"按指标名称“{parsed.direction_basis or ''}”推定越低越好（≤）；"
    return ""


def _unit_note(raw: Quantity, value: Decimal, unit: str | None) -> str:
    if raw.unit == unit:
        return ""
    if raw.unit is None and value == raw.value:
        return f"实际值未写单位，按 {unit} 计；" if unit else ""
    if raw.unit is None:
        return f"实际值 {fmt(raw.value)} 按小数计为 {_show(value, unit)}；"
    return f"实际 {_show(raw.value, raw.unit)} 折合 {_show(value, unit)}；"


def _incompatible(parsed: ParsedTarget, raw: Quantity) -> str:
    return f"单位不一致：目标为 {parsed.unit or '无单位'}，实际为 {raw.unit or '无单位'}"


def score_indicator(
    ind: EvalIndicator, weight: Decimal | None, base_weight: Decimal | None = None
) -> IndicatorScore:
    """Score one applicable row against its effective weight (``base_weight``: the weight
    before 不适用 rows were shared out, for the explanation)."""
    parsed = parse_target(ind.target, ind.name)
    kind = parsed.kind
    if ind.direction and kind == KIND_QUANTITATIVE:
        parsed = parsed.with_direction(ind.direction)
    if ind.direction and kind == KIND_COMPOUND:
        parts = tuple(p.with_direction(ind.direction) for p in parsed.parts)
        parsed = replace(parsed, parts=parts)
    direction = None
    if kind in (KIND_QUANTITATIVE, KIND_RANK):
        direction = parsed.direction or "≥"
    elif kind == KIND_COMPOUND:
        direction = ind.direction
    problems: list[str] = []
    rescaled = ""
    if base_weight is not None and weight is not None and base_weight != weight:
        rescaled = f"（剔除不适用指标后分值由 {fmt(base_weight)} 调整为 {fmt(weight)}）"

    def done(exact: Decimal | None, text: str, *, over: bool = False) -> IndicatorScore:
        computed = None if exact is None else round2(exact)
        return _finish(
            ind, weight, base_weight, computed, text + rescaled, direction, kind, over, problems
        )

    if weight is None:
        return done(None, "未设定分值，无法计分")
    if kind == KIND_QUALITATIVE:
        return _score_qualitative(ind, weight, problems, done)
    if not ind.actual:
        return done(None, "未填写实际完成值，无法计分")
    found = parse_quantities(ind.actual)
    if kind == KIND_COMPOUND:
        return _score_compound(parsed, weight, found, done)
    assert parsed.value is not None and direction is not None
    if len(found) != 1:
        what = "没有数值" if not found else f"含 {len(found)} 个数值"
        return done(None, f"实际完成值“{ind.actual}”{what}，请改写为一个数值或手工评分")
    raw = found[0]
    value = parsed.compare_value(raw)
    if value is None:
        return done(None, f"{_incompatible(parsed, raw)}，无法比较，请手工评分")
    share = quantity_share(direction, parsed.value, value, rank=kind == KIND_RANK)
    prefix = _direction_note(parsed, ind.direction) + _unit_note(raw, value, parsed.unit)
    if kind == KIND_RANK:
        shown_target, shown_actual = f"第 {fmt(parsed.value)} 名", f"第 {fmt(value)} 名"
    else:
        shown_target = f"{direction}{_show(parsed.value, parsed.unit)}"
        shown_actual = _show(value, parsed.unit)
    if share.reached and share.over:
        text = (
            f"实际 {shown_actual} 超出目标 {shown_target} 逾 20%，保留满分 {fmt(weight)}，"
            "须说明偏差原因（目标是否偏低）"
        )
    elif share.reached:
        text = f"实际 {shown_actual} 达到目标 {shown_target}，得满分 {fmt(weight)}"
    elif share.formula == "0":
        text = f"实际 {shown_actual} 未达目标 {shown_target}，得 0 分"
    elif share.share == 1:  # an = target overshot: capped at the weight
        text = (
            f"实际 {shown_actual} 不等于目标 {shown_target}，得分 = {fmt(weight)} × "
            f"{share.formula}，以分值 {fmt(weight)} 为限"
        )
        if share.over:
            text += "；超出目标逾 20%，须说明偏差原因"
    else:
        text = (
            f"实际 {shown_actual} 未达目标 {shown_target}，得分 = {fmt(weight)} × "
            f"{share.formula} = {fmt2(weight * share.share)}"
        )
    return done(weight * share.share, prefix + text, over=share.over)


def _score_compound(
    parsed: ParsedTarget, weight: Decimal, found: list[Quantity], done: _Done
) -> IndicatorScore:
    """Per part, only when the actual has as many numbers, each with a matching unit;
    the score is the weight times the average of the parts' shares."""
    parts = parsed.parts
    if len(found) != len(parts) or not parts:
        return done(
            None,
            f"{COMPOUND_BY_HAND}（目标有 {len(parts)} 个数值，实际完成值有 {len(found)} 个）",
        )
    shares: list[Decimal] = []
    notes: list[str] = []
    over = False
    for part, raw in zip(parts, found, strict=True):
        value = part.compare_value(raw) if (raw.unit is None) == (part.unit is None) else None
        if value is None or part.value is None:
            return done(None, f"{COMPOUND_BY_HAND}（{_incompatible(part, raw)}）")
        direction = part.direction or "≥"
        share = quantity_share(direction, part.value, value)
        shares.append(share.share)
        over = over or share.over
        shown = f"{_show(value, part.unit)}/{direction}{_show(part.value, part.unit)}"
        notes.append(f"{shown} 达到" if share.reached else f"{shown} 得 {fmt2(share.share * 100)}%")
    exact = weight * sum(shares, Decimal(0)) / len(shares)
    text = f"复合目标逐项计分：{'；'.join(notes)}；"
    if all(s == 1 for s in shares):
        text += f"各项均达到目标，得满分 {fmt(weight)}"
    else:
        text += f"得分 = {fmt(weight)} × 各项比例的平均 = {fmt2(exact)}"
    if over:
        text += "；有一项超出目标逾 20%，须说明偏差原因"
    return done(exact, text, over=over)


def tier_range(tier: str, weight: Decimal) -> tuple[Decimal, Decimal]:
    """The scores a tier allows for this weight, rounded to 0.01."""
    low, high = TIER_RANGES[tier]
    return round2(weight * low), round2(weight * high)


def tier_for_score(score: Decimal, weight: Decimal) -> str | None:
    """The tier whose range holds ``score`` (for a sheet that states a qualitative score but
    no tier); a shared edge goes to the higher tier. None when outside 0..weight."""
    if weight <= 0 or score < 0 or score > weight:
        return None
    for tier in ("达成", "部分达成", "未达成"):
        lo, _ = tier_range(tier, weight)
        if score >= lo:
            return tier
    return None


def _score_qualitative(
    ind: EvalIndicator, weight: Decimal, problems: list[str], done: _Done
) -> IndicatorScore:
    if ind.tier is None:
        return done(None, "定性指标，请选择达成档次")
    lo, hi = tier_range(ind.tier, weight)
    head = f"定性指标，{TIER_LABELS[ind.tier]}（{fmt(lo)}–{fmt(hi)} 分）"
    if ind.tier_score is None:
        return done(hi, f"{head}，取上限 {fmt(hi)}")
    pick = ind.tier_score
    if lo <= pick <= hi:
        return done(pick, f"{head}，取 {fmt(pick)}")
    # Kept inside the tier so the score and the tier never contradict; flagged to the user.
    clamped = min(max(pick, lo), hi)
    problems.append(
        f"指标“{ind.name or ''}”所选 {fmt(pick)} 分不在“{TIER_LABELS[ind.tier]}”的 "
        f"{fmt(lo)}–{fmt(hi)} 分之间。"
    )
    return done(clamped, f"{head}，所选 {fmt(pick)} 分超出范围，按 {fmt(clamped)} 计")


def _finish(
    ind: EvalIndicator,
    weight: Decimal | None,
    base_weight: Decimal | None,
    computed: Decimal | None,
    explanation: str,
    direction: str | None,
    kind: str,
    over: bool,
    problems: list[str],
) -> IndicatorScore:
    overridden = ind.score_override is not None
    score = round2(ind.score_override) if ind.score_override is not None else computed
    if overridden:
        reason = f"，原因：{ind.override_reason}" if ind.override_reason else ""
        shown = "无" if computed is None else fmt2(computed)
        explanation += f"；已改为 {fmt2(score or Decimal(0))}（按规则 {shown}{reason}）"
        if weight is not None and score is not None and score > weight:
            problems.append(f"指标“{ind.name or ''}”得分 {fmt2(score)} 高于分值 {fmt(weight)}。")
    below = score is not None and weight is not None and score < weight
    return IndicatorScore(
        weight=weight,
        computed=computed,
        score=score,
        over_achieved=over,
        needs_deviation=below or over,
        direction=direction,
        explanation=explanation,
        kind=kind,
        not_applicable=False,
        overridden=overridden,
        base_weight=base_weight if base_weight is not None else weight,
        problems=tuple(problems),
    )


# ---------------------------------------------------------------- the whole form


def execution_rate(ev: Evaluation) -> Decimal | None:
    """spent / budget_adjusted, exact (None when either is missing or the budget is 0)."""
    if ev.spent is None or not ev.budget_adjusted:
        return None
    return ev.spent / ev.budget_adjusted


def budget_explanation(ev: Evaluation, rate: Decimal | None, budget_score: Decimal | None) -> str:
    """执行率 = 932,000.00 ÷ 1,000,000.00 = 93.20%，得分 = 10 × 93.20% = 9.32."""
    if rate is None or budget_score is None or ev.spent is None or ev.budget_adjusted is None:
        return "未填写全年预算数或全年执行数（或全年预算数为 0），无法计算执行率"
    head = (
        f"执行率 = {format_money(ev.spent)} ÷ {format_money(ev.budget_adjusted)} = "
        f"{fmt2(rate * 100)}%"
    )
    weight = fmt(ev.budget_weight)
    if rate >= 1:
        capped = "，超过 100% 按 100% 计" if rate > 1 else ""
        return f"{head}{capped}，得满分 {weight}"
    text = f"{head}，得分 = {weight} × {fmt2(rate * 100)}% = {fmt2(budget_score)}"
    if rate < DEVIATION_RATE:
        text += "；低于 90%，须说明偏差原因"
    return text


def score_evaluation(ev: Evaluation, framework: str | None = None) -> ScoreSheet:
    framework = framework or infer_framework(ev)
    base, problems = effective_weights(ev, framework)
    weights = _rescale_for_not_applicable(ev.indicators, base)

    rows: list[IndicatorScore] = []
    for ind, w, bw in zip(ev.indicators, weights, base, strict=True):
        if ind.not_applicable:
            rows.append(
                IndicatorScore(
                    weight=bw,
                    computed=None,
                    score=None,
                    direction=ind.direction,
                    explanation=(
                        f"不适用，已剔除，其分值 {fmt(bw)} 按比例分摊到其余指标"
                        if bw
                        else "不适用，已剔除"
                    ),
                    not_applicable=True,
                    base_weight=bw,
                )
            )
            continue
        rows.append(score_indicator(ind, w, bw))
        problems.extend(rows[-1].problems)

    rate = execution_rate(ev)
    budget_score = None
    if rate is not None:
        budget_score = round2(ev.budget_weight * min(rate, Decimal(1)))
        if rate > 1:
            problems.append(f"执行数大于全年预算数（执行率 {fmt2(rate * 100)}%）。")
    shown = [r.score for r in rows if not r.not_applicable]
    subtotal = sum((s for s in shown if s is not None), Decimal(0)) + (budget_score or 0)
    complete = budget_score is not None and all(s is not None for s in shown)
    total = subtotal if complete else None
    weights_total = sum((w for w in base if w is not None), Decimal(0)) + ev.budget_weight
    return ScoreSheet(
        execution_rate=None if rate is None else rate.quantize(RATE_STEP, rounding=ROUND_HALF_UP),
        budget_weight=ev.budget_weight,
        budget_score=budget_score,
        budget_needs_deviation=rate is not None and rate < DEVIATION_RATE,
        budget_explanation=budget_explanation(ev, rate, budget_score),
        indicators=tuple(rows),
        total=total,
        subtotal=subtotal,
        grade=grade_of(total),
        weights_total=weights_total,
        framework=framework,
        problems=tuple(problems),
    )


def _rescale_for_not_applicable(
    indicators: list[EvalIndicator], base: list[Decimal | None]
) -> list[Decimal | None]:
    """Share the weight of 不适用 rows among the others, in proportion to their weights."""
    if not any(i.not_applicable for i in indicators):
        return list(base)
    live = [n for n, i in enumerate(indicators) if not i.not_applicable and base[n] is not None]
    total = sum((w for w in base if w is not None), Decimal(0))
    live_weights = [base[n] or Decimal(0) for n in live]
    if not live or sum(live_weights, Decimal(0)) <= 0:
        return list(base)
    out = list(base)
    for n, w in zip(live, split_proportionally(total, live_weights), strict=True):
        out[n] = w
    return out


def finalise_problems(ev: Evaluation, framework: str | None = None) -> list[str]:
    """What stops the evaluation from being finalised, one Chinese sentence each."""
    framework = framework or infer_framework(ev)
    sheet = score_evaluation(ev, framework)
    out: list[str] = []
    if sheet.weights_total != HUNDRED:
        out.append(
            f"分值合计为 {fmt(sheet.weights_total)}，应为 100"
            f"（含预算执行率 {fmt(ev.budget_weight)}）。"
        )
    if framework == SH2019 and any(i.weight is None for i in ev.indicators if not i.not_applicable):
        out.append("上海 2019 版指标的分值须由填报人设定（可采用程序建议的平均分配）。")
    if sheet.execution_rate is None:
        out.append("未填写全年预算数或全年执行数，无法计算预算执行率。")
    elif sheet.budget_needs_deviation and not _budget_deviation(ev):
        out.append(
            f"预算执行率 {fmt2(sheet.execution_rate * 100)}% 低于 90%，"
            "须填写偏差原因分析及改进措施。"
        )
    for ind, sc in zip(ev.indicators, sheet.indicators, strict=True):
        if ind.not_applicable:
            continue
        label = f"指标“{ind.name or ''}”"
        if sc.kind == KIND_QUALITATIVE:
            if ind.tier is None and ind.score_override is None:
                out.append(f"{label}未选择达成档次。")
        elif not ind.actual:
            out.append(f"{label}未填写实际完成值。")
        elif sc.score is None:
            out.append(f"{label}无法按规则计分：{sc.explanation}。须手工评分并写明理由。")
        if sc.needs_deviation and not ind.deviation:
            why = "超额完成逾 20%" if sc.over_achieved else "得分低于分值"
            out.append(f"{label}{why}，须填写偏差原因分析及改进措施。")
        if ind.score_override is not None and not ind.override_reason:
            out.append(f"{label}的得分经人工调整，须写明理由。")
    out.extend(p for p in sheet.problems if p not in out)
    return out


def _budget_deviation(ev: Evaluation) -> str | None:
    # Evaluation has no field for the budget row's 偏差原因 yet; read one if the record has it.
    text = getattr(ev, "budget_deviation", None)
    return text or None
