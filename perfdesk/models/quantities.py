"""Numbers with units as forms write them: 88%, ８秒, 379.8万个, 1,234, 全国第二.

Conventions (other modules rely on them):

* Percentages keep the number of percent as written: ``88%`` → ``Quantity(88, "%")``.
  A plain fraction ``0.98`` compared with a percentage is read as 98% when that is the
  nearer reading (see :func:`to_common_unit`).
* Magnitude characters fold into the value for counted units: ``379.8万个`` →
  ``Quantity(3798000, "个")``. Money keeps its written unit (``万元``, ``亿元``, ``元``) and
  converts in :func:`to_common_unit`.
* Nothing here raises on odd text: what cannot be read is simply not a quantity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# ---------------------------------------------------------------------------- text
_CHAR_MAP = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "．": ".",
        "％": "%",
        "﹪": "%",
        "＞": ">",
        "＜": "<",
        "＝": "=",
        "≧": "≥",
        # Look-alikes of the three signs met in forms (box drawing, small forms, angle
        # brackets typed for > <, "not less than"): the target keeps them as written.
        "═": "=",
        "﹦": "=",
        "⩵": "=",
        "﹥": ">",
        "﹤": "<",
        "〉": ">",
        "〈": "<",
        "≮": "≥",
        "≯": "≤",
        "≽": "≥",
        "≼": "≤",
        "≦": "≤",
        "⩾": "≥",
        "⩽": "≤",
        "（": "(",
        "）": ")",
        "\u3000": " ",
        "\xa0": " ",
        "：": ":",
        "～": "~",
        "－": "-",
        "—": "-",
    }
)
_LATEX = (
    (re.compile(r"\\geqslant|\\geq|\\ge(?![a-z])"), "≥"),
    (re.compile(r"\\leqslant|\\leq|\\le(?![a-z])"), "≤"),
    (re.compile(r"\\%"), "%"),
    (re.compile(r"\$"), ""),
)
_ASCII_SIGNS = (
    (">=", "≥"), ("=>", "≥"), ("<=", "≤"), ("=<", "≤"), (">", "≥"), ("<", "≤"),
    # ≥= / ≤= : a sign typed twice over (≥ picked from a menu, = typed after it).
    ("≥=", "≥"), ("=≥", "≥"), ("≤=", "≤"), ("=≤", "≤"), ("==", "="),
)  # fmt: skip


def normalize_text(text: str) -> str:
    """Full-width forms, LaTeX and ASCII signs folded; spaces around signs and numbers gone."""
    t = text.translate(_CHAR_MAP)
    for pat, rep in _LATEX:
        t = pat.sub(rep, t)
    for a, b in _ASCII_SIGNS:
        t = t.replace(a, b)
    # "≥ 90 %" → "≥90%"; keep spaces between two words of text (they separate items).
    t = re.sub(r"\s*([≥≤=])\s*", r"\1", t)
    t = re.sub(r"(\d)\s+(?=[%‰\d.])", r"\1", t)
    t = re.sub(r"(\d)\s+(?=[\u4e00-\u9fff%])", r"\1", t)
    t = re.sub(r"(?<=[.])\s+(?=\d)", "", t)
    return t.strip()


# ---------------------------------------------------------------------------- numerals
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL = "[零〇一二两三四五六七八九十百千万]+"


def cn_to_int(text: str) -> int | None:
    """二 → 2, 十二 → 12, 二十 → 20, 一百零五 → 105, 三万 → 30000; None if not a numeral."""
    if not text or any(c not in _CN_DIGITS and c not in _CN_UNITS and c != "万" for c in text):
        return None
    total = 0
    section = 0
    digit: int | None = None
    for c in text:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        elif c in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[c]
            digit = None
        else:  # 万
            section += digit or 0
            total += (section or 1) * 10000
            section, digit = 0, None
    return total + section + (digit or 0)


def _number_text(raw: str) -> Decimal | None:
    try:
        return Decimal(raw.replace(",", ""))
    except InvalidOperation:
        return None


# ---------------------------------------------------------------------------- units
# Written form → normalised unit. Longest first in the regex below.
_UNIT_ALIASES: dict[str, str] = {
    "%": "%", "‰": "‰", "个百分点": "个百分点", "百分点": "个百分点",
    "元": "元", "千元": "千元", "万元": "万元", "亿元": "亿元",
    "秒": "秒", "秒钟": "秒", "分钟": "分钟", "小时": "小时", "个小时": "小时", "h": "小时",
    "个工作日": "工作日", "工作日": "工作日", "天": "天", "日": "天", "周": "周",
    "个月": "月", "月": "月", "年": "年",
    "米": "米", "公里": "公里", "千米": "公里", "km": "公里",
    "平方米": "平方米", "平米": "平方米", "㎡": "平方米", "平方公里": "平方公里",
    "公顷": "公顷", "亩": "亩", "立方米": "立方米",
    "吨": "吨", "公斤": "公斤", "千克": "公斤", "克": "克",
    "千瓦时": "千瓦时", "GB": "GB", "TB": "TB",
    "个": "个", "件": "件", "次": "次", "人次": "人次", "人": "人", "名": "名", "位": "位",
    "户": "户", "家": "家", "项": "项", "台": "台", "套": "套", "辆": "辆", "座": "座",
    "所": "所", "条": "条", "篇": "篇", "份": "份", "本": "本", "册": "册", "场": "场",
    "期": "期", "批": "批", "张": "张", "间": "间", "处": "处", "棵": "棵", "株": "株",
    "头": "头", "只": "只", "门": "门", "节": "节", "课时": "课时", "学时": "学时",
    "部": "部", "盏": "盏", "根": "根", "块": "块", "艘": "艘", "架": "架", "类": "类",
    "种": "种", "组": "组", "队": "队", "批次": "批次", "班": "班", "栋": "栋",
    "幢": "幢", "层": "层", "起": "起", "例": "例", "宗": "宗", "笔": "笔", "单": "单",
    "页": "页", "字": "字", "床": "床", "个点": "个", "点": "点", "分": "分", "倍": "倍",
    "岁": "岁", "轮": "轮", "期次": "期", "站": "站", "路": "路", "网点": "个",
}  # fmt: skip
UNIT_RE = "|".join(re.escape(u) for u in sorted(_UNIT_ALIASES, key=len, reverse=True))
_MULTIPLIERS = {"万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4,
                "千": Decimal(1000), "百": Decimal(100)}  # fmt: skip
_MONEY = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10) ** 4,
          "亿元": Decimal(10) ** 8}  # fmt: skip
# Units that convert into one another; factor to the family's base unit.
_FAMILIES: dict[str, tuple[str, Decimal]] = {
    **{u: ("money", f) for u, f in _MONEY.items()},
    "%": ("ratio", Decimal(1)), "‰": ("ratio", Decimal("0.1")),
    "秒": ("time", Decimal(1)), "分钟": ("time", Decimal(60)), "小时": ("time", Decimal(3600)),
    "天": ("time", Decimal(86400)), "周": ("time", Decimal(604800)),
    "月": ("month", Decimal(1)), "年": ("month", Decimal(12)),
    "米": ("length", Decimal(1)), "公里": ("length", Decimal(1000)),
    "平方米": ("area", Decimal(1)), "公顷": ("area", Decimal(10000)),
    "平方公里": ("area", Decimal(1000000)),
    "克": ("mass", Decimal(1)), "公斤": ("mass", Decimal(1000)), "吨": ("mass", Decimal(10) ** 6),
    "GB": ("data", Decimal(1)), "TB": ("data", Decimal(1024)),
}  # fmt: skip

# A number, optional magnitude, optional unit. Units beginning with a magnitude character
# (千米, 千元, 万元, 亿元, 百分点) are tried before the magnitude so they stay whole.
_QTY = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?|\.\d+)"
    r"(?P<rest>(?:千米|千克|千元|千瓦时|万元|亿元|百分点)"
    r"|(?P<mult>万亿|亿|万|千|百)?(?P<unit>" + UNIT_RE + r")?)"
    r"(?P<per>/(?:" + UNIT_RE + r"))?"
)
# What may follow a value: the end, punctuation, brackets, a direction word. A number run
# straight into other words (12345热线, 5G, 3号文) is part of a name, not a value.
_VALUE_FOLLOW = re.compile(
    r"$|[\s,，;；。、.:)(\]\[】【~\-至到/+]|(?:及|或)?以上|(?:及|或)?以下|以内|之内|内|左右|上下|"
    r"及|或|为|的|达|满|$"
)
_DATE = re.compile(
    r"\d{4}年(?:\d{1,2}月(?:\d{1,2}[日号])?)?(?:底|末|前|内|初|以前|之前|年底|年末)?"
    r"|\d{1,2}月\d{1,2}[日号]|\d{1,2}月(?:底|末|前|份|初|中旬|上旬|下旬)"
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|\d{1,2}\s*[-~至到]\s*\d{1,2}月份?"  # 1-12月: a period, not two values
)
_ORDINAL = re.compile(r"第(?:\d+|" + CN_NUMERAL + r")")


@dataclass(frozen=True)
class Quantity:
    """A number with its normalised unit (None: no unit written)."""

    value: Decimal
    unit: str | None = None

    def __str__(self) -> str:
        return format_quantity(self.value, self.unit)


def _fmt_number(value: Decimal) -> str:
    if value == value.to_integral_value():
        n = int(value)
        return f"{n:,}" if abs(n) >= 10000 else str(n)
    return f"{value:f}"  # as written: 94.90 stays 94.90


def format_quantity(value: Decimal, unit: str | None) -> str:
    """88% / 0.3% / 8 秒 / 3,798,000 个 — the way explanations and messages show a value."""
    num = _fmt_number(value)
    if unit in ("%", "‰"):
        return f"{num}{unit}"
    return f"{num} {unit}" if unit else num


def _quantity_from_match(m: re.Match[str]) -> Quantity | None:
    value = _number_text(m.group("num"))
    if value is None:
        return None
    rest = m.group("rest") or ""
    unit: str | None
    if rest in ("千米", "千克", "千元", "千瓦时", "万元", "亿元", "百分点"):
        unit = _UNIT_ALIASES[rest]
    else:
        mult = m.group("mult")
        unit = _UNIT_ALIASES[m.group("unit")] if m.group("unit") else None
        if mult:  # 379.8万个 → 3798000 个; 5千万元 → 5000 万元 (5万元 is matched above)
            value *= _MULTIPLIERS[mult]
    if m.group("per"):
        unit = f"{unit or ''}/{_UNIT_ALIASES[m.group('per')[1:]]}"
    if value != value.to_integral_value():
        value = value.normalize() if m.group("mult") else value
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        try:
            value = value.quantize(Decimal(1))
        except InvalidOperation:
            return None  # more digits than any real target holds
    return Quantity(value, unit)


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    qty: Quantity


def blank_out(text: str, pattern: re.Pattern[str]) -> str:
    """Replace matches by spaces of equal length, so positions stay valid."""
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def value_hits(t: str) -> list[Hit]:
    """Numbers in normalised text that are values (not dates, ordinals or parts of names)."""
    scan = blank_out(blank_out(t, _DATE), _ORDINAL)
    hits: list[Hit] = []
    for m in _QTY.finditer(scan):
        before = scan[m.start() - 1] if m.start() else ""
        if before and (before.isascii() and before.isalpha() or before in "_#№"):
            continue  # G20, No5, #3
        after = scan[m.end() :]
        if after[:1].isascii() and after[:1].isalpha():
            continue  # 5G, 4K
        if not m.group("rest") and not _VALUE_FOLLOW.match(after):
            continue  # 12345热线, 3号文
        q = _quantity_from_match(m)
        if q is not None:
            hits.append(Hit(m.start(), m.end(), q))
    return hits


def parse_quantities(text: str | None) -> list[Quantity]:
    """Every value in an actual (实际完成值) text, in order."""
    if not text:
        return []
    t = normalize_text(str(text))
    out: list[Quantity] = []
    rank = find_rank(t)
    if rank is not None:
        out.append(Quantity(Decimal(rank[1]), "名"))
    out.extend(h.qty for h in value_hits(t))
    return out


def parse_quantity(text: str | None) -> Quantity | None:
    """The value of an actual: 93.2% / 8秒 / 380万个 / 1,234 / ９３．２％ / 全国第一 → Quantity.

    None when the text holds no value, or more than one (a compound actual: use
    :func:`parse_quantities`).
    """
    found = parse_quantities(text)
    return found[0] if len(found) == 1 else None


def to_common_unit(a: Quantity, b: Quantity) -> tuple[Decimal, Decimal, str | None] | None:
    """Both values in one unit, or None when the units cannot be compared (秒 vs 个).

    A side without a unit takes the other's; against a percentage it is read either as a
    number of percent (93.2) or as a fraction (0.932), whichever lies nearer the other value.
    """
    if a.unit == b.unit:
        return a.value, b.value, a.unit
    if a.unit is None or b.unit is None:
        plain, other = (a, b) if a.unit is None else (b, a)
        pv = plain.value
        if other.unit == "%":
            pv = _nearer(pv, pv * 100, other.value)
        elif other.unit == "‰":
            pv = _nearer(pv, pv * 1000, other.value)
        return (pv, other.value, other.unit) if plain is a else (other.value, pv, other.unit)
    fa, fb = _FAMILIES.get(a.unit), _FAMILIES.get(b.unit)
    if fa and fb and fa[0] == fb[0]:
        # Express both in the smaller of the two units, so figures stay readable.
        base_unit, base = (a.unit, fa[1]) if fa[1] <= fb[1] else (b.unit, fb[1])
        return a.value * fa[1] / base, b.value * fb[1] / base, base_unit
    return None


def _nearer(x: Decimal, y: Decimal, ref: Decimal) -> Decimal:
    def dist(v: Decimal) -> Decimal:
        if v <= 0 or ref <= 0:
            return abs(v - ref)
        r = v / ref
        return r if r >= 1 else 1 / r

    return x if dist(x) <= dist(y) else y


# ---------------------------------------------------------------------------- ranks
_RANK = re.compile(
    r"(?:(?P<ctx>排名|排位|名次|位列|位居|名列|居)[^,，;；。]{0,8}?)?"
    r"(?P<pre>第|前)(?P<n>\d+|" + CN_NUMERAL + r")(?P<suf>名|位)?"
)


def find_rank(t: str) -> tuple[re.Match[str], int] | None:
    for m in _RANK.finditer(t):
        n = _rank_number(m)
        if n is not None:
            return m, n
    return None


def _rank_number(m: re.Match[str]) -> int | None:
    # 第二 alone is a rank only at a clause end (全国第二), not before a noun (第一批).
    tail = m.string[m.end() :][:1]
    bare_end = m.group("pre") == "第" and (tail == "" or tail in "，,；;。)(、 ")
    if not (m.group("ctx") or m.group("suf") or bare_end):
        return None
    raw = m.group("n")
    return int(raw) if raw.isdigit() else cn_to_int(raw)
