"""Write N declarations (20 indicators each) into a fresh database, then time
`perfdesk list --year` as a whole command against a bare sqlite3 script that prints the
same rows, in the same run.

    python bench/bench_store.py [N]        (default 100000)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, compile_bytecode, emit, seed_sized, time_command

from perfdesk.store.database import Store

BARE = """
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
rows = c.execute("SELECT id, year, unit, name, status, revision, has_evaluation FROM records "
                 "WHERE year = ? ORDER BY year DESC, unit, name, id", [int(sys.argv[2])]).fetchall()
sys.stdout.write("\\n".join(f"{r[0]} {r[1]} {r[4]} {r[5]} {r[2]} / {r[3]}" for r in rows) + "\\n")
"""


def main(n: int = 100_000) -> None:
    with tempfile.TemporaryDirectory(dir=ROOT / "bench") as tmp:
        db = Path(tmp) / "bench.sqlite"
        store = Store(db)
        batch = 1000
        t0 = time.perf_counter()
        for start in range(0, n, batch):
            store.save_many([seed_sized(i) for i in range(start, min(n, start + batch))])
        write_s = time.perf_counter() - t0
        store.conn.execute("ANALYZE")
        cols = ("id", "year", "unit", "name", "status", "revision", "has_evaluation")
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            whole_year = store.list(year=2024, columns=cols)
            runs.append(time.perf_counter() - t0)
        in_process = min(runs)
        t0 = time.perf_counter()
        store.list(year=2024, limit=200, order_by=(("name", False),))
        first_page = time.perf_counter() - t0
        assert len(whole_year) == n
        store.close()
        size_mb = db.stat().st_size / 1e6
        compile_bytecode()
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        py = sys.executable
        cli = time_command([py, "-m", "perfdesk", "--db", str(db), "list", "--year", "2024"], env=env)
        cli_json = time_command(
            [py, "-m", "perfdesk", "--db", str(db), "list", "--year", "2024", "--json"], env=env
        )
        bare = time_command([py, "-c", BARE, str(db), "2024"], env=env)
        emit(
            f"Store: {n:,} declarations × 20 indicators",
            [
                ("write rate (records/s, batches of 1,000, one transaction each)", f"{n / write_s:,.0f}"),
                ("database file size", f"{size_mb:,.0f} MB ({size_mb * 1e6 / n / 1e3:.1f} kB per record)"),
                ("`Store.list(year=2024)`: the year's 100,000 list rows, in process (best of 3)", f"{in_process:.3f} s"),
                ("`Store.list(year=2024, limit=200)` sorted by name: the window's first page", f"{first_page * 1000:.1f} ms"),
                ("`perfdesk list --year 2024` (whole process)", f"{cli:.3f} s"),
                ("`perfdesk list --year 2024 --json` (whole process)", f"{cli_json:.3f} s"),
                ("bare python + sqlite3 printing the same rows", f"{bare:.3f} s"),
                ("ratio list / bare", f"{cli / bare:.2f}×"),
            ],
            ROOT / "bench" / "out" / "store.md",
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
