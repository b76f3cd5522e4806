from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Property tests: in CI (CI=true, which scripts/test.sh sets) every run draws the same examples
# and keeps no example database, so a green commit stays green; a local run explores and
# remembers what it found. Every counterexample ever found is kept as an @example beside its
# test, so exploring locally and replaying in CI meet.
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI", "").lower() in ("1", "true", "yes") else "dev")

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
