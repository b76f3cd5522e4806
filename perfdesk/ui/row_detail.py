"""The selected row's other columns, as a form beside a narrow table.

A form row such as a monitoring indicator has a dozen columns; a laptop's screen shows four
of them side by side without scrolling. :class:`RowDetail` shows the rest of the selected
row as labelled fields: the table keeps every column (hidden ones included), so adding,
moving, deleting and reading rows stay the table's, and an edit here is an edit of the
table's cell (``edited`` with the cell's key path, one undo step per field like any cell).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QWidget

from perfdesk.ui.row_table import RowTable

NO_ROW = "在上表中选择一行，这里填写该行的其余各栏。"


class RowDetail(QGroupBox):
    """``fields``: (column key, label, field widget) for the table's columns shown here;
    each widget has the shape of :mod:`perfdesk.ui.widgets` (value, set_value, changed,
    set_read_only)."""

    def __init__(
        self,
        table: RowTable,
        fields: Sequence[tuple[str, str, Any]],
        title_key: str = "name",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.table = table
        self.fields = {key: widget for key, _label, widget in fields}
        self.title_key = title_key
        self.read_only = False
        self._loading = False
        self.row = -1
        self.heading = QLabel(NO_ROW)
        self.heading.setWordWrap(True)
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self.heading)
        self.form = form
        for key, label, widget in fields:
            form.addRow(label, widget)
            widget.changed.connect(lambda k=key: self._field_changed(k))
        for key in self.fields:
            table.table.setColumnHidden(table.col_index(key), True)
        table.table.currentCellChanged.connect(lambda r, _c, _pr, _pc: self.show_row(r))
        table.edited.connect(self._table_edited)
        self.show_row(-1)

    def set_field_visible(self, key: str, visible: bool) -> None:
        """Show or hide one field (a column the record's framework does not have)."""
        self.form.setRowVisible(self.fields[key], visible)

    def show_row(self, r: int | None = None) -> None:
        """Fill the fields from row ``r`` (the table's current row by default)."""
        if r is None:
            r = self.table.table.currentRow()
        if not 0 <= r < self.table.table.rowCount():
            r = -1
        self.row = r
        values = self.table.row_values(r) if r >= 0 else {}
        self._loading = True
        try:
            for key, widget in self.fields.items():
                widget.set_value(values.get(key))
                widget.set_read_only(self.read_only or r < 0)
        finally:
            self._loading = False
        self._set_heading(values)

    def _set_heading(self, values: dict[str, Any]) -> None:
        if self.row < 0:
            self.heading.setText(NO_ROW)
            return
        name = values.get(self.title_key) or "（未命名）"
        self.heading.setText(f"第{self.row + 1}行：{name}")

    def _table_edited(self, path: str) -> None:
        # A cell typed in the table (the title's column) or rows moved: show the row again.
        if not self._loading:
            self.show_row()

    def _field_changed(self, key: str) -> None:
        if self._loading or self.row < 0 or self.read_only:
            return
        value = self.fields[key].value()
        self._loading = True
        try:
            # As the user would type it into the hidden cell: the table emits the edit.
            item = self.table.table.item(self.row, self.table.col_index(key))
            text = "" if value is None else str(value)
            if item is None:
                self.table.set_cell(self.row, key, value)
            elif item.text() != text:
                item.setText(text)
        finally:
            self._loading = False

    def set_read_only(self, ro: bool) -> None:
        self.read_only = ro
        self.show_row(self.row)

    def focus(self, key: str | None) -> bool:
        """Put the cursor in the field of ``key`` (a check's finding); False if not here."""
        widget = self.fields.get(key or "")
        if widget is None:
            return False
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        return True


__all__ = ["RowDetail"]
