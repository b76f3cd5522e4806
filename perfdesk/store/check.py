"""``check`` and ``recover``: what is damaged in a database file, and saving what is not.

Both open the file read-only and read it record by record, so one damaged page costs the
records on it, never the answer: every SQLite error is caught and becomes a finding naming
the record (id and project name) where one can be named. A record is damaged when its pages
cannot be read, a revision's text cannot be decoded, or its content no longer has the
fingerprint it was stored with (edited behind the program's back). ``recover`` copies every
revision that is sound into a new file, keeping ids, revision numbers and fingerprints, so
printed forms still verify against it.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from perfdesk.models.errors import StoreError
from perfdesk.progress import Progress
from perfdesk.store.database import Store, revision_problem
from perfdesk.store.documents import fingerprints
from perfdesk.store.faults import storage_error
from perfdesk.store.schema import MIGRATION_NAMES, MIGRATION_SET, SCHEMA_VERSION

# At most this many lines of SQLite's integrity_check are shown for damage no record owns.
_INTEGRITY_LINES = 5
# Progress is reported every this many records (100,000 take ~1 minute: README).
_PROGRESS_STEP = 500
# Files of an older schema (read as they are) kept no fingerprint of the 运行监控表.
_MONITORING_SCHEMA = MIGRATION_NAMES.index("0012_monitoring") + 1


@dataclass(frozen=True)
class Damage:
    """One damaged record (or revision of it); ``record_id`` None: the file as a whole."""

    problem: str
    record_id: int | None = None
    name: str | None = None
    revision: int | None = None

    @property
    def message(self) -> str:
        if self.record_id is None:
            return self.problem
        title = f"“{self.name}”" if self.name else "（名称无法读出）"
        rev = f"第 {self.revision} 版" if self.revision is not None else ""
        return f"编号 {self.record_id} {title}{rev}：{self.problem}"


@dataclass
class CheckReport:
    damage: list[Damage] = field(default_factory=list)
    records: int = 0  # records read (sound or not)
    version: int | None = None

    @property
    def ok(self) -> bool:
        return not self.damage


# What reading a damaged page can raise: SQLite's own error, or text that is no longer
# UTF-8 (Python decodes TEXT columns, sqlite_master's names included).
UNREADABLE = (sqlite3.DatabaseError, UnicodeDecodeError)

def _open_readonly(path: Path) -> sqlite3.Connection:
    uri = f"file:{quote(str(path.absolute()))}?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=10, isolation_level=None)


def _rows(conn: sqlite3.Connection, sql: str, params: Any = ()) -> Iterator[tuple[Any, ...]]:
    """Rows until the first unreadable page (a damaged table yields what precedes it)."""
    with contextlib.suppress(*UNREADABLE):
        yield from conn.execute(sql, params)


def _record_ids(conn: sqlite3.Connection) -> list[int]:
    """Every record id any table or index still knows."""
    ids: set[int] = set()
    for sql in (
        "SELECT id FROM records",
        "SELECT id FROM records NOT INDEXED ORDER BY id DESC",
        "SELECT record_id FROM revisions",
        "SELECT record_id FROM revisions NOT INDEXED ORDER BY id DESC",
    ):
        ids |= {int(r[0]) for r in _rows(conn, sql) if isinstance(r[0], int)}
    return sorted(ids)


def _schema_damage(conn: sqlite3.Connection) -> tuple[list[Damage], int | None]:
    try:
        (user_version,) = conn.execute("PRAGMA user_version").fetchone()
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    except UNREADABLE as exc:
        return [Damage(f"文件无法作为数据库读出（{exc}）")], None
    if "records" not in tables or "revisions" not in tables:
        return [Damage("这不是 perfdesk 数据库（没有项目表）")], None
    applied = []
    if "_sqlite_migrations" in tables:
        applied = [
            r[0]
            for r in _rows(
                conn,
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
                [MIGRATION_SET],
            )
        ]
    version = max(len(applied), int(user_version or 0))
    if version > SCHEMA_VERSION or any(n not in MIGRATION_NAMES for n in applied):
        return [
            Damage(
                f"架构版本 {version} 比本程序认识的 {SCHEMA_VERSION} 新：请用更新版本的 perfdesk 打开"
            )
        ], version
    return [], version


def _integrity(conn: sqlite3.Connection) -> list[str]:
    try:
        rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check(100)")]
    except UNREADABLE as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def _record_damage(
    conn: sqlite3.Connection, rid: int, version: int
) -> tuple[list[Damage], list[tuple]]:
    """Findings for one record, and its sound revisions (revision, status, doc, fp, fpe,
    fpm, saved_at). In a file older than the monitoring fingerprint, a 运行监控表 is taken as
    it reads and given its fingerprint now."""
    recorded = version >= _MONITORING_SCHEMA
    fpm_column = "fingerprint_monitoring" if recorded else "NULL"
    name: str | None = None
    current: int | None = None
    found: list[Damage] = []
    row_damaged = False
    try:
        row = conn.execute("SELECT name, revision FROM records WHERE id = ?", [rid]).fetchone()
        if row is not None:
            name, current = row
    except UNREADABLE:
        row_damaged = True
        found.append(Damage("项目行所在的页面已损坏"))
    revisions: list[tuple] = []
    try:
        revisions = conn.execute(
            "SELECT revision, status, doc, fingerprint_declaration, fingerprint_evaluation, "
            f"{fpm_column}, saved_at FROM revisions WHERE record_id = ? ORDER BY revision",
            [rid],
        ).fetchall()
    except UNREADABLE:
        # Read them one by one, skipping the revision whose page is damaged.
        for (rev,) in _rows(conn, "SELECT revision FROM revisions WHERE record_id = ?", [rid]):
            try:
                revisions.append(conn.execute(
                    "SELECT revision, status, doc, fingerprint_declaration, "
                    f"fingerprint_evaluation, {fpm_column}, saved_at FROM revisions "
                    "WHERE record_id = ? AND revision = ?", [rid, rev]).fetchone())  # fmt: skip
            except UNREADABLE:
                found.append(Damage("此版本所在的页面已损坏", revision=rev))
        if not revisions:
            found.append(Damage("各版本所在的页面已损坏"))
    sound = []
    for rev, status, doc, fpd, fpe, fpm, saved_at in revisions:
        problem = revision_problem(doc, fpd, fpe, fpm, monitoring_recorded=recorded)
        if problem:
            found.append(Damage(problem, revision=rev))
            continue
        if not recorded:
            from perfdesk.models.serialize import loads

            fpm = fingerprints(loads(doc))[2]
        sound.append((rev, status, doc, fpd, fpe, fpm, saved_at))
        if name is None:
            with contextlib.suppress(ValueError, TypeError, AttributeError):
                import json

                name = str(json.loads(doc).get("name"))
    if current is not None and not any(r[0] == current for r in revisions) and not found:
        found.append(Damage("缺少当前版本", revision=current))
    if current is None and revisions and not row_damaged:
        found.append(Damage("项目行不存在，只剩下它的版本（外键检查未通过）"))
    return [Damage(d.problem, rid, name, d.revision) for d in found], sound


def _step(progress: Progress | None, done: int, total: int, what: str) -> None:
    if progress is not None and (done % _PROGRESS_STEP == 0 or done == total):
        progress(done, total, f"{what} {done}/{total}")


def inspect(conn: sqlite3.Connection, progress: Progress | None = None) -> CheckReport:
    """Everything wrong with the database on ``conn``; never raises for damage."""
    report = CheckReport()
    report.damage, report.version = _schema_damage(conn)
    if report.version is None:
        return report
    if progress is not None:
        progress(0, 0, "SQLite 完整性检查")
    integrity = _integrity(conn)
    ids = _record_ids(conn)
    report.records = len(ids)
    for n, rid in enumerate(ids, 1):
        report.damage += _record_damage(conn, rid, report.version)[0]
        _step(progress, n, len(ids), "正在检查项目")
    if integrity and not any(d.record_id is not None for d in report.damage):
        lines = "；".join(integrity[:_INTEGRITY_LINES])
        more = f"（另有 {len(integrity) - _INTEGRITY_LINES} 处）" if len(integrity) > 5 else ""
        report.damage.append(Damage(f"SQLite 完整性检查未通过：{lines}{more}"))
    elif integrity:
        report.damage.append(
            Damage(f"SQLite 完整性检查发现 {len(integrity)} 处问题（受损项目已在上面列出）")
        )
    return report


def check_file(path: str | Path, progress: Progress | None = None) -> CheckReport:
    """``perfdesk check``: open ``path`` read-only and inspect it."""
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"数据库文件“{path}”不存在。")
    try:
        conn = _open_readonly(path)
    except sqlite3.Error as exc:
        raise storage_error(exc, path) or StoreError(f"无法打开“{path}”（{exc}）。") from exc
    try:
        return inspect(conn, progress)
    finally:
        conn.close()


@dataclass
class RecoverReport:
    saved: list[int] = field(default_factory=list)  # record ids copied
    lost: list[Damage] = field(default_factory=list)  # records or revisions not copied


def recover(
    source: str | Path, output: str | Path, progress: Progress | None = None
) -> RecoverReport:
    """Copy every sound revision of every readable record of ``source`` into the new
    database ``output`` (ids, revisions, fingerprints kept); what could not be copied is
    listed. ``output`` appears only when complete."""
    source, output = Path(source), Path(output)
    if output.exists():
        raise StoreError(f"“{output}”已存在；recover 只写入新文件，请换一个文件名。")
    if output.resolve() == source.resolve():
        raise StoreError("recover 不能写回受损的文件本身，请给出一个新文件名。")
    try:
        conn = _open_readonly(source)
    except sqlite3.Error as exc:
        raise storage_error(exc, source) or StoreError(f"无法打开“{source}”（{exc}）。") from exc
    tmp = output.with_name(output.name + ".part")
    report = RecoverReport()
    try:
        schema, version = _schema_damage(conn)
        if version is None or schema:
            raise StoreError(f"无法从“{source}”救出项目：{schema[0].problem}。")
        tmp.unlink(missing_ok=True)
        with Store(tmp) as dest, dest.transaction():
            ids = _record_ids(conn)
            for n, rid in enumerate(ids, 1):
                _step(progress, n, len(ids), "正在救出项目")
                found, sound = _record_damage(conn, rid, version)
                report.lost += found
                if sound and _copy_record(dest, rid, sound, report):
                    report.saved.append(rid)
                elif not found:
                    report.lost.append(Damage("没有可读的版本", rid))
        tmp.replace(output)
    except (sqlite3.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise storage_error(exc, source, output) or StoreError(
            f"无法写出“{output}”（{exc}）。"
        ) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        conn.close()
    return report


def _copy_record(dest: Store, rid: int, sound: list[tuple], report: RecoverReport) -> bool:
    from perfdesk.models.serialize import loads

    rev, status, doc, *_rest = sound[-1]
    row = {"id": rid, **dest._row(loads(doc), status, rev)}
    try:
        dest.conn.execute(
            f"INSERT INTO records ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
    except sqlite3.IntegrityError as exc:
        report.lost.append(Damage(f"与另一个项目重复，未救出（{exc}）", rid))
        return False
    dest.conn.executemany(
        "INSERT INTO revisions (record_id, revision, status, doc, fingerprint_declaration, "
        "fingerprint_evaluation, fingerprint_monitoring, saved_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(rid, *r) for r in sound],
    )
    return True


def problems(store: Store) -> list[str]:
    """Every problem ``perfdesk check`` reports for an open Store, as sentences; empty when
    the file is sound."""
    return [d.message for d in inspect(store.conn).damage]
