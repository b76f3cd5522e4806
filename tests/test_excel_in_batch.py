"""Batch import into a real store: whole files or nothing, evaluations attached, progress."""

from __future__ import annotations

import io
import json
import shutil
import threading
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from perfdesk.excel.batch import (
    FileResult,
    TerminalProgress,
    expand_paths,
    import_paths,
    store_forms,
)
from perfdesk.excel.reader import read_workbook
from perfdesk.models.errors import ValidationError
from perfdesk.models.serialize import declaration_to_dict, dumps
from tests.make_corpus import seed_sheet

CORPUS = Path(__file__).parent / "data" / "excel_in"


def copy(tmp_path: Path, *names: str) -> list[Path]:
    out = []
    for name in names:
        target = tmp_path / Path(name).name
        shutil.copyfile(CORPUS / name, target)
        out.append(target)
    return out


def snapshot(store) -> list[str]:
    """Every row of every table, revisions included."""
    return list(store.conn.iterdump())


def test_folder_import_reports_each_file(store, tmp_path: Path, seed_dict: dict[str, Any]) -> None:
    folder = tmp_path / "收件"
    (folder / "子目录").mkdir(parents=True)
    shutil.copyfile(CORPUS / "seed.xlsx", folder / "seed.xlsx")
    shutil.copyfile(CORPUS / "flat_list.xlsx", folder / "子目录" / "flat_list.xlsx")
    shutil.copyfile(CORPUS / "bad" / "bad_amount.xlsx", folder / "bad_amount.xlsx")
    (folder / "~$seed.xlsx").write_bytes(b"lock")
    (folder / "readme.txt").write_text("not imported")
    report = import_paths(store, [folder])
    assert report.total == 3 and not report.ok
    by_name = {Path(f.file).name: f for f in report.files}
    assert set(by_name) == {"seed.xlsx", "flat_list.xlsx", "bad_amount.xlsx"}
    bad = by_name["bad_amount.xlsx"]
    assert bad.status == "rejected" and bad.ids == []
    assert "D13" in (bad.error or "") and "一亿" in (bad.error or "")
    seed = by_name["seed.xlsx"]
    assert seed.status == "imported" and len(seed.ids) == 1 and seed.error is None
    stored = declaration_to_dict(store.get(seed.ids[0]), with_store_keys=False)
    assert {k: stored[k] for k in seed_dict} == seed_dict
    # The checks ran on what was stored: the seed's vague targets are flagged, not blocking.
    assert any("规范、安全、高效" in w or "合理、有效" in w for w in seed.warnings)
    assert len(by_name["flat_list.xlsx"].ids) == 3
    assert store.count() == 4
    assert set(seed.to_json()) == {"file", "status", "ids", "warnings", "error"}
    json.dumps(bad.to_json(), ensure_ascii=False)


def test_a_rejected_file_changes_nothing(store, tmp_path: Path) -> None:
    import_paths(store, copy(tmp_path, "seed.xlsx"))
    before = snapshot(store)
    bad = copy(
        tmp_path, "bad/bad_date.xlsx", "bad/encrypted.xlsx", "bad/zip_bomb.xlsx", "bad/no_form.xlsx"
    )
    report = import_paths(store, bad)
    assert [f.status for f in report.files] == ["rejected"] * 4
    assert snapshot(store) == before


def test_a_file_is_stored_whole_or_not_at_all(store, seed_dict: dict[str, Any]) -> None:
    wb = openpyxl.Workbook()
    seed_sheet(wb.active, seed_dict)
    seed_sheet(wb.create_sheet("第二个"), {**seed_dict, "name": "另一个项目"})
    buf = io.BytesIO()
    wb.save(buf)
    forms = read_workbook(buf.getvalue(), "two.xlsx").forms
    forms[1].declaration.unit = None  # the store refuses the second record
    with pytest.raises(ValidationError):
        store_forms(store, forms)
    assert store.count() == 0


def test_reimport_updates_the_same_record(store, tmp_path: Path) -> None:
    (path,) = copy(tmp_path, "seed.xlsx")
    first = import_paths(store, [path]).ids
    second = import_paths(store, [path, tmp_path]).ids  # the folder holds the same file
    assert first == second and store.count() == 1


def test_evaluation_attaches_to_its_declaration(store, tmp_path: Path) -> None:
    decl_id = import_paths(store, copy(tmp_path, "seed.xlsx")).ids[0]
    report = import_paths(store, copy(tmp_path, "eval_shanghai_yuan.xlsx"))
    assert report.ids == [decl_id]
    stored = store.get(decl_id)
    assert stored.evaluation is not None and stored.evaluation.layout == "shanghai"
    assert stored.created_from is None
    assert stored.overview is not None  # the declaration itself is untouched
    assert store.count() == 1


def test_evaluation_without_declaration_creates_it_marked(store, tmp_path: Path) -> None:
    rid = import_paths(store, copy(tmp_path, "eval_national_wan.xlsx")).ids[0]
    stored = store.get(rid)
    assert stored.created_from == "evaluation"
    assert stored.evaluation is not None and len(stored.evaluation.indicators) == 7
    # The declaration arriving later keeps the evaluation already stored.
    again = import_paths(store, copy(tmp_path, "national_split.xlsx")).ids
    assert again == [rid]
    assert store.get(rid).evaluation is not None
    assert store.count() == 1


def test_json_files_import_too(store, tmp_path: Path, seed_decl) -> None:
    path = tmp_path / "seed.json"
    path.write_text(dumps(declaration_to_dict(seed_decl)), encoding="utf-8")
    report = import_paths(store, [tmp_path])
    assert [f.status for f in report.files] == ["imported"]
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    assert import_paths(store, [broken]).files[0].status == "rejected"


def test_year_argument_reaches_the_reader(store, tmp_path: Path) -> None:
    (path,) = copy(tmp_path, "seed_no_year.xlsx")
    assert import_paths(store, [path]).files[0].status == "rejected"
    report = import_paths(store, [path], year=2019)
    assert report.ok and store.get(report.ids[0]).year == 2019


def test_progress_and_cancel(store, tmp_path: Path) -> None:
    paths = copy(tmp_path, "seed.xlsx", "flat_list.xlsx", "national_split.xlsx")
    stop = threading.Event()
    calls: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, message: str) -> None:
        calls.append((done, total, message))
        if done == 1:
            stop.set()  # cancel after the first file

    report = import_paths(store, sorted(paths), progress=progress, cancel=stop)
    assert report.cancelled and not report.ok
    assert len(report.files) == 1 and report.total == 3
    assert [c[:2] for c in calls] == [(0, 3), (1, 3), (1, 3)]  # before, after, summary
    assert "已取消" in calls[-1][2]
    # A callable works as well as an Event.
    report = import_paths(store, sorted(paths), cancel=lambda: True)
    assert report.files == [] and report.cancelled


def test_expand_paths_keeps_files_named_explicitly(tmp_path: Path) -> None:
    odd = tmp_path / "表格.txt"
    odd.write_text("x")
    assert expand_paths([odd]) == [odd]
    assert expand_paths([tmp_path]) == []


def test_terminal_progress_only_on_a_terminal() -> None:
    quiet = io.StringIO()
    TerminalProgress(quiet)(1, 2, "x")
    assert quiet.getvalue() == ""
    loud = io.StringIO()
    bar = TerminalProgress(loud, force=True, width=10)
    bar(1, 2, "正在导入 a.xlsx")
    bar.finish()
    assert "█████░░░░░" in loud.getvalue() and "1/2" in loud.getvalue()
    assert loud.getvalue().endswith("\n")


def test_file_result_json_shape() -> None:
    r = FileResult(file="a.xlsx", status="rejected", error="坏了")
    assert r.to_json() == {
        "file": "a.xlsx",
        "status": "rejected",
        "ids": [],
        "warnings": [],
        "error": "坏了",
    }


def test_missing_file_and_skipped_sheet_are_reported_in_chinese(tmp_path) -> None:
    from perfdesk.store.database import Store as _Store

    variety = Path(__file__).parent / "data" / "excel_in" / "variety"
    with _Store(tmp_path / "db.sqlite") as store:
        report = import_paths(store, [tmp_path / "无此文件.xlsx", *sorted(variety.glob("clinic_with_instructions*"))])
    missing, *rest = report.files
    assert missing.status == "rejected" and missing.error.endswith("文件不存在。")
    assert rest and all(f.status == "imported" for f in rest)
    assert any("填表说明" in w and "已跳过" in w for f in rest for w in f.warnings)
