"""Generate tests/data/excel_in/monitoring/: the monitoring forms of
tests/monitoring_provinces.py as the workbooks a unit gets.

    python tests/make_monitoring_provinces.py

As tests/make_provinces.py does for the declarations: each form as its bureau lays it out
(openpyxl), a WPS-style copy (labels spaced out, numbers typed as text, shifted one row and
one column), and LibreOffice re-saves of the plain file (.xlsx and .xls); the flat list too.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.make_provinces import soffice, wps_quirks, write  # noqa: E402
from tests.monitoring_provinces import FORMS, monitoring_list_rows  # noqa: E402

OUT = Path(__file__).parent / "data" / "excel_in" / "monitoring"


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    originals: list[Path] = []
    for form in FORMS:
        plain = OUT / f"{form.key}__plain.xlsx"
        write(form.rows, form.merges, form.sheet, plain)
        write(wps_quirks(form), form.merges, form.sheet, OUT / f"{form.key}__wps.xlsx", shift=1)
        originals.append(plain)
    flat = OUT / "monitoring_list_2024__plain.xlsx"
    write(monitoring_list_rows(), [(0, 0, 0, 18)], "监控汇总", flat)
    originals.append(flat)
    lo = OUT / "lo"
    lo.mkdir()
    for fmt in ("xlsx", "xls"):
        soffice(fmt, originals, lo)
        for made in lo.glob(f"*.{fmt}"):
            made.rename(OUT / made.name.replace("__plain.", "__libreoffice."))
    shutil.rmtree(lo)


if __name__ == "__main__":
    main()
