"""A process killed with SIGKILL in the middle of a batch import leaves a sound database
with each file fully in or not at all."""

from __future__ import annotations

import json
import signal
import sqlite3
import time
from pathlib import Path

from perfdesk.models.serialize import declaration_from_dict, declaration_to_dict, loads
from perfdesk.store.database import Store
from tests.cli_helpers import popen_cli, run_cli

N_FILES = 150


def _make_batch(folder: Path, seed_dict: dict) -> dict[str, dict]:
    folder.mkdir()
    expected = {}
    for i in range(N_FILES):
        d = dict(seed_dict, name=f"{seed_dict['name']}{i:03d}", remarks="备注" * (i % 7 + 1))
        d["indicators"] = seed_dict["indicators"] * 3
        (folder / f"f{i:03d}.json").write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
        expected[d["name"]] = d
    return expected


def _count(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("SELECT count(*) FROM records").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0


def test_sigkill_mid_import_leaves_sound_database(tmp_path, seed_dict):
    expected = _make_batch(tmp_path / "batch", seed_dict)
    mid_batch_seen = False
    for attempt, target in enumerate((5, 40, 90)):
        db = tmp_path / f"db{attempt}.sqlite"
        proc = popen_cli("import", str(tmp_path / "batch"), db=db)
        deadline = time.monotonic() + 60
        while _count(db) < target and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        r = run_cli("check", db=db)
        assert r.returncode == 0, r.stderr
        with Store(db) as store:
            rows = store.list()
            if 0 < len(rows) < N_FILES:
                mid_batch_seen = True
            for row in rows:
                got = {k: v for k, v in declaration_to_dict(store.get(row[0])).items()
                       if k not in ("id", "status", "revision")}
                want = declaration_to_dict(declaration_from_dict(loads(json.dumps(expected[row[3]], ensure_ascii=False))), with_store_keys=False)
                assert got == want, f"{row[3]} is only partly in the database"
    assert mid_batch_seen, "the kill never landed in the middle of the batch"
