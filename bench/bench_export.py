"""Export 1,000 realistic declarations (seed-sized, 20 indicators) with ``write_declaration``
and, in the same run, write the same cells (same values, same addresses, no styles, merges or
page setup) with bare openpyxl. Target: the export within 1.5× of the bare write.

    python bench/bench_export.py [N]      (default 1000)

Both sides save to memory (BytesIO) so the disk does not blur the comparison; the cells
for the baseline are read back from an exported file (every cell with a value, as openpyxl
loads it) before the clock starts; the two sides alternate form by form.
"""

from __future__ import annotations

import io
import sys
import time
from typing import Any

from common import ROOT, emit, seed_sized
from openpyxl import Workbook, load_workbook

from perfdesk.excel.writer import write_declaration

Cells = list[tuple[int, int, Any]]


def cells_of(decl: Any) -> Cells:
    buf = io.BytesIO()
    write_declaration(decl, buf)
    buf.seek(0)
    ws = load_workbook(buf).active
    return [
        (c.row, c.column, c.value) for row in ws.iter_rows() for c in row if c.value is not None
    ]


def bare_write(cells: Cells) -> None:
    wb = Workbook()
    ws = wb.active
    for r, c, v in cells:
        ws.cell(r, c, v)
    wb.save(io.BytesIO())


def run(n: int) -> tuple[float, float, int]:
    records = [seed_sized(i) for i in range(n)]
    layouts = [cells_of(d) for d in records]
    n_cells = sum(len(c) for c in layouts)
    export = bare = 0.0
    # Interleaved form by form, so load from others on the shared machine hits both sides.
    for decl, cells in zip(records, layouts, strict=True):
        t0 = time.perf_counter()
        write_declaration(decl, io.BytesIO())
        t1 = time.perf_counter()
        bare_write(cells)
        t2 = time.perf_counter()
        export += t1 - t0
        bare += t2 - t1
    return export, bare, n_cells


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    export, bare, n_cells = run(n)
    emit(
        f"Excel export of {n} declarations",
        [
            ("cells written (same on both sides)", f"{n_cells:,}"),
            ("perfdesk write_declaration", f"{export:.2f} s ({1000 * export / n:.1f} ms/form)"),
            ("bare openpyxl, same cells", f"{bare:.2f} s ({1000 * bare / n:.1f} ms/form)"),
            ("ratio (target ≤ 1.5)", f"{export / bare:.2f}×"),
        ],
        ROOT / "bench" / "out" / "export.md",
    )


if __name__ == "__main__":
    main()
