"""Printing to PDF files: one record, or every form of a year (the paths end of printing).

A year is printed in this process, form after form: reportlab draws a dense form in a few
tens of milliseconds, four times faster than LibreOffice converting it (README
"Benchmarks"), so a year of 500 forms takes well under a minute with its progress bar.
One bad record (a character no font has, a revision that cannot be read) does not stop
the run: the others are printed, and the failures are reported together at the end,
each by year, unit and project name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO

from perfdesk.models.errors import Cancelled, PerfdeskError
from perfdesk.models.records import Declaration
from perfdesk.models.reprint import reprint_note
from perfdesk.progress import CancelCheck, Progress, TerminalProgress, never_cancelled
from perfdesk.store.database import Store


def revision_note(store: Store | None, decl: Declaration) -> str | None:
    """Say so on paper when an older revision is reprinted."""
    if store is None or decl.id is None:
        return None
    return reprint_note(decl.revision, store.revisions(decl.id)[-1].revision)


def print_record_file(
    decl: Declaration, path: Path, form: str = "declaration", *, store: Store | None = None
) -> Path:
    from perfdesk.pdf.printout import write_pdf

    return write_pdf(decl, path, form, revision_note=revision_note(store, decl))


@dataclass(frozen=True)
class PrintFailure:
    """A form of the year that could not be printed, and why (a Chinese sentence)."""

    id: int
    year: int
    unit: str
    name: str
    reason: str

    def describe(self) -> str:
        return f"{self.year}年 {self.unit or '（无单位）'}“{self.name or '（无名称）'}”：{self.reason}"


class YearPrintError(PerfdeskError):
    """Some forms of a year could not be printed; every other one was."""

    def __init__(self, written: list[Path], failures: list[PrintFailure]) -> None:
        self.written = written
        self.failures = failures
        lines = "\n".join(f.describe() for f in failures)
        super().__init__(
            f"已打印 {len(written)} 份；以下 {len(failures)} 个项目未能打印：\n{lines}"
        )


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
    """Every form of ``year``, one PDF each, into ``folder``, in the order of unit and
    name; returns the files. For ``form="evaluation"`` (``"monitoring"``) only the projects
    that have an evaluation (a monitoring form) are printed.

    A form that cannot be printed is passed over and the rest printed; then
    YearPrintError lists the failures by project (and holds the files written). A cancel
    stops between two forms (Cancelled), leaving no half-written file. A failure to write
    a file (disk full, folder read-only) stops the run: it would fail every form.
    """
    from perfdesk.pdf.printout import pdf_file_name, write_pdf

    bar = None
    if progress is None and progress_stream is not None:
        progress = bar = TerminalProgress(progress_stream)
    rows = store.list(
        year=year,
        columns=("id", "unit", "name", "has_evaluation", "monitoring_status"),
        order_by=(("unit", False), ("name", False)),
    )
    # The projects that have the form: all, those with a 自评表, those with a 运行监控表.
    todo = [
        (rid, unit, name)
        for rid, unit, name, has_evaluation, monitoring in rows
        if form == "declaration" or (has_evaluation if form == "evaluation" else monitoring)
    ]
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    failures: list[PrintFailure] = []
    unexpected: Exception | None = None
    for n, (rid, unit, name) in enumerate(todo, 1):
        if cancel():
            raise Cancelled()
        reason = None
        try:
            decl = store.get(rid)
            written.append(write_pdf(decl, folder / pdf_file_name(decl, form), form))
        except PerfdeskError as exc:
            reason = exc.message
        except OSError:
            raise
        except Exception as exc:  # noqa: BLE001 - one unreadable record must not stop the year
            unexpected = unexpected or exc
            # The exception itself is chained for --debug; the clerk gets what to do.
            reason = "无法读取或打印此项目（程序内部错误），请用 perfdesk check 检查数据库"
        if reason is not None:
            failures.append(PrintFailure(rid, year, unit or "", name or "", reason))
        if progress:
            progress(n, len(todo), name or "")
    if bar is not None:
        bar.finish()
    if failures:
        # The first unexpected error stays chained for --debug's traceback.
        raise YearPrintError(written, failures) from unexpected
    return written


def join_pdfs(parts: list[bytes]) -> bytes:
    """Several printouts as one PDF, page after page: 打印… of several selected projects is
    one print dialog and one print job."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for data in parts:
        writer.append(PdfReader(io.BytesIO(data)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
