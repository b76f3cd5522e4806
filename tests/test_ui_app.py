"""Start-up pieces of the window: Chinese Qt dialogs, the CJK font, error hooks, --demo."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtGui import QFontDatabase  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from perfdesk.models.errors import StoreError  # noqa: E402


@pytest.fixture
def keep_excepthook() -> Iterator[None]:
    previous = sys.excepthook
    yield
    sys.excepthook = previous


def test_qt_dialogs_speak_chinese(qapp) -> None:
    from perfdesk.ui.app import install_translations

    translators = install_translations(qapp)
    try:
        assert translators, "qtbase_zh_CN.qm not found in QLibraryInfo.TranslationsPath"
        box = QMessageBox()
        box.setStandardButtons(QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Yes)
        assert box.button(QMessageBox.StandardButton.Cancel).text().startswith("取消")
        box.deleteLater()
    finally:
        for t in translators:
            qapp.removeTranslator(t)


def test_bundled_cjk_font_is_registered(qapp) -> None:
    from perfdesk.ui.app import install_font

    before = qapp.font()
    try:
        family = install_font(qapp)
        assert family is not None
        assert family in QFontDatabase.families()
        assert QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family)
    finally:
        qapp.setFont(before)


def test_excepthook_shows_crash_dialog_and_friendly_box(qapp, keep_excepthook, capsys) -> None:
    from perfdesk.ui.dialogs import CrashDialog, install_excepthook

    install_excepthook()
    try:
        raise ValueError("我们的错")
    except ValueError:
        sys.excepthook(*sys.exc_info())
    crash = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, CrashDialog) and w.isVisible()
    ]
    assert crash and "ValueError: 我们的错" in crash[0].text.toPlainText()
    assert "ValueError" in capsys.readouterr().err  # also on stderr for logs
    sys.excepthook(StoreError, StoreError("数据库文件已损坏。"), None)
    boxes = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]
    assert any(b.text() == "数据库文件已损坏。" for b in boxes)
    for w in crash + boxes:
        w.close()


def test_run_demo_opens_window_on_seed(qapp, keep_excepthook) -> None:
    from perfdesk.ui.app import run
    from perfdesk.ui.main_window import MainWindow

    seen: list[tuple[int, str | None]] = []
    tries = iter(range(200))

    def look_and_close() -> None:
        """Once the list has been read (on the reader, so a moment after the window shows)."""
        for w in QApplication.topLevelWidgets():
            if isinstance(w, MainWindow):
                model = w.browser.model
                if model.rowCount() == 0 and next(tries, None) is not None:
                    QTimer.singleShot(50, look_and_close)
                    return
                seen.append((model.rowCount(), model.data(model.index(0, 3))))
                demo_files.append(w.db_path)
                w.close()

    demo_files: list = []
    QTimer.singleShot(100, look_and_close)
    assert run(None, demo=True) == 0
    assert seen == [(1, "12345市民服务热线外包服务")]
    # Issue 15: the throw-away database does not stay behind in the temp folder.
    assert demo_files and not demo_files[0].exists() and not demo_files[0].parent.exists()


def test_run_refuses_a_database_locked_by_someone_else(qapp, keep_excepthook, tmp_path) -> None:
    from perfdesk.store.lock import DatabaseLock
    from perfdesk.ui.app import run

    db = tmp_path / "shared.sqlite"
    held = DatabaseLock(db)
    held.acquire()
    messages: list[str] = []

    def look_and_close() -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, QMessageBox) and w.isVisible():
                messages.append(w.text())
                w.done(0)

    QTimer.singleShot(300, look_and_close)
    try:
        assert run(db) == 1
    finally:
        held.release()
    assert messages and "shared.sqlite" in messages[0]


TYPING = r"""
import sys
from pathlib import Path
from pathlib import Path
from PySide6.QtCore import QEvent, QEventLoop, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from perfdesk.ui.app import demo_database, ensure_app
from perfdesk.ui.main_window import MainWindow
from perfdesk.ui.settings import Settings

def settle(ms):
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()

app = ensure_app()
w = MainWindow(demo_database(), Settings.in_file(Path(sys.argv[1])), demo=True)
w.show()
while w.browser.model.rowCount() == 0:
    settle(20)
w.browser.view.selectRow(0)
while w.session is None:
    settle(20)
field = w.declaration_editor.fields["remarks"]
field.setFocus()
for i in range(int(sys.argv[2])):
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(field, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, "字"))
    if i % 100 == 0:
        settle(1)
print(len(w.session.decl.remarks or ""))
w.shutdown()
"""


def test_the_window_survives_long_typing(tmp_path) -> None:
    """1,500 characters typed into 备注 (each an edit, an undo step and signals): with
    PySide6 6.12.0 on Python 3.11 the window used to abort after ~700 (ui/refcounts.py)."""
    import os
    import subprocess

    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(root), QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", TYPING, str(tmp_path / "s.ini"), "1500"],
        capture_output=True, text=True, env=env, cwd=str(root), timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    assert int(out.stdout.split()[-1]) >= 1500


def test_a_bug_while_the_window_is_built_shows_the_crash_dialog(
    qapp, keep_excepthook, tmp_path, monkeypatch
) -> None:
    """The crash dialog's hook is in place before the window is built, and a bug there
    shows the copyable report rather than a traceback on a console nobody sees."""
    import perfdesk.ui.main_window as main_window
    from perfdesk.ui.app import run
    from perfdesk.ui.dialogs import CrashDialog

    hooks: list[object] = []

    class BrokenWindow:
        def __init__(self, *_a: object, **_k: object) -> None:
            hooks.append(sys.excepthook)
            raise RuntimeError("窗口构建出错")

    monkeypatch.setattr(main_window, "MainWindow", BrokenWindow)
    reports: list[str] = []

    def read_and_close() -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, CrashDialog) and w.isVisible():
                reports.append(w.text.toPlainText())
                w.done(0)

    QTimer.singleShot(300, read_and_close)
    assert run(tmp_path / "db.sqlite") == 1
    assert hooks and getattr(hooks[0], "__module__", None) == "perfdesk.ui.dialogs"
    assert reports and "RuntimeError: 窗口构建出错" in reports[0]
