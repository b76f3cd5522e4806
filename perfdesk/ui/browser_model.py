"""The project list as a QAbstractTableModel that pages rows out of SQL.

Only a page of rows is read at a time (``store.list(limit=, offset=)``); the view asks for
more through canFetchMore/fetchMore as it scrolls, so 100,000 records open as fast as
ten. Filtering and sorting re-run the query for the first page only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QBrush, QColor

from perfdesk.models.status import STATUS_FINAL, STATUS_LABELS

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

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
# Qt's role and alignment numbers as plain ints (values fixed by Qt's ABI): touching
# ``QtCore.Qt`` makes PySide build all ~90 enums of the Qt namespace (~40 ms), which the
# first paint does without (tests/test_ui_startup.py). data() runs for every cell and role
# on each paint, and ints compare fastest anyway.
_DISPLAY = 0  # Qt.ItemDataRole.DisplayRole
_TOOLTIP = 3  # Qt.ItemDataRole.ToolTipRole
_ALIGN = 7  # Qt.ItemDataRole.TextAlignmentRole
_FOREGROUND = 9  # Qt.ItemDataRole.ForegroundRole
ID_ROLE = 256 + 1  # Qt.ItemDataRole.UserRole + 1
_ID = ID_ROLE
_HORIZONTAL = 1  # Qt.Orientation.Horizontal
_RIGHT = 0x0002 | 0x0080  # Qt.AlignmentFlag.AlignRight | AlignVCenter
# The roles answered here; for the others (font, icon, check state, background: seven roles
# a cell each paint) data() returns at once.
_SERVED = frozenset((_DISPLAY, _ALIGN, _FOREGROUND, _TOOLTIP, _ID))
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


def _number(value: Any) -> int:
    """A Qt enum's number (PySide's enums do not compare equal to ints), or the int given."""
    return int(getattr(value, "value", value))


# Columns shown unless the user chose otherwise (header menu): the grade is shown with the
# score, id and revision are there for those who want them.
HIDDEN_BY_DEFAULT = ("id", "revision", "grade")


def yuan_text(fen: int) -> str:
    """分 as 元 with 千分位, as ``format_money(from_fen(fen))`` writes it (133,340,000.00),
    in integers: the list's first paint does without the decimal module."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan:,}.{cents:02d}"


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

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        """The column titles. The list's header shows them from its own model (see
        ``header_model``): Qt hands this method a ``Qt.Orientation``, and converting it builds
        the whole Qt namespace."""
        if _number(orientation) == _HORIZONTAL and role == _DISPLAY:
            return COLUMNS[section][1]
        return None

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        if role not in _SERVED:
            return None
        r = index.row()  # -1 for an invalid index
        if not 0 <= r < len(self._rows):
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
            return yuan_text(int(value))
        if key == "total_score":
            from decimal import Decimal  # loaded once a listed record has a score

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

    def sort(self, column: int, order: Qt.SortOrder | int = 0) -> None:
        """Qt's sort (``order``: Qt.SortOrder, 0 ascending, 1 descending). The same order
        again is not queried again (the view asks for the current one when sorting is
        switched on)."""
        wanted = order_for(KEYS[column], _number(order) == 1)
        if wanted != self.order:
            self.order = wanted
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
