"""The one-folder app (build.spec) as an office PC gets it: built once per test session, then
driven from outside with no Python, no checkout and no network on its path.

The build takes a minute or two; it runs whenever PyInstaller is installed (the test extras
include it). ``PERFDESK_FROZEN_APP=dist/perfdesk/perfdesk`` reuses a build made from the same
tree instead (scripts/build_app.sh).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from perfdesk import __version__

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
SEED_XLSX = DATA / "excel_in" / "seed.xlsx"
SEED_NAME = "12345市民服务热线外包服务"
SEED_UNIT = "中共上海市委、上海市人民政府信访办公室"
EXE = "perfdesk.exe" if sys.platform == "win32" else "perfdesk"


@pytest.fixture(scope="session")
def frozen_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("PyInstaller")
    prebuilt = os.environ.get("PERFDESK_FROZEN_APP")
    if prebuilt:
        return Path(prebuilt).resolve()
    root = tmp_path_factory.mktemp("frozen")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(root / "dist"),
            "--workpath",
            str(root / "work"),
            str(REPO / "build.spec"),
        ],  # fmt: skip
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert proc.returncode == 0, proc.stderr[-5000:]
    app = root / "dist" / "perfdesk" / EXE
    assert app.is_file()
    return app


@pytest.fixture
def office_env(tmp_path: Path) -> dict[str, str]:
    """An environment without the checkout or the developer's data folder on it."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME", "PERFDESK_DB", "VIRTUAL_ENV")
    }
    env["HOME"] = str(tmp_path / "home")
    env["XDG_DATA_HOME"] = str(tmp_path / "home" / "data")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "home" / "config")
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _run(app: Path, args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(app), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


def _internal(app: Path) -> Path:
    return app.parent / "_internal"


def test_version(frozen_app: Path, office_env: dict[str, str], tmp_path: Path) -> None:
    out = _run(frozen_app, ["--version"], office_env, tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"perfdesk {__version__}"


def test_bundle_holds_what_perfdesk_needs_and_not_the_rest(frozen_app: Path) -> None:
    internal = _internal(frozen_app)
    assert (internal / "resources" / "fonts" / "wqy-microhei.ttc").is_file()
    translations = internal / "PySide6" / "Qt" / "translations"
    assert (translations / "qtbase_zh_CN.qm").is_file()
    assert sorted(p.name for p in translations.iterdir()) == ["qt_zh_CN.qm", "qtbase_zh_CN.qm"]
    pyside = {p.name.split(".")[0] for p in (internal / "PySide6").glob("Qt*.*") if p.is_file()}
    assert {"QtCore", "QtGui", "QtWidgets", "QtPrintSupport", "QtPdf", "QtPdfWidgets"} <= pyside
    assert not pyside & {"QtNetwork", "QtQml", "QtQuick", "QtWebEngineCore", "QtMultimedia"}
    assert not (internal / "tkinter").exists() and not (internal / "numpy").exists()
    assert (internal / "PIL").is_dir()  # reportlab imports it unconditionally
    # Linux builds link shared libraries twice under _internal: count files, not symlinks.
    files = [p for p in frozen_app.parent.rglob("*") if p.is_file() and not p.is_symlink()]
    size = sum(p.stat().st_size for p in files)
    assert size < 260 * 1024 * 1024, f"the build grew to {size / 2**20:.0f} MB"


def test_import_excel_and_print_pdf_in_a_chinese_folder(
    frozen_app: Path, office_env: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "绩效" / "申报"
    folder.mkdir(parents=True)
    db = folder / "绩效库.sqlite"
    form = folder / "2019年申报表.xlsx"
    shutil.copyfile(SEED_XLSX, form)

    out = _run(frozen_app, ["--db", str(db), "import", str(form), "--json"], office_env, tmp_path)
    assert out.returncode == 0, out.stderr
    line = json.loads(out.stdout.strip().splitlines()[0])
    assert line["status"] == "imported" and len(line["ids"]) == 1
    rid = line["ids"][0]

    listed = _run(frozen_app, ["--db", str(db), "list", "--json"], office_env, tmp_path)
    rows = json.loads(listed.stdout)
    assert [(r["id"], r["name"], r["unit"]) for r in rows] == [(rid, SEED_NAME, SEED_UNIT)]
    assert not (folder / "绩效库.sqlite.lock").exists()  # the import released its lock

    pdf = folder / "打印.pdf"
    out = _run(
        frozen_app, ["--db", str(db), "print", str(rid), "-o", str(pdf)], office_env, tmp_path
    )
    assert out.returncode == 0, out.stderr
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    fields = dict(line.split(":", 1) for line in info.stdout.splitlines() if ":" in line)
    assert int(fields["Pages"]) >= 1
    assert SEED_NAME in fields["Title"]
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    # The bundled font, found inside the app (sys._MEIPASS/resources), embedded as a subset.
    assert "WenQuanYi" in fonts.stdout
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert SEED_NAME in text and SEED_UNIT in text and "绩效目标申报表" in text


def test_print_a_year(
    frozen_app: Path, office_env: dict[str, str], tmp_path: Path
) -> None:
    """``print --year`` from the frozen program: reportlab and its QR code modules are in
    the bundle."""
    db = tmp_path / "年度.sqlite"
    forms = SEED_XLSX.parent / "multi_forms.xlsx"
    out = _run(frozen_app, ["--db", str(db), "import", str(forms)], office_env, tmp_path)
    assert out.returncode == 0, out.stderr
    folder = tmp_path / "全年 打印"
    args = ["--db", str(db), "print", "--year", "2019", "-o", str(folder)]
    out = _run(frozen_app, args, office_env, tmp_path)
    assert out.returncode == 0, out.stderr
    assert "已打印 2 份" in out.stdout
    pdfs = sorted(folder.glob("*.pdf"))
    assert len(pdfs) == 2 and all(p.read_bytes().startswith(b"%PDF-") for p in pdfs)


def test_second_writer_is_refused_with_the_holders_name(
    frozen_app: Path, office_env: dict[str, str], tmp_path: Path
) -> None:
    from perfdesk.store.lock import DatabaseLock

    db = tmp_path / "共享" / "perfdesk.sqlite"
    with DatabaseLock(db) as lock:  # a colleague's perfdesk holds the database
        out = _run(frozen_app, ["--db", str(db), "import", str(SEED_XLSX)], office_env, tmp_path)
        assert out.returncode == 1
        assert lock.info is not None
        assert f"进程 {lock.info.pid}" in out.stderr and "perfdesk unlock" in out.stderr
    out = _run(frozen_app, ["--db", str(db), "import", str(SEED_XLSX)], office_env, tmp_path)
    assert out.returncode == 0, out.stderr


def _bench():
    spec = importlib.util.spec_from_file_location(
        "bench_frozen", REPO / "bench" / "bench_frozen.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(sys.platform != "linux", reason="the window is observed through Xvfb")
@pytest.mark.parametrize("demo", [False, True], ids=["database", "demo"])
def test_window_shows_from_the_frozen_app(
    frozen_app: Path, office_env: dict[str, str], tmp_path: Path, demo: bool
) -> None:
    bench = _bench()
    # --demo reads resources/demo/seed.json from inside the bundle.
    db = None if demo else bench.seed_database(tmp_path)
    if db is None:
        args, title = ["--demo"], "perfdesk — demo.sqlite（演示）"
    else:
        args, title = ["--db", str(db)], "perfdesk — perfdesk.sqlite"
    # Raises with the program's output if it crashes or shows no main window (an error box
    # has another title).
    seconds = bench.time_to_window([str(frozen_app), *args], office_env, title=title, cwd=tmp_path)
    assert seconds > 0
