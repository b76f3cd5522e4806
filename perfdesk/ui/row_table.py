"""An editable table of form rows (budget items, indicators) with 添加/删除/上移/下移.

Rows go in and out as dicts of plain values (str, Decimal, bool, None); columns are
declared as data. Every edit emits ``edited(path)`` with the JSON key path of the cell
(``indicators[3].target``), a structural change the table's key (``indicators``).

The table fits its width: columns marked ``stretch`` share what the others leave, so a
1366-pixel laptop needs no horizontal scrolling. A column with ``shown=False`` keeps its
values in the table but is edited in a detail pane for the selected row
(:class:`~perfdesk.ui.row_detail.RowDetail`). With ``fit_rows`` the table is as tall as its
rows, for a table inside a scrolling page: one scroll bar, never a table scrolling inside it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from perfdesk.models.money import format_money
from perfdesk.ui.widgets import MoneyEdit, parse_money_text

TEXT, MONEY, NUMBER, COMBO, CHECK, INFO = "text", "money", "number", "combo", "check", "info"
AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = TEXT
    width: int = 120
    # For COMBO: the choices for a row (given the row's current values).
    choices: Callable[[dict[str, Any]], Sequence[str]] | None = None
    # For COMBO: what an empty value is shown as (and stored as None).
    blank: str = ""
    # For COMBO: whether text outside the choices may be typed (a closed list such as
    # 完成目标可能性 offers only its choices).
    editable: bool = True
    # Takes a share of the width the other columns leave (the text columns).
    stretch: bool = False
    # False: kept in the table, edited in the row's detail pane.
    shown: bool = True


def parse_number(text: str) -> Decimal | None:
    return parse_money_text(text)


class _ComboDelegate(QStyledItemDelegate):
    def __init__(self, table: RowTable, column: Column) -> None:
        super().__init__(table.table)
        self.owner = table
        self.column = column

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        box = QComboBox(parent)
        # Imported forms may use a name outside the framework.
        box.setEditable(self.column.editable)
        choices = (
            self.column.choices(self.owner.row_values(index.row())) if self.column.choices else ()
        )
        if self.column.blank:
            box.addItem(self.column.blank)
        box.addItems(list(choices))
        return box

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        assert isinstance(editor, QComboBox)
        text = index.data(Qt.ItemDataRole.EditRole) or self.column.blank
        i = editor.findText(text)
        if i >= 0:
            editor.setCurrentIndex(i)
        elif editor.isEditable():
            editor.setEditText(text)
        else:  # an imported value outside a closed list stays visible until replaced
            editor.insertItem(0, text)
            editor.setCurrentIndex(0)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        assert isinstance(editor, QComboBox)
        text = editor.currentText()
        model.setData(index, "" if text == self.column.blank else text, Qt.ItemDataRole.EditRole)


class _MoneyDelegate(QStyledItemDelegate):
    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        return MoneyEdit(parent)

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        assert isinstance(editor, MoneyEdit)
        editor.set_value(parse_money_text(index.data(Qt.ItemDataRole.EditRole) or ""))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        assert isinstance(editor, MoneyEdit)
        value = editor.value()
        model.setData(
            index, format_money(value) if value is not None else "", Qt.ItemDataRole.EditRole
        )


class RowTable(QWidget):
    edited = Signal(str)
    # The rows were replaced (a record shown, undo): a detail pane shows them again.
    rows_set = Signal()

    def __init__(
        self,
        key: str,
        columns: Sequence[Column],
        parent: QWidget | None = None,
        fit_rows: bool = False,
    ) -> None:
        super().__init__(parent)
        self.key = key
        self.columns = list(columns)
        self.read_only = False
        self.table = QTableWidget(0, len(self.columns))
        self.table.setHorizontalHeaderLabels([c.header for c in self.columns])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        header = self.table.horizontalHeader()
        if any(c.stretch for c in self.columns):
            header.setStretchLastSection(False)
        for i, col in enumerate(self.columns):
            self.table.setColumnWidth(i, col.width)
            self.table.setColumnHidden(i, not col.shown)
            if col.stretch:
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)
            if col.kind == COMBO:
                self.table.setItemDelegateForColumn(i, _ComboDelegate(self, col))
            elif col.kind == MONEY:
                self.table.setItemDelegateForColumn(i, _MoneyDelegate(self.table))
        self.add_button = QPushButton("添加行")
        self.delete_button = QPushButton("删除行")
        self.up_button = QPushButton("上移")
        self.down_button = QPushButton("下移")
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for b in (self.add_button, self.delete_button, self.up_button, self.down_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.extra_buttons = buttons
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        self.add_button.clicked.connect(self.add_row)
        self.delete_button.clicked.connect(self.delete_row)
        self.up_button.clicked.connect(lambda: self.move_row(-1))
        self.down_button.clicked.connect(lambda: self.move_row(1))
        self.table.itemChanged.connect(self._item_changed)
        self._loading = False
        if fit_rows:
            # Qt sizes the view to its rows (its header's lengths, so rows that grow as text
            # wraps are followed); the width is the layout's.
            self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
            self.table.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    # ------------------------------------------------------------ values

    def col_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def _make_item(self, col: Column, value: Any) -> QTableWidgetItem:
        item = QTableWidgetItem()
        if col.kind == CHECK:
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable
            )
            item.setCheckState(Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
            return item
        if col.kind == MONEY:
            text = format_money(value) if isinstance(value, Decimal) else (value or "")
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif col.kind == NUMBER:
            text = (
                ""
                if value is None
                else (f"{value:f}" if isinstance(value, Decimal) else str(value))
            )
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        else:
            text = "" if value is None else str(value)
        item.setText(text)
        if col.kind == INFO:
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            item.setForeground(self.palette().placeholderText())
            item.setToolTip(text)
        elif self.read_only:
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        return item

    def set_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        """Replace the rows (not an edit: no signal)."""
        keys = [c.key for c in self.columns if c.kind != INFO]
        if [{k: r.get(k) for k in keys} for r in rows] == self.rows():
            return
        self._loading = True
        try:
            current = self.table.currentRow()
            self.table.setRowCount(len(rows))
            for r, row in enumerate(rows):
                for c, col in enumerate(self.columns):
                    self.table.setItem(r, c, self._make_item(col, row.get(col.key)))
            if 0 <= current < len(rows):
                self.table.selectRow(current)
        finally:
            self._loading = False
        self.rows_set.emit()

    def row_values(self, r: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for c, col in enumerate(self.columns):
            item = self.table.item(r, c)
            if col.kind == INFO:
                continue
            if col.kind == CHECK:
                out[col.key] = item is not None and item.checkState() == Qt.CheckState.Checked
                continue
            text = item.text() if item is not None else ""
            if col.kind in (MONEY, NUMBER):
                out[col.key] = parse_number(text)
            else:
                out[col.key] = text if text.strip() else None
        return out

    def rows(self) -> list[dict[str, Any]]:
        return [self.row_values(r) for r in range(self.table.rowCount())]

    def set_info(self, r: int, key: str, text: str, tooltip: str | None = None) -> None:
        """Fill a read-only column (parsed target, computed score): not an edit."""
        c = self.col_index(key)
        item = self.table.item(r, c)
        if item is None or item.text() != text:
            self._loading = True
            try:
                if item is None:
                    item = self._make_item(self.columns[c], text)
                    self.table.setItem(r, c, item)
                item.setText(text)
                item.setToolTip(tooltip or text)
            finally:
                self._loading = False

    def set_color(self, r: int, key: str, color: str | None) -> None:
        """Colour a cell's text (a warning shown in the table): not an edit."""
        item = self.table.item(r, self.col_index(key))
        if item is None:
            return
        self._loading = True
        try:
            item.setForeground(QColor(color) if color else self.palette().text())
        finally:
            self._loading = False

    def set_cell(self, r: int, key: str, value: Any) -> None:
        """Set a cell as the user would (emits edited), used by tests and helpers."""
        c = self.col_index(key)
        self.table.setItem(r, c, self._make_item(self.columns[c], value))

    # ------------------------------------------------------------ editing

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._loading:
            return
        col = self.columns[item.column()]
        if col.kind == MONEY:
            value = parse_number(item.text())
            text = format_money(value) if value is not None else ""
            if text != item.text():
                self._loading = True
                item.setText(text)
                self._loading = False
        if col.kind != INFO:
            self.edited.emit(f"{self.key}[{item.row()}].{col.key}")

    def add_row(self) -> None:
        if self.read_only:
            return
        r = self.table.currentRow() + 1 if self.table.currentRow() >= 0 else self.table.rowCount()
        rows = self.rows()
        template = dict(rows[r - 1]) if 0 < r <= len(rows) else {}
        # A new indicator starts in the same category as the row above it.
        new = {c.key: (template.get(c.key) if c.kind == COMBO else None) for c in self.columns}
        rows.insert(r, new)
        self.set_rows(rows)
        self.table.selectRow(r)
        self.table.setCurrentCell(r, self._first_text_column())
        self.edited.emit(self.key)

    def _first_text_column(self) -> int:
        return next((i for i, c in enumerate(self.columns) if c.kind == TEXT and c.shown), 0)

    def delete_row(self) -> None:
        r = self.table.currentRow()
        if self.read_only or r < 0:
            return
        rows = self.rows()
        del rows[r]
        self.set_rows(rows)
        if rows:
            self.table.selectRow(min(r, len(rows) - 1))
        self.edited.emit(self.key)

    def move_row(self, step: int) -> None:
        r = self.table.currentRow()
        to = r + step
        if self.read_only or r < 0 or not 0 <= to < self.table.rowCount():
            return
        rows = self.rows()
        rows[r], rows[to] = rows[to], rows[r]
        self.set_rows(rows)
        self.table.selectRow(to)
        self.edited.emit(self.key)

    def focus_cell(self, r: int, key: str | None) -> None:
        shown = [i for i, col in enumerate(self.columns) if col.shown]
        c = self.col_index(key) if key and any(col.key == key for col in self.columns) else 0
        if c not in shown:  # edited in the detail pane: the row is what the table can show
            c = shown[0] if shown else 0
        if 0 <= r < self.table.rowCount():
            self.table.setCurrentCell(r, c)
            item = self.table.item(r, c)
            if item is not None:  # a cell without an item has nothing to scroll to
                self.table.scrollToItem(item)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_read_only(self, ro: bool) -> None:
        self.read_only = ro
        for b in (self.add_button, self.delete_button, self.up_button, self.down_button):
            b.setEnabled(not ro)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.NoEditTriggers
            if ro
            else (
                QAbstractItemView.EditTrigger.DoubleClicked
                | QAbstractItemView.EditTrigger.EditKeyPressed
                | QAbstractItemView.EditTrigger.AnyKeyPressed
                | QAbstractItemView.EditTrigger.SelectedClicked
            )
        )
        rows = self.rows()
        current = self.table.currentRow()
        self.table.setRowCount(0)  # rebuild items with the new flags
        self.set_rows(rows)
        if 0 <= current < len(rows):  # the row shown in a detail pane stays the one selected
            self.table.setCurrentCell(current, self._first_text_column())
