"""The window's two-step start, the list's columns at laptop sizes, the evaluation pickers.

The start-up checks run the window in a child process, so what is imported before the first
paint is not hidden by modules other tests have already loaded.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("PySide6")
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QTextLayout  # noqa: E402
from PySide6.QtWidgets import QComboBox, QStyleOptionViewItem, QWidget  # noqa: E402

from perfdesk.models.serialize import declaration_from_dict, loads  # noqa: E402
from perfdesk.store.database import Store  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"

# Nothing of this is on screen before a record is opened.
HEAVY = (
    "perfdesk.ui.declaration_editor",
    "perfdesk.ui.evaluation_editor",
    "perfdesk.ui.check_panel",
    "perfdesk.ui.row_table",
    "perfdesk.ui.operations",
    "perfdesk.ui.dialogs",
    "perfdesk.models.targets",
    "perfdesk.models.scoring",
    "perfdesk.models.checks",
    "openpyxl",
    "reportlab",
    "PySide6.QtPdf",
    "sqlite_utils",
    # The list is read with Store.list/count/years/units alone: no record classes, no
    # JSON form, no dataclasses until a record is opened.
    "dataclasses",
    "perfdesk.models.records",
    "perfdesk.models.serialize",
    # Money in the list is formatted in integers (browser_model.yuan_text).
    "decimal",
)

CHILD = """
import gc, json, sys
from pathlib import Path
import PySide6.QtCore as QtCore
import PySide6.QtGui as QtGui
from PySide6.QtCore import QTimer
from perfdesk.ui.app import ensure_app, prepare_start
prepare_start()
from perfdesk.ui.main_window import MainWindow
from perfdesk.ui.settings import Settings
app = ensure_app()
w = MainWindow(Path(sys.argv[1]), Settings.in_file(Path(sys.argv[2])), demo=True)
seen = {}

def look(when):
    header = w.browser.view.horizontalHeader()
    seen[when] = {
        "modules": sorted(m for m in sys.modules if m.startswith(("perfdesk", "openpyxl",
                          "reportlab", "PySide6", "sqlite_utils", "dataclasses", "decimal"))),
        # PySide builds the Qt namespace's ~90 enums when QtCore.Qt is first touched.
        "qt_namespace": "Qt" in vars(QtCore),
        # Classes PySide builds on first use, which the first paint needs none of.
        "qt_classes": sorted(c for c in ("QIcon", "QKeySequence", "QFont") if c in vars(QtGui)),
        "editors": w.editors_built,
        "worker": w._worker is not None,
        "rows": w.browser.model.rowCount(),
        "first_name": w.browser.model.data(w.browser.model.index(0, 3)),
        "title": header.model().headerData(3, header.orientation()) if when == "ready" else None,
        "indicator": [header.sortIndicatorSection(), header.isSortIndicatorShown()],
        "sorting": w.browser.view.isSortingEnabled(),
        "years": [w.browser.year.itemText(i) for i in range(w.browser.year.count())],
        # Read once painted: asking would build the QKeySequence class.
        "save_keys": w.act_save.shortcut().toString() if when == "ready" else None,
        "translators": app.property("perfdesk_translators"),
        "gc": gc.isenabled(),
    }

look("built")
w.browser.view.first_painted.connect(lambda: look("painted"))

def ready():
    look("ready")
    app.quit()

w.editors_ready.connect(lambda: QTimer.singleShot(0, ready))
w.show()
app.exec()
w.shutdown()
seen["closed"] = {"gc": gc.isenabled()}
print(json.dumps(seen, ensure_ascii=False))
"""


def seed_decl():
    return declaration_from_dict(loads((DATA / "seed.json").read_text(encoding="utf-8")))


def make_db(path: Path, n: int = 3) -> Path:
    with Store(path) as store:
        for i in range(n):
            d = seed_decl()
            d.name = f"{d.name}（{i}）"
            d.unit = f"{d.unit}第{i}分中心"
            d.year = 2019 + i % 2
            store.save(d)
    return path


def test_window_paints_the_list_before_building_the_editors(tmp_path) -> None:
    db = make_db(tmp_path / "db.sqlite")
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(db), str(tmp_path / "s.ini")],
        capture_output=True, text=True, env=env, cwd=str(ROOT), timeout=120, check=True,
    )  # fmt: skip
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    for when in ("built", "painted"):
        loaded = [m for m in HEAVY if m in seen[when]["modules"]]
        assert loaded == [], f"imported before the first paint ({when}): {loaded}"
        assert not seen[when]["editors"] and not seen[when]["worker"]
        # The real list is there from the start, first page read, sorted by year as the
        # header's indicator shows.
        assert seen[when]["rows"] == 3
        assert seen[when]["first_name"].startswith("12345市民服务热线外包服务")
        assert seen[when]["indicator"] == [1, True]
        # Not yet: Qt's enum namespace, clicking to sort, the years read, the shortcuts.
        assert not seen[when]["qt_namespace"], f"QtCore.Qt built before the first paint ({when})"
        assert seen[when]["qt_classes"] == []
        assert seen[when]["translators"] is None
        assert not seen[when]["gc"]  # automatic collection paused from the start
        assert not seen[when]["sorting"]
        assert seen[when]["years"] == ["全部"]
    ready = seen["ready"]
    assert ready["editors"] and ready["worker"]
    assert "perfdesk.ui.declaration_editor" in ready["modules"]
    assert ready["sorting"] and ready["indicator"] == [1, True]
    assert ready["years"] == ["全部", "2020年", "2019年"]
    assert ready["save_keys"] == "Ctrl+S"
    assert ready["translators"] >= 1  # Qt's dialogs in Chinese (qtbase_zh_CN ships with PySide6)
    assert seen["closed"]["gc"]  # the window's collector gave automatic collection back
    assert ready["title"] == "项目名称"


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_list_money_reads_as_format_money(fen: int) -> None:
    from perfdesk.models.money import format_money, from_fen
    from perfdesk.ui.browser_model import yuan_text

    assert yuan_text(fen) == format_money(from_fen(fen))


def test_fractional_scaling_is_not_rounded(qapp) -> None:
    """app.py leaves Qt 6's default (no rounding of 125 %/150 % scaling) instead of setting
    it, which would build the Qt namespace enums before the first paint."""
    from PySide6.QtGui import QGuiApplication

    assert (
        QGuiApplication.highDpiScaleFactorRoundingPolicy()
        == Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )


def test_sorting_switched_on_after_the_first_paint_reads_nothing_again(qapp, tmp_path) -> None:
    """The list is read once at start: the sort the indicator shows is the model's own."""
    from perfdesk.ui.browser import Browser

    db = make_db(tmp_path / "db.sqlite", 3)
    with Store(db) as store:
        browser = Browser(store)
        sqls: list[str] = []
        store.conn.set_trace_callback(sqls.append)
        browser.finish()
        store.conn.set_trace_callback(None)
        assert browser.view.isSortingEnabled()
        assert browser.view.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        assert not any("LIMIT" in sql for sql in sqls), sqls  # no page read again
        browser.view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        assert browser.model.data(browser.model.index(0, 1)) == "2019"
        browser.stop()


def test_opening_a_record_before_the_deferred_build_builds_the_editors(qapp, tmp_path) -> None:
    from perfdesk.ui.main_window import MainWindow
    from perfdesk.ui.settings import Settings

    db = make_db(tmp_path / "db.sqlite", 1)
    w = MainWindow(db, Settings.in_file(tmp_path / "s.ini"))  # never shown: no paint
    try:
        assert not w.editors_built
        assert w.browser.select(w.browser.model.record_id(0))
        assert w.editors_built and w.session is not None
        assert w.declaration_editor.fields["name"].text() == "12345市民服务热线外包服务（0）"
        assert w.stack.currentWidget() is w.ensure_editors()
        assert w.act_save.isEnabled()
    finally:
        w.shutdown()


def test_list_shows_chinese_with_real_glyphs(qapp, tmp_path) -> None:
    """Whatever font the first paint uses (system or bundled), 项目 is drawn with glyphs of
    a font that has them, not as empty boxes."""
    from perfdesk.ui.app import ensure_chinese_font

    ensure_chinese_font(qapp)
    layout = QTextLayout("申报单位项目名称", qapp.font())
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    runs = layout.glyphRuns()
    assert runs
    for run in runs:
        assert all(g != 0 for g in run.glyphIndexes()), run.rawFont().familyName()


# ---------------------------------------------------------------------------- columns


@pytest.fixture
def window_at(qtbot, tmp_path):
    from perfdesk.ui.main_window import MainWindow
    from perfdesk.ui.settings import Settings

    db = make_db(tmp_path / "db.sqlite", 3)
    made = []

    def make(width: int, height: int, settings: Path | None = None):
        w = MainWindow(db, Settings.in_file(settings or tmp_path / f"s{width}.ini"))
        qtbot.addWidget(w)
        # A first start on a screen of this size: the window's default size for it.
        from perfdesk.ui.main_window import default_size, default_split

        w.resize(*default_size((width, height - 40)))  # minus a task bar
        w.splitter.setSizes(list(default_split(w.width())))
        w.show()
        qtbot.waitExposed(w)
        qtbot.waitUntil(lambda: w.editors_built)
        made.append(w)
        return w

    yield make
    for w in made:
        w.shutdown()


@pytest.mark.parametrize("screen", [(1366, 768), (1600, 1000)])
def test_key_columns_fit_without_horizontal_scrolling(window_at, qtbot, screen) -> None:
    from perfdesk.ui.browser import NAME_MIN, UNIT_MIN
    from perfdesk.ui.browser_model import KEYS

    w = window_at(*screen)
    assert w.width() <= screen[0] and w.height() <= screen[1]
    view = w.browser.view
    shown = [k for i, k in enumerate(KEYS) if not view.isColumnHidden(i)]
    for key in ("year", "unit", "name", "status", "evaluation_status", "total_score",
                "year_budget_fen"):  # fmt: skip
        assert key in shown
    qtbot.waitUntil(lambda: view.horizontalScrollBar().maximum() == 0)
    total = sum(view.columnWidth(i) for i, k in enumerate(KEYS) if k in shown)
    assert total <= view.viewport().width()
    assert view.columnWidth(KEYS.index("name")) >= NAME_MIN
    assert view.columnWidth(KEYS.index("unit")) >= UNIT_MIN
    # Short columns are wide enough for their header and their widest value.
    fm = view.fontMetrics()
    assert view.columnWidth(KEYS.index("year_budget_fen")) > fm.horizontalAdvance("999,999,999.00")
    header = view.horizontalHeader()
    title = w.browser.model.headerData(KEYS.index("evaluation_status"), Qt.Orientation.Horizontal)
    assert header.sectionSize(
        KEYS.index("evaluation_status")
    ) > header.fontMetrics().horizontalAdvance(title)


def test_hidden_columns_are_chosen_in_the_header_menu_and_remembered(
    window_at, qtbot, tmp_path
) -> None:
    from perfdesk.ui.browser_model import KEYS

    settings = tmp_path / "columns.ini"
    w = window_at(1600, 1000, settings)
    view = w.browser.view
    assert view.isColumnHidden(KEYS.index("id")) and view.isColumnHidden(KEYS.index("revision"))
    # The score column carries the grade, so 等级 is hidden by default.
    model = w.browser.model
    assert model.data(model.index(0, KEYS.index("total_score"))) == "—"  # no evaluation
    w.browser._show_column(KEYS.index("revision"), True)
    w.browser._show_column(KEYS.index("year_budget_fen"), False)
    qtbot.waitUntil(lambda: view.horizontalScrollBar().maximum() == 0)
    w.close()
    again = window_at(1600, 1000, settings)
    view = again.browser.view
    assert not view.isColumnHidden(KEYS.index("revision"))
    assert view.isColumnHidden(KEYS.index("year_budget_fen"))
    assert view.isColumnHidden(KEYS.index("id"))


def test_score_column_shows_the_grade(qapp, tmp_path) -> None:
    from perfdesk.resources import resource_path
    from perfdesk.ui.browser_model import KEYS, BrowserModel

    demo = declaration_from_dict(
        loads(resource_path("demo", "seed.json").read_text(encoding="utf-8"))
    )
    with Store(tmp_path / "db.sqlite") as store:
        store.save(copy.deepcopy(demo))
        model = BrowserModel(store)
        model.refresh()
        score = model.data(model.index(0, KEYS.index("total_score")))
        assert score.endswith(" 优") and float(score.split()[0]) >= 90


# ---------------------------------------------------------------------------- pickers


def _combo_items(table, row: int, key: str) -> list[str]:
    col = table.col_index(key)
    delegate = table.table.itemDelegateForColumn(col)
    parent = QWidget()
    editor = delegate.createEditor(
        parent, QStyleOptionViewItem(), table.table.model().index(row, col)
    )
    assert isinstance(editor, QComboBox)
    items = [editor.itemText(i) for i in range(editor.count())]
    parent.deleteLater()
    return items


def test_evaluation_indicator_categories_are_picked_from_the_framework(qtbot) -> None:
    from perfdesk.models.frameworks import FRAMEWORKS, NATIONAL, SH2019
    from perfdesk.models.records import EvalIndicator, Evaluation
    from perfdesk.ui.evaluation_editor import EvaluationEditor

    editor = EvaluationEditor()
    qtbot.addWidget(editor)
    decl = seed_decl()
    decl.framework = NATIONAL
    decl.evaluation = Evaluation(
        indicators=[
            EvalIndicator("产出指标", "数量指标", "受理量", "≥100万件"),
            EvalIndicator("满意度指标", None, "满意度", "≥90%"),
            EvalIndicator("自定义类别", None, "其他", "完成"),
        ]
    )
    editor.show_record(decl)
    table = editor.indicators
    assert _combo_items(table, 0, "category") == list(FRAMEWORKS[NATIONAL].categories)
    assert _combo_items(table, 0, "subcategory") == ["数量指标", "质量指标", "时效指标", "成本指标"]
    assert _combo_items(table, 1, "subcategory") == ["服务对象满意度指标"]
    assert _combo_items(table, 2, "subcategory") == []  # not a framework category: typed
    assert not table.table.isColumnHidden(table.col_index("subcategory"))

    # Picking a value writes the cell and emits the edit like typing does.
    edits: list[str] = []
    editor.edited.connect(edits.append)
    col = table.col_index("category")
    delegate = table.table.itemDelegateForColumn(col)
    index = table.table.model().index(2, col)
    box = delegate.createEditor(table.table.viewport(), QStyleOptionViewItem(), index)
    box.setCurrentIndex(box.findText("效益指标"))
    delegate.setModelData(box, table.table.model(), index)
    assert table.row_values(2)["category"] == "效益指标"
    assert edits == ["evaluation.indicators[2].category"]
    box.deleteLater()

    decl.framework = SH2019
    decl.evaluation.indicators[0].category = "产出目标"
    editor.show_record(decl)
    assert _combo_items(table, 0, "category") == list(FRAMEWORKS[SH2019].categories)
    assert table.table.isColumnHidden(table.col_index("subcategory"))
