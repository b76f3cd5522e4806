"""Window state kept between runs, declared once as data (key, type, default, label).

QSettings is used only for window state (geometry, splitter, last folders, recent files);
the records themselves live in the database. Tests pass their own ``QSettings`` (an ini
file in a temp folder) so they never touch the user's settings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, SupportsIndex, SupportsInt

from PySide6.QtCore import QByteArray, QSettings


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    label: str


GEOMETRY = Setting("window/geometry", QByteArray, QByteArray(), "窗口位置和大小")
STATE = Setting("window/state", QByteArray, QByteArray(), "工具栏和停靠窗口")
SPLITTER = Setting("window/splitter", QByteArray, QByteArray(), "列表与编辑区的分隔")
CHECK_SPLITTER = Setting("window/check_splitter", QByteArray, QByteArray(), "编辑区与检查的分隔")
IMPORT_DIR = Setting("folders/import", str, "", "上次导入的文件夹")
EXPORT_DIR = Setting("folders/export", str, "", "上次导出的文件夹")
BACKUP_DIR = Setting("folders/backup", str, "", "上次备份的文件夹")
RECENT_FILES = Setting("recent/files", list, [], "最近导入的文件")
AUTOSAVE_MS = Setting("editing/autosave_ms", int, 3000, "停止输入多久后自动保存（毫秒）")
# Comma-separated column keys (a plain string: an empty list does not survive an ini file).
HIDDEN_COLUMNS = Setting("browser/hidden_columns", str, "id,revision,grade", "项目列表中隐藏的列")

ALL = (GEOMETRY, STATE, SPLITTER, CHECK_SPLITTER, IMPORT_DIR, EXPORT_DIR, BACKUP_DIR,
       RECENT_FILES, AUTOSAVE_MS, HIDDEN_COLUMNS)  # fmt: skip
MAX_RECENT = 10


class Settings:
    """Typed access to QSettings for the settings declared above."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.q = qsettings if qsettings is not None else QSettings("perfdesk", "perfdesk")

    @classmethod
    def in_file(cls, path: Path) -> Settings:
        return cls(QSettings(str(path), QSettings.Format.IniFormat))

    def get(self, setting: Setting) -> Any:
        value = self.q.value(setting.key, setting.default)
        if value is None:
            return setting.default
        if setting.type is list:
            if isinstance(value, str):
                return [value]
            # QSettings hands back a bare object; anything not iterable is unreadable.
            return list(value) if isinstance(value, Iterable) else setting.default
        if setting.type is int:
            if not isinstance(value, (str, bytes, bytearray, SupportsInt, SupportsIndex)):
                return setting.default
            try:
                return int(value)
            except ValueError:
                return setting.default
        if setting.type is str:
            return str(value)
        return value

    def set(self, setting: Setting, value: Any) -> None:
        self.q.setValue(setting.key, value)

    def folder(self, setting: Setting) -> str:
        folder = self.get(setting)
        return folder if folder and Path(folder).is_dir() else str(Path.home())

    def remember_folder(self, setting: Setting, path: str | Path) -> None:
        p = Path(path)
        self.set(setting, str(p if p.is_dir() else p.parent))

    def add_recent(self, path: str | Path) -> list[str]:
        recent = [str(path)] + [r for r in self.get(RECENT_FILES) if r != str(path)]
        recent = recent[:MAX_RECENT]
        self.set(RECENT_FILES, recent)
        return recent

    def remove_recent(self, path: str | Path) -> list[str]:
        recent = [r for r in self.get(RECENT_FILES) if r != str(path)]
        self.set(RECENT_FILES, recent)
        return recent

    def sync(self) -> None:
        self.q.sync()
