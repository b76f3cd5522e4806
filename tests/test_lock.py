"""The lock file beside the database: real processes refuse each other, dead ones are found."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from perfdesk import __version__
from perfdesk.models.errors import StoreError
from perfdesk.store.lock import (
    DatabaseLock,
    DatabaseLockedError,
    LockInfo,
    break_lock,
    break_stale,
    lock_path,
    pid_alive,
    read_lock,
)

REPO = Path(__file__).resolve().parent.parent

# Holds the lock until its stdin closes; says "locked" once it has it.
HOLDER = textwrap.dedent(
    """
    import sys
    from perfdesk.store.lock import DatabaseLock
    lock = DatabaseLock(sys.argv[1])
    lock.acquire()
    print("locked", flush=True)
    sys.stdin.read()
    lock.release()
    print("released", flush=True)
    """
)

# Tries once; exit 0 when it got the lock, 3 with the message on stderr when refused.
TRY = textwrap.dedent(
    """
    import sys
    from perfdesk.store.lock import DatabaseLock, DatabaseLockedError
    try:
        DatabaseLock(sys.argv[1]).acquire()
    except DatabaseLockedError as exc:
        sys.stderr.write(exc.message)
        sys.exit(3)
    """
)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _start_holder(db: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=_env(),
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    return proc


def _try(db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", TRY, str(db)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=_env(),
        timeout=60,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "perfdesk.sqlite"


def test_second_process_is_refused_while_first_holds(db: Path) -> None:
    holder = _start_holder(db)
    try:
        info = read_lock(db)
        assert info is not None and info.pid == holder.pid
        refused = _try(db)
        assert refused.returncode == 3, refused.stderr
        msg = refused.stderr
        assert f"{info.user}@{socket.gethostname()}" in msg
        assert f"进程 {holder.pid}" in msg
        assert info.since_text() in msg
        assert "perfdesk unlock" in msg and "--break-lock" in msg
        assert "失效" not in msg  # a live holder is not called stale
        with pytest.raises(DatabaseLockedError) as exc:
            DatabaseLock(db).acquire()
        assert exc.value.stale is False and exc.value.info == info
        with pytest.raises(DatabaseLockedError):
            break_stale(db)  # a live holder's lock is not stale
        assert lock_path(db).exists()
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "released"
        holder.wait(timeout=60)
    assert not lock_path(db).exists()
    assert _try(db).returncode == 0  # free again (the try process exits holding it)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_holder_leaves_stale_lock_detected_and_broken(db: Path) -> None:
    holder = _start_holder(db)
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=60)
    assert not pid_alive(holder.pid)
    assert lock_path(db).exists()  # nothing cleaned it up

    refused = _try(db)
    assert refused.returncode == 3
    assert "失效" in refused.stderr and f"进程 {holder.pid}" in refused.stderr
    assert "已不存在" in refused.stderr

    with pytest.raises(DatabaseLockedError) as exc:
        DatabaseLock(db).acquire()  # stale locks are reported, never broken silently
    assert exc.value.stale is True
    assert isinstance(exc.value, StoreError)

    broken = break_stale(db)
    assert broken is not None and broken.pid == holder.pid
    assert not lock_path(db).exists()
    with DatabaseLock(db) as lock:
        assert lock.held and read_lock(db) == lock.info
    assert not lock_path(db).exists()


def test_unreaped_zombie_counts_as_dead(db: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        # Until wait() the child is a zombie: kill(pid, 0) succeeds but it is not running.
        import time

        deadline = time.monotonic() + 60
        while pid_alive(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not pid_alive(proc.pid)
    finally:
        proc.wait()
    assert pid_alive(os.getpid())


def test_force_takes_a_live_lock_and_the_old_holder_leaves_ours_alone(db: Path) -> None:
    holder = _start_holder(db)
    try:
        lock = DatabaseLock(db)
        info = lock.acquire(force=True)
        assert read_lock(db) == info
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=60)
    # The old holder released "its" lock on exit, but the file is ours now and stays.
    assert read_lock(db) == info
    lock.release()
    assert not lock_path(db).exists()


def test_lock_file_says_who_holds_it(db: Path) -> None:
    with DatabaseLock(db) as lock:
        data = json.loads(lock_path(db).read_text(encoding="utf-8"))
        assert data["pid"] == os.getpid()
        assert data["host"] == socket.gethostname()
        assert data["version"] == __version__
        assert data["program"] == "perfdesk"
        assert data["user"]
        assert data["since"][:4].isdigit() and "T" in data["since"]
        assert lock.info is not None and not lock.info.stale
    assert not lock_path(db).exists()


def test_same_program_opening_twice_is_refused(db: Path) -> None:
    with DatabaseLock(db):
        with pytest.raises(StoreError, match="已在本程序中打开"):
            DatabaseLock(db).acquire()


def test_lock_from_another_computer_is_not_stale(db: Path) -> None:
    other = LockInfo("lisi", "FINANCE-PC-07", 4242, "0.1.0", "2024-03-01T09:30:00+08:00", "ab")
    lock_path(db).write_text(other.to_json(), encoding="utf-8")
    with pytest.raises(DatabaseLockedError) as exc:
        DatabaseLock(db).acquire()
    assert exc.value.stale is False
    msg = exc.value.message
    assert "lisi@FINANCE-PC-07" in msg and "进程 4242" in msg and "2024-03-01 09:30" in msg
    assert "强制解除" in msg
    with pytest.raises(DatabaseLockedError):
        break_stale(db)
    assert break_lock(db) == other  # deliberate: the user knows that PC is off
    assert not lock_path(db).exists()


def test_lock_naming_our_pid_but_not_held_is_stale(db: Path) -> None:
    # After a crash the old pid may be reused by the next perfdesk on this computer.
    reused = LockInfo.for_this_process()
    lock_path(db).write_text(reused.to_json(), encoding="utf-8")
    with pytest.raises(DatabaseLockedError) as exc:
        DatabaseLock(db).acquire()
    assert exc.value.stale is True
    assert break_stale(db) == reused


def test_unreadable_lock_file_is_refused_and_can_be_broken(db: Path) -> None:
    lock_path(db).write_bytes(b"\x00garbage")
    with pytest.raises(DatabaseLockedError, match="无法读取") as exc:
        DatabaseLock(db).acquire()
    assert exc.value.info is None
    assert break_lock(db) is None
    DatabaseLock(db).acquire(force=False)


def test_release_leaves_a_lock_someone_else_took(db: Path) -> None:
    lock = DatabaseLock(db)
    lock.acquire()
    break_lock(db)
    newer = DatabaseLock(db)
    info = newer.acquire()
    lock.release()
    assert read_lock(db) == info
    newer.release()
    assert read_lock(db) is None


def test_folder_that_cannot_hold_a_lock_is_a_clear_error(tmp_path: Path) -> None:
    occupied = tmp_path / "occupied"
    occupied.write_text("a file where the folder should be")
    # The reason in Chinese (the system's English strerror stays in the chain).
    with pytest.raises(StoreError, match="无法在.*中创建锁文件（[^A-Za-z（）]+）"):
        DatabaseLock(occupied / "perfdesk.sqlite").acquire()


def test_chinese_folder(tmp_path: Path) -> None:
    db = tmp_path / "绩效" / "申报" / "绩效库.sqlite"
    holder = _start_holder(db)
    try:
        assert lock_path(db).name == "绩效库.sqlite.lock"
        refused = _try(db)
        assert refused.returncode == 3 and "绩效" in refused.stderr
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=60)
    assert not lock_path(db).exists()


@pytest.mark.parametrize("links", [True, False], ids=["linked", "no-hard-links"])
def test_lock_is_written_whole_or_not_at_all(tmp_path, monkeypatch, links):
    """With hard links (local disks, most shares) and without (FAT, some NAS): a failed
    write leaves no file at all; a lock that exists always names its holder."""
    import errno

    import perfdesk.store.lock as lock_module

    db = tmp_path / "db.sqlite"
    if not links:

        def no_link(src, dst):  # noqa: ANN001
            raise OSError(errno.EPERM, "Operation not permitted")

        monkeypatch.setattr(lock_module.os, "link", no_link)
    real_write = os.write
    calls = []

    def short_then_full(fd, data):  # noqa: ANN001
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data[:10]))  # a partial write, as a full disk gives
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(lock_module.os, "write", short_then_full)
    with pytest.raises(StoreError, match="磁盘空间已满"):
        DatabaseLock(db).acquire()
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(lock_module.os, "write", real_write)
    lock = DatabaseLock(db)
    info = lock.acquire()
    try:
        assert read_lock(db) == info
        assert sorted(p.name for p in tmp_path.iterdir()) == ["db.sqlite.lock"]
    finally:
        lock.release()
    assert not lock_path(db).exists()
