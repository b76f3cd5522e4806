"""Automatic dated backups of the database: one a day on start, the last N kept.

A clerk who deletes a project, imports the wrong year over the right one, or whose network
folder hiccups must be able to go back to yesterday without having planned for it. Backups
are made through SQLite's online backup API (``Store.backup``), so they are consistent even
while the database is in use, and every copy is a complete perfdesk database that
``perfdesk restore FILE`` (:func:`restore_backup`) puts back after checking it.

Files, all in the database's folder unless said otherwise:
- ``backups/<stem>.auto-YYYYMMDD-HHMMSS.sqlite`` — made by :func:`auto_backup`, pruned to
  the newest ``keep``;
- ``<stem>.vN-YYYYMMDD-HHMMSS.bak.sqlite`` — made by the store before migrating schema N
  (never pruned: they are rare and the last way back from a bad upgrade);
- ``<stem>.before-restore-YYYYMMDD-HHMMSS.sqlite`` — the file a restore replaced.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
from pathlib import Path

from perfdesk.models.errors import StoreError
from perfdesk.models.words import os_reason
from perfdesk.paths import BACKUP_DIRNAME as BACKUP_DIRNAME
from perfdesk.paths import backup_folder as backup_folder
from perfdesk.store.check import check_file
from perfdesk.store.database import Store
from perfdesk.store.faults import (
    BusyError,
    DamagedError,
    DiskFullError,
    ReadOnlyError,
    storage_error,
)

DEFAULT_KEEP = 10
_STAMP = "%Y%m%d-%H%M%S"
_STAMP_RE = r"(\d{8}-\d{6})"


def _patterns(stem: str) -> list[tuple[str, re.Pattern[str]]]:
    s = re.escape(stem)
    return [
        ("auto", re.compile(rf"^{s}\.auto-{_STAMP_RE}\.sqlite$")),
        ("migration", re.compile(rf"^{s}\.v\d+-{_STAMP_RE}\.bak\.sqlite$")),
        ("before-restore", re.compile(rf"^{s}\.before-restore-{_STAMP_RE}\.sqlite$")),
    ]


def backup_kind(path: Path, db_path: str | os.PathLike[str]) -> str | None:
    """Kind of backup of this database ("auto", "migration", "before-restore"), else None."""
    for kind, pattern in _patterns(Path(db_path).stem):
        if pattern.match(path.name):
            return kind
    return None


def backup_time(path: Path) -> dt.datetime | None:
    """When the backup was made, from the stamp in its name (local time)."""
    m = re.search(_STAMP_RE, path.name)
    if not m:
        return None
    try:
        return dt.datetime.strptime(m.group(1), _STAMP)
    except ValueError:
        return None


def _sort_key(path: Path) -> tuple[dt.datetime, str]:
    when = backup_time(path)
    if when is None:
        when = dt.datetime.fromtimestamp(path.stat().st_mtime)
    return when, path.name


def _scan(folder: Path, db_path: Path, kinds: set[str]) -> list[Path]:
    try:
        entries = list(folder.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [p for p in entries if p.is_file() and backup_kind(p, db_path) in kinds]


def list_backups(
    db_path: str | os.PathLike[str], folder: str | os.PathLike[str] | None = None
) -> list[Path]:
    """Every backup of this database — automatic, before migrations, before restores —
    newest first."""
    db_path = Path(db_path)
    auto_folder = Path(folder) if folder is not None else backup_folder(db_path)
    found = set(_scan(auto_folder, db_path, {"auto"}))
    found |= set(_scan(db_path.parent, db_path, {"auto", "migration", "before-restore"}))
    return sorted(found, key=_sort_key, reverse=True)


def auto_backups(
    db_path: str | os.PathLike[str], folder: str | os.PathLike[str] | None = None
) -> list[Path]:
    """The automatic backups only, newest first."""
    db_path = Path(db_path)
    auto_folder = Path(folder) if folder is not None else backup_folder(db_path)
    return sorted(_scan(auto_folder, db_path, {"auto"}), key=_sort_key, reverse=True)


def prune(
    db_path: str | os.PathLike[str],
    folder: str | os.PathLike[str] | None = None,
    keep: int = DEFAULT_KEEP,
) -> list[Path]:
    """Delete automatic backups beyond the newest ``keep``; returns what was deleted."""
    if keep < 1:
        raise ValueError("keep must be at least 1")
    removed = []
    for old in auto_backups(db_path, folder)[keep:]:
        try:
            old.unlink()
        except FileNotFoundError:
            continue  # another perfdesk pruned it first
        removed.append(old)
    return removed


def auto_backup(
    store: Store,
    folder: str | os.PathLike[str] | None = None,
    keep: int = DEFAULT_KEEP,
    *,
    now: dt.datetime | None = None,
    force: bool = False,
) -> Path | None:
    """Back the store up unless an automatic backup was already made today.

    Returns the new file, or None when none was needed (one exists from today, or the
    database holds no project yet). ``force`` makes one regardless. Older automatic backups
    beyond ``keep`` are deleted. Raises StoreError when the folder cannot be written; a
    caller on start should show that as a warning and carry on.
    """
    if keep < 1:
        raise ValueError("keep must be at least 1")
    now = now or dt.datetime.now()
    db_path = store.path
    target_dir = Path(folder) if folder is not None else backup_folder(db_path)
    if not force:
        existing = auto_backups(db_path, target_dir)
        newest = backup_time(existing[0]) if existing else None
        if newest is not None and newest.date() == now.date():
            return None
        if store.count() == 0:
            return None  # nothing to lose yet; a fresh database is not worth a file
    target = target_dir / f"{db_path.stem}.auto-{now.strftime(_STAMP)}.sqlite"
    try:
        store.backup(target)  # leaves no .part behind when it fails
    except (ReadOnlyError, DiskFullError, BusyError, DamagedError):
        raise  # already named for what it is
    except StoreError as exc:
        # The system's own words (English) stay in the chain; the clerk gets them in Chinese.
        cause = exc.__cause__
        reason = os_reason(cause) if isinstance(cause, OSError) else "无法写入"
        raise StoreError(
            f"无法在“{target_dir}”中建立自动备份（{reason}），"
            "请检查该文件夹是否可写、磁盘是否已满。"
        ) from exc
    prune(db_path, target_dir, keep)
    return target


def _keep_aside(target: Path) -> Path:
    """Copy ``target`` byte for byte to a new ``<stem>.before-restore-<time>.sqlite`` that
    no earlier safety copy has: two restores within one second keep both originals. A
    damaged original is kept as it is, for ``recover``."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for n in range(1, 1000):
        suffix = "" if n == 1 else f"-{n}"
        saved = target.with_name(f"{target.stem}.before-restore-{stamp}{suffix}.sqlite")
        try:
            fd = os.open(saved, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0))
        except FileExistsError:
            continue
        try:
            with os.fdopen(fd, "wb") as out, target.open("rb") as src:
                shutil.copyfileobj(src, out)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            saved.unlink(missing_ok=True)
            raise
        return saved
    raise StoreError(f"“{target.parent}”中已有太多同一时刻的恢复前副本，请稍后再试。")


def restore_backup(backup: str | Path, target: str | Path) -> Path | None:
    """Replace ``target`` with ``backup`` after checking it (SQLite's integrity check, that
    it is a perfdesk database, every revision's fingerprint); the replaced file is kept
    beside it under a new name (returned) so a wrong restore can itself be undone."""
    backup, target = Path(backup), Path(target)
    if not backup.is_file():
        raise StoreError(f"备份文件“{backup}”不存在。")
    with backup.open("rb") as f:
        if f.read(16) != b"SQLite format 3\x00":
            raise StoreError(f"“{backup}”不是 perfdesk 的备份文件（不是数据库），未恢复。")
    report = check_file(backup)
    if not report.ok:
        more = f"（共 {len(report.damage)} 处）" if len(report.damage) > 1 else ""
        raise StoreError(
            f"备份“{backup}”未通过检查，未恢复：{report.damage[0].message}{more}。"
        )
    tmp = target.with_name(target.name + ".restore")
    saved = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(backup, tmp)
        with Store(tmp, create=False, backups=-1):  # migrates the copy, not the backup
            pass
        if target.exists():
            saved = _keep_aside(target)
        tmp.replace(target)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, (sqlite3.Error, OSError)):
            fault = storage_error(exc, target)
            if fault is not None:
                raise fault from exc
        raise
    return saved
