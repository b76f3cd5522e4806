"""perfdesk delete / undelete / list --deleted as real processes on a real database file."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_helpers import run_cli

DATA = Path(__file__).parent / "data"


def _import(db: Path, *files: Path) -> list[int]:
    r = run_cli("import", *map(str, files), "--json", db=db)
    assert r.returncode == 0, r.stderr
    return [i for line in r.stdout.splitlines() for i in json.loads(line)["ids"]]


def _listed(db: Path) -> list[int]:
    return [row["id"] for row in json.loads(run_cli("list", "--json", db=db).stdout)]


def test_delete_list_deleted_undelete_and_import_again(tmp_path):
    db = tmp_path / "db.sqlite"
    (rid,) = _import(db, DATA / "seed.json")
    r = run_cli("delete", str(rid), db=db)
    assert r.returncode == 0, r.stderr
    assert "已删除：编号" in r.stdout and f"perfdesk undelete {rid}" in r.stdout
    assert _listed(db) == []
    deleted = json.loads(run_cli("list", "--deleted", "--json", db=db).stdout)
    assert [(d["id"], d["name"], d["revision"]) for d in deleted] == [
        (rid, "12345市民服务热线外包服务", 1)
    ]
    text = run_cli("list", "--deleted", db=db).stdout
    assert "12345市民服务热线外包服务" in text and "共 1 个已删除的项目" in text
    # show still reads it, and says it is deleted.
    shown = run_cli("show", str(rid), db=db)
    assert shown.returncode == 0 and "已删除" in shown.stdout
    # verify still matches its printout, and says where it went.
    pdf = tmp_path / "printed.pdf"
    assert run_cli("undelete", str(rid), db=db).returncode == 0
    assert run_cli("print", str(rid), "-o", str(pdf), db=db).returncode == 0
    assert run_cli("delete", str(rid), db=db).returncode == 0
    verified = run_cli("verify", str(pdf), db=db)
    assert verified.returncode == 0 and f"perfdesk undelete {rid}" in verified.stdout
    # Deleting it again, or a project that does not exist: one sentence, exit 1.
    again = run_cli("delete", str(rid), db=db)
    assert again.returncode == 1 and "已经删除" in again.stderr and "Traceback" not in again.stderr
    assert run_cli("delete", "999", db=db).returncode == 1
    # undelete: back in the list at the same revision.
    back = run_cli("undelete", str(rid), db=db)
    assert back.returncode == 0 and "已恢复" in back.stdout and "第 1 版" in back.stdout
    assert _listed(db) == [rid]
    assert json.loads(run_cli("list", "--deleted", "--json", db=db).stdout) == []
    # Deleted, then the same form imported again: the same project, a new revision.
    assert run_cli("delete", str(rid), db=db).returncode == 0
    assert _import(db, DATA / "seed.json") == [rid]
    assert _listed(db) == [rid]
    assert json.loads(run_cli("show", str(rid), "--json", db=db).stdout)["revision"] == 2


def test_a_final_project_needs_force_and_several_go_all_or_none(tmp_path):
    db = tmp_path / "db.sqlite"
    (a,) = _import(db, DATA / "seed.json")
    (b,) = _import(db, DATA / "excel_out" / "national_full.json")
    assert run_cli("finalize", str(a), db=db).returncode == 0
    r = run_cli("delete", str(b), str(a), db=db)
    assert r.returncode == 1
    assert "已定稿" in r.stderr and "--force" in r.stderr and "未删除任何项目" in r.stderr
    assert sorted(_listed(db)) == sorted([a, b])  # b was not deleted either
    r = run_cli("delete", str(b), str(a), "--force", db=db)
    assert r.returncode == 0, r.stderr
    assert _listed(db) == [] and r.stdout.count("已删除：") == 2
    assert run_cli("undelete", str(a), str(b), db=db).returncode == 0
    assert sorted(_listed(db)) == sorted([a, b])
    r = run_cli("undelete", str(a), db=db)
    assert r.returncode == 1 and "没有被删除" in r.stderr
