"""Write N declarations (20 indicators each) into a fresh database, then time
`perfdesk list --year` as a whole command against a bare sqlite3 script that prints the
same rows, in the same run; and the window's reads (a page of 201 rows and the count under
it) for every sort the list offers, under filters and searches that find one row, a few
thousand, or every row.

    python bench/bench_store.py [N]        (default 100000)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, compile_bytecode, emit, seed_sized, time_command

from perfdesk.store.database import LIST_COLUMNS, Store

# Project words, so that a search finds a sixteenth of the table, one row, or all of it.
WORDS = ("热线服务", "水务监测", "道路养护", "垃圾分类", "社区卫生", "绿化管护", "河道保洁",
         "老年助餐", "校园安保", "图书采购", "Wi-Fi覆盖", "IT运维", "医疗救助", "消防设施",
         "档案数字化", "文化惠民")  # fmt: skip
SEARCHES = (None, "水", "热线", "wi-fi", "IT", "000123", "（0001", "不存在", "项目", "水 2")
FILTERS = ({}, {"year": 2024}, {"status": "draft"}, {"year": 2024, "status": "draft"})
SORT_KEYS = ("year", "unit", "name", "year_budget_fen", "total_score", "status")


def order_for(key: str, desc: bool) -> list[tuple[str, bool]]:
    """The window's sort shapes (perfdesk/ui/browser_model.py, without Qt here)."""
    if key == "name":
        return [("name", desc)]
    return [(key, desc)] + [(k, desc) for k in ("unit", "name") if k != key]


def _best_ms(fn) -> float:  # noqa: ANN001
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times) * 1000


def window_reads(store: Store) -> tuple[list[float], list[float]]:
    """Best-of-3 times (ms) of every page and every count the window may ask for."""
    pages, counts = [], []
    for f in FILTERS:
        for term in SEARCHES:
            for key in SORT_KEYS:
                for desc in (False, True):
                    pages.append(_best_ms(lambda: store.list(  # noqa: B023
                        search=term, order_by=order_for(key, desc), limit=201,  # noqa: B023
                        columns=LIST_COLUMNS, **f)))  # noqa: B023
            counts.append(_best_ms(lambda: store.count(search=term, **f)))  # noqa: B023
    return pages, counts

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
            decls = [seed_sized(i) for i in range(start, min(n, start + batch))]
            for i, d in enumerate(decls, start):
                d.name = f"{WORDS[i % len(WORDS)]}项目（{i:06d}）"
            store.save_many(decls)
        write_s = time.perf_counter() - t0
        pages, counts = window_reads(store)
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
                (f"window: a page of 201 rows, {len(pages)} sorts × filters × searches, median / worst",
                 f"{statistics.median(pages):.0f} ms / {max(pages):.0f} ms"),
                (f"window: the count under the list, {len(counts)} filters × searches, median / worst",
                 f"{statistics.median(counts):.0f} ms / {max(counts):.0f} ms"),
            ],
            ROOT / "bench" / "out" / "store.md",
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
