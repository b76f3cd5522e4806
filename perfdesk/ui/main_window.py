"""The main window: project browser beside the editors; its skeleton and wiring.

Reads go through a Store owned by the GUI thread; every write goes through the one
:class:`~perfdesk.ui.operations.Worker`. The window is built from injected dependencies
(database path, settings, prompts) so tests drive the real thing.

What the window does lives beside it: the actions, menus and toolbar as data in
:mod:`~perfdesk.ui.actions`; saving, autosave and the unsaved prompt in
:mod:`~perfdesk.ui.saving`; the record commands (定稿, 新修订, 结转下一年…) in
:mod:`~perfdesk.ui.commands_records`; import, export, print, backup in
:mod:`~perfdesk.ui.commands_files`; the open record's wiring in
:mod:`~perfdesk.ui.record_view`; size and layout in :mod:`~perfdesk.ui.window_state`. Those
are functions of the window, bound in the class as its methods (``window.save()``), which is
what the actions, the dialogs and the tests call.

Start-up is two steps so the window appears at once: the constructor builds only what the
first paint shows (menus, toolbar, the browser with its first page); the editors, the check
panel and the worker thread are made just after that paint (``ensure_editors``; anything
that needs them earlier builds them on the spot), and their modules are imported then.

``QtCore.Qt`` is not touched before the first paint: PySide builds all ~90 enums of the Qt
namespace on first use (~40 ms of a ~0.4 s start). The few enum settings of the first
paint are written as Qt properties with their numbers; the rest waits for the deferred step.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction, QUndoGroup
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from perfdesk.models.status import STATUS_DRAFT
from perfdesk.store.database import Store
from perfdesk.ui import actions, commands_files, commands_records, record_view, saving, window_state
from perfdesk.ui import settings as S
from perfdesk.ui.browser import Browser
from perfdesk.ui.gc_guard import GuiThreadCollector
from perfdesk.ui.window_state import default_size, default_split

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QTabWidget

    from perfdesk.ui.check_panel import CheckPanel
    from perfdesk.ui.declaration_editor import DeclarationEditor
    from perfdesk.ui.editor_pane import EditorPane
    from perfdesk.ui.evaluation_editor import EvaluationEditor
    from perfdesk.ui.operations import JobContext, Worker
    from perfdesk.ui.prompts import Prompts
    from perfdesk.ui.session import RecordSession

CHECK_DELAY_MS = 250
# A window never painted (minimised at start) still gets its editors and worker by then.
DEFERRED_FALLBACK_MS = 1000
TAB_EVALUATION = 1  # as in editor_pane, which is imported with the editors
# Qt.AlignmentFlag.AlignCenter as a number for the first paint (see the module docstring).
ALIGN_CENTER = 0x0084


class MainWindow(QMainWindow):
    first_painted = Signal()  # the list is on screen; the editors are built next
    editors_ready = Signal()

    # Set by actions.build_actions from its table (the menus, the toolbar and tests use them).
    act_new: QAction
    act_import: QAction
    act_import_folder: QAction
    act_save: QAction
    act_export: QAction
    act_preview: QAction
    act_print: QAction
    act_pdf: QAction
    act_print_year: QAction
    act_finalize: QAction
    act_new_revision: QAction
    act_carry: QAction
    act_history: QAction
    act_backup: QAction
    act_restore: QAction
    act_about: QAction
    act_quit: QAction
    act_find: QAction
    act_undo: QAction
    act_redo: QAction

    def __init__(
        self,
        db_path: Path,
        settings: S.Settings,
        *,
        prompts: Prompts | None = None,
        demo: bool = False,
    ) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.settings = settings
        self._prompts = prompts
        self.demo = demo
        self.collector = GuiThreadCollector(self)
        self.store = Store(self.db_path)  # the GUI thread's read store
        self._worker: Worker | None = None  # see the ``worker`` property
        self._pane: EditorPane | None = None  # see ``ensure_editors``
        self._painted = False
        self._deferred_done = False
        self.session: RecordSession | None = None
        self.last_dialog: QWidget | None = None
        self.undo_group = QUndoGroup(self)

        self.setWindowTitle(f"perfdesk — {self.db_path.name}" + ("（演示）" if demo else ""))
        self.setAcceptDrops(True)

        self.browser = Browser(self.store)
        self.placeholder = QLabel("在左侧选择一个项目，或点“新建”“导入”。")
        self.placeholder.setProperty("alignment", ALIGN_CENTER)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)  # the editors come second (ensure_editors)
        self.splitter = QSplitter()  # horizontal, Qt's default
        self.splitter.addWidget(self.browser)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)
        self.setCentralWidget(central)

        self.check_timer = QTimer(self)
        self.check_timer.setSingleShot(True)
        self.check_timer.setInterval(CHECK_DELAY_MS)
        self.check_timer.timeout.connect(self.run_checks)
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(self.settings.get(S.AUTOSAVE_MS))
        self.autosave_timer.timeout.connect(self.autosave)

        # Keys are set just after the first paint (actions.install_shortcuts).
        self._shortcuts = actions.build_actions(self)
        self.browser.record_selected.connect(self.open_record)
        window_state.restore_state(self)
        self.update_actions()
        self.statusBar().showMessage(f"数据库：{self.db_path}")
        # The rest is built once the list has been painted.
        self.browser.view.first_painted.connect(self._list_painted)

    # ================================================================ deferred parts

    def _list_painted(self) -> None:
        if not self._painted:
            self._painted = True
            # Queued: runs after this paint pass, once the window is on the screen.
            QTimer.singleShot(0, self, self._after_first_paint)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._painted:
            QTimer.singleShot(DEFERRED_FALLBACK_MS, self, self._after_first_paint)

    def _after_first_paint(self) -> None:
        """The parts the first paint does not show: editors, worker, warm-up, backup."""
        if self._deferred_done:
            return
        self._deferred_done = True
        self.first_painted.emit()
        from perfdesk.ui.app import ensure_translations

        app = QApplication.instance()
        if isinstance(app, QApplication):
            ensure_translations(app)
        actions.install_shortcuts(self, self._shortcuts)
        self.browser.finish()
        self.ensure_editors()
        self.worker.submit(_warm_up, lambda _r: None)
        commands_files.start_auto_backup(self)

    def ensure_editors(self) -> EditorPane:
        """The editors and check panel, built on first need (just after the first paint)."""
        if self._pane is None:
            from perfdesk.ui.editor_pane import EditorPane

            pane = EditorPane()
            self._pane = pane
            self.stack.addWidget(pane)
            dec, ev = pane.declaration_editor, pane.evaluation_editor
            dec.edited.connect(lambda path: self.apply_edit(dec.collect_into, path))
            ev.edited.connect(lambda path: self.apply_edit(ev.collect_into, path))
            ev.create_requested.connect(self.create_evaluation)
            pane.checks.field_activated.connect(self.focus_field)
            pane.tabs.currentChanged.connect(lambda _i: self.update_actions())
            self.editors_ready.emit()
        return self._pane

    @property
    def editors_built(self) -> bool:
        return self._pane is not None

    @property
    def declaration_editor(self) -> DeclarationEditor:
        return self.ensure_editors().declaration_editor

    @property
    def evaluation_editor(self) -> EvaluationEditor:
        return self.ensure_editors().evaluation_editor

    @property
    def tabs(self) -> QTabWidget:
        return self.ensure_editors().tabs

    @property
    def checks(self) -> CheckPanel:
        return self.ensure_editors().checks

    @property
    def worker(self) -> Worker:
        """The one writer thread, started after the first paint (or when first needed)."""
        if self._worker is None:
            from perfdesk.ui.operations import Worker

            self._worker = Worker(self.db_path, self)
            self._worker.error.connect(lambda exc, tb: self.report_error(exc, tb))
        return self._worker

    def stop_worker(self) -> None:
        """Finish the worker's jobs and close its connection; a new one starts on next use."""
        if self._worker is not None:
            self._worker.shutdown()
            self._worker = None

    def wait_idle(self) -> None:
        """Block until the worker has finished every queued job (on close)."""
        from PySide6.QtCore import QEventLoop

        worker = self._worker
        if worker is not None and worker.pending:
            loop = QEventLoop()
            worker.idle.connect(loop.quit)
            if worker.pending:
                loop.exec()

    @property
    def prompts(self) -> Prompts:
        if self._prompts is None:
            from perfdesk.ui.prompts import Prompts

            self._prompts = Prompts(self)
        return self._prompts

    def on_evaluation_tab(self) -> bool:
        return self._pane is not None and self._pane.tabs.currentIndex() == TAB_EVALUATION

    # ================================================================ commands
    # Functions of the window in the modules named, bound here as its methods: the actions,
    # the dialogs and the tests call ``window.save()``, ``window.print_year()``...
    update_actions = actions.update_actions
    # the open record
    open_record = record_view.open_record
    load = record_view.load
    apply_edit = record_view.apply_edit
    update_title = record_view.update_title
    run_checks = record_view.run_checks
    focus_field = record_view.focus_field
    # saving
    can_save = saving.can_save
    save = saving.save
    autosave = saving.autosave
    maybe_leave = saving.maybe_leave
    # records
    new_record = commands_records.new_record
    create_evaluation = commands_records.create_evaluation
    finalize = commands_records.finalize
    new_revision = commands_records.new_revision
    carry_forward = commands_records.carry_forward
    show_history = commands_records.show_history
    # files
    import_files = commands_files.import_files
    import_folder = commands_files.import_folder
    import_paths = commands_files.import_paths
    export_excel = commands_files.export_excel
    export_pdf = commands_files.export_pdf
    preview = commands_files.preview
    print_current = commands_files.print_current
    print_year = commands_files.print_year
    backup = commands_files.backup
    restore = commands_files.restore
    about = commands_files.about

    def current_form(self) -> str:
        return "evaluation" if self.on_evaluation_tab() else "declaration"

    def focus_search(self) -> None:
        from PySide6.QtCore import Qt

        self.browser.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.browser.search.selectAll()

    def report_error(self, exc: BaseException, tb: str | None = None) -> None:
        from perfdesk.ui.dialogs import show_error

        dialog = show_error(self, exc, tb)
        if dialog is not None:
            self.last_dialog = dialog

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if event.mimeData().hasUrls() and commands_files.dropped_paths(event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = commands_files.dropped_paths(event.mimeData().urls())
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    # ================================================================ close

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if not self.maybe_leave():
            event.ignore()
            return
        window_state.save_state(self)
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Finish pending writes and close both database connections (idempotent)."""
        self.autosave_timer.stop()
        self.check_timer.stop()
        self.browser.stop()
        self._deferred_done = True  # nothing more is built after this
        if self._worker is not None:
            self._worker.shutdown()
        self.collector.stop()
        try:
            self.store.close()
        except Exception:  # noqa: BLE001 - already closed
            pass


def _warm_up(_store: Store, _ctx: JobContext) -> None:
    """Import the checks, target parser and scoring on the worker while the user looks at
    the list, so the window opens before them and the first record opens without a wait.
    (They import no Qt, so importing them off the GUI thread is safe.)"""
    import perfdesk.models.checks  # noqa: F401
    import perfdesk.models.scoring  # noqa: F401


__all__ = ["MainWindow", "STATUS_DRAFT", "default_size", "default_split"]
