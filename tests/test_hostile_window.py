"""The window imports through the same reader process: a file that crashes the reader is
one line of the import report, and the files around it are imported."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from tests.test_hostile_sandbox import ABORT_XLS, PANIC_XLS, patched  # noqa: E402
from tests.test_ui import (  # noqa: E402, F401 - the window fixtures of the UI tests
    make_window,
    prompts,
    qt_warnings_fail,
    rows,
    wait_idle,
)

CORPUS = Path(__file__).parent / "data" / "excel_in"


def test_the_window_reports_crashing_files_and_imports_the_rest(qtbot, make_window, tmp_path):  # noqa: F811
    folder = tmp_path / "收件"
    folder.mkdir()
    (folder / "1_seed.xlsx").write_bytes((CORPUS / "seed.xlsx").read_bytes())
    (folder / "2_panic.xls").write_bytes(patched(PANIC_XLS))
    (folder / "3_abort.xls").write_bytes(patched(ABORT_XLS))
    (folder / "4_flat.xlsx").write_bytes((CORPUS / "flat_list.xlsx").read_bytes())
    w = make_window()
    w.files.import_paths([folder])
    wait_idle(qtbot, w)
    assert len(rows(w)) == 4  # the seed and the three projects of the list
    assert "拒绝 2 个" in w.last_dialog.heading.text()
    text = w.last_dialog.all_text()
    assert "2_panic.xls" in text and "3_abort.xls" in text
    assert "程序内部错误" not in text
