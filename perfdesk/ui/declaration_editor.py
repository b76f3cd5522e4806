"""The declaration editor (财政支出项目绩效目标申报表): every field of forms.md §1.

The editor only shows and collects values; the record, undo and saving live in
:class:`~perfdesk.ui.session.RecordSession` and the main window. Each user edit emits
``edited(path)`` with the field's JSON key path.

One scrolling page like the paper form: its tables are as tall as their rows (no table
scrolling inside the page) and fit its width; how each 指标目标值 was read and last year's
target show for the selected indicator under the table.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from perfdesk.models.form_rows import NATIONAL_DECLARATION_ROWS
from perfdesk.models.frameworks import FRAMEWORKS, NATIONAL, get_framework
from perfdesk.models.labels import FIELD_LABELS, NATIONAL_INDICATOR_LABELS
from perfdesk.models.money import format_money
from perfdesk.models.records import (
    DIRECTIONS,
    FUND_USES,
    PROJECT_TYPES,
    BudgetItem,
    Declaration,
    DeclarationFunds,
    Indicator,
    Signoff,
)
from perfdesk.models.target_history import last_year_of, last_year_text
from perfdesk.models.targets import parse_target
from perfdesk.ui.row_detail import RowDetail
from perfdesk.ui.row_table import COMBO, INFO, MONEY, TEXT, Column, RowTable
from perfdesk.ui.widgets import ChoiceGroup, DateField, LongText, MoneyEdit, TextLine

AUTO_DIRECTION = "自动"
NATIONAL_ROW_LABELS = {
    row.key: row.label
    for row in NATIONAL_DECLARATION_ROWS
    if row.kind == "long" and row.label != FIELD_LABELS.get(row.key)
}
_PATH = re.compile(r"^(?P<table>[a-z_]+)\[(?P<row>\d+)\](?:\.(?P<col>[a-z_]+))?$")


def _label(key: str) -> str:
    return FIELD_LABELS.get(key, key)


class DeclarationEditor(QWidget):
    edited = Signal(str)

    TEXT_FIELDS = (
        "overview",
        "basis",
        "necessity",
        "measures",
        "plan",
        "overall_goal",
        "annual_goal",
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        self.read_only = False
        self.fields: dict[str, Any] = {}
        self.row_labels: dict[str, QLabel] = {}

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setObjectName("banner")

        body = QWidget()
        column = QVBoxLayout(body)

        # --- 基本信息
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(2024)
        self.year.setSuffix(" 年")
        self.framework = QComboBox()
        for key, fw in FRAMEWORKS.items():
            self.framework.addItem(fw.label, key)
        self.fields.update(
            year=self.year,
            framework=self.framework,
            unit=TextLine(),
            supervisor=TextLine(),
            name=TextLine(),
            project_type=ChoiceGroup(PROJECT_TYPES, 3),
            fund_use=ChoiceGroup(FUND_USES, 3),
            start_date=DateField(),
            end_date=DateField(),
        )
        dates = QHBoxLayout()
        dates.addWidget(self.fields["start_date"])
        dates.addWidget(QLabel(_label("end_date")))
        dates.addWidget(self.fields["end_date"])
        dates.addStretch(1)
        basics = self._form(
            "基本信息",
            [("year", self.year), ("framework", self.framework), ("unit", None), ("name", None),
             ("project_type", None), ("fund_use", None), ("start_date", dates)],
        )  # fmt: skip
        column.addWidget(basics)
        # The national form's own rows (forms.md §1): shown for a national record only.
        self._national_rows: list[tuple[QFormLayout, QWidget]] = []
        self._add_national_row(basics, "supervisor", 3)

        # --- 项目情况
        for key in ("overview", "basis", "necessity", "measures"):
            self.fields[key] = LongText(5)
        column.addWidget(
            self._form(
                "项目情况", [(k, None) for k in ("overview", "basis", "necessity", "measures")]
            )
        )

        # --- 预算
        for key in ("total_budget", "year_budget", "prev_year_budget", "prev_year_spent"):
            self.fields[key] = MoneyEdit()
        self.budget_items = RowTable(
            "budget_items",
            [Column("name", _label("budget_items.name"), TEXT, 420, stretch=True),
             Column("amount", _label("budget_items.amount"), MONEY, 160)],
            fit_rows=True,
        )  # fmt: skip
        self.budget_total = QLabel()
        self.budget_total.setWordWrap(True)
        budget = self._form(
            "预算",
            [
                (k, None)
                for k in ("total_budget", "year_budget", "prev_year_budget", "prev_year_spent")
            ],
        )
        form = budget.layout()
        assert isinstance(form, QFormLayout)
        self.fields["funds.appropriation"] = MoneyEdit()
        self.fields["funds.other"] = MoneyEdit()
        # Under 项目当年预算 (year_budget), which the national form calls 年度资金总额.
        self._add_national_row(budget, "funds.appropriation", 2)
        self._add_national_row(budget, "funds.other", 3)
        form.addRow(QLabel(_label("budget_items")))
        form.addRow(self.budget_items)
        form.addRow(self.budget_total)
        column.addWidget(budget)

        # --- 计划与目标
        self.fields["plan"] = LongText(4)
        self.fields["overall_goal"] = LongText(3)
        self.fields["annual_goal"] = LongText(5)
        column.addWidget(
            self._form(
                "实施计划与目标", [(k, None) for k in ("plan", "overall_goal", "annual_goal")]
            )
        )

        # --- 分解目标
        self.indicators = RowTable(
            "indicators",
            [
                Column(
                    "category", _label("indicators.category"), COMBO, 130, self._category_choices
                ),
                Column(
                    "subcategory",
                    _label("indicators.subcategory"),
                    COMBO,
                    120,
                    self._subcategory_choices,
                ),
                Column("name", _label("indicators.name"), TEXT, 220, stretch=True),
                Column("target", _label("indicators.target"), TEXT, 180, stretch=True),
                Column("direction", "方向", COMBO, 60, lambda _r: DIRECTIONS, AUTO_DIRECTION),
                # Shown for the selected row under the table.
                Column("parsed", "程序的理解", INFO, 260, shown=False),
                Column("last_year", "上年目标 / 实际", INFO, 200, shown=False),
            ],
            fit_rows=True,
        )
        self.indicator_detail = RowDetail(
            self.indicators, (("parsed",), ("last_year",)), what="目标值的理解和上年情况"
        )
        # The indicator library (forms.md §7): the picker, and last year's record of the
        # project for the 上年 column, given by the window with each record it shows.
        self.previous: Declaration | None = None
        self.library_submit: Any = None
        self.library_button = QPushButton("从指标库选择")
        self.library_button.setToolTip("从历年用过的指标和导入的指标库中查找，填入指标及建议的目标值")
        self.indicators.extra_buttons.insertWidget(4, self.library_button)
        self.library_button.clicked.connect(self._pick_from_library)
        box = QGroupBox(_label("indicators"))
        lay = QVBoxLayout(box)
        hint = QLabel("“方向”留作“自动”时按目标值的写法判断；程序的理解不对时请改方向。")
        hint.setWordWrap(True)
        lay.addWidget(hint)
        lay.addWidget(self.indicators)
        lay.addWidget(self.indicator_detail)
        column.addWidget(box)

        # --- 备注与签署
        self.fields["remarks"] = LongText(2)
        for key in ("head", "preparer", "phone"):
            self.fields[f"signoff.{key}"] = TextLine()
        self.fields["signoff.date"] = DateField()
        column.addWidget(
            self._form("备注与签署", [(k, None) for k in ("remarks", "signoff.head", "signoff.preparer",
                                                         "signoff.phone", "signoff.date")])
        )  # fmt: skip
        column.addStretch(1)

        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.banner)
        outer.addWidget(self.scroll_area, 1)

        for key, widget in self.fields.items():
            if hasattr(widget, "changed"):
                widget.changed.connect(lambda k=key: self._edited(k))
        self.year.valueChanged.connect(lambda _v: self._edited("year"))
        self.framework.currentIndexChanged.connect(lambda _i: self._framework_changed())
        self.budget_items.edited.connect(self._edited)
        self.indicators.edited.connect(self._edited)
        self._apply_framework(self.framework.currentData())

    def set_library(self, submit: Any, previous: Declaration | None) -> None:
        """What the picker reads with (``Worker.submit``) and last year's record (or None)."""
        self.library_submit = submit
        self.previous = previous

    def _pick_from_library(self) -> None:
        from perfdesk.ui.indicator_picker import pick_indicator

        if self.library_submit is None or self.read_only:
            return
        pick_indicator(
            self, self.library_submit, self.current_framework(), self.previous, self.indicators
        )

    def _add_national_row(self, box: QGroupBox, key: str, at: int) -> None:
        form = box.layout()
        assert isinstance(form, QFormLayout)
        label = QLabel(_label(key))
        label.setMinimumWidth(120)
        label.setBuddy(self.fields[key])
        form.insertRow(at, label, self.fields[key])
        self._national_rows.append((form, self.fields[key]))

    def _form(self, title: str, rows: list[tuple[str, Any]]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, widget in rows:
            w = widget if widget is not None else self.fields[key]
            label = QLabel(_label(key))
            label.setWordWrap(True)
            label.setMinimumWidth(120)
            self.row_labels[key] = label
            if isinstance(w, QWidget):
                label.setBuddy(w)
                form.addRow(label, w)
            else:
                form.addRow(label, w)
        return box

    # ------------------------------------------------------------ framework pickers

    def current_framework(self) -> str:
        return str(self.framework.currentData())

    def _category_choices(self, _row: dict[str, Any]) -> tuple[str, ...]:
        return get_framework(self.current_framework()).categories

    def _subcategory_choices(self, row: dict[str, Any]) -> tuple[str, ...]:
        return get_framework(self.current_framework()).subcategories(row.get("category"))

    def _framework_changed(self) -> None:
        self._apply_framework(self.current_framework())
        self._edited("framework")

    def _apply_framework(self, key: str) -> None:
        national = key == NATIONAL
        table = self.indicators.table
        table.setColumnHidden(self.indicators.col_index("subcategory"), not national)
        labels = NATIONAL_INDICATOR_LABELS if national else FIELD_LABELS
        for col in ("category", "subcategory", "name", "target"):
            header = table.horizontalHeaderItem(self.indicators.col_index(col))
            if header is not None:
                header.setText(labels.get(f"indicators.{col}", FIELD_LABELS[f"indicators.{col}"]))
        for form, widget in self._national_rows:
            form.setRowVisible(widget, national)
        # The rows the national form names otherwise (项目总目标 is its 中长期目标).
        for key, label in NATIONAL_ROW_LABELS.items():
            self.row_labels[key].setText(label if national else _label(key))

    # ------------------------------------------------------------ values

    def _edited(self, path: str) -> None:
        if self._loading:
            return
        self.refresh_derived()
        self.edited.emit(path)

    def show_record(self, decl: Declaration) -> None:
        """Show ``decl`` (not an edit)."""
        self._loading = True
        try:
            self.year.setValue(decl.year)
            self.framework.setCurrentIndex(max(0, self.framework.findData(decl.framework)))
            self._apply_framework(decl.framework)
            for key in ("unit", "name", "project_type", "fund_use", "start_date", "end_date",
                        *self.TEXT_FIELDS, "total_budget", "year_budget", "prev_year_budget",
                        "prev_year_spent", "remarks"):  # fmt: skip
                self.fields[key].set_value(getattr(decl, key))
            s = decl.signoff or Signoff()
            for key in ("head", "preparer", "phone", "date"):
                self.fields[f"signoff.{key}"].set_value(getattr(s, key))
            self.fields["supervisor"].set_value(decl.supervisor)
            funds = decl.funds or DeclarationFunds()
            self.fields["funds.appropriation"].set_value(funds.appropriation)
            self.fields["funds.other"].set_value(funds.other)
            self.budget_items.set_rows(
                [{"name": b.name, "amount": b.amount} for b in decl.budget_items]
            )
            self.indicators.set_rows(
                [{"category": i.category, "subcategory": i.subcategory, "name": i.name,
                  "target": i.target, "direction": i.direction} for i in decl.indicators]
            )  # fmt: skip
            if self.indicators.table.currentRow() < 0 and decl.indicators:
                self.indicators.table.setCurrentCell(0, self.indicators.col_index("name"))
            self.set_read_only(decl.status == "final")
            self._set_banner(decl)
            self.refresh_derived()
        finally:
            self._loading = False

    def collect_into(self, decl: Declaration) -> None:
        """Write the widgets into ``decl`` (the declaration's own fields only)."""
        decl.year = self.year.value()
        decl.framework = self.current_framework()
        for key in ("unit", "name", "project_type", "fund_use", "start_date", "end_date",
                    *self.TEXT_FIELDS, "total_budget", "year_budget", "prev_year_budget",
                    "prev_year_spent", "remarks"):  # fmt: skip
            setattr(decl, key, self.fields[key].value())
        signoff = Signoff(
            **{
                k: self.fields[f"signoff.{k}"].value()
                for k in ("head", "preparer", "phone", "date")
            }
        )
        decl.signoff = signoff if any(vars(signoff).values()) else None
        decl.supervisor = self.fields["supervisor"].value()
        funds = DeclarationFunds(
            self.fields["funds.appropriation"].value(), self.fields["funds.other"].value()
        )
        decl.funds = funds if any(vars(funds).values()) else None
        decl.budget_items = [BudgetItem(r["name"], r["amount"]) for r in self.budget_items.rows()]
        national = decl.framework == NATIONAL
        decl.indicators = [
            Indicator(
                r["category"],
                r["subcategory"] if national else None,
                r["name"],
                r["target"],
                r["direction"],
            )
            for r in self.indicators.rows()
        ]

    def refresh_derived(self) -> None:
        """The running budget total and the parsed targets (shown, never stored)."""
        amounts = [r["amount"] for r in self.budget_items.rows() if r["amount"] is not None]
        total = sum(amounts, Decimal(0))
        year_budget = self.fields["year_budget"].value()
        text = f"子项目合计 {format_money(total)} 元"
        if year_budget is None:
            text += "；当年预算未填。"
            ok = False
        elif total == year_budget:
            text += f"，与当年预算 {format_money(year_budget)} 元相符。"
            ok = True
        else:
            text += f"，当年预算 {format_money(year_budget)} 元，相差 {format_money(year_budget - total)} 元。"
            ok = False
        appropriation = self.fields["funds.appropriation"].value()
        other = self.fields["funds.other"].value()
        if self.current_framework() == NATIONAL and (appropriation, other) != (None, None):
            funds = (appropriation or Decimal(0)) + (other or Decimal(0))
            text += f"\n财政拨款与其他资金合计 {format_money(funds)} 元"
            if year_budget is not None and funds == year_budget:
                text += "，与年度资金总额（当年预算）相符。"
            else:
                text += "，与年度资金总额（当年预算）不符。"
                ok = False
        self.budget_total.setText(text)
        self.budget_total.setStyleSheet("" if ok else "color: #b71c1c;")
        for r, row in enumerate(self.indicators.rows()):
            parsed = parse_target(row["target"], row["name"]).with_direction(row["direction"])
            self.indicators.set_info(r, "parsed", parsed.explain() if row["target"] else "")
            last = last_year_text(last_year_of(self.previous, row["name"]))
            self.indicators.set_info(r, "last_year", last)
        self.indicator_detail.refresh_info()

    # ------------------------------------------------------------ state

    def show_state(self, decl: Declaration) -> None:
        """After a save: the status line and read-only state (values are unchanged)."""
        self._set_banner(decl)
        if self.read_only != (decl.status == "final"):
            self.set_read_only(decl.status == "final")

    def _set_banner(self, decl: Declaration) -> None:
        ident = (
            f"编号 {decl.id}，第 {decl.revision} 版"
            if decl.id is not None
            else "新项目（尚未保存）"
        )
        if decl.status == "final":
            self.banner.setText(f"申报表已定稿（{ident}），只读。要修改请点“新修订”。")
            self.banner.setStyleSheet("background: #e8f5e9; padding: 4px;")
        else:
            self.banner.setText(f"申报表草稿（{ident}）。修改会自动保存。")
            self.banner.setStyleSheet("background: #fff8e1; padding: 4px;")

    def set_read_only(self, ro: bool) -> None:
        self.read_only = ro
        for key, widget in self.fields.items():
            if key in ("year", "framework"):
                widget.setEnabled(not ro)
            else:
                widget.set_read_only(ro)
        self.budget_items.set_read_only(ro)
        self.indicators.set_read_only(ro)
        self.library_button.setEnabled(not ro)

    def focus_field(self, path: str) -> bool:
        """Focus the widget of a JSON key path (``indicators[3].target``, ``signoff.phone``)."""
        m = _PATH.match(path)
        if m and m.group("table") in ("indicators", "budget_items"):
            table = self.indicators if m.group("table") == "indicators" else self.budget_items
            self.scroll_area.ensureWidgetVisible(table)
            table.focus_cell(int(m.group("row")), m.group("col"))
            return True
        if path in ("indicators", "budget_items"):
            table = self.indicators if path == "indicators" else self.budget_items
            self.scroll_area.ensureWidgetVisible(table)
            table.table.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        key = path if path in self.fields else path.split("[")[0].split(".")[0]
        if path == "signoff":
            key = "signoff.head"
        if path == "funds":
            key = "funds.appropriation"
        widget = self.fields.get(key)
        if widget is None:
            return False
        self.scroll_area.ensureWidgetVisible(widget)
        target = widget.buttons[0] if isinstance(widget, ChoiceGroup) else widget
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        return True
