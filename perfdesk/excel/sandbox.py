"""Untrusted files are parsed in a child process with limits on memory and time.

A spreadsheet from a stranger's e-mail goes through python-calamine (Rust) and openpyxl. A
damaged file can make the Rust side panic (``pyo3_runtime.PanicException``, a BaseException),
abort the whole process (a failed huge allocation) or read without end. As dangerzone does
with documents, the parsing therefore happens in a separate process: whatever happens there,
this process (which holds the database and its lock) only sees a reply, a dead child or a
child that took too long, and turns each into one Chinese sentence naming the file.

One long-lived worker serves a whole batch (starting one costs ~0.2 s: a spawned Python
importing the readers) and is started again only after it died or was stopped. Its memory is
capped with ``RLIMIT_AS`` where the system enforces it (Linux); Windows has no rlimit and
macOS does not enforce ``RLIMIT_AS``, so there the per-file time limit, and the size, cell
and range bounds checked before any cell is parsed, are what keep a file in check (a
failed allocation still only ends the worker). The worker is spawned, never forked: the
window starts imports from a worker thread, and the frozen build re-runs its executable
through ``multiprocessing.freeze_support()`` (perfdesk/__main__.py).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from perfdesk.models.errors import Cancelled, InputError, PerfdeskError

# Limits stated in the README ("Excel import").
MEMORY_BYTES = 2 * 1024 * 1024 * 1024  # the worker's address space (Linux)
FILE_SECONDS = 60.0  # per file, everywhere
# How often a wait looks at the cancel flag: a cancel stops a runaway read within this.
_TICK = 0.2

_CONTEXT = multiprocessing.get_context("spawn")

Reader = Callable[..., Any]
CancelCheck = Callable[[], bool]

_REPAIR = "请用 Excel/WPS 打开后另存为 xlsx 再导入。"


class ReaderBug(Exception):
    """The reader failed in a way that is our bug, not the file's (with the child's
    traceback, for ``--debug``)."""

    def __init__(self, message: str, detail: str) -> None:
        super().__init__(message)
        self.detail = detail


class ReaderCrash(InputError):
    """The file made the reader crash, run out of memory or time: a rejection of the file,
    with what the worker left behind (for ``--debug``)."""

    def __init__(self, reason: str, filename: str, detail: str) -> None:
        super().__init__(reason, file=filename)
        self.detail = detail


class Sandbox:
    """A worker process that runs ``reader(data, filename, *args)`` on untrusted bytes.

    ``run`` returns what the reader returned, or raises: the reader's own
    :class:`PerfdeskError`, an :class:`InputError` when the worker died, ran out of memory
    or out of time on the file, :class:`Cancelled`, or :class:`ReaderBug`.
    """

    def __init__(
        self,
        reader: Reader,
        *,
        seconds: float = FILE_SECONDS,
        memory: int | None = MEMORY_BYTES,
    ) -> None:
        self.reader = reader
        self.seconds = seconds
        self.memory = memory
        self._proc: Any = None
        self._conn: Connection | None = None
        # The worker's stderr (Rust's panic and allocation messages) is kept here, for
        # --debug, instead of reaching the clerk's terminal.
        fd, self._log = tempfile.mkstemp(prefix="perfdesk-reader-", suffix=".log")
        os.close(fd)
        self.started = 0  # workers started so far (a test looks: one per batch)

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop(graceful=True)
        with contextlib.suppress(OSError):
            os.unlink(self._log)

    # ------------------------------------------------------------ one file

    def run(
        self, data: bytes, filename: str, *args: Any, cancel: CancelCheck | None = None
    ) -> Any:
        conn = self._ready()
        try:
            conn.send((data, filename, args))
        except (OSError, ValueError):
            # The worker died while idle (killed from outside); one fresh start.
            self._stop(graceful=False)
            conn = self._ready()
            conn.send((data, filename, args))
        deadline = time.monotonic() + self.seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self._stop(graceful=False)
                raise ReaderCrash(
                    f"读取超过 {self.seconds:g} 秒仍未完成，已停止；文件可能已损坏或结构异常，"
                    f"未导入。{_REPAIR}",
                    filename,
                    "timeout",
                )
            if cancel is not None and cancel():
                self._stop(graceful=False)
                raise Cancelled()
            if conn.poll(min(_TICK, left)):
                break
        try:
            reply = conn.recv()
        except (EOFError, OSError):
            raise self._died(filename) from None
        if reply[0] == "panic":  # Rust wrote the panic and its backtrace to the log
            reply = ("panic", f"{reply[1]}\n{_read_log(self._log)}")
        return _unpack(reply, filename)

    # ------------------------------------------------------------ the worker

    def _ready(self) -> Connection:
        if self._proc is not None and self._proc.is_alive() and self._conn is not None:
            return self._conn
        self._stop(graceful=False)
        parent, child = _CONTEXT.Pipe()
        proc = _CONTEXT.Process(
            target=serve,
            args=(child, self.reader, self.memory, self._log),
            name="perfdesk-reader",
            daemon=True,
        )
        proc.start()
        child.close()
        self._proc, self._conn = proc, parent
        self.started += 1
        return parent

    def _stop(self, *, graceful: bool) -> None:
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        if conn is not None:
            if graceful:
                with contextlib.suppress(OSError, ValueError):
                    conn.send(None)
            conn.close()
        if proc is None:
            return
        proc.join(1.0 if graceful else 0)
        if proc.is_alive():
            proc.kill()
            proc.join()
        proc.close()

    def _died(self, filename: str) -> ReaderCrash:
        """The worker ended while reading a file: say so, keep its last words for --debug."""
        proc = self._proc
        code = None
        if proc is not None:
            proc.join(5.0)
            code = proc.exitcode
        self._stop(graceful=False)
        detail = _read_log(self._log)
        if code is not None and code < 0:
            try:
                cause = signal.Signals(-code).name
            except ValueError:
                cause = f"signal {-code}"
        else:
            cause = f"exit status {code}"
        if "memory allocation" in detail or code == -getattr(signal, "SIGKILL", 9):
            reason = "读取时所需内存超过上限，读取已停止；文件可能已损坏或结构异常，未导入。"
        else:
            reason = "读取时解析程序异常终止，文件可能已损坏或是特意构造的，未导入。"
        return ReaderCrash(reason + _REPAIR, filename, f"reader process ended ({cause})\n{detail}")


def _read_log(path: str, keep: int = 2000) -> str:
    """What the worker wrote to its stderr (head and tail: Rust writes the allocation that
    failed first, then a backtrace), emptied for the next file."""
    try:
        with open(path, "rb") as f:
            head = f.read(keep)
            f.seek(0, os.SEEK_END)
            end = f.tell()
            f.seek(max(len(head), end - keep))
            tail = f.read()
        with open(path, "wb"):
            pass
    except OSError:
        return ""
    gap = "\n…\n" if end > len(head) + len(tail) else ""
    return (head + gap.encode() + tail).decode("utf-8", "replace")


def _unpack(reply: tuple[Any, ...], filename: str) -> Any:
    kind = reply[0]
    if kind == "ok":
        return reply[1]
    if kind == "input":
        # Exceptions with keyword-only arguments do not survive pickling: the parts travel.
        reason, file, sheet, cell = reply[1:]
        raise InputError(reason, file=file, sheet=sheet, cell=cell)
    if kind == "error":
        raise PerfdeskError(reply[1])
    if kind == "memory":
        raise ReaderCrash(
            "读取时所需内存超过上限，文件可能已损坏或结构异常，未导入。" + _REPAIR,
            filename,
            "MemoryError",
        )
    if kind == "panic":
        raise ReaderCrash(
            "文件已损坏或格式异常，解析程序无法读取，未导入。" + _REPAIR, filename, reply[1]
        )
    raise ReaderBug(reply[1], reply[2])


# ---------------------------------------------------------------- in the child


def serve(conn: Connection, reader: Reader, memory: int | None, log: str) -> None:
    """The worker's loop: one request at a time until ``None`` or the parent is gone."""
    # Ctrl-C in a terminal reaches the whole process group; the parent decides.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _quiet(log)
    if memory:
        limit_memory(memory)
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        data, filename, args = request
        conn.send(_answer(reader, data, filename, args))


def _answer(reader: Reader, data: bytes, filename: str, args: tuple[Any, ...]) -> tuple[Any, ...]:
    try:
        return ("ok", reader(data, filename, *args))
    except InputError as exc:
        return ("input", exc.reason, exc.file, exc.sheet, exc.cell)
    except PerfdeskError as exc:
        return ("error", exc.message)
    except MemoryError:
        return ("memory",)
    except RecursionError:
        return ("panic", traceback.format_exc())
    except Exception as exc:  # noqa: BLE001 - a bug of ours: reported with its traceback
        return ("bug", f"{type(exc).__name__}: {exc}", traceback.format_exc())
    except BaseException as exc:  # noqa: BLE001 - a Rust panic surfaces as a BaseException
        if isinstance(exc, (SystemExit, KeyboardInterrupt)):
            raise
        return ("panic", f"{type(exc).__name__}: {exc}")


def _quiet(log: str) -> None:
    """Send fd 2 (where Rust writes panics and allocation failures) to the log file."""
    try:
        fd = os.open(log, os.O_WRONLY | os.O_APPEND)
    except OSError:
        return
    try:
        sys.stderr.flush() if sys.stderr else None
        os.dup2(fd, 2)
    except OSError:
        pass
    finally:
        os.close(fd)


def limit_memory(limit: int) -> bool:
    """Cap this process's address space where the system has ``RLIMIT_AS``; True if set."""
    try:
        import resource
    except ImportError:  # Windows
        return False
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        return False
    return True
