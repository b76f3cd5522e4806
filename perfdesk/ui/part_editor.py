"""What the editors of a project's two later forms share: the 自评表 and the 运行监控表.

Each is made from the declaration by a button until it exists, then shown on two pages — a
scrolling form for the money and the texts (``scroll_area``), and the indicator table with
the selected row's pane (``indicators_page``) — under a banner that says draft or final.
Their edits are reported as key paths under the form's name (``evaluation.spent``,
``monitoring.indicators[2].progress``), which is also what :meth:`focus_field` finds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from perfdesk.models.frameworks import NATIONAL, get_framework
from perfdesk.models.records import Declaration, Funds, MonitorFunds
from perfdesk.ui.row_detail import RowDetail
from perfdesk.ui.row_table import RowTable

FINAL_BANNER = "background: #e8f5e9; padding: 4px;"
DRAFT_BANNER = "background: #fff8e1; padding: 4px;"
# The 其中 rows of the 资金 block, in both forms: 财政拨款, 上年结转, 其他资金.
FUND_KEYS = ("appropriation", "carried_over", "other")
F = TypeVar("F")


class PartEditor(QWidget):
    """The subclass builds its pages, then calls :meth:`_assemble`. Its 资金 grid's fields
    are ``funds.<row>.<column>`` for the rows of ``FUND_KEYS`` and its ``fund_cols``."""

    edited = Signal(str)
    create_requested = Signal()

    fund_cols: tuple[str, ...]
    # Built by the subclass before _assemble.
    indicators: RowTable
    detail: RowDetail
    indicators_page: QWidget
    scroll_area: QScrollArea
    sections: QTabWidget
    funds_check: QCheckBox
    funds_box: QWidget

    def __init__(
        self, form: str, empty_note: str, create_text: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.form = form
        self.table_key = f"{form}.indicators"
        self._path = re.compile(rf"^{form}\.indicators\[(?P<row>\d+)\](?:\.(?P<col>[a-z_]+))?$")
        self._loading = False
        self.read_only = False
        self.framework = "sh2019"
        self.fields: dict[str, Any] = {}

        self.banner = QLabel()
        self.banner.setWordWrap(True)

        # The page shown while the project has no such form yet.
        self.empty = QWidget()
        el = QVBoxLayout(self.empty)
        el.addStretch(1)
        note = QLabel(empty_note)
        note.setWordWrap(True)
        note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.create_button = QPushButton(create_text)
        self.create_button.clicked.connect(self.create_requested.emit)
        el.addWidget(note)
        el.addWidget(self.create_button, 0, Qt.AlignmentFlag.AlignCenter)
        el.addStretch(2)

    def _assemble(self, content: QWidget) -> None:
        """The empty page or ``content`` under the banner; the fields report their edits."""
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty)
        self.pages.addWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.banner)
        outer.addWidget(self.pages, 1)
        for key, widget in self.fields.items():
            widget.changed.connect(lambda k=key: self._edited(f"{self.form}.{k}"))
        self.funds_check.toggled.connect(self._funds_toggled)
        self.indicators.edited.connect(self._edited)
        self.funds_box.setEnabled(False)

    # ------------------------------------------------------------ framework pickers

    def _category_choices(self, _row: dict[str, Any]) -> tuple[str, ...]:
        return get_framework(self.framework).categories

    def _subcategory_choices(self, row: dict[str, Any]) -> tuple[str, ...]:
        return get_framework(self.framework).subcategories(row.get("category"))

    # ------------------------------------------------------------ values

    def _edited(self, path: str) -> None:
        if self._loading:
            return
        self.edited.emit(path)

    def _funds_toggled(self, on: bool) -> None:
        self.funds_box.setEnabled(on and not self.read_only)
        self._edited(f"{self.form}.funds")

    def _show_funds(self, funds: Funds | MonitorFunds | None) -> None:
        """The form's 资金 rows in the grid, which is on while the form has them."""
        self.funds_check.setChecked(funds is not None)
        for key in FUND_KEYS:
            row = None if funds is None else getattr(funds, key)
            for col in self.fund_cols:
                value = None if row is None else getattr(row, col)
                self.fields[f"funds.{key}.{col}"].set_value(value)

    def _collect_funds(self, funds_type: Callable[..., F], row_type: Callable[..., Any]) -> F | None:
        """The grid's 资金 rows (an empty row: None), or None while the grid is off."""
        if not self.funds_check.isChecked():
            return None
        rows = {}
        for key in FUND_KEYS:
            values = {col: self.fields[f"funds.{key}.{col}"].value() for col in self.fund_cols}
            rows[key] = row_type(**values) if any(v is not None for v in values.values()) else None
        return funds_type(**rows)

    def _show_indicators(self, decl: Declaration, rows: list[dict[str, Any]]) -> None:
        """The indicator table's rows; the pane under it shows the selected one, the first
        rather than nothing (the focus stays put)."""
        self.detail.set_field_visible("subcategory", decl.framework == NATIONAL)
        self.indicators.set_rows(rows)
        if self.indicators.table.currentRow() < 0 and rows:
            self.indicators.table.setCurrentCell(0, self.indicators.col_index("name"))
        self.detail.show_row(self.indicators.table.currentRow())

    # ------------------------------------------------------------ state

    def _show_status(self, final: bool, final_text: str, draft_text: str) -> None:
        """The banner for a final or a draft form; a final one is read-only."""
        self.banner.setText(final_text if final else draft_text)
        self.banner.setStyleSheet(FINAL_BANNER if final else DRAFT_BANNER)
        if final != self.read_only:
            self.set_read_only(final)

    def set_read_only(self, ro: bool) -> None:
        self.read_only = ro
        for widget in self.fields.values():
            widget.set_read_only(ro)
        self.funds_check.setEnabled(not ro)
        self.funds_box.setEnabled(self.funds_check.isChecked() and not ro)
        self.indicators.set_read_only(ro)
        self.detail.set_read_only(ro)

    def _field_for(self, key: str) -> str:
        """The field that a finding on ``key`` is fixed in (a derived value: what it comes from)."""
        return key

    def focus_field(self, path: str) -> bool:
        """Show and focus the field of a finding's key path; False when there is none."""
        m = self._path.match(path)
        if m:
            self.sections.setCurrentWidget(self.indicators_page)
            col = m.group("col")
            self.indicators.focus_cell(int(m.group("row")), col)
            if col in self.detail.fields:  # edited under the table
                self.detail.focus(col)
            return True
        if path == self.table_key:
            self.sections.setCurrentWidget(self.indicators_page)
            self.indicators.table.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        self.sections.setCurrentWidget(self.scroll_area)
        key = path.removeprefix(f"{self.form}.")
        if key.startswith("funds"):
            self.scroll_area.ensureWidgetVisible(self.funds_check)
            self.funds_check.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        widget = self.fields.get(self._field_for(key))
        if widget is None:
            return False
        self.scroll_area.ensureWidgetVisible(widget)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        return True
