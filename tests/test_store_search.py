"""Search and sort in the store: every path (records_search, LIKE) gives LIKE's rows, and
every sort of the window gives the same order whatever the filters (schema 6)."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

import perfdesk.store.search as search_module
from perfdesk.store.database import Store
from perfdesk.store.search import SearchPlanner

NAMES = (
    "水", "水务", "A", "ab", "热线", "12345市民服务热线外包服务", "Water水务Plant", "100%完成_率",
    "a\\b路径", "ÄÖ项目", "ＡＢ全角", "第19分中心项目", "Kelvin K", "温度\u212a", "x", "水务监测",
    "12345市民服务热线外包服务（000998）-99",
)  # fmt: skip
UNITS = ("甲单位", "乙单位", "中共上海市委第1分中心", "UNIT-b")
# Sortable columns of the window (perfdesk/ui/browser_model.py KEYS, without Qt here).
SORT_KEYS = (
    "id", "year", "unit", "name", "status", "revision", "evaluation_status", "total_score",
    "grade", "year_budget_fen",
)  # fmt: skip
COLS = ("id", *SORT_KEYS[1:])


def _ascii_fold(text: str) -> str:
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in text)


def _holds(row: dict, term: str) -> bool:
    """LIKE '%term%' on name or unit: any substring, ASCII letters in either case."""
    t = _ascii_fold(term)
    return t in _ascii_fold(row["name"]) or t in _ascii_fold(row["unit"])


@pytest.fixture
def filled(store, seed_decl):
    """A store of 2 × len(NAMES) projects across units, years and statuses; the rows as
    dicts of COLS."""
    for i, name in enumerate(NAMES * 2):
        d = copy.deepcopy(seed_decl)
        d.id = None
        d.name = name if i < len(NAMES) else f"{name}{i}"
        d.unit = UNITS[i % len(UNITS)]
        d.year = 2019 + i % 3
        d.status = "final" if i % 4 == 0 else "draft"
        d.year_budget = Decimal(1000 + (i * 37) % 11)
        store.save(d)
    rows = [dict(zip(COLS, r, strict=True)) for r in store.list(columns=COLS)]
    return store, rows


def _terms(rows: list[dict]) -> list[str]:
    texts = {r["name"] for r in rows} | {r["unit"] for r in rows}
    terms = {t[i : i + n] for t in texts for n in (1, 2, 3, 4) for i in range(len(t) - n + 1)}
    terms |= {t.upper() for t in terms} | {t.lower() for t in terms}
    # Nothing, LIKE's own wildcards, cased letters LIKE does not fold, a pasted whole name.
    terms |= {
        "zz",
        "不存在",
        "%",
        "_",
        "\\",
        "ä",
        "ａ",
        "k",
        "ＡＢ全",
        NAMES[-1],
        "水 务",
        "热线 乙",
    }
    return sorted(t for t in terms if t.strip() and "\x1f" not in t)


def _ids(store: Store, **kw) -> list[int]:
    return [r[0] for r in store.list(columns=("id",), order_by=(("id", False),), **kw)]


@pytest.mark.parametrize("common", [2000, 0], ids=["records_search", "like"])
def test_every_term_finds_what_like_finds(filled, monkeypatch, common):
    store, rows = filled
    monkeypatch.setattr(search_module, "COMMON_MATCHES", common)
    for term in _terms(rows):
        expected = [r["id"] for r in rows if all(_holds(r, t) for t in term.split())]
        expected.sort()
        assert _ids(store, search=term) == expected, term
        assert store.count(search=term) == len(expected), term
        year_expected = [
            i for i in expected if next(r for r in rows if r["id"] == i)["year"] == 2020
        ]
        assert _ids(store, search=term, year=2020) == year_expected, term


def test_short_and_pasted_terms_use_the_index(filled):
    store, rows = filled
    water = {r["id"] for r in rows if "水" in r["name"]}
    planner = SearchPlanner(store.conn)
    assert set(planner.rare_rows("水")) == water  # one character, from records_search_terms
    assert planner.rare_rows("ä") is None  # LIKE and the tokenizer fold it differently
    # A pasted name is looked up by one of its trigrams (its last), not as a whole phrase.
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        ids = planner.rare_rows(NAMES[-1])
    finally:
        store.conn.set_trace_callback(None)
    assert ids is not None and {r["id"] for r in rows if NAMES[-1] in r["name"]} <= set(ids)
    matched = [s for s in statements if "MATCH" in s]
    assert matched and all("MATCH '\"-99\"'" in s for s in matched)
    plan = " ".join(
        r[3]
        for r in store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM records WHERE " + planner.term_clause("水", 2000)[0],
            planner.term_clause("水", 2000)[1],
        )
    )
    assert "INTEGER PRIMARY KEY" in plan  # the listed rows are read by id


def test_a_term_of_common_trigrams_is_matched_as_a_phrase(store, seed_decl, monkeypatch):
    ids = {}
    for name in ("甲乙丙X", "X乙丙丁", "甲乙丙丁"):
        seed_decl.id = None
        seed_decl.name = name
        ids[name] = store.save(seed_decl).record.id
    monkeypatch.setattr(search_module, "COMMON_MATCHES", 1)  # each trigram is in two rows
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        assert SearchPlanner(store.conn).rare_rows("甲乙丙丁") == [ids["甲乙丙丁"]]
    finally:
        store.conn.set_trace_callback(None)
    assert any("MATCH '\"甲乙丙丁\"'" in s for s in statements)
    assert _ids(store, search="甲乙丙丁") == [ids["甲乙丙丁"]]
    assert _ids(store, search="乙丙") == sorted(ids.values())  # common: LIKE
    assert store.count(search="乙丙丁") == 2


def test_search_follows_renames_and_deletes(store, seed_decl):
    rec = store.save(seed_decl).record
    assert store.count(search="热线") == 1 and store.count(search="水") == 0
    rec.name = "供水"
    store.save(rec)
    assert _ids(store, search="水") == [rec.id]
    assert _ids(store, search="热线") == []
    assert _ids(store, search="供水") == [rec.id]
    store.delete(rec.id)
    assert _ids(store, search="水") == []
    (ok,) = store.conn.execute(
        "SELECT count(*) FROM records_search_terms WHERE term >= '水'"
    ).fetchone()
    assert ok == 0  # the deleted row's trigrams left the index


def _indexed(store: Store) -> set[tuple[int, str, str]]:
    return set(store.conn.execute("SELECT doc, col, term FROM records_search_terms"))


def _expected_index(store: Store) -> set[tuple[int, str, str]]:
    """Every trigram of each unit and name followed by two U+001F, case folded."""
    out = set()
    for rid, unit, name in store.conn.execute("SELECT id, unit, name FROM records"):
        for col, text in (("unit", unit), ("name", name)):
            padded = text.lower() + "\x1f\x1f"
            out |= {(rid, col, padded[i : i + 3]) for i in range(len(padded) - 2)}
    return out


def test_search_index_follows_every_write(filled):
    store, rows = filled
    assert _indexed(store) == _expected_index(store)
    first = store.get(rows[0]["id"])
    first.name = "改名后的项目"
    first.unit = "丙单位"
    store.save(first)
    store.delete(rows[1]["id"])
    assert _indexed(store) == _expected_index(store)
    store.conn.execute("INSERT INTO records_search (records_search) VALUES ('integrity-check')")


def _sorted(rows: list[dict], key: str, desc: bool) -> list[int]:
    """SQLite's order: NULL first ascending, text by code point, ties by unit, name, id."""
    cols = [key] if key in ("id", "name") else [key, "unit", "name"]

    def k(r: dict) -> tuple:
        return (*((r[c] is not None, r[c] or 0 if r[c] is None else r[c]) for c in cols), r["id"])

    return [r["id"] for r in sorted(rows, key=k, reverse=desc)]


def _walk_everything(monkeypatch) -> None:
    """As in a large table: no term and no filter value counts as in few rows."""
    monkeypatch.setattr(search_module, "COMMON_MATCHES", 0)
    monkeypatch.setattr(search_module, "WIDE_SHARE", 10**9)


@pytest.mark.parametrize("few", [True, False], ids=["few-rows", "walk"])
@pytest.mark.parametrize("key", SORT_KEYS)
def test_every_sort_under_every_filter(filled, key, few, monkeypatch):
    store, rows = filled
    if not few:
        _walk_everything(monkeypatch)
    order = (
        [(key, False)]
        if key in ("id", "name")
        else [(key, False), ("unit", False), ("name", False)]
    )
    filters = ({}, {"year": 2020}, {"status": "final"}, {"year": 2019, "status": "draft"},
               {"unit": UNITS[1]}, {"search": "水"}, {"search": "服务热线", "year": 2021})  # fmt: skip
    for f in filters:
        subset = [
            r
            for r in rows
            if all(r[k] == v for k, v in f.items() if k != "search")
            and all(_holds(r, t) for t in f.get("search", "").split())
        ]
        for desc in (False, True):
            got = [
                r[0]
                for r in store.list(columns=("id",), order_by=[(c, desc) for c, _ in order], **f)
            ]
            assert got == _sorted(subset, key, desc), (key, desc, f)
            page = store.list(
                columns=("id",), order_by=[(c, desc) for c, _ in order], limit=3, offset=2, **f
            )
            assert [r[0] for r in page] == got[2:5]


def _last_statement(store: Store, **kw) -> str:
    captured: list[str] = []
    store.conn.set_trace_callback(captured.append)
    try:
        store.list(order_by=[("year_budget_fen", True), ("unit", True), ("name", True)], **kw)
    finally:
        store.conn.set_trace_callback(None)
    return captured[-1]


def test_a_filtered_sort_walks_its_index(filled, monkeypatch):
    """A year or status filter in many rows with a sort by another column walks the sort's
    index and does not sort the year's rows (SQLite would, without statistics)."""
    store, _rows = filled
    _walk_everything(monkeypatch)
    sql = _last_statement(store, year=2020, status="draft", limit=5)
    assert "+year = 2020" in sql and "+status = 'draft'" in sql
    plan = " ".join(r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql))
    assert "records_by_year_budget_fen" in plan and "TEMP B-TREE" not in plan


def test_a_filter_value_in_few_rows_is_read_through_its_index(filled):
    store, _rows = filled  # ~10 定稿 among 34 rows: few for a table this small
    sql = _last_statement(store, status="final", year=2019, limit=5)
    assert "INDEXED BY records_by_status" in sql and "status = 'final'" in sql
    assert "+status" not in sql and "+year = 2019" in sql
    plan = " ".join(r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql))
    assert "records_by_status (status=?)" in plan


def test_a_common_term_without_letters_is_counted_in_the_index(filled, monkeypatch):
    store, rows = filled
    _walk_everything(monkeypatch)  # every term common
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        n = store.count(search="123")
        m = store.count(search="b路径")  # a letter: LIKE over the rows
    finally:
        store.conn.set_trace_callback(None)
    assert n == sum(1 for r in rows if _holds(r, "123")) > 0
    assert m == sum(1 for r in rows if _holds(r, "b路径")) > 0
    counted = [s for s in statements if s.startswith("SELECT count(*) FROM records")]
    assert counted[0].startswith("SELECT count(*) FROM records_search WHERE")
    assert "LIKE" in counted[-1]


def test_status_sort_and_counts_use_their_indexes(filled):
    store, rows = filled
    sql = ""
    captured: list[str] = []
    store.conn.set_trace_callback(captured.append)
    try:
        store.list(
            status="draft", order_by=[("status", False), ("unit", False), ("name", False)], limit=5
        )
        sql = captured[-1]
        assert store.count(status="draft") == sum(1 for r in rows if r["status"] == "draft")
    finally:
        store.conn.set_trace_callback(None)
    plan = " ".join(r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql))
    assert "records_by_status" in plan and "TEMP B-TREE" not in plan
    count_plan = " ".join(r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + captured[-1]))
    assert "records_count" in count_plan  # the thin index, not a 13 MB one


def test_a_common_short_term_is_counted_as_any_trigram_it_begins(filled, monkeypatch):
    store, rows = filled
    _walk_everything(monkeypatch)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        for term in ("水", "务监", "1", "（", "\\"):
            assert store.count(search=term) == sum(1 for r in rows if _holds(r, term)), term
    finally:
        store.conn.set_trace_callback(None)
    matched = [s for s in statements if s.startswith("SELECT count(*) FROM records_search")]
    assert any(" OR " in s for s in matched)  # 水: 水务…, 水\x1f…
    assert not any("LIKE" in s for s in statements if "'%水%'" in s)


def test_control_characters_in_a_search_are_spaces(filled):
    """A NUL or tab pasted into the search box: LIKE would stop at the NUL and MATCH would
    fail on it; the words around it are searched instead."""
    store, rows = filled
    for pasted, words in (("热\x00线", "热 线"), ("12345市民\t服务", "12345市民 服务"),
                          ("水\x00务监测", "水 务监测"), ("\x00", "")):  # fmt: skip
        assert _ids(store, search=pasted) == _ids(store, search=words), pasted
        assert store.count(search=pasted) == store.count(search=words), pasted
