"""Printing a year: in this process or in worker processes, the same files and bytes, with
progress, cancel and errors as without workers."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from perfdesk.models.errors import Cancelled
from perfdesk.models.records import Evaluation
from perfdesk.pdf import year as printing
from perfdesk.pdf.fonts import MissingGlyphError
from perfdesk.pdf.year import default_jobs, print_year
from perfdesk.store.database import Store
from tests.cli_helpers import run_cli

N = 12


@pytest.fixture
def year_db(tmp_path: Path, seed_decl) -> Path:  # type: ignore[no-untyped-def]
    db = tmp_path / "year.sqlite"
    decls = []
    for i in range(N):
        d = dataclasses.replace(seed_decl, name=f"{seed_decl.name}（{i:02d}）", year=2024)
        if i % 3 == 0:
            d.evaluation = Evaluation(layout="shanghai")
        decls.append(d)
    with Store(db) as store:
        store.save_many(decls)
    return db


def _print(db: Path, folder: Path, jobs: int, form: str = "declaration", **kw):  # type: ignore[no-untyped-def]
    seen: list[tuple[int, int, str]] = []
    with Store(db) as store:
        paths = print_year(
            store,
            2024,
            folder,
            form,
            jobs=jobs,
            progress=lambda n, total, name: seen.append((n, total, name)),
            **kw,
        )
    return paths, seen


def test_workers_print_the_same_files_in_the_same_order(year_db: Path, tmp_path: Path) -> None:
    here, seen_here = _print(year_db, tmp_path / "here", jobs=1)
    there, seen_there = _print(year_db, tmp_path / "there", jobs=2)
    assert [p.name for p in here] == [p.name for p in there]
    assert len(here) == N
    for a, b in zip(here, there, strict=True):
        assert a.parent == tmp_path / "here" and b.parent == tmp_path / "there"
        assert a.read_bytes() == b.read_bytes()  # a PDF depends only on its record
    assert seen_here == seen_there
    assert [n for n, _, _ in seen_there] == list(range(1, N + 1))
    assert {total for _, total, _ in seen_there} == {N}
    assert all("（" in name for _, _, name in seen_there)
    assert not list((tmp_path / "there").glob("*.part"))


def test_workers_print_only_evaluations_for_the_evaluation_form(
    year_db: Path, tmp_path: Path
) -> None:
    there, seen = _print(year_db, tmp_path / "ev", jobs=2, form="evaluation")
    assert len(there) == len(range(0, N, 3)) == len(seen)
    assert all(p.name.endswith("绩效自评表.pdf") for p in there)


def test_cancel_stops_the_workers_and_leaves_no_half_file(year_db: Path, tmp_path: Path) -> None:
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(Cancelled):
        _print(year_db, tmp_path / "c", jobs=2, cancel=cancel)
    left = sorted((tmp_path / "c").iterdir())
    assert not [p for p in left if p.suffix == ".part"]
    assert 3 <= len(left) < N
    assert all(p.read_bytes().startswith(b"%PDF") for p in left)


def test_a_form_failing_in_a_worker_raises_its_own_error(year_db: Path, tmp_path: Path) -> None:
    with Store(year_db) as store:
        rid = store.list(year=2024, columns=("id",))[5][0]
        decl = store.get(rid)
        decl.measures = "见附件\U00020000号文件"  # a character no bundled font has
        store.save(decl)
    for jobs in (1, 2):
        with pytest.raises(MissingGlyphError) as err:
            _print(year_db, tmp_path / f"e{jobs}", jobs=jobs)
        assert "保证项目实施的制度、措施" in err.value.message
        assert "U+20000" in err.value.message


def test_default_jobs_uses_the_cores_only_for_a_batch_worth_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(printing.os, "cpu_count", lambda: 4)
    assert default_jobs(1) == 1
    assert default_jobs(printing.MIN_FORMS_PER_WORKER * 2 - 1) == 1
    assert default_jobs(printing.MIN_FORMS_PER_WORKER * 2) == 2
    assert default_jobs(10_000) == 4
    monkeypatch.setattr(printing.os, "cpu_count", lambda: 64)
    assert default_jobs(10_000) == printing.MAX_JOBS
    monkeypatch.setattr(printing.os, "cpu_count", lambda: None)
    assert default_jobs(10_000) == 1


def test_command_line_prints_a_year_with_workers(year_db: Path, tmp_path: Path) -> None:
    proc = run_cli("print", "--year", "2024", "-j", "2", "-o", str(tmp_path / "pdf"), db=year_db)
    assert proc.returncode == 0, proc.stderr
    assert f"已打印 {N} 份" in proc.stdout
    assert len(list((tmp_path / "pdf").glob("*.pdf"))) == N
    proc = run_cli("print", "1", "-j", "2", "-o", str(tmp_path / "x.pdf"), db=year_db)
    assert proc.returncode == 2 and "--jobs 只能与 --year 同用" in proc.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_spawned_workers_as_on_windows(year_db: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Where there is no fork, each worker starts a fresh interpreter and imports what it
    needs: the same files come out."""
    here, _ = _print(year_db, tmp_path / "here", jobs=1)
    monkeypatch.setattr(printing, "START_METHOD", "spawn")
    there, seen = _print(year_db, tmp_path / "spawned", jobs=2)
    assert [p.read_bytes() for p in here] == [p.read_bytes() for p in there]
    assert len(seen) == N


def test_ctrl_c_stops_the_workers_quietly(tmp_path: Path, seed_decl) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+C reaches the whole process group: one short sentence, exit 130, no worker
    tracebacks, no half-written file, no worker left running."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.cli_helpers import ROOT

    db = tmp_path / "big.sqlite"
    with Store(db) as store:
        store.save_many([
            dataclasses.replace(seed_decl, name=f"项目{i:03d}", year=2024) for i in range(80)
        ])  # fmt: skip
    out = tmp_path / "pdf"
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "perfdesk", "--db", str(db), "print", "--year", "2024",
         "-j", "2", "-o", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while len(list(out.glob("*.pdf"))) < 3 and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.002)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip() == "已中断。"
    time.sleep(0.2)
    left = list(out.iterdir())
    assert 3 <= len(left) < 80
    assert not [p for p in left if p.suffix == ".part"]
    with pytest.raises(ProcessLookupError):
        os.killpg(proc.pid, 0)  # nobody of the group is left


def test_a_killed_worker_does_not_lose_forms(year_db: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A worker that dies (killed, out of memory) breaks the pool: what it had not
    delivered is printed in this process, nothing is missing and nothing hangs."""
    import os

    with Store(year_db) as store:
        victim = store.list(year=2024, columns=("id",))[4][0]
    real = printing._WorkerChunk.__call__

    def dying(self, ids):  # type: ignore[no-untyped-def]
        if victim in ids:
            os._exit(9)
        return real(self, ids)

    monkeypatch.setattr(printing._WorkerChunk, "__call__", dying)
    here, _ = _print(year_db, tmp_path / "here", jobs=1)
    there, seen = _print(year_db, tmp_path / "there", jobs=2)
    assert [p.read_bytes() for p in here] == [p.read_bytes() for p in there]
    assert [n for n, _, _ in seen] == list(range(1, N + 1))


def test_no_more_workers_than_chunks_whatever_j_asks(year_db: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import concurrent.futures

    asked: list[int] = []
    real = concurrent.futures.ProcessPoolExecutor

    class Counting(real):  # type: ignore[misc, valid-type]
        def __init__(self, max_workers=None, *args, **kwargs):  # type: ignore[no-untyped-def]
            asked.append(max_workers)
            super().__init__(max_workers, *args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Counting)
    there, _ = _print(year_db, tmp_path / "many", jobs=100)
    assert len(there) == N
    assert asked == [N]  # one form a chunk here: one worker a form, not 100


def test_a_failed_write_leaves_no_temporary_file(seed_decl, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from perfdesk.pdf.printout import write_pdf

    target = tmp_path / "表.pdf"
    target.mkdir()  # a folder where the PDF should go: the rename fails
    with pytest.raises(OSError):
        write_pdf(seed_decl, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["表.pdf"]


def test_a_worker_that_could_not_open_the_database_tries_again(year_db: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Opening can fail for a moment (a colleague's write holds the lock on a network
    share): the worker opens it again for its next forms instead of failing them all."""
    from perfdesk.models.errors import StoreError

    real = printing.Store
    calls = []

    def flaky(path, **kw):  # type: ignore[no-untyped-def]
        calls.append(path)
        if len(calls) == 1:
            raise StoreError("数据库被锁定")
        return real(path, **kw)

    import signal

    monkeypatch.setattr(printing, "Store", flaky)
    monkeypatch.setattr(printing, "_worker_store", None)
    previous = signal.getsignal(signal.SIGINT)
    try:
        printing._worker_start(str(year_db))  # fails: no store yet
    finally:
        signal.signal(signal.SIGINT, previous)  # a worker ignores Ctrl+C; this process not
    assert printing._worker_store is None
    with real(year_db) as store:
        ids = [r[0] for r in store.list(year=2024, columns=("id",))][:3]
    done = printing._WorkerChunk(str(tmp_path), "declaration")(ids)
    assert [path is not None for _, path, _ in done] == [True, True, True]
    assert len(calls) == 2
    printing._worker_store.close()
