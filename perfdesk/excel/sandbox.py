"""Untrusted files are parsed in a child process with limits on memory and time.

A spreadsheet from a stranger's e-mail goes through python-calamine (Rust) and openpyxl. A
damaged file can make the Rust side panic (``pyo3_runtime.PanicException``, a BaseException),
abort the whole process (a failed huge allocation) or read without end. As dangerzone does
with documents, the parsing therefore happens in a separate process: whatever happens there,
this process (which holds the database and its lock) only sees a reply, a dead child or a
child that took too long, and turns each into one Chinese sentence naming the file.

One long-lived worker serves a whole batch (starting one costs a few tenths of a second: a
spawned Python importing the readers) and is started again only after it died or was
stopped; files are queued to it ahead, so that it parses the next file while this process
stores the last (on two cores that is faster than reading in-process). Its memory is
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
import queue
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections import deque
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

    ``submit`` queues a file and ``result`` waits for the oldest one: a batch keeps the next
    file queued while it stores the last, so parsing and storing overlap (two processes).
    ``run`` is both at once. ``result`` returns what the reader returned, or raises: the
    reader's own :class:`PerfdeskError`, :class:`ReaderCrash` when the worker died, ran out
    of memory or out of time on the file (the files queued behind it go to a fresh worker),
    :class:`Cancelled`, or :class:`ReaderBug`.
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
        self._requests: Connection | None = None
        self._replies: Connection | None = None
        self._pending: deque[tuple[int, bytes, str, tuple[Any, ...]]] = deque()
        self._seq = 0  # numbers the files, to find each one's part of the log
        self._head_since = 0.0  # when the worker started on the oldest pending file
        # The worker's stderr (Rust's panic and allocation messages) is kept here, for
        # --debug, instead of reaching the clerk's terminal.
        try:
            fd, self._log = tempfile.mkstemp(prefix="perfdesk-reader-", suffix=".log")
            os.close(fd)
        except OSError:  # no writable temporary folder: the messages are dropped
            self._log = os.devnull
        self._log_seen = 0  # what of the log has been reported already
        self.started = 0  # workers started so far (a test looks: one per batch)

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._pending.clear()
        self._stop(graceful=True)
        if self._log != os.devnull:
            with contextlib.suppress(OSError):
                os.unlink(self._log)

    # ------------------------------------------------------------ files

    def run(
        self, data: bytes, filename: str, *args: Any, cancel: CancelCheck | None = None
    ) -> Any:
        self.submit(data, filename, *args)
        return self.result(cancel=cancel)

    def submit(self, data: bytes, filename: str, *args: Any) -> None:
        self._seq += 1
        request = (self._seq, data, filename, args)
        self._pending.append(request)
        if len(self._pending) == 1:
            # Idle: a worker that died meanwhile (killed from outside) is replaced here.
            self._head_since = time.monotonic()
            requests = self._ready()
        else:
            # Busy: if it died on an earlier file, result() says so for that file and sends
            # the files behind it, this one included, to a fresh worker.
            assert self._requests is not None  # a worker is kept while files are queued
            requests = self._requests
        # The worker drains its requests on a thread of its own, so this does not wait for
        # the file before to be parsed.
        with contextlib.suppress(OSError, ValueError):
            requests.send(request)

    def result(self, *, cancel: CancelCheck | None = None) -> Any:
        if not self._pending:
            raise RuntimeError("no file submitted")
        seq, _, filename, _ = self._pending[0]
        replies = self._replies
        assert replies is not None
        while True:
            left = self._head_since + self.seconds - time.monotonic()
            if left <= 0:
                self._restart(failed=True)
                raise ReaderCrash(
                    f"读取超过 {self.seconds:g} 秒仍未完成，已停止；文件可能已损坏或结构异常，"
                    f"未导入。{_REPAIR}",
                    filename,
                    "timeout",
                )
            if cancel is not None and cancel():
                self._pending.clear()
                self._stop(graceful=False)
                raise Cancelled()
            if replies.poll(min(_TICK, left)):
                break
        try:
            reply = replies.recv()
        except (EOFError, OSError):
            crash = self._died(seq, filename)
            self._restart(failed=True)
            raise crash from None
        self._pending.popleft()
        self._head_since = time.monotonic()
        if reply[0] == "panic":  # Rust wrote the panic and its backtrace to the log
            told, self._log_seen = _read_log(self._log, self._log_seen, seq)
            reply = ("panic", f"{reply[1]}\n{told}")
        return _unpack(reply, filename)

    # ------------------------------------------------------------ the worker

    def _ready(self) -> Connection:
        if self._proc is not None and self._proc.is_alive() and self._requests is not None:
            return self._requests
        self._stop(graceful=False)
        # Two one-way pipes: requests are read by a thread of the worker while it parses,
        # and neither side's send can wait on the other's.
        req_read, req_write = _CONTEXT.Pipe(duplex=False)
        rep_read, rep_write = _CONTEXT.Pipe(duplex=False)
        proc = _CONTEXT.Process(
            target=serve,
            args=(req_read, rep_write, self.reader, self.memory, self._log),
            name="perfdesk-reader",
            daemon=True,
        )
        proc.start()
        req_read.close()
        rep_write.close()
        self._proc, self._requests, self._replies = proc, req_write, rep_read
        self.started += 1
        return req_write

    def _restart(self, *, failed: bool) -> None:
        """A fresh worker for the files still queued (without the one that failed)."""
        if failed:
            self._pending.popleft()
        self._stop(graceful=False)
        self._head_since = time.monotonic()
        if self._pending:
            requests = self._ready()
            for request in self._pending:
                requests.send(request)

    def _stop(self, *, graceful: bool) -> None:
        proc, requests, replies = self._proc, self._requests, self._replies
        self._proc = self._requests = self._replies = None
        if requests is not None:
            if graceful:
                with contextlib.suppress(OSError, ValueError):
                    requests.send(None)
            requests.close()
        if replies is not None:
            replies.close()
        if proc is None:
            return
        proc.join(1.0 if graceful else 0)
        if proc.is_alive():
            proc.kill()
            proc.join()
        proc.close()

    def _died(self, seq: int, filename: str) -> ReaderCrash:
        """The worker ended while reading a file: say so, keep its last words for --debug."""
        proc = self._proc
        code = None
        if proc is not None:
            proc.join(5.0)
            code = proc.exitcode
        detail, self._log_seen = _read_log(self._log, self._log_seen, seq)
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


def _marker(seq: int) -> bytes:
    return f"\x1eperfdesk file {seq}\n".encode()


def _read_log(path: str, start: int, seq: int, keep: int = 2000) -> tuple[str, int]:
    """What the worker wrote to its stderr about file ``seq`` (head and tail: Rust writes the
    allocation that failed first, then a backtrace), and where the next file's part starts.
    The worker may already be writing about the next file: a marker line before each file
    tells them apart."""
    try:
        with open(path, "rb") as f:
            f.seek(start)
            chunk = f.read()
    except OSError:
        return "", start
    at = chunk.find(_marker(seq))
    begin = at + len(_marker(seq)) if at >= 0 else 0
    end = chunk.find(_marker(seq + 1), begin)
    end = len(chunk) if end < 0 else end
    body = chunk[begin:end]
    if len(body) > 2 * keep:
        body = body[:keep] + b"\n...\n" + body[-keep:]
    return body.decode("utf-8", "replace"), start + end


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


def serve(
    requests: Connection, replies: Connection, reader: Reader, memory: int | None, log: str
) -> None:
    """The worker: files are answered in order until ``None`` or the parent is gone."""
    # Ctrl-C in a terminal reaches the whole process group; the parent decides.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _quiet(log)
    if memory:
        limit_memory(memory)
    inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()

    def drain() -> None:
        # Taking requests as they come keeps the parent's send from waiting on a parse.
        while True:
            try:
                request = requests.recv()
            except (EOFError, OSError):
                request = None
            inbox.put(request)
            if request is None:
                return

    threading.Thread(target=drain, name="requests", daemon=True).start()
    while True:
        request = inbox.get()
        if request is None:
            return
        seq, data, filename, args = request
        with contextlib.suppress(OSError):
            os.write(2, _marker(seq))
        reply = _answer(reader, data, filename, args)
        try:
            replies.send(reply)
        except (OSError, ValueError):
            return  # the parent is gone
        except Exception as exc:  # noqa: BLE001 - a result that cannot be pickled: our bug
            replies.send(("bug", f"{type(exc).__name__}: {exc}", traceback.format_exc()))


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
