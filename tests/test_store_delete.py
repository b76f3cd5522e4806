"""删除 on a real SQLite file: a deleted project leaves every list and count but keeps its
revisions, comes back with undelete, and its (year, unit, name) can be declared again."""

from __future__ import annotations

import copy
import io
import json
import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from perfdesk.exchange.hand_in import pack, year_status
from perfdesk.library.history import indicator_library, load_catalogue
from perfdesk.models.errors import ConflictError, NotFoundError, PerfdeskError
from perfdesk.store.database import FinalRecordError, Store

DATA = Path(__file__).parent / "data"
UNIT = "中共上海市委、上海市人民政府信访办公室"


def _named(decl, name: str, *, year: int = 2019, final: bool = False):
    d = copy.deepcopy(decl)
    d.id, d.name, d.year = None, name, year
    d.status = "final" if final else "draft"
    return d


@pytest.fixture
def three(store, seed_decl):
    """甲 (draft), 乙 (final), and 丙 in another year."""
    ids = [
        store.save(_named(seed_decl, "甲项目")).record.id,
        store.save(_named(seed_decl, "乙项目", final=True)).record.id,
        store.save(_named(seed_decl, "丙项目", year=2020)).record.id,
    ]
    return store, ids


def test_a_deleted_project_leaves_lists_counts_years_units_and_search(three):
    store, (a, _b, c) = three
    store.delete(c)
    store.delete(a)
    assert [r[0] for r in store.list(columns=("id", "name"))] == [three[1][1]]
    assert store.count() == 1 and store.count(search="甲") == 0
    assert [r["name"] for r in json.loads(store.list_json())] == ["乙项目"]
    assert store.years() == [2019]  # 2020 held only the deleted 丙项目
    assert store.units(2020) == [] and store.units(2019) == [UNIT]
    # ... but it is still there, every revision of it, and it says it is deleted.
    assert store.is_deleted(a) and not store.is_deleted(three[1][1])
    assert store.get(a).name == "甲项目" and len(store.revisions(a)) == 1
    assert [(d.id, d.name) for d in store.deleted()] == [(a, "甲项目"), (c, "丙项目")]
    assert [d.id for d in store.deleted(year=2020)] == [c]


def test_undelete_brings_it_back_as_it_was(three):
    store, (a, _b, _c) = three
    before = store.get_dict(a)
    gone = store.delete(a)
    assert (gone.id, gone.name, gone.revision) == (a, "甲项目", 1) and gone.deleted_at
    back = store.undelete(a)
    assert back.id == a and back.deleted_at is None and store.get_dict(a) == before
    assert store.count(search="甲项目") == 1 and store.deleted() == []
    with pytest.raises(ConflictError, match="没有被删除"):
        store.undelete(a)
    with pytest.raises(NotFoundError):
        store.undelete(999)


def test_a_final_project_is_deleted_only_when_confirmed_twice(three):
    store, (_a, b, _c) = three
    with pytest.raises(FinalRecordError, match="已定稿.*再次确认"):
        store.delete(b)
    assert not store.is_deleted(b)
    store.delete(b, final_ok=True)
    assert store.is_deleted(b)
    with pytest.raises(ConflictError, match="已经删除"):
        store.delete(b, final_ok=True)
    with pytest.raises(NotFoundError):
        store.delete(999)


def test_declared_again_it_comes_back_as_a_new_revision(three, seed_decl):
    """The same project imported (or saved) again after 删除: no failure on the unique key,
    the row comes back with a new revision, the one it was deleted at kept as it was."""
    store, (a, _b, _c) = three
    deleted_doc = store.get_dict(a)
    store.delete(a)
    again = _named(seed_decl, "甲项目")
    result = store.save(again, as_import=True)  # identical content, as a re-import
    assert result.record.id == a and result.changed and result.new_revision
    assert not store.is_deleted(a) and [r.revision for r in store.revisions(a)] == [1, 2]
    assert store.get_dict(a, 1) == deleted_doc
    # Saved from a new form (not an import) with other content: the same, a new revision.
    store.delete(a)
    fresh = _named(seed_decl, "甲项目")
    fresh.remarks = "重新申报"
    saved = store.save(fresh).record
    assert saved.id == a and saved.revision == 3 and saved.remarks == "重新申报"
    assert store.get(a, 2).remarks != "重新申报"


def test_renaming_onto_a_deleted_project_names_it(three):
    store, (a, b, _c) = three
    store.delete(a)
    other = store.get(b)
    other.name = "甲项目"
    with pytest.raises(ConflictError, match="已删除"):
        store.save(other)


def test_summary_packages_status_and_library_leave_it_out(three, tmp_path):
    from perfdesk.excel.summary import write_summary

    store, (a, b, _c) = three
    uses_before = sum(len(i.uses) for i in indicator_library(store))
    store.delete(b, final_ok=True)
    # Summary: only 甲项目 (丙项目 is 2020).
    buf = io.BytesIO()
    assert write_summary(store, 2019, buf) == 1
    ws = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))["项目汇总"]
    assert [r[2] for r in ws.iter_rows(min_row=2, max_row=2, values_only=True)] == ["甲项目"]
    # 上报: 乙项目 was the only final project of 2019; deleted, there is nothing to send.
    with pytest.raises(PerfdeskError, match="草稿"):
        pack(store, tmp_path / "p.pdpack", year=2019)
    # The indicator library: its uses are gone from the history and the picker's counts.
    uses_after = sum(len(i.uses) for i in indicator_library(store))
    n = len(store.get(b).indicators)
    assert uses_after == uses_before - n
    assert all(
        u.project != "乙项目" for i in indicator_library(store) for u in i.uses
    )
    assert sum(e.uses for e in load_catalogue(store)) == uses_after
    # Status of the year: a unit whose only records are deleted is not expected from.
    store.delete(a)
    assert year_status(store, 2020) == []


def test_an_older_file_migrates_and_its_projects_are_listed(tmp_path):
    path = tmp_path / "v11.sqlite"
    shutil.copy(DATA / "schema" / "v11.sqlite", path)
    with Store(path) as store:
        ids = [r[0] for r in store.list(columns=("id",))]
        assert ids and store.deleted() == []
        store.delete(ids[0], final_ok=True)
        assert ids[0] not in [r[0] for r in store.list(columns=("id",))]
    # list --year still reads the year's rows from the (now partial) covering index.
    conn = sqlite3.connect(path)
    plan = conn.execute(
        "EXPLAIN QUERY PLAN SELECT id, year, unit, name, status, revision, has_evaluation "
        "FROM records WHERE deleted_at IS NULL AND year = ? ORDER BY year DESC, unit, name, id",
        [2019],
    ).fetchall()
    conn.close()
    assert "COVERING INDEX records_list" in " ".join(str(r[-1]) for r in plan)


def test_carrying_forward_onto_a_deleted_project_brings_it_back(three):
    from perfdesk.carry import carry_forward

    store, (a, _b, _c) = three
    first = carry_forward(store, a, 2020)
    store.delete(first.id)
    again = carry_forward(store, a, 2020)
    assert again.id == first.id and again.revision == 2 and not store.is_deleted(first.id)
    assert store.previous_year(again).id == a


def test_a_deleted_project_received_again_comes_back(three, tmp_path):
    from perfdesk.exchange.hand_in import receive

    store, _ids = three
    package = tmp_path / "上报.pdpack"
    pack(store, package, year=2019)  # 乙项目, the only 定稿 of 2019
    with Store(tmp_path / "dept.sqlite") as dept:
        (report,) = receive(dept, [package])
        (rid,) = [o.record_id for o in report.records]
        dept.delete(rid, final_ok=True)
        # The unit sends the same forms again (a new package: one is taken in only once).
        pack(store, tmp_path / "再次上报.pdpack", year=2019)
        (again,) = receive(dept, [tmp_path / "再次上报.pdpack"])
        assert [o.record_id for o in again.records] == [rid]
        assert not dept.is_deleted(rid) and dept.get(rid).revision == 2


def test_a_damaged_record_can_be_deleted_and_brought_back(three):
    from perfdesk.store.faults import DamagedError

    store, (a, _b, _c) = three
    store.conn.execute("UPDATE revisions SET doc = '{' WHERE record_id = ?", [a])
    with pytest.raises(DamagedError):
        store.get(a)
    assert store.delete(a).name == "甲项目" and store.is_deleted(a)
    assert store.undelete(a).name == "甲项目" and not store.is_deleted(a)
