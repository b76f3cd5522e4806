"""An advisory lock file beside the database, so two people never write one file at once.

Offices keep the database on a shared network folder (SMB). SQLite's own locking, and
fcntl/LockFileEx locks in general, are unreliable there, so like GnuCash perfdesk puts a
lock file ``<database>.lock`` beside the database. It is created with O_CREAT|O_EXCL, which
is atomic on local disks and on SMB shares alike: of two programs trying at once exactly one
succeeds. The file says who holds it (user, computer, process, program version, since when)
so a refused user knows whom to ask.

A holder that crashed, or whose computer lost power, leaves the file behind. When the holder
was on this computer and its process is gone, the lock is known to be stale and is reported
so; it is never broken silently — breaking is a deliberate act (``break_stale``,
``break_lock`` or ``acquire(force=True)``, i.e. ``perfdesk unlock`` / ``--break-lock``),
because a lock held from another computer cannot be proven dead from here.

The lock is advisory: it guards perfdesk against perfdesk. Readers do not need it.
"""

from __future__ import annotations

import atexit
import datetime as dt
import errno
import getpass
import json
import os
import secrets
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perfdesk import __version__
from perfdesk.models.errors import StoreError
from perfdesk.models.words import os_reason
from perfdesk.store.faults import ReadOnlyError, storage_error

LOCK_SUFFIX = ".lock"
# How to break a lock, named in every refusal (the CLI and the window offer both).
BREAK_HINT = "运行“perfdesk unlock”或在命令后加“--break-lock”"

# Lock files of this process, so opening the same database twice in one program is told
# apart from a stale lock whose pid happens to be ours again.
_HELD: dict[Path, str] = {}  # lock file → token


# errno values of a file system that cannot make hard links.
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.ENOSYS, errno.EMLINK}


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` (O_EXCL) holding ``data``, synced; a half-written file is removed."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    os.close(fd)


def lock_path(db_path: str | os.PathLike[str]) -> Path:
    """``perfdesk.sqlite`` → ``perfdesk.sqlite.lock`` in the same folder."""
    p = Path(db_path)
    return p.with_name(p.name + LOCK_SUFFIX)


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no USER/USERNAME and no passwd entry (containers, services)
        return os.environ.get("USERNAME") or "未知用户"


def _host() -> str:
    return socket.gethostname() or "未知计算机"


def _same_host(a: str, b: str) -> bool:
    # Windows computer names are case-insensitive; FQDN vs short name also happens.
    return a.split(".")[0].casefold() == b.split(".")[0].casefold()


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this computer (zombies count as gone)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return _pid_alive_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by another user
    except OSError:
        return False
    try:  # a killed process not yet reaped by its parent still answers kill(0)
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True


def _pid_alive_windows(pid: int) -> bool:
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.OpenProcess.restype = wintypes.HANDLE
    process_query_limited_information = 0x1000
    still_active = 259
    handle = kernel32.OpenProcess(process_query_limited_information, False, pid)
    if not handle:
        # ERROR_ACCESS_DENIED: it exists but belongs to someone else.
        return ctypes.get_last_error() == 5  # type: ignore[attr-defined]
    try:
        code = wintypes.DWORD()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == still_active
    finally:
        kernel32.CloseHandle(handle)


@dataclass(frozen=True)
class LockInfo:
    """What a lock file says about its holder."""

    user: str
    host: str
    pid: int
    version: str
    since: str  # local time with offset, ISO 8601
    token: str = ""  # random, so a holder only ever removes its own file
    program: str = "perfdesk"

    @classmethod
    def for_this_process(cls) -> LockInfo:
        return cls(
            user=_user(),
            host=_host(),
            pid=os.getpid(),
            version=__version__,
            since=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            token=secrets.token_hex(8),
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "program": self.program,
                "user": self.user,
                "host": self.host,
                "pid": self.pid,
                "version": self.version,
                "since": self.since,
                "token": self.token,
            },
            ensure_ascii=False,
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> LockInfo:
        d: dict[str, Any] = json.loads(text)
        return cls(
            user=str(d.get("user") or "未知用户"),
            host=str(d.get("host") or "未知计算机"),
            pid=int(d.get("pid") or 0),
            version=str(d.get("version") or "?"),
            since=str(d.get("since") or ""),
            token=str(d.get("token") or ""),
            program=str(d.get("program") or "perfdesk"),
        )

    @property
    def on_this_host(self) -> bool:
        return _same_host(self.host, _host())

    @property
    def stale(self) -> bool:
        """Provably dead: held on this computer by a process that no longer runs (or by
        this very process id without this process holding it — the id was reused)."""
        if not self.on_this_host:
            return False
        if self.pid == os.getpid():
            return self.token not in _HELD.values()
        return not pid_alive(self.pid)

    def since_text(self) -> str:
        try:
            return dt.datetime.fromisoformat(self.since).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return self.since or "未知时间"

    def holder(self) -> str:
        return f"{self.user}@{self.host}（进程 {self.pid}，perfdesk {self.version}）"


class DatabaseLockedError(StoreError):
    """Another perfdesk holds the database (``info``), or a dead one left its lock."""

    def __init__(self, db_path: Path, info: LockInfo | None, *, stale: bool) -> None:
        self.db_path = db_path
        self.info = info
        self.stale = stale
        name = f"数据库“{db_path}”"
        if info is None:
            msg = (
                f"{name}已被锁定，但锁文件“{lock_path(db_path)}”无法读取（可能已损坏）。"
                f"确认没有人在使用后，{BREAK_HINT}解除锁定。"
            )
        elif stale:
            msg = (
                f"{name}留有一个失效的锁：{info.holder()}自 {info.since_text()} 起锁定，"
                f"但该进程已不存在（多半是程序异常退出）。确认没有人在使用后，"
                f"{BREAK_HINT}解除锁定。"
            )
        else:
            msg = (
                f"{name}正由 {info.holder()}自 {info.since_text()} 起使用，不能同时修改。"
                f"请等对方关闭 perfdesk 后再试；如果确定对方已退出（例如那台电脑已关机），"
                f"{BREAK_HINT}强制解除锁定。"
            )
        super().__init__(msg)


def read_lock(db_path: str | os.PathLike[str]) -> LockInfo | None:
    """The holder named in the lock file, or None when there is no lock file.

    Raises DatabaseLockedError(info=None) when the file exists but cannot be read as a lock.
    """
    path = lock_path(db_path)
    # The holder creates the file and then writes it: give a writer a moment to finish.
    for attempt in range(5):
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError:
            text = ""
        try:
            return LockInfo.from_json(text)
        except (ValueError, TypeError, AttributeError):
            if attempt < 4:
                time.sleep(0.1)
    raise DatabaseLockedError(Path(db_path), None, stale=False)


def _remove_if(path: Path, info: LockInfo | None) -> None:
    """Remove the lock file if it still is the one judged (same token)."""
    try:
        current = LockInfo.from_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except (OSError, ValueError, TypeError, AttributeError):
        current = None
    if info is not None and (current is None or current.token != info.token):
        raise StoreError(f"锁文件“{path}”刚刚被另一个程序更新，未解除，请重试。")
    _unlink(path)


def _unlink(path: Path) -> None:
    # Windows refuses to delete a file another program has open, and colleagues' perfdesk
    # read the lock file to name its holder: wait for such a read to finish.
    for attempt in range(20):
        try:
            path.unlink(missing_ok=True)
            return
        except PermissionError:
            if attempt == 19:
                raise StoreError(f"无法删除锁文件“{path}”：文件正被占用，请稍后重试。") from None
            time.sleep(0.05)


def break_lock(db_path: str | os.PathLike[str]) -> LockInfo | None:
    """Remove the lock whoever holds it (the user said so). Returns what it said."""
    path = lock_path(db_path)
    try:
        info = read_lock(db_path)
    except DatabaseLockedError:
        info = None  # unreadable: remove it all the same
    _remove_if(path, info)
    _HELD.pop(path.resolve(), None)
    return info


def break_stale(db_path: str | os.PathLike[str]) -> LockInfo | None:
    """Remove the lock only if it is provably stale; returns the broken lock's info, None
    when there was no lock. A live holder raises DatabaseLockedError."""
    info = read_lock(db_path)
    if info is None:
        return None
    if not info.stale:
        raise DatabaseLockedError(Path(db_path), info, stale=False)
    _remove_if(lock_path(db_path), info)
    return info


class DatabaseLock:
    """The lock of one database file, held by this process between acquire and release.

    >>> with DatabaseLock(db):       # raises DatabaseLockedError (a StoreError) if taken
    ...     write()
    """

    def __init__(self, db_path: str | os.PathLike[str]) -> None:
        self.db_path = Path(db_path)
        self.path = lock_path(self.db_path)
        self.info: LockInfo | None = None

    @property
    def held(self) -> bool:
        return self.info is not None

    def holder(self) -> LockInfo | None:
        """Who holds the lock now (None: nobody)."""
        return read_lock(self.db_path)

    def acquire(self, force: bool = False) -> LockInfo:
        """Take the lock or raise DatabaseLockedError naming the holder.

        ``force`` breaks any existing lock first (the user confirmed it is not in use).
        """
        if self.info is not None:
            return self.info
        key = self.path.resolve()
        if key in _HELD and not force:
            raise StoreError(f"数据库“{self.db_path}”已在本程序中打开。")
        if force:
            break_lock(self.db_path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._unwritable(exc) from exc
        info = LockInfo.for_this_process()
        denied = 0
        for _attempt in range(20):
            try:
                self._create(info)
                break
            except FileExistsError:
                other = read_lock(self.db_path)
                if other is None:
                    continue  # released between our open and our read: try again
                raise DatabaseLockedError(self.db_path, other, stale=other.stale) from None
            except PermissionError as exc:
                # Windows: a lock file being deleted by its holder refuses new opens briefly;
                # a folder we may not write to keeps refusing.
                denied += 1
                if denied >= 10:
                    raise self._unwritable(exc) from exc
                time.sleep(0.05)
            except OSError as exc:
                raise self._unwritable(exc) from exc
        else:
            raise StoreError(f"数据库“{self.db_path}”的锁文件反复变化或无法创建，请稍后再试。")
        self.info = info
        _HELD[key] = info.token
        atexit.register(self.release)
        return info

    def _create(self, info: LockInfo) -> None:
        """Create the lock file whole or not at all: its text is written and synced to a
        file of our own, then linked to the lock's name (atomic, and refused when the name
        exists, like O_EXCL). A full disk or a crash mid-write never leaves an empty lock
        that would block the database. Where links are not supported (some network
        shares, FAT) the file is made with O_EXCL and removed if writing it fails."""
        data = info.to_json().encode("utf-8")
        tmp = self.path.with_name(f"{self.path.name}.{info.token}.tmp")
        try:
            _write_new(tmp, data)
            try:
                os.link(tmp, self.path)
                return
            except FileExistsError:
                raise
            except OSError as exc:
                if exc.errno not in _NO_LINKS:
                    raise
        finally:
            tmp.unlink(missing_ok=True)
        try:
            _write_new(self.path, data)
        except FileExistsError:
            raise
        except BaseException:
            # Ours and incomplete: nobody else can have created it meanwhile.
            self.path.unlink(missing_ok=True)
            raise

    def _unwritable(self, exc: OSError) -> StoreError:
        named = storage_error(exc, self.db_path, self.path)
        if isinstance(named, ReadOnlyError):
            return ReadOnlyError(
                f"数据库只读：“{self.db_path}”所在的文件夹不允许写入（无法建立锁文件），"
                "未做任何修改，请检查文件夹权限后再试。"
            )
        if named is not None:
            return named
        return StoreError(
            f"无法在“{self.path.parent}”中创建锁文件（{os_reason(exc)}），"
            "请检查该文件夹是否可写。"
        )

    def release(self) -> None:
        """Remove our lock file (not one someone else made after breaking ours)."""
        if self.info is None:
            return
        info, self.info = self.info, None
        _HELD.pop(self.path.resolve(), None)
        atexit.unregister(self.release)
        try:
            _remove_if(self.path, info)
        except StoreError:
            # Our lock was broken and someone else holds it now (leave theirs alone), or the
            # file stayed busy: it then names a process that is gone, i.e. reads as stale.
            pass

    def __enter__(self) -> DatabaseLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
