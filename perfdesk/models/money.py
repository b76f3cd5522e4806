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
