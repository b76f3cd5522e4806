"""Reading one cell's value as the form means it: labels, amounts, dates, numbers, checkboxes.

Pure functions on cell values as python-calamine gives them (str, float, int, bool,
date/datetime); every failure is a ValueError whose text the caller puts into an
InputError naming the sheet and cell.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from perfdesk.excel.labels import CHECKED_MARKS, LABEL_NOTES, UNCHECKED_MARKS
from perfdesk.models.money import WAN, YI, to_money

_WS = re.compile(r"\s+")
_LABEL_NOTE = re.compile(r"\((?:" + "|".join(LABEL_NOTES) + r")\)")
_UNIT_SUFFIX = re.compile(r"\((万元|元|亿元)\)$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


# Characters that show nothing, or move what follows, yet change what a text is: bidi
# controls (U+202E turns 12345 into 54321 on screen), zero-width marks and joiners, the byte
# order mark, C0/C1 controls (NEL U+0085 included; tab, line feed and carriage return are
# text), line/paragraph separators and lone surrogates. That is Unicode's Cc, Cf, Zl, Zp and
# Cs, spelled out so the test against unicodedata can say when a new Unicode adds one.
INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f"
    "\u0890\u0891\u08e2\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f"
    "\ud800-\udfff\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
# Excel's own limit on a cell's text; a longer one was not made by Excel or WPS.
MAX_TEXT = 32767
# Bounds of what a form can mean: 10^15 元 is ten times the national budget; a weight, score
# or rate beyond 10^9 is a damaged cell, and Decimal arithmetic on 1e308 only hides that.
MAX_AMOUNT = Decimal(10) ** 15
MAX_NUMBER = Decimal(10) ** 9


def strip_invisible(text: str) -> tuple[str, list[str]]:
    """``text`` without invisible and control characters, and the code points removed
    (``U+202E``), in order of first appearance."""
    found = INVISIBLE.findall(text)
    if not found:
        return text, []
    return INVISIBLE.sub("", text), [f"U+{ord(ch):04X}" for ch in dict.fromkeys(found)]


# What units write into a cell that has nothing to say: a dash, a slash, 无. In a money,
# date or number cell (and a 度量单位 or 偏差原因 cell) it means empty; in free text 无 is
# kept as written (备注：无), but a lone dash or slash is still nothing.
_DASHES = frozenset({"-", "--", "—", "——", "–", "―", "─", "/", "//", "\\", "\\\\"})
EMPTY_WORDS = _DASHES | {"无", "暂无", "空", "不适用", "N/A", "n/a", "NA"}


def is_placeholder(value: object, *, words: bool = True) -> bool:
    """A dash, slash (or, with ``words``, 无) standing for an empty cell."""
    if not isinstance(value, str):
        return False
    s = _WS.sub("", unicodedata.normalize("NFKC", value))
    return s in (EMPTY_WORDS if words else _DASHES)


def norm(text: object) -> str:
    """A cell's text as a label: NFKC (full-width → ASCII), no whitespace, no trailing colon."""
    if not isinstance(text, str):
        return ""
    s = unicodedata.normalize("NFKC", text)
    s = _WS.sub("", s)
    s = s.lstrip("*＊")
    s = _LABEL_NOTE.sub("", s)
    return s.rstrip(":")


def split_unit(label: str) -> tuple[str, str | None]:
    """'项目总预算(万元)' → ('项目总预算', '万元'); labels carry their money unit."""
    m = _UNIT_SUFFIX.search(label)
    if m:
        return label[: m.start()], m.group(1)
    return label, None


def unit_factor(unit: str | None) -> Decimal:
    return {"万元": WAN, "亿元": YI}.get(unit or "元", Decimal(1))


def cell_text(value: object) -> str | None:
    """Text as written; numbers without a spurious '.0'; empty → None."""
    if value is None:
        return None
    if isinstance(value, str):
        s = value.strip()
        return s or None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        # Beyond 2^53 a float's digits are noise: 30 typed digits show as 1.2345678901234568e+29.
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, (int, Decimal)):
        d = Decimal(value)
        # Whole numbers without exponent, up to Decimal's 28 digits (a SUM of 1e308s is more).
        if d.is_finite() and d == d.to_integral_value() and d.adjusted() < 28:
            return str(d.quantize(Decimal(1)))
        return str(d.normalize()) if d.is_finite() else str(d)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def percent_text(value: object) -> object:
    """A number shown with a % format as the form shows it: 0.95 → '95%', 1 → '100%'."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return value
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    shown = (exact * 100).normalize()
    return f"{shown:f}%"


_AMOUNT = re.compile(r"^([+-]?\d+(?:\.\d+)?)(亿元|万元|亿|万|元)?$")


def parse_amount(value: object, factor: Decimal = Decimal(1)) -> Decimal | None:
    """An amount in 元. ``factor`` is the label's unit (10,000 under （万元）); a suffix written
    in the cell itself (万元, 亿元, 元) wins over it."""
    if value is None or (isinstance(value, str) and not value.strip()) or is_placeholder(value):
        return None
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.timedelta)):
        raise ValueError
    if isinstance(value, (int, float, Decimal)):
        exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return to_money(_bounded(_finite(exact) * factor, MAX_AMOUNT))
    text = unicodedata.normalize("NFKC", str(value))
    text = _WS.sub("", text).replace(",", "").replace("¥", "").replace("￥", "")
    # '人民币' and a constant formula's '=' (=19030000 typed into the cell) carry nothing.
    text = text.removeprefix("人民币").removeprefix("=")
    m = _AMOUNT.match(text)
    if not m:
        raise ValueError
    try:
        number = Decimal(m.group(1))
    except InvalidOperation:
        raise ValueError from None
    suffix = m.group(2)
    if suffix in ("万元", "万"):
        number *= WAN
    elif suffix in ("亿元", "亿"):
        number *= YI
    elif suffix != "元":
        number *= factor
    return to_money(_bounded(number, MAX_AMOUNT))


_NUMBER = re.compile(r"^([+-]?\d+(?:\.\d+)?)(%|分)?$")


def parse_number(value: object) -> Decimal | None:
    """A weight or a score: 10, '10', '10分', full-width digits."""
    if value is None or (isinstance(value, str) and not value.strip()) or is_placeholder(value):
        return None
    if isinstance(value, bool) or isinstance(value, dt.date):
        raise ValueError
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError
        number = Decimal(repr(value)).normalize() if not value.is_integer() else Decimal(int(value))
        return _bounded(number, MAX_NUMBER)
    if isinstance(value, (int, Decimal)):
        return _bounded(_finite(Decimal(value)), MAX_NUMBER)
    text = _WS.sub("", unicodedata.normalize("NFKC", str(value)))
    m = _NUMBER.match(text)
    if not m or m.group(2) == "%":
        raise ValueError
    return _bounded(Decimal(m.group(1)), MAX_NUMBER)


def _finite(number: Decimal) -> Decimal:
    if not number.is_finite():
        raise ValueError
    return number


def _bounded(number: Decimal, limit: Decimal) -> Decimal:
    if abs(number) >= limit:
        raise ValueError
    return number


_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(value: object) -> dt.date | None:
    """Excel dates, serial numbers, 2019-1-1, 2019/01/01, 2019.1.1, 2019年1月1日, 20190101."""
    if value is None or (isinstance(value, str) and not value.strip()) or is_placeholder(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, (int, float)) and 20000 <= value <= 80000:
        # A date cell that lost its date format shows the serial number.
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    m = _DATE.match(text) or _DATE_COMPACT.match(text)
    if not m:
        raise ValueError
    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


_RANGE_SPLIT = re.compile(r"至|到|~|～|—+|–|－|--|-(?=\d{4}(?:年|[./-]))|(?<=[月日])-")
_RANGE_PART = re.compile(
    r"^(?:(\d{4})\s*(?:年|[./-])?)?\s*(?:(\d{1,2})\s*(?:月|[./-])?\s*(?:(\d{1,2})\s*日?)?)?$"
)


def parse_date_range(value: object) -> tuple[dt.date | None, dt.date | None]:
    """A 项目期限 cell: '2024年1月-2024年12月', '2024.1.1至2024.12.31', '2024年1月-12月',
    '2024年' (a month means its first/last day, a year its first/last day)."""
    if value is None or (isinstance(value, str) and not value.strip()) or is_placeholder(value):
        return None, None
    text = _WS.sub("", unicodedata.normalize("NFKC", str(value)))
    parts = [p for p in _RANGE_SPLIT.split(text) if p]
    if len(parts) == 1:
        parts = parts * 2  # '2024年': the whole year
    if len(parts) != 2:
        raise ValueError
    out: list[dt.date] = []
    year: int | None = None
    for n, part in enumerate(parts):
        m = _RANGE_PART.match(part.removesuffix("止"))
        if not m or not (m.group(1) or m.group(2)):
            raise ValueError
        year = int(m.group(1)) if m.group(1) else year
        if year is None:
            raise ValueError
        month = int(m.group(2)) if m.group(2) else (1 if n == 0 else 12)
        if m.group(3):
            day = int(m.group(3))
        elif n == 0:
            day = 1
        else:
            nxt = dt.date(year + month // 12, month % 12 + 1, 1)
            day = (nxt - dt.timedelta(days=1)).day
        out.append(dt.date(year, month, day))
    return out[0], out[1]


# ---------------------------------------------------------------- year

_YEAR_TITLE = re.compile(r"[(]\s*((?:19|20)\d{2})\s*年(?:度)?\s*[)]")
_YEAR_DU = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年度")
_YEAR_ANY = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def year_in_title(text: str) -> int | None:
    """'(2019年)', '（2023年度）', '2023年度…' in a title line."""
    s = unicodedata.normalize("NFKC", text)
    m = _YEAR_TITLE.search(s) or _YEAR_DU.search(s)
    return int(m.group(1)) if m else None


def year_in_name(text: str) -> int | None:
    """A sheet or file name: '2019', '2019年', 'xx_2023年度'."""
    s = unicodedata.normalize("NFKC", text)
    m = _YEAR_DU.search(s) or re.search(r"(?<!\d)((?:19|20)\d{2})\s*年", s) or _YEAR_ANY.search(s)
    return int(m.group(1)) if m else None


def parse_year(value: object) -> int | None:
    """A 年度 cell: 2019, '2019', '2019年', '2019年度'."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and float(value).is_integer()
    ):
        y = int(value)
    else:
        m = re.fullmatch(
            r"((?:19|20)\d{2})\s*年?度?", unicodedata.normalize("NFKC", str(value)).strip()
        )
        if not m:
            raise ValueError
        y = int(m.group(1))
    if not 1900 <= y <= 2200:
        raise ValueError
    return y


# ---------------------------------------------------------------- checkboxes

_MARKS = sorted(
    [(unicodedata.normalize("NFKC", m), True) for m in CHECKED_MARKS]
    + [(unicodedata.normalize("NFKC", m), False) for m in UNCHECKED_MARKS]
    + [("●", True)],
    key=lambda t: -len(t[0]),
)


def _squash(text: str) -> str:
    return _WS.sub("", unicodedata.normalize("NFKC", text))


def parse_choices(text: str, options: tuple[str, ...]) -> tuple[list[str], bool]:
    """The options ticked in a checkbox group's text.

    Returns (chosen options in form order, whether any box mark was seen). Marks may stand
    before or after their option (the seed writes ``经常性专项业务费☑``); which one applies is
    decided by what the group starts with. Without any mark, the options named are chosen
    (a cell holding just the chosen option's name).
    """
    s = _squash(text)
    tokens: list[tuple[int, int, str, object]] = []  # (start, end, kind, payload)
    taken = [False] * len(s)
    for opt in sorted(options, key=len, reverse=True):
        key = _squash(opt)
        start = 0
        while (i := s.find(key, start)) >= 0:
            if not any(taken[i : i + len(key)]):
                tokens.append((i, i + len(key), "opt", opt))
                for k in range(i, i + len(key)):
                    taken[k] = True
            start = i + 1
    for mark, checked in _MARKS:
        mk = _squash(mark)
        start = 0
        while (i := s.find(mk, start)) >= 0:
            if not any(taken[i : i + len(mk)]):
                tokens.append((i, i + len(mk), "mark", checked))
                for k in range(i, i + len(mk)):
                    taken[k] = True
            start = i + 1
    tokens.sort()
    marks_seen = any(t[2] == "mark" for t in tokens)
    opts = [t for t in tokens if t[2] == "opt"]
    if not marks_seen:
        return [str(t[3]) for t in opts], False
    before = bool(tokens) and tokens[0][2] == "mark"
    chosen: list[str] = []
    for n, tok in enumerate(tokens):
        if tok[2] != "opt":
            continue
        neighbour = (
            tokens[n - 1]
            if before and n > 0
            else tokens[n + 1]
            if not before and n + 1 < len(tokens)
            else None
        )
        if neighbour is not None and neighbour[2] == "mark" and neighbour[3] is True:
            chosen.append(str(tok[3]))
    # Form order, as the options are listed.
    return [o for o in options if o in chosen], True
