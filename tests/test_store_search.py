"""Search and sort in the store, as behaviour: what a search finds (1–2 character Chinese
words, ASCII in either case, digits, LIKE's own wildcards, pasted control characters), how
the list sorts and pages under every filter, and what it counts."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from perfdesk.store.database import Store

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


def test_every_term_finds_what_like_finds(filled):
    """Every substring of every name and unit (1–4 characters, either case), and words
    that find nothing, give the rows that hold them — listed, counted and within a year."""
    store, rows = filled
    for term in _terms(rows):
        expected = [r["id"] for r in rows if all(_holds(r, t) for t in term.split())]
        expected.sort()
        assert _ids(store, search=term) == expected, term
        assert store.count(search=term) == len(expected), term
        year_expected = [
            i for i in expected if next(r for r in rows if r["id"] == i)["year"] == 2020
        ]
        assert _ids(store, search=term, year=2020) == year_expected, term
        assert store.count(search=term, year=2020) == len(year_expected), term


def _names(store: Store, search: str) -> set[str]:
    return {r[0] for r in store.list(columns=("name",), search=search)}


def test_what_a_search_finds(filled):
    store, _rows = filled
    # One or two Chinese characters anywhere in the name or the unit.
    assert "水" in _names(store, "水") and "水务监测" in _names(store, "水")
    assert "ÄÖ项目" not in _names(store, "水")
    assert _names(store, "务监") == {"水务监测", "水务监测32"}
    assert store.count(search="甲单") == store.count(unit="甲单位")
    # ASCII letters in either case; other letters only as typed (LIKE's rule).
    assert _names(store, "water") == _names(store, "WATER") == {
        "Water水务Plant", "Water水务Plant23"
    }
    assert _names(store, "ä") == set() and "ÄÖ项目" in _names(store, "Ä")
    assert "ＡＢ全角" in _names(store, "ＡＢ") and _names(store, "ab") >= {"ab", "ab20"}
    assert "ＡＢ全角" not in _names(store, "ab")
    # Digits, LIKE's own wildcards and the escape character are plain characters.
    assert _names(store, "12345") == {
        "12345市民服务热线外包服务", "12345市民服务热线外包服务22",
        "12345市民服务热线外包服务（000998）-99", "12345市民服务热线外包服务（000998）-9933",
    }  # fmt: skip
    assert _names(store, "%") == {"100%完成_率", "100%完成_率24"}
    assert _names(store, "_率") == {"100%完成_率", "100%完成_率24"}
    assert _names(store, "a\\b") == {"a\\b路径", "a\\b路径25"}
    # Every word must be found, in any order.
    assert _names(store, "服务 12345 热线") == _names(store, "12345")
    assert _names(store, "水 不存在") == set()


def test_search_follows_renames_and_deletes(store, seed_decl):
    rec = store.save(seed_decl).record
    assert store.count(search="热线") == 1 and store.count(search="水") == 0
    rec.name = "供水"
    store.save(rec)
    assert _ids(store, search="水") == [rec.id]
    assert _ids(store, search="热线") == []
    assert _ids(store, search="供水") == [rec.id]
    store.delete(rec.id)
    assert _ids(store, search="水") == [] and store.count(search="供水") == 0


def _sorted(rows: list[dict], key: str, desc: bool) -> list[int]:
    """SQLite's order: NULL first ascending, text by code point, ties by unit, name, id."""
    cols = [key] if key in ("id", "name") else [key, "unit", "name"]

    def k(r: dict) -> tuple:
        return (*((r[c] is not None, r[c] or 0 if r[c] is None else r[c]) for c in cols), r["id"])

    return [r["id"] for r in sorted(rows, key=k, reverse=desc)]


@pytest.mark.parametrize("key", SORT_KEYS)
def test_every_sort_under_every_filter(filled, key):
    store, rows = filled
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


def test_counts_under_every_filter(filled):
    store, rows = filled
    for f in ({}, {"year": 2020}, {"status": "final"}, {"status": "draft", "year": 2019},
              {"unit": UNITS[2]}, {"search": "1"}, {"search": "热线", "status": "draft"}):  # fmt: skip
        expected = [
            r for r in rows
            if all(r[k] == v for k, v in f.items() if k != "search")
            and all(_holds(r, t) for t in f.get("search", "").split())
        ]  # fmt: skip
        assert store.count(**f) == len(expected), f
        assert len(store.list(columns=("id",), **f)) == len(expected), f


def test_control_characters_in_a_search_are_spaces(filled):
    """A NUL or tab pasted into the search box: LIKE would stop at the NUL and MATCH would
    fail on it; the words around it are searched instead."""
    store, rows = filled
    for pasted, words in (("热\x00线", "热 线"), ("12345市民\t服务", "12345市民 服务"),
                          ("水\x00务监测", "水 务监测"), ("\x00", "")):  # fmt: skip
        assert _ids(store, search=pasted) == _ids(store, search=words), pasted
        assert store.count(search=pasted) == store.count(search=words), pasted
