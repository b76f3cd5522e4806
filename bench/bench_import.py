"""Import 1,000 realistic forms (seed-sized, 20 indicators; 10% legacy .xls) into a fresh
database with the real `perfdesk import` command, and in the same run time a bare
`openpyxl.load_workbook` of the same .xlsx files (openpyxl cannot open .xls, so the
baseline skips them — which favours the baseline).

    python bench/bench_import.py [N]      (default 1000)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, emit, seed_sized

from perfdesk.excel.writer import write_declaration

BARE = """
import sys, pathlib, openpyxl
for p in sorted(pathlib.Path(sys.argv[1]).glob("*.xlsx")):
    openpyxl.load_workbook(p)
"""


def make_corpus(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    n_xls = n // 10
    xls_src = folder / "xls-src"
    xls_src.mkdir()
    for i in range(n):
        target = (xls_src if i < n_xls else folder) / f"form{i:05d}.xlsx"
        with target.open("wb") as f:
            write_declaration(seed_sized(i), f)
    soffice = shutil.which("soffice")
    if soffice and n_xls:
        profile = folder / "lo-profile"
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
             "xls", "--outdir", str(folder), *map(str, sorted(xls_src.glob("*.xlsx")))],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=1800,
        )
        shutil.rmtree(profile, ignore_errors=True)
    else:  # no LibreOffice: keep them as .xlsx
        for f in xls_src.glob("*.xlsx"):
            f.rename(folder / f.name)
    shutil.rmtree(xls_src)


def main(n: int = 1000) -> None:
    with tempfile.TemporaryDirectory(dir=ROOT / "bench") as tmp:
        corpus = Path(tmp) / "forms"
        make_corpus(corpus, n)
        n_xls = len(list(corpus.glob("*.xls")))
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        db = Path(tmp) / "import.sqlite"
        t0 = time.perf_counter()
        r = subprocess.run(
            [sys.executable, "-m", "perfdesk", "--db", str(db), "import", str(corpus), "--json"],
            env=env, capture_output=True, text=True,
        )
        ours = time.perf_counter() - t0
        imported = r.stdout.count('"status": "imported"')
        if imported != n:
            print(r.stdout[-2000:], r.stderr[-2000:], file=sys.stderr)
            raise SystemExit(f"only {imported} of {n} files imported")
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", BARE, str(corpus)], check=True, env=env)
        bare = time.perf_counter() - t0
        emit(
            f"Excel import: {n:,} seed-sized forms, 20 indicators ({n_xls} of them .xls)",
            [
                ("`perfdesk import FOLDER` (read, parse, check, store; whole process)", f"{ours:.2f} s ({ours / n * 1000:.1f} ms per file)"),
                (f"bare `openpyxl.load_workbook` of the {n - n_xls} .xlsx files", f"{bare:.2f} s ({bare / max(1, n - n_xls) * 1000:.1f} ms per file)"),
                ("ratio perfdesk / bare openpyxl", f"{ours / bare:.2f}×"),
            ],
            ROOT / "bench" / "out" / "import.md",
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
