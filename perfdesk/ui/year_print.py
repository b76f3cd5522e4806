"""Printing every form of a year to PDF files, as a worker job with progress and cancel.

The layout is pdf_out's; this only walks the year's records (through the store) and reports
progress in the core's ``(done, total, message)`` shape.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from perfdesk.models.errors import Cancelled


def print_year_files(store: Any, year: int, folder: Path, form: str, ctx: Any) -> list[Path]:
    from perfdesk.pdf_out import pdf_file_name, write_pdf

    ids = [
        row[0]
        for row in store.list(
            year=year, columns=("id",), order_by=(("unit", False), ("name", False))
        )
    ]
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for n, rid in enumerate(ids):
        if ctx.cancelled():
            raise Cancelled()
        decl = store.get(rid)
        if form == "evaluation" and decl.evaluation is None:
            continue
        ctx.progress(n, len(ids), decl.name or "")
        written.append(write_pdf(decl, folder / pdf_file_name(decl, form), form))
    ctx.progress(len(ids), len(ids), "")
    return written
