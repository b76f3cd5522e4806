"""接收 and the forms' own lives (forms.md §6, issue 16): a change made here to a 运行监控表 or
自评表 draft, not sent, that an incoming package would overwrite is kept as a revision and
reported as a conflict, like a changed declaration draft; a draft reopened but not changed
is simply updated. Packages between real SQLite files; the old package records migrated."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from perfdesk.exchange import hand_in as H
from perfdesk.models.records import Declaration
from perfdesk.models.scoring import propose_weights
from perfdesk.store import packages as P
from perfdesk.store.database import Store
from tests import pdf_helpers as PH
from tests.cli_helpers import run_cli
from tests.conftest import DATA
from tests.test_store_monitoring import mon, with_monitoring


@pytest.fixture
def pair(tmp_path: Path, seed_decl: Declaration):
    """A unit whose project (declaration, 运行监控表 and 自评表, all final) the 主管部门 has
    received once: (unit store, its record id, department store, the department's id)."""
    unit = Store(tmp_path / "unit.sqlite")
    dept = Store(tmp_path / "dept.sqlite")
    decl = with_monitoring(seed_decl)
    decl.evaluation = PH.evaluation_for(decl)
    # The seed's framework (上海 2019) wants the weights set: the program's proposal.
    for ind, weight in zip(
        decl.evaluation.indicators, propose_weights(decl.evaluation, decl.framework), strict=True
    ):
        ind.weight = weight
    decl.status = mon(decl).status = decl.evaluation.status = "final"
    rid = unit.save(decl).record.id
    assert rid is not None
    [report] = H.receive(dept, [H.pack(unit, tmp_path / "first.pdpack", year=2019).path])
    assert [r.outcome for r in report.records] == [H.ADDED]
    dept_id = report.records[0].record_id
    assert dept_id is not None
    yield unit, rid, dept, dept_id
    unit.close()
    dept.close()


def send_again(unit: Store, rid: int, form: str, change, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """The unit reopens ``form``, changes it, seals it again and packs the year."""
    decl = unit.new_revision(rid, form=form)
    change(decl)
    unit.save(decl)
    {"declaration": unit.finalize, "monitoring": unit.finalize_monitoring,
     "evaluation": unit.finalize_evaluation}[form](rid)  # fmt: skip
    return H.pack(unit, tmp_path / f"again-{form}.pdpack", year=2019).path


def progress(text: str):  # type: ignore[no-untyped-def]
    def change(decl: Declaration) -> None:
        mon(decl).indicators[0].progress = text

    return change


def test_a_local_monitoring_change_is_a_conflict_and_kept(pair, tmp_path: Path) -> None:
    unit, rid, dept, dept_id = pair
    mine = dept.new_revision(dept_id, form="monitoring")
    mon(mine).indicators[0].progress = "主管部门核实：已完成 50%"
    dept.save(mine)  # a draft, changed here, not sent
    package = send_again(unit, rid, "monitoring", progress("单位更正：已完成 58%"), tmp_path)
    [report] = H.receive(dept, [package])
    [outcome] = report.records
    assert outcome.outcome == H.CONFLICT
    assert (
        outcome.note
        == "本机第 2 版的运行监控表草稿有未上报的修改，已保留为历史版本；收到的内容为第 3 版"
    )
    texts = [
        mon(dept.get(dept_id, r.revision)).indicators[0].progress for r in dept.revisions(dept_id)
    ]
    assert texts == ["已完成全年计划的 52%", "主管部门核实：已完成 50%", "单位更正：已完成 58%"]
    now = dept.get(dept_id)
    assert (now.status, mon(now).status) == ("final", "final")
    assert report.count(H.CONFLICT) == 1 and report.count(H.UPDATED) == 0


def test_a_local_evaluation_change_is_a_conflict_and_kept(pair, tmp_path: Path) -> None:
    unit, rid, dept, dept_id = pair
    mine = dept.new_revision(dept_id, form="evaluation")
    assert mine.evaluation is not None
    mine.evaluation.goal_actual = "主管部门核实的完成情况"
    dept.save(mine)

    def theirs(decl: Declaration) -> None:
        assert decl.evaluation is not None
        decl.evaluation.goal_actual = "单位补充的完成情况"

    [report] = H.receive(dept, [send_again(unit, rid, "evaluation", theirs, tmp_path)])
    [outcome] = report.records
    assert outcome.outcome == H.CONFLICT and "自评表草稿有未上报的修改" in outcome.note
    kept = [dept.get(dept_id, r.revision).evaluation for r in dept.revisions(dept_id)]
    assert [e.goal_actual for e in kept if e is not None][1:] == [
        "主管部门核实的完成情况", "单位补充的完成情况"
    ]  # fmt: skip


def test_a_package_that_changes_another_form_still_overwrites_the_local_draft(
    pair, tmp_path: Path
) -> None:
    """The unit changed only its declaration; the package still brings the 运行监控表 as it
    was sent before, over the change made here: a conflict too."""
    unit, rid, dept, dept_id = pair
    mine = dept.new_revision(dept_id, form="monitoring")
    mon(mine).measures = "主管部门要求：三季度加快支付"
    dept.save(mine)

    def remarks(decl: Declaration) -> None:
        decl.remarks = "单位补充说明"

    [report] = H.receive(dept, [send_again(unit, rid, "declaration", remarks, tmp_path)])
    [outcome] = report.records
    assert outcome.outcome == H.CONFLICT
    assert "第 2 版的运行监控表草稿" in outcome.note and "申报表" not in outcome.note
    assert mon(dept.get(dept_id, 2)).measures == "主管部门要求：三季度加快支付"
    assert dept.get(dept_id).remarks == "单位补充说明"


def test_a_reopened_form_not_changed_here_is_updated(pair, tmp_path: Path) -> None:
    unit, rid, dept, dept_id = pair
    dept.new_revision(dept_id, form="monitoring")  # opened, nothing typed
    dept.new_revision(dept_id, form="evaluation")
    package = send_again(unit, rid, "monitoring", progress("单位更正：已完成 58%"), tmp_path)
    [report] = H.receive(dept, [package])
    assert [(r.outcome, r.note) for r in report.records] == [(H.UPDATED, "")]


def test_a_local_change_the_package_brings_too_is_no_conflict(pair, tmp_path: Path) -> None:
    unit, rid, dept, dept_id = pair
    mine = dept.new_revision(dept_id, form="monitoring")
    mon(mine).indicators[0].progress = "已完成 58%"
    dept.save(mine)  # the same correction the unit makes
    package = send_again(unit, rid, "monitoring", progress("已完成 58%"), tmp_path)
    [report] = H.receive(dept, [package])
    # The same content: nothing to take in, nothing overwritten (a draft here, final there).
    assert [r.outcome for r in report.records] == [H.UNCHANGED]
    assert report.count(H.CONFLICT) == 0


def test_each_forms_fingerprint_is_kept_with_the_received_revision(pair) -> None:
    unit, rid, dept, dept_id = pair
    info = dept.revisions(dept_id)[0]
    assert P.last_received_fingerprints(dept, dept_id) == (
        info.fingerprint_declaration, info.fingerprint_evaluation, info.fingerprint_monitoring
    )  # fmt: skip
    assert info.fingerprint_monitoring is not None and info.fingerprint_evaluation is not None


def test_the_command_line_reports_the_conflict(pair, tmp_path: Path) -> None:
    unit, rid, dept, dept_id = pair
    mine = dept.new_revision(dept_id, form="monitoring")
    mon(mine).indicators[0].progress = "主管部门核实：已完成 50%"
    dept.save(mine)
    package = send_again(unit, rid, "monitoring", progress("单位更正：已完成 58%"), tmp_path)
    dept.close()
    r = run_cli("receive", str(package), db=tmp_path / "dept.sqlite")
    assert "冲突" in r.stdout and "运行监控表草稿有未上报的修改" in r.stdout, r.stdout + r.stderr


def test_migration_0014_gives_old_package_records_the_forms_fingerprints(tmp_path: Path) -> None:
    """A v13 file whose packages brought a project with a 运行监控表: its package records get
    the fingerprints of the revision they brought."""
    path = tmp_path / "old.sqlite"
    shutil.copy(DATA / "schema" / "v13.sqlite", path)
    conn = sqlite3.connect(path)
    with conn:
        rid, rev, fpd, fpm = conn.execute(
            "SELECT record_id, revision, fingerprint_declaration, fingerprint_monitoring "
            "FROM revisions WHERE fingerprint_monitoring IS NOT NULL"
        ).fetchone()
        conn.execute(
            "INSERT INTO packages (id, direction, kind, year, sender_unit, handled_at, "
            "record_count, final_count) VALUES ('p1', 'received', 'submit', 2020, '单位', "
            "'2020-07-20T10:00:00+08:00', 1, 0)"
        )
        conn.execute(
            "INSERT INTO package_records (package_id, direction, record_id, revision, outcome, "
            "fingerprint) VALUES ('p1', 'received', ?, ?, 'added', ?)",
            [rid, rev, fpd],
        )
    conn.close()
    with Store(path) as s:
        assert P.last_received_fingerprints(s, rid) == (fpd, None, fpm)
