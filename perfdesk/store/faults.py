"""Storage faults named for what they are, in one sentence a clerk can act on.

SQLite and the operating system report a read-only file, a full disk or a file another
program holds with codes (SQLITE_READONLY, ENOSPC, WinError 32 …); an English message or a
traceback tells a clerk nothing. :func:`storage_error` turns such an error into a
:class:`StoreError` subclass whose sentence says what happened, that nothing was changed
(every write is one transaction, every file is written beside its target and renamed) and
what to do. A damaged file gets a sentence that points to ``check``, ``recover`` and the
automatic backups.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from perfdesk.models.errors import StoreError
from perfdesk.paths import backup_folder

# SQLite's primary result codes (the low byte of an extended code).
_SQLITE_PERM = 3
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26

# Windows: ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION (another program has the file open).
_WIN_BUSY = (32, 33)
_BUSY_ERRNOS = (errno.EBUSY, errno.ETXTBSY)
_FULL_ERRNOS = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
_READONLY_ERRNOS = (errno.EROFS, errno.EACCES, errno.EPERM)


class ReadOnlyError(StoreError):
    """The database file or its folder cannot be written (数据库只读)."""


class DiskFullError(StoreError):
    """No space left where the file is written (磁盘空间已满)."""


class BusyError(StoreError):
    """Another program holds the file (被某人占用)."""


class DamagedError(StoreError):
    """The database file is damaged; nothing is written to it."""


def damaged_message(db: str | os.PathLike[str], detail: str = "") -> str:
    """The one sentence every command gives on a damaged database."""
    what = f"（{detail}）" if detail else ""
    return (
        f"数据库“{db}”已损坏{what}，为免损失未做任何修改：请运行“perfdesk check”查看哪些项目受损，"
        f"用“perfdesk recover -o 新文件”救出可读的项目，或从自动备份（{backup_folder(db)}）"
        "用“perfdesk restore”恢复。"
    )


def _sqlite_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def storage_error(
    exc: BaseException, db: str | os.PathLike[str], target: str | os.PathLike[str] | None = None
) -> StoreError | None:
    """The named fault behind ``exc`` while using database ``db`` (writing ``target``, when
    that is another file such as a backup), or None when it is no storage fault (a bug)."""
    where = Path(target) if target is not None else Path(db)
    if isinstance(exc, sqlite3.Error):
        code = _sqlite_code(exc)
        # Python's own error for text that is not UTF-8 any more: damaged bytes.
        if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB) or "decode to UTF-8" in str(exc):
            if target is not None and Path(target) != Path(db):
                return DamagedError(f"“{where}”不是完整的数据库（{exc}），未做任何修改。")
            detail = "文本无法解码" if "decode to UTF-8" in str(exc) else str(exc)
            return DamagedError(damaged_message(db, detail))
        if code in (_SQLITE_READONLY, _SQLITE_PERM):
            return _readonly(where, target is None)
        if code == _SQLITE_FULL:
            return _full(where)
        if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
            return _busy(where)
        if code == _SQLITE_CANTOPEN:
            return StoreError(
                f"无法打开“{where}”：文件或所在文件夹不存在、不可访问，或被某人占用，未做任何修改。"
            )
        if code == _SQLITE_IOERR:
            return StoreError(
                f"读写“{where}”时出错（{exc}），未做任何修改：磁盘或网络文件夹可能已断开，"
                "请检查后再试。"
            )
        return None
    if isinstance(exc, OSError):
        name = Path(exc.filename) if exc.filename else where
        if name.name.endswith((".part", ".restore", ".tmp")):
            name = where
        if exc.errno in _FULL_ERRNOS:
            return _full(name)
        if getattr(exc, "winerror", None) in _WIN_BUSY or exc.errno in _BUSY_ERRNOS:
            return _busy(name)
        if exc.errno in _READONLY_ERRNOS:
            return _readonly(name, name == Path(db))
    return None


def _readonly(where: Path, is_db: bool) -> ReadOnlyError:
    what = "数据库只读" if is_db else "文件夹只读"
    return ReadOnlyError(
        f"{what}：“{where}”或它所在的文件夹不允许写入，未做任何修改，"
        "请检查文件属性和文件夹权限后再试。"
    )


def _full(where: Path) -> DiskFullError:
    return DiskFullError(
        f"磁盘空间已满：无法写入“{where}”，未做任何修改，请腾出磁盘空间后再试。"
    )


def _busy(where: Path) -> BusyError:
    return BusyError(f"“{where}”被某人占用（另一个程序正在使用），未做任何修改，请稍后再试。")
