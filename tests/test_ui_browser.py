"""The paged browser model over the store, checked with qtmodeltester and a large table.

The model asks for pages (``page_wanted``) and takes them back (``show_page``); here the pages
are read on the spot from a real store, as the window's reader does on its thread."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import Qt  # noqa: E402

from perfdesk.models.serialize import declaration_from_dict, loads  # noqa: E402
from perfdesk.store.database import Store  # noqa: E402
from perfdesk.ui.browser_model import KEYS, PAGE_SIZE, BrowserModel, ListQuery  # noqa: E402

DATA = Path(__file__).parent / "data"
N = PAGE_SIZE * 2 + 37


@pytest.fixture(scope="module")
def big_db(tmp_path_factory) -> Path:
    seed = declaration_from_dict(loads((DATA / "seed.json").read_text(encoding="utf-8")))
    path = tmp_path_factory.mktemp("browser") / "big.sqlite"
    with Store(path) as store, store.transaction():
        for i in range(N):
            d = copy.deepcopy(seed)
            d.name = f"项目{i:04d}"
            d.unit = "甲单位" if i % 2 else "乙单位"
            d.year = 2019 + i % 3
            store.save(d)
    return path


def count(model: BrowserModel, store: Store) -> int:
    return model.query.count(store)


@pytest.fixture
def store(big_db):
    store = Store(big_db)
    yield store
    store.close()


@pytest.fixture
def model(store, qapp):
    model = BrowserModel()
    model.page_wanted.connect(lambda query, offset: model.show_page(query.page(store, offset)))
    return model


def test_model_passes_qtmodeltester(qtmodeltester, model) -> None:
    model.refresh()
    qtmodeltester.check(model, force_py=True)


def test_pages_are_fetched_on_demand(model, store) -> None:
    model.refresh()
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 2 * PAGE_SIZE
    model.fetchMore()
    assert model.rowCount() == N
    assert not model.canFetchMore()
    ids = [model.record_id(r) for r in range(N)]
    assert len(set(ids)) == N  # no row twice across pages
    assert count(model, store) == N


def test_filters_and_sort(model, store) -> None:
    model.set_query(ListQuery(year=2020, unit="甲单位"))
    expected = sum(1 for i in range(N) if i % 3 == 1 and i % 2 == 1)
    assert count(model, store) == expected
    name_col = KEYS.index("name")
    model.sort(name_col, Qt.SortOrder.DescendingOrder)
    while model.canFetchMore():
        model.fetchMore()
    names = [model.data(model.index(r, name_col)) for r in range(model.rowCount())]
    assert len(names) == expected and names == sorted(names, reverse=True)
    model.set_query(ListQuery(search="0007"))
    assert [model.data(model.index(r, name_col)) for r in range(model.rowCount())] == ["项目0007"]


def test_display_formats(model) -> None:
    model.refresh()
    budget = model.data(model.index(0, KEYS.index("year_budget_fen")))
    assert budget == "133,340,000.00"
    assert model.data(model.index(0, KEYS.index("status"))) == "草稿"
    assert model.headerData(3, Qt.Orientation.Horizontal) == "项目名称"


def test_answers_for_another_query_or_place_are_not_shown(store, qapp) -> None:
    """An answer that comes after the query changed (or for a page already replaced) is
    ignored: the list never shows the rows of an older search."""
    model = BrowserModel()
    old = ListQuery(search="0007")
    model.set_query(ListQuery(unit="甲单位"))
    assert not model.show_page(old.page(store, 0))
    assert model.rowCount() == 0
    assert model.show_page(model.query.page(store, 0))
    shown = model.rowCount()
    assert shown == PAGE_SIZE
    assert not model.show_page(model.query.page(store, 3 * PAGE_SIZE))  # not the next page
    assert model.rowCount() == shown
    # While a page is awaited the view is not offered another.
    model.set_query(ListQuery(year=2020))
    assert model.waiting and not model.canFetchMore()
