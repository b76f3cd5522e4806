"""人民币大写 (perfdesk.models.money.amount_in_words): the bank rules' examples, and every
amount read back by an independent reader of the words."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfdesk.models.money import MoneyError, amount_in_words, from_fen

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = {"拾": 10, "佰": 100, "仟": 1000}


def read_words(words: str) -> int:
    """The amount in 分 that ``words`` says (the inverse, written separately)."""
    sign = -1 if words.startswith("负") else 1
    words = words.removeprefix("负").removesuffix("整")
    big = mid = sec = num = 0
    yuan = fen = 0
    prev = ""
    for ch in words:
        if ch in DIGITS:
            num = DIGITS.index(ch)
        elif ch in PLACES:
            sec += num * PLACES[ch]
            num = 0
        elif ch == "万":
            mid = (sec + num) * 10**4
            sec = num = 0
        elif ch == "亿" and prev == "万":  # 万亿: the group of 10^12
            big += mid * 10**8
            mid = 0
        elif ch == "亿":
            big += (sec + num) * 10**8
            sec = num = 0
        elif ch == "元":
            yuan = big + mid + sec + num
            big = mid = sec = num = 0
        elif ch == "角":
            fen += num * 10
            num = 0
        elif ch == "分":
            fen += num
            num = 0
        else:
            raise AssertionError(f"unexpected {ch!r} in {words}")
        prev = ch
    return sign * (yuan * 100 + fen)


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        # The examples of the 支付结算办法 附件一 (正确填写票据和结算凭证的基本规定).
        ("1409.50", "壹仟肆佰零玖元伍角"),
        ("6007.14", "陆仟零柒元壹角肆分"),
        ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
        ("107000.53", "壹拾万柒仟元伍角叁分"),
        ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
        ("325.04", "叁佰贰拾伍元零肆分"),
        # The brief's example, the seed's budget, and the 零 after an empty 万 group.
        ("1234567.89", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
        ("133340000", "壹亿叁仟叁佰叁拾肆万元整"),
        ("200003000", "贰亿零叁仟元整"),
        ("100000001", "壹亿零壹元整"),
        ("1000010", "壹佰万零壹拾元整"),
        ("10", "壹拾元整"),
        ("0", "零元整"),
        ("0.05", "伍分"),
        ("10.50", "壹拾元伍角"),
        ("1000000000000", "壹万亿元整"),
        ("9999999999999999.99", "玖仟玖佰玖拾玖万亿玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_examples(amount: str, words: str) -> None:
    assert amount_in_words(Decimal(amount)) == words


@given(st.integers(min_value=0, max_value=10**18 - 1))
def test_every_amount_reads_back(fen: int) -> None:
    words = amount_in_words(from_fen(fen))
    assert read_words(words) == fen
    assert "零零" not in words
    assert fen == 0 or not any(f"零{u}" in words for u in "万亿元角分整")
    assert words.endswith("整") == (fen % 100 == 0)
    assert ("分" in words) == (fen % 10 != 0)
    assert words[0] in DIGITS[1:] or fen == 0
    # A digit is never followed by another digit except after 零 (no 壹贰: units are said).
    assert re.search(f"[{DIGITS[1:]}][{DIGITS}]", words) is None


def test_a_negative_amount_says_so() -> None:
    assert amount_in_words(Decimal("-3.5")) == "负叁元伍角"


def test_beyond_the_largest_group_is_refused() -> None:
    with pytest.raises(MoneyError):
        amount_in_words(Decimal(10) ** 16)
