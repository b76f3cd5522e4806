"""Field widgets with one shape: ``value()``, ``set_value(v)``, a ``changed`` signal and
``set_read_only(bool)``. Money is Decimal (never float) shown with 千分位; empty text is None.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate, QEvent, QRegularExpression, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QDateEdit,
    QGridLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSizePolicy,
    QWidget,
)

from perfdesk.models.money import FEN, format_money

NULL_DATE = QDate(1900, 1, 1)


def parse_money_text(text: str) -> Decimal | None:
    """``1,234.5`` → Decimal('1234.50'); blank → None; anything else → None."""
    raw = text.replace(",", "").replace("，", "").replace(" ", "").strip()
    if not raw:
        return None
    try:
        return Decimal(raw).quantize(FEN)
    except InvalidOperation:
        return None


_RECORD_UNDO_KEYS = (QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo)


def is_record_undo(event: QEvent) -> bool:
    """Ctrl+Z / Ctrl+Y belong to the record's undo stack, not to one text box's own undo:
    undo must step back through every field in the order the user edited them."""
    if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
        return False
    if any(event.matches(k) for k in _RECORD_UNDO_KEYS):
        return True
    return event.key() == Qt.Key.Key_Y and event.modifiers() == Qt.KeyboardModifier.ControlModifier


class _TextField:
    """What the text fields share: Ctrl+Z/Ctrl+Y pass through them to the window's
    撤销/重做 (see ``is_record_undo``), and read-only is Qt's own."""

    def event(self, event: QEvent) -> bool:
        if is_record_undo(event):
            event.ignore()  # let the window's 撤销/重做 shortcut fire
            return False
        return super().event(event)  # type: ignore[misc]

    def set_read_only(self, ro: bool) -> None:
        self.setReadOnly(ro)  # type: ignore[attr-defined]


class TextLine(_TextField, QLineEdit):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.textChanged.connect(lambda _t: self.changed.emit())

    def value(self) -> str | None:
        text = self.text()
        return text if text.strip() else None

    def set_value(self, value: str | None) -> None:
        if (value or "") != self.text():
            self.setText(value or "")


class LongText(_TextField, QPlainTextEdit):
    changed = Signal()

    def __init__(self, lines: int = 4, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        # A fixed height per field keeps the form compact; long text scrolls inside.
        self.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 14)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.textChanged.connect(self.changed.emit)

    def value(self) -> str | None:
        text = self.toPlainText()
        return text if text.strip() else None

    def set_value(self, value: str | None) -> None:
        if (value or "") != self.toPlainText():
            self.setPlainText(value or "")


class MoneyEdit(_TextField, QLineEdit):
    """An amount in 元: digits with 千分位 and up to two decimals, exact Decimal."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"-?[0-9,，]*(\.[0-9]{0,2})?"), self)
        )
        self.setPlaceholderText("0.00")
        self.textChanged.connect(lambda _t: self.changed.emit())
        self.editingFinished.connect(self._reformat)

    def value(self) -> Decimal | None:
        return parse_money_text(self.text())

    def set_value(self, value: Decimal | None) -> None:
        if value == self.value() and (value is None) == (not self.text().strip()):
            return
        self.setText(format_money(value) if value is not None else "")

    def _reformat(self) -> None:
        value = self.value()
        text = format_money(value) if value is not None else ""
        if text != self.text():
            self.blockSignals(True)  # same value, new look: not an edit
            self.setText(text)
            self.blockSignals(False)


class DateField(QDateEdit):
    """A date with a calendar popup that may be blank (shown as （未填）)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(NULL_DATE)
        self.setSpecialValueText("（未填）")
        self.setDate(NULL_DATE)
        self.dateChanged.connect(lambda _d: self.changed.emit())

    def value(self) -> dt.date | None:
        d = self.date()
        return None if d == NULL_DATE else dt.date(d.year(), d.month(), d.day())

    def set_value(self, value: dt.date | None) -> None:
        target = NULL_DATE if value is None else QDate(value.year, value.month, value.day)
        if target != self.date():
            self.setDate(target)
        # Open the calendar near today rather than in 1900 for a blank date — quietly: the
        # calendar's selection signals would set today's date into the field (a blank 开始时间
        # was stored and printed as today's date).
        calendar = self.calendarWidget()
        with QSignalBlocker(calendar):
            calendar.setSelectedDate(QDate.currentDate() if value is None else target)

    def set_read_only(self, ro: bool) -> None:
        self.setReadOnly(ro)


class ChoiceGroup(QWidget):
    """Exactly one of the options, as radio buttons. A stored value that is not one of the
    options (an import with two ticked boxes) is kept until the user picks one, so the check
    can name it."""

    changed = Signal()

    def __init__(
        self, options: Sequence[str], columns: int = 3, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.options = tuple(options)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.buttons: list[QRadioButton] = []
        for i, option in enumerate(self.options):
            button = QRadioButton(option)
            self.group.addButton(button, i)
            layout.addWidget(button, i // columns, i % columns)
            self.buttons.append(button)
        self._raw: str | None = None
        self.group.buttonToggled.connect(self._toggled)

    def _toggled(self, _button: QAbstractButton, checked: bool) -> None:
        if checked:
            self._raw = None
            self.changed.emit()

    def value(self) -> str | None:
        checked = self.group.checkedId()
        return self.options[checked] if checked >= 0 else self._raw

    def set_value(self, value: str | None) -> None:
        if value == self.value():
            return
        self.group.blockSignals(True)
        self.group.setExclusive(False)
        for button in self.buttons:
            button.setChecked(button.text() == value)
        self.group.setExclusive(True)
        self.group.blockSignals(False)
        self._raw = value if value not in self.options else None

    def set_read_only(self, ro: bool) -> None:
        for button in self.buttons:
            button.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, ro)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus if ro else Qt.FocusPolicy.StrongFocus)

