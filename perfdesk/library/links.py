"""The link 结转下一年 leaves between a project's years (table ``record_links``).

A project carried into the next year may be renamed there, or its unit may be; the link
keeps last year's record found (:meth:`perfdesk.store.database.Store.previous_year`).
"""

from __future__ import annotations

from perfdesk.store.database import Store


def link_to_previous(store: Store, record_id: int, previous_id: int) -> None:
    """Record that ``record_id`` continues ``previous_id`` (inside the caller's transaction)."""
    store.conn.execute(
        "INSERT OR REPLACE INTO record_links (record_id, previous_id) VALUES (?, ?)",
        [record_id, previous_id],
    )


def previous_id(store: Store, record_id: int) -> int | None:
    row = store.conn.execute(
        "SELECT previous_id FROM record_links WHERE record_id = ?", [record_id]
    ).fetchone()
    return None if row is None else int(row[0])
