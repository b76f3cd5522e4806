"""Print N forms to PDF with perfdesk (`perfdesk print --year`, whole process) and, in the same
run when LibreOffice is installed, convert the same forms' .xlsx to PDF with
`soffice --headless` (what a clerk does today).

    python bench/bench_print.py [N]      (default 200)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, compile_bytecode, emit, seed_sized

from perfdesk.excel_out import write_declaration
from perfdesk.store import Store


def main(n: int = 200) -> None:
    with tempfile.TemporaryDirectory(dir=ROOT / "bench") as tmp:
        tmp_path = Path(tmp)
        db = tmp_path / "print.sqlite"
        decls = [seed_sized(i, year=2024) for i in range(n)]
        with Store(db) as store:
            store.save_many(decls)
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        compile_bytecode()  # as installed: perfdesk runs from .pyc files
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "perfdesk", "--db", str(db), "print", "--year", "2024",
             "-o", str(tmp_path / "pdf")],
            check=True, env=env, stdout=subprocess.DEVNULL,
        )
        ours = time.perf_counter() - t0
        pdfs = len(list((tmp_path / "pdf").glob("*.pdf")))
        rows = [(f"`perfdesk print --year` ({pdfs} PDFs, whole process)", f"{ours:.2f} s ({ours / n * 1000:.0f} ms per form)")]
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
                [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                 "pdf", "--outdir", str(tmp_path / "lo"), *map(str, sorted(xlsx.glob("*.xlsx")))],
                check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=3600,
            )
            lo = time.perf_counter() - t0
            rows += [
                ("LibreOffice headless .xlsx → PDF (same forms, one soffice run)", f"{lo:.2f} s ({lo / n * 1000:.0f} ms per form)"),
                ("perfdesk speed-up per form", f"{lo / ours:.1f}×"),
            ]
        else:
            rows.append(("LibreOffice", "not installed: no comparison in this run"))
        emit(f"Printing: {n} seed-sized forms, 20 indicators", rows, ROOT / "bench" / "out" / "print.md")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
