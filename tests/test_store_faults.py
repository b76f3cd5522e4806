"""Storage faults and damage on real SQLite files: a read-only file or folder (chattr +i,
which binds root too), a full disk (SQLite's own SQLITE_FULL through max_page_count, and
ENOSPC from the OS where perfdesk writes files itself), a file held by another connection,
damaged pages, a revision edited behind the program's back and a schema from the future.
Every one is named in one sentence, and nothing is left half-written."""

from __future__ import annotations

import copy
import errno
import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from perfdesk.carry import carry_forward
from perfdesk.models.errors import StoreError
from perfdesk.store import lock as lock_module
from perfdesk.store.backups import auto_backup, restore_backup
from perfdesk.store.check import check_file, recover
from perfdesk.store.check import problems as check_problems
from perfdesk.store.database import Store
from perfdesk.store.faults import BusyError, DamagedError, DiskFullError
from perfdesk.store.lock import DatabaseLock
from tests.cli_helpers import run_cli

DATA = Path(__file__).parent / "data"
SEED = DATA / "seed.json"
NAMES = ("甲项目", "乙项目", "受损项目", "丁项目", "戊项目")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fill(store: Store, seed_decl) -> dict[str, int]:  # noqa: ANN001
    ids = {}
    for name in NAMES:
        d = copy.deepcopy(seed_decl)
        d.id, d.name = None, name
        d.remarks = f"MARK-{name}-" + "备注" * 50
        ids[name] = store.save(d).record.id
    return ids


@pytest.fixture
def filled(store, seed_decl):  # noqa: ANN001
    return store, _fill(store, seed_decl)


def _chattr(path: Path, flag: str) -> bool:
    if shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0


@pytest.fixture
def immutable():
    """chattr +i: not even root may write the file or create files in the folder."""
    made: list[Path] = []

    def make(path: Path) -> None:
        if not _chattr(path, "+i"):
            pytest.skip("chattr +i is not available here")
        made.append(path)

    yield make
    for path in made:
        _chattr(path, "-i")


def _one_sentence(stderr: str) -> None:
    assert "Traceback" not in stderr and "sqlite3." not in stderr, stderr
    assert "程序内部错误" not in stderr, stderr
    assert len(stderr.strip().splitlines()) == 1, stderr


# ------------------------------------------------------------------ read-only


def test_read_only_database_is_named_and_unchanged(filled, immutable, tmp_path):
    store, ids = filled
    path = store.path
    store.close()
    before = _sha(path)
    immutable(path)
    r = run_cli("finalize", str(ids["甲项目"]), db=path)
    assert r.returncode == 1 and "数据库只读" in r.stderr
    _one_sentence(r.stderr)
    r = run_cli("carry", str(ids["甲项目"]), "--to-year", "2020", db=path)
    assert r.returncode == 1 and "数据库只读" in r.stderr
    _one_sentence(r.stderr)
    r = run_cli("import", str(SEED), "--json", db=path)
    assert r.returncode == 1 and "数据库只读" in r.stdout + r.stderr
    assert "程序内部错误" not in r.stdout + r.stderr
    assert _sha(path) == before
    assert not list(tmp_path.glob("*.lock")) and not list(tmp_path.glob("*.tmp"))
    # Reading still works.
    r = run_cli("list", db=path)
    assert r.returncode == 0 and "甲项目" in r.stdout


def test_read_only_folder_refuses_writes_and_backups(filled, immutable, tmp_path):
    store, ids = filled
    path = store.path
    store.close()
    folder = tmp_path / "ro"
    folder.mkdir()
    immutable(folder)
    r = run_cli("finalize", str(ids["甲项目"]), db=path, env={})
    assert r.returncode == 0  # the database's own folder is writable
    r = run_cli("backup", "-o", str(folder / "copy.sqlite"), db=path)
    assert r.returncode == 1 and "只读" in r.stderr
    _one_sentence(r.stderr)
    assert list(folder.iterdir()) == []
    # The database in a read-only folder: the lock cannot be made, nothing is written.
    inside = tmp_path / "inside"
    inside.mkdir()
    shutil.copy(path, inside / "db.sqlite")
    immutable(inside)
    r = run_cli("finalize", str(ids["乙项目"]), db=inside / "db.sqlite")
    assert r.returncode == 1 and "数据库只读" in r.stderr
    _one_sentence(r.stderr)


# ------------------------------------------------------------------ full disk


def test_full_database_rolls_back_and_says_so(filled, tmp_path):
    """SQLite's own SQLITE_FULL: no page may be added to the file."""
    store, ids = filled
    (pages,) = store.conn.execute("PRAGMA page_count").fetchone()
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DiskFullError, match="磁盘空间已满"):
        for i in range(50):  # the free space left in the pages fills up
            d = store.get(ids["乙项目"])
            d.id, d.name = None, f"新项目{i}"
            store.save(d)
    before = store.count()
    with pytest.raises(DiskFullError, match="磁盘空间已满"):
        carry_forward(store, ids["甲项目"], 2020)
    from perfdesk.excel.batch import import_file

    result = import_file(store, SEED)
    assert result.status == "rejected" and result.error.startswith("磁盘空间已满")
    assert store.count() == before and check_problems(store) == []


def test_full_disk_leaves_no_lock(tmp_path, monkeypatch):
    db = tmp_path / "db.sqlite"

    def no_space(fd, data):  # noqa: ANN001
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(lock_module.os, "write", no_space)
    with pytest.raises(DiskFullError, match="磁盘空间已满"):
        DatabaseLock(db).acquire()
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    with DatabaseLock(db):  # space freed: the database is not blocked
        assert lock_module.lock_path(db).read_text(encoding="utf-8").startswith("{")


def test_full_disk_leaves_no_half_backup(filled, tmp_path, monkeypatch):
    store, _ids = filled
    connect = sqlite3.connect

    def small_disk(target, *args, **kw):  # noqa: ANN001
        conn = connect(target, *args, **kw)
        if str(target).endswith(".part"):
            conn.execute("PRAGMA max_page_count = 3")
        return conn

    monkeypatch.setattr(sqlite3, "connect", small_disk)
    out = tmp_path / "backups"
    with pytest.raises(DiskFullError, match="磁盘空间已满"):
        store.backup(out / "copy.sqlite")
    with pytest.raises(DiskFullError):
        auto_backup(store, out, force=True)
    assert list(out.iterdir()) == []


# ------------------------------------------------------------------ held by someone else


def test_database_held_by_another_writer(filled):
    store, ids = filled
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        store.conn.execute("PRAGMA busy_timeout = 50")
        with pytest.raises(BusyError, match="被某人占用"):
            store.finalize(ids["甲项目"])
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.finalize(ids["甲项目"]).status == "final"


# ------------------------------------------------------------------ damage


def _damage_doc_of(path: Path, name: str) -> None:
    """Overwrite bytes in the page that holds this record's revision text."""
    data = bytearray(path.read_bytes())
    at = data.find(f"MARK-{name}-".encode())
    assert at > 0
    data[at - 40 : at + 400] = bytes(random.Random(7).randrange(256) for _ in range(440))
    path.write_bytes(bytes(data))


def _damage_page_of(path: Path, name: str) -> None:
    """Overwrite the start of the page that holds this record's revision text (for an
    overflow page: the link to the next one), so the file's structure is damaged."""
    data = bytearray(path.read_bytes())
    at = data.find(f"MARK-{name}-".encode())
    page = at // 4096 * 4096
    data[page : page + 8] = b"\xff" * 8
    data[at : at + 64] = bytes(random.Random(7).randrange(256) for _ in range(64))
    path.write_bytes(bytes(data))


def test_damaged_page_is_named_by_check_and_refused_by_every_command(filled, tmp_path):
    store, ids = filled
    path = store.path
    store.close()
    _damage_page_of(path, "受损项目")
    before = _sha(path)

    r = run_cli("check", db=path)
    assert r.returncode == 1, r.stderr
    assert f"编号 {ids['受损项目']} “受损项目”" in r.stderr and "Traceback" not in r.stderr
    assert not any(f"“{n}”" in r.stderr for n in NAMES if n != "受损项目")

    r = run_cli("show", str(ids["受损项目"]), db=path)
    assert r.returncode == 1 and "perfdesk check" in r.stderr and "recover" in r.stderr
    assert "自动备份" in r.stderr
    _one_sentence(r.stderr)
    for args in (("import", str(SEED)), ("finalize", str(ids["甲项目"])),
                 ("carry", str(ids["甲项目"]), "--to-year", "2020")):  # fmt: skip
        r = run_cli(*args, db=path)
        assert r.returncode == 1 and "perfdesk check" in r.stdout + r.stderr, args
        assert "Traceback" not in r.stderr
    assert _sha(path) == before  # never written

    r = run_cli("recover", "-o", str(tmp_path / "saved.sqlite"), db=path)
    assert r.returncode == 1 and "受损项目" in r.stderr and "已把 4 个项目救到" in r.stdout
    assert check_file(tmp_path / "saved.sqlite").ok
    with Store(tmp_path / "saved.sqlite") as saved:
        assert sorted(r[0] for r in saved.list(columns=("name",))) == sorted(
            n for n in NAMES if n != "受损项目"
        )
        assert saved.find_id(2019, saved.get(ids["甲项目"]).unit, "甲项目") == ids["甲项目"]


def test_check_never_crashes_on_random_page_damage(filled, tmp_path):
    store, _ids = filled
    path = store.path
    store.close()
    size = path.stat().st_size
    pages = size // 4096
    rng = random.Random(13)
    for trial in range(25):
        copy_ = tmp_path / f"d{trial}.sqlite"
        data = bytearray(path.read_bytes())
        page = rng.randrange(1, pages)  # page 0 is the header: see the newer-schema test
        start = page * 4096 + rng.randrange(0, 4000)
        data[start : start + 96] = bytes(rng.randrange(256) for _ in range(96))
        copy_.write_bytes(bytes(data))
        report = check_file(copy_)  # must not raise
        for d in report.damage:
            assert d.message
        out = tmp_path / f"r{trial}.sqlite"
        if report.version is not None:
            saved = recover(copy_, out)
            assert check_file(out).ok
            assert len(saved.saved) + len({d.record_id for d in saved.lost}) >= 1


def test_damaged_text_of_one_record(filled, seed_dict, tmp_path):
    """Damage inside a revision's text leaves the file's structure sound: commands that
    touch other records go on, the damaged record is never written over."""
    store, ids = filled
    rid = ids["受损项目"]
    path = store.path
    store.close()
    _damage_doc_of(path, "受损项目")
    r = run_cli("check", db=path)
    assert r.returncode == 1 and f"编号 {rid} “受损项目”" in r.stderr
    r = run_cli("show", str(rid), db=path)
    assert r.returncode == 1 and "perfdesk check" in r.stderr
    _one_sentence(r.stderr)
    before = _sha(path)
    r = run_cli("finalize", str(rid), db=path)
    assert r.returncode == 1 and "perfdesk check" in r.stderr
    _one_sentence(r.stderr)
    same = tmp_path / "same.json"
    with Store(path, readonly=True) as s:
        unit = s.list(columns=("unit",))[0][0]
    import json

    same.write_text(json.dumps(dict(seed_dict, name="受损项目", unit=unit), ensure_ascii=False),
                    encoding="utf-8")  # fmt: skip
    r = run_cli("import", str(same), "--json", db=path)
    assert r.returncode == 1 and "perfdesk check" in r.stdout
    assert _sha(path) == before


def test_undecodable_revision(filled):
    store, ids = filled
    rid = ids["乙项目"]
    store.conn.execute(
        "UPDATE revisions SET doc = '{\"year\": 2019, \"name\": \"乙项目\", broken' "
        "WHERE record_id = ?",
        [rid],
    )
    found = check_problems(store)
    assert any(f"编号 {rid} “乙项目”" in p and "无法解读" in p for p in found), found
    with pytest.raises(DamagedError, match="perfdesk check"):
        store.get(rid)
    r = run_cli("show", str(rid), db=store.path)
    assert r.returncode == 1 and "无法解读" in r.stderr
    _one_sentence(r.stderr)


def test_amount_edited_behind_the_program(filled):
    store, ids = filled
    rid = ids["丁项目"]
    store.conn.execute(
        "UPDATE revisions SET doc = replace(doc, '133340000', '933340000') WHERE record_id = ?",
        [rid],
    )
    found = check_problems(store)
    assert any(f"编号 {rid} “丁项目”" in p and "指纹不符" in p for p in found), found
    # Nothing is built on the altered content: it would get a fingerprint of its own.
    with pytest.raises(DamagedError, match="指纹不符"):
        store.finalize(rid)
    r = run_cli("check", db=store.path)
    assert r.returncode == 1 and "丁项目" in r.stderr
    for args in (("show", str(rid)), ("show", str(rid), "--json")):
        r = run_cli(*args, db=store.path)
        assert r.returncode == 1 and "指纹不符" in r.stderr and "perfdesk check" in r.stderr
        assert "933" not in r.stdout
        _one_sentence(r.stderr)
    assert run_cli("show", str(ids["甲项目"]), db=store.path).returncode == 0


def test_newer_schema_is_refused_and_never_written(filled, tmp_path):
    store, _ids = filled
    path = store.path
    store.conn.execute("PRAGMA user_version = 99")
    store.close()
    before = _sha(path)
    for args in (("list",), ("import", str(SEED)), ("show", "1"), ("backup", "-o",
                 str(tmp_path / "b.sqlite"))):  # fmt: skip
        r = run_cli(*args, db=path)
        assert r.returncode == 1 and "更新版本" in r.stdout + r.stderr, args
        assert "Traceback" not in r.stderr
    r = run_cli("check", db=path)
    assert r.returncode == 1 and "架构版本 99" in r.stderr
    assert _sha(path) == before
    with pytest.raises(StoreError, match="更新版本"):
        Store(path)


# ------------------------------------------------------------------ restore


def test_tampered_backup_is_refused(filled, tmp_path):
    store, ids = filled
    backup = store.backup(tmp_path / "b.sqlite")
    conn = sqlite3.connect(backup)
    conn.execute("UPDATE revisions SET doc = replace(doc, '133340000', '933340000')")
    conn.commit()
    conn.close()
    before = _sha(store.path)
    store.close()
    r = run_cli("restore", str(backup), db=tmp_path / "perfdesk.sqlite")
    assert r.returncode == 1 and "未通过检查" in r.stderr and "指纹不符" in r.stderr
    _one_sentence(r.stderr)
    assert _sha(tmp_path / "perfdesk.sqlite") == before
    assert not list(tmp_path.glob("*before-restore*")) and not list(tmp_path.glob("*.restore"))


def test_two_restores_in_one_second_keep_both_originals(filled, seed_decl, tmp_path):
    store, _ids = filled
    path = store.path
    backup = store.backup(tmp_path / "b.sqlite")
    d = copy.deepcopy(seed_decl)
    d.id, d.name = None, "备份之后新建"
    store.save(d)
    store.close()
    first_original = path.read_bytes()
    saved1 = restore_backup(backup, path)
    second_original = path.read_bytes()
    saved2 = restore_backup(backup, path)
    assert saved1 and saved2 and saved1 != saved2
    assert saved1.read_bytes() == first_original and saved2.read_bytes() == second_original
    r = run_cli("restore", str(backup), db=path)
    assert r.returncode == 0
    kept = [p for p in tmp_path.glob("perfdesk.before-restore-*.sqlite") if str(p) in r.stdout]
    assert len(kept) == 1 and kept[0] not in (saved1, saved2)
    assert len(list(tmp_path.glob("perfdesk.before-restore-*.sqlite"))) == 3


def test_restore_of_a_damaged_backup_is_refused(filled, tmp_path):
    store, _ids = filled
    backup = store.backup(tmp_path / "b.sqlite")
    _damage_doc_of(backup, "甲项目")
    with pytest.raises(StoreError, match="未通过检查"):
        restore_backup(backup, store.path)
    assert store.count() == len(NAMES)


def test_restore_over_a_damaged_database_keeps_it_for_recover(filled, tmp_path):
    store, _ids = filled
    path = store.path
    backup = store.backup(tmp_path / "b.sqlite")
    store.close()
    _damage_doc_of(path, "受损项目")
    damaged = path.read_bytes()
    saved = restore_backup(backup, path)
    assert saved is not None and saved.read_bytes() == damaged
    assert check_file(path).ok and not check_file(saved).ok
    assert not os.path.exists(str(path) + ".restore")


def test_restore_into_a_read_only_folder(filled, immutable, tmp_path):
    store, _ids = filled
    backup = store.backup(tmp_path / "b.sqlite")
    folder = tmp_path / "ro"
    folder.mkdir()
    shutil.copy(store.path, folder / "db.sqlite")
    before = _sha(folder / "db.sqlite")
    immutable(folder)
    r = run_cli("restore", str(backup), db=folder / "db.sqlite")
    assert r.returncode == 1 and "数据库只读" in r.stderr
    _one_sentence(r.stderr)
    assert sorted(p.name for p in folder.iterdir()) == ["db.sqlite"]
    assert _sha(folder / "db.sqlite") == before


def test_commands_on_random_damage_answer_in_one_sentence(filled, tmp_path):
    """Reading commands on files with random damage in their pages: a result, or one
    sentence that points to check and recover — never a traceback."""
    store, ids = filled
    path = store.path
    store.close()
    rng = random.Random(5)
    pages = path.stat().st_size // 4096
    for trial in range(4):
        copy_ = tmp_path / f"d{trial}.sqlite"
        data = bytearray(path.read_bytes())
        for _ in range(3):
            start = rng.randrange(1, pages) * 4096 + rng.randrange(0, 3900)
            data[start : start + 200] = bytes(rng.randrange(256) for _ in range(200))
        copy_.write_bytes(bytes(data))
        for args in (("list",), ("show", str(ids["受损项目"])), ("check",)):
            r = run_cli(*args, db=copy_)
            assert "Traceback" not in r.stderr, (trial, args, r.stderr)
            if r.returncode != 0 and args[0] != "check":
                _one_sentence(r.stderr)
                assert "perfdesk check" in r.stderr, (trial, args, r.stderr)
