"""从指标库选择: a searchable picker over the indicator library (forms.md §7).

The library's entries are read once per opening on the worker thread (``submit`` runs
``fn(store, ctx)`` there, as :class:`~perfdesk.ui.operations.Worker.submit` does); every
keystroke then filters them in memory (:func:`perfdesk.library.catalogue.filter_entries`),
so typing never waits for the database. The record's framework's categories come first.
Choosing an entry fills category, subcategory, name and a proposed target into the
indicator table: the current row when its name is empty, else a new row below it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from perfdesk.library.catalogue import CatalogueEntry, filter_entries, order_for, proposed_for
from perfdesk.ui.screens import fit_to_screen

if TYPE_CHECKING:
    from perfdesk.models.records import Declaration
    from perfdesk.ui.row_table import RowTable

Submit = Callable[..., Any]  # submit(fn, on_done, on_error): fn(store, ctx) off the GUI thread
AnyIndex = QModelIndex | QPersistentModelIndex
HEADERS = ("指标名称", "类别", "最近目标值 / 参考值", "用过", "来源")


def _loader(framework: str) -> Callable[[Any, Any], list[CatalogueEntry]]:
    """The worker's job: the entries, read and put in the picker's order there, so the GUI
    thread only filters."""

    def load(store: Any, _ctx: Any) -> list[CatalogueEntry]:
        from perfdesk.library.history import load_catalogue

        return order_for(load_catalogue(store), framework)

    return load


class CatalogueModel(QAbstractTableModel):
    """The entries the search matches, one row each."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[CatalogueEntry] = []

    def set_entries(self, entries: Sequence[CatalogueEntry]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        e = self.entries[index.row()]
        col = index.column()
        if col == 0:
            return e.name
        if col == 1:
            return " / ".join(p for p in (e.category, e.subcategory) if p)
        if col == 2:
            if e.last_target:
                actual = f"（实际 {e.last_actual}）" if e.last_actual else ""
                return f"{e.last_year}年 {e.last_target}{actual}"
            return e.reference_target or ""
        if col == 3:
            return f"{e.uses} 次" if e.uses else ""
        if role == Qt.ItemDataRole.ToolTipRole and e.explanation:
            return f"{e.source}：{e.explanation}"
        return e.source or ""


class IndicatorPicker(QDialog):
    """The picker. ``chosen`` carries the entry and its proposed target."""

    chosen = Signal(object, object)  # CatalogueEntry, str | None
    ready = Signal()  # the library has been read (tests and the bench wait for it)

    def __init__(
        self,
        submit: Submit,
        framework: str,
        previous: Declaration | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("从指标库选择")
        fit_to_screen(self, 860, 520)
        self.framework = framework
        self.previous = previous
        self.entries: list[CatalogueEntry] = []
        self.loaded = False
        self.search = QLineEdit()
        self.search.setPlaceholderText("输入指标名称、类别或单位的一两个字查找，空格分隔多个词")
        self.search.setClearButtonEnabled(True)
        self.status = QLabel("正在读取指标库…")
        self.model = CatalogueModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((240, 220, 200, 60)):
            self.table.setColumnWidth(col, width)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("填入")
        ok.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.search.textChanged.connect(lambda _t: self.apply_search())
        self.search.returnPressed.connect(self._enter)
        self.table.doubleClicked.connect(lambda _i: self.accept())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._enable_ok())
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        submit(_loader(framework), self._loaded, self._failed)

    # ------------------------------------------------------------ data

    def _loaded(self, entries: list[CatalogueEntry]) -> None:
        self.entries = entries
        self.loaded = True
        self.apply_search()
        self.ready.emit()

    def _failed(self, exc: BaseException, _tb: str) -> None:
        message = getattr(exc, "message", None) or str(exc)
        self.status.setText(f"无法读取指标库：{message}")
        self.ready.emit()

    def apply_search(self) -> None:
        """Filter the entries by the search box (in memory: no database on a keystroke)."""
        if not self.loaded:
            return
        found = filter_entries(self.entries, self.search.text())
        self.model.set_entries(found)
        if found:
            self.table.selectRow(0)
        if not self.entries:
            self.status.setText("指标库是空的：还没有保存过指标，也没有导入指标库文件。")
        else:
            self.status.setText(f"共 {len(found)} 个指标（指标库共 {len(self.entries)} 个）")
        self._enable_ok()

    def current_entry(self) -> CatalogueEntry | None:
        row = self.table.currentIndex().row()
        return self.model.entries[row] if 0 <= row < len(self.model.entries) else None

    def _enable_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.current_entry() is not None)

    def _enter(self) -> None:
        if self.current_entry() is not None:
            self.accept()

    def accept(self) -> None:
        entry = self.current_entry()
        if entry is None:
            return
        self.chosen.emit(entry, proposed_for(entry, self.previous))
        super().accept()


def fill_row(table: RowTable, entry: CatalogueEntry, target: str | None) -> int:
    """Write the chosen indicator into the indicator table (one undoable edit); returns
    the row. The current row is filled when its name is empty, else a row is added below."""
    rows = table.rows()
    r = table.table.currentRow()
    values = {
        "category": entry.category,
        "subcategory": entry.subcategory,
        "name": entry.name,
        "target": target,
        "direction": None,
    }
    if 0 <= r < len(rows) and not rows[r].get("name"):
        rows[r] = {**rows[r], **values}  # a 自评表 row keeps what else it holds
    else:
        r = r + 1 if 0 <= r < len(rows) else len(rows)
        rows.insert(r, values)
    table.set_rows(rows)
    table.table.selectRow(r)
    table.edited.emit(table.key)
    return r


def pick_indicator(
    parent: QWidget,
    submit: Submit,
    framework: str,
    previous: Declaration | None,
    table: RowTable,
) -> IndicatorPicker:
    """Open the picker over ``parent`` (modal to that window only); the chosen entry fills
    ``table``."""
    picker = IndicatorPicker(submit, framework, previous, parent)
    picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    picker.chosen.connect(lambda entry, target: fill_row(table, entry, target))
    picker.setWindowModality(Qt.WindowModality.WindowModal)
    picker.show()
    picker.search.setFocus()
    return picker
