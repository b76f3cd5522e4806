"""Each family of hostile file the fuzz test found, kept as a named regression test.

The files are made here from the corpus (a cell's XML changed, a zip header patched) and
read with ``read_bytes``, the function the reader process runs, so that a failure shows
its own traceback. Every one must be imported or rejected with a sentence naming the file
(and the sheet and cell where there is one), never "程序内部错误", and quickly: the families
that used to hang or take gigabytes (a merge over the whole sheet, a stated dimension of
17 billion cells) are bounded before any cell is built.
"""

from __future__ import annotations

import io
import json
import re
import struct
import sys
import unicodedata
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path

import pytest

from perfdesk.excel.batch import read_bytes
from perfdesk.excel.cells import MAX_AREA, MAX_MERGED
from perfdesk.excel.values import (
    INVISIBLE,
    MAX_TEXT,
    cell_text,
    parse_amount,
    parse_number,
    strip_invisible,
)
from perfdesk.models.errors import InputError

DATA = Path(__file__).parent / "data"
CORPUS = DATA / "excel_in"
SEED = (CORPUS / "seed.xlsx").read_bytes()
SHEET = "xl/worksheets/sheet1.xml"
B13 = '<c r="B13" s="1" t="n"><v>133340000</v></c>'


def edit_member(data: bytes, member: str, edit) -> bytes:  # noqa: ANN001
    """The package with one member's text changed (rezipped: sizes and CRC match)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED
    ) as zout:
        for info in zin.infolist():
            content = zin.read(info.filename)
            if info.filename == member:
                content = edit(content.decode("utf-8")).encode("utf-8")
            zout.writestr(info.filename, content)
    return out.getvalue()


def seed_with(old: str, new: str, member: str = SHEET, data: bytes = SEED) -> bytes:
    def edit(xml: str) -> str:
        assert old in xml, old
        return xml.replace(old, new, 1)

    return edit_member(data, member, edit)


def rejected(data: bytes, name: str = "x.xlsx") -> InputError:
    with pytest.raises(InputError) as info:
        read_bytes(data, name)
    assert name in info.value.message
    return info.value


def one(data: bytes, name: str = "x.xlsx"):  # noqa: ANN201
    (form,) = read_bytes(data, name)
    return form


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize("value", ["NaN", "inf", "-inf", "1e400"])
def test_a_number_that_is_not_finite_names_its_cell(value: str) -> None:
    err = rejected(seed_with(B13, f'<c r="B13" s="1" t="n"><v>{value}</v></c>'))
    assert (err.sheet, err.cell) == ("申报表", "B13")
    assert "NaN 或无穷大" in err.reason


@pytest.mark.parametrize(
    ("value", "shown"),
    [("1e308", "1e+308"), ("123456789012345678901234567890", "1.2345678901234568e+29"),
     ("-1e20", "-1e+20")],
)  # fmt: skip
def test_an_amount_that_does_not_fit_names_its_cell(value: str, shown: str) -> None:
    err = rejected(seed_with(B13, f'<c r="B13" s="1" t="n"><v>{value}</v></c>'))
    assert (err.sheet, err.cell) == ("申报表", "B13")
    # The number as stored, not 309 made-up digits.
    assert err.reason == f"“项目总预算”不是金额：“{shown}”"


def test_a_sum_of_huge_numbers_without_cached_value_names_its_cell() -> None:
    data = (CORPUS / "seed_formula_nocache.xlsx").read_bytes()
    data = seed_with('<c r="D16" s="1" t="n"><v>19030000</v></c>',
                     '<c r="D16" s="1" t="n"><v>1e308</v></c>', data=data)  # fmt: skip
    err = rejected(data)
    assert err.cell in ("D13", "D16") and "不是金额" in err.reason


def test_values_bound_amounts_and_numbers() -> None:
    assert parse_amount(999_999_999_999_999) == Decimal("999999999999999.00")
    for bad in (1e15, float("nan"), float("inf"), "1e400", "9" * 30, Decimal("NaN")):
        with pytest.raises(ValueError):
            parse_amount(bad)
    with pytest.raises(ValueError):
        parse_amount(1e11, Decimal(10000))  # 1e11 万元 is 1e15 元
    for bad in (float("nan"), float("-inf"), 1e308, "1" * 30, Decimal("Infinity")):
        with pytest.raises(ValueError):
            parse_number(bad)
    assert parse_number(99.5) == Decimal("99.5")
    assert cell_text(1e308) == "1e+308" and cell_text(2.0**53) == "9007199254740992.0"
    assert cell_text(float(2**52)) == str(2**52)
    assert cell_text(Decimal("1e308") * 3) == "3E+308"


# ---------------------------------------------------------------- extents and merges


def test_a_merge_over_the_rest_of_the_sheet_is_cut_to_the_cells() -> None:
    data = seed_with('<mergeCell ref="B11:D11" />',
                     '<mergeCell ref="B11:D11" /><mergeCell ref="A40:XFD1048576" />')  # fmt: skip
    form = one(data)
    assert form.declaration.name == "12345市民服务热线外包服务"


def test_merges_beyond_the_bound_are_refused() -> None:
    # Each merge is cut to the used range (32 × 4), yet together they cover more cells
    # than a sheet may hold: the grid would keep an entry for every one of them.
    many = "".join('<mergeCell ref="A1:D32" />' for _ in range(MAX_MERGED // 128 + 1))
    err = rejected(seed_with('<mergeCell ref="B11:D11" />', many))
    assert err.sheet == "申报表" and "合并单元格" in err.reason


@pytest.mark.parametrize("ref", ["r='XFD1048576'", 'r="xfd1048576"', 'r = "AAA200000"'])
def test_a_far_cell_however_quoted_is_refused_before_reading(ref: str) -> None:
    far = f"<c {ref} t='n'><v>1</v></c>"
    err = rejected(seed_with('<row r="1">', f'<row r="1">{far}'))
    assert "表格范围过大" in err.reason and f"{MAX_AREA:,}" in err.reason


def test_a_stated_dimension_of_the_whole_sheet_is_ignored() -> None:
    # Neither calamine nor the formula pass (openpyxl, read-only) builds the stated range.
    data = (CORPUS / "seed_formula_nocache.xlsx").read_bytes()
    data = seed_with('<dimension ref="A1:D32" />', '<dimension ref="A1:XFD1048576" />', data=data)
    assert one(data).declaration.year_budget == Decimal("133340000.00")


def test_a_sum_over_the_whole_sheet_is_not_expanded() -> None:
    data = (CORPUS / "seed_formula_nocache.xlsx").read_bytes()
    data = seed_with("<f>SUM(D16:D19)</f>", "<f>SUM(A1:XFD1048576)</f>", data=data)
    err = rejected(data)
    assert err.cell == "D13" and "SUM(A1:XFD1048576)" in err.reason


def test_text_longer_than_excel_allows_is_refused() -> None:
    long = "长" * (MAX_TEXT + 1)
    err = rejected(seed_with("<t>12345市民服务热线外包服务</t>", f"<t>{long}</t>"))
    assert err.cell == "B4" and "32,767" in err.reason


# ---------------------------------------------------------------- damaged packages


def _central_directory(data: bytes, change) -> bytes:  # noqa: ANN001
    """Patch every central directory entry (``change(bytearray, offset)``)."""
    buf = bytearray(data)
    for m in re.finditer(rb"PK\x01\x02", data):
        change(buf, m.start())
    return bytes(buf)


def test_a_zip_of_an_unknown_version_is_a_damaged_file() -> None:
    def version(buf: bytearray, at: int) -> None:
        buf[at + 6 : at + 8] = struct.pack("<H", 136)  # "needs version 13.6"

    err = rejected(_central_directory(SEED, version))
    assert "损坏" in err.reason


def test_an_encrypted_zip_member_is_a_damaged_file() -> None:
    def encrypted(buf: bytearray, at: int) -> None:
        flags = struct.unpack("<H", buf[at + 8 : at + 10])[0]
        buf[at + 8 : at + 10] = struct.pack("<H", flags | 1)

    err = rejected(_central_directory(SEED, encrypted))
    assert "损坏" in err.reason


def test_a_broken_deflate_stream_is_a_damaged_file() -> None:
    # A member whose compressed bytes are not deflate at all: zlib.error, not BadZipFile.
    with zipfile.ZipFile(io.BytesIO(SEED)) as z:
        info = z.getinfo(SHEET)
    buf = bytearray(SEED)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    buf[start : start + 64] = b"\xff" * 64
    with pytest.raises(zlib.error):
        zipfile.ZipFile(io.BytesIO(bytes(buf))).read(SHEET)
    err = rejected(bytes(buf))
    assert "损坏" in err.reason


def test_a_damaged_stamp_leaves_the_sheet_as_the_record(seed_decl) -> None:  # noqa: ANN001
    from perfdesk.excel.writer import write_form

    buf = io.BytesIO()
    write_form(seed_decl, buf, "declaration")

    def nest(xml: str) -> str:
        return re.sub(r"<vt:lpwstr>", "<vt:lpwstr>" + "[" * 5000, xml, count=1)

    form = one(edit_member(buf.getvalue(), "docProps/custom.xml", nest))
    assert form.declaration.name == seed_decl.name

    def nonsense(xml: str) -> str:
        m = re.search(r"<vt:lpwstr>([^<]*)</vt:lpwstr>", xml)
        assert m
        stamp = json.loads(m.group(1))
        stamp["record"]["indicators"] = [[1]]
        new = json.dumps(stamp, ensure_ascii=False).replace("&", "&amp;").replace("<", "&lt;")
        return xml.replace(m.group(1), new)

    form = one(edit_member(buf.getvalue(), "docProps/custom.xml", nonsense))
    assert form.declaration.name == seed_decl.name


# ---------------------------------------------------------------- invisible characters


def test_the_invisible_class_is_unicodes_format_and_control_characters() -> None:
    expected = {
        cp for cp in range(sys.maxunicode + 1)
        if unicodedata.category(chr(cp)) in ("Cc", "Cf", "Zl", "Zp", "Cs")
        and chr(cp) not in "\t\n\r"
    }  # fmt: skip
    found = {cp for cp in range(sys.maxunicode + 1) if INVISIBLE.match(chr(cp))}
    assert expected <= found
    # Beyond this Python's Unicode: format characters a later version added (U+13439…).
    assert all(unicodedata.category(chr(cp)) == "Cn" for cp in found - expected)


def test_bidi_zero_width_and_nel_are_removed_and_named() -> None:
    name = "12345市民\u202e服务热线\u200b外包\x85服\ufeff务\u200d"
    form = one(seed_with("<t>12345市民服务热线外包服务</t>", f"<t>{name}</t>"))
    assert form.declaration.name == "12345市民服务热线外包服务"
    (warning,) = [w for w in form.warnings if "不可见字符" in w]
    assert warning == (
        "第1张表“申报表” B4：“项目名称”中有不可见字符或控制字符"
        "（U+202E、U+200B、U+0085、U+FEFF、U+200D），导入时已删除。"
    )


def test_ooxml_escaped_controls_are_removed_too() -> None:
    # _x001B_ is how OOXML writes ESC inside text; calamine decodes it.
    form = one(seed_with("<t>12345市民服务热线外包服务</t>", "<t>12345_x001B_市民服务热线外包服务</t>"))
    assert form.declaration.name == "12345市民服务热线外包服务"
    assert any("U+001B" in w and "“项目名称”" in w for w in form.warnings)


def test_a_label_with_a_zero_width_space_is_still_a_label() -> None:
    form = one(seed_with("<t>项目名称</t>", "<t>项目\u200b名称</t>"))
    assert form.declaration.name == "12345市民服务热线外包服务"
    assert any("A4" in w and "“项目名称”" in w for w in form.warnings)


def test_an_indicator_cell_names_its_column() -> None:
    form = one(seed_with("<t>热线工作的规范性和安全性</t>", "<t>热线工作的\u202e规范性和安全性</t>"))
    names = [i.name for i in form.declaration.indicators]
    assert "热线工作的规范性和安全性" in names
    (warning,) = [w for w in form.warnings if "不可见字符" in w]
    assert "U+202E" in warning and "“" in warning


def test_a_sheet_name_with_a_bidi_mark_is_cleaned(tmp_path: Path) -> None:
    data = seed_with('name="申报表"', 'name="申报\u202e表"', member="xl/workbook.xml")
    form = one(data)
    assert form.sheet == "申报表"
    assert any("名称中有不可见字符" in w and "U+202E" in w for w in form.warnings)


def test_a_sheet_full_of_marks_gives_a_bounded_list() -> None:
    def everywhere(xml: str) -> str:
        return re.sub(r"<t>([^<]+)</t>", lambda m: f"<t>{m.group(1)}\u200b</t>", xml)

    form = one(edit_member(SEED, SHEET, everywhere))
    found = [w for w in form.warnings if "不可见字符" in w]
    assert len(found) == 21 and "另有" in found[-1]


def test_json_fields_are_cleaned_and_named(seed_dict) -> None:  # noqa: ANN001
    doc = dict(seed_dict, name="12345\u202e市民服务热线外包服务\ud800")
    doc["indicators"] = [dict(seed_dict["indicators"][0], name="热线\x1b工作")]
    data = json.dumps(doc, ensure_ascii=True).encode()
    form = one(data, "record.json")
    assert form.declaration.name == "12345市民服务热线外包服务"
    assert form.declaration.indicators[0].name == "热线工作"
    # Fields are named by their form labels, rows from 1, never by their JSON keys.
    assert "“项目名称”中有不可见字符或控制字符（U+202E、U+D800），导入时已删除。" in form.warnings
    assert "分解目标第1行“绩效指标”中有不可见字符或控制字符（U+001B），导入时已删除。" in form.warnings


@pytest.mark.parametrize(
    ("text", "reason"),
    [('{"year": 2019, "total_budget": ' + "9" * 5000 + "}", "过长的数字"),
     ('{"a": ' + "[" * 100000 + "]" * 100000 + "}", "嵌套过深"),
     ('{"year": 2019, "total_budget": 1e30}', "超出范围"),
     ('{"year": 2019, "total_budget": NaN}', "不是有效的数"),
     ('{"year": 2019, "total_budget": 99999999999999999999}', "超出范围")],
)  # fmt: skip
def test_json_numbers_and_nesting_are_bounded(text: str, reason: str) -> None:
    err = rejected(text.encode(), "record.json")
    assert reason in err.reason


def test_strip_invisible_keeps_line_breaks_and_tabs() -> None:
    assert strip_invisible("甲\t乙\r\n丙") == ("甲\t乙\r\n丙", [])
    assert strip_invisible("甲\u2028乙") == ("甲乙", ["U+2028"])
