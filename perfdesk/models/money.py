"""Exact money: Decimal 元 quantized to the 分, never float.

JSON carries money as a number in 元 with at most two decimals; reading JSON with
``parse_float=Decimal`` keeps it exact, and :func:`money_to_json` writes an int when the
amount is whole so that ``133340000`` stays ``133340000``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
WAN = Decimal(10000)
YI = Decimal(100000000)


class MoneyError(ValueError):
    """A value that is not an amount of money."""


def to_money(value: object) -> Decimal:
    """Turn an int, Decimal, float from JSON/Excel or numeric string into exact 元.

    Floats are read through ``repr`` (shortest round-tripping text) so that an Excel
    cell holding 1234.56 becomes exactly 1234.56, not 1234.559999….
    """
    if isinstance(value, bool):
        raise MoneyError(f"not an amount: {value!r}")
    try:
        if isinstance(value, Decimal):
            d = value
        elif isinstance(value, int):
            d = Decimal(value)
        elif isinstance(value, float):
            d = Decimal(repr(value))
        elif isinstance(value, str):
            d = Decimal(value.strip())
        else:
            raise MoneyError(f"not an amount: {value!r}")
    except InvalidOperation as exc:
        raise MoneyError(f"not an amount: {value!r}") from exc
    if not d.is_finite():
        raise MoneyError(f"not an amount: {value!r}")
    return d.quantize(FEN, rounding=ROUND_HALF_UP)


def money_to_json(value: Decimal | None) -> int | float | None:
    """Money as a JSON number: int when whole, else a float whose repr has ≤2 decimals."""
    if value is None:
        return None
    q = value.quantize(FEN, rounding=ROUND_HALF_UP)
    if q == q.to_integral_value():
        return int(q)
    # repr of float(Decimal('x.yz')) is the shortest text that round-trips, i.e. 'x.yz'
    # for every amount below 2**53 分.
    return float(q)


def to_fen(value: Decimal) -> int:
    return int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)


def format_money(value: Decimal | None, unit: str = "元") -> str:
    """千分位 text: 133,340,000.00 (元) or 13,334.00 (万元)."""
    if value is None:
        return ""
    if unit == "万元":
        v = (value / WAN).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        text = f"{v:,.4f}".rstrip("0").rstrip(".")
        return text if "." in text else f"{v:,.2f}"
    return f"{value.quantize(FEN, rounding=ROUND_HALF_UP):,.2f}"


# ---------------------------------------------------------------- 大写 (人民币大写金额)

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("", "拾", "佰", "仟")  # inside a group of four digits
# Groups of four digits from the right: 元, 万, 亿, 万亿 (the bound on amounts is 10^15 元).
_GROUPS = ("", "万", "亿", "万亿")


def _group_words(group: int) -> str:
    """0 < group < 10000 in words, inner zeros as one 零, trailing zeros silent."""
    out = ""
    zero = False
    for place in range(3, -1, -1):
        digit = group // 10**place % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[digit] + _PLACES[place]
    return out


def amount_in_words(value: Decimal) -> str:
    """人民币大写 of an amount in 元: 壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分, 壹拾万零柒仟元整.

    The rules of the 支付结算办法 (附件一, with its examples): 拾 is always written (壹拾元,
    not 拾元); zeros between digits are one 零 (陆仟零柒元); a zero standing only on the 万
    place is silent (壹拾万柒仟元); a whole group of four zeros is one 零 (贰亿零叁仟元整: the
    rules allow leaving it out, but 贰亿叁仟 reads as 2.3亿); 整 after 元, nothing after 角
    or 分; 零 between 元 and 分 when 角 is zero (壹拾元零伍分). cn2an's rmb mode was tried and
    drops that 零 after 亿 (贰亿叁仟元整 for 200,003,000), hence this function.
    """
    fen = to_fen(value)
    if fen < 0:
        return "负" + amount_in_words(from_fen(-fen))
    yuan, jiao, cents = fen // 100, fen // 10 % 10, fen % 10
    if yuan >= 10 ** (4 * len(_GROUPS)):
        raise MoneyError(f"amount too large for 大写: {value}")
    words = ""
    gap = False  # zeros seen since the last digit written
    for n in range(len(_GROUPS) - 1, -1, -1):
        group = yuan // 10 ** (4 * n) % 10000
        if group == 0:
            gap = gap or bool(words)
            continue
        if words and (gap or group < 1000):
            words += "零"
        words += _group_words(group) + _GROUPS[n]
        gap = False
    if yuan:
        words += "元"
    if not jiao and not cents:
        return (words or "零元") + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif yuan:
        words += "零"
    if cents:
        words += _DIGITS[cents] + "分"
    return words
