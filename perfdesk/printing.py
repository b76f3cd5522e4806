"""Printing to PDF files: one record, or every form of a year (the paths end of pdf_out)."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from perfdesk.models.errors import Cancelled
from perfdesk.models.records import Declaration
from perfdesk.progress import CancelCheck, Progress, TerminalProgress, never_cancelled
from perfdesk.store import Store


def revision_note(store: Store | None, decl: Declaration) -> str | None:
    """Say so on paper when an older revision is reprinted."""
    if store is None or decl.id is None:
        return None
    current = store.revisions(decl.id)[-1].revision
    if decl.revision < current:
        return f"本件为第 {decl.revision} 版（当前为第 {current} 版）的重新打印"
    return None


def print_record_file(
    decl: Declaration, path: Path, form: str = "declaration", *, store: Store | None = None
) -> Path:
    from perfdesk.pdf_out import write_pdf

    return write_pdf(decl, path, form, revision_note=revision_note(store, decl))


def print_year(
    store: Store,
    year: int,
    folder: Path,
    form: str = "declaration",
    *,
    progress: Progress | None = None,
    cancel: CancelCheck = never_cancelled,
    progress_stream: IO[str] | None = None,
) -> list[Path]:
    """Every form of ``year``, one PDF each, into ``folder``. For ``form="evaluation"``
    only the projects that have an evaluation are printed."""
    from perfdesk.pdf_out import pdf_file_name, write_pdf

    bar = None
    if progress is None and progress_stream is not None:
        progress = bar = TerminalProgress(progress_stream)
    rows = store.list(
        year=year, columns=("id", "has_evaluation"), order_by=(("unit", False), ("name", False))
    )
    if form == "evaluation":
        rows = [r for r in rows if r[1]]
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for n, (rid, _) in enumerate(rows, 1):
        if cancel():
            raise Cancelled()
        decl = store.get(rid)
        written.append(write_pdf(decl, folder / pdf_file_name(decl, form), form))
        if progress:
            progress(n, len(rows), decl.name or "")
    if bar is not None:
        bar.finish()
    return written
