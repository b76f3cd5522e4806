"""Automatic daily backups on real files: made, skipped, pruned, listed and restored."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from perfdesk.cli import main as cli_main
from perfdesk.models.errors import StoreError
from perfdesk.store.backups import (
    auto_backup,
    auto_backups,
    backup_folder,
    backup_kind,
    backup_time,
    list_backups,
    prune,
    restore_backup,
)
from perfdesk.store.check import problems as check_problems
from perfdesk.store.database import Store

DATA = Path(__file__).parent / "data"
DAY1 = dt.datetime(2024, 3, 1, 8, 30, 0)


def _names(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


@pytest.fixture
def filled(store: Store, seed_decl) -> Store:
    store.save(seed_decl)
    return store


def test_first_start_of_the_day_backs_up_then_not_again(filled: Store) -> None:
    made = auto_backup(filled, now=DAY1)
    assert made is not None
    assert made.parent == backup_folder(filled.path) == filled.path.parent / "backups"
    assert made.name == "perfdesk.auto-20240301-083000.sqlite"
    assert auto_backup(filled, now=DAY1 + dt.timedelta(hours=9)) is None
    nxt = auto_backup(filled, now=DAY1 + dt.timedelta(days=1))
    assert nxt is not None and nxt.name == "perfdesk.auto-20240302-083000.sqlite"
    assert auto_backups(filled.path) == [nxt, made]
    assert not list(made.parent.glob("*.part"))


def test_backup_is_a_complete_database(filled: Store, seed_decl) -> None:
    made = auto_backup(filled, now=DAY1)
    assert made is not None
    with Store(made, create=False) as copy:
        assert check_problems(copy) == []
        rows = copy.list(columns=("id", "name"))
        assert [r[1] for r in rows] == [seed_decl.name]
        assert copy.get(rows[0][0]).total_budget == seed_decl.total_budget


def test_empty_database_is_not_backed_up_unless_forced(store: Store) -> None:
    assert auto_backup(store, now=DAY1) is None
    assert not backup_folder(store.path).exists()
    forced = auto_backup(store, now=DAY1, force=True)
    assert forced is not None and forced.exists()


def test_keeps_the_newest_n(filled: Store) -> None:
    made = [auto_backup(filled, keep=3, now=DAY1 + dt.timedelta(days=i)) for i in range(5)]
    assert all(m is not None for m in made)
    kept = auto_backups(filled.path)
    assert _names(kept) == [
        "perfdesk.auto-20240305-083000.sqlite",
        "perfdesk.auto-20240304-083000.sqlite",
        "perfdesk.auto-20240303-083000.sqlite",
    ]
    assert not made[0].exists() and not made[1].exists()  # type: ignore[union-attr]


def test_prune_touches_only_automatic_backups_of_this_database(filled: Store) -> None:
    folder = backup_folder(filled.path)
    for i in range(3):
        auto_backup(filled, now=DAY1 + dt.timedelta(days=i))
    other_db = folder / "other.auto-20240101-000000.sqlite"
    notes = folder / "说明.txt"
    other_db.write_bytes(b"x")
    notes.write_text("别删", encoding="utf-8")
    removed = prune(filled.path, keep=1)
    assert len(removed) == 2
    assert other_db.exists() and notes.exists()
    assert len(auto_backups(filled.path)) == 1
    with pytest.raises(ValueError):
        prune(filled.path, keep=0)


def test_custom_folder(filled: Store, tmp_path: Path) -> None:
    elsewhere = tmp_path / "U盘" / "备份"
    made = auto_backup(filled, folder=elsewhere, now=DAY1)
    assert made is not None and made.parent == elsewhere
    assert list_backups(filled.path, folder=elsewhere) == [made]
    assert list_backups(filled.path) == []  # default folder has none


def test_unwritable_folder_is_a_clear_store_error(filled: Store, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "occupied"
    not_a_folder.write_text("a file where the folder should be")
    # The reason in Chinese (the system's English strerror stays in the chain).
    with pytest.raises(StoreError, match="无法在.*中建立自动备份（[^A-Za-z（）]+）"):
        auto_backup(filled, folder=not_a_folder, now=DAY1)


def test_list_includes_migration_and_restore_copies_newest_first(tmp_path: Path) -> None:
    db = tmp_path / "perfdesk.sqlite"
    shutil.copyfile(DATA / "schema" / "v1.sqlite", db)
    with Store(db) as store:  # migrates v1 → current, backing up first
        migration = [p for p in list_backups(db) if backup_kind(p, db) == "migration"]
        assert len(migration) == 1 and migration[0].name.startswith("perfdesk.v1-")
        late = dt.datetime.now() + dt.timedelta(days=1)
        auto = auto_backup(store, now=late)
        assert auto is not None
    saved = restore_backup(auto, db)
    assert saved is not None and backup_kind(saved, db) == "before-restore"
    listed = list_backups(db)
    assert listed[0] == auto  # its stamp is a day ahead: newest
    assert set(listed) == {auto, migration[0], saved}
    times = [backup_time(p) for p in listed]
    assert times == sorted(times, reverse=True)  # type: ignore[type-var]


def test_restore_an_automatic_backup_after_a_mistake(filled: Store, seed_decl) -> None:
    made = auto_backup(filled, now=DAY1)
    assert made is not None
    rid = filled.list(columns=("id",))[0][0]
    filled.delete(rid)
    db = filled.path
    filled.close()
    assert cli_main(["--db", str(db), "restore", str(made)]) == 0
    with Store(db) as back:
        assert back.get(rid).name == seed_decl.name


def test_chinese_folder_database_and_backups(tmp_path: Path, seed_decl) -> None:
    db = tmp_path / "绩效" / "申报" / "绩效库.sqlite"
    with Store(db) as store:
        store.save(seed_decl)
        made = auto_backup(store, now=DAY1)
    assert made is not None
    assert made == db.parent / "backups" / "绩效库.auto-20240301-083000.sqlite"
    assert list_backups(db) == [made]
    assert restore_backup(made, db) is not None
    with Store(db) as again:
        assert again.count() == 1
