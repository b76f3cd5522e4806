"""Starting the window: QApplication, Chinese Qt dialogs, the CJK font, error hooks.

``run(db_path, demo)`` is what ``perfdesk`` (no command) calls; ``main()`` is the
gui-script entry point. With ``demo=True`` and no path the window opens a throw-away
database holding the seed declaration and its self-evaluation.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from perfdesk.resources import resource_path
from perfdesk.ui.dialogs import install_excepthook, show_error
from perfdesk.ui.refcounts import pin_singletons

DEMO_SEED = ("demo", "seed.json")
UI_FONT = ("fonts", "wqy-microhei.ttc")
# Chinese for the strings of Qt's dialogs that qtbase_zh_CN.qm misses (source: the .ts beside it).
QT_SUPPLEMENT = ("translations", "perfdesk_qt_zh_CN.qm")


def ensure_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication, created once with perfdesk's names, Chinese locale, Qt's Chinese
    translations and a font that has Chinese. Fractional scaling (125 %, 150 % on office
    laptops) is not rounded: that is Qt 6's default (PassThrough)."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    pin_singletons()
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("perfdesk")
    app.setApplicationDisplayName("perfdesk 绩效目标与自评")
    app.setOrganizationName("perfdesk")
    install_translations(app)
    ensure_chinese_font(app)
    return app


def install_translations(app: QApplication) -> list[QTranslator]:
    """Qt's own dialogs (buttons, file dialog, print dialog) in Chinese: Qt's zh_CN
    translations, then perfdesk's few strings that Qt's file leaves in English (Qt asks
    the translator installed last first, so ours fill the gaps without hiding Qt's)."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ours = resource_path(*QT_SUPPLEMENT)
    loaded = []
    for name, folder in (("qtbase_zh_CN", qt_folder), ("qt_zh_CN", qt_folder),
                         (ours.name, str(ours.parent))):  # fmt: skip
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            loaded.append(translator)
    return loaded


def system_has_chinese_font() -> bool:
    """Whether the system offers a font for Simplified Chinese (Windows and macOS always do;
    Linux does with any CJK font package). Qt then falls back to it for Chinese text."""
    return bool(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))


def ensure_chinese_font(app: QApplication) -> str | None:
    """Register the bundled font only where the system has no Chinese font: reading the
    5 MB collection is start-up time wasted wherever the system font falls back anyway."""
    if system_has_chinese_font():
        return None
    return install_font(app)


def install_font(app: QApplication) -> str | None:
    """Register the bundled CJK font so a machine with only pip packages shows Chinese.

    The system's own UI font stays first where it has Chinese (Windows, macOS, Linux with
    CJK fonts); the bundled face is used as the fallback family.
    """
    path = resource_path(*UI_FONT)
    if not path.is_file():
        return None
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        return None
    family = families[0]
    font = app.font()
    if QFontDatabase.WritingSystem.SimplifiedChinese not in QFontDatabase.writingSystems(
        font.family()
    ):
        font = QFont(font)
        font.setFamilies([font.family(), family])
        app.setFont(font)
    return family


def demo_database() -> Path:
    """A throw-away database in a temp folder holding the demo records."""
    from perfdesk.models.serialize import declaration_from_dict, loads
    from perfdesk.store.database import Store

    folder = Path(tempfile.mkdtemp(prefix="perfdesk-demo-"))
    path = folder / "demo.sqlite"
    seed = resource_path(*DEMO_SEED)
    with Store(path) as store:
        decl = declaration_from_dict(loads(seed.read_text(encoding="utf-8")))
        store.save(decl)
    return path


def run(db_path: Path | None, demo: bool = False) -> int:
    """Open the window on ``db_path`` (or a demo database) and run until it closes."""
    # First: from here on a bug of ours gets the crash dialog (stderr until Qt is up).
    install_excepthook()
    from perfdesk.store.faults import DamagedError
    from perfdesk.store.lock import DatabaseLock
    from perfdesk.ui.main_window import MainWindow
    from perfdesk.ui.open_database import (
        DamagedDatabaseDialog,
        acquire_or_offer,
        confirm_break,
    )
    from perfdesk.ui.prompts import Prompts
    from perfdesk.ui.settings import Settings

    app = ensure_app()
    lock = None
    throwaway: Path | None = None  # the demo's temp folder, removed when the window closes
    try:
        if db_path is None:
            if not demo:
                from perfdesk.paths import default_db_path

                db_path = default_db_path()
            else:
                db_path = demo_database()
                throwaway = db_path.parent
        while True:
            # Two people must not write one database file (a shared folder): the lock file
            # names who holds it; a lock left by a crash can be cleared here.
            lock = DatabaseLock(db_path)
            if not acquire_or_offer(lock, lambda exc: confirm_break(None, exc)):
                return 1
            try:
                window = MainWindow(db_path, Settings(), demo=demo)
                break
            except DamagedError as exc:
                # Never written to: check it, save what is readable, or go to the backups.
                lock.release()
                dialog = DamagedDatabaseDialog(Path(db_path), exc.message, Prompts())
                dialog.exec()
                if dialog.chosen is None:
                    return 1
                db_path = dialog.chosen
    except Exception as exc:  # noqa: BLE001 - shown to the user, then exit
        if lock is not None and lock.held:
            lock.release()
        box = show_error(None, exc)
        if box is not None:
            box.exec()
        return 1
    try:
        window.show()
        code = app.exec()
        window.shutdown()
    finally:
        lock.release()
        if throwaway is not None:
            shutil.rmtree(throwaway, ignore_errors=True)
    return int(code)


def main() -> int:
    """gui-script entry point: ``perfdesk-gui [--demo] [DB]``."""
    args = sys.argv[1:]
    demo = "--demo" in args
    rest = [a for a in args if not a.startswith("--")]
    if rest:
        return run(Path(rest[0]), demo=demo)
    if demo:
        return run(None, demo=True)
    from perfdesk.paths import default_db_path

    return run(default_db_path(os.environ.get("PERFDESK_DB")), demo=False)


if __name__ == "__main__":
    raise SystemExit(main())
