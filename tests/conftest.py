from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATA = Path(__file__).parent / "data"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "perfdesk.sqlite"


@pytest.fixture
def store(db_path: Path):
    from perfdesk.store.database import Store

    s = Store(db_path)
    yield s
    s.close()


@pytest.fixture
def seed_dict() -> dict[str, Any]:
    return json.loads((DATA / "seed.json").read_text(encoding="utf-8"))


@pytest.fixture
def seed_decl(seed_dict):
    from perfdesk.models.serialize import declaration_from_dict, loads

    return declaration_from_dict(loads(json.dumps(seed_dict, ensure_ascii=False)))
