"""The indicator library (forms.md §7) on real SQLite files: the uses kept by migration 0010's
triggers, the link 结转下一年 leaves, the checks against last year, the catalogue's search
and the ``indicators`` command."""

from __future__ import annotations

import json
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from perfdesk.carry import carry_forward, next_year_declaration
from perfdesk.library.catalogue import (
    CatalogueEntry,
    filter_entries,
    order_for,
    proposed_for,
)
from perfdesk.library.history import indicator_library, library_text, load_catalogue
from perfdesk.library.links import previous_id
from perfdesk.models.checks import check_declaration
from perfdesk.models.frameworks import FRAMEWORKS
from perfdesk.models.records import EvalIndicator, Evaluation, Indicator
from perfdesk.models.serialize import loads
from perfdesk.models.target_history import (
    history_findings,
    last_year_of,
    last_year_text,
    proposed_target,
)
from perfdesk.store.check import problems as check_problems
from perfdesk.store.database import Store
from perfdesk.store.schema import SCHEMA_VERSION
from tests.cli_helpers import run_cli
from tests.library_data import (
    HOTLINE_2022,
    HOTLINE_2022_ACTUALS,
    NEW_NAME,
    NEW_UNIT,
    OLD_NAME,
    OLD_UNIT,
    OTHER_UNIT,
    build,
    declaration,
)

DATA = Path(__file__).parent / "data"


def _uses(conn: sqlite3.Connection, rid: int) -> list[tuple[object, ...]]:
    return conn.execute(
        "SELECT position, category, subcategory, name, target, actual, score "
        "FROM indicator_uses WHERE record_id = ? ORDER BY position",
        [rid],
    ).fetchall()


def _expected_uses(doc: dict) -> list[tuple[object, ...]]:
    """What indicator_uses should hold for a revision's document, computed in Python."""
    evaluated = {}
    for e in (doc.get("evaluation") or {}).get("indicators", []):
        evaluated.setdefault(e["name"], e)
    out = []
    for n, i in enumerate(doc["indicators"]):
        e = evaluated.get(i["name"], {})
        score = e.get("score")
        out.append(
            (n, i["category"], i["subcategory"], i["name"], i["target"], e.get("actual"),
             None if score is None else float(score))
        )  # fmt: skip
    return out


# ---------------------------------------------------------------------------- the store


def test_uses_follow_every_write(store: Store, db_path: Path) -> None:
    ids = build(store)
    conn = store.conn
    hotline = conn.execute(
        "SELECT doc FROM revisions WHERE record_id = ? ORDER BY revision DESC LIMIT 1",
        [ids.hotline_2022],
    ).fetchone()[0]
    assert _uses(conn, ids.hotline_2022) == _expected_uses(loads(hotline))
    rows = _uses(conn, ids.hotline_2022)
    assert rows[0][3:6] == ("热线接通率", "≥90%", "96%")
    assert rows[0][6] == 18  # reached: the whole weight

    # A draft rewritten in place: the uses are replaced, not added to.
    decl = store.get(ids.library_2024)
    decl.indicators = decl.indicators[:1] + [
        Indicator("产出指标", "时效指标", "开馆时长", "≥60小时")
    ]
    store.save(decl)
    assert [r[3] for r in _uses(conn, ids.library_2024)] == ["图书借阅量", "开馆时长"]

    # A final record changed: a new revision, and the uses follow the current one.
    conn.execute("UPDATE records SET status = 'final' WHERE id = ?", [ids.library_2024])
    conn.execute("UPDATE revisions SET status = 'final' WHERE record_id = ?", [ids.library_2024])
    decl = store.get(ids.library_2024)
    decl.indicators[0].target = "≥58万册"
    result = store.save(decl)
    assert result.new_revision and result.record.revision == 2
    assert [r[4] for r in _uses(conn, ids.library_2024)] == ["≥58万册", "≥60小时"]

    # Deleting a project takes its uses out of the library; they stay for 恢复.
    store.delete(ids.library_2024, final_ok=True)
    listed = [u.record_id for i in indicator_library(store) for u in i.uses]
    assert ids.library_2024 not in listed and ids.library_2023 in listed
    store.undelete(ids.library_2024)
    assert ids.library_2024 in [u.record_id for i in indicator_library(store) for u in i.uses]
    # Nothing else was touched.
    assert [r[3] for r in _uses(conn, ids.library_2023)] == ["图书借阅量", "读者满意度"]


@pytest.mark.parametrize("version", [8, 9])
def test_older_file_gets_its_library_on_opening(tmp_path: Path, version: int) -> None:
    src = tmp_path / f"v{version}.sqlite"
    shutil.copyfile(DATA / "schema" / f"v{version}.sqlite", src)
    with Store(src) as s:
        assert s.schema_version() == SCHEMA_VERSION
        docs = s.conn.execute(
            "SELECT r.id, v.doc FROM records r JOIN revisions v "
            "ON v.record_id = r.id AND v.revision = r.revision"
        ).fetchall()
        assert docs
        for rid, doc in docs:
            assert _uses(s.conn, rid) == _expected_uses(loads(doc))
        assert sum(len(_uses(s.conn, rid)) for rid, _ in docs) > 0
        assert check_problems(s) == []


def test_damaged_document_does_not_block_writing_its_revision(store: Store) -> None:
    ids = build(store)
    # A revision whose JSON is damaged (as a storage fault leaves it) can still be
    # written: the trigger skips it rather than failing the statement.
    store.conn.execute("UPDATE revisions SET doc = '{broken' WHERE record_id = ?", [ids.sh_2023])
    assert len(_uses(store.conn, ids.sh_2023)) == 2  # the last good content stays


# ---------------------------------------------------------------------------- 结转 and links


def test_carry_links_years_and_previous_year_survives_renames(store: Store) -> None:
    ids = build(store)
    assert previous_id(store, ids.hotline_2023) == ids.hotline_2022
    decl = store.get(ids.hotline_2023)
    assert (decl.unit, decl.name) == (NEW_UNIT, NEW_NAME)
    previous = store.previous_year(decl)
    assert previous is not None and previous.id == ids.hotline_2022
    assert (previous.unit, previous.name) == (OLD_UNIT, OLD_NAME)
    # Not carried: found by unit and name, as before.
    other = store.previous_year(store.get(ids.library_2024))
    assert other is not None and other.id == ids.library_2023
    # A record that has neither has no previous year.
    assert store.previous_year(store.get(ids.sh_2023)) is None


def test_carry_proposes_targets_from_better_actuals(store: Store) -> None:
    src = store.save(
        declaration(2022, OLD_UNIT, OLD_NAME, [Indicator(i.category, i.subcategory, i.name,
                                                         i.target) for i in HOTLINE_2022])
    ).record  # fmt: skip
    src.evaluation = Evaluation(
        indicators=[
            EvalIndicator(i.category, i.subcategory, i.name, i.target,
                          actual=HOTLINE_2022_ACTUALS[i.name or ""])
            for i in src.indicators
        ]
    )  # fmt: skip
    src = store.save(src).record
    new = carry_forward(store, src.id, 2023)  # type: ignore[arg-type]
    assert [(i.name, i.target) for i in new.indicators] == [
        ("热线接通率", "≥96%"),  # 96% beat ≥90%
        ("平均接通时长", "≤15秒"),  # 15秒 beat ≤20秒 (lower is better)
        ("市民满意度", "≥85%"),  # 80% fell short: kept
        ("热线受理量", "≥320万件"),
        ("诉求办结率", "≥97%"),
    ]
    # Without an evaluation nothing is proposed.
    plain = declaration(2022, OLD_UNIT, "无自评项目", list(HOTLINE_2022))
    assert [i.target for i in next_year_declaration(plain, 2023).indicators] == [
        i.target for i in HOTLINE_2022
    ]


@pytest.mark.parametrize(
    ("target", "actual", "name", "proposed"),
    [
        ("≥90%", "96%", "接通率", "≥96%"),
        ("≥90%", "90%", "接通率", None),  # not better
        ("≥90%", "85%", "接通率", None),
        ("不低于９０％", "95.5%", "接通率", "不低于95.5％"),  # the target's own words kept
        ("平均接通时长8秒", "6秒", "平均接通时长", "平均接通时长6秒"),
        ("≤0.3%", "0.1%", "差错率", "≤0.1%"),
        ("控制在5%以内", "6%", "投诉率", None),
        ("≥300万件", "3200000件", "受理量", "≥320万件"),  # the target's scale
        ("规范、安全、高效", "达到", "规范性", None),  # qualitative
        ("接听电话379.8万个，网站和手机受理28.1万件", "400万个", "受理量", None),  # compound
        ("=100%", "100%", "完成率", None),
        ("全国排名第二", "第一", "排名", None),
        ("≥90%", None, "接通率", None),
    ],
)
def test_proposed_target(target: str, actual: str | None, name: str, proposed: str | None) -> None:
    assert proposed_target(target, actual, name) == proposed


# ---------------------------------------------------------------------------- checks


def test_checks_against_last_year_on_the_renamed_project(store: Store) -> None:
    ids = build(store)
    decl = store.get(ids.hotline_2023)
    findings = check_declaration(decl, store.previous_year(decl))
    by_code = {}
    for f in findings:
        by_code.setdefault(f.code, []).append(f)
    [low] = by_code["target_below_last_year"]
    assert low.level == "warning" and low.field == "indicators[0].target"
    assert "热线接通率" in low.message and "≥92%" in low.message and "96%" in low.message
    assert "2022" in low.message and "目标偏低" in low.message
    [loose] = by_code["target_above_last_year"]
    assert loose.field == "indicators[1].target"
    assert "平均接通时长" in loose.message and "≤18秒" in loose.message and "15秒" in loose.message
    assert "目标偏松" in loose.message
    [dropped] = by_code["indicator_dropped"]
    assert dropped.level == "warning" and dropped.field == "indicators"
    assert "热线受理量" in dropped.message and "提醒" in dropped.message
    # 市民满意度 ≥88% over an actual of 80%, 诉求办结率 ≥97% equal to it: no finding.
    assert len(by_code["target_below_last_year"]) == 1
    # The same record without last year: none of these.
    assert not history_findings(decl, None)
    ours = {"target_below_last_year", "target_above_last_year", "indicator_dropped"}
    assert {f.code for f in check_declaration(decl, None)}.isdisjoint(ours)


def test_checks_compare_in_the_target_unit_and_respect_direction_corrections() -> None:
    prev = declaration(
        2022, OLD_UNIT, OLD_NAME, [Indicator("产出指标", "数量指标", "受理量", "≥3000000件")]
    )
    prev.evaluation = Evaluation(
        indicators=[EvalIndicator("产出指标", "数量指标", "受理量", "≥3000000件", actual="320万件")]
    )
    decl = declaration(
        2023, OLD_UNIT, OLD_NAME, [Indicator("产出指标", "数量指标", "受 理 量", "≥310万件")]
    )
    [f] = history_findings(decl, prev)
    assert f.code == "target_below_last_year" and "320万件" in f.message
    # The user says lower is better for this row: then ≥310万 under 320万 is not loose.
    decl.indicators[0].direction = "≤"
    assert history_findings(decl, prev) == []
    assert last_year_text(last_year_of(prev, "受理量")) == "2022年 目标 ≥3000000件，实际 320万件"
    assert last_year_of(prev, "别的指标") is None and last_year_text(None) == ""


def test_no_reminders_for_an_empty_list() -> None:
    prev = declaration(2022, OLD_UNIT, OLD_NAME, list(HOTLINE_2022))
    empty = declaration(2023, OLD_UNIT, OLD_NAME, [])
    assert history_findings(empty, prev) == []


# ---------------------------------------------------------------------------- catalogue


def test_catalogue_search_short_chinese_terms_and_order(store: Store) -> None:
    build(store)
    entries = load_catalogue(store)
    names = {e.name for e in entries}
    assert {"热线接通率", "图书借阅量", "推广活动场次", "热线受理量"} <= names
    national = order_for(entries, "national")
    # One and two characters; several terms all must match; categories and units of
    # measure (as written in the targets) count.
    assert {e.name for e in filter_entries(national, "率")} == {"热线接通率", "诉求办结率"}
    assert {e.name for e in filter_entries(national, "满意")} == {"市民满意度", "读者满意度"}
    assert {e.name for e in filter_entries(national, "万册")} == {"图书借阅量"}
    assert {e.name for e in filter_entries(national, "秒")} == {"平均接通时长"}
    # Not the units (申报单位) that used an indicator: that is the record list's search.
    assert filter_entries(national, "图书馆") == []
    assert {e.name for e in filter_entries(national, "产出 时效")} == {"平均接通时长"}
    assert [e.name for e in filter_entries(national, "ＸＹＺ 率")] == []
    assert len(filter_entries(national, "", limit=3)) == 3
    # The record's framework's categories first, in the form's order.
    cats = [e.category for e in national]
    assert cats.index("产出指标") < cats.index("效益指标") < cats.index("满意度指标")
    assert cats.index("满意度指标") < cats.index("产出目标")
    subs = [e.subcategory for e in national if e.category == "产出指标"]
    assert subs == sorted(subs, key=["数量指标", "质量指标", "时效指标", "成本指标"].index)
    sh = order_for(entries, "sh2019")
    assert sh[0].category == "产出目标" and sh[1].category == "效果目标"
    # Uses counted, latest first.
    [reading] = [e for e in entries if e.name == "图书借阅量"]
    assert (reading.uses, reading.last_year, reading.last_target) == (2, 2024, "≥55万册")


def test_proposed_for_prefers_the_projects_own_last_year(store: Store) -> None:
    ids = build(store)
    entries = {e.name: e for e in load_catalogue(store)}
    previous = store.get(ids.hotline_2022)
    assert proposed_for(entries["热线接通率"], previous) == "≥96%"
    assert proposed_for(entries["市民满意度"], previous) == "≥85%"
    # Another project: the latest use (2024, no evaluation yet) as it stands.
    assert proposed_for(entries["图书借阅量"], None) == "≥55万册"
    only_ref = CatalogueEntry("national", "产出指标", "质量指标", "验收合格率",
                              reference="≥95", measure_unit="%")  # fmt: skip
    assert proposed_for(only_ref, None) == "≥95%"


# ---------------------------------------------------------------------------- the library


def test_indicator_library_groups_every_use(store: Store) -> None:
    ids = build(store)
    items = indicator_library(store)
    by_name = {i.name: i for i in items}
    rate = by_name["热线接通率"]
    assert (rate.framework, rate.category, rate.subcategory) == ("national", "产出指标", "质量指标")
    assert [(u.year, u.unit, u.project, u.target, u.actual) for u in rate.uses] == [
        (2023, NEW_UNIT, NEW_NAME, "≥92%", None),
        (2022, OLD_UNIT, OLD_NAME, "≥90%", "96%"),
    ]
    assert rate.uses[1].score == Decimal(18) and rate.uses[1].record_id == ids.hotline_2022
    # Grouped by framework, then category in the form's order.
    frameworks = [i.framework for i in items]
    assert frameworks == sorted(frameworks, key=list(FRAMEWORKS).index)
    assert [i.name for i in indicator_library(store, "借阅")] == ["图书借阅量"]
    text = library_text(indicator_library(store, "接通率"))
    assert "【财政部通用指标体系（一级/二级/三级指标）】产出指标 / 质量指标" in text
    assert f"2022  {OLD_UNIT} / {OLD_NAME}  目标 ≥90%  实际 96%  得分 18" in text
    assert text.endswith("共 1 个指标")


def test_indicators_command(tmp_path: Path) -> None:
    db = tmp_path / "lib.sqlite"
    with Store(db) as s:
        build(s)
    out = run_cli("indicators", "--search", "满意", "--json", db=db)
    assert out.returncode == 0, out.stderr
    items = json.loads(out.stdout)
    assert [i["name"] for i in items] == ["市民满意度", "读者满意度"]
    assert items[0]["uses"][1] == {
        "record_id": 1, "year": 2022, "unit": OLD_UNIT, "project": OLD_NAME, "target": "≥85%",
        "actual": "80%", "score": items[0]["uses"][1]["score"],
    }  # fmt: skip
    assert items[0]["library"] == []
    out = run_cli("indicators", db=db)
    assert out.returncode == 0 and "共 9 个指标" in out.stdout
    assert "推广活动场次" in out.stdout and OTHER_UNIT in out.stdout
