"""Printing a year: every form in order with progress, cancel leaving no half file, and
one bad record never stopping the others (the failures listed by project)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from perfdesk.models.errors import Cancelled
from perfdesk.models.records import Evaluation
from perfdesk.pdf.year import YearPrintError, print_year
from perfdesk.store.database import Store
from tests.cli_helpers import run_cli

N = 12
BAD_CHAR = "\U00020000"  # a character no bundled font has


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


def _print(db: Path, folder: Path, form: str = "declaration", **kw):  # type: ignore[no-untyped-def]
    seen: list[tuple[int, int, str]] = []
    with Store(db) as store:
        paths = print_year(
            store, 2024, folder, form,
            progress=lambda n, total, name: seen.append((n, total, name)), **kw,
        )  # fmt: skip
    return paths, seen


def _spoil(db: Path, *positions: int) -> list[str]:
    """Put a character no font has into the records at ``positions`` of the year's list
    (in unit and name order); returns their names."""
    names = []
    with Store(db) as store:
        rows = store.list(year=2024, columns=("id",), order_by=(("unit", False), ("name", False)))
        for k in positions:
            decl = store.get(rows[k][0])
            decl.measures = f"见附件{BAD_CHAR}号文件"
            store.save(decl)
            names.append(decl.name)
    return names


def test_prints_every_form_in_order_with_progress(year_db: Path, tmp_path: Path) -> None:
    paths, seen = _print(year_db, tmp_path / "pdf")
    assert len(paths) == N
    assert [p.parent for p in paths] == [tmp_path / "pdf"] * N
    assert [n for n, _, _ in seen] == list(range(1, N + 1))
    assert {total for _, total, _ in seen} == {N}
    names = [name for _, _, name in seen]
    assert names == sorted(names) and all("（" in name for name in names)
    assert all(p.read_bytes().startswith(b"%PDF") for p in paths)
    assert not list((tmp_path / "pdf").glob("*.part"))
    again, _ = _print(year_db, tmp_path / "again")
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in again]


def test_evaluation_form_prints_only_the_evaluations(year_db: Path, tmp_path: Path) -> None:
    paths, seen = _print(year_db, tmp_path / "ev", form="evaluation")
    assert len(paths) == len(range(0, N, 3)) == len(seen)
    assert all(p.name.endswith("绩效自评表.pdf") for p in paths)


def test_cancel_stops_between_forms_and_leaves_no_half_file(year_db: Path, tmp_path: Path) -> None:
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 4

    with pytest.raises(Cancelled):
        _print(year_db, tmp_path / "c", cancel=cancel)
    left = sorted((tmp_path / "c").iterdir())
    assert len(left) == 4
    assert all(p.suffix == ".pdf" and p.read_bytes().startswith(b"%PDF") for p in left)


def test_bad_records_are_listed_and_the_others_printed(year_db: Path, tmp_path: Path) -> None:
    bad = _spoil(year_db, 2, 7)
    with pytest.raises(YearPrintError) as err:
        _print(year_db, tmp_path / "pdf")
    exc = err.value
    assert len(exc.written) == N - 2 == len(list((tmp_path / "pdf").glob("*.pdf")))
    assert [f.name for f in exc.failures] == bad
    for failure in exc.failures:
        assert failure.year == 2024 and failure.unit
        assert "U+20000" in failure.reason and "保证项目实施的制度、措施" in failure.reason
        assert f"2024年 {failure.unit}“{failure.name}”" in exc.message
    assert not list((tmp_path / "pdf").glob("*.part"))


def test_an_unreadable_record_does_not_stop_the_year(
    year_db: Path, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Whatever a record's failure (here: its stored revision cannot be decoded), the
    rest of the year is printed and the record named."""
    with Store(year_db) as store:
        rows = store.list(year=2024, columns=("id", "name"), order_by=(("name", False),))
    victim_id, victim_name = rows[3]
    real_get = Store.get

    def get(self, rid, revision=None):  # type: ignore[no-untyped-def]
        if rid == victim_id:
            raise KeyError("indicators")
        return real_get(self, rid, revision)

    monkeypatch.setattr(Store, "get", get)
    with pytest.raises(YearPrintError) as err:
        _print(year_db, tmp_path / "pdf")
    assert len(err.value.written) == N - 1
    assert [f.name for f in err.value.failures] == [victim_name]
    assert "perfdesk check" in err.value.failures[0].reason
    # The exception is kept for --debug, not shown: no KeyError('indicators') for the clerk.
    assert "KeyError" not in err.value.failures[0].reason
    assert "indicators" not in err.value.failures[0].reason
    assert isinstance(err.value.__cause__, KeyError)


def test_command_line_lists_failures_on_stderr(year_db: Path, tmp_path: Path) -> None:
    bad = _spoil(year_db, 0)
    out = tmp_path / "pdf"
    proc = run_cli("print", "--year", "2024", "-o", str(out), db=year_db)
    assert proc.returncode == 1
    assert f"已打印 {N - 1} 份到 {out}" in proc.stdout
    assert bad[0] not in proc.stdout
    assert f"“{bad[0]}”" in proc.stderr and "2024年" in proc.stderr and "U+20000" in proc.stderr
    assert len(list(out.glob("*.pdf"))) == N - 1


def test_command_line_prints_a_year(year_db: Path, tmp_path: Path) -> None:
    proc = run_cli("print", "--year", "2024", "-o", str(tmp_path / "pdf"), db=year_db)
    assert proc.returncode == 0, proc.stderr
    assert f"已打印 {N} 份" in proc.stdout
    assert len(list((tmp_path / "pdf").glob("*.pdf"))) == N


def test_ctrl_c_stops_quietly(tmp_path: Path, seed_decl) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+C: one short sentence, exit 130, no traceback, no half-written file."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.cli_helpers import ROOT

    # Enough forms that the run cannot end before the signal even on a starved machine
    # (a fresh-clone run once saw all 80 of an earlier version printed first).
    n = 400
    db = tmp_path / "big.sqlite"
    with Store(db) as store:
        store.save_many([
            dataclasses.replace(seed_decl, name=f"项目{i:03d}", year=2024) for i in range(n)
        ])  # fmt: skip
    out = tmp_path / "pdf"
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "perfdesk", "--db", str(db), "print", "--year", "2024",
         "-o", str(out)],
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
    left = list(out.iterdir())
    assert 3 <= len(left) < n
    assert not [p for p in left if p.suffix == ".part"]


def test_a_failed_write_leaves_no_temporary_file(seed_decl, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from perfdesk.pdf.printout import write_pdf

    target = tmp_path / "表.pdf"
    target.mkdir()  # a folder where the PDF should go: the rename fails
    with pytest.raises(OSError):
        write_pdf(seed_decl, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["表.pdf"]

