"""帮助 → 使用说明 (F1): the Chinese user guide in ``resources/help/guide.md``.

Qt renders the Markdown itself (QTextBrowser reads ``.md`` sources as Markdown) and finds the
screenshots beside the guide; they are shown scaled to the page's width (Markdown has no
image sizes), so the guide never scrolls sideways. The contents list on the left is the guide's ``##`` headings;
picking one scrolls the guide to it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QImage, QResizeEvent, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from perfdesk.resources import resource_path


def guide_path() -> Path:
    return resource_path("help", "guide.md")


def headings(markdown: str) -> list[str]:
    """The guide's sections: its ``## `` headings in order."""
    return [line[3:].strip() for line in markdown.splitlines() if line.startswith("## ")]


class HelpDialog(QDialog):
    """The guide beside its contents; not modal, so the clerk can follow it while working."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("perfdesk 使用说明")
        path = guide_path()
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(True)
        self.browser.setSearchPaths([str(path.parent)])
        self.browser.setSource(
            QUrl.fromLocalFile(str(path)), QTextDocument.ResourceType.MarkdownResource
        )
        self.contents = QListWidget(self)
        self.contents.addItems(headings(path.read_text(encoding="utf-8")))
        self.contents.setMaximumWidth(220)
        self.contents.currentTextChanged.connect(self.go_to)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.close)
        body = QHBoxLayout()
        body.addWidget(self.contents)
        body.addWidget(self.browser, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        # The browser gets its new width when the layout runs, just after this event.
        QTimer.singleShot(0, self._fit_images)

    def _fit_images(self) -> None:
        """Each screenshot as wide as the page (never wider than itself); Qt keeps the
        height in proportion when only the width is set."""
        doc = self.browser.document()
        room = max(200, self.browser.viewport().width() - 2 * int(doc.documentMargin()) - 8)
        cursor = QTextCursor(doc)
        block = doc.begin()
        while block.isValid():
            fragments = block.begin()
            while not fragments.atEnd():
                fragment = fragments.fragment()
                fmt = fragment.charFormat()
                if fmt.isImageFormat():
                    image = fmt.toImageFormat()
                    natural = doc.resource(
                        QTextDocument.ResourceType.ImageResource, QUrl(image.name())
                    )
                    width = natural.width() if isinstance(natural, QImage) else room
                    image.setWidth(min(room, width))
                    cursor.setPosition(fragment.position())
                    cursor.setPosition(
                        fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor
                    )
                    cursor.setCharFormat(image)
                fragments += 1
            block = block.next()

    def go_to(self, heading: str) -> None:
        """Scroll the guide so the section ``heading`` starts at the top."""
        found = self.browser.document().find(heading) if heading else QTextCursor()
        if found.isNull():
            return
        # From the end, the smallest scroll that shows the heading puts it at the top.
        self.browser.moveCursor(QTextCursor.MoveOperation.End)
        self.browser.setTextCursor(found)
        self.browser.ensureCursorVisible()
