"""The 运行监控表 in the store (forms.md §5): what it costs to keep, and migration 0012.

Measures, in one run on one database file of RECORDS projects (half with a 运行监控表):
* saving 1,000 records with a 运行监控表 against the same records without one (the form's
  fingerprint and the list's 监控 columns are derived on every save), best of 3 each;
* ``check_monitoring`` of one form with 20 indicators against ``check_declaration`` of its
  declaration (what the window runs after each keystroke pause), median of 200;
* migration 0012 on a copy of the file taken back to schema 11 (the new columns and the
  backfill of every document that holds a form), against a bare ``SELECT`` that reads
  every document once in SQLite (the least any backfill must do).

    python bench/bench_monitoring.py [RECORDS]     (default 20000)
"""

from __future__ import annotations

import copy
import datetime as dt
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from common import ROOT, emit, seed_sized

from perfdesk.models.checks import check_declaration, check_monitoring
from perfdesk.models.monitoring import make_monitoring
from perfdesk.models.records import Declaration
from perfdesk.store.database import Store

BATCH = 1000


def with_form(decl: Declaration, i: int) -> Declaration:
    decl = copy.deepcopy(decl)
    m = make_monitoring(decl, dt.date(decl.year, 7, 3))
    m.spent_to_date = Decimal(60000000 + i)
    m.forecast_spent = Decimal(130000000)
    for k, ind in enumerate(m.indicators):
        ind.progress = f"已完成{40 + k}%"
        ind.likelihood = "确定能" if k % 5 else "有可能"
        if ind.likelihood != "确定能":
            ind.cause, ind.deviation, ind.remedy = "人员保障", "人员到岗推迟。", "下半年补足。"
    decl.monitoring = m
    return decl


def save_seconds(path: Path, decls: list[Declaration]) -> float:
    best = []
    for n in range(3):
        target = path.with_name(f"{path.stem}-{n}.sqlite")
        with Store(target) as s:
            t0 = time.perf_counter()
            s.save_many(decls)
            best.append(time.perf_counter() - t0)
    return min(best)


def main(records: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plain = [seed_sized(i) for i in range(BATCH)]
        formed = [with_form(d, i) for i, d in enumerate(plain)]
        without_s = save_seconds(folder / "without.sqlite", plain)
        with_s = save_seconds(folder / "with.sqlite", formed)

        sample = formed[0]
        checks_mon, checks_decl = [], []
        for _ in range(200):
            t0 = time.perf_counter()
            check_monitoring(sample)
            checks_mon.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            check_declaration(sample)
            checks_decl.append(time.perf_counter() - t0)

        db = folder / "big.sqlite"
        t0 = time.perf_counter()
        with Store(db) as s:
            for start in range(0, records, BATCH):
                s.save_many(
                    [
                        with_form(seed_sized(i), i) if i % 2 else seed_sized(i)
                        for i in range(start, min(records, start + BATCH))
                    ]
                )
        write_s = time.perf_counter() - t0
        old = folder / "before.sqlite"
        shutil.copyfile(db, old)
        with sqlite3.connect(old) as c:
            c.execute("DROP INDEX revisions_fpm")
            c.execute("ALTER TABLE revisions DROP COLUMN fingerprint_monitoring")
            c.execute("ALTER TABLE records DROP COLUMN monitoring_status")
            c.execute("ALTER TABLE records DROP COLUMN monitoring_alert")
            c.execute("DELETE FROM _sqlite_migrations WHERE name = '0012_monitoring'")
            c.execute("PRAGMA user_version = 11")
        c.close()
        bare = []
        for _ in range(3):
            with sqlite3.connect(old) as c:
                t0 = time.perf_counter()
                c.execute(
                    "SELECT count(*) FROM revisions WHERE json_valid(doc) "
                    "AND json_type(doc, '$.monitoring') = 'object'"
                ).fetchone()
                bare.append(time.perf_counter() - t0)
            c.close()
        t0 = time.perf_counter()
        Store(old, backups=-1).close()
        migrate_s = time.perf_counter() - t0
        with Store(old, readonly=True) as s:
            flagged = s.conn.execute(
                "SELECT count(*) FROM records WHERE monitoring_status IS NOT NULL"
            ).fetchone()[0]
        assert flagged == records // 2, flagged

        def ms(seconds: float) -> str:
            return f"{seconds * 1000:.2f} ms"

        emit(
            f"运行监控表 in the store: {records:,} projects, half with a form",
            [
                (f"saving {BATCH:,} records with / without a 运行监控表 (best of 3)",
                 f"{with_s:.2f} s / {without_s:.2f} s (×{with_s / without_s:.2f})"),
                ("check_monitoring / check_declaration of one record (20 indicators), median",
                 f"{ms(statistics.median(checks_mon))} / {ms(statistics.median(checks_decl))}"),
                (f"writing the {records:,} records", f"{write_s:.1f} s"),
                ("migration 0012 on this file taken back to schema 11 (whole open)",
                 f"{migrate_s:.2f} s"),
                ("bare SQLite reading every document once (best of 3)",
                 f"{min(bare):.2f} s (ratio ×{migrate_s / min(bare):.1f})"),
            ],  # fmt: skip
            ROOT / "bench" / "out" / "monitoring.md",
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
