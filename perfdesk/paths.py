"""Where perfdesk keeps its database, without asking Qt (the core imports no Qt).

The folder is the one Qt's ``QStandardPaths.AppDataLocation`` gives for an application named
``perfdesk`` with no organisation: ``%APPDATA%\\perfdesk`` on Windows,
``~/Library/Application Support/perfdesk`` on macOS, ``$XDG_DATA_HOME/perfdesk`` (default
``~/.local/share/perfdesk``) elsewhere. ``PERFDESK_DB`` names another file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "perfdesk"
DB_FILENAME = "perfdesk.sqlite"


def data_dir() -> Path:
    if sys.platform == "win32":
        base = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
        return Path(base) / APP_NAME
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_NAME
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / APP_NAME


def default_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--db`` wins, then ``PERFDESK_DB``, then the data folder."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("PERFDESK_DB")
    if env:
        return Path(env)
    return data_dir() / DB_FILENAME


BACKUP_DIRNAME = "backups"


def backup_folder(db_path: str | os.PathLike[str]) -> Path:
    """Where automatic backups of this database go: ``backups/`` beside it."""
    return Path(db_path).parent / BACKUP_DIRNAME
