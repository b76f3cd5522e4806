"""The window's actions as data: one table row per command, the menus and the toolbar."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence, QUndoGroup
from PySide6.QtWidgets import QMainWindow

from perfdesk.models.status import STATUS_FINAL
from perfdesk.ui.open_record import OpenRecord

Key = QKeySequence.StandardKey
Icon = QIcon.ThemeIcon
FINALIZE_TEXT = {"declaration": "定稿", "monitoring": "监控表定稿", "evaluation": "自评表定稿"}


@dataclass(frozen=True)
class ActionSpec:
    name: str  # the key in the actions' dict: "act_new"
    text: str
    slot: str  # the key of the command in the slots given to build_actions
    shortcut: Key | str | None = None  # a standard key, or keys such as "Ctrl+E"
    icon: Icon | None = None  # from the desktop's theme, where it has one
    tip: str = ""  # the status-bar tip; the text when empty


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("act_new", "新建", "new_record", Key.New, Icon.DocumentNew, "新建一份申报表"),
    ActionSpec("act_import", "导入文件…", "import_files", Key.Open, Icon.DocumentOpen,
               "导入 Excel（.xlsx/.xls）或 JSON 文件"),
    ActionSpec("act_import_folder", "导入文件夹…", "import_folder", None, None,
               "导入一个文件夹中的全部表"),
    ActionSpec("act_save", "保存", "save", Key.Save, Icon.DocumentSave),
    ActionSpec("act_export", "导出Excel…", "export_excel", "Ctrl+E", None,
               "导出为财政局格式的 Excel"),
    ActionSpec("act_preview", "打印预览", "preview", "Ctrl+Shift+P", Icon.DocumentPrintPreview),
    ActionSpec("act_print", "打印…", "print_current", Key.Print, Icon.DocumentPrint),
    ActionSpec("act_pdf", "导出PDF…", "export_pdf"),
    ActionSpec("act_print_year", "全年导出PDF…", "print_year", None, None,
               "把一个年度的全部申报表、运行监控表或自评表导出为 PDF 文件，每个项目一份"),
    ActionSpec("act_finalize", "定稿", "finalize", None, None, "检查无误后定稿（锁定）当前表"),
    ActionSpec("act_make_monitoring", "按申报表生成运行监控表", "make_monitoring", None, None,
               "年中按申报表的指标和预算生成绩效运行监控表"),
    ActionSpec("act_new_revision", "新修订", "new_revision", None, None,
               "重新打开已定稿的当前表（申报表、运行监控表或自评表），修改成为新的一版"),
    ActionSpec("act_carry", "结转下一年", "carry_forward", None, None,
               "由本项目生成下一年度的申报草稿"),
    ActionSpec("act_history", "版本历史…", "show_history"),
    ActionSpec("act_pack", "上报…", "pack_year", None, Icon.MailSend,
               "把一个年度的定稿表打成数据包，交给主管部门"),
    ActionSpec("act_receive", "接收…", "receive_files", None, Icon.MailMessageNew,
               "接收单位上报或主管部门退回的数据包（也可把 .pdpack 文件拖到窗口上）"),
    ActionSpec("act_return", "退回…", "return_selected", None, None,
               "把列表中选中的项目连同退回意见打成数据包，退回给单位"),
    ActionSpec("act_status", "上报汇总…", "show_status", None, None,
               "各单位的上报、退回和未报情况"),
    ActionSpec("act_backup", "备份…", "backup"),
    ActionSpec("act_restore", "恢复…", "restore", None, Icon.DocumentRevert),
    ActionSpec("act_help", "使用说明", "show_help", Key.HelpContents, Icon.HelpFaq,
               "一年的工作从导入到盖章的纸质件，一步一步（F1）"),
    ActionSpec("act_about", "关于", "about", None, Icon.HelpAbout),
    ActionSpec("act_quit", "退出", "close", Key.Quit, Icon.ApplicationExit),
    ActionSpec("act_find", "查找", "focus_search", Key.Find, Icon.EditFind),
    ActionSpec("act_delete", "删除…", "delete", Key.Delete, Icon.EditDelete,
               "删除列表中选中的项目（各版本保留，可在“已删除的项目”中恢复）"),
    ActionSpec("act_deleted", "已删除的项目…", "show_deleted", None, None,
               "查看已删除的项目，把选中的恢复到列表"),
    ActionSpec("act_summary", "导出年度汇总表…", "export_summary", None, None,
               "一个年度每个项目一行的汇总表（Excel），报财政局用"),
    ActionSpec("act_verify", "核对打印件…", "verify_printout", None, None,
               "核对一份打印出的 PDF 是否就是库中的现行版本"),
)  # fmt: skip

# None is a separator. act_undo and act_redo come from the window's QUndoGroup.
MENUS: tuple[tuple[str, tuple[str | None, ...]], ...] = (
    ("文件(&F)", ("act_new", "act_import", "act_import_folder", "act_save", None,
                "act_export", "act_pdf", "act_preview", "act_print", "act_print_year", None,
                "act_summary", "act_verify", None,
                "act_backup", "act_restore", None, "act_quit")),
    ("编辑(&E)", ("act_undo", "act_redo", None, "act_find")),
    ("项目(&P)", ("act_finalize", "act_new_revision", "act_make_monitoring", "act_carry",
                 "act_history", None, "act_delete", "act_deleted")),
    ("报送(&S)", ("act_pack", "act_receive", None, "act_return", "act_status")),
    ("帮助(&H)", ("act_help", None, "act_about")),
)  # fmt: skip

TOOLBAR: tuple[str, ...] = (
    "act_new", "act_import", "act_save", "act_export", "act_preview", "act_print", "act_pdf",
    "act_finalize", "act_new_revision", "act_carry", "act_undo", "act_redo",
)  # fmt: skip


def make_action(parent: QMainWindow, spec: ActionSpec, slot: Callable[[], object]) -> QAction:
    icon = QIcon.fromTheme(spec.icon) if spec.icon is not None else QIcon()
    action = QAction(icon, spec.text, parent)
    action.setStatusTip(spec.tip or spec.text)
    if spec.shortcut is not None:
        action.setShortcut(QKeySequence(spec.shortcut))
    action.triggered.connect(lambda _checked=False: slot())
    return action


def build_actions(
    window: QMainWindow, undo_group: QUndoGroup, slots: Mapping[str, Callable[[], object]]
) -> dict[str, QAction]:
    """Every action of ``ACTIONS`` (triggering ``slots[spec.slot]``) and undo/redo, in the
    window's menu bar and toolbar; handed back by name."""
    actions = {spec.name: make_action(window, spec, slots[spec.slot]) for spec in ACTIONS}
    undo = undo_group.createUndoAction(window, "撤销")
    undo.setShortcuts(Key.Undo)
    redo = undo_group.createRedoAction(window, "重做")
    redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
    actions["act_undo"], actions["act_redo"] = undo, redo

    bar = window.menuBar()
    for title, names in MENUS:
        menu = bar.addMenu(title)
        for name in names:
            menu.addSeparator() if name is None else menu.addAction(actions[name])
    toolbar = window.addToolBar("常用")
    toolbar.setObjectName("main-toolbar")
    # Words, not pictures: a clerk reads 定稿 faster than guessing an icon for it.
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    for name in TOOLBAR:
        toolbar.addAction(actions[name])
    return actions


def update_actions(actions: Mapping[str, QAction], record: OpenRecord) -> None:
    """Enable what the open record allows: finalize a draft, revise a final one, and so on."""
    decl = record.decl
    has = decl is not None
    stored = record.record_id is not None
    form = record.current_form()
    # The form on screen: the declaration itself, or its 自评表 / 运行监控表 (None until made).
    sub = getattr(decl, form, None) if has and form != "declaration" else decl
    sub_final = sub is not None and sub.status == STATUS_FINAL
    mon = decl.monitoring if decl is not None else None
    actions["act_save"].setEnabled(has)
    for name in ("act_export", "act_preview", "act_print", "act_pdf"):
        actions[name].setEnabled(sub is not None)
    actions["act_finalize"].setEnabled(sub is not None and not sub_final)
    actions["act_finalize"].setText(FINALIZE_TEXT[form])
    actions["act_make_monitoring"].setEnabled(has and mon is None)
    # 新修订 reopens the form on screen only (Store.new_revision(rid, form)).
    actions["act_new_revision"].setEnabled(stored and sub_final)
    actions["act_carry"].setEnabled(stored)
    actions["act_history"].setEnabled(stored)
