"""The window at a laptop's 1366×768 and a 1920×1080 screen (issue 15): Qt's own dialogs in
Chinese, dialogs and the window sized to their screen, the self-evaluation's key columns
together, the check panel that can be enlarged, recent files offered."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QAbstractItemView,
    QFileDialog,
    QLabel,
    QWidget,
)

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture
def chinese_qt(qapp) -> Iterator[None]:
    from perfdesk.ui.app import install_translations

    translators = install_translations(qapp)
    yield
    for t in translators:
        qapp.removeTranslator(t)


def _english_texts(dialog: QWidget) -> list[str]:
    """Every label, button, tool tip and column title of ``dialog`` still in English."""
    texts: list[str] = []
    for w in dialog.findChildren(QWidget):
        texts.append(w.toolTip())
        if isinstance(w, (QLabel, QAbstractButton)):
            texts.append(w.text())
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            m = w.model()
            texts += [str(m.headerData(c, Qt.Orientation.Horizontal)) for c in range(m.columnCount())]
    return [t for t in texts if t and LATIN_WORD.search(t)]


@pytest.mark.parametrize(
    "mode",
    [
        (QFileDialog.FileMode.ExistingFiles, QFileDialog.AcceptMode.AcceptOpen),
        (QFileDialog.FileMode.AnyFile, QFileDialog.AcceptMode.AcceptSave),
        (QFileDialog.FileMode.Directory, QFileDialog.AcceptMode.AcceptOpen),
    ],
)
def test_qt_file_dialog_speaks_chinese(qtbot, chinese_qt, tmp_path, mode) -> None:
    """Qt's own file dialog (the one Linux desktops without a portal get): its labels
    (查找范围, 文件名称, 文件类型), buttons, tool tips and column titles are Chinese."""
    dialog = QFileDialog(None, "导入文件", str(tmp_path))
    qtbot.addWidget(dialog)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setFileMode(mode[0])
    dialog.setAcceptMode(mode[1])
    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    dialog.show()
    qtbot.waitExposed(dialog)
    look_in = dialog.findChild(QLabel, "lookInLabel")
    file_type = dialog.findChild(QLabel, "fileTypeLabel")
    assert look_in.text() == "查找范围(&L)："
    assert file_type.text() == "文件类型(&T)："
    assert _english_texts(dialog) == []
    dialog.close()


def test_shipped_translation_is_compiled_from_its_source(tmp_path) -> None:
    """The .qm perfdesk ships is what pyside6-lrelease makes of the .ts beside it."""
    from perfdesk.resources import resource_path
    from perfdesk.ui.app import QT_SUPPLEMENT

    lrelease = shutil.which("pyside6-lrelease")
    if lrelease is None:
        pytest.skip("pyside6-lrelease (PySide6's tools) is not on PATH")
    shipped = resource_path(*QT_SUPPLEMENT)
    source = shipped.with_suffix(".ts")
    out = tmp_path / shipped.name
    subprocess.run([lrelease, "-silent", str(source), "-qm", str(out)], check=True)
    assert out.read_bytes() == shipped.read_bytes()
