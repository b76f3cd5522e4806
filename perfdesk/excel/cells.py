"""Workbook bytes → sheets as grids of cells with their merged ranges, after safety checks.

Files come from the finance system, Excel and WPS, and from strangers' e-mail, so nothing is
handed to a parser before the bytes have been looked at: the magic number, encryption, zip
member sizes and ratios, DOCTYPE/ENTITY declarations and the cell count of every sheet are
checked while streaming (bounded memory), and only then does python-calamine read the cells.

calamine does not expose formulas; an .xlsx written by a program that does not calculate
(openpyxl, some exports) holds formulas without cached values. Only when such a cell exists
is openpyxl (which uses defusedxml) asked for the formulas, and a plain SUM/addition of
cells is computed; anything else becomes :class:`Unresolved` and is reported if read.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import struct
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import python_calamine

from perfdesk.excel.values import MAX_TEXT, percent_text, strip_invisible
from perfdesk.models.errors import InputError

# Limits stated in the README ("Excel import").
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_XLS_BYTES = 20 * 1024 * 1024  # .xls cells are unpacked densely by the reader
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_MEMBER_RATIO = 200  # uncompressed / compressed, for members above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 10_000
MAX_CELLS = 200_000  # non-empty cells in the whole workbook
MAX_AREA = 2_000_000  # rows × columns of one sheet's used range
MAX_SHEETS = 255
MAX_MERGED = MAX_AREA  # cells covered by merges, per sheet, once clipped to the used range

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# What zipfile raises on a damaged package besides BadZipFile: a truncated stream (EOFError),
# a bad deflate stream (zlib.error), an unknown version or method (NotImplementedError), an
# encrypted member (RuntimeError), a broken header (struct.error, ValueError).
ZIP_ERRORS = (
    zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
    NotImplementedError, RuntimeError, zlib.error, struct.error,
)  # fmt: skip
_ENC_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
_CHUNK = 1024 * 1024
# Cells with content only: a self-closed <c r="J1048576" s="1"/> is formatting that WPS and
# Excel write down whole columns, and the reader skips it.
# Either quote is XML, and calamine reads lower-case column letters too.
_CELL_REF = re.compile(rb"<c\s[^>]*?\br\s*=\s*[\"']([A-Za-z]{1,3})([0-9]{1,7})[\"'][^>/]*>")
_CELL_OPEN = re.compile(rb"<c(?:\s[^>]*)?(?<!/)>")
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
# A formula whose value element is absent or empty.
_FORMULA_NO_VALUE = re.compile(rb"(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>")
# A constant typed with a leading '=' (a target such as =100% becomes the formula 100%,
# whose cached value 1 would lose what the form says).
_FORMULA_CONSTANT = re.compile(rb"<f[^>]*>\s*[-+]?[0-9.]+%?\s*</f>")
_CONSTANT = re.compile(r"^=\s*[-+]?\d+(?:\.\d+)?%?\s*$")


@dataclass(frozen=True)
class Unresolved:
    """A formula cell with no cached value that perfdesk cannot compute."""

    formula: str


@dataclass
class Grid:
    """One sheet: values at absolute 0-based (row, col), merged ranges resolved."""

    name: str
    index: int  # 1-based position in the workbook
    rows: list[list[object]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    # Hidden sheets hold the finance system's lookup lists, not forms.
    hidden: bool = False
    # Cells whose invisible or control characters were removed: (row, col) → code points.
    cleaned: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    # The sheet's name as written, when it held such characters (``name`` is cleaned).
    raw_name: str | None = None
    _owner: dict[tuple[int, int], tuple[int, int, int, int]] = field(default_factory=dict)
    _width: int | None = None

    def __post_init__(self) -> None:
        for r0, c0, r1, c1 in self.merges:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    self._owner[(r, c)] = (r0, c0, r1, c1)

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        if self._width is None:
            self._width = max((len(r) for r in self.rows), default=0)
        return self._width

    def raw(self, r: int, c: int) -> object:
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            return self.rows[r][c]
        return ""

    def span(self, r: int, c: int) -> tuple[int, int, int, int]:
        return self._owner.get((r, c), (r, c, r, c))

    def value(self, r: int, c: int) -> object:
        """The value shown at (r, c): a covered cell of a merge shows its top-left value."""
        r0, c0, _, _ = self.span(r, c)
        return self.raw(r0, c0)

    def is_owner(self, r: int, c: int) -> bool:
        r0, c0, _, _ = self.span(r, c)
        return (r0, c0) == (r, c)

    def is_empty(self, r: int, c: int) -> bool:
        return is_blank(self.value(r, c))

    def label(self) -> str:
        return f"第{self.index}张表“{self.name}”"


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def col_letters(c: int) -> str:
    s = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        s = chr(65 + rem) + s
    return s


def addr(r: int, c: int) -> str:
    return f"{col_letters(c)}{r + 1}"


def _col_index(letters: bytes | str) -> int:
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


# ---------------------------------------------------------------- safety


def sniff(data: bytes, filename: str) -> str:
    """'xlsx' or 'xls', or InputError for anything that is not a readable spreadsheet."""
    if not data:
        raise InputError("文件是空的（0 字节），不是 Excel 表格。", file=filename)
    if len(data) > MAX_FILE_BYTES:
        raise InputError(
            f"文件太大（{len(data) // (1024 * 1024)} MB），"
            f"超过 {MAX_FILE_BYTES // (1024 * 1024)} MB 的上限。",
            file=filename,
        )
    if data.startswith(OLE_MAGIC):
        if any(tag in data for tag in _ENC_STREAMS):
            raise InputError(
                "文件已加密（设置了打开密码），请在 Excel/WPS 中取消密码后另存再导入。",
                file=filename,
            )
        if len(data) > MAX_XLS_BYTES:
            raise InputError(
                f"xls 文件太大，超过 {MAX_XLS_BYTES // (1024 * 1024)} MB 的上限，请另存为 xlsx。",
                file=filename,
            )
        return "xls"
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    head = data[:512].lstrip().lower()
    if head.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")):
        raise InputError(
            "文件不是真正的 Excel 表格（是网页/XML 文本，只是扩展名为 Excel），"
            "请用 Excel/WPS 打开后另存为 xlsx 再导入。",
            file=filename,
        )
    raise InputError("文件不是 Excel 表格（xlsx 或 xls），无法读取。", file=filename)


def check_zip(data: bytes, filename: str) -> list[str]:
    """Reject truncated, bombed or entity-laden xlsx packages; return worksheet members
    that hold formulas without cached values."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except ZIP_ERRORS:
        raise InputError(
            "文件已损坏或不完整（压缩包无法打开），请重新下载或另存后再导入。", file=filename
        ) from None
    if len(infos) > MAX_MEMBERS:
        raise InputError("文件内部结构异常（部件过多），已拒绝。", file=filename)
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise InputError("文件是压缩包但不是 Excel 表格（缺少工作簿部件）。", file=filename)
    declared = sum(i.file_size for i in infos)
    if declared > MAX_UNCOMPRESSED_BYTES:
        raise InputError(_bomb_text(), file=filename)
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_MEMBER_RATIO * max(
            info.compress_size, 1
        ):
            raise InputError(_bomb_text(), file=filename)
    total = 0
    cells = 0
    pending: list[str] = []
    with zf:
        for info in infos:
            if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            is_sheet = info.filename.startswith("xl/worksheets/")
            got, n_cells, no_value = _scan_member(
                zf, info, filename, MAX_UNCOMPRESSED_BYTES - total, is_sheet
            )
            total += got
            cells += n_cells
            if cells > MAX_CELLS:
                raise InputError(
                    f"表格过大：超过 {MAX_CELLS:,} 个单元格的上限，请拆分后导入。", file=filename
                )
            if no_value:
                pending.append(info.filename)
    return pending


def _bomb_text() -> str:
    limit = MAX_UNCOMPRESSED_BYTES // (1024 * 1024)
    return f"文件解压后超过 {limit} MB 或压缩比异常（疑似压缩炸弹），已拒绝。"


def _scan_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, filename: str, budget: int, is_sheet: bool
) -> tuple[int, int, bool]:
    """Stream one member: actual size (headers can lie), DTDs, cell count and extent."""
    got = 0
    cells = 0
    max_row = max_col = 0
    no_value = False
    tail = b""
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                got += len(chunk)
                if (
                    got > budget
                    or got > MAX_MEMBER_RATIO * max(info.compress_size, 1) + RATIO_FLOOR
                ):
                    raise InputError(_bomb_text(), file=filename)
                buf = tail + chunk
                if _DTD.search(buf):
                    raise InputError(
                        "文件内含 DTD/实体声明（可能是 XML 炸弹），"
                        "正常的 Excel 文件不会有，已拒绝。",
                        file=filename,
                    )
                if is_sheet:
                    # Count only in the new part; the overlap only serves the patterns.
                    cut = len(tail)
                    cells += sum(1 for m in _CELL_OPEN.finditer(buf) if m.start() >= cut)
                    for m in _CELL_REF.finditer(buf):
                        max_col = max(max_col, _col_index(m.group(1).upper()) + 1)
                        max_row = max(max_row, int(m.group(2)))
                    if not no_value and (
                        _FORMULA_NO_VALUE.search(buf) or _FORMULA_CONSTANT.search(buf)
                    ):
                        no_value = True
                tail = buf[-256:]
    except InputError:
        raise
    except ZIP_ERRORS:
        raise InputError(
            "文件已损坏或不完整（压缩数据无法解开），请重新下载或另存后再导入。", file=filename
        ) from None
    if is_sheet and max_row * max_col > MAX_AREA:
        raise InputError(
            f"表格范围过大（{max_row} 行 × {max_col} 列），超过 {MAX_AREA:,} 格的上限；"
            "请删除远处的空白格式或拆分后导入。",
            file=filename,
        )
    return got, cells, no_value


# ---------------------------------------------------------------- reading


def read_grids(data: bytes, filename: str) -> list[Grid]:
    """All worksheets of the workbook as grids (checks first, then calamine)."""
    kind = sniff(data, filename)
    pending = check_zip(data, filename) if kind == "xlsx" else []
    try:
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise InputError(
            "文件已加密（设置了打开密码），请在 Excel/WPS 中取消密码后另存再导入。", file=filename
        ) from None
    except Exception:  # noqa: BLE001 - calamine raises several unrelated types for bad input
        raise InputError(
            "文件已损坏或格式无法识别，请用 Excel/WPS 打开后另存为 xlsx 再导入。", file=filename
        ) from None
    grids: list[Grid] = []
    cells = 0
    metas = wb.sheets_metadata
    if len(metas) > MAX_SHEETS:
        raise InputError("工作表过多，已拒绝。", file=filename)
    for n, meta in enumerate(metas, 1):
        if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
            continue
        shown = strip_invisible(meta.name)[0]  # for messages; the grid keeps it until cleaned
        try:
            sheet = wb.get_sheet_by_index(n - 1)
            # Absolute extent: the rows above and columns left of the used range are built too.
            r0, c0 = sheet.start or (0, 0)
            if (r0 + sheet.height) * (c0 + sheet.width) > MAX_AREA:
                raise InputError(
                    f"表格范围过大（{r0 + sheet.height} 行 × {c0 + sheet.width} 列），"
                    f"超过 {MAX_AREA:,} 格的上限；请删除远处的空白格式或拆分后导入。",
                    file=filename,
                    sheet=shown,
                )
            values = sheet.to_python()
            merged = sheet.merged_cell_ranges or []
            start = sheet.start
        except InputError:
            raise
        except python_calamine.PasswordError:
            raise InputError(
                "文件已加密（设置了打开密码），请取消密码后另存再导入。", file=filename
            ) from None
        except Exception:  # noqa: BLE001
            raise InputError(
                "工作表已损坏，无法读取，请用 Excel/WPS 打开后另存为 xlsx 再导入。",
                file=filename,
                sheet=shown,
            ) from None
        rows = _place(values, start)
        hidden = meta.visible != python_calamine.SheetVisibleEnum.Visible
        if not hidden:  # hidden sheets are skipped unread
            _check_cells(rows, filename, shown)
        cells += sum(1 for row in rows for v in row if not is_blank(v))
        if cells > MAX_CELLS:
            raise InputError(
                f"表格过大：超过 {MAX_CELLS:,} 个单元格的上限，请拆分后导入。", file=filename
            )
        merges = _clip_merges(merged, rows, filename, shown)
        grids.append(Grid(name=meta.name, index=n, rows=rows, merges=merges, hidden=hidden))
    if pending:
        _fill_formulas(data, grids)
    if kind == "xlsx":
        _show_percentages(data, grids)
    for grid in grids:
        _clean_text(grid)
    return grids


def _check_cells(rows: list[list[object]], filename: str, sheet: str) -> None:
    """Numbers Excel cannot hold (NaN, ±∞: a damaged or hand-made file) and text longer than
    Excel allows are refused here, naming the cell, before anything reads them as a value."""
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if isinstance(v, float) and not math.isfinite(v):
                raise InputError(
                    f"数值“{v}”不是有效的数（NaN 或无穷大），文件可能已损坏；"
                    "请在 Excel/WPS 中改正该单元格后再导入。",
                    file=filename,
                    sheet=sheet,
                    cell=addr(r, c),
                )
            if isinstance(v, str) and len(v) > MAX_TEXT:
                raise InputError(
                    f"单元格文字有 {len(v):,} 个字符，超过 Excel 的上限 {MAX_TEXT:,}；"
                    "文件不是 Excel/WPS 正常保存的，已拒绝。",
                    file=filename,
                    sheet=sheet,
                    cell=addr(r, c),
                )


def _clip_merges(
    merged: Sequence[tuple[tuple[int, int], tuple[int, int]]],
    rows: list[list[object]],
    filename: str,
    sheet: str,
) -> list[tuple[int, int, int, int]]:
    """Merged ranges cut to the used range: beyond it every cell is empty, so a merge such as
    A40:XFD1048576 means no more than its part within the cells (a grid keeps one entry per
    covered cell). What remains is bounded like the used range itself."""
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    out: list[tuple[int, int, int, int]] = []
    covered = 0
    for (r0, c0), (r1, c1) in merged:
        r0, r1 = min(r0, r1), max(r0, r1)
        c0, c1 = min(c0, c1), max(c0, c1)
        if r0 >= height or c0 >= width:
            continue
        r1, c1 = min(r1, height - 1), min(c1, width - 1)
        covered += (r1 - r0 + 1) * (c1 - c0 + 1)
        if covered > MAX_MERGED:
            raise InputError(
                f"合并单元格过多或过大（共超过 {MAX_MERGED:,} 格），文件结构异常，已拒绝。",
                file=filename,
                sheet=sheet,
            )
        out.append((r0, c0, r1, c1))
    return out


def _clean_text(grid: Grid) -> None:
    """Remove invisible and control characters from every text cell and the sheet's name,
    remembering where (the reader warns, naming the field)."""
    name, removed = strip_invisible(grid.name)
    if removed:
        grid.raw_name, grid.name = grid.name, name
    for r, row in enumerate(grid.rows):
        for c, v in enumerate(row):
            if isinstance(v, str):
                text, removed = strip_invisible(v)
                if removed:
                    row[c] = text
                    grid.cleaned[(r, c)] = removed


# ---------------------------------------------------------------- number formats

_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CELL_ATTRS = re.compile(rb"<c\s([^>]*)>")
_ATTR = re.compile(rb'\b(r|s|t)="([^"]*)"')
_PERCENT_BUILTIN = {"9", "10"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _show_percentages(data: bytes, grids: list[Grid]) -> None:
    """Numbers formatted as percentages read as the form shows them (0.95 → '95%'):
    calamine gives the bare number, and a target '≥0.95' would mean something else.
    Only the styles and the cells' style indexes are read; nothing when no style is %."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            percent_styles = _percent_styles(zf)
            if not percent_styles:
                return
            for grid, member in _sheet_members(zf):
                if grid not in {g.name for g in grids}:
                    continue
                cells = _styled_cells(zf, member, percent_styles)
                target = next(g for g in grids if g.name == grid)
                for r, c in cells:
                    v = target.raw(r, c)
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        _set(target, r, c, percent_text(v))
    except (KeyError, SyntaxError, *ZIP_ERRORS):
        return  # formats are a nicety: the values calamine gave stand


def _percent_styles(zf: zipfile.ZipFile) -> set[bytes]:
    from defusedxml import ElementTree as ET  # noqa: N817

    try:
        root = ET.fromstring(zf.read("xl/styles.xml"))
    except KeyError:
        return set()
    percent_ids = set(_PERCENT_BUILTIN)
    out: set[bytes] = set()
    for el in root:
        name = _local(el.tag)
        if name == "numFmts":
            for fmt in el:
                code = re.sub(r'"[^"]*"|\\.', "", fmt.get("formatCode", ""))
                if "%" in code:
                    percent_ids.add(fmt.get("numFmtId", ""))
        elif name == "cellXfs":
            for n, xf in enumerate(el):
                if xf.get("numFmtId", "0") in percent_ids:
                    out.add(str(n).encode())
    return out


def _sheet_members(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, zip member) from the workbook and its relationships."""
    from defusedxml import ElementTree as ET  # noqa: N817

    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    wb = ET.fromstring(zf.read("xl/workbook.xml"))
    out: list[tuple[str, str]] = []
    for el in wb.iter():
        if _local(el.tag) != "sheet":
            continue
        target = targets.get(el.get(_NS_REL), "")
        member = target.lstrip("/") if target.startswith("/") else "xl/" + target
        out.append((el.get("name", ""), member))
    return out


def _styled_cells(zf: zipfile.ZipFile, member: str, styles: set[bytes]) -> set[tuple[int, int]]:
    """Numeric cells of one worksheet whose style index is in ``styles`` (streamed)."""
    found: set[tuple[int, int]] = set()
    tail = b""
    with zf.open(member) as fh:
        while chunk := fh.read(_CHUNK):
            buf = tail + chunk
            for m in _CELL_ATTRS.finditer(buf):
                attrs = dict(_ATTR.findall(m.group(1)))
                if attrs.get(b"s") in styles and attrs.get(b"t", b"n") == b"n" and b"r" in attrs:
                    ref = re.fullmatch(rb"([A-Z]{1,3})([0-9]{1,7})", attrs[b"r"])
                    if ref:
                        found.add((int(ref.group(2)) - 1, _col_index(ref.group(1))))
            tail = buf[-256:]
    return found


def _place(values: Sequence[Sequence[object]], start: tuple[int, int] | None) -> list[list[object]]:
    """Shift calamine's used range back to absolute coordinates so that cell names match."""
    if not values or start is None:
        return []
    r0, c0 = start
    pad = [""] * c0
    return [[] for _ in range(r0)] + [pad + list(row) for row in values]


_REF = r"\$?([A-Z]{1,3})\$?([0-9]{1,7})"
_SUM_ARGS = re.compile(rf"^{_REF}(?::{_REF})?$")
_PLUS = re.compile(rf"^{_REF}(?:\+{_REF})+$")


def _fill_formulas(data: bytes, grids: list[Grid]) -> None:
    """Compute formulas that have no cached value (plain SUM or + of cells), or mark them;
    show a constant formula (=100%) as typed."""
    import openpyxl  # only here: 10+ ms per file, needed only for uncalculated formulas

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001
        return  # the cached values calamine gave are all there is
    try:
        by_name = {g.name: g for g in grids}
        for ws in wb.worksheets:
            grid = by_name.get(ws.title)
            if grid is None:
                continue
            formulas: dict[tuple[int, int], str] = {}
            for row in ws.iter_rows():
                for cell in row:
                    v = getattr(cell, "value", None)
                    if (
                        getattr(cell, "data_type", None) == "f"
                        and isinstance(v, str)
                        and cell.row
                        and cell.column
                    ):
                        formulas[(cell.row - 1, cell.column - 1)] = v
            for r, c in list(formulas):
                if _CONSTANT.match(formulas[(r, c)]):
                    _set(grid, r, c, formulas[(r, c)].replace(" ", ""))
                elif is_blank(grid.raw(r, c)):
                    _set(grid, r, c, _evaluate(grid, formulas, r, c, set()))
    except ZIP_ERRORS + (KeyError, SyntaxError, TypeError, AttributeError):
        return  # a damaged part openpyxl cannot read: the cached values calamine gave stand
    finally:
        wb.close()


def _set(grid: Grid, r: int, c: int, value: object) -> None:
    while len(grid.rows) <= r:
        grid.rows.append([])
    grid._width = None
    row = grid.rows[r]
    while len(row) <= c:
        row.append("")
    row[c] = value


def _evaluate(
    grid: Grid, formulas: dict[tuple[int, int], str], r: int, c: int, seen: set[tuple[int, int]]
) -> object:
    formula = formulas[(r, c)]
    body = formula[1:].replace(" ", "").upper()
    refs: list[tuple[int, int]] = []
    m = re.fullmatch(r"SUM\((.*)\)", body)
    if m:
        for arg in m.group(1).split(","):
            a = _SUM_ARGS.match(arg)
            if not a:
                return Unresolved(formula)
            c0, r0 = _col_index(a.group(1)), int(a.group(2)) - 1
            c1, r1 = (
                (c0, r0) if a.group(3) is None else (_col_index(a.group(3)), int(a.group(4)) - 1)
            )
            # SUM(A1:XFD1048576) is counted before its cells are listed.
            if len(refs) + (abs(r1 - r0) + 1) * (abs(c1 - c0) + 1) > MAX_AREA:
                return Unresolved(formula)
            refs += [
                (rr, cc)
                for rr in range(min(r0, r1), max(r0, r1) + 1)
                for cc in range(min(c0, c1), max(c0, c1) + 1)
            ]
    elif _PLUS.match(body):
        refs = [(int(row) - 1, _col_index(col)) for col, row in re.findall(_REF, body)]
    else:
        return Unresolved(formula)
    if (r, c) in seen or len(refs) > MAX_AREA:
        return Unresolved(formula)
    seen = seen | {(r, c)}
    total = Decimal(0)
    for rr, cc in refs:
        v = grid.raw(rr, cc)
        if is_blank(v) and (rr, cc) in formulas:
            v = _evaluate(grid, formulas, rr, cc, seen)
            _set(grid, rr, cc, v)
        if isinstance(v, Unresolved):
            return Unresolved(formula)
        if isinstance(v, bool) or isinstance(v, (str, dt.date)) and not is_blank(v):
            return Unresolved(formula)  # Excel's SUM skips text; a form total never should
        if isinstance(v, float):
            total += Decimal(repr(v))
        elif isinstance(v, (int, Decimal)):
            total += Decimal(v)
    return total
