"""The project list as a QAbstractTableModel that pages rows out of SQL.

Only a page of rows is read at a time (``store.list(limit=, offset=)``); the view asks for
more through canFetchMore/fetchMore as it scrolls, so 100,000 records open as fast as
ten. Filtering and sorting re-run the query for the first page only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from perfdesk.models.money import format_money, from_fen
from perfdesk.models.status import STATUS_FINAL, STATUS_LABELS

PAGE_SIZE = 200

# (store column, header)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "编号"),
    ("year", "年度"),
    ("unit", "申报单位"),
    ("name", "项目名称"),
    ("status", "申报表"),
    ("revision", "版本"),
    ("evaluation_status", "自评表"),
    ("total_score", "得分"),
    ("grade", "等级"),
    ("year_budget_fen", "当年预算（元）"),
)
KEYS = tuple(c for c, _ in COLUMNS)
ID_ROLE = Qt.ItemDataRole.UserRole + 1
# data() runs for every cell and role on each paint: plain ints compare fastest.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ID = int(ID_ROLE)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_RIGHT_ALIGNED = frozenset(
    i
    for i, k in enumerate(KEYS)
    if k in ("id", "year", "revision", "total_score", "year_budget_fen")
)
_STATUS_COL = KEYS.index("status")
_SCORE_COL = KEYS.index("total_score")
_GRADE_COL = KEYS.index("grade")
_TOOLTIP_COLS = frozenset((KEYS.index("unit"), KEYS.index("name")))

AnyIndex = QModelIndex | QPersistentModelIndex


# Columns shown unless the user chose otherwise (header menu): the grade is shown with the
# score, id and revision are there for those who want them.
HIDDEN_BY_DEFAULT = ("id", "revision", "grade")


def order_for(key: str, desc: bool) -> list[tuple[str, bool]]:
    """ORDER BY for a sort on ``key``: then unit and name, in the same direction (the store
    adds ``id`` last).

    Each shape matches an index, which SQLite walks forwards or backwards and stops after one
    page: (year, unit, name), (unit, name, id), (name, id). Mixing directions would sort all
    100,000 rows. A name sort is by name alone: ties (the same project in other years or
    units) then come in the order they were entered.
    """
    if key == "name":
        return [("name", desc)]
    return [(key, desc)] + [(k, desc) for k in ("unit", "name") if k != key]


# A NamedTuple, not a dataclass: dataclasses is not loaded before the first paint.
class Filter(NamedTuple):
    year: int | None = None
    unit: str | None = None
    status: str | None = None
    search: str | None = None


class BrowserModel(QAbstractTableModel):
    """Rows of ``store.list`` for the current filter and sort, fetched a page at a time."""

    def __init__(self, store: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self.store = store
        self.filter = Filter()
        self.order: list[tuple[str, bool]] = order_for("year", True)
        self._rows: list[tuple[Any, ...]] = []
        # Display texts, made once per row when first shown: the view asks for them on every
        # paint, and only the rows on screen need them.
        self._shown: list[tuple[str, ...] | None] = []
        self._more = False

    # ------------------------------------------------------------ Qt model API

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r = index.row()
        if not index.isValid() or r >= len(self._rows):
            return None
        c = index.column()
        if role == _DISPLAY:
            shown = self._shown[r]
            if shown is None:
                shown = self._shown[r] = self._texts(self._rows[r])
            return shown[c]
        if role == _ALIGN:
            return _RIGHT if c in _RIGHT_ALIGNED else None
        row = self._rows[r]
        if role == _ID:
            return row[0]
        if role == _FOREGROUND and c == _STATUS_COL and row[c] == STATUS_FINAL:
            return QBrush(QColor("#1b5e20"))
        if role == _TOOLTIP and c in _TOOLTIP_COLS:
            return row[c]
        return None

    def _texts(self, row: tuple[Any, ...]) -> tuple[str, ...]:
        texts = [self._display(k, v) for k, v in zip(KEYS, row, strict=True)]
        if row[_SCORE_COL] is not None:  # 92.50 优: the grade beside the score
            texts[_SCORE_COL] = self._with_grade(texts[_SCORE_COL], row[_GRADE_COL])
        return tuple(texts)

    @staticmethod
    def _display(key: str, value: Any) -> str:
        if value is None:
            return "—" if key in ("evaluation_status", "grade", "total_score") else ""
        if key in ("status", "evaluation_status"):
            return STATUS_LABELS.get(value, value)
        if key == "year_budget_fen":
            return format_money(from_fen(int(value)))
        if key == "total_score":
            return f"{Decimal(value):.2f}"
        return str(value)

    @staticmethod
    def _with_grade(score: str, grade: Any) -> str:
        return f"{score} {grade}" if grade else score

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more:
            return
        page = self._page(len(self._rows))
        if not page:
            self._more = False
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
        self._rows.extend(page)
        self._shown.extend([None] * len(page))
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.order = order_for(KEYS[column], order == Qt.SortOrder.DescendingOrder)
        self.refresh()

    # ------------------------------------------------------------ our API

    def set_filter(self, **changes: Any) -> None:
        self.filter = self.filter._replace(**changes)
        self.refresh()

    def refresh(self) -> None:
        """Re-read the first page for the current filter and sort."""
        self.beginResetModel()
        page = self._page(0)
        self._rows = page
        self._shown = [None] * len(page)
        self.endResetModel()

    def _page(self, offset: int) -> list[tuple[Any, ...]]:
        f = self.filter
        rows = self.store.list(
            year=f.year,
            unit=f.unit,
            status=f.status,
            search=f.search,
            order_by=self.order,
            limit=PAGE_SIZE + 1,
            offset=offset,
            columns=KEYS,
        )
        self._more = len(rows) > PAGE_SIZE
        return rows[:PAGE_SIZE]

    def count(self) -> int:
        f = self.filter
        return int(self.store.count(year=f.year, unit=f.unit, status=f.status, search=f.search))

    def record_id(self, row: int) -> int | None:
        return int(self._rows[row][0]) if 0 <= row < len(self._rows) else None

    def row_of(self, record_id: int) -> int | None:
        """The row of a record among those fetched so far."""
        for i, r in enumerate(self._rows):
            if r[0] == record_id:
                return i
        return None
