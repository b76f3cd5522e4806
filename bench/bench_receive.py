"""接收 at department scale: 200 unit packages holding 5,000 forms in all, taken in by the real
`perfdesk receive` command into a fresh database, against `perfdesk import` of the same forms as
JSON files (one file per package, the same records) in the same run. Target: receiving takes
less than 2× the JSON import (issue 17). Both sides start from an empty database each run.

    python bench/bench_receive.py [PACKAGES] [FORMS_PER_PACKAGE]   (default 200 25)
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, compile_bytecode, emit, seed_sized

from perfdesk.exchange.hand_in import pack
from perfdesk.models.serialize import declaration_to_dict
from perfdesk.store.database import Store


def make_packages(folder: Path, packages: int, per: int) -> tuple[list[Path], list[Path]]:
    """One unit database per package (the units' PCs), each packed; the same records as JSON."""
    pkgs, jsons = [], []
    for p in range(packages):
        with Store(folder / f"unit{p}.sqlite") as unit:
            decls = []
            for k in range(per):
                d = seed_sized(p * per + k, year=2024)
                d.unit = f"第{p:03d}单位"
                d.status = "final"
                decls.append(d)
            unit.save_many(decls)
            pkgs.append(pack(unit, folder / f"unit{p:03d}.pdpack", year=2024).path)
            docs = [
                {k: v for k, v in declaration_to_dict(unit.get(rid)).items() if k != "id"}
                for (rid,) in unit.list(year=2024, columns=("id",))
            ]
        path = folder / f"unit{p:03d}.json"
        path.write_text(json.dumps(docs, ensure_ascii=False), encoding="utf-8")
        jsons.append(path)
    return pkgs, jsons


def run(cmd: list[str], db: Path) -> float:
    db.unlink(missing_ok=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "perfdesk", "--db", str(db), *cmd],
        check=True, stdout=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    return time.perf_counter() - t0


def main() -> None:
    packages = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    per = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    compile_bytecode()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pkgs, jsons = make_packages(folder, packages, per)
        db = folder / "dept.sqlite"
        receive_times, import_times = [], []
        for _ in range(3):  # alternating, so drift of the machine hits both alike
            receive_times.append(run(["receive", *map(str, pkgs)], db))
            with Store(db) as check:
                assert check.count(year=2024) == packages * per
            import_times.append(run(["import", *map(str, jsons)], db))
        rec, imp = statistics.median(receive_times), statistics.median(import_times)
    forms = packages * per
    emit(
        f"Receiving {packages} packages ({forms:,} forms)",
        [
            ("`perfdesk receive` of the packages (whole process, median of 3)",
             f"{rec:.2f} s ({rec / forms * 1000:.2f} ms per form)"),
            ("`perfdesk import` of the same forms as JSON (median of 3)",
             f"{imp:.2f} s ({imp / forms * 1000:.2f} ms per form)"),
            ("ratio receive / JSON import (target < 2×)", f"{rec / imp:.2f}×"),
        ],
        ROOT / "bench" / "out" / "receive.md",
    )  # fmt: skip


if __name__ == "__main__":
    main()
