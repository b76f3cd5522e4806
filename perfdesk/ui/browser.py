"""The project browser: year, unit and status filters, search as you type, paged table.

The columns fit the list's width: the short ones are sized to their header and contents,
the unit takes a share of the rest and the project name stretches, so the list needs no
horizontal scrolling. Columns can be hidden or shown from the header's context menu.

Nothing here touches ``QtCore.Qt`` before the list's first paint: PySide builds all the
enums of Qt's namespace on first use (~40 ms). The header shows its titles from a plain
``QStandardItemModel`` (a Python ``headerData`` would be handed a ``Qt.Orientation``), and
sorting by header click is switched on just after the first paint (``finish``), because
Qt hands the model's ``sort`` a ``Qt.SortOrder``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelection, QModelIndex, QPoint, QTimer, Signal
from PySide6.QtGui import QPaintEvent, QResizeEvent, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from perfdesk.models.status import STATUS_LABELS
from perfdesk.ui.browser_model import COLUMNS, HIDDEN_BY_DEFAULT, KEYS, BrowserModel

ALL = "全部"
SEARCH_DELAY_MS = 150
# The widest text each short column shows (besides its header), for sizing it.
SAMPLES = {
    "id": "100000",
    "year": "2024",
    "status": "草稿",
    "revision": "12",
    "evaluation_status": "草稿",
    "total_score": "100.00 优",
    "grade": "优",
    "year_budget_fen": "999,999,999.00",
}
UNIT_SHARE = 0.4  # of the width left after the short columns
UNIT_MIN, UNIT_MAX = 90, 260
NAME_MIN = 120
YEAR = KEYS.index("year")


class LazyCombo(QComboBox):
    """A combo box whose items are read only when its list is opened (or asked for), so
    the window need not scan 100,000 records for their units before it is shown."""

    def __init__(self, load: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._load = load
        self.stale = True

    def ensure_loaded(self) -> None:
        if self.stale:
            self.stale = False
            self._load()

    def showPopup(self) -> None:  # noqa: N802 - Qt's name
        self.ensure_loaded()
        super().showPopup()


class BrowserView(QTableView):
    """The table, telling once when it has first painted its rows (the window builds the
    rest of itself then). Asking the view for its viewport from Python instead would make
    PySide resolve the widget's class and load every QtWidgets class at start (~20 ms)."""

    first_painted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._painted = False

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_painted.emit()


class Browser(QWidget):
    """Emits ``record_selected(id)`` when the user picks a row. Filtering never changes the
    record in the editor: the current one is selected again quietly when still listed."""

    record_selected = Signal(int)
    columns_changed = Signal()  # shown/hidden from the header menu

    def __init__(self, store: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.model = BrowserModel(store, self)
        self.finished = False  # see finish()

        # Years and units are read after the first paint (reading the distinct years of
        # 100,000 records takes ~20 ms); until then each list holds 全部 and the choice.
        self.year = LazyCombo(self._load_years)
        self.year.setAccessibleName("年度")
        self.year.addItem("2024年")  # sized for a year now (reload_filters clears it)
        self.year.setMinimumWidth(self.year.sizeHint().width())
        self.unit = LazyCombo(self._load_units)
        self.unit.setAccessibleName("申报单位")
        self.unit.setMinimumContentsLength(10)
        self.unit.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.status = QComboBox()
        self.status.addItem(ALL, None)
        for key, label in STATUS_LABELS.items():
            self.status.addItem(label, key)
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索项目名称或单位（Ctrl+F）")
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel()

        self.view = BrowserView()
        header = self.view.horizontalHeader()
        # The titles come from Qt's own model, so the header never calls Python for them.
        # The view gives its headers its own model first: hidden, they do not measure it.
        self.view.verticalHeader().setVisible(False)
        header.setVisible(False)
        self.view.setModel(self.model)
        self.header_model = QStandardItemModel(0, len(COLUMNS) - YEAR, self)
        header.setModel(self.header_model)
        # The sort indicator on 年度, newest first, without naming a Qt.SortOrder: the
        # header's indicator starts on section 0, descending, and moves along when
        # sections are inserted before it.
        self.header_model.insertColumns(0, YEAR)
        self.header_model.setHorizontalHeaderLabels([title for _key, title in COLUMNS])
        header.setSortIndicatorShown(True)
        header.setVisible(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        # A fixed row height lets the view skip measuring 100,000 rows.
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        # A selected row would otherwise draw every title bold.
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(24)
        self._fixed_widths = self._short_column_widths()
        for key, width in self._fixed_widths.items():
            header.setSectionResizeMode(KEYS.index(key), QHeaderView.ResizeMode.Fixed)
            header.resizeSection(KEYS.index(key), width)
        header.setSectionResizeMode(KEYS.index("unit"), QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(KEYS.index("name"), QHeaderView.ResizeMode.Stretch)
        self.unit_sized_by_user = False
        self._fitting = False
        header.sectionResized.connect(self._section_resized)
        self.set_hidden_columns(HIDDEN_BY_DEFAULT)

        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        for label, widget in (("年度", self.year), ("单位", self.unit), ("状态", self.status)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count_label)

        # Typing is debounced: a fast typist's "热线外包" runs one query, not four, and the
        # box never waits for the database between keys.
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_search_now)
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(200)
        self._count_timer.timeout.connect(self._update_count)

        self.model.refresh()  # the first page, in the order the sort indicator will show
        self.reload_filters()
        self._count_timer.start()  # the total is not needed before the window is shown
        self.year.currentIndexChanged.connect(self._year_changed)
        self.unit.currentIndexChanged.connect(lambda _i: self._apply(unit=self.unit.currentData()))
        self.status.currentIndexChanged.connect(
            lambda _i: self._apply(status=self.status.currentData())
        )
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.current_id: int | None = None
        self._quiet = False
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        # Queued: runs after the paint pass that shows the first page.
        self.view.first_painted.connect(lambda: QTimer.singleShot(0, self, self.finish))

    def finish(self) -> None:
        """The year list, sorting by header click and the header's column menu, set up just
        after the first paint (or on first need; idempotent). The model already reads in the
        order the indicator shows (year, newest first), so switching sorting on queries
        nothing."""
        if self.finished:
            return
        self.finished = True
        self.year.ensure_loaded()
        from PySide6.QtCore import Qt

        header = self.view.horizontalHeader()
        self.view.setSortingEnabled(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)

    # ------------------------------------------------------------ columns

    def _short_column_widths(self) -> dict[str, int]:
        """Header text (with room for the sort arrow) or the widest sample, whichever is
        wider, in this font: right for 100 % and 150 % scaling alike."""
        fm = self.view.fontMetrics()
        header_fm = self.view.horizontalHeader().fontMetrics()
        arrow = header_fm.height() + 8
        widths = {}
        for key, title in COLUMNS:
            if key in SAMPLES:
                widths[key] = max(
                    header_fm.horizontalAdvance(title) + arrow,
                    fm.horizontalAdvance(SAMPLES[key]) + 12,
                )
        return widths

    def hidden_columns(self) -> list[str]:
        return [k for i, k in enumerate(KEYS) if self.view.isColumnHidden(i)]

    def set_hidden_columns(self, keys: Any) -> None:
        """Hide the columns named in ``keys`` (the unit and name always stay)."""
        hidden = {str(k) for k in keys or ()} - {"unit", "name"}
        for i, key in enumerate(KEYS):
            self.view.setColumnHidden(i, key in hidden)
        self.fit_columns()

    def _header_menu(self, pos: QPoint) -> None:
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self)
        for i, (key, title) in enumerate(COLUMNS):
            if key in ("unit", "name"):
                continue
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not self.view.isColumnHidden(i))
            action.toggled.connect(lambda on, i=i: self._show_column(i, on))
        menu.popup(self.view.horizontalHeader().mapToGlobal(pos))

    def _show_column(self, index: int, on: bool) -> None:
        self.view.setColumnHidden(index, not on)
        self.fit_columns()
        self.columns_changed.emit()

    def _section_resized(self, index: int, _old: int, _new: int) -> None:
        if not self._fitting and index == KEYS.index("unit"):
            self.unit_sized_by_user = True  # a width the user dragged is kept

    def fit_columns(self) -> None:
        """Share the width left after the short columns between unit and name."""
        if self.unit_sized_by_user:
            return
        # Room for the vertical scroll bar is always kept (a long list has one). The view's
        # viewport() is not asked for: see BrowserView.
        view_width = (
            self.view.maximumViewportSize().width() if self.view.isVisible() else self.width()
        )
        width = view_width - self.view.verticalScrollBar().sizeHint().width() - 2
        short = sum(
            w
            for key, w in self._fixed_widths.items()
            if not self.view.isColumnHidden(KEYS.index(key))
        )
        rest = max(0, width - short)
        unit = int(min(UNIT_MAX, max(UNIT_MIN, rest * UNIT_SHARE, rest - 2 * NAME_MIN)))
        unit = min(unit, max(UNIT_MIN, rest - NAME_MIN))
        self._fitting = True
        try:
            self.view.horizontalHeader().resizeSection(KEYS.index("unit"), unit)
        finally:
            self._fitting = False

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.fit_columns()

    # ------------------------------------------------------------ filters

    def reload_filters(self) -> None:
        """Read the year list again (from the first paint on) and the unit list when it
        is next opened, keeping the choices."""
        year, unit = self.year.currentData(), self.unit.currentData()
        self._mark_stale(self.year, year, f"{year}年" if year else "")
        self._mark_stale(self.unit, unit, unit or "")
        if self.finished:
            self.year.ensure_loaded()

    @staticmethod
    def _mark_stale(box: LazyCombo, keep: Any, text: str) -> None:
        """Show only 全部 and the choice until the list is read (see LazyCombo)."""
        _fill(box, [(text, keep)] if keep else [], keep)
        box.stale = True

    def _load_years(self) -> None:
        _fill(self.year, [(f"{y}年", y) for y in self.store.years()], self.year.currentData())

    def _load_units(self) -> None:
        units = self.store.units(self.year.currentData())
        _fill(self.unit, [(u, u) for u in units], self.unit.currentData())

    def _year_changed(self, _index: int) -> None:
        self._mark_stale(self.unit, self.unit.currentData(), self.unit.currentText())
        self._apply(year=self.year.currentData(), unit=self.unit.currentData())

    def apply_search_now(self) -> None:
        self._search_timer.stop()
        text = self.search.text().strip() or None
        if text != self.model.filter.search:
            self._apply(search=text)

    def _apply(self, **changes: Any) -> None:
        self._quiet = True
        try:
            self.model.set_filter(**changes)
            self._reselect()
        finally:
            self._quiet = False
        self._count_timer.start()

    def _reselect(self) -> None:
        row = self.model.row_of(self.current_id) if self.current_id else None
        if row is not None:
            self.view.selectRow(row)

    def stop(self) -> None:
        """No more reads (the store is closing)."""
        self.finished = True  # a finish() still queued sets nothing up
        self._count_timer.stop()
        self._search_timer.stop()

    def _update_count(self) -> None:
        self.count_label.setText(f"共 {self.model.count()} 个项目")

    # ------------------------------------------------------------ selection

    def refresh(self, select_id: int | None = None) -> None:
        """Re-read after a write; keep (or move) the selection to ``select_id``."""
        if select_id is not None:
            self.current_id = select_id
        self._quiet = True
        try:
            self.reload_filters()
            self.model.refresh()
            if self.current_id:
                self.select(self.current_id, emit=False)
        finally:
            self._quiet = False
        self._count_timer.start()

    def select(self, record_id: int, emit: bool = True) -> bool:
        row = self.model.row_of(record_id)
        while row is None and self.model.canFetchMore():
            self.model.fetchMore()
            row = self.model.row_of(record_id)
        if row is None:
            return False
        quiet, self._quiet = self._quiet, not emit
        try:
            self.view.selectRow(row)
            self.view.scrollTo(self.model.index(row, 0))
        finally:
            self._quiet = quiet
        return True

    def selected_id(self) -> int | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.record_id(rows[0].row()) if rows else None

    def _selection_changed(self, *_args: QItemSelection | QModelIndex) -> None:
        if self._quiet:
            return
        rid = self.selected_id()
        if rid and rid != self.current_id:
            self.record_selected.emit(rid)


def _fill(box: QComboBox, items: list[tuple[str, Any]], keep: Any) -> None:
    """全部 then ``items`` (text, data), the item holding ``keep`` chosen; quietly."""
    box.blockSignals(True)
    box.clear()
    box.addItem(ALL, None)
    for text, data in items:
        box.addItem(text, data)
    box.setCurrentIndex(max(0, box.findData(keep)))
    box.blockSignals(False)
