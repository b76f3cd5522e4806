"""verify: a printout matched to the stored revisions of its record (real Store, real PDFs)."""

from __future__ import annotations

import io
import re

import pytest
from reportlab.pdfgen.canvas import Canvas

from perfdesk.models.errors import InputError
from perfdesk.pdf.printout import render_bytes
from perfdesk.pdf.verify import (
    STATUS_ALTERED,
    STATUS_CURRENT,
    STATUS_OLDER,
    STATUS_UNKNOWN,
    read_marker,
    verify_pdf,
)
from tests import pdf_helpers as H


def _save_final(store, decl):  # type: ignore[no-untyped-def]
    decl.status = "final"
    return store.save(decl).record


def test_printout_of_current_revision(store, seed_decl) -> None:
    rec = store.save(seed_decl).record
    result = verify_pdf(store, render_bytes(rec))
    assert result.status == STATUS_CURRENT and result.ok and result.current
    assert result.marker is not None and result.marker.record_id == rec.id
    assert result.matched_revision == result.current_revision == rec.revision
    assert result.source == "metadata"
    assert f"编号 {rec.id}" in result.message and "当前版本" in result.message


def test_printout_of_older_revision_names_changed_fields(store, seed_decl) -> None:
    old = _save_final(store, seed_decl)
    old_pdf = render_bytes(old)
    changed = store.get(old.id)
    changed.overview = "项目概况改写后的新文字。"
    changed.remarks = "补充备注"
    new = store.save(changed).record
    assert new.revision == old.revision + 1

    result = verify_pdf(store, old_pdf)
    assert result.status == STATUS_OLDER and not result.ok and not result.current
    assert result.matched_revision == old.revision
    assert result.current_revision == new.revision
    assert result.changed_fields == ("overview", "remarks")
    assert "项目概况、备注" in result.message
    assert f"第 {old.revision} 版" in result.message
    assert verify_pdf(store, render_bytes(new)).status == STATUS_CURRENT


def test_changed_draft_no_longer_matches(store, seed_decl) -> None:
    """A draft is updated in place: its earlier printout matches nothing stored."""
    rec = store.save(seed_decl).record
    pdf = render_bytes(rec)
    rec.plan = "新的实施计划"
    store.save(rec)
    result = verify_pdf(store, pdf)
    assert result.status == STATUS_UNKNOWN
    assert "任何已存版本都不符" in result.message


def test_tampered_fingerprint_is_unknown(store, seed_decl) -> None:
    rec = store.save(seed_decl).record
    pdf = render_bytes(rec)
    mark = read_marker(pdf)[0]
    assert mark is not None
    forged = pdf.replace(mark.fingerprint.encode(), b"0" * 12)
    assert verify_pdf(store, forged).status == STATUS_UNKNOWN


def test_record_missing_from_this_database(store, seed_decl) -> None:
    seed_decl.id = 999
    result = verify_pdf(store, render_bytes(seed_decl))
    assert result.status == STATUS_UNKNOWN
    assert "没有编号 999" in result.message


def test_unsaved_record_printout(store, seed_decl) -> None:
    result = verify_pdf(store, render_bytes(seed_decl))
    assert result.status == STATUS_UNKNOWN and "尚未保存" in result.message


@H.needs_poppler
def test_marker_read_from_page_text_when_metadata_is_gone(store, seed_decl) -> None:
    rec = store.save(seed_decl).record
    pdf = render_bytes(rec)
    # Another tool re-saved the file without keywords/subject (same length keeps xref valid).
    stripped = re.sub(rb"/(Keywords|Subject) \(", lambda m: b"/X" + m.group(0)[2:], pdf)
    assert stripped != pdf
    mark, source = read_marker(stripped)
    assert source == "text" and mark == read_marker(pdf)[0]
    assert verify_pdf(store, stripped).status == STATUS_CURRENT


def test_pdf_without_marker(store) -> None:
    buf = io.BytesIO()
    c = Canvas(buf)
    c.drawString(100, 100, "some other document")
    c.save()
    result = verify_pdf(store, buf.getvalue())
    assert result.status == STATUS_UNKNOWN and "没有 perfdesk 打印标记" in result.message


def test_not_a_pdf(store) -> None:
    with pytest.raises(InputError):
        verify_pdf(store, b"PK\x03\x04 this is a zip")


def test_evaluation_printout(store, seed_decl) -> None:
    seed_decl.evaluation = H.evaluation_for(seed_decl)
    rec = store.save(seed_decl).record
    pdf = render_bytes(rec, "evaluation")
    result = verify_pdf(store, pdf)
    assert result.status == STATUS_CURRENT
    assert result.marker is not None and result.marker.form == "evaluation"
    # The declaration changing does not make the evaluation printout stale …
    rec.remarks = "申报表备注改了"
    store.save(rec)
    assert verify_pdf(store, pdf).status == STATUS_CURRENT
    # … a change to the evaluation does (a draft is changed in place: nothing matches).
    rec = store.get(rec.id)
    assert rec.evaluation is not None
    rec.evaluation.goal_actual = "改写后的实际完成情况"
    store.save(rec)
    assert verify_pdf(store, pdf).status == STATUS_UNKNOWN


def test_evaluation_older_revision(store, seed_decl) -> None:
    seed_decl.evaluation = H.evaluation_for(seed_decl)
    seed_decl.evaluation.status = "final"
    old = _save_final(store, seed_decl)
    pdf = render_bytes(old, "evaluation")
    rec = store.get(old.id)
    assert rec.evaluation is not None
    rec.evaluation.supervisor = "另一个主管部门"
    new = store.save(rec).record
    assert new.revision > old.revision
    result = verify_pdf(store, pdf)
    assert result.status == STATUS_OLDER
    assert result.changed_fields == ("supervisor",)
    assert "主管部门" in result.message


def test_printout_with_an_edited_amount_and_the_mark_kept(store, seed_decl, monkeypatch) -> None:
    """A forger prints the record with 年度预算 933,340,000.00 and keeps the original's mark
    (metadata and the footer text): the page text gives it away, naming the field."""
    import copy

    import perfdesk.pdf.printout as printout

    rec = store.save(seed_decl).record
    genuine_mark = printout.marker(rec, "declaration")
    forged = copy.deepcopy(rec)
    forged.year_budget = forged.year_budget + 800_000_000
    monkeypatch.setattr(printout, "marker", lambda decl, form: genuine_mark)
    pdf = render_bytes(forged)
    monkeypatch.undo()
    assert read_marker(pdf)[0] == read_marker(render_bytes(rec))[0]
    result = verify_pdf(store, pdf)
    assert result.status == STATUS_ALTERED and not result.current
    assert ("项目当年预算（元）", "933,340,000.00", "133,340,000.00") in result.differences
    assert "项目当年预算（元）打印为“933,340,000.00”，库中为“133,340,000.00”" in result.message
    assert "一致" not in result.message.replace("不一致", "")


def test_amount_edited_in_the_database_is_never_vouched_for(store, seed_decl) -> None:
    rec = _save_final(store, seed_decl)
    sealed = render_bytes(rec)
    store.conn.execute(
        "UPDATE revisions SET doc = replace(doc, '133340000', '933340000') WHERE record_id = ?",
        [rec.id],
    )
    altered = store.get(rec.id)
    for pdf in (sealed, render_bytes(altered)):
        result = verify_pdf(store, pdf)
        assert result.status == STATUS_ALTERED and not result.current
        assert "指纹不符" in result.message and "perfdesk check" in result.message


def test_draft_printout_still_matches_after_finalising(store, seed_decl) -> None:
    rec = store.save(seed_decl).record
    draft_pdf = render_bytes(rec)  # with the 草稿 watermark
    final = store.finalize(rec.id)
    assert final.revision == rec.revision
    assert verify_pdf(store, draft_pdf).status == STATUS_CURRENT


def test_reprint_of_an_older_revision_is_that_revision(store, seed_decl) -> None:
    from perfdesk.pdf.year import revision_note

    old = _save_final(store, seed_decl)
    changed = store.get(old.id)
    changed.remarks = "新版本"
    store.save(changed)
    old = store.get(old.id, old.revision)
    note = revision_note(store, old)
    assert note
    result = verify_pdf(store, render_bytes(old, revision_note=note))
    assert result.status == STATUS_OLDER and result.changed_fields == ("remarks",)


def test_verify_command_exit_status_for_an_altered_printout(tmp_path, store, seed_decl, monkeypatch):
    import copy

    import perfdesk.pdf.printout as printout
    from tests.cli_helpers import run_cli

    rec = store.save(seed_decl).record
    mark = printout.marker(rec, "declaration")
    forged = copy.deepcopy(rec)
    forged.total_budget = forged.total_budget + 1
    monkeypatch.setattr(printout, "marker", lambda decl, form: mark)
    pdf = tmp_path / "forged.pdf"
    pdf.write_bytes(render_bytes(forged))
    monkeypatch.undo()
    store.close()
    r = run_cli("verify", str(pdf), db=store.path)
    assert r.returncode == 1 and "项目总预算（元）打印为“133,340,001.00”" in r.stdout + r.stderr


def test_same_revision_same_bytes_and_a_resaved_printout_still_matches(store, seed_decl, tmp_path):
    import shutil
    import subprocess

    rec = store.save(seed_decl).record
    pdf = render_bytes(rec)
    assert render_bytes(store.get(rec.id)) == pdf  # drawn again: the same bytes
    if shutil.which("qpdf") is None:
        pytest.skip("qpdf is not installed")
    src, out = tmp_path / "a.pdf", tmp_path / "b.pdf"
    src.write_bytes(pdf)
    subprocess.run(["qpdf", "--object-streams=generate", str(src), str(out)], check=True)
    resaved = out.read_bytes()
    assert resaved != pdf
    result = verify_pdf(store, resaved)
    assert result.status == STATUS_CURRENT, result.message  # equal page text


def _forged(rec, form, edit, monkeypatch) -> bytes:  # type: ignore[no-untyped-def]
    """``rec`` edited by ``edit`` and printed with the genuine record's mark."""
    import copy

    import perfdesk.pdf.printout as printout

    mark = printout.marker(rec, form)
    forged = copy.deepcopy(rec)
    edit(forged)
    monkeypatch.setattr(printout, "marker", lambda decl, f: mark)
    pdf = render_bytes(forged, form)
    monkeypatch.undo()
    return pdf


def test_an_edited_cell_is_named_by_table_row_and_column(store, seed_decl, monkeypatch) -> None:
    seed_decl.evaluation = H.evaluation_for(seed_decl)
    rec = store.save(seed_decl).record

    def target(d):  # type: ignore[no-untyped-def]
        d.indicators[2].target = "≥99%"

    def actual(d):  # type: ignore[no-untyped-def]
        d.evaluation.indicators[1].actual = "100%"

    def overview(d):  # type: ignore[no-untyped-def]
        d.overview = d.overview.replace("第141次", "第142次")

    result = verify_pdf(store, _forged(rec, "declaration", target, monkeypatch))
    assert result.status == STATUS_ALTERED
    assert [d[0] for d in result.differences] == ["分解目标第3行“指标目标值”"]
    result = verify_pdf(store, _forged(rec, "evaluation", actual, monkeypatch))
    assert result.status == STATUS_ALTERED
    assert [d[0] for d in result.differences] == ["绩效指标第2行“实际完成值”"]
    result = verify_pdf(store, _forged(rec, "declaration", overview, monkeypatch))
    assert result.differences[0][0] == "项目概况"
    assert "第142次" in result.differences[0][1] and "第141次" in result.differences[0][2]
    assert len(result.differences[0][1]) < 30  # the line cut down to the change
