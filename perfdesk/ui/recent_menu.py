"""文件 → 最近导入的文件: the files imported last (settings.RECENT_FILES), imported again with
one click. A file moved or deleted since is said so and taken off the list."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

from perfdesk.ui import settings as S
from perfdesk.ui.feedback import Feedback


class RecentFilesMenu(QMenu):
    """Rebuilt each time it opens, so it always shows what the settings hold."""

    def __init__(
        self,
        settings: S.Settings,
        import_paths: Callable[[list[Path]], None],
        feedback: Feedback,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("最近导入的文件", parent)
        self.settings = settings
        self.import_paths = import_paths
        self.feedback = feedback
        self.aboutToShow.connect(self.rebuild)
        self.rebuild()

    def rebuild(self) -> None:
        self.clear()
        self.file_actions: list[QAction] = []
        recent = self.settings.get(S.RECENT_FILES)
        if not recent:
            self.addAction("（没有最近导入的文件）").setEnabled(False)
        for n, path in enumerate(recent, start=1):
            p = Path(path)
            # 1–9 as keys to pick with; the folder tells apart two files of one name.
            key = f"&{n} " if n < 10 else ""
            action = self.addAction(f"{key}{p.name}（{p.parent}）")
            action.setToolTip(str(p))
            action.setStatusTip(f"再次导入 {p}")
            action.triggered.connect(lambda _checked=False, path=str(p): self.reimport(path))
            self.file_actions.append(action)
        self.addSeparator()
        clear = self.clear_action = self.addAction("清除列表")
        clear.setEnabled(bool(recent))
        clear.triggered.connect(lambda _checked=False: self.clear_list())

    def reimport(self, path: str) -> None:
        if not Path(path).is_file():
            self.settings.remove_recent(path)
            self.feedback.message(
                "无法导入",
                f"文件“{path}”已不存在（可能已被移动或删除），已从最近导入的文件中去掉。",
            )
            return
        self.import_paths([Path(path)])

    def clear_list(self) -> None:
        self.settings.set(S.RECENT_FILES, [])

    def add_after(self, action: QAction, bar: QMenuBar) -> None:
        """Place this menu in ``bar``'s menu holding ``action``, right below it."""
        for top in bar.actions():
            menu = top.menu()
            if not isinstance(menu, QMenu) or action not in menu.actions():
                continue
            actions = menu.actions()
            after = actions.index(action) + 1
            if after < len(actions):
                menu.insertMenu(actions[after], self)
            else:
                menu.addMenu(self)
            return
