"""`perfdesk import` of a file made by `perfdesk export` gives back the same record.

Everything runs through the real command line (subprocess): a record is imported from its
JSON into one database, exported as 申报表 and 自评表, and the exported files are imported
into a fresh database; `show --json` must then agree on every key except the store's own
(id, status, revision). What paper does not show comes back through the file's stamp, and
only while the sheet still shows what was exported: an edited file wins over its stamp.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfdesk.models.records import Declaration
from perfdesk.models.serialize import declaration_from_dict, declaration_to_dict, dumps, loads
from tests.cli_helpers import ROOT, run_cli
from tests.strategies import declarations

DATA = Path(__file__).parent / "data"
RECORDS = [DATA / "seed.json", *sorted((DATA / "excel_out").glob("*.json"))]
STORE_KEYS = ("id", "status", "revision")


def cli_json(*args: str, db: Path) -> Any:
    r = run_cli(*args, "--json", db=db)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def import_lines(*paths: Path, db: Path) -> list[dict[str, Any]]:
    r = run_cli("import", *map(str, paths), "--json", db=db)
    lines = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    assert r.returncode == 0, (r.stderr, lines)
    return lines


def export(rid: int, form: str, out: Path, db: Path) -> Path:
    r = run_cli("export", str(rid), "-o", str(out), "--form", form, db=db)
    assert r.returncode == 0, r.stderr
    return out


def shown(rid: int, db: Path) -> dict[str, Any]:
    d = cli_json("show", str(rid), db=db)
    for key in STORE_KEYS:
        d.pop(key)
    return d


def forms_of(record: dict[str, Any]) -> list[str]:
    return ["declaration"] + (["evaluation"] if record["evaluation"] is not None else [])


def round_trip(
    json_file: Path, tmp_path: Path
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(records as first stored, as stored again from the exports, import lines)."""
    first_db, second_db = tmp_path / "first.sqlite", tmp_path / "second.sqlite"
    (line,) = import_lines(json_file, db=first_db)
    before = [shown(rid, first_db) for rid in line["ids"]]
    decl_files, eval_files = [], []
    for n, (rid, record) in enumerate(zip(line["ids"], before, strict=True)):
        for form in forms_of(record):
            out = tmp_path / f"{n:02d}_{form}.xlsx"
            (decl_files if form == "declaration" else eval_files).append(
                export(rid, form, out, first_db)
            )
    # Declarations first: an evaluation attaches to the declaration already stored.
    lines = import_lines(*decl_files, *eval_files, db=second_db)
    ids = {i for line in lines for i in line["ids"]}
    after = [shown(rid, second_db) for rid in sorted(ids)]
    return before, after, lines


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.stem)
def test_an_export_imports_as_the_same_record(path: Path, tmp_path: Path) -> None:
    before, after, lines = round_trip(path, tmp_path)
    assert after == before
    # Nothing the stamp restored is reported as a difference of the sheet's scores.
    assert not any("表中" in w for line in lines for w in line["warnings"])


def test_hidden_keys_are_what_the_stamp_brought_back(tmp_path: Path) -> None:
    """The records above do hold keys paper does not show (so the test above needs the
    stamp): a target direction, a tier score, an override reason, a not-applicable mark."""
    national = loads((DATA / "excel_out" / "national_full.json").read_text(encoding="utf-8"))
    shanghai = loads((DATA / "excel_out" / "sh2019_shanghai_eval.json").read_text(encoding="utf-8"))
    assert national["indicators"][3]["direction"] == "≤"
    assert national["evaluation"]["indicators"][6]["tier_score"] == 14
    reasons = [i.get("override_reason") for i in shanghai["evaluation"]["indicators"]]
    assert "专家评议酌减" in reasons
    assert any(i.get("not_applicable") for i in shanghai["evaluation"]["indicators"])


def _distinct(decls: list[Declaration]) -> list[Declaration]:
    for n, d in enumerate(decls):
        d.name = f"{d.name}{n}"  # (year, unit, name) is unique in the store
    return decls


@settings(max_examples=1, deadline=None, suppress_health_check=list(HealthCheck))
@given(decls=st.lists(declarations(), min_size=5, max_size=5).map(_distinct))
def test_generated_records_come_back_through_the_command_line(
    decls: list[Declaration], tmp_path_factory: pytest.TempPathFactory
) -> None:
    tmp_path = tmp_path_factory.mktemp("generated")
    records = tmp_path / "records.json"
    records.write_text(dumps([declaration_to_dict(d) for d in decls]), encoding="utf-8")
    before, after, _ = round_trip(records, tmp_path)
    key = lambda d: (d["year"], d["unit"], d["name"])  # noqa: E731
    assert sorted(after, key=key) == sorted(before, key=key)


# ---------------------------------------------------------------- an edited file wins


def _cell_right_of(ws: Any, label: str) -> Any:
    """The cell holding a label's value: the first one past the label's own merge."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == label:
                own = [m for m in ws.merged_cells.ranges if cell.coordinate in m]
                col = own[0].max_col + 1 if own else cell.column + 1
                return ws.cell(cell.row, col)
    raise AssertionError(label)


def test_an_edited_name_wins_over_the_stamp(tmp_path: Path) -> None:
    db, fresh = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    (line,) = import_lines(DATA / "excel_out" / "national_full.json", db=db)
    path = export(line["ids"][0], "declaration", tmp_path / "d.xlsx", db)
    wb = openpyxl.load_workbook(path)
    cell = _cell_right_of(wb.active, "项目名称")
    assert cell.value == "大气污染防治专项监测"
    cell.value = "大气污染防治专项监测（调整）"
    wb.save(path)  # openpyxl, like Excel, keeps the custom property (the stamp) on save

    (line,) = import_lines(path, db=fresh)
    got = shown(line["ids"][0], fresh)
    assert got["name"] == "大气污染防治专项监测（调整）"
    assert got["indicators"][3]["direction"] is None  # the stamp was not used
    assert got["indicators"][3]["target"] == "≤24小时"


def test_an_edited_actual_value_wins_over_the_stamp(tmp_path: Path) -> None:
    db, fresh = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    (line,) = import_lines(DATA / "excel_out" / "national_full.json", db=db)
    rid = line["ids"][0]
    decl_file = export(rid, "declaration", tmp_path / "d.xlsx", db)
    eval_file = export(rid, "evaluation", tmp_path / "e.xlsx", db)
    wb = openpyxl.load_workbook(eval_file)
    ws = wb.active
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "120次")
    cell.value = "125次"
    wb.save(eval_file)

    lines = import_lines(decl_file, eval_file, db=fresh)
    got = shown(lines[1]["ids"][0], fresh)["evaluation"]["indicators"]
    assert got[1]["actual"] == "125次"
    assert got[3].get("direction") is None  # the stamp was not used for the evaluation
    # The declaration file, unchanged, still came back whole through its stamp.
    assert shown(lines[0]["ids"][0], fresh)["indicators"][3]["direction"] == "≤"


def test_a_stamp_is_not_applied_to_a_sheet_it_does_not_describe(tmp_path: Path) -> None:
    """The stamp of a 申报表 says nothing about a 自评表 carried in the same file name."""
    from perfdesk.excel.batch import read_path, restore_stamped
    from perfdesk.excel.reader import read_workbook

    db = tmp_path / "a.sqlite"
    (line,) = import_lines(DATA / "excel_out" / "national_full.json", db=db)
    decl_file = export(line["ids"][0], "declaration", tmp_path / "d.xlsx", db)
    eval_file = export(line["ids"][0], "evaluation", tmp_path / "e.xlsx", db)
    (form,) = read_workbook(eval_file.read_bytes(), "e.xlsx").forms
    assert restore_stamped(form, decl_file.read_bytes()) is False
    (form,) = read_path(eval_file)
    stored = declaration_from_dict(
        loads((DATA / "excel_out" / "national_full.json").read_text(encoding="utf-8"))
    )
    assert form.declaration.evaluation == stored.evaluation


def test_a_restored_override_keeps_its_reason_without_a_warning(tmp_path: Path) -> None:
    """A score overridden by hand shows on the sheet as a score that differs from the
    rules'; read alone it would be kept as 导入表中得分 with a warning, through the stamp it
    comes back with its own reason and nothing to warn about."""
    record = json.loads((DATA / "excel_out" / "national_full.json").read_text(encoding="utf-8"))
    record["evaluation"]["indicators"][0].update(score=8, override_reason="专家评议酌减")
    source = tmp_path / "record.json"
    source.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    db, fresh, edited = (tmp_path / f"{n}.sqlite" for n in ("a", "b", "c"))
    (line,) = import_lines(source, db=db)
    rid = line["ids"][0]
    decl_file = export(rid, "declaration", tmp_path / "d.xlsx", db)
    eval_file = export(rid, "evaluation", tmp_path / "e.xlsx", db)

    lines = import_lines(decl_file, eval_file, db=fresh)
    assert not any("表中得分" in w for w in lines[1]["warnings"])
    got = shown(rid, fresh)["evaluation"]["indicators"][0]
    assert (got["score"], got["override_reason"]) == (8, "专家评议酌减")

    wb = openpyxl.load_workbook(eval_file)
    cell = next(c for row in wb.active.iter_rows() for c in row if c.value == "120次")
    cell.value = "125次"  # edited: the sheet alone is the record
    wb.save(eval_file)
    lines = import_lines(decl_file, eval_file, db=edited)
    assert any("运维站点数" in w and "表中得分 8" in w for w in lines[1]["warnings"])
    got = shown(rid, edited)["evaluation"]["indicators"][0]
    assert (got["score"], got["override_reason"]) == (8, "导入表中得分")


# ---------------------------------------------------------------- reading the stamp


def test_the_stamp_is_found_among_other_custom_properties(tmp_path: Path) -> None:
    """Whoever saved the file last (openpyxl here, as Excel or WPS would) may have added
    custom properties of their own, of other types, before or after the stamp."""
    import datetime as dt

    from openpyxl.packaging.custom import (
        BoolProperty,
        DateTimeProperty,
        IntProperty,
        StringProperty,
    )

    from perfdesk.excel.stamp import read_stamp

    db = tmp_path / "a.sqlite"
    (line,) = import_lines(DATA / "excel_out" / "national_full.json", db=db)
    path = export(line["ids"][0], "declaration", tmp_path / "d.xlsx", db)
    wb = openpyxl.load_workbook(path)
    props = list(wb.custom_doc_props)
    wb.custom_doc_props.props = [
        IntProperty(name="Revision", value=3),
        StringProperty(name="Owner", value="财务科"),
        *props,
        BoolProperty(name="Checked", value=True),
        DateTimeProperty(name="Sent", value=dt.datetime(2024, 5, 1, 9, 30)),
    ]
    wb.save(path)
    stamp = read_stamp(path.read_bytes())
    assert stamp is not None and stamp["form"] == "declaration"
    assert stamp["record"]["indicators"][3]["direction"] == "≤"


def test_a_file_without_a_perfdesk_stamp_has_none(tmp_path: Path) -> None:
    from openpyxl.packaging.custom import StringProperty

    from perfdesk.excel.stamp import read_stamp

    wb = openpyxl.Workbook()
    wb.active["A1"] = "项目名称"
    path = tmp_path / "other.xlsx"
    wb.save(path)
    assert read_stamp(path.read_bytes()) is None
    wb.custom_doc_props.append(StringProperty(name="perfdesk", value="not json"))
    wb.save(path)
    assert read_stamp(path.read_bytes()) is None
    assert read_stamp(b"PK\x03\x04 not a zip") is None


def test_importing_an_export_reads_its_stamp_without_loading_openpyxl(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    (line,) = import_lines(DATA / "excel_out" / "national_full.json", db=db)
    path = export(line["ids"][0], "declaration", tmp_path / "d.xlsx", db)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from perfdesk.excel.batch import read_path\n"
        f"(form,) = read_path(Path({str(path)!r}))\n"
        "print(form.declaration.indicators[3].direction)\n"
        "print('openpyxl' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    ).stdout.split()
    assert out == ["≤", "False"]  # the stamp was read (paper has no direction), cheaply
