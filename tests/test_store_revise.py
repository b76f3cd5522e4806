"""新修订 per form (issue 16: the 运行监控表 and the 自评表 have the same life as the
declaration): ``Store.new_revision(rid, form)`` reopens just that form as a draft in the next
revision, the other forms untouched, every earlier revision kept and reprintable as it was.
Real SQLite files; printouts read back with the verifier."""

from __future__ import annotations

import copy

import pytest

from perfdesk.models.errors import ValidationError
from perfdesk.models.records import Declaration
from perfdesk.models.serialize import fingerprint
from perfdesk.pdf.printout import render_bytes
from perfdesk.pdf.verify import STATUS_CURRENT, STATUS_OLDER, verify_pdf
from perfdesk.store.database import Store
from tests import pdf_helpers as H
from tests.test_store_monitoring import fp_columns, list_row, mon, with_monitoring


def all_forms(
    seed: Declaration, *, declaration: str, monitoring: str, evaluation: str
) -> Declaration:
    """The seed with a complete 运行监控表 and 自评表, each form in the state asked for."""
    decl = with_monitoring(seed)
    decl.evaluation = H.evaluation_for(decl)
    decl.status = declaration
    mon(decl).status = monitoring
    decl.evaluation.status = evaluation
    return decl


def states(store: Store, rid: int) -> list[tuple[int, str, str, str]]:
    """(revision, declaration, 运行监控表, 自评表 status) of every stored revision."""
    return store.conn.execute(
        "SELECT revision, status, json_extract(doc, '$.monitoring.status'), "
        "json_extract(doc, '$.evaluation.status') FROM revisions WHERE record_id = ? "
        "ORDER BY revision",
        [rid],
    ).fetchall()


@pytest.mark.parametrize("declaration", ["final", "draft"])
def test_a_final_monitoring_form_is_reopened_alone(store: Store, seed_decl, declaration) -> None:
    rid = store.save(
        all_forms(seed_decl, declaration=declaration, monitoring="final", evaluation="final")
    ).record.id
    assert rid is not None
    before = fp_columns(store, rid)
    reopened = store.new_revision(rid, form="monitoring")
    assert reopened.revision == 2
    assert mon(reopened).status == "draft"
    assert reopened.status == declaration  # a final declaration stays final
    assert reopened.evaluation is not None and reopened.evaluation.status == "final"
    assert states(store, rid) == [
        (1, declaration, "final", "final"),
        (2, declaration, "draft", "final"),
    ]
    # Nothing was changed yet: the same content under the same fingerprints.
    assert fp_columns(store, rid)[1][2:4] == before[0][2:4]
    assert list_row(store, rid) == ("draft", 0)
    assert store.get(rid).monitoring == reopened.monitoring


def test_the_reopened_draft_is_changed_in_place_and_finalized_again(
    store: Store, seed_decl
) -> None:
    rid = store.save(
        all_forms(seed_decl, declaration="final", monitoring="final", evaluation="draft")
    ).record.id
    assert rid is not None
    sealed = store.get(rid)
    printout = render_bytes(sealed, "monitoring")
    assert verify_pdf(store, printout).status == STATUS_CURRENT
    draft = store.new_revision(rid, form="monitoring")
    mon(draft).indicators[0].progress = "已完成全年计划的 60%"
    result = store.save(draft)
    # A draft is changed in place: the reopening made the one new revision.
    assert not result.new_revision and result.record.revision == 2
    assert result.record.status == "final"
    final = store.finalize_monitoring(rid)
    assert (final.revision, mon(final).status, final.status) == (2, "final", "final")
    # The sealed paper copy still names its revision, kept as it was.
    check = verify_pdf(store, printout)
    assert (check.status, check.matched_revision, check.current_revision) == (STATUS_OLDER, 1, 2)
    old = store.get(rid, 1)
    assert mon(old).indicators[0].progress == "已完成全年计划的 52%"
    assert mon(old).status == "final"
    assert render_bytes(old, "monitoring") == printout
    assert fingerprint(old, "monitoring") != fingerprint(final, "monitoring")
    assert fingerprint(old) == fingerprint(final)  # the declaration was not touched


@pytest.mark.parametrize("declaration", ["final", "draft"])
def test_a_final_evaluation_is_reopened_alone(store: Store, seed_decl, declaration) -> None:
    rid = store.save(
        all_forms(seed_decl, declaration=declaration, monitoring="final", evaluation="final")
    ).record.id
    assert rid is not None
    printout = render_bytes(store.get(rid), "evaluation")
    reopened = store.new_revision(rid, form="evaluation")
    assert reopened.evaluation is not None and reopened.evaluation.status == "draft"
    assert (reopened.revision, reopened.status) == (2, declaration)
    assert mon(reopened).status == "final"
    assert states(store, rid) == [
        (1, declaration, "final", "final"),
        (2, declaration, "final", "draft"),
    ]
    assert store.conn.execute(
        "SELECT evaluation_status, revision FROM records WHERE id = ?", [rid]
    ).fetchone() == ("draft", 2)
    reopened.evaluation.goal_actual = "全年受理来电392万个。"
    store.save(reopened)
    check = verify_pdf(store, printout)
    assert (check.status, check.matched_revision, check.current_revision) == (STATUS_OLDER, 1, 2)


def test_the_declarations_new_revision_leaves_the_other_forms_as_they_are(
    store: Store, seed_decl
) -> None:
    rid = store.save(
        all_forms(seed_decl, declaration="final", monitoring="final", evaluation="draft")
    ).record.id
    assert rid is not None
    reopened = store.new_revision(rid)  # form="declaration", the default
    assert (reopened.revision, reopened.status) == (2, "draft")
    assert states(store, rid) == [(1, "final", "final", "draft"), (2, "draft", "final", "draft")]


def test_a_form_that_is_a_draft_is_left_as_it_is(store: Store, seed_decl) -> None:
    rid = store.save(
        all_forms(seed_decl, declaration="final", monitoring="draft", evaluation="draft")
    ).record.id
    assert rid is not None
    for form in ("monitoring", "evaluation"):
        assert store.new_revision(rid, form=form).revision == 1
    assert states(store, rid) == [(1, "final", "draft", "draft")]


def test_a_form_not_made_yet_cannot_be_reopened(store: Store, seed_decl) -> None:
    decl = copy.deepcopy(seed_decl)
    decl.status = "final"
    rid = store.save(decl).record.id
    assert rid is not None
    with pytest.raises(ValidationError) as err:
        store.new_revision(rid, form="monitoring")
    assert err.value.message == f"“{decl.name}”还没有运行监控表。"
    with pytest.raises(ValidationError, match="还没有自评表"):
        store.new_revision(rid, form="evaluation")
    assert [r.revision for r in store.revisions(rid)] == [1]


def test_the_reopening_survives_closing_the_file(db_path, seed_decl) -> None:
    with Store(db_path) as s:
        rid = s.save(
            all_forms(seed_decl, declaration="final", monitoring="final", evaluation="final")
        ).record.id
        assert rid is not None
        s.new_revision(rid, form="monitoring")
    with Store(db_path) as s:
        again = s.get(rid)
        assert (again.revision, again.status, mon(again).status) == (2, "final", "draft")
        assert [r.status for r in s.revisions(rid)] == ["final", "final"]


@pytest.mark.parametrize("form", ["monitoring", "evaluation"])
def test_saving_a_change_to_a_final_form_agrees_with_reopening_it_first(
    tmp_path, seed_decl, form
) -> None:
    """What the window's 新修订 then typing stores is what a change saved straight onto the
    final form stores (an import, another front door): the same revisions and states."""

    def change(decl: Declaration) -> None:
        if form == "monitoring":
            mon(decl).indicators[0].progress = "已完成全年计划的 60%"
        else:
            assert decl.evaluation is not None
            decl.evaluation.goal_actual = "全年受理来电392万个。"

    outcomes = []
    for how in ("reopened", "saved"):
        with Store(tmp_path / f"{how}.sqlite") as s:
            rid = s.save(
                all_forms(seed_decl, declaration="final", monitoring="final", evaluation="final")
            ).record.id
            assert rid is not None
            decl = s.new_revision(rid, form=form) if how == "reopened" else s.get(rid)
            change(decl)
            s.save(decl)
            outcomes.append((states(s, rid), [r[2:] for r in fp_columns(s, rid)]))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0][-1] == (
        (2, "final", "draft", "final") if form == "monitoring" else (2, "final", "final", "draft")
    )
