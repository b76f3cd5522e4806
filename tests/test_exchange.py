"""上报, 接收, 退回, 汇总 (forms.md §6): a department of three unit PCs and one 主管部门 PC,
each a real SQLite file, with packages going both ways. Nothing is ever lost: every revision
stays in the history."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from perfdesk.exchange import hand_in as H
from perfdesk.exchange.package import MAX_PART_BYTES, PackageError, read_package
from perfdesk.models.errors import Cancelled, PerfdeskError
from perfdesk.models.records import Declaration
from perfdesk.store import packages as P
from perfdesk.store.database import Store
from tests.cli_helpers import run_cli

UNITS = ("上海市第一中学", "上海市第二中学", "上海市第三中学")


def _project(seed: Declaration, unit: str, name: str, year: int = 2019, status: str = "final"):
    decl = copy.deepcopy(seed)
    decl.id = None
    decl.year = year
    decl.unit = unit
    decl.name = name
    decl.status = status
    return decl


@pytest.fixture
def department(tmp_path: Path, seed_decl: Declaration):
    """Three unit databases with two projects each (one final, one draft), and the 主管部门's."""
    stores: dict[str, Store] = {}
    for n, unit in enumerate(UNITS):
        s = Store(tmp_path / f"unit{n}.sqlite")
        s.save(_project(seed_decl, unit, f"{unit}设备购置"))
        s.save(_project(seed_decl, unit, f"{unit}校舍维修", status="draft"))
        stores[unit] = s
    dept = Store(tmp_path / "dept.sqlite")
    yield stores, dept
    for s in [*stores.values(), dept]:
        s.close()


def _revisions(store: Store) -> list[tuple[Any, ...]]:
    return store.conn.execute(
        "SELECT record_id, revision, status, doc FROM revisions ORDER BY record_id, revision"
    ).fetchall()


def _state(store: Store) -> tuple[Any, ...]:
    return (
        _revisions(store),
        store.conn.execute("SELECT * FROM records ORDER BY id").fetchall(),
        store.conn.execute("SELECT * FROM packages").fetchall(),
        store.conn.execute("SELECT * FROM package_records").fetchall(),
    )


def test_pack_takes_final_forms_and_drafts_only_when_asked(department, tmp_path: Path) -> None:
    units, _ = department
    store = units[UNITS[0]]
    result = H.pack(store, tmp_path / "a.pdpack", year=2019)
    assert (result.count, result.final_count, result.drafts_left_out) == (1, 1, 1)
    assert len(result.check_code) == 9 and result.check_code[4] == "-"
    pkg = read_package(result.path)
    assert pkg.kind == "submit" and pkg.id == result.id and pkg.check_code == result.check_code
    assert [p["name"] for p in pkg.parts] == [f"{UNITS[0]}设备购置"]
    assert pkg.sender.unit == UNITS[0]
    both = H.pack(store, tmp_path / "b.pdpack", year=2019, drafts=True)
    assert (both.count, both.final_count) == (2, 1)
    with pytest.raises(PerfdeskError, match="没有2018年"):
        H.pack(store, tmp_path / "c.pdpack", year=2018)
    assert not (tmp_path / "c.pdpack").exists()


def test_receive_adds_then_the_same_package_changes_nothing(department, tmp_path: Path) -> None:
    units, dept = department
    paths = [H.pack(s, tmp_path / f"{n}.pdpack", year=2019).path for n, s in enumerate(units.values())]
    reports = H.receive(dept, paths)
    assert [r.status for r in reports] == ["received"] * 3
    assert all(r.count(H.ADDED) == 1 for r in reports)
    assert dept.count(year=2019) == 3
    rid = dept.find_id(2019, UNITS[1], f"{UNITS[1]}设备购置")
    assert rid is not None and dept.get(rid).status == "final"
    came = P.provenance(dept, rid)
    assert came[0]["package"] == reports[1].id and came[0]["sender_unit"] == UNITS[1]
    before = _state(dept)
    again = H.receive(dept, paths)
    assert [r.status for r in again] == ["already"] * 3
    assert _state(dept) == before


def test_a_changed_form_becomes_a_new_revision(department, tmp_path: Path) -> None:
    units, dept = department
    unit = units[UNITS[0]]
    H.receive(dept, [H.pack(unit, tmp_path / "1.pdpack", year=2019).path])
    rid_unit = unit.find_id(2019, UNITS[0], f"{UNITS[0]}设备购置")
    decl = unit.get(rid_unit)
    decl.remarks = "补充说明：第二次上报"
    unit.save(decl)  # a change to a final record: a new draft revision
    unit.finalize(rid_unit)
    report = H.receive(dept, [H.pack(unit, tmp_path / "2.pdpack", year=2019).path])[0]
    assert report.count(H.UPDATED) == 1
    rid = dept.find_id(2019, UNITS[0], f"{UNITS[0]}设备购置")
    revs = dept.revisions(rid)
    assert [r.revision for r in revs] == [1, 2]
    assert dept.get(rid, 1).remarks != "补充说明：第二次上报"  # the first stays
    assert dept.get(rid).remarks == "补充说明：第二次上报"
    assert [p["revision"] for p in P.provenance(dept, rid)] == [1, 2]


def test_a_local_draft_edit_is_kept_and_reported_as_conflict(department, tmp_path: Path) -> None:
    units, dept = department
    unit = units[UNITS[2]]
    H.receive(dept, [H.pack(unit, tmp_path / "1.pdpack", year=2019).path])
    rid = dept.find_id(2019, UNITS[2], f"{UNITS[2]}设备购置")
    mine = dept.get(rid)
    mine.remarks = "主管部门的修改"
    dept.save(mine)  # final → a new local draft revision (2)
    theirs_id = unit.find_id(2019, UNITS[2], f"{UNITS[2]}设备购置")
    theirs = unit.get(theirs_id)
    theirs.remarks = "单位的修改"
    unit.save(theirs)
    unit.finalize(theirs_id)
    report = H.receive(dept, [H.pack(unit, tmp_path / "2.pdpack", year=2019).path])[0]
    outcome = report.records[0]
    assert outcome.outcome == H.CONFLICT and "已保留" in outcome.note
    texts = [dept.get(rid, r.revision).remarks for r in dept.revisions(rid)]
    assert "主管部门的修改" in texts and texts[-1] == "单位的修改"


def test_return_reopens_the_unit_record_with_comments(department, tmp_path: Path) -> None:
    units, dept = department
    unit = units[UNITS[0]]
    H.receive(dept, [H.pack(unit, tmp_path / "1.pdpack", year=2019).path])
    rid = dept.find_id(2019, UNITS[0], f"{UNITS[0]}设备购置")
    ret = H.make_return(dept, [rid], "年度预算与明细不符，请核对", tmp_path / "back.pdpack",
                        field_key="year_budget")
    assert ret.count == 1
    report = H.receive(unit, [ret.path])[0]
    assert report.kind == "return" and report.records[0].outcome == H.REOPENED
    uid = unit.find_id(2019, UNITS[0], f"{UNITS[0]}设备购置")
    decl = unit.get(uid)
    assert decl.status == "draft" and decl.revision == 2
    assert unit.get(uid, 1).status == "final"  # the returned one stays in the history
    notes = P.comments(unit, uid)
    assert [(c.field, c.text) for c in notes] == [("year_budget", "年度预算与明细不符，请核对")]
    status = {s.unit: s for s in H.year_status(dept, 2019)}
    assert status[UNITS[0]].state == "returned" and status[UNITS[0]].returned_forms == 1


def test_a_return_whose_record_changed_in_between_is_not_applied(department, tmp_path) -> None:
    units, dept = department
    unit = units[UNITS[1]]
    H.receive(dept, [H.pack(unit, tmp_path / "1.pdpack", year=2019).path])
    rid = dept.find_id(2019, UNITS[1], f"{UNITS[1]}设备购置")
    ret = H.make_return(dept, [rid], "请补充绩效指标", tmp_path / "back.pdpack")
    uid = unit.find_id(2019, UNITS[1], f"{UNITS[1]}设备购置")
    changed = unit.get(uid)
    changed.remarks = "上报后又改了"
    unit.save(changed)
    before = _revisions(unit)
    report = H.receive(unit, [ret.path])[0]
    assert report.records[0].outcome == H.NOT_APPLIED and "已修改" in report.records[0].note
    assert _revisions(unit) == before
    assert P.comments(unit, uid) == []


def test_status_shows_received_returned_and_missing_units(department, tmp_path, seed_decl) -> None:
    units, dept = department
    # Last year all three units and one more were known to the department.
    for unit in (*UNITS, "上海市第四中学"):
        dept.save(_project(seed_decl, unit, f"{unit}2018项目", year=2018))
    H.receive(dept, [H.pack(units[UNITS[0]], tmp_path / "0.pdpack", year=2019).path])
    H.receive(dept, [H.pack(units[UNITS[1]], tmp_path / "1.pdpack", year=2019, drafts=True).path])
    rows = {s.unit: s for s in H.year_status(dept, 2019)}
    assert rows[UNITS[0]].state == "received" and rows[UNITS[0]].received_forms == 1
    assert (rows[UNITS[1]].received_forms, rows[UNITS[1]].final_forms) == (2, 1)
    assert rows[UNITS[2]].state == "missing" and rows["上海市第四中学"].state == "missing"
    assert rows[UNITS[0]].last_package_at


# ---------------------------------------------------------------------------- hostile packages


def _rewrite(src: Path, dst: Path, change) -> Path:
    """Copy a package, letting ``change(name, data)`` return new (name, data) or None."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            got = change(info.filename, zin.read(info))
            if got is not None:
                zout.writestr(got[0], got[1])
    return dst


@pytest.fixture
def good(department, tmp_path: Path) -> Path:
    units, _ = department
    return H.pack(units[UNITS[0]], tmp_path / "good.pdpack", year=2019, drafts=True).path


def _manifest(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as z:
        return json.loads(z.read("manifest.json"))


def _with_manifest(src: Path, dst: Path, edit) -> Path:
    m = _manifest(src)
    edit(m)
    blob = json.dumps(m, ensure_ascii=False).encode()
    return _rewrite(src, dst, lambda n, d: (n, blob) if n == "manifest.json" else (n, d))


def _altered_part(name: str, data: bytes):
    if name == "records/1.json":
        return name, data.replace(b"133340000", b"933340000", 1)
    return name, data


def _consistent_forgery(src: Path, dst: Path) -> Path:
    """The amount changed and the manifest's SHA-256 updated to match: the fingerprint of the
    record's content still gives it away."""
    import hashlib

    tmp = _rewrite(src, dst.with_suffix(".tmp"), _altered_part)
    with zipfile.ZipFile(tmp) as z:
        part = z.read("records/1.json")

    def edit(m: dict[str, Any]) -> None:
        m["records"][0]["sha256"] = hashlib.sha256(part).hexdigest()

    return _with_manifest(tmp, dst, edit)


HOSTILE = {
    "altered part": lambda src, dst: _rewrite(src, dst, _altered_part),
    "forged checksum": _consistent_forgery,
    "missing part": lambda src, dst: _rewrite(
        src, dst, lambda n, d: None if n == "records/2.json" else (n, d)
    ),
    "extra part": lambda src, dst: _rewrite(
        src, dst, lambda n, d: (n, d) if n != "records/2.json" else (n, d)
    ) and _append(dst, "records/evil.json", b"{}"),
    "absolute path": lambda src, dst: _append(_copy(src, dst), "/etc/passwd", b"x"),
    "dot-dot path": lambda src, dst: _append(_copy(src, dst), "../../evil.json", b"x"),
    "duplicate name": lambda src, dst: _append(_copy(src, dst), "records/1.json", b"{}"),
    "newer version": lambda src, dst: _with_manifest(src, dst, lambda m: m.update(version=99)),
    "foreign zip": lambda src, dst: _zip(dst, {"readme.txt": b"hello"}),
    "not a zip": lambda src, dst: _write(dst, "这不是数据包".encode()),
    "truncated": lambda src, dst: _write(dst, src.read_bytes()[: src.stat().st_size // 2]),
    "empty file": lambda src, dst: _write(dst, b""),
    "bomb": lambda src, dst: _bomb(src, dst),
    "bad record": lambda src, dst: _bad_record(src, dst),
}


def _copy(src: Path, dst: Path) -> Path:
    dst.write_bytes(src.read_bytes())
    return dst


def _write(dst: Path, data: bytes) -> Path:
    dst.write_bytes(data)
    return dst


def _zip(dst: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(dst, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return dst


def _append(path: Path, name: str, data: bytes) -> Path:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        with zipfile.ZipFile(path, "a") as z:
            z.writestr(zipfile.ZipInfo(name), data)
    return path


def _bomb(src: Path, dst: Path) -> Path:
    zeros = io.BytesIO()
    with zipfile.ZipFile(zeros, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("records/1.json", b"0" * (MAX_PART_BYTES + 10))
    return _rewrite(
        src, dst, lambda n, d: (n, b"0" * (MAX_PART_BYTES + 10)) if n == "records/1.json" else (n, d)
    )


def _bad_record(src: Path, dst: Path) -> Path:
    import hashlib

    bad = json.dumps({"year": "明年", "unit": UNITS[0], "name": "x"}).encode()

    def edit(m: dict[str, Any]) -> None:
        m["records"][1]["sha256"] = hashlib.sha256(bad).hexdigest()

    tmp = _rewrite(src, dst.with_suffix(".tmp"), lambda n, d: (n, bad) if n == "records/2.json" else (n, d))
    return _with_manifest(tmp, dst, edit)


@pytest.mark.parametrize("trick", sorted(HOSTILE))
def test_a_hostile_package_is_refused_whole(trick: str, good: Path, department, tmp_path) -> None:
    _, dept = department
    bad = HOSTILE[trick](good, tmp_path / f"{trick}.pdpack")
    with pytest.raises(PackageError) as caught:
        H.check_package(bad)
    assert caught.value.message.startswith(f"数据包“{bad.name}”")
    before = _state(dept)
    report = H.receive(dept, [bad])[0]
    assert report.status == "rejected" and report.error == caught.value.message
    assert _state(dept) == before


def test_one_bad_package_does_not_stop_the_others(good: Path, department, tmp_path) -> None:
    _, dept = department
    bad = HOSTILE["altered part"](good, tmp_path / "bad.pdpack")
    reports = H.receive(dept, [bad, good])
    assert [r.status for r in reports] == ["rejected", "received"]
    assert dept.count(year=2019) == 2


def test_cancel_leaves_the_database_as_before_the_package(good: Path, department) -> None:
    _, dept = department
    before = _state(dept)
    calls = iter([False, False, True])  # cancelled after the first record of the package
    with pytest.raises(Cancelled):
        H.receive(dept, [good], cancel=lambda: next(calls, True))
    assert _state(dept) == before


# ---------------------------------------------------------------------------- command line


def test_command_line_round_trip(department, tmp_path: Path) -> None:
    units, dept = department
    unit_db = units[UNITS[0]].path
    pkg = tmp_path / "上报.pdpack"
    r = run_cli("pack", "--year", "2019", "-o", str(pkg), db=unit_db)
    assert r.returncode == 0, r.stderr
    assert "已上报 1 个项目" in r.stdout and "校验码" in r.stdout and "--drafts" in r.stdout
    dept_db = dept.path
    dept.close()
    r = run_cli("receive", str(pkg), "--json", db=dept_db)
    assert r.returncode == 0, r.stderr
    line = json.loads(r.stdout.splitlines()[0])
    assert line["status"] == "received" and line["counts"] == {"added": 1}
    r = run_cli("status", "--year", "2019", db=dept_db)
    assert r.returncode == 0 and UNITS[0] in r.stdout and "已上报" in r.stdout
    rid = line["records"][0]["id"]
    back = tmp_path / "退回.pdpack"
    r = run_cli("return", str(rid), "--comment", "请补充立项依据", "-o", str(back), db=dept_db)
    assert r.returncode == 0, r.stderr
    r = run_cli("receive", str(back), db=unit_db)
    assert r.returncode == 0, r.stderr
    uid = units[UNITS[0]].find_id(2019, UNITS[0], f"{UNITS[0]}设备购置")
    r = run_cli("show", str(uid), "--json", db=unit_db)
    shown = json.loads(r.stdout)
    assert shown["status"] == "draft"
    assert [c["text"] for c in shown["review_comments"]] == ["请补充立项依据"]
    r = run_cli("show", str(uid), db=unit_db)
    assert "退回意见：请补充立项依据" in r.stdout
    # A damaged package: one sentence on stderr naming the file, exit 1, nothing written.
    broken = tmp_path / "坏包.pdpack"
    broken.write_bytes(pkg.read_bytes()[:100])
    r = run_cli("receive", str(broken), db=dept_db)
    assert r.returncode == 1
    assert r.stderr.strip().startswith("未接收 坏包.pdpack：数据包“坏包.pdpack”")
    assert "Traceback" not in r.stderr


def test_summary_per_unit_or_for_the_department(department, tmp_path: Path) -> None:
    """Issue 17: the year's summary workbook for one unit, or for the whole department."""
    from python_calamine import CalamineWorkbook

    units, dept = department
    H.receive(dept, [H.pack(s, tmp_path / f"{n}.pdpack", year=2019, drafts=True).path
                     for n, s in enumerate(units.values())])
    dept_db = dept.path
    dept.close()
    whole, one = tmp_path / "部门.xlsx", tmp_path / "一中.xlsx"
    assert run_cli("summary", "--year", "2019", "-o", str(whole), db=dept_db).returncode == 0
    r = run_cli("summary", "--year", "2019", "--unit", UNITS[0], "-o", str(one), db=dept_db)
    assert r.returncode == 0, r.stderr
    assert f"“{UNITS[0]}”汇总（2 个项目）" in r.stdout

    def units_in(path: Path) -> set[str]:
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        return {row[1] for row in rows[1:] if row[1] in UNITS}

    assert units_in(whole) == set(UNITS)
    assert units_in(one) == {UNITS[0]}
    r = run_cli("summary", "--year", "2019", "--unit", "不存在的单位", "-o", str(one), db=dept_db)
    assert r.returncode == 1 and "不存在的单位" in r.stderr
