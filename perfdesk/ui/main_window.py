"""The main window: project browser beside the editors; its skeleton and wiring.

The window never touches the database on its own thread once it is open: the list, its
counts and opening a record run on the reader, every write (saves, imports, restore) on the
one writer (:mod:`perfdesk.ui.operations`). It is built from injected dependencies
(database path, settings, prompts, the reader's Store) so tests drive the real thing.

What the window does lives beside it, in objects given what they use: the open record with
its saving (:class:`~perfdesk.ui.open_record.OpenRecord`), the record commands
(:class:`~perfdesk.ui.commands_records.RecordCommands`), the file commands
(:class:`~perfdesk.ui.commands_files.FileCommands`); the actions, menus and toolbar as data
in :mod:`~perfdesk.ui.actions`; size and layout in :mod:`~perfdesk.ui.window_state`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QUndoGroup
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from perfdesk.store.database import Store
from perfdesk.ui import settings as S
from perfdesk.ui.actions import build_actions, update_actions
from perfdesk.ui.browser import Browser
from perfdesk.ui.commands_exchange import ExchangeCommands, dropped_packages
from perfdesk.ui.commands_files import FileCommands, dropped_paths
from perfdesk.ui.commands_records import RecordCommands
from perfdesk.ui.feedback import Feedback
from perfdesk.ui.gc_guard import GuiThreadCollector
from perfdesk.ui.open_record import OpenRecord
from perfdesk.ui.operations import Reader, Worker, open_read_store
from perfdesk.ui.prompts import Prompts
from perfdesk.ui.recent_menu import RecentFilesMenu
from perfdesk.ui.session import RecordSession
from perfdesk.ui.window_state import (
    default_size,
    default_split,
    remember_check_split,
    restore_state,
    save_state,
)

if TYPE_CHECKING:
    from perfdesk.ui.check_panel import CheckPanel
    from perfdesk.ui.declaration_editor import DeclarationEditor
    from perfdesk.ui.evaluation_editor import EvaluationEditor
    from perfdesk.ui.help import HelpDialog
    from perfdesk.ui.monitoring_editor import MonitoringEditor


class MainWindow(QMainWindow):
    def __init__(
        self,
        db_path: Path,
        settings: S.Settings,
        *,
        prompts: Prompts | None = None,
        demo: bool = False,
        open_reader_store: Callable[[Path], Any] = open_read_store,
    ) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.settings = settings
        self.demo = demo
        self._help: HelpDialog | None = None
        # Opened once here, before anything is built: a file the program cannot open (not a
        # database, made by a newer perfdesk) is refused at once with its message, and an
        # older one is migrated (after a backup) before the two threads open it.
        Store(self.db_path).close()
        self.collector = GuiThreadCollector(self)
        self.reader = Reader(self.db_path, self, open_store=open_reader_store)
        self.writer = Worker(self.db_path, self)
        self.prompts: Prompts = prompts if prompts is not None else Prompts(self)
        self.feedback = Feedback(self)
        self.writer.error.connect(self.feedback.error)
        self.reader.error.connect(self.feedback.error)
        self.undo_group = QUndoGroup(self)

        self.setAcceptDrops(True)
        self.browser = Browser(self.reader)
        self.placeholder = QLabel("在左侧选择一个项目，或点“新建”“导入”。")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)  # the editors join it with the first record
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.browser)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)
        self.setCentralWidget(central)

        self.record = OpenRecord(
            self.undo_group, self.reader, self.writer, self.prompts, self.feedback,
            self.settings.get(S.AUTOSAVE_MS), self,
        )  # fmt: skip
        self.files = FileCommands(
            self.record, self.reader, self.writer, self.prompts, self.feedback, self.settings,
            self.browser, self.db_path,
        )  # fmt: skip
        self.records = RecordCommands(
            self.record, self.reader, self.writer, self.prompts, self.feedback, self.browser,
            self.files.preview,
        )  # fmt: skip
        self.exchange = ExchangeCommands(
            self.record, self.reader, self.writer, self.prompts, self.feedback, self.browser
        )
        self.acts: dict[str, QAction] = build_actions(self, self.undo_group, {
            "pack_year": self.exchange.pack_year,
            "receive_files": self.exchange.receive_files,
            "return_selected": self.exchange.return_selected,
            "show_status": self.exchange.show_status,
            "new_record": self.records.new_record,
            "import_files": self.files.import_files,
            "import_folder": self.files.import_folder,
            "save": self.record.save,
            "export_excel": self.files.export_excel,
            "preview": self.files.preview,
            "print_current": self.files.print_current,
            "export_pdf": self.files.export_pdf,
            "print_year": self.files.print_year,
            "finalize": self.records.finalize,
            "make_monitoring": self.record.create_monitoring,
            "new_revision": self.records.new_revision,
            "carry_forward": self.records.carry_forward,
            "show_history": self.records.show_history,
            "backup": self.files.backup,
            "restore": self.files.restore,
            "about": self.files.about,
            "show_help": self.show_help,
            "close": self.close,
            "focus_search": self.focus_search,
            "delete": self.records.delete,
            "show_deleted": self.records.show_deleted,
            "export_summary": self.files.export_summary,
            "verify_printout": self.files.verify_printout,
        })  # fmt: skip
        # 删除 by the Delete key only where the focus is in the list: in an editor's field
        # (and in the forms' tables) the key deletes text, never a project.
        self.acts["act_delete"].setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.browser.view.addAction(self.acts["act_delete"])

        self.recent_menu = RecentFilesMenu(
            self.settings, self.files.import_paths, self.feedback, self
        )
        self.recent_menu.add_after(self.acts["act_import_folder"], self.menuBar())
        self.record.pane_built.connect(self.stack.addWidget)
        self.record.pane_built.connect(
            lambda pane: remember_check_split(pane, pane.checks, self.settings)
        )
        self.browser.record_selected.connect(self.record.open)
        self.record.kept.connect(self.browser.reselect)
        self.record.changed.connect(self._record_changed)
        self.record.saved.connect(self._record_saved)
        restore_state(self, self.splitter, self.browser, self.settings)
        self._record_changed()
        self.statusBar().showMessage(f"数据库：{self.db_path}")
        if not demo:
            self.files.start_auto_backup()

    # ================================================================ the open record

    @property
    def session(self) -> RecordSession | None:
        return self.record.session

    @property
    def declaration_editor(self) -> DeclarationEditor:
        return self.record.pane.declaration_editor

    @property
    def evaluation_editor(self) -> EvaluationEditor:
        return self.record.pane.evaluation_editor

    @property
    def monitoring_editor(self) -> MonitoringEditor:
        return self.record.pane.monitoring_editor

    @property
    def tabs(self) -> QTabWidget:
        return self.record.pane.tabs

    @property
    def checks(self) -> CheckPanel:
        return self.record.pane.checks

    @property
    def last_dialog(self) -> QWidget | None:
        return self.feedback.last_dialog

    def _record_changed(self) -> None:
        """Title, actions, the editors or the placeholder, the list's selection."""
        record = self.record
        self.stack.setCurrentWidget(record.pane if record.session else self.placeholder)
        update_actions(self.acts, record)
        decl = record.decl
        name = (decl.name or "新项目") if decl is not None else ""
        dirty = "*" if record.session is not None and record.session.is_dirty() else ""
        base = f"perfdesk — {self.db_path.name}" + ("（演示）" if self.demo else "")
        self.setWindowTitle(f"{dirty}{name} — {base}" if name else base)
        if record.record_id != self.browser.current_id:
            self.browser.current_id = record.record_id
            self.browser.reselect()

    def _record_saved(self, stored: Any, quiet: bool) -> None:
        current = stored.id == self.record.record_id
        self.browser.refresh(select_id=stored.id if current else None)
        self.feedback.status(("已自动保存" if quiet else "已保存") + f"：{stored.name}", 4000)

    def show_help(self) -> None:
        """The user guide beside the window (one at a time; F1 brings it back to front)."""
        from perfdesk.ui.help import HelpDialog
        from perfdesk.ui.screens import fit_to_screen

        if self._help is None:
            self._help = HelpDialog(self)
            fit_to_screen(self._help, 960, 760)
        if self._help.isVisible():
            self._help.raise_()  # already open behind the window: bring it forward
        else:
            self._help.show()
        self.feedback.last_dialog = self._help

    def focus_search(self) -> None:
        self.browser.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.browser.search.selectAll()

    # ================================================================ drops and close

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if dropped_paths(urls) or dropped_packages(urls):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        """Forms and folders are imported; hand-in packages (.pdpack) are received."""
        urls = event.mimeData().urls()
        paths, packages = dropped_paths(urls), dropped_packages(urls)
        if paths or packages:
            event.acceptProposedAction()
        if packages:
            self.exchange.receive_paths(packages)
        elif paths:
            self.files.import_paths(paths)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if not self.record.maybe_leave():
            event.ignore()
            return
        save_state(self, self.splitter, self.settings)
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Finish pending writes, stop both threads and their connections (idempotent)."""
        self.record.autosave_timer.stop()
        self.record.check_timer.stop()
        self.browser.stop()
        self.writer.shutdown()
        self.reader.shutdown()
        self.collector.stop()


__all__ = ["MainWindow", "default_size", "default_split"]
