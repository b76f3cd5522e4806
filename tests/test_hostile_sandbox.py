"""The reader process: a panic, an abort, a segfault or a runaway read in it is one Chinese
sentence naming the file, and the batch goes on with one worker reused across files.

The crashing spreadsheets are real: two corpus .xls files with one or two bytes changed,
found by the fuzz test, on which python-calamine 0.9 panics (an index out of range) or asks
for more memory than the worker may have and aborts (without the limit it allocates for
minutes). Readers that segfault or never return are test functions run in the same worker
(they are pickled by name, so they live at module level here).
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
import time
from pathlib import Path

import pytest

from perfdesk.excel.batch import import_paths, read_bytes
from perfdesk.excel.sandbox import ReaderBug, ReaderCrash, Sandbox
from perfdesk.models.errors import Cancelled, InputError

CORPUS = Path(__file__).parent / "data" / "excel_in"

# (corpus file, [(offset, new byte)]): found by tests/test_hostile_fuzz.py's byte flips.
PANIC_XLS = ("variety/2024年城市道路养护项目绩效目标表.xls", [(2762, 193)])
ABORT_XLS = ("variety/clinic_eval_merged_lo.xls", [(6239, 68), (6437, 31)])


def patched(spec: tuple[str, list[tuple[int, int]]]) -> bytes:
    name, patches = spec
    data = bytearray((CORPUS / name).read_bytes())
    for offset, value in patches:
        data[offset] = value
    return bytes(data)


def write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- hostile readers


def segfault(data: bytes, filename: str, *args: object) -> object:
    if filename.startswith("segv"):
        ctypes.string_at(0)  # reads address 0: SIGSEGV (an access violation on Windows)
    return read_bytes(data, filename, *args)


def never_returns(data: bytes, filename: str, *args: object) -> object:
    if filename.startswith("slow"):
        while True:
            time.sleep(0.05)
    return read_bytes(data, filename, *args)


def has_a_bug(data: bytes, filename: str, *args: object) -> object:
    return {}["no such key"]


def exits(data: bytes, filename: str, *args: object) -> object:
    os._exit(3)


# ---------------------------------------------------------------- real crashes, a batch


def test_a_panic_is_a_rejection_and_the_worker_goes_on(store, tmp_path: Path) -> None:
    folder = tmp_path / "收件"
    write(folder, "a_seed.xlsx", (CORPUS / "seed.xlsx").read_bytes())
    write(folder, "b_panic.xls", patched(PANIC_XLS))
    write(folder, "c_wan.xlsx", (CORPUS / "seed_wan.xlsx").read_bytes())
    with Sandbox(read_bytes) as sandbox:
        report = import_paths(store, [folder], sandbox=sandbox)
        assert sandbox.started == 1  # a panic unwinds; the same worker read all three
    assert [f.status for f in report.files] == ["imported", "rejected", "imported"]
    bad = report.files[1]
    assert "b_panic.xls" in (bad.error or "") and "解析程序无法读取" in (bad.error or "")
    assert "程序内部错误" not in (bad.error or "")
    assert "PanicException" in (bad.debug or "")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is enforced on Linux")
def test_an_abort_on_a_huge_allocation_is_a_rejection(store, tmp_path: Path) -> None:
    folder = tmp_path / "收件"
    write(folder, "a_seed.xlsx", (CORPUS / "seed.xlsx").read_bytes())
    write(folder, "b_abort.xls", patched(ABORT_XLS))
    write(folder, "c_wan.xlsx", (CORPUS / "seed_wan.xlsx").read_bytes())
    progress: list[str] = []
    with Sandbox(read_bytes) as sandbox:
        report = import_paths(
            store, [folder], sandbox=sandbox, progress=lambda d, t, m: progress.append(m)
        )
        assert sandbox.started == 2  # the dead worker was replaced for the third file
    assert [f.status for f in report.files] == ["imported", "rejected", "imported"]
    bad = report.files[1]
    assert bad.error is not None and "b_abort.xls" in bad.error
    assert "内存超过上限" in bad.error
    assert "SIGABRT" in (bad.debug or "") and "memory allocation" in (bad.debug or "")
    assert progress[-1] == "已处理 3 个文件，导入 2 个，拒绝 1 个"


# ---------------------------------------------------------------- the worker itself


def test_one_worker_serves_a_whole_batch(store, tmp_path: Path) -> None:
    names = ["seed.xlsx", "seed.xls", "flat_list.xlsx", "bad/bad_amount.xlsx", "multi_forms.xls"]
    files = [write(tmp_path, f"{n}_{Path(name).name}", (CORPUS / name).read_bytes())
             for n, name in enumerate(names)]  # fmt: skip
    with Sandbox(read_bytes) as sandbox:
        report = import_paths(store, files, sandbox=sandbox)
        assert sandbox.started == 1
    assert [f.status for f in report.files] == [
        "imported", "imported", "imported", "rejected", "imported"
    ]  # fmt: skip
    # An InputError crosses the process boundary with its sheet and cell.
    assert "D13" in (report.files[3].error or "") and "一亿" in (report.files[3].error or "")


def test_a_segfault_ends_only_the_worker(tmp_path: Path) -> None:
    seed = (CORPUS / "seed.xlsx").read_bytes()
    with Sandbox(segfault) as sandbox:
        with pytest.raises(ReaderCrash) as info:
            sandbox.run(seed, "segv.xlsx")
        assert "segv.xlsx" in info.value.message and "异常终止" in info.value.message
        if sys.platform != "win32":
            assert "SIGSEGV" in info.value.detail
        (form,) = sandbox.run(seed, "seed.xlsx")
        assert form.declaration.name == "12345市民服务热线外包服务"
        assert sandbox.started == 2


def test_a_runaway_read_is_stopped_at_the_time_limit() -> None:
    seed = (CORPUS / "seed.xlsx").read_bytes()
    with Sandbox(never_returns, seconds=1.5) as sandbox:
        t0 = time.monotonic()
        with pytest.raises(ReaderCrash) as info:
            sandbox.run(seed, "slow.xlsx")
        assert time.monotonic() - t0 < 30
        assert "slow.xlsx" in info.value.message and "1.5 秒" in info.value.message
        (form,) = sandbox.run(seed, "seed.xlsx")  # a fresh worker
        assert form.declaration.year == 2019


def test_a_cancel_stops_a_read_in_progress() -> None:
    seed = (CORPUS / "seed.xlsx").read_bytes()
    flag = threading.Event()
    with Sandbox(never_returns, seconds=120) as sandbox:
        threading.Timer(0.5, flag.set).start()
        t0 = time.monotonic()
        with pytest.raises(Cancelled):
            sandbox.run(seed, "slow.xlsx", cancel=flag.is_set)
        assert time.monotonic() - t0 < 30


def test_a_bug_in_the_reader_carries_its_traceback() -> None:
    with Sandbox(has_a_bug) as sandbox:
        with pytest.raises(ReaderBug) as info:
            sandbox.run(b"PK", "x.xlsx")
    assert "KeyError" in str(info.value) and "has_a_bug" in info.value.detail


def test_a_worker_that_exits_is_reported_and_replaced(store, tmp_path: Path) -> None:
    files = [write(tmp_path, f"{n}.xlsx", (CORPUS / "seed.xlsx").read_bytes()) for n in range(2)]
    with Sandbox(exits) as sandbox:
        report = import_paths(store, files, sandbox=sandbox)
        assert sandbox.started == 2
    assert [f.status for f in report.files] == ["rejected", "rejected"]
    assert "“0.xlsx”" in (report.files[0].error or "")
    assert "exit status 3" in (report.files[0].debug or "")


def test_input_errors_keep_their_fields_across_the_process() -> None:
    with Sandbox(read_bytes) as sandbox:
        with pytest.raises(InputError) as info:
            sandbox.run((CORPUS / "bad" / "bad_date.xlsx").read_bytes(), "坏日期.xlsx")
    assert info.value.file == "坏日期.xlsx" and info.value.cell and info.value.sheet


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is enforced on Linux")
def test_the_memory_limit_is_applied_in_the_worker() -> None:
    with Sandbox(_address_space_limit, memory=1536 * 1024 * 1024) as sandbox:
        assert sandbox.run(b"", "x") == 1536 * 1024 * 1024


def _address_space_limit(data: bytes, filename: str) -> int:
    import resource

    return resource.getrlimit(resource.RLIMIT_AS)[0]



def test_files_queued_behind_a_crash_go_to_a_fresh_worker() -> None:
    seed = (CORPUS / "seed.xlsx").read_bytes()
    flat = (CORPUS / "flat_list.xlsx").read_bytes()
    with Sandbox(segfault) as sandbox:
        # All four are with the worker before the first answer is asked for.
        files = [(seed, "a.xlsx"), (seed, "segv.xlsx"), (flat, "b.xlsx"), (seed, "c.xlsx")]
        for data, name in files:
            sandbox.submit(data, name)
        assert sandbox.result()[0].declaration.year == 2019
        with pytest.raises(ReaderCrash) as info:
            sandbox.result()
        assert "segv.xlsx" in info.value.message
        b, c = sandbox.result(), sandbox.result()
        # In order, each its own: b is the 万元 copy of the seed, c the seed again.
        assert b[0].declaration == read_bytes(flat, "b.xlsx")[0].declaration
        assert c[0].declaration == read_bytes(seed, "c.xlsx")[0].declaration
        assert sandbox.started == 2
