"""carry_forward: next year's draft from this year's record, on a real SQLite file."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from perfdesk.carry import carry_forward, next_year_declaration, shift_years
from perfdesk.models.errors import ConflictError, InputError, NotFoundError
from perfdesk.models.records import Declaration, Evaluation, Signoff
from perfdesk.store.database import Store


def _saved(store: Store, decl: Declaration) -> Declaration:
    return store.save(decl).record


def test_carry_seed_to_next_year(store: Store, db_path: Path, seed_decl: Declaration) -> None:
    seed_decl.evaluation = Evaluation(
        budget_adjusted=Decimal(133340000), spent=Decimal("130000000.5")
    )
    seed_decl.signoff = Signoff(
        head="张三", preparer="李四", phone="12345", date=dt.date(2019, 1, 5)
    )
    src = _saved(store, seed_decl)

    new = carry_forward(store, src.id, 2020)  # type: ignore[arg-type]

    assert new.id is not None and new.id != src.id
    assert (new.year, new.unit, new.name) == (2020, src.unit, src.name)
    assert new.status == "draft" and new.revision == 1 and new.evaluation is None
    assert new.framework == "sh2019"
    assert new.project_type == "经常性专项业务费" and new.fund_use == "政府购买服务"
    for key in (
        "overview",
        "basis",
        "necessity",
        "measures",
        "plan",
        "overall_goal",
        "annual_goal",
    ):
        assert getattr(new, key) == getattr(src, key)
    assert [(i.category, i.name, i.target) for i in new.indicators] == [
        (i.category, i.name, i.target) for i in src.indicators
    ]
    assert new.prev_year_budget == Decimal(133340000)  # this year's 当年预算
    assert new.prev_year_spent == Decimal("130000000.50")  # the evaluation's 执行数
    assert new.year_budget is None and new.total_budget is None and new.budget_items == []
    assert (new.start_date, new.end_date) == (dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    assert new.signoff == Signoff(head="张三", preparer="李四", phone="12345", date=None)

    # Really in the file, next to the untouched source record.
    store.close()
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT year, status FROM records ORDER BY year").fetchall()
    assert rows == [(2019, "draft"), (2020, "draft")]
    with Store(db_path) as again:
        back = again.get(new.id)
        assert back.prev_year_budget == Decimal(133340000)
        assert again.get(src.id).year == 2019  # type: ignore[arg-type]
        assert again.get(src.id).evaluation is not None  # type: ignore[arg-type]


def test_carry_without_evaluation_leaves_spent_empty(store: Store, seed_decl: Declaration) -> None:
    src = _saved(store, seed_decl)
    new = carry_forward(store, src.id, 2020)  # type: ignore[arg-type]
    assert new.prev_year_budget == Decimal(133340000)
    assert new.prev_year_spent is None


def test_carry_refuses_an_existing_record(store: Store, seed_decl: Declaration) -> None:
    src = _saved(store, seed_decl)
    first = carry_forward(store, src.id, 2020)  # type: ignore[arg-type]
    first.year_budget = Decimal(100)
    store.save(first)
    with pytest.raises(ConflictError) as err:
        carry_forward(store, src.id, 2020)  # type: ignore[arg-type]
    assert "已有名为" in err.value.message and f"编号 {first.id}" in err.value.message
    # Nothing was touched: the user's edit of the 2020 record stands, no third record.
    assert store.get(first.id).year_budget == Decimal(100)  # type: ignore[arg-type]
    assert store.count() == 2


@pytest.mark.parametrize("year", [2019, 2018])
def test_carry_refuses_same_or_earlier_year(
    store: Store, seed_decl: Declaration, year: int
) -> None:
    src = _saved(store, seed_decl)
    with pytest.raises(InputError):
        carry_forward(store, src.id, year)  # type: ignore[arg-type]
    assert store.count() == 1


def test_carry_unknown_record(store: Store) -> None:
    with pytest.raises(NotFoundError):
        carry_forward(store, 999, 2020)


def test_carry_two_years_ahead_leaves_previous_year_figures(seed_decl: Declaration) -> None:
    new = next_year_declaration(seed_decl, 2021)
    assert new.prev_year_budget is None and new.prev_year_spent is None
    assert (new.start_date, new.end_date) == (dt.date(2021, 1, 1), dt.date(2021, 12, 31))


def test_multi_year_project_keeps_its_dates(seed_decl: Declaration) -> None:
    seed_decl.start_date, seed_decl.end_date = dt.date(2018, 7, 1), dt.date(2021, 6, 30)
    new = next_year_declaration(seed_decl, 2020)
    assert (new.start_date, new.end_date) == (dt.date(2018, 7, 1), dt.date(2021, 6, 30))


def test_carry_does_not_share_objects(seed_decl: Declaration) -> None:
    new = next_year_declaration(seed_decl, 2020)
    new.indicators[0].target = "改了"
    assert seed_decl.indicators[0].target != "改了"


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (dt.date(2019, 1, 1), 1, dt.date(2020, 1, 1)),
        (dt.date(2020, 2, 29), 1, dt.date(2021, 2, 28)),
        (dt.date(2019, 12, 31), 2, dt.date(2021, 12, 31)),
    ],
)
def test_shift_years(day: dt.date, years: int, expected: dt.date) -> None:
    assert shift_years(day, years) == expected


def test_cli_carry(tmp_path: Path, seed_decl: Declaration, capsys: Any) -> None:
    from perfdesk.cli import main

    db = tmp_path / "cli.sqlite"
    with Store(db) as s:
        rid = s.save(seed_decl).record.id
    assert main(["--db", str(db), "carry", str(rid), "--to-year", "2020"]) == 0
    assert "2020" in capsys.readouterr().out
    assert main(["--db", str(db), "carry", str(rid), "--to-year", "2020"]) != 0
    assert "已有名为" in capsys.readouterr().err


def test_an_altered_record_is_not_carried(tmp_path: Path, seed_decl: Declaration, capsys: Any) -> None:
    """A 当年预算 edited in the database behind the program's back is not carried into next
    year's 上年预算 under a fresh fingerprint."""
    from perfdesk.cli import main

    db = tmp_path / "cli.sqlite"
    with Store(db) as s:
        rid = s.save(seed_decl).record.id
        s.conn.execute("UPDATE revisions SET doc = replace(doc, '133340000', '933340000')")
    assert main(["--db", str(db), "carry", str(rid), "--to-year", "2020"]) == 1
    err = capsys.readouterr().err
    assert "指纹不符" in err and "perfdesk check" in err and "Traceback" not in err
    with Store(db) as s:
        assert s.count() == 1
