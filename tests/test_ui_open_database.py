"""Before the window opens: a lock left by a crash is cleared after confirmation, and a
damaged database is checked and its readable projects saved into a new file — by buttons, not
the command line (issues 13 and 15). The damaged file is never written to."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from perfdesk.store.database import Store  # noqa: E402
from perfdesk.store.faults import DamagedError  # noqa: E402
from perfdesk.store.lock import DatabaseLock, LockInfo, lock_path  # noqa: E402
from perfdesk.ui.open_database import DamagedDatabaseDialog, acquire_or_offer  # noqa: E402
from tests.test_ui import ScriptedPrompts  # noqa: E402

SEED = Path(__file__).parent / "data" / "seed.json"


def _stale_lock(db: Path) -> LockInfo:
    # Our own pid in a lock we do not hold reads as a crashed perfdesk's (test_lock).
    info = LockInfo.for_this_process()
    lock_path(db).write_text(info.to_json(), encoding="utf-8")
    return info


def test_a_stale_lock_is_cleared_only_when_the_clerk_says_so(tmp_path: Path) -> None:
    db = tmp_path / "perfdesk.sqlite"
    Store(db).close()
    _stale_lock(db)
    asked = []
    lock = DatabaseLock(db)
    assert not acquire_or_offer(lock, lambda exc: asked.append(exc) or False)
    assert asked[0].stale and "失效" in asked[0].message
    assert lock_path(db).exists() and not lock.held  # left alone
    lock = DatabaseLock(db)
    assert acquire_or_offer(lock, lambda exc: True)
    assert lock.held and json.loads(lock_path(db).read_text())["pid"] == lock.info.pid
    lock.release()


def _damaged(tmp_path: Path, seed_decl) -> Path:
    import copy

    db = tmp_path / "绩效库.sqlite"
    with Store(db) as store:
        for n in range(30):
            d = copy.deepcopy(seed_decl)
            d.name = f"项目{n:02d}" + "说明" * 200
            store.save(d)
    data = bytearray(db.read_bytes())
    page = 4096
    # Damage some pages in the middle of the file (table b-tree pages of revisions).
    for p in range(len(data) // page // 2, len(data) // page // 2 + 3):
        data[p * page + 20 : p * page + 600] = b"\xa5" * 580
    db.write_bytes(bytes(data))
    return db


def test_the_damaged_dialog_checks_and_recovers_without_writing(qtbot, tmp_path, seed_decl):
    db = _damaged(tmp_path, seed_decl)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    try:
        Store(db).refuse_if_damaged()
    except DamagedError as exc:
        message = exc.message
    else:  # the damage may sit where opening does not look: it is still damage to check
        message = "数据库已损坏"
    prompts = ScriptedPrompts()
    dialog = DamagedDatabaseDialog(db, message, prompts)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    report = dialog.check()
    assert "发现" in report.heading.text() and report.text.toPlainText().strip()
    out = tmp_path / "救出.sqlite"
    prompts.confirms.append(True)  # open the recovered file
    dialog.recover(out)
    assert dialog.chosen == out
    with Store(out) as recovered:
        assert 0 < recovered.count() <= 30
        assert all(
            recovered.get(rid).name.startswith("项目") for (rid,) in recovered.list(columns=("id",))
        )
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
