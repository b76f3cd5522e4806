"""Export 1,000 realistic declarations (seed-sized, 20 indicators) with ``write_declaration``
and, in the same run, write the same workbooks with bare openpyxl. Target: the export within
1.3× of the bare write.

    python bench/bench_export.py [N]      (default 1000)

The bare side writes the same cells: the same values (text that looks like a formula kept as
text), the same fonts, alignments, borders and number formats, the same merges, column widths,
row heights, page setup, print titles and print area, and the same stamp text as a custom
document property. All of it is read back from an exported file before the clock starts, so
the bare side does none of perfdesk's work of laying out a form or making its stamp. It is
timed twice, in openpyxl's normal mode (``ws.cell`` and ``ws.merge_cells``, as perfdesk writes)
and in write-only mode (rows appended in order, the covered cells of merges written with
their borders); the ratio is against the faster of the two. Everything is saved to memory
(BytesIO) so the disk does not blur the comparison; the sides alternate form by form.
"""

from __future__ import annotations

import io
import sys
import time
from copy import copy
from dataclasses import dataclass
from typing import Any

from common import ROOT, emit, seed_sized
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import MergedCell
from openpyxl.packaging.custom import StringProperty

from perfdesk.excel.stamp import STAMP_PROPERTY, stamp_text
from perfdesk.excel.writer import write_declaration

# font, alignment, border, number format, quote prefix: None where the cell keeps the default
Look = tuple[Any, Any, Any, str | None, bool]


@dataclass
class Sheet:
    """What one exported form holds, as plain data for the bare writers."""

    title: str
    cells: list[tuple[int, int, Any, Look]]  # the cells written, with their looks
    covered: list[tuple[int, int, Look]]  # the covered cells of bordered merged ranges
    merges: list[str]
    widths: dict[str, float]
    heights: dict[int, float]
    page: dict[str, Any]
    print_titles: str
    print_area: str
    stamp: str


def sheet_of(decl: Any) -> Sheet:
    buf = io.BytesIO()
    write_declaration(decl, buf)
    buf.seek(0)
    ws = load_workbook(buf).active
    # One object per distinct font, alignment, border and look, as a script would build them.
    objects: dict[Any, Any] = {}
    looks: dict[Look, Look] = {}

    def one(x: Any) -> Any:
        return objects.setdefault(x, x)

    def look(c: Any) -> Look:
        bordered = c.border.left.style is not None
        key = (
            one(copy(c.font)),
            one(copy(c.alignment)),
            one(copy(c.border)) if bordered else None,
            c.number_format if c.number_format != "General" else None,
            bool(c.quotePrefix),
        )
        return looks.setdefault(key, key)

    cells, covered = [], []
    for row in ws.iter_rows():
        for c in row:
            if not isinstance(c, MergedCell) and (c.value is not None or c.has_style):
                cells.append((c.row, c.column, c.value, look(c)))
    # Every cell under a bordered merged range carries the border (Excel draws the range's
    # border from them); openpyxl's loader keeps only the edges, so take it from the anchor.
    for rng in ws.merged_cells.ranges:
        border = ws.cell(rng.min_row, rng.min_col).border
        if border.left.style is not None:
            key = (None, None, one(copy(border)), None, False)
            only = looks.setdefault(key, key)
            for r, c in rng.cells:
                if (r, c) != (rng.min_row, rng.min_col):
                    covered.append((r, c, only))
    ps = ws.page_setup
    return Sheet(
        title=ws.title,
        cells=cells,
        covered=covered,
        merges=[str(r) for r in ws.merged_cells.ranges],
        widths={k: d.width for k, d in ws.column_dimensions.items() if d.customWidth},
        heights={k: d.height for k, d in ws.row_dimensions.items() if d.height is not None},
        page={
            "paperSize": ps.paperSize,
            "orientation": ps.orientation,
            "fitToWidth": ps.fitToWidth,
            "fitToHeight": ps.fitToHeight,
            "margins": (ws.page_margins.left, ws.page_margins.top),
        },  # fmt: skip
        print_titles=ws.print_title_rows,
        print_area=ws.print_area.split("!")[1],
        stamp=stamp_text(decl, "declaration"),  # made before the clock starts
    )


def _style(cell: Any, look: Look) -> None:
    font, alignment, border, number_format, quote = look
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    if border is not None:
        cell.border = border
    if number_format is not None:
        cell.number_format = number_format
    if quote:
        cell.quotePrefix = True


def _text_stays_text(cell: Any, value: Any) -> None:
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def _finish(wb: Workbook, ws: Any, s: Sheet) -> None:
    p = s.page
    ws.page_setup.paperSize = p["paperSize"]
    ws.page_setup.orientation = p["orientation"]
    ws.page_setup.fitToWidth = p["fitToWidth"]
    ws.page_setup.fitToHeight = p["fitToHeight"]
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = p["margins"][0]
    ws.page_margins.top = ws.page_margins.bottom = p["margins"][1]
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = s.print_titles
    ws.print_area = s.print_area
    wb.properties.creator = "bare"
    wb.custom_doc_props.append(StringProperty(name=STAMP_PROPERTY, value=s.stamp))
    wb.save(io.BytesIO())


def bare_write(s: Sheet) -> None:
    """openpyxl's normal mode: cells by address, then merges (which border the covered
    edge cells from the top-left one)."""
    wb = Workbook()
    ws = wb.active
    ws.title = s.title
    for col, width in s.widths.items():
        ws.column_dimensions[col].width = width
    for r, height in s.heights.items():
        ws.row_dimensions[r].height = height
    for r, c, value, look in s.cells:
        cell = ws.cell(r, c, value)
        _text_stays_text(cell, value)
        _style(cell, look)
    for ref in s.merges:
        ws.merge_cells(ref)
    _finish(wb, ws, s)


def bare_write_only(s: Sheet) -> None:
    """openpyxl's write-only mode: rows appended in order, covered cells written with their
    borders, merges registered as ranges."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(s.title)
    for col, width in s.widths.items():
        ws.column_dimensions[col].width = width
    for r, height in s.heights.items():
        ws.row_dimensions[r].height = height
    rows: dict[int, dict[int, tuple[Any, Look]]] = {}
    for r, c, value, look in s.cells:
        rows.setdefault(r, {})[c] = (value, look)
    for r, c, look in s.covered:
        rows.setdefault(r, {})[c] = (None, look)
    for r in range(1, max(rows) + 1):
        out = []
        for c, (value, look) in sorted(rows.get(r, {}).items()):
            while len(out) < c - 1:
                out.append(None)
            cell = WriteOnlyCell(ws, value)
            _text_stays_text(cell, value)
            _style(cell, look)
            out.append(cell)
        ws.append(out)
    for ref in s.merges:
        ws.merged_cells.add(ref)
    _finish(wb, ws, s)


def run(n: int) -> tuple[float, float, float, int]:
    records = [seed_sized(i) for i in range(n)]
    sheets = [sheet_of(d) for d in records]
    n_cells = sum(len(s.cells) for s in sheets)
    export = bare = bare_wo = 0.0
    # Interleaved form by form, so load from others on the shared machine hits every side.
    for decl, s in zip(records, sheets, strict=True):
        t0 = time.perf_counter()
        write_declaration(decl, io.BytesIO())
        t1 = time.perf_counter()
        bare_write(s)
        t2 = time.perf_counter()
        bare_write_only(s)
        t3 = time.perf_counter()
        export += t1 - t0
        bare += t2 - t1
        bare_wo += t3 - t2
    return export, bare, bare_wo, n_cells


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    export, bare, bare_wo, n_cells = run(n)
    floor = min(bare, bare_wo)

    def per(t: float) -> str:
        return f"{t:.2f} s ({1000 * t / n:.1f} ms/form)"

    emit(
        f"Excel export of {n} declarations",
        [
            ("cells written per run (same on every side)", f"{n_cells:,}"),
            ("perfdesk `write_declaration` (lay out, stamp, write)", per(export)),
            ("bare openpyxl, normal mode, same cells, styles, merges, page", per(bare)),
            ("bare openpyxl, write-only mode, same", per(bare_wo)),
            ("ratio perfdesk / faster bare (target ≤ 1.3)", f"{export / floor:.2f}×"),
        ],
        ROOT / "bench" / "out" / "export.md",
    )


if __name__ == "__main__":
    main()
