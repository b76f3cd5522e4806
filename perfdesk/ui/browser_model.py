"""The project list as a QAbstractTableModel, fed a page of rows at a time by the reader.

The model never reads the database itself: it asks for a page (``page_wanted``) and the
browser runs that request on the reader thread (:class:`~perfdesk.ui.operations.Reader`)
and hands the answer back (``show_page``). Until the answer comes the rows on screen stay;
an answer for a query that is no longer the model's is ignored. The view asks for more
through canFetchMore/fetchMore as it scrolls, so 100,000 records open as fast as ten.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
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
    ("monitoring_status", "监控"),
    ("evaluation_status", "自评表"),
    ("total_score", "得分"),
    ("grade", "等级"),
    ("year_budget_fen", "当年预算（元）"),
)
KEYS = tuple(c for c, _ in COLUMNS)
# Read with each row but not a column of its own: the red mark in 监控.
FETCHED = (*KEYS, "monitoring_alert")
ALERT = len(KEYS)
ID_ROLE = Qt.ItemDataRole.UserRole + 1
SERVED_ROLES = frozenset(
    (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.ToolTipRole,
        ID_ROLE,
    )
)
RIGHT_ALIGNED = frozenset(
    i
    for i, k in enumerate(KEYS)
    if k in ("id", "year", "revision", "total_score", "year_budget_fen")
)
STATUS_COL = KEYS.index("status")
MONITORING_COL = KEYS.index("monitoring_status")
SCORE_COL = KEYS.index("total_score")
GRADE_COL = KEYS.index("grade")
TOOLTIP_COLS = frozenset((KEYS.index("unit"), KEYS.index("name")))
FINAL_COLOR = "#1b5e20"
ALERT_COLOR = "#b71c1c"
ALERT_MARK = "●"
NOT_STARTED = "未开始"
ALERT_TIP = "运行监控：执行率落后序时进度，或有指标“完全不可能”完成"

# Columns shown unless the user chose otherwise (header menu): the grade is shown with the
# score, id and revision are there for those who want them.
HIDDEN_BY_DEFAULT = ("id", "revision", "grade")

AnyIndex = QModelIndex | QPersistentModelIndex
Order = tuple[tuple[str, bool], ...]


def order_for(key: str, desc: bool) -> Order:
    """ORDER BY for a sort on ``key``: then unit and name, in the same direction (the store
    adds ``id`` last). A name sort is by name alone: ties (the same project in other years
    or units) come in the order they were entered."""
    if key == "name":
        return (("name", desc),)
    return ((key, desc),) + tuple((k, desc) for k in ("unit", "name") if k != key)


@dataclass(frozen=True)
class ListQuery:
    """What the list shows: the filters and the sort. Runs on the reader thread."""

    year: int | None = None
    unit: str | None = None
    status: str | None = None
    search: str | None = None
    order: Order = field(default_factory=lambda: order_for("year", True))

    def filters(self) -> dict[str, Any]:
        return {"year": self.year, "unit": self.unit, "status": self.status, "search": self.search}

    def page(self, store: Any, offset: int) -> Page:
        rows = store.list(
            **self.filters(),
            order_by=self.order,
            limit=PAGE_SIZE + 1,
            offset=offset,
            columns=FETCHED,
        )
        return Page(self, offset, rows[:PAGE_SIZE], len(rows) > PAGE_SIZE)

    def count(self, store: Any) -> int:
        return int(store.count(**self.filters()))


@dataclass(frozen=True)
class Page:
    query: ListQuery
    offset: int
    rows: list[tuple[Any, ...]]
    more: bool


def display(key: str, value: Any) -> str:
    """A cell's text as the forms write it: money with 千分位, labels for states."""
    if value is None:
        if key == "monitoring_status":
            return NOT_STARTED
        return "—" if key in ("evaluation_status", "grade", "total_score") else ""
    if key in ("status", "evaluation_status", "monitoring_status"):
        return STATUS_LABELS.get(value, value)
    if key == "year_budget_fen":
        return format_money(from_fen(int(value)))
    if key == "total_score":
        return f"{Decimal(value):.2f}"
    return str(value)


def row_texts(row: tuple[Any, ...]) -> tuple[str, ...]:
    texts = [display(k, v) for k, v in zip(KEYS, row[:ALERT], strict=True)]
    if row[ALERT]:  # a mark besides the colour, for those who do not see red
        texts[MONITORING_COL] = f"{texts[MONITORING_COL]}{ALERT_MARK}"
    if row[SCORE_COL] is not None and row[GRADE_COL]:  # 92.50 优: the grade beside the score
        texts[SCORE_COL] = f"{texts[SCORE_COL]} {row[GRADE_COL]}"
    return tuple(texts)


class BrowserModel(QAbstractTableModel):
    """Rows of ``store.list`` for ``query``, a page at a time (see the module)."""

    page_wanted = Signal(object, int)  # (ListQuery, offset)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.query = ListQuery()
        self._rows: list[tuple[Any, ...]] = []
        self._texts: list[tuple[str, ...]] = []
        self._more = False
        self._waiting = False  # a page was asked for and has not come yet
        self._brush = QBrush(QColor(FINAL_COLOR))
        self._alert_brush = QBrush(QColor(ALERT_COLOR))

    # ------------------------------------------------------------ Qt model API

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Asked for every cell and a dozen roles on each paint: the roles not served here
        # (most of them) are answered first.
        if role not in SERVED_ROLES:
            return None
        r, c = index.row(), index.column()
        if not 0 <= r < len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[r][c]
        if role == Qt.ItemDataRole.TextAlignmentRole and c in RIGHT_ALIGNED:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == ID_ROLE:
            return self._rows[r][0]
        if role == Qt.ItemDataRole.ForegroundRole and c in (STATUS_COL, MONITORING_COL):
            if c == MONITORING_COL and self._rows[r][ALERT]:
                return self._alert_brush
            return self._brush if self._rows[r][c] == STATUS_FINAL else None
        if role == Qt.ItemDataRole.ToolTipRole and c in TOOLTIP_COLS:
            return self._rows[r][c]
        if role == Qt.ItemDataRole.ToolTipRole and c == MONITORING_COL and self._rows[r][ALERT]:
            return ALERT_TIP
        return None

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self._waiting

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._waiting = True
            self.page_wanted.emit(self.query, len(self._rows))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        wanted = order_for(KEYS[column], order == Qt.SortOrder.DescendingOrder)
        if wanted != self.query.order:
            self.set_query(replace(self.query, order=wanted))

    # ------------------------------------------------------------ our API

    def set_query(self, query: ListQuery) -> None:
        """Show ``query``'s rows once its first page comes."""
        self.query = query
        self.refresh()

    def refresh(self) -> None:
        """Ask for the first page again (after a write)."""
        self._waiting = True
        self.page_wanted.emit(self.query, 0)

    def show_page(self, page: Page) -> bool:
        """Take a page the reader read; False when it is for another query or place."""
        if page.query != self.query:
            return False
        texts = [row_texts(row) for row in page.rows]
        if page.offset == 0:
            self.beginResetModel()
            self._rows, self._texts = list(page.rows), texts
            self.endResetModel()
        elif page.offset == len(self._rows) and page.rows:
            last = len(self._rows) + len(page.rows) - 1
            self.beginInsertRows(QModelIndex(), len(self._rows), last)
            self._rows.extend(page.rows)
            self._texts.extend(texts)
            self.endInsertRows()
        elif page.offset != len(self._rows):
            return False
        self._more = page.more
        self._waiting = False
        return True

    @property
    def waiting(self) -> bool:
        return self._waiting

    def record_id(self, row: int) -> int | None:
        return int(self._rows[row][0]) if 0 <= row < len(self._rows) else None

    def name_of(self, record_id: int) -> str | None:
        """The project name of a record among those fetched so far."""
        row = self.row_of(record_id)
        return None if row is None else self._rows[row][KEYS.index("name")]

    def status_of(self, record_id: int) -> str | None:
        """The status (draft / final) of a record among those fetched so far."""
        row = self.row_of(record_id)
        return None if row is None else self._rows[row][STATUS_COL]

    def row_of(self, record_id: int) -> int | None:
        """The row of a record among those fetched so far."""
        for i, r in enumerate(self._rows):
            if r[0] == record_id:
                return i
        return None
