"""Importing a bureau's library workbook into the store: the file (name, size, SHA-256) and
its entries with their sheet and row, in one transaction. The same bytes imported again
change nothing; a file that cannot be read changes nothing either."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfdesk.library.workbook import read_library_workbook
from perfdesk.models.errors import InputError
from perfdesk.store.database import Store

IMPORTED, UNCHANGED, REJECTED = "imported", "unchanged", "rejected"


@dataclass
class LibraryImport:
    file: str
    status: str
    entries: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "status": self.status,
            "entries": self.entries,
            "warnings": self.warnings,
            "error": self.error,
        }

    def sentence(self) -> str:
        if self.status == IMPORTED:
            return f"已导入指标库 {self.file}：{self.entries} 个指标。"
        if self.status == UNCHANGED:
            return f"指标库 {self.file} 已导入过（内容相同），未重复导入。"
        return f"已拒绝 {self.file}：{self.error}"


def import_library_bytes(store: Store, data: bytes, filename: str) -> LibraryImport:
    """Read and store one workbook; an unreadable one is reported, not raised."""
    digest = hashlib.sha256(data).hexdigest()
    known = store.conn.execute(
        "SELECT 1 FROM library_sources WHERE sha256 = ?", [digest]
    ).fetchone()
    if known:
        return LibraryImport(filename, UNCHANGED)
    try:
        book = read_library_workbook(data, filename)
    except InputError as exc:
        return LibraryImport(filename, REJECTED, error=exc.message)
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with store.transaction():
        cur = store.conn.execute(
            "INSERT INTO library_sources (file_name, sha256, size, imported_at) "
            "VALUES (?, ?, ?, ?)",
            [filename, digest, len(data), now],
        )
        source = cur.lastrowid
        store.conn.executemany(
            "INSERT INTO library_entries (source_id, sheet, row, framework, category, "
            "subcategory, name, explanation, reference, measure_unit, scoring, scope) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (source, r.sheet, r.row, r.framework, r.category, r.subcategory, r.name,
                 r.explanation, r.reference, r.measure_unit, r.scoring, r.scope)
                for r in book.rows
            ],
        )  # fmt: skip
    return LibraryImport(filename, IMPORTED, len(book.rows), book.warnings)


def import_library_file(store: Store, path: str | Path) -> LibraryImport:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = "文件不存在" if isinstance(exc, FileNotFoundError) else "无法读取"
        return LibraryImport(path.name, REJECTED, error=f"文件“{path}”{reason}。")
    return import_library_bytes(store, data, path.name)


def library_sources(store: Store) -> list[tuple[str, int, str]]:
    """(file name, entries, imported at) of every imported workbook, oldest first."""
    return [
        (name, int(n), at)
        for name, n, at in store.conn.execute(
            "SELECT s.file_name, count(e.id), s.imported_at FROM library_sources s "
            "LEFT JOIN library_entries e ON e.source_id = s.id GROUP BY s.id ORDER BY s.id"
        )
    ]
