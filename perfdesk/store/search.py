"""The records list's queries: filters, search words and sorts as plain SQL.

A search word finds the projects whose unit or name contains it, as SQL ``LIKE '%word%'``
does: any substring (one Chinese character is enough), ASCII letters in either case. Every
word must be found. The window reads its pages and counts on a reader thread, so one plain
query per page serves it: at 100,000 records a page of 201 rows took 52 ms and a count 49 ms
(medians over every sort × filter × search, bench/bench_store.py), and the trigram index and
the planner that used to choose between it and LIKE made no difference a reader sees
(migration 0009, which drops them, has the comparison).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# monitoring_status: the 运行监控表's state (NULL = not started, 'draft', 'final');
# monitoring_alert: 1 where it needs attention (execution lags 序时进度 or a target is 完全不可能).
LIST_COLUMNS = (
    "id", "year", "unit", "name", "status", "revision", "has_evaluation", "framework",
    "project_type", "fund_use", "total_budget_fen", "year_budget_fen", "indicator_count",
    "evaluation_status", "total_score", "grade", "monitoring_status", "monitoring_alert",
    "created_from", "updated_at",
)  # fmt: skip
SORTABLE = frozenset(LIST_COLUMNS)
# The records that are listed: not deleted (a deleted one keeps its row and revisions).
LIVE = "deleted_at IS NULL"

# Control characters (a NUL or tab pasted from another program) are no part of a name or
# unit (imports clean them), and SQLite's LIKE stops comparing at a NUL.
_CONTROLS = dict.fromkeys([*range(32), 127], " ")


def search_terms(search: str | None) -> list[str]:
    """The words of a search, control characters taken for spaces."""
    return (search or "").translate(_CONTROLS).split()


def _like_pattern(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def where(
    year: int | None, unit: str | None, status: str | None, search: str | None
) -> tuple[str, list[Any]]:
    """`` WHERE …`` and its parameters for the list's filters. Deleted projects are never
    listed, searched or counted (migration 0013)."""
    clauses: list[str] = [LIVE]
    params: list[Any] = []
    for column, value in (("year", year), ("unit", unit or None), ("status", status or None)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    for term in search_terms(search):
        clauses.append("(name LIKE ? ESCAPE '\\' OR unit LIKE ? ESCAPE '\\')")
        params += [_like_pattern(term)] * 2
    return " WHERE " + " AND ".join(clauses), params


def select(
    *,
    year: int | None,
    unit: str | None,
    status: str | None,
    search: str | None,
    order_by: Sequence[tuple[str, bool]],
    limit: int | None,
    offset: int,
    columns: Sequence[str],
) -> tuple[str, list[Any]]:
    """The SELECT of Store.list and its parameters; ties are broken by id."""
    cols = [c for c in columns if c in SORTABLE] or ["id"]
    keys = [(c, desc) for c, desc in order_by if c in SORTABLE]
    sql_where, params = where(year, unit, status, search)
    sql = f"SELECT {', '.join(cols)} FROM records{sql_where}"
    if keys:
        order = ", ".join(f"{c} {'DESC' if desc else 'ASC'}" for c, desc in keys)
        # The tie-breaker follows a sort that is all one way, so one index serves it whole.
        sql += f" ORDER BY {order}, id{' DESC' if all(d for _c, d in keys) else ''}"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    return sql, params


def count(
    *, year: int | None, unit: str | None, status: str | None, search: str | None
) -> tuple[str, list[Any]]:
    """The count(*) of the rows the same filters list."""
    sql_where, params = where(year, unit, status, search)
    return f"SELECT count(*) FROM records{sql_where}", params


def select_json(year: int | None) -> tuple[str, list[Any]]:
    """The SELECT of Store.list_json: one JSON array text made by SQLite."""
    sql_where, params = where(year, None, None, None)
    return (
        "SELECT json_group_array(json_object('id', id, 'year', year, 'unit', unit, "
        "'name', name, 'status', status, 'revision', revision, 'has_evaluation', "
        "json(CASE has_evaluation WHEN 0 THEN 'false' ELSE 'true' END))) FROM "
        "(SELECT id, year, unit, name, status, revision, has_evaluation "
        f"FROM records{sql_where} ORDER BY year DESC, unit, name, id)",
        params,
    )
