"""`perfdesk import` on hostile files, as a real process: every file gets its JSON line on
stdout, every rejection its sentence on stderr, the batch goes on past a crashing reader,
no lock is left, and files that are not regular files are refused without being opened."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli
from tests.test_hostile_sandbox import ABORT_XLS, PANIC_XLS, patched

CORPUS = Path(__file__).parent / "data" / "excel_in"


def lines(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines()]


def no_lock(db: Path) -> bool:
    return not db.with_name(db.name + ".lock").exists()


def test_a_batch_goes_on_past_panics_and_aborts(tmp_path: Path) -> None:
    folder = tmp_path / "收件"
    folder.mkdir()
    (folder / "1_seed.xlsx").write_bytes((CORPUS / "seed.xlsx").read_bytes())
    (folder / "2_panic.xls").write_bytes(patched(PANIC_XLS))
    (folder / "3_abort.xls").write_bytes(patched(ABORT_XLS))
    (folder / "4_bad_amount.xlsx").write_bytes((CORPUS / "bad" / "bad_amount.xlsx").read_bytes())
    (folder / "5_flat.xlsx").write_bytes((CORPUS / "flat_list.xlsx").read_bytes())
    db = tmp_path / "db.sqlite"
    r = run_cli("import", str(folder), "--json", db=db)
    assert r.returncode == 1
    got = lines(r.stdout)
    assert [Path(str(x["file"])).name for x in got] == sorted(p.name for p in folder.iterdir())
    assert [x["status"] for x in got] == ["imported", "rejected", "rejected", "rejected", "imported"]
    # The rejections' sentences are on stderr, one line each, naming the file; no traceback.
    err = r.stderr.splitlines()
    assert len(err) == 3 and all(line.startswith("已拒绝 ") for line in err)
    for x, line in zip([x for x in got if x["status"] == "rejected"], err, strict=True):
        assert str(x["error"]) in line and f"“{Path(str(x['file'])).name}”" in str(x["error"])
    assert "Traceback" not in r.stderr and "panicked" not in r.stderr
    assert no_lock(db)
    check = run_cli("check", db=db)
    assert check.returncode == 0 and "4 个项目" in check.stdout


def test_text_output_puts_results_on_stdout_and_rejections_on_stderr(tmp_path: Path) -> None:
    good = tmp_path / "好.xlsx"
    bad = tmp_path / "坏.xlsx"
    good.write_bytes((CORPUS / "seed.xlsx").read_bytes())
    bad.write_bytes((CORPUS / "bad" / "bad_amount.xlsx").read_bytes())
    db = tmp_path / "db.sqlite"
    r = run_cli("import", str(good), str(bad), db=db)
    assert r.returncode == 1
    assert f"已导入 {good}：编号 1" in r.stdout and "共 2 个文件：导入 1 个，拒绝 1 个。" in r.stdout
    assert "已拒绝" not in r.stdout and "D13" not in r.stdout
    assert f"已拒绝 {bad}：文件“坏.xlsx”" in r.stderr and "一亿" in r.stderr


def test_debug_shows_what_the_reader_left(tmp_path: Path) -> None:
    bad = tmp_path / "panic.xls"
    bad.write_bytes(patched(PANIC_XLS))
    r = run_cli("--debug", "import", str(bad), db=tmp_path / "db.sqlite")
    assert r.returncode == 1 and "PanicException" in r.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "表.xlsx"
    os.mkfifo(fifo)
    db = tmp_path / "db.sqlite"
    r = run_cli("import", str(fifo), "--json", db=db, timeout=60)
    (x,) = lines(r.stdout)
    assert x["status"] == "rejected" and "管道" in str(x["error"])
    # Inside a folder too: reported, not skipped, not blocking.
    r = run_cli("import", str(tmp_path), "--json", db=db, timeout=60)
    (x,) = lines(r.stdout)
    assert x["status"] == "rejected" and "管道" in str(x["error"])
    assert no_lock(db)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_link_to_dev_zero_is_refused_without_reading(tmp_path: Path) -> None:
    link = tmp_path / "x.xlsx"
    link.symlink_to("/dev/zero")
    r = run_cli("import", str(link), "--json", db=tmp_path / "db.sqlite", timeout=60)
    (x,) = lines(r.stdout)
    assert x["status"] == "rejected" and "设备" in str(x["error"])


def test_a_folder_named_like_a_workbook_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "申报表.xlsx"
    folder.mkdir()
    (folder / "seed.xlsx").write_bytes((CORPUS / "seed.xlsx").read_bytes())
    r = run_cli("import", str(folder), "--json", db=tmp_path / "db.sqlite")
    (x,) = lines(r.stdout)
    assert x["status"] == "rejected" and "文件夹" in str(x["error"])
    # Inside a folder walk it is a folder like any other: its files are imported.
    r = run_cli("import", str(tmp_path), "--json", db=tmp_path / "db.sqlite")
    (x,) = lines(r.stdout)
    assert x["status"] == "imported" and Path(str(x["file"])).parent.name == "申报表.xlsx"


def test_an_unreadable_file_is_named(tmp_path: Path, monkeypatch) -> None:
    """A file the user may not read (the tests run as root, who reads everything: the
    operating system's refusal is made here, where perfdesk opens the file)."""
    from perfdesk.excel import batch
    from perfdesk.models.errors import InputError

    f = tmp_path / "锁住.xlsx"
    f.write_bytes((CORPUS / "seed.xlsx").read_bytes())
    real_open = os.open

    def refuse(path, flags, *args, **kwargs):  # noqa: ANN001, ANN202
        if Path(path) == f:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(batch.os, "open", refuse)
    with pytest.raises(InputError) as exc:
        batch.read_file(f)
    assert exc.value.message == "文件“锁住.xlsx”：没有读取这个文件的权限。"
