"""Write tests/data/schema/vN.sqlite for the current schema version N (run once per new
version; never overwrite an older fixture)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path

from sqlite_utils import Database

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from perfdesk.models.monitoring import make_monitoring  # noqa: E402
from perfdesk.models.serialize import declaration_from_dict, declaration_to_dict, loads  # noqa: E402
from perfdesk.store.database import Store  # noqa: E402
from perfdesk.store.migrations import migrations  # noqa: E402
from perfdesk.store.schema import SCHEMA_VERSION  # noqa: E402


def main(version: int = SCHEMA_VERSION) -> None:
    out = HERE / "data" / "schema"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"v{version}.sqlite"
    if path.exists():
        raise SystemExit(f"{path} exists: fixtures of shipped versions never change")
    # Build a file at exactly `version` by applying only the first `version` migrations.
    names = [m.name for m in migrations._migrations]
    db = Database(str(path))
    migrations.apply(db, stop_before=names[version] if version < len(names) else None)
    db.conn.close()
    seed = loads((HERE / "data" / "seed.json").read_text(encoding="utf-8"))
    store = Store.__new__(Store)  # write rows without migrating further
    import sqlite3

    store.path = path
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    store.conn = conn
    store._savepoint = 0
    decl = declaration_from_dict(seed)
    rid = store.save(decl).record.id
    final = store.get(rid)
    final.status = "final"
    store.save(final)
    final = store.get(rid)
    final.remarks = "第二版：修改备注"
    store.save(final)
    decl2 = declaration_from_dict(seed)
    decl2.name = "水务监测"
    decl2.year = 2020
    if version >= 12:  # 0012_monitoring: a 运行监控表, behind schedule (the list's red mark)
        decl2.monitoring = make_monitoring(decl2, dt.date(2020, 7, 10))
        decl2.monitoring.spent_to_date = Decimal("40000000")
        for ind in decl2.monitoring.indicators:
            ind.progress, ind.likelihood = "已完成进度过半", "确定能"
    store.save(decl2)
    ids = [r[0] for r in conn.execute("SELECT id FROM records ORDER BY id")]
    docs = [declaration_to_dict(store.get(i)) for i in ids]
    conn.close()
    (out / f"v{version}.json").write_text(
        json.dumps(docs, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else SCHEMA_VERSION)
