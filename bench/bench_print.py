"""Print N forms to PDF with perfdesk (`perfdesk print --year`, whole process, as it runs by
default — one worker process per core — and in one process with ``-j 1``; median of 5
alternating runs each) and, in the same
run when LibreOffice is installed, convert the same forms' .xlsx to PDF with
`soffice --headless` (what a clerk does today).

    python bench/bench_print.py [N]      (default 200)
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, compile_bytecode, emit, seed_sized

from perfdesk.excel.writer import write_declaration
from perfdesk.pdf.year import default_jobs
from perfdesk.store.database import Store

RUNS = 5


def main(n: int = 200) -> None:
    with tempfile.TemporaryDirectory(dir=ROOT / "bench") as tmp:
        tmp_path = Path(tmp)
        db = tmp_path / "print.sqlite"
        decls = [seed_sized(i, year=2024) for i in range(n)]
        with Store(db) as store:
            store.save_many(decls)
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        compile_bytecode()  # as installed: perfdesk runs from .pyc files

        def ours(*extra: str) -> tuple[float, int]:
            out = tmp_path / f"pdf{len(extra)}"
            t0 = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "perfdesk", "--db", str(db), "print", "--year", "2024",
                 "-o", str(out), *extra],
                check=True, env=env, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            took = time.perf_counter() - t0
            pdfs = len(list(out.glob("*.pdf")))
            shutil.rmtree(out)
            return took, pdfs

        # Median of 5 alternating runs each: a 1.5 s run is at the mercy of a busy moment of
        # the shared machine, where LibreOffice's 30 s run averages over many.
        workers = default_jobs(n)
        singles, parallels = [], []
        for _ in range(RUNS):
            singles.append(ours("-j", "1")[0])
            took, pdfs = ours()
            parallels.append(took)
        single, parallel = statistics.median(singles), statistics.median(parallels)
        rows = [
            (f"`perfdesk print --year` ({pdfs} PDFs, whole process, median of {RUNS}, {workers} worker processes: "
             f"one per core, {os.cpu_count()} cores)",
             f"{parallel:.2f} s ({parallel / n * 1000:.1f} ms per form)"),
            (f"`perfdesk print --year -j 1` (same, in one process, median of {RUNS})",
             f"{single:.2f} s ({single / n * 1000:.1f} ms per form)"),
        ]  # fmt: skip
        soffice = shutil.which("soffice")
        if soffice:
            xlsx = tmp_path / "xlsx"
            xlsx.mkdir()
            for i, d in enumerate(decls):
                with (xlsx / f"f{i:04d}.xlsx").open("wb") as f:
                    write_declaration(d, f)
            profile = tmp_path / "lo-profile"
            t0 = time.perf_counter()
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation=file://{profile}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(tmp_path / "lo"),
                    *map(str, sorted(xlsx.glob("*.xlsx"))),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=3600,
            )
            lo = time.perf_counter() - t0
            rows += [
                (
                    "LibreOffice headless .xlsx → PDF (same forms, one soffice run)",
                    f"{lo:.2f} s ({lo / n * 1000:.0f} ms per form)",
                ),
                (
                    "perfdesk speed-up per form (default, one process per core)",
                    f"{lo / parallel:.1f}×",
                ),
                ("perfdesk speed-up per form in one process (`-j 1`)", f"{lo / single:.1f}×"),
            ]
        else:
            rows.append(("LibreOffice", "not installed: no comparison in this run"))
        emit(
            f"Printing: {n} seed-sized forms, 20 indicators",
            rows,
            ROOT / "bench" / "out" / "print.md",
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
