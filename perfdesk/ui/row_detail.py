"""The selected row's other fields, under a table that shows only its key columns.

The values stay in the :class:`~perfdesk.ui.row_table.RowTable` (its columns with
``shown=False``): the pane shows the selected row's and writes an edit back into the table's
cell, so it is the same edit as typing in the table — the same ``edited(path)``, undo step
and autosave.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QSplitter,
    QWidget,
)

from perfdesk.ui.row_table import CHECK, COMBO, INFO, NUMBER, Column, RowTable
from perfdesk.ui.widgets import LongText, MoneyEdit, TextLine


class RowDetail(QGroupBox):
    """``layout``: the pane's lines, each a list of column keys side by side (the last of a
    line spans what is left). Keys in ``long`` get a text box of two lines."""

    def __init__(
        self,
        table: RowTable,
        layout: Sequence[Sequence[str]],
        long: Sequence[str] = (),
        what: str = "其他内容",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.table = table
        self.what = what  # the title says whose fields these are: 第 4 行：满意度的…
        self.row = -1
        self.read_only = False
        self._loading = False
        self.fields: dict[str, Any] = {}
        self.labels: dict[str, QLabel] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 4, 6, 4)
        grid.setVerticalSpacing(4)
        width = max(len(line) for line in layout)
        for r, line in enumerate(layout):
            for i, key in enumerate(line):
                column = table.columns[table.col_index(key)]
                field = self._make_field(column, key in long)
                label = QLabel(column.header)
                label.setBuddy(field)
                self.fields[key], self.labels[key] = field, label
                span = 2 * (width - i) - 1 if i == len(line) - 1 else 1
                grid.addWidget(label, r, 2 * i, Qt.AlignmentFlag.AlignRight)
                grid.addWidget(field, r, 2 * i + 1, 1, span)
        for i in range(width):
            grid.setColumnStretch(2 * i + 1, 1)
        table.table.currentCellChanged.connect(
            lambda row, _c, before, _pc: self.show_row(row) if row != before else None
        )
        table.rows_set.connect(lambda: self.show_row(table.table.currentRow()))
        self.show_row(-1)

    def _make_field(self, column: Column, long: bool) -> QWidget:
        key = column.key
        if column.kind == COMBO:
            box = QComboBox()
            # An imported name outside the framework can be typed (not in a closed list).
            box.setEditable(column.editable)
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(6)
            box.currentTextChanged.connect(lambda _t: self._changed(key))
            return box
        if column.kind == CHECK:
            check = QCheckBox()
            check.toggled.connect(lambda _on: self._changed(key))
            return check
        if column.kind == INFO:
            info = QLabel()
            info.setWordWrap(True)
            info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            return info
        field: Any
        if column.kind == NUMBER:
            field = MoneyEdit()
            field.setPlaceholderText("")
        else:
            field = LongText(2) if long else TextLine()
        field.changed.connect(lambda: self._changed(key))
        return field

    # ------------------------------------------------------------ showing

    def show_row(self, row: int) -> None:
        """Show row ``row`` of the table (-1: none; the fields are then disabled)."""
        valid = 0 <= row < self.table.table.rowCount()
        self.row = row if valid else -1
        values = self.table.row_values(row) if valid else {}
        name = values.get("name") or ""
        self.setTitle(f"第 {row + 1} 行{('：' + name) if name else ''}的{self.what}" if valid
                      else f"选择表中一行，这里显示它的{self.what}")  # fmt: skip
        self._loading = True
        try:
            for key, field in self.fields.items():
                column = self.table.columns[self.table.col_index(key)]
                value = values.get(key)
                if isinstance(field, QComboBox):
                    self._fill_combo(field, column, values, value)
                elif isinstance(field, QCheckBox):
                    field.setChecked(bool(value))
                elif isinstance(field, QLabel):
                    field.setText(self._info(row, key) if valid else "")
                elif isinstance(field, MoneyEdit):
                    field.set_value(value if isinstance(value, Decimal) else None)
                else:
                    field.set_value(value)
        finally:
            self._loading = False
        self._apply_enabled()

    def _fill_combo(
        self, box: QComboBox, column: Column, values: dict[str, Any], value: Any
    ) -> None:
        box.clear()
        if column.blank:
            box.addItem(column.blank)
        if column.choices is not None and values:
            box.addItems(list(column.choices(values)))
        text = value or column.blank
        i = box.findText(text)
        if i < 0 and not box.isEditable():  # an imported value outside a closed list
            box.addItem(text)
            i = box.count() - 1
        if i >= 0:
            box.setCurrentIndex(i)
        else:
            box.setEditText(text)

    def _info(self, row: int, key: str) -> str:
        item = self.table.table.item(row, self.table.col_index(key))
        return (item.text() if item is not None else "") or "—"  # a dash, not a blank line

    def refresh_info(self) -> None:
        """The read-only fields (a score's explanation) after the table's were recomputed."""
        for key, field in self.fields.items():
            if isinstance(field, QLabel):
                field.setText(self._info(self.row, key) if self.row >= 0 else "")

    def set_field_visible(self, key: str, visible: bool) -> None:
        self.fields[key].setVisible(visible)
        self.labels[key].setVisible(visible)

    def set_read_only(self, ro: bool) -> None:
        self.read_only = ro
        self._apply_enabled()

    def _apply_enabled(self) -> None:
        editable = self.row >= 0 and not self.read_only
        for field in self.fields.values():
            if isinstance(field, (QComboBox, QCheckBox)):
                field.setEnabled(editable)
            elif not isinstance(field, QLabel):
                field.set_read_only(not editable)

    def focus(self, key: str) -> bool:
        field = self.fields.get(key)
        if field is None:
            return False
        field.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    # ------------------------------------------------------------ editing

    def _changed(self, key: str) -> None:
        """An edit in the pane: into the table's cell, as if typed there."""
        if self._loading or self.row < 0 or self.read_only:
            return
        field = self.fields[key]
        column = self.table.columns[self.table.col_index(key)]
        value: Any
        if isinstance(field, QComboBox):
            text = field.currentText()
            value = None if text in ("", column.blank) else text
        elif isinstance(field, QCheckBox):
            value = field.isChecked()
        else:
            value = field.value()
        if self.table.row_values(self.row).get(key) == value:
            return
        self.table.set_cell(self.row, key, value)
        if isinstance(field, QComboBox):
            self._refresh_dependent_choices(key)

    def _refresh_dependent_choices(self, changed: str) -> None:
        """A category picked: the subcategories offered follow it."""
        values = self.table.row_values(self.row)
        self._loading = True
        try:
            for key, field in self.fields.items():
                column = self.table.columns[self.table.col_index(key)]
                if isinstance(field, QComboBox) and key != changed:
                    self._fill_combo(field, column, values, values.get(key))
        finally:
            self._loading = False


def table_over_detail(table: RowTable, detail: RowDetail) -> QSplitter:
    """The table over its row pane, the table taking what height the page has.

    The pane scrolls only when squeezed (a short window, the check panel enlarged), so it
    never holds the editors taller than the window lets them be; the table is never
    collapsed away by dragging the handle."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(detail)
    area.setMinimumHeight(detail.fontMetrics().height() * 3)
    split = QSplitter(Qt.Orientation.Vertical)
    split.addWidget(table)
    split.addWidget(area)
    split.setStretchFactor(0, 1)
    split.setStretchFactor(1, 0)
    split.setCollapsible(0, False)
    return split
