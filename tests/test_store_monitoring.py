"""The 运行监控表's life in the store (forms.md §4, §5): real SQLite files, migrated from the
v11 fixture, draft → 定稿 → a new revision on change, every revision kept with its own
fingerprint, check/recover, hand-in packages, and the command line."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from perfdesk.exchange import hand_in as H
from perfdesk.exchange.package import read_package
from perfdesk.models.errors import ValidationError
from perfdesk.models.monitoring import make_monitoring
from perfdesk.models.records import Declaration, MonitorIndicator, Monitoring
from perfdesk.models.serialize import (
    declaration_to_dict,
    dumps,
    fingerprint,
    monitoring_to_dict,
)
from perfdesk.store.check import check_file, problems, recover
from perfdesk.store.database import Store
from perfdesk.store.faults import DamagedError
from perfdesk.store.schema import SCHEMA_VERSION
from tests.cli_helpers import run_cli
from tests.conftest import DATA

D = Decimal


def with_monitoring(seed: Declaration, *, spent: str = "70000000") -> Declaration:
    """The seed (2019, 当年预算 133,340,000 元) with a 运行监控表 as of the end of June,
    every indicator 确定能: complete, no errors."""
    decl = copy.deepcopy(seed)
    m = make_monitoring(decl, dt.date(2019, 7, 5))
    m.spent_to_date = D(spent)
    m.forecast_spent = D(130000000)
    for ind in m.indicators:
        ind.progress, ind.likelihood = "已完成全年计划的 52%", "确定能"
    decl.monitoring = m
    return decl


def mon(decl: Declaration) -> Monitoring:
    assert decl.monitoring is not None
    return decl.monitoring


def list_row(store: Store, rid: int) -> tuple:
    return store.conn.execute(
        "SELECT monitoring_status, monitoring_alert FROM records WHERE id = ?", [rid]
    ).fetchone()


def fp_columns(store: Store, rid: int) -> list[tuple]:
    return store.conn.execute(
        "SELECT revision, status, fingerprint_declaration, fingerprint_monitoring, "
        "json_extract(doc, '$.monitoring.status') FROM revisions WHERE record_id = ? "
        "ORDER BY revision",
        [rid],
    ).fetchall()


# ---------------------------------------------------------------------------- migration
def test_migration_0012_fills_the_new_columns_from_existing_documents(tmp_path: Path) -> None:
    """Schema 11 already wrote a ``monitoring`` object in the JSON (the model came first):
    after the migration each such revision has its fingerprint and the list its columns."""
    path = tmp_path / "old.sqlite"
    shutil.copy(DATA / "schema" / "v11.sqlite", path)
    import sqlite3

    conn = sqlite3.connect(path)
    (doc_text,) = conn.execute(
        "SELECT doc FROM revisions WHERE record_id = 2 AND revision = 1"
    ).fetchone()
    doc = json.loads(doc_text)
    # As that program wrote it (monitoring_to_dict, derived rates included).
    doc["monitoring"] = monitoring_to_dict(
        Monitoring(
            as_of_month=6, budget_initial=D(133340000), spent_to_date=D(20000000),
            indicators=[MonitorIndicator(None, None, doc["indicators"][0]["name"], None,
                                         progress="过半", likelihood="确定能")],
            status="final",
        )
    )  # fmt: skip
    conn.execute(
        "UPDATE revisions SET doc = ? WHERE record_id = 2",
        [json.dumps(doc, ensure_ascii=False)],
    )
    conn.commit()
    conn.close()
    # Read as it is (read-only, not migrated): no monitoring fingerprint to compare yet.
    assert check_file(path).ok
    with Store(path) as s:
        assert s.schema_version() == SCHEMA_VERSION
        assert list_row(s, 2) == ("final", 1)  # 15 % spent at 序时进度 50 %: the red mark
        assert list_row(s, 1) == (None, 0)
        decl = s.get(2)
        assert s.revisions(2)[0].fingerprint_monitoring == fingerprint(decl, "monitoring")
        assert s.find_fingerprint(fingerprint(decl, "monitoring")) == [(2, 1, "monitoring")]
        assert problems(s) == []
    assert list(tmp_path.glob("old.v11-*.bak.sqlite")), "no backup before migration"


def test_the_v12_fixture_keeps_its_form_and_list_columns(tmp_path: Path) -> None:
    path = tmp_path / "v12.sqlite"
    shutil.copy(DATA / "schema" / "v12.sqlite", path)
    with Store(path) as s:
        assert list_row(s, 2) == ("draft", 1)
        assert mon(s.get(2)).spent_to_date == D(40000000)
        rows = s.list(columns=("id", "monitoring_status", "monitoring_alert"))
        assert sorted(rows) == [(1, None, 0), (2, "draft", 1)]


# ---------------------------------------------------------------------------- life
def test_draft_then_final_then_a_change_makes_a_new_revision(store: Store, seed_decl) -> None:
    saved = store.save(with_monitoring(seed_decl)).record
    rid = saved.id
    assert rid is not None
    fp_decl = fingerprint(saved)
    assert list_row(store, rid) == ("draft", 0)
    # A draft is updated in place: one revision.
    mon(saved).measures = "下半年按合同进度付款。"
    store.save(saved)
    assert [r[0] for r in fp_columns(store, rid)] == [1]
    final = store.finalize_monitoring(rid)
    assert mon(final).status == "final" and final.revision == 1
    assert final.status == "draft"  # the declaration keeps its own state
    assert list_row(store, rid) == ("final", 0)
    fp_final = fingerprint(final, "monitoring")
    assert fp_columns(store, rid) == [(1, "draft", fp_decl, fp_final, "final")]
    assert store.finalize_monitoring(rid).revision == 1  # already final: nothing happens
    # A change to the final form: a new revision in which it is a draft again; the final one
    # stays as it was, printable and verifiable.
    changed = store.get(rid)
    mon(changed).indicators[0].progress = "已完成全年计划的 60%"
    result = store.save(changed)
    assert result.new_revision and result.record.revision == 2
    assert mon(result.record).status == "draft"
    rows = fp_columns(store, rid)
    assert rows[0] == (1, "draft", fp_decl, fp_final, "final")
    assert rows[1][2] == fp_decl  # the declaration did not change: nor did its fingerprint
    assert rows[1][3] == fingerprint(result.record, "monitoring") != fp_final
    assert rows[1][4] == "draft"
    assert mon(store.get(rid, 1)).indicators[0].progress == "已完成全年计划的 52%"
    assert store.find_fingerprint(fp_final) == [(rid, 1, "monitoring")]
    assert list_row(store, rid) == ("draft", 0)


def test_a_final_declaration_gains_a_monitoring_form_without_a_new_revision(
    store: Store, seed_decl
) -> None:
    """The 运行监控表 is written after the declaration was sealed: it joins the same
    revision, whose declaration (and its fingerprint) stays as printed."""
    decl = copy.deepcopy(seed_decl)
    decl.status = "final"
    rid = store.save(decl).record.id
    assert rid is not None
    before = store.revisions(rid)
    decl = store.get(rid)
    decl.monitoring = with_monitoring(seed_decl).monitoring
    result = store.save(decl)
    assert not result.new_revision and result.record.status == "final"
    after = store.revisions(rid)
    assert len(after) == 1
    assert after[0].fingerprint_declaration == before[0].fingerprint_declaration
    assert after[0].fingerprint_monitoring == fingerprint(result.record, "monitoring")


def test_finalize_refuses_while_errors_remain_naming_them(store: Store, seed_decl) -> None:
    decl = with_monitoring(seed_decl, spent="30000000")  # 22.5 % against 50 %
    mon(decl).indicators[2].likelihood = "有可能"
    rid = store.save(decl).record.id
    assert rid is not None
    with pytest.raises(ValidationError) as err:
        store.finalize_monitoring(rid)
    assert err.value.message == (
        "“12345市民服务热线外包服务”的运行监控表有 4 处错误，不能定稿："
        "“执行率” 22.50% 低于“序时进度” 50.00% 逾 10 个百分点，须填写“偏差或不能完成目标原因分析”；"
        "绩效指标第3行“原因类型”未填写：绩效指标第3行“完成目标可能性”为“有可能”时须写明"
        "（指标“全年12345热线平台受理量”）；"
        "绩效指标第3行“偏差原因分析”未填写：绩效指标第3行“完成目标可能性”为“有可能”时须写明"
        "（指标“全年12345热线平台受理量”）；"
        "绩效指标第3行“改进措施”未填写：绩效指标第3行“完成目标可能性”为“有可能”时须写明"
        "（指标“全年12345热线平台受理量”）。"
    )
    assert list_row(store, rid) == ("draft", 1)
    assert mon(store.get(rid)).status == "draft"


def test_finalize_without_a_form_says_so(store: Store, seed_decl) -> None:
    rid = store.save(copy.deepcopy(seed_decl)).record.id
    assert rid is not None
    with pytest.raises(ValidationError, match="还没有运行监控表"):
        store.finalize_monitoring(rid)


@pytest.mark.parametrize(
    ("spent", "likelihood", "alert"),
    [
        ("70000000", "确定能", 0),  # 52.5 % at 50 %
        ("60000000", "确定能", 1),  # 45 %: behind 序时进度
        ("70000000", "完全不可能", 1),
        ("70000000", "有可能", 0),  # at risk, but not the red mark
    ],
)
def test_the_red_mark_of_the_list(
    store: Store, seed_decl, spent: str, likelihood: str, alert: int
) -> None:
    decl = with_monitoring(seed_decl, spent=spent)
    mon(decl).indicators[0].likelihood = likelihood
    rid = store.save(decl).record.id
    assert rid is not None
    assert list_row(store, rid) == ("draft", alert)
    # The list filters and sorts on it like any other column.
    assert store.list(columns=("id",), order_by=(("monitoring_alert", True),)) == [(rid,)]


def test_removing_the_form_clears_the_list_columns(store: Store, seed_decl) -> None:
    saved = store.save(with_monitoring(seed_decl, spent="1")).record
    assert saved.id is not None and list_row(store, saved.id) == ("draft", 1)
    saved.monitoring = None
    store.save(saved)
    assert list_row(store, saved.id) == (None, 0)
    assert store.revisions(saved.id)[-1].fingerprint_monitoring is None


# ---------------------------------------------------------------------------- check, recover
def _tamper(path: Path, rid: int, revision: int, edit) -> None:  # noqa: ANN001
    import sqlite3

    conn = sqlite3.connect(path)
    (text,) = conn.execute(
        "SELECT doc FROM revisions WHERE record_id = ? AND revision = ?", [rid, revision]
    ).fetchone()
    doc = json.loads(text)
    edit(doc)
    conn.execute(
        "UPDATE revisions SET doc = ? WHERE record_id = ? AND revision = ?",
        [json.dumps(doc, ensure_ascii=False), rid, revision],
    )
    conn.commit()
    conn.close()


def test_check_and_recover_see_a_form_changed_behind_the_programs_back(
    tmp_path: Path, seed_decl
) -> None:
    path = tmp_path / "db.sqlite"
    with Store(path) as s:
        rid = s.save(with_monitoring(seed_decl)).record.id
        s.finalize_monitoring(rid)
        changed = s.get(rid)
        mon(changed).measures = "第二版"
        s.save(changed)  # revision 2
        other = copy.deepcopy(seed_decl)
        other.name = "另一个项目"
        other_id = s.save(other).record.id
    assert rid == 1 and other_id == 2

    def more_spent(doc: dict) -> None:
        doc["monitoring"]["spent_to_date"] = 90000000

    _tamper(path, 1, 1, more_spent)

    def a_form_added(doc: dict) -> None:
        doc["monitoring"] = declaration_to_dict(with_monitoring(seed_decl))["monitoring"]

    _tamper(path, 2, 1, a_form_added)
    report = check_file(path)
    assert [d.message for d in report.damage] == [
        "编号 1 “12345市民服务热线外包服务”第 1 版：运行监控表内容与保存时的指纹不符（在程序之外被改动过）",
        "编号 2 “另一个项目”第 1 版：运行监控表内容与保存时的指纹不符（在程序之外被改动过）",
    ]
    # The current revision of record 2 was altered: it is never built upon.
    with Store(path) as s:
        with pytest.raises(DamagedError):
            s.finalize_monitoring(2)
        assert s.revision_problem(1, 2) is None
    out = tmp_path / "saved.sqlite"
    rep = recover(path, out)
    assert rep.saved == [1]
    with Store(out) as s:
        assert [r.revision for r in s.revisions(1)] == [2]
        assert s.revisions(1)[0].fingerprint_monitoring == fingerprint(s.get(1), "monitoring")
        assert problems(s) == []


def test_recover_from_an_older_file_gives_the_form_its_fingerprint(
    tmp_path: Path, seed_decl
) -> None:
    src = tmp_path / "old.sqlite"
    shutil.copy(DATA / "schema" / "v11.sqlite", src)
    _tamper(src, 2, 1, lambda doc: doc.update(monitoring=declaration_to_dict(
        with_monitoring(seed_decl))["monitoring"]))  # fmt: skip
    out = tmp_path / "saved.sqlite"
    assert recover(src, out).saved == [1, 2]
    with Store(out) as s:
        assert s.revisions(2)[0].fingerprint_monitoring == fingerprint(s.get(2), "monitoring")
        assert list_row(s, 2) == ("draft", 0)
        assert problems(s) == []


# ---------------------------------------------------------------------------- packages
def test_a_package_carries_the_form_and_a_change_to_it_arrives_as_a_new_revision(
    tmp_path: Path, seed_decl
) -> None:
    unit = Store(tmp_path / "unit.sqlite")
    dept = Store(tmp_path / "dept.sqlite")
    try:
        decl = with_monitoring(seed_decl)
        decl.status = "final"
        rid = unit.save(decl).record.id
        unit.finalize_monitoring(rid)
        first = H.pack(unit, tmp_path / "1.pdpack", year=2019)
        entry = read_package(first.path).entries[0]
        assert entry["fingerprint_monitoring"] == fingerprint(unit.get(rid), "monitoring")
        [report] = H.receive(dept, [first.path])
        assert [r.outcome for r in report.records] == ["added"]
        there = dept.get(report.records[0].record_id)
        assert there.monitoring == unit.get(rid).monitoring
        assert mon(there).status == "final"
        dept_id = there.id
        assert list_row(dept, dept_id) == ("final", 0)
        # The unit revises its 运行监控表 (a new revision) and sends again.
        changed = unit.get(rid)
        mon(changed).indicators[0].progress = "已完成全年计划的 65%"
        unit.save(changed)
        unit.finalize_monitoring(rid)
        second = H.pack(unit, tmp_path / "2.pdpack", year=2019)
        [report] = H.receive(dept, [second.path])
        assert [r.outcome for r in report.records] == ["updated"]
        assert [r.revision for r in dept.revisions(dept_id)] == [1, 2]
        assert mon(dept.get(dept_id)).indicators[0].progress == "已完成全年计划的 65%"
        assert mon(dept.get(dept_id, 1)).indicators[0].progress == "已完成全年计划的 52%"
        # The same package again changes nothing.
        [again] = H.receive(dept, [second.path])
        assert again.status == "already"
        [st] = H.year_status(dept, 2019)
        assert (st.monitoring_forms, st.monitoring_final, st.monitoring_alerts) == (1, 1, 0)
        assert st.to_json()["monitoring_final"] == 1
    finally:
        unit.close()
        dept.close()
    r = run_cli("status", "--year", "2019", db=tmp_path / "dept.sqlite")
    assert "收到 1 个（定稿 1 个），运行监控表 1 个（定稿 1 个）" in r.stdout, r.stderr


def test_a_package_whose_form_was_altered_is_refused(tmp_path: Path, seed_decl) -> None:
    import zipfile

    with Store(tmp_path / "unit.sqlite") as unit:
        decl = with_monitoring(seed_decl)
        decl.status = "final"
        unit.save(decl)
        pack = H.pack(unit, tmp_path / "a.pdpack", year=2019)
    # Rewrite the record part (and its SHA-256 in the manifest, as a careful forger would):
    # only the fingerprint of the 运行监控表 gives it away.
    import hashlib

    with zipfile.ZipFile(pack.path) as z:
        files = {n: z.read(n) for n in z.namelist()}
    manifest = json.loads(files["manifest.json"])
    part_name = manifest["records"][0]["part"]
    part = json.loads(files[part_name])
    part["monitoring"]["spent_to_date"] = 120000000
    files[part_name] = json.dumps(part, ensure_ascii=False).encode()
    for entry in manifest["records"]:
        if entry["part"] == part_name:
            entry["sha256"] = hashlib.sha256(files[part_name]).hexdigest()
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    forged = tmp_path / "forged.pdpack"
    with zipfile.ZipFile(forged, "w") as z:
        for n, data in files.items():
            z.writestr(n, data)
    with Store(tmp_path / "dept.sqlite") as dept:
        [report] = H.receive(dept, [forged])
        assert report.status == "rejected"
        assert "内容与清单的指纹不符，可能被篡改" in (report.error or "")
        assert dept.count() == 0


def test_a_return_is_not_applied_over_a_form_changed_since(tmp_path: Path, seed_decl) -> None:
    with Store(tmp_path / "unit.sqlite") as unit, Store(tmp_path / "dept.sqlite") as dept:
        decl = with_monitoring(seed_decl)
        decl.status = "final"
        rid = unit.save(decl).record.id
        [got] = H.receive(dept, [H.pack(unit, tmp_path / "up.pdpack", year=2019).path])
        back = H.make_return(
            dept, [got.records[0].record_id], "请补充偏差原因", tmp_path / "back.pdpack",
            field_key="monitoring.deviation_analysis",
        )  # fmt: skip
        # Meanwhile the unit changed its 运行监控表 (a draft: in place).
        changed = unit.get(rid)
        mon(changed).measures = "已改"
        unit.save(changed)
        [report] = H.receive(unit, [back.path])
        assert [r.outcome for r in report.records] == ["not_applied"]
        assert unit.revisions(rid)[-1].revision == 1


# ---------------------------------------------------------------------------- command line
def test_cli_finalize_show_and_json_import(tmp_path: Path, seed_decl) -> None:
    db = tmp_path / "db.sqlite"
    decl = with_monitoring(seed_decl, spent="30000000")
    src = tmp_path / "record.json"
    src.write_text(dumps(declaration_to_dict(decl, with_store_keys=False)), encoding="utf-8")
    r = run_cli("import", str(src), "--json", db=db)
    assert r.returncode == 0, r.stderr
    [line] = [json.loads(x) for x in r.stdout.splitlines()]
    assert line["status"] == "imported"
    rid = line["ids"][0]
    shown = json.loads(run_cli("show", str(rid), "--json", db=db).stdout)
    assert shown["monitoring"]["spent_to_date"] == 30000000
    assert shown["monitoring"]["execution_rate"] == 0.225
    assert shown["monitoring"]["expected_rate"] == 0.5
    assert shown["monitoring"]["status"] == "draft"
    text = run_cli("show", str(rid), db=db).stdout
    assert "运行监控（截至6月底，草稿）：1至6月执行数 30,000,000.00 元，执行率 22.50%，" in text
    assert "序时进度 50.00%（落后 27.50 个百分点）" in text
    assert "错误：“执行率” 22.50% 低于“序时进度” 50.00% 逾 10 个百分点" in text
    r = run_cli("finalize", str(rid), "--form", "monitoring", db=db)
    assert r.returncode == 1
    assert r.stderr.strip() == (
        "“12345市民服务热线外包服务”的运行监控表有 1 处错误，不能定稿：“执行率” 22.50% 低于"
        "“序时进度” 50.00% 逾 10 个百分点，须填写“偏差或不能完成目标原因分析”。"
    )
    with Store(db) as s:
        fixed = s.get(rid)
        mon(fixed).deviation_analysis = "外包合同按季度结算，二季度款项7月初支付。"
        s.save(fixed)
    r = run_cli("finalize", str(rid), "--form", "monitoring", db=db)
    assert (r.returncode, r.stdout.strip()) == (0, f"运行监控表已定稿：编号 {rid} 第 1 版")
    assert json.loads(run_cli("show", str(rid), "--json", db=db).stdout)["monitoring"][
        "status"
    ] == "final"
    # list --json stays as interfaces.md says: no monitoring keys.
    listed = json.loads(run_cli("list", "--json", db=db).stdout)
    assert set(listed[0]) == {"id", "year", "unit", "name", "status", "revision", "has_evaluation"}


def test_cli_finalize_a_record_without_a_form(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    assert run_cli("import", str(DATA / "seed.json"), db=db).returncode == 0
    r = run_cli("finalize", "1", "--form", "monitoring", db=db)
    assert (r.returncode, r.stderr.strip()) == (1, "“12345市民服务热线外包服务”还没有运行监控表。")


def test_importing_a_declaration_again_keeps_the_monitoring_form(
    tmp_path: Path, seed_decl
) -> None:
    """A declaration file (here JSON without a form) updates the project and leaves its
    运行监控表 alone, as it leaves its 自评表."""
    db = tmp_path / "db.sqlite"
    with Store(db) as s:
        rid = s.save(with_monitoring(seed_decl)).record.id
    again = copy.deepcopy(seed_decl)
    again.remarks = "导入的新版本"
    src = tmp_path / "again.json"
    src.write_text(dumps(declaration_to_dict(again, with_store_keys=False)), encoding="utf-8")
    r = run_cli("import", str(src), db=db)
    assert r.returncode == 0, r.stderr
    with Store(db) as s:
        got = s.get(rid)
        assert got.remarks == "导入的新版本"
        assert got.monitoring == with_monitoring(seed_decl).monitoring


def test_a_record_whose_evaluation_rate_is_a_fraction_packs(tmp_path: Path, seed_decl) -> None:
    """Stored documents are read with Decimals (serialize.loads): a 自评表's 执行率 0.98 once
    made packing fail (TypeError). It travels and keeps its fingerprints."""
    from perfdesk.models.records import Evaluation

    with Store(tmp_path / "unit.sqlite") as unit, Store(tmp_path / "dept.sqlite") as dept:
        decl = with_monitoring(seed_decl)
        decl.status = "final"
        decl.evaluation = Evaluation(budget_adjusted=D(133340000), spent=D(130673200))
        rid = unit.save(decl).record.id
        [got] = H.receive(dept, [H.pack(unit, tmp_path / "up.pdpack", year=2019).path])
        there = dept.get(got.records[0].record_id)
        assert declaration_to_dict(there)["evaluation"]["execution_rate"] == 0.98
        for form in ("declaration", "evaluation", "monitoring"):
            assert fingerprint(there, form) == fingerprint(unit.get(rid), form)
