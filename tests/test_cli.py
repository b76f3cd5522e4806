"""The command line of interfaces.md, run as a real process on a real database file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.cli_helpers import run_cli

DATA = Path(__file__).parent / "data"
SEED = DATA / "seed.json"


def _import_seed(db: Path) -> int:
    r = run_cli("import", str(SEED), "--json", db=db)
    assert r.returncode == 0, r.stderr
    line = json.loads(r.stdout.strip().splitlines()[-1])
    assert line["status"] == "imported" and line["error"] is None
    return line["ids"][0]


def test_version_and_help():
    r = run_cli("--version")
    assert r.returncode == 0 and "perfdesk" in r.stdout
    r = run_cli("--help")
    assert r.returncode == 0 and "import" in r.stdout and "verify" in r.stdout


def test_import_show_list_round_trip(tmp_path, seed_dict):
    db = tmp_path / "db.sqlite"
    rid = _import_seed(db)
    r = run_cli("show", str(rid), "--json", db=db)
    assert r.returncode == 0, r.stderr
    shown = json.loads(r.stdout)
    assert {k: v for k, v in shown.items() if k not in ("id", "status", "revision")} == seed_dict
    assert (shown["id"], shown["status"], shown["revision"]) == (rid, "draft", 1)
    r = run_cli("list", "--year", "2019", "--json", db=db)
    assert json.loads(r.stdout) == [
        {"id": rid, "year": 2019, "unit": seed_dict["unit"], "name": seed_dict["name"],
         "status": "draft", "revision": 1, "has_evaluation": False}
    ]
    assert json.loads(run_cli("list", "--year", "2020", "--json", db=db).stdout) == []
    text = run_cli("list", db=db).stdout
    assert "12345市民服务热线外包服务" in text and "草稿" in text
    # the exported JSON imports back onto the same record: a new revision only if changed
    out = tmp_path / "shown.json"
    out.write_text(r.stdout if False else json.dumps(shown, ensure_ascii=False), encoding="utf-8")
    again = run_cli("import", str(out), "--json", db=db)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout.strip().splitlines()[-1])["ids"] == [rid]
    assert json.loads(run_cli("show", str(rid), "--json", db=db).stdout)["revision"] == 1


def test_show_text_lists_checks(tmp_path):
    db = tmp_path / "db.sqlite"
    rid = _import_seed(db)
    r = run_cli("show", str(rid), db=db)
    assert r.returncode == 0
    assert "12345市民服务热线外包服务" in r.stdout and "19,030,000.00" in r.stdout


def test_errors_are_one_chinese_sentence(tmp_path):
    db = tmp_path / "db.sqlite"
    r = run_cli("show", "42", db=db)
    assert r.returncode == 1
    assert "编号为 42 的项目" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    r = run_cli("--debug", "show", "42", db=db)
    assert r.returncode == 1 and "Traceback" in r.stderr


def test_bad_usage_exit_2(tmp_path):
    r = run_cli("show", "not-a-number", db=tmp_path / "db.sqlite")
    assert r.returncode == 2


def test_rejected_json_changes_nothing(tmp_path, seed_dict):
    db = tmp_path / "db.sqlite"
    _import_seed(db)
    bad = dict(seed_dict, name="坏文件", total_budget="一亿")
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    before = sqlite3.connect(db).execute("SELECT count(*) FROM revisions").fetchone()[0]
    r = run_cli("import", str(f), "--json", db=db)
    assert r.returncode == 1
    line = json.loads(r.stdout.strip().splitlines()[-1])
    assert line["status"] == "rejected" and line["ids"] == []
    assert "“项目总预算（元）”不是金额：“一亿”" in line["error"]  # the label, not the key
    assert sqlite3.connect(db).execute("SELECT count(*) FROM revisions").fetchone()[0] == before


def test_backup_and_check(tmp_path):
    db = tmp_path / "db.sqlite"
    _import_seed(db)
    r = run_cli("backup", "-o", str(tmp_path / "copy.sqlite"), db=db)
    assert r.returncode == 0, r.stderr
    r = run_cli("check", db=tmp_path / "copy.sqlite")
    assert r.returncode == 0 and "1 个项目" in r.stdout


def test_check_reports_damage(tmp_path):
    db = tmp_path / "db.sqlite"
    _import_seed(db)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("UPDATE revisions SET record_id = 999")
    conn.commit()
    conn.close()
    r = run_cli("check", db=db)
    assert r.returncode == 1 and "外键" in r.stderr


def test_perfdesk_db_environment_variable(tmp_path):
    db = tmp_path / "env.sqlite"
    r = run_cli("import", str(SEED), env={"PERFDESK_DB": str(db)})
    assert r.returncode == 0, r.stderr
    assert db.exists()
    assert "12345" in run_cli("list", env={"PERFDESK_DB": str(db)}).stdout


def test_finalize_then_edit_makes_revision(tmp_path, seed_dict):
    db = tmp_path / "db.sqlite"
    rid = _import_seed(db)
    r = run_cli("finalize", str(rid), db=db)
    assert r.returncode == 0, r.stderr
    changed = dict(seed_dict, remarks="定稿后修改")
    f = tmp_path / "changed.json"
    f.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    assert run_cli("import", str(f), db=db).returncode == 0
    cur = json.loads(run_cli("show", str(rid), "--json", db=db).stdout)
    assert (cur["revision"], cur["status"], cur["remarks"]) == (2, "draft", "定稿后修改")
    old = json.loads(run_cli("show", str(rid), "--json", "--revision", "1", db=db).stdout)
    assert (old["status"], old["remarks"]) == ("final", None)


def test_writing_commands_are_refused_while_locked(tmp_path):
    from perfdesk.store.lock import DatabaseLock

    db = tmp_path / "db.sqlite"
    lock = DatabaseLock(db)
    lock.acquire()  # this test process plays the colleague with the window open
    try:
        r = run_cli("import", str(SEED), db=db)
        assert r.returncode == 1
        assert "正由" in r.stderr and "unlock" in r.stderr and "Traceback" not in r.stderr
        assert run_cli("list", db=db).returncode == 0  # reading needs no lock
    finally:
        lock.release()
    assert run_cli("import", str(SEED), db=db).returncode == 0


def test_unlock_breaks_a_stale_lock(tmp_path):
    import json as _json

    db = tmp_path / "db.sqlite"
    (tmp_path / "db.sqlite.lock").write_text(
        _json.dumps({"user": "张三", "host": "other-pc", "pid": 1, "version": "0", "since": "2026-01-01T08:00:00+08:00", "token": "x"}),
        encoding="utf-8",
    )
    r = run_cli("import", str(SEED), db=db)
    assert r.returncode == 1 and "张三@other-pc" in r.stderr
    r = run_cli("unlock", db=db)
    assert r.returncode == 0 and "张三" in r.stdout
    assert run_cli("import", str(SEED), db=db).returncode == 0
    # --break-lock does the same in one go
    (tmp_path / "db.sqlite.lock").write_text(
        _json.dumps({"user": "李四", "host": "pc2", "pid": 1, "version": "0", "since": "", "token": "y"}),
        encoding="utf-8",
    )
    assert run_cli("--break-lock", "import", str(SEED), db=db).returncode == 0
