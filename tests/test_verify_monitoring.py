"""verify on monitoring printouts (运行监控表) and on 自评表 printouts that show the monitoring
form's forecasts: a real Store, real PDFs, and the real command line."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

from perfdesk.pdf import printout
from perfdesk.pdf.printout import render_bytes
from perfdesk.pdf.verify import (
    STATUS_ALTERED,
    STATUS_CURRENT,
    STATUS_OLDER,
    STATUS_UNKNOWN,
    verify_pdf,
)
from tests import pdf_helpers as H
from tests.cli_helpers import run_cli


def _final(store, decl, *, evaluation: bool = False):  # type: ignore[no-untyped-def]
    """The record saved final with a final monitoring form (and 自评表): a change after
    that makes a new revision."""
    decl.monitoring = H.monitoring_for(decl)
    decl.monitoring.status = "final"
    if evaluation:
        decl.evaluation = H.evaluation_for(decl)
        decl.evaluation.status = "final"
    decl.status = "final"
    return store.save(decl).record


def _forged(rec, form: str, change) -> bytes:  # type: ignore[no-untyped-def]
    """``rec`` changed by ``change`` and printed with the genuine record's mark."""
    genuine = printout.marker(rec, form)
    forged = copy.deepcopy(rec)
    change(forged)
    original = printout.marker
    printout.marker = lambda decl, form: genuine  # type: ignore[assignment]
    try:
        return render_bytes(forged, form)
    finally:
        printout.marker = original


def test_monitoring_printout_of_the_current_revision(store, seed_decl) -> None:
    seed_decl.monitoring = H.monitoring_for(seed_decl)
    rec = store.save(seed_decl).record
    pdf = render_bytes(rec, "monitoring")
    result = verify_pdf(store, pdf)
    assert result.status == STATUS_CURRENT, result.message
    assert result.marker is not None and result.marker.form == "monitoring"
    assert "绩效运行监控表当前版本" in result.message
    # The declaration's own fields (but its goal, printed on the form) leave it current …
    rec.remarks = "申报表备注改了"
    store.save(rec)
    assert verify_pdf(store, pdf).status == STATUS_CURRENT
    # … a change to the monitoring form does (a draft is changed in place: nothing matches).
    rec = store.get(rec.id)
    assert rec.monitoring is not None
    rec.monitoring.goal_progress = "改写后的完成情况"
    store.save(rec)
    assert verify_pdf(store, pdf).status == STATUS_UNKNOWN


def test_monitoring_printout_of_an_older_revision_names_what_changed(store, seed_decl) -> None:
    old = _final(store, seed_decl)
    pdf = render_bytes(old, "monitoring")
    rec = store.get(old.id)
    assert rec.monitoring is not None
    rec.monitoring.spent_to_date = Decimal("66000000")
    rec.monitoring.indicators[1].likelihood = "有可能"
    new = store.save(rec).record
    assert new.revision == old.revision + 1

    result = verify_pdf(store, pdf)
    assert result.status == STATUS_OLDER, result.message
    assert result.matched_revision == old.revision and result.current_revision == new.revision
    assert result.changed_fields == ("spent_to_date", "execution_rate", "indicators")
    assert result.changed_labels == ("1至X月执行数", "执行率", "绩效指标")
    assert "绩效运行监控表第 1 版" in result.message
    assert "1至X月执行数、执行率、绩效指标" in result.message
    assert verify_pdf(store, render_bytes(new, "monitoring")).status == STATUS_CURRENT


def test_a_new_declared_goal_makes_the_monitoring_printout_older(store, seed_decl) -> None:
    """The form prints the declared 年度目标 beside its progress: a new goal is named."""
    old = _final(store, seed_decl)
    pdf = render_bytes(old, "monitoring")
    rec = store.get(old.id)
    rec.annual_goal = "新的年度绩效目标"
    store.save(rec)
    result = verify_pdf(store, pdf)
    assert result.status == STATUS_OLDER
    assert result.changed_fields == ("annual_goal",)
    assert "年度绩效目标" in result.message


def test_altered_monitoring_printout_names_the_field(store, seed_decl) -> None:
    rec = _final(store, seed_decl)

    def change(decl) -> None:  # type: ignore[no-untyped-def]
        decl.monitoring.indicators[2].progress = "完成全年目标的99%"

    result = verify_pdf(store, _forged(rec, "monitoring", change))
    assert result.status == STATUS_ALTERED, result.message
    assert result.differences[0][0] == "绩效指标第3行“截至X月底完成情况”"
    assert "99%" in result.differences[0][1] and "43%" in result.differences[0][2]
    assert "绩效指标第3行“截至X月底完成情况”打印为" in result.message


def test_altered_amount_on_a_monitoring_printout(store, seed_decl) -> None:
    rec = _final(store, seed_decl)

    def change(decl) -> None:  # type: ignore[no-untyped-def]
        decl.monitoring.forecast_spent = Decimal("133000000")

    result = verify_pdf(store, _forged(rec, "monitoring", change))
    assert result.status == STATUS_ALTERED
    assert ("全年预计执行数", "133,000,000.00", "130,673,200.00") in result.differences


def test_evaluation_printout_names_an_altered_forecast_as_the_monitoring_forms(
    store, seed_decl
) -> None:
    rec = _final(store, seed_decl, evaluation=True)
    assert verify_pdf(store, render_bytes(rec, "evaluation")).status == STATUS_CURRENT

    def change(decl) -> None:  # type: ignore[no-untyped-def]
        decl.monitoring.indicators[3].forecast = "全年超额完成"

    result = verify_pdf(store, _forged(rec, "evaluation", change))
    assert result.status == STATUS_ALTERED, result.message
    # The row grew shorter and the rows under it moved up a page: only the cell is named.
    assert [label for label, _was, _now in result.differences] == [
        "绩效运行监控表绩效指标第4行“全年预计完成情况”"
    ]
    assert "全年超额完成" in result.differences[0][1] and "达到" in result.differences[0][2]


def test_evaluation_printout_is_older_once_the_forecasts_change(store, seed_decl) -> None:
    old = _final(store, seed_decl, evaluation=True)
    pdf = render_bytes(old, "evaluation")
    rec = store.get(old.id)
    assert rec.monitoring is not None
    rec.monitoring.indicators[0].likelihood = "有可能"
    store.save(rec)
    result = verify_pdf(store, pdf)
    assert result.status == STATUS_OLDER, result.message
    assert result.changed_fields == ("monitoring",)
    assert "此后改动的栏目：绩效运行监控表" in result.message
    # A change the 自评表 does not print (the monitoring form's 相关建议或举措) is none of its.
    rec = store.get(old.id)
    assert rec.monitoring is not None
    rec.monitoring.measures = "另一条举措"
    new = store.save(rec).record
    current = render_bytes(new, "evaluation")
    assert verify_pdf(store, current).status == STATUS_CURRENT


def test_print_and_verify_from_the_command_line(tmp_path: Path, store, seed_decl) -> None:
    old = _final(store, seed_decl)
    rid = old.id
    other = copy.deepcopy(seed_decl)
    other.name, other.id, other.monitoring, other.status = "没有监控表的项目", None, None, "draft"
    store.save(other)
    store.close()
    db = store.path

    got = run_cli("print", str(rid), "-o", str(tmp_path / "m.pdf"), "--form", "monitoring", db=db)
    assert got.returncode == 0, got.stderr
    assert f"perfdesk:{rid}:1:monitoring:" in H.text(tmp_path / "m.pdf")
    got = run_cli("verify", str(tmp_path / "m.pdf"), db=db)
    assert got.returncode == 0 and "绩效运行监控表当前版本" in got.stdout, got.stdout + got.stderr

    got = run_cli("print", "--year", "2019", "-o", str(tmp_path / "year"), "--form", "monitoring",
                  db=db)  # fmt: skip
    assert got.returncode == 0, got.stderr
    assert "已打印 1 份" in got.stdout
    assert [p.name.endswith("绩效运行监控表.pdf") for p in (tmp_path / "year").iterdir()] == [True]

    got = run_cli("print", str(rid + 1), "-o", str(tmp_path / "none.pdf"), "--form", "monitoring",
                  db=db)  # fmt: skip
    assert got.returncode == 1 and "还没有运行监控表" in got.stderr
    assert not (tmp_path / "none.pdf").exists()


def test_words_that_only_changed_places_are_still_a_difference(seed_decl) -> None:
    """A run moved with the page breaks is not named beside the altered cell that moved it
    (above); but where nothing else differs, words swapped between cells are what was
    altered."""
    from perfdesk.pdf.verify import _differences

    printed, stored = "接通率 有可能 人员保障 完毕", "接通率 人员保障 有可能 完毕"
    assert _differences(printed, stored, seed_decl, "declaration") != ()
    assert _differences(stored, stored, seed_decl, "declaration") == ()


def test_reprint_of_an_older_monitoring_revision_is_that_revision(store, seed_decl) -> None:
    from perfdesk.pdf.year import revision_note

    old = _final(store, seed_decl)
    rec = store.get(old.id)
    assert rec.monitoring is not None
    rec.monitoring.measures = "新的举措"
    store.save(rec)
    old = store.get(old.id, old.revision)
    note = revision_note(store, old)
    assert note
    pdf = render_bytes(old, "monitoring", revision_note=note)
    assert H.squash(note) in H.squash(H.text(H.write(Path(store.path).parent, pdf)))
    result = verify_pdf(store, pdf)
    assert result.status == STATUS_OLDER and result.changed_fields == ("measures",)
    assert "相关建议或举措" in result.message
