"""帮助 → 使用说明 (F1): the guide opens from the real window, shows its screenshots and
jumps to the section picked in its contents."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import Qt, QUrl  # noqa: E402
from PySide6.QtGui import QTextDocument  # noqa: E402

from perfdesk.ui.help import HelpDialog, guide_path, headings  # noqa: E402
from tests.test_ui import make_window, prompts, qt_warnings_fail  # noqa: E402, F401

GUIDE = guide_path()


def test_the_guide_covers_the_years_work_in_chinese() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    sections = headings(text)
    assert len(sections) >= 8
    for topic in ("导入", "申报表", "运行监控", "自评表", "打印", "核对", "上报", "备份"):
        assert any(topic in s for s in sections), topic
    # Every screenshot the guide names is there, next to it.
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(images) >= 4
    for name in images:
        assert (GUIDE.parent / name).is_file(), name


def test_f1_opens_the_guide_with_its_pictures(qtbot, make_window) -> None:  # noqa: F811
    window = make_window()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = window.last_dialog
    assert isinstance(dialog, HelpDialog) and dialog.isVisible()
    page = dialog.browser.toPlainText()
    assert "perfdesk 使用说明" in page and "#" not in page.splitlines()[0]  # rendered, not raw
    # The screenshots load (Qt resolves them beside the guide).
    name = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", GUIDE.read_text(encoding="utf-8"))[0]
    image = dialog.browser.document().resource(QTextDocument.ResourceType.ImageResource, QUrl(name))
    assert image is not None and not image.isNull()
    # It fits the screen it opens on.
    room = window.screen().availableGeometry()
    assert dialog.width() <= room.width() and dialog.height() <= room.height()
    # F1 again brings the same guide back rather than a second one.
    dialog.close()
    window.acts["act_help"].trigger()
    assert window.last_dialog is dialog and dialog.isVisible()


def test_contents_scroll_to_the_section(qtbot, make_window) -> None:  # noqa: F811
    window = make_window()
    window.acts["act_help"].trigger()
    dialog: HelpDialog = window.last_dialog
    dialog.resize(700, 400)
    qtbot.waitExposed(dialog)
    bar = dialog.browser.verticalScrollBar()
    assert bar.value() == 0
    last = dialog.contents.count() - 1
    dialog.contents.setCurrentRow(last)
    assert bar.value() > 0
    cursor = dialog.browser.textCursor()
    assert cursor.selectedText() == dialog.contents.item(last).text()
