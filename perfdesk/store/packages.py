"""What the store keeps of hand-in packages (forms.md §6; schema migration 0009).

``packages``: each package this database wrote (sent) or took in (received), once.
``package_records``: what a package did to which revision — the provenance of every received
revision, and the records a sent package carried. ``review_comments``: the 主管部门's comments
of a return, kept on the revision they reopened. Callers hold the transaction
(``Store.transaction``) so a package is taken in whole or not at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from perfdesk.store.database import Store

SENT = "sent"
RECEIVED = "received"


@dataclass(frozen=True)
class PackageRow:
    id: str
    direction: str
    kind: str
    year: int | None
    sender_unit: str
    sender_computer: str | None
    sender_user: str | None
    created: str | None
    handled_at: str
    file: str | None
    check_code: str | None
    record_count: int
    final_count: int


@dataclass(frozen=True)
class Comment:
    record_id: int
    revision: int
    package_id: str | None
    field: str | None
    text: str
    created: str

    def to_json(self) -> dict[str, Any]:
        return {
            "revision": self.revision,
            "package": self.package_id,
            "field": self.field,
            "text": self.text,
            "created": self.created,
        }


def now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def seen(store: Store, package_id: str, direction: str = RECEIVED) -> PackageRow | None:
    row = store.conn.execute(
        f"SELECT {_COLUMNS} FROM packages WHERE id = ? AND direction = ?", [package_id, direction]
    ).fetchone()
    return None if row is None else PackageRow(*row)


_COLUMNS = (
    "id, direction, kind, year, sender_unit, sender_computer, sender_user, created, handled_at, "
    "file, check_code, record_count, final_count"
)


def add_package(store: Store, row: PackageRow) -> None:
    store.conn.execute(
        f"INSERT INTO packages ({_COLUMNS}) VALUES ({', '.join('?' * 13)})",
        [
            row.id, row.direction, row.kind, row.year, row.sender_unit, row.sender_computer,
            row.sender_user, row.created, row.handled_at, row.file, row.check_code,
            row.record_count, row.final_count,
        ],
    )  # fmt: skip


def add_record(
    store: Store,
    package_id: str,
    direction: str,
    record_id: int,
    revision: int,
    outcome: str,
    fingerprint: str | None,
    note: str | None = None,
    *,
    forms: tuple[str | None, str | None] = (None, None),
) -> None:
    """``fingerprint``: the declaration's; ``forms``: the 自评表's and the 运行监控表's (None
    where the package had none)."""
    store.conn.execute(
        "INSERT INTO package_records (package_id, direction, record_id, revision, outcome, "
        "fingerprint, note, fingerprint_evaluation, fingerprint_monitoring) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [package_id, direction, record_id, revision, outcome, fingerprint, note, *forms],
    )


def provenance(store: Store, record_id: int) -> list[dict[str, Any]]:
    """Every package that brought a revision of this record: revision, package, sender, time."""
    rows = store.conn.execute(
        "SELECT pr.revision, pr.outcome, p.id, p.sender_unit, p.sender_computer, p.sender_user, "
        "p.handled_at, p.kind FROM package_records pr JOIN packages p "
        "ON p.id = pr.package_id AND p.direction = pr.direction "
        "WHERE pr.record_id = ? AND pr.direction = 'received' ORDER BY pr.rowid",
        [record_id],
    ).fetchall()
    return [
        {
            "revision": r[0], "outcome": r[1], "package": r[2], "sender_unit": r[3],
            "sender_computer": r[4], "sender_user": r[5], "received_at": r[6], "kind": r[7],
        }
        for r in rows
    ]  # fmt: skip


def last_received_fingerprints(
    store: Store, record_id: int
) -> tuple[str | None, str | None, str | None]:
    """The content fingerprints (declaration, 自评表, 运行监控表) of what the last submit
    package brought for this record: the common ground of the unit's copy and ours. All None
    when no package brought it."""
    row = store.conn.execute(
        "SELECT fingerprint, fingerprint_evaluation, fingerprint_monitoring FROM package_records "
        "WHERE record_id = ? AND direction = 'received' "
        "AND outcome IN ('added', 'updated', 'conflict', 'unchanged') "
        "ORDER BY rowid DESC LIMIT 1",
        [record_id],
    ).fetchone()
    return (None, None, None) if row is None else (row[0], row[1], row[2])


def add_comments(
    store: Store,
    record_id: int,
    revision: int,
    package_id: str | None,
    comments: list[tuple[str | None, str]],
) -> None:
    stamp = now()
    for field, text in comments:
        store.conn.execute(
            "INSERT INTO review_comments (record_id, revision, package_id, field, text, created) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [record_id, revision, package_id, field, text, stamp],
        )


def comments(store: Store, record_id: int, revision: int | None = None) -> list[Comment]:
    """The review comments on a record: those on ``revision``, or on its latest commented one."""
    if revision is None:
        row = store.conn.execute(
            "SELECT max(revision) FROM review_comments WHERE record_id = ?", [record_id]
        ).fetchone()
        if row is None or row[0] is None:
            return []
        revision = int(row[0])
    rows = store.conn.execute(
        "SELECT record_id, revision, package_id, field, text, created FROM review_comments "
        "WHERE record_id = ? AND revision = ? ORDER BY id",
        [record_id, revision],
    ).fetchall()
    return [Comment(*r) for r in rows]


def packages_of_year(store: Store, year: int) -> list[PackageRow]:
    rows = store.conn.execute(
        f"SELECT {_COLUMNS} FROM packages WHERE year = ? ORDER BY handled_at", [year]
    ).fetchall()
    return [PackageRow(*r) for r in rows]


def package_units_before(store: Store, year: int) -> set[str]:
    """Units that sent packages in earlier years."""
    return {
        r[0]
        for r in store.conn.execute(
            "SELECT DISTINCT sender_unit FROM packages WHERE direction = 'received' "
            "AND kind = 'submit' AND year < ?",
            [year],
        )
    }


def units_before(store: Store, year: int) -> set[str]:
    """Units with records in earlier years."""
    return {
        r[0] for r in store.conn.execute("SELECT DISTINCT unit FROM records WHERE year < ? AND deleted_at IS NULL", [year])
    }


def records_of_package(store: Store, package_id: str, direction: str) -> list[tuple[int, int, str]]:
    return [
        (int(r[0]), int(r[1]), str(r[2]))
        for r in store.conn.execute(
            "SELECT record_id, revision, outcome FROM package_records "
            "WHERE package_id = ? AND direction = ? ORDER BY rowid",
            [package_id, direction],
        )
    ]


def reopen_as_draft(store: Store, record_id: int) -> int:
    """Open the record's current revision as a new draft revision (a final one through
    ``Store.new_revision``; a draft is copied as the next revision too, so the returned state
    stays in the history beside the comments). Returns the new revision number."""
    decl = store.get(record_id)
    if decl.status == "final":
        return store.new_revision(record_id).revision or 0
    row = store.conn.execute(
        "SELECT revision, doc, fingerprint_declaration, fingerprint_evaluation, "
        "fingerprint_monitoring FROM revisions "
        "WHERE record_id = ? AND revision = (SELECT revision FROM records WHERE id = ?)",
        [record_id, record_id],
    ).fetchone()
    rev = int(row[0]) + 1
    store.conn.execute(
        "INSERT INTO revisions (record_id, revision, status, doc, fingerprint_declaration, "
        "fingerprint_evaluation, fingerprint_monitoring, saved_at) "
        "VALUES (?, ?, 'draft', ?, ?, ?, ?, ?)",
        [record_id, rev, row[1], row[2], row[3], row[4], now()],
    )
    store.conn.execute("UPDATE records SET revision = ? WHERE id = ?", [rev, record_id])
    return rev


def set_check_code(store: Store, package_id: str, direction: str, code: str) -> None:
    store.conn.execute(
        "UPDATE packages SET check_code = ? WHERE id = ? AND direction = ?",
        [code, package_id, direction],
    )


def monitoring_of_record(store: Store, record_id: int) -> tuple[str | None, int]:
    """The list's 监控 columns of a record: its 运行监控表's status (None: none) and red mark."""
    row = store.conn.execute(
        "SELECT monitoring_status, monitoring_alert FROM records WHERE id = ?", [record_id]
    ).fetchone()
    return (None, 0) if row is None else (row[0], int(row[1]))


def unit_of_record(store: Store, record_id: int) -> str | None:
    """The unit of a listed record; None when it is deleted (status counts it no more)."""
    row = store.conn.execute(
        "SELECT unit FROM records WHERE id = ? AND deleted_at IS NULL", [record_id]
    ).fetchone()
    return None if row is None else str(row[0])


def status_of_record(store: Store, record_id: int) -> str | None:
    row = store.conn.execute("SELECT status FROM records WHERE id = ?", [record_id]).fetchone()
    return None if row is None else str(row[0])
