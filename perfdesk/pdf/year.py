"""Printing to PDF files: one record, or every form of a year (the paths end of pdf_out).

A year is printed by worker processes, one per core, when it is large enough to repay
starting them: each form is independent, rendering is pure Python (one core per process),
and office PCs have 4–8 cores. Each worker reads its records through its own connection and
writes its files; the parent hands out ids in order, reports progress and takes cancel.
Same files, same bytes, whichever way: a PDF depends only on its record.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import IO

from perfdesk.models.errors import Cancelled
from perfdesk.models.records import Declaration
from perfdesk.models.reprint import reprint_note
from perfdesk.progress import CancelCheck, Progress, TerminalProgress, never_cancelled
from perfdesk.store.database import Store

# Forms per worker below which a batch is printed in this process: a worker costs ~5 ms
# to fork, ~0.3 s to spawn where fork is not available (Windows).
MIN_FORMS_PER_WORKER = 16
MAX_JOBS = 8
MAX_POOL = 61  # ProcessPoolExecutor's limit on Windows, whatever -j asks
# Fork where there is fork (Linux): workers start at once with everything loaded and the
# fonts read. Elsewhere each worker imports the printing modules itself; a frozen Windows
# build starts them through multiprocessing.freeze_support() (perfdesk/__main__.py).
START_METHOD = "fork" if sys.platform.startswith("linux") else "spawn"


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


def default_jobs(count: int) -> int:
    """Worker processes for printing ``count`` forms: one per core, at most MAX_JOBS, and
    none (1: this process) unless each would get MIN_FORMS_PER_WORKER forms."""
    cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_JOBS, count // MIN_FORMS_PER_WORKER))


def print_year(
    store: Store,
    year: int,
    folder: Path,
    form: str = "declaration",
    *,
    progress: Progress | None = None,
    cancel: CancelCheck = never_cancelled,
    progress_stream: IO[str] | None = None,
    jobs: int | None = 1,
) -> list[Path]:
    """Every form of ``year``, one PDF each, into ``folder``, in the order of unit and
    name. For ``form="evaluation"`` only the projects that have an evaluation are printed.

    ``jobs``: worker processes; None chooses by the machine and the batch
    (:func:`default_jobs`). Only a process without threads of its own may ask for more
    than one on Linux, where workers are forked (the command line does; the window prints
    in one worker thread). A form that fails in a worker is printed again here, so its
    error is raised as it would be without workers.
    """
    bar = None
    if progress is None and progress_stream is not None:
        progress = bar = TerminalProgress(progress_stream)
    rows = store.list(
        year=year, columns=("id", "has_evaluation"), order_by=(("unit", False), ("name", False))
    )
    ids = [rid for rid, has_evaluation in rows if form != "evaluation" or has_evaluation]
    folder.mkdir(parents=True, exist_ok=True)
    if jobs is None:
        jobs = default_jobs(len(ids))
    printed: Generator[tuple[Path, str], None, None] = (
        _print_in_workers(store, ids, folder, form, jobs)
        if jobs > 1 and len(ids) > 1
        else _print_here(store, ids, folder, form)
    )
    written: list[Path] = []
    try:
        if cancel():
            raise Cancelled()
        for n, (path, name) in enumerate(printed, 1):
            written.append(path)
            if progress:
                progress(n, len(ids), name)
            if cancel() and n < len(ids):
                raise Cancelled()
    finally:
        printed.close()  # on cancel or error: stops the workers (see _print_in_workers)
    if bar is not None:
        bar.finish()
    return written


def _print_one(store: Store, rid: int, folder: Path, form: str) -> tuple[Path, str]:
    """Record ``rid`` printed into ``folder``: its file and its project name."""
    from perfdesk.pdf.printout import pdf_file_name, write_pdf

    decl = store.get(rid)
    return write_pdf(decl, folder / pdf_file_name(decl, form), form), decl.name or ""


def _print_here(
    store: Store, ids: Sequence[int], folder: Path, form: str
) -> Generator[tuple[Path, str], None, None]:
    for rid in ids:
        yield _print_one(store, rid, folder, form)


def _print_in_workers(
    store: Store, ids: Sequence[int], folder: Path, form: str, jobs: int
) -> Generator[tuple[Path, str], None, None]:
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from perfdesk.pdf.fonts import default_fonts

    default_fonts()  # a font problem is reported once, here; forked workers inherit them
    # Small chunks keep the workers evenly busy, the progress bar moving and a cancel
    # quick: the chunks being printed are finished (no half file), the rest dropped.
    size = max(1, min(8, len(ids) // (jobs * 8)))
    chunks = [list(ids[i : i + size]) for i in range(0, len(ids), size)]
    # No more workers than chunks, nor than Windows allows a pool (61).
    jobs = min(jobs, len(chunks), MAX_POOL)
    work = _WorkerChunk(str(folder), form)
    with ProcessPoolExecutor(
        jobs,
        mp_context=multiprocessing.get_context(START_METHOD),
        initializer=_worker_start,
        initargs=(str(store.path),),
    ) as pool:
        futures: list[Future[list[tuple[int, str | None, str]]]] = []
        try:
            futures = [pool.submit(work, chunk) for chunk in chunks]
            for chunk, future in zip(chunks, futures, strict=True):
                try:
                    done = future.result()
                except BrokenProcessPool:  # a worker was killed: the rest is printed here
                    done = [(rid, None, "") for rid in chunk]
                for rid, path, name in done:
                    if path is None:  # failed there: again here, to raise its own error
                        yield from _print_here(store, [rid], folder, form)
                    else:
                        yield Path(path), name
        finally:
            for future in futures:  # on cancel, error or Ctrl+C
                future.cancel()


_worker_store: Store | None = None
_worker_db = ""


def _worker_start(db_path: str) -> None:
    """Each worker's own connection: a forked one must not use its parent's. Ctrl+C
    reaches every process of the terminal: the parent alone answers it (stopping the
    workers), so the workers ignore it rather than print their tracebacks."""
    global _worker_store, _worker_db
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_db = db_path
    try:
        _worker_store = Store(db_path, create=False)
    except Exception:  # noqa: BLE001 - opened again for the next chunk (_WorkerChunk)
        _worker_store = None


class _WorkerChunk:
    """Print a chunk of ids in a worker: (id, path or None when it failed, name) each."""

    def __init__(self, folder: str, form: str) -> None:
        self.folder = folder
        self.form = form

    def __call__(self, ids: list[int]) -> list[tuple[int, str | None, str]]:
        global _worker_store
        out: list[tuple[int, str | None, str]] = []
        for rid in ids:
            try:
                if _worker_store is None:  # could not open at start (locked): again now
                    _worker_store = Store(_worker_db, create=False)
                path, name = _print_one(_worker_store, rid, Path(self.folder), self.form)
            except Exception:  # noqa: BLE001 - the parent prints it again and raises
                out.append((rid, None, ""))
                continue
            out.append((rid, str(path), name))
        return out
