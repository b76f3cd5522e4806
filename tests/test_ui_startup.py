"""The window as it opens: the first page of the list, its columns at laptop sizes, Chinese
glyphs, the evaluation pickers."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QTextLayout  # noqa: E402
from PySide6.QtWidgets import QComboBox, QStyleOptionViewItem, QWidget  # noqa: E402

from perfdesk.models.serialize import declaration_from_dict, loads  # noqa: E402
from perfdesk.store.database import Store  # noqa: E402

DATA = Path(__file__).parent / "data"


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


def test_fractional_scaling_is_not_rounded(qapp) -> None:
    """125 %/150 % scaling on office laptops is passed through, not rounded to 100 %/200 %
    (Qt 6's default, which app.py keeps)."""
    from PySide6.QtGui import QGuiApplication

    assert (
        QGuiApplication.highDpiScaleFactorRoundingPolicy()
        == Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )


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
        qtbot.waitUntil(lambda: w.reader.pending == 0 and w.writer.pending == 0)
        made.append(w)
        return w

    yield make
    for w in made:
        w.shutdown()


def test_window_shows_the_first_page_newest_year_first(window_at, qtbot) -> None:
    from perfdesk.ui.browser_model import KEYS

    w = window_at(1366, 768)
    model, header = w.browser.model, w.browser.view.horizontalHeader()
    assert model.rowCount() == 3
    assert [model.data(model.index(r, KEYS.index("year"))) for r in range(3)] == [
        "2020", "2019", "2019",
    ]  # fmt: skip
    assert model.data(model.index(0, KEYS.index("name"))).startswith("12345市民服务热线外包服务")
    assert header.sortIndicatorSection() == KEYS.index("year")
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert w.browser.view.isSortingEnabled()
    assert [w.browser.year.itemText(i) for i in range(w.browser.year.count())] == [
        "全部", "2020年", "2019年",
    ]  # fmt: skip
    qtbot.waitUntil(lambda: w.browser.count_label.text() == "共 3 个项目")  # counted after
    assert w.acts["act_save"].shortcut().toString() == "Ctrl+S"
    assert w.stack.currentWidget() is w.placeholder  # nothing opened yet


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


def test_score_column_shows_the_grade_and_money_reads_as_the_forms(qapp, tmp_path) -> None:
    from perfdesk.models.money import format_money
    from perfdesk.resources import resource_path
    from perfdesk.ui.browser_model import KEYS, BrowserModel, ListQuery

    demo = declaration_from_dict(
        loads(resource_path("demo", "seed.json").read_text(encoding="utf-8"))
    )
    with Store(tmp_path / "db.sqlite") as store:
        store.save(copy.deepcopy(demo))
        model = BrowserModel()
        assert model.show_page(ListQuery().page(store, 0))
    score = model.data(model.index(0, KEYS.index("total_score")))
    assert score.endswith(" 优") and float(score.split()[0]) >= 90
    budget = model.data(model.index(0, KEYS.index("year_budget_fen")))
    assert budget == format_money(demo.year_budget)


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
    # The categories are edited in the pane under the table, with the same choices.
    detail = editor.detail
    assert not detail.fields["subcategory"].isHidden()
    table.focus_cell(1, "name")
    box = detail.fields["subcategory"]
    assert [box.itemText(i) for i in range(box.count())] == ["服务对象满意度指标"]

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
    assert detail.fields["subcategory"].isHidden()


def test_the_window_opens_without_the_excel_and_pdf_libraries(tmp_path: Path) -> None:
    """openpyxl (with the numpy it loads) and reportlab are ~200 ms of a start that shows only
    the list: the commands that write workbooks and PDFs import them when they run."""
    import os
    import subprocess
    import sys

    db = make_db(tmp_path / "db.sqlite")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from perfdesk.ui.app import ensure_app\n"
        "from perfdesk.ui.main_window import MainWindow\n"
        "from perfdesk.ui.settings import Settings\n"
        "app = ensure_app()\n"
        f"w = MainWindow(Path({str(db)!r}), Settings.in_file(Path({str(tmp_path / 's.ini')!r})))\n"
        "w.show(); app.processEvents()\n"
        "print(sorted(m for m in ('openpyxl', 'reportlab', 'python_calamine') if m in sys.modules))\n"
        "w.shutdown()\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=root,
        timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
