"""The window's actions as data: one table row per command, the menus and the toolbar.

Built in the window's constructor, so this runs before the first paint: it touches neither
``QtCore.Qt`` nor ``QKeySequence`` nor ``QIcon`` (PySide builds them on first use, see
:mod:`perfdesk.ui.main_window`). The keys are set by :func:`install_shortcuts` just after it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtGui import QAction

from perfdesk.models.status import STATUS_FINAL

if TYPE_CHECKING:
    from perfdesk.ui.main_window import MainWindow

# Qt.ToolButtonStyle.ToolButtonTextOnly, as a number before the first paint.
TOOL_BUTTON_TEXT_ONLY = 1


class ActionSpec(NamedTuple):
    attr: str  # the window's attribute: ``window.act_new``
    text: str
    slot: str  # the window's method it triggers
    # A QKeySequence.StandardKey name ("Save") or keys ("Ctrl+E"); see install_shortcuts.
    shortcut: str | None = None
    tip: str = ""  # the status-bar tip; the text when empty


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("act_new", "新建", "new_record", "New", "新建一份申报表"),
    ActionSpec("act_import", "导入文件…", "import_files", "Open",
               "导入 Excel（.xlsx/.xls）或 JSON 文件"),
    ActionSpec("act_import_folder", "导入文件夹…", "import_folder", None,
               "导入一个文件夹中的全部表"),
    ActionSpec("act_save", "保存", "save", "Save"),
    ActionSpec("act_export", "导出Excel…", "export_excel", "Ctrl+E", "导出为财政局格式的 Excel"),
    ActionSpec("act_preview", "打印预览", "preview", "Ctrl+Shift+P"),
    ActionSpec("act_print", "打印…", "print_current", "Print"),
    ActionSpec("act_pdf", "导出PDF…", "export_pdf"),
    ActionSpec("act_print_year", "打印全年…", "print_year", None,
               "把一个年度的全部表打印为 PDF 文件"),
    ActionSpec("act_finalize", "定稿", "finalize", None, "检查无误后定稿（锁定）当前表"),
    ActionSpec("act_new_revision", "新修订", "new_revision", None,
               "打开已定稿的项目，修改成为新的一版"),
    ActionSpec("act_carry", "结转下一年", "carry_forward", None, "由本项目生成下一年度的申报草稿"),
    ActionSpec("act_history", "版本历史…", "show_history"),
    ActionSpec("act_backup", "备份…", "backup"),
    ActionSpec("act_restore", "恢复…", "restore"),
    ActionSpec("act_about", "关于", "about"),
    ActionSpec("act_quit", "退出", "close", "Quit"),
    ActionSpec("act_find", "查找", "focus_search", "Find"),
)  # fmt: skip

# None is a separator. act_undo and act_redo come from the window's QUndoGroup.
MENUS: tuple[tuple[str, tuple[str | None, ...]], ...] = (
    ("文件(&F)", ("act_new", "act_import", "act_import_folder", "act_save", None,
                "act_export", "act_pdf", "act_preview", "act_print", "act_print_year", None,
                "act_backup", "act_restore", None, "act_quit")),
    ("编辑(&E)", ("act_undo", "act_redo", None, "act_find")),
    ("项目(&P)", ("act_finalize", "act_new_revision", "act_carry", "act_history")),
    ("帮助(&H)", ("act_about",)),
)  # fmt: skip

TOOLBAR: tuple[str, ...] = (
    "act_new", "act_import", "act_save", "act_export", "act_preview", "act_print", "act_pdf",
    "act_finalize", "act_new_revision", "act_carry", "act_undo", "act_redo",
)  # fmt: skip


def make_action(window: MainWindow, spec: ActionSpec) -> QAction:
    # QAction(text, parent) would make PySide weigh the QAction(QIcon, ...) overload and
    # build the QIcon class (~3 ms); the window shows no icons.
    action = QAction(window)
    action.setText(spec.text)
    action.setStatusTip(spec.tip or spec.text)
    slot = getattr(window, spec.slot)
    action.triggered.connect(lambda _checked=False: slot())
    return action


def build_actions(window: MainWindow) -> list[tuple[QAction, str]]:
    """Set the window's ``act_*`` attributes and fill its menu bar and toolbar; hand back
    the (action, key) pairs for :func:`install_shortcuts`."""
    shortcuts: list[tuple[QAction, str]] = []
    for spec in ACTIONS:
        action = make_action(window, spec)
        if spec.shortcut is not None:
            shortcuts.append((action, spec.shortcut))
        setattr(window, spec.attr, action)
    window.act_undo = window.undo_group.createUndoAction(window, "撤销")
    window.act_redo = window.undo_group.createRedoAction(window, "重做")  # keys: install_shortcuts

    bar = window.menuBar()
    for title, names in MENUS:
        menu = bar.addMenu(title)
        for name in names:
            menu.addSeparator() if name is None else menu.addAction(getattr(window, name))

    tb = window.addToolBar("常用")
    tb.setObjectName("main-toolbar")
    tb.setProperty("toolButtonStyle", TOOL_BUTTON_TEXT_ONLY)
    for name in TOOLBAR:
        tb.addAction(getattr(window, name))
    return shortcuts


def install_shortcuts(window: MainWindow, shortcuts: list[tuple[QAction, str]]) -> None:
    """The actions' keys, set just after the first paint (idempotent: ``shortcuts`` is
    emptied): PySide's check of a shortcut argument builds the Qt namespace enums."""
    if not shortcuts:
        return
    from PySide6.QtGui import QKeySequence

    K = QKeySequence.StandardKey
    for action, spec in shortcuts:
        standard = getattr(K, spec, None)
        action.setShortcut(QKeySequence(standard if standard is not None else spec))
    shortcuts.clear()
    window.act_undo.setShortcuts(K.Undo)
    window.act_redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])


def update_actions(window: MainWindow) -> None:
    """Enable what the open record allows: finalize a draft, revise a final one, and so on."""
    s = window.session
    has = s is not None
    stored = s is not None and not s.is_new
    decl = s.decl if s is not None else None
    final = decl is not None and decl.status == STATUS_FINAL
    on_eval = window.on_evaluation_tab()
    ev = decl.evaluation if decl is not None else None
    window.act_save.setEnabled(has)
    for act in (window.act_export, window.act_preview, window.act_print, window.act_pdf):
        act.setEnabled(has and (not on_eval or ev is not None))
    eval_final = ev is not None and ev.status == STATUS_FINAL
    window.act_finalize.setEnabled(
        has and ((on_eval and ev is not None and not eval_final) or (not on_eval and not final))
    )
    window.act_finalize.setText("自评表定稿" if on_eval else "定稿")
    window.act_new_revision.setEnabled(stored and (final or eval_final))
    window.act_carry.setEnabled(stored)
    window.act_history.setEnabled(stored)
