"""The project list: year, unit and status filters, search as you type, paged table.

Every read runs on the reader thread (:class:`~perfdesk.ui.operations.Reader`): the first
page, the pages after it as the list scrolls, the count under the list and the year and unit
lists. Typing never waits for the database; the rows on screen stay until the answer for the
latest search comes, and answers for older searches are dropped.

The columns fit the list's width: the short ones are sized to their header and contents,
the unit takes a share of the rest and the project name stretches, so the list needs no
horizontal scrolling. Columns can be hidden or shown from the header's context menu.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QItemSelection, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from perfdesk.models.status import STATUS_LABELS
from perfdesk.ui.browser_model import (
    COLUMNS,
    HIDDEN_BY_DEFAULT,
    KEYS,
    BrowserModel,
    ListQuery,
    Page,
)
from perfdesk.ui.operations import Reader

ALL = "全部"
# Typing is debounced: a fast typist's "热线外包" asks for one list, not four.
SEARCH_DELAY_MS = 150
COUNT_DELAY_MS = 100
# The widest text each short column shows (besides its header), for sizing it.
SAMPLES = {
    "id": "100000",
    "year": "2024",
    "status": "草稿",
    "revision": "12",
    "monitoring_status": "未开始",  # as wide as 草稿● and 定稿●
    "evaluation_status": "草稿",
    "total_score": "100.00 优",
    "grade": "优",
    "year_budget_fen": "999,999,999.00",
}
UNIT_SHARE = 0.4  # of the width left after the short columns
UNIT_MIN, UNIT_MAX = 90, 260
NAME_MIN = 120
YEAR = KEYS.index("year")


class Browser(QWidget):
    """Emits ``record_selected(id)`` when the user picks a row. Filtering never changes the
    record in the editor: the current one is selected again quietly when still listed."""

    record_selected = Signal(int)
    columns_changed = Signal()  # shown/hidden from the header menu

    def __init__(self, reader: Reader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reader = reader
        self.model = BrowserModel(self)
        self.model.page_wanted.connect(self._read_page)
        self.current_id: int | None = None
        self._quiet = False

        self.year = QComboBox()
        self.year.setAccessibleName("年度")
        self.year.addItem("2024年")  # sized for a year (the years read replace it)
        self.year.setMinimumWidth(self.year.sizeHint().width())
        self.unit = QComboBox()
        self.unit.setAccessibleName("申报单位")
        self.unit.setMinimumContentsLength(10)
        self.unit.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        _fill(self.year, [], None)
        _fill(self.unit, [], None)
        self.status = QComboBox()
        self.status.addItem(ALL, None)
        for key, label in STATUS_LABELS.items():
            self.status.addItem(label, key)
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索项目名称或单位（Ctrl+F）")
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel()

        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.verticalHeader().setVisible(False)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Several rows for 退回 (Ctrl/Shift+click); the row clicked last is the one opened.
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        # A fixed row height lets the view skip measuring 100,000 rows.
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
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
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        self.set_hidden_columns(HIDDEN_BY_DEFAULT)
        # Newest year first; the model's own order, so this asks for nothing.
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(YEAR, Qt.SortOrder.DescendingOrder)

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

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_search_now)
        # The count under the list is asked for a moment after the rows are shown, so that
        # counting a common term (~50 ms over 100,000 records) never runs beside painting
        # them: on a busy two-core machine the two together stalled typing for ~40 ms.
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_DELAY_MS)
        self._count_timer.timeout.connect(self._read_count)
        self.year.currentIndexChanged.connect(self._year_changed)
        self.unit.currentIndexChanged.connect(lambda _i: self._apply(unit=self.unit.currentData()))
        self.status.currentIndexChanged.connect(
            lambda _i: self._apply(status=self.status.currentData())
        )
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.refresh()

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
        # Room for the vertical scroll bar is always kept (a long list has one).
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

    # ------------------------------------------------------------ reading

    def _read_page(self, query: ListQuery, offset: int) -> None:
        """The model wants a page: read it on the reader thread."""
        self.reader.query("list", lambda store: query.page(store, offset), self._page_read)

    def _page_read(self, page: Page) -> None:
        if self.model.show_page(page) and page.offset == 0:
            self.reselect()
            self._count_timer.start()

    def _read_count(self) -> None:
        query = self.model.query
        self.reader.query("count", query.count, self._show_count)

    def _show_count(self, count: int) -> None:
        self.count_label.setText(f"共 {count} 个项目")

    def refresh(self, select_id: int | None = None) -> None:
        """Read the list, its count and the year and unit lists again (after a write);
        keep (or move) the selection to ``select_id``."""
        if select_id is not None:
            self.current_id = select_id
        self.model.refresh()
        self.reader.query("years", lambda store: store.years(), self._years_read)
        self._read_units()

    def _read_units(self) -> None:
        year = self.year.currentData()
        self.reader.query("units", lambda store: store.units(year), self._units_read)

    def _years_read(self, years: list[int]) -> None:
        keep = self.year.currentData()
        _fill(self.year, [(f"{y}年", y) for y in years], keep)
        if keep is not None and keep not in years:  # its last record went (a restore)
            self._apply(year=None)

    def _units_read(self, units: list[str]) -> None:
        keep = self.unit.currentData()
        _fill(self.unit, [(u, u) for u in units], keep)
        if keep is not None and keep not in units:  # not a unit of the year now chosen
            self._apply(unit=None)

    # ------------------------------------------------------------ filters

    def _year_changed(self, _index: int) -> None:
        self._read_units()
        self._apply(year=self.year.currentData(), unit=self.unit.currentData())

    def apply_search_now(self) -> None:
        self._search_timer.stop()
        text = self.search.text().strip() or None
        if text != self.model.query.search:
            self._apply(search=text)

    def _apply(self, **changes: Any) -> None:
        self.model.set_query(replace(self.model.query, **changes))

    def stop(self) -> None:
        """No more reads (the window is closing)."""
        self._search_timer.stop()
        self._count_timer.stop()

    # ------------------------------------------------------------ selection

    def reselect(self) -> None:
        """Select the current record's row again, quietly, when it is listed."""
        row = self.model.row_of(self.current_id) if self.current_id else None
        if row is not None and self.view.selectionModel().isRowSelected(row, QModelIndex()):
            return  # already selected: several rows chosen with Ctrl/Shift stay chosen
        quiet, self._quiet = self._quiet, True
        try:
            if row is None:
                # The current index too: the style draws it as a highlight (a project stayed
                # marked after 新建), and Shift+click would extend from it.
                self.view.selectionModel().clear()
            else:
                self.view.selectRow(row)
        finally:
            self._quiet = quiet

    def select(self, record_id: int, emit: bool = True) -> bool:
        """Select a record's row (False when it is not among the rows read so far); with
        ``emit`` the record is opened whether listed or not."""
        row = self.model.row_of(record_id)
        if row is None:
            if emit:
                self.record_selected.emit(record_id)
            return False
        quiet, self._quiet = self._quiet, not emit
        try:
            self.view.selectRow(row)
            self.view.scrollTo(self.model.index(row, 0))
        finally:
            self._quiet = quiet
        return True

    def years(self) -> list[int]:
        """The years the list offers, latest first."""
        return [
            self.year.itemData(i) for i in range(self.year.count())
            if self.year.itemData(i) is not None
        ]  # fmt: skip

    def default_year(self) -> int:
        """The year a year's command starts from: the list's, else the latest the database
        holds, else this year."""
        years = self.years()
        return self.model.query.year or (years[0] if years else dt.date.today().year)

    def selected_id(self) -> int | None:
        """The record opened from the list: the selected row clicked last."""
        selection = self.view.selectionModel()
        current = selection.currentIndex()
        if current.isValid() and selection.isRowSelected(current.row(), current.parent()):
            return self.model.record_id(current.row())
        rows = selection.selectedRows()
        return self.model.record_id(rows[0].row()) if rows else None

    def selected_ids(self) -> list[int]:
        """Every record selected in the list, in list order."""
        rows = sorted(i.row() for i in self.view.selectionModel().selectedRows())
        return [rid for rid in (self.model.record_id(r) for r in rows) if rid is not None]

    def selected_records(self) -> list[tuple[int, str, str | None]]:
        """(id, name, status) of every record selected in the list, in list order."""
        return [
            (rid, self.model.name_of(rid) or f"编号 {rid}", self.model.status_of(rid))
            for rid in self.selected_ids()
        ]

    def _selection_changed(self, *_args: QItemSelection | QModelIndex) -> None:
        if self._quiet:
            return
        rid = self.selected_id()
        if rid:  # the current record too: it may be the way back while another is read
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
