"""The store on a real SQLite file: round trips, revisions, uniqueness, migrations."""

from __future__ import annotations

import json
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from perfdesk.models.errors import ConflictError, StoreError
from perfdesk.models.serialize import declaration_to_dict, fingerprint
from perfdesk.store.backups import restore_backup
from perfdesk.store.check import problems as check_problems
from perfdesk.store.database import Store
from perfdesk.store.schema import SCHEMA_VERSION

DATA = Path(__file__).parent / "data"
STORE_KEYS = ("id", "status", "revision")


def _strip(d):
    return {k: v for k, v in d.items() if k not in STORE_KEYS}


def test_seed_json_store_json_unchanged(store, seed_decl, seed_dict):
    saved = store.save(seed_decl).record
    out = declaration_to_dict(store.get(saved.id))
    assert _strip(out) == seed_dict
    assert out["id"] == saved.id and out["status"] == "draft" and out["revision"] == 1
    # and the exact text survives a reopen of the file
    path = store.path
    store.close()
    with Store(path) as again:
        assert _strip(declaration_to_dict(again.get(saved.id))) == seed_dict


def test_money_is_exact(store, seed_decl):
    seed_decl.total_budget = Decimal("0.1") + Decimal("0.2")
    seed_decl.budget_items[0].amount = Decimal("19030000.07")
    rid = store.save(seed_decl).record.id
    got = store.get(rid)
    assert got.total_budget == Decimal("0.30")
    assert got.budget_items[0].amount == Decimal("19030000.07")
    assert declaration_to_dict(got)["budget_items"][0]["amount"] == 19030000.07


def test_unique_year_unit_name(store, seed_decl):
    a = store.save(seed_decl).record
    other = declaration_to_dict(a)
    seed_decl.id = None
    seed_decl.name = "另一个项目"
    b = store.save(seed_decl).record
    assert a.id != b.id
    b.name = other["name"]
    with pytest.raises(ConflictError):
        store.save(b)
    # the database still holds two projects with their own names
    assert sorted(r[3] for r in store.list()) == sorted([other["name"], "另一个项目"])


def test_draft_updates_in_place_final_makes_revision(store, seed_decl):
    rec = store.save(seed_decl).record
    rec.remarks = "草稿修改"
    r2 = store.save(rec)
    assert r2.record.revision == 1 and not r2.new_revision
    final = store.finalize(rec.id)
    assert final.status == "final" and final.revision == 1
    fp_final = fingerprint(final)
    final.remarks = "定稿后修改"
    r3 = store.save(final)
    assert r3.new_revision and r3.record.revision == 2 and r3.record.status == "draft"
    old = store.get(rec.id, revision=1)
    assert old.status == "final" and old.remarks == "草稿修改"
    assert fingerprint(old) == fp_final
    infos = store.revisions(rec.id)
    assert [(i.revision, i.status) for i in infos] == [(1, "final"), (2, "draft")]
    assert infos[0].fingerprint_declaration == fp_final


def test_new_revision_opens_final_record(store, seed_decl):
    rid = store.save(seed_decl).record.id
    store.finalize(rid)
    d = store.new_revision(rid)
    assert (d.revision, d.status) == (2, "draft")
    assert store.get(rid, 1).status == "final"


def test_import_of_existing_project_adds_revision(store, seed_decl, seed_dict):
    rid = store.save(seed_decl).record.id
    seed_decl.id = None
    seed_decl.remarks = "第二次导入"
    res = store.save(seed_decl, as_import=True)
    assert res.record.id == rid and res.new_revision and res.record.revision == 2
    assert store.count() == 1
    same = store.save(seed_decl, as_import=True)
    assert not same.changed and same.record.revision == 2


def test_search_short_and_long_terms(store, seed_decl):
    store.save(seed_decl)
    seed_decl.id = None
    seed_decl.name = "水务监测"
    store.save(seed_decl)
    assert [r[3] for r in store.list(search="热线")] == ["12345市民服务热线外包服务"]
    assert [r[3] for r in store.list(search="水")] == ["水务监测"]
    assert store.count(search="市民服务热线") == 1
    assert store.count(search="信访办公室") == 2
    assert store.count(search="不存在的词") == 0


def test_backup_and_check(store, seed_decl, tmp_path):
    store.save(seed_decl)
    target = store.backup(tmp_path / "b" / "copy.sqlite")
    with Store(target) as b:
        assert b.count() == 1 and check_problems(b) == []


def test_restore_keeps_replaced_file(store, seed_decl, tmp_path):
    store.save(seed_decl)
    backup = store.backup(tmp_path / "copy.sqlite")
    seed_decl.id = None
    seed_decl.name = "备份之后新建"
    store.save(seed_decl)
    path = store.path
    store.close()
    saved = restore_backup(backup, path)
    with Store(path) as s:
        assert s.count() == 1
    assert saved is not None
    with Store(saved) as s:
        assert s.count() == 2


def test_newer_database_is_refused(db_path):
    Store(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('perfdesk', '9999_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="更新版本"):
        Store(db_path)


def test_not_a_database_is_refused(tmp_path):
    p = tmp_path / "x.sqlite"
    p.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError):
        Store(p)


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION + 1))
def test_every_schema_version_fixture_opens_without_loss(version, tmp_path, seed_dict):
    """tests/data/schema/vN.sqlite was made by schema version N (tests/make_schema_fixtures.py)."""
    src = DATA / "schema" / f"v{version}.sqlite"
    assert src.exists(), f"missing fixture {src}; run tests/make_schema_fixtures.py"
    path = tmp_path / "old.sqlite"
    shutil.copy(src, path)
    expected = json.loads((DATA / "schema" / f"v{version}.json").read_text(encoding="utf-8"))
    for doc in expected:
        # Keys a later program added read as null on records written before them.
        doc.setdefault("monitoring", None)
    with Store(path) as s:
        assert s.schema_version() == SCHEMA_VERSION
        assert check_problems(s) == []
        got = [declaration_to_dict(s.get(r[0])) for r in s.list(order_by=(("id", False),))]
        assert got == expected
        # search works on migrated data too (migration 2 built the index)
        assert s.count(search="热线") >= 1
    if version < SCHEMA_VERSION:
        assert list(tmp_path.glob("old.v*.bak.sqlite")), "no backup before migration"


def test_list_json_matches_list(store, seed_decl):
    import json as _json

    for name in ("乙项目", "甲项目", "丙项目"):
        seed_decl.id = None
        seed_decl.name = name
        store.save(seed_decl)
    rows = store.list(
        year=2019, columns=("id", "year", "unit", "name", "status", "revision", "has_evaluation")
    )
    expected = [
        {
            "id": r[0],
            "year": r[1],
            "unit": r[2],
            "name": r[3],
            "status": r[4],
            "revision": r[5],
            "has_evaluation": bool(r[6]),
        }
        for r in rows
    ]
    assert _json.loads(store.list_json(year=2019)) == expected
    assert _json.loads(store.list_json(year=1999)) == []


def test_scores_sort_as_numbers_and_old_files_are_rewritten(store, seed_decl) -> None:  # noqa: ANN001
    """得分 is kept as fixed-width text ("096.50"), so sorting the column (through its index)
    is number order; migration 0008 rewrites files that kept "100" or "9.5"."""
    from sqlite_utils import Database

    from perfdesk.models.serialize import declaration_from_dict, loads
    from perfdesk.store.database import score_text
    from perfdesk.store.migrations import m0008

    shanghai = declaration_from_dict(
        loads((DATA / "excel_out" / "sh2019_shanghai_eval.json").read_text(encoding="utf-8"))
    )
    rid = store.save(shanghai).record.id
    (stored,) = store.conn.execute("SELECT total_score FROM records WHERE id = ?", [rid]).fetchone()
    total = store.get_dict(rid)["evaluation"]["total_score"]
    assert stored == score_text(total) and len(stored) == 6
    assert Decimal(stored) == Decimal(str(total))

    ids = []
    for name in ("甲", "乙", "丙", "丁"):
        seed_decl.id = None
        seed_decl.name = name
        ids.append(store.save(seed_decl).record.id)
    old_texts = ["100", "9.5", "96.5", "85"]  # as str(Decimal) wrote them before
    for i, text in zip(ids, old_texts, strict=True):
        store.conn.execute("UPDATE records SET total_score = ? WHERE id = ?", [text, i])

    def by_score() -> list[str]:
        rows = store.list(columns=("total_score",), order_by=(("total_score", False),))
        return [r[0] for r in rows if r[0] is not None and r[0] != stored]

    assert by_score() == ["100", "85", "9.5", "96.5"]  # text order: the old bug
    m0008(Database(store.conn))
    assert by_score() == ["009.50", "085.00", "096.50", "100.00"]
    assert by_score() == [score_text(v) for v in (9.5, 85, 96.5, 100)]


def test_years_are_the_distinct_years_latest_first(store, seed_decl) -> None:  # noqa: ANN001
    assert store.years() == []
    for year, name in ((2019, "甲"), (2021, "乙"), (2019, "丙"), (2024, "丁"), (2021, "戊")):
        seed_decl.id = None
        seed_decl.year, seed_decl.name = year, name
        store.save(seed_decl)
    assert store.years() == [2024, 2021, 2019]
    expected = [r[0] for r in store.conn.execute("SELECT DISTINCT year FROM records")]
    assert sorted(expected, reverse=True) == store.years()
