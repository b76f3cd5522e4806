"""The core (everything under perfdesk/ but perfdesk/ui) loads no Qt (STYLE.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Run in a fresh interpreter: the test process itself has Qt loaded by pytest-qt.
PROBE = r"""
import importlib, json, pkgutil, sys
import perfdesk

names = []
for info in pkgutil.walk_packages(perfdesk.__path__, "perfdesk."):
    if info.name == "perfdesk.ui" or info.name.startswith("perfdesk.ui."):
        continue
    if info.name == "perfdesk.__main__":
        continue  # runs the program when imported
    importlib.import_module(info.name)
    names.append(info.name)
qt = sorted(
    m for m in sys.modules
    if m.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6", "PySide2", "pytestqt")
)
print(json.dumps({"imported": names, "qt": qt}))
"""


def test_core_imports_no_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert "perfdesk.models.targets" in report["imported"]
    assert "perfdesk.models.checks" in report["imported"]
    assert report["qt"] == [], f"Qt loaded by the core: {report['qt']}"


def test_probe_would_see_qt() -> None:
    """The probe's check is real: importing a Qt module does show up in sys.modules."""
    code = "import sys, PySide6.QtCore; print('PySide6.QtCore' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip() == "True"
