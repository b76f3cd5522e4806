"""The SQLite store: one file, every revision kept, every write one transaction.

Rows of ``records`` mirror the current revision of each project for fast lists;
``revisions`` keeps each revision whole as canonical JSON (forms.md keys). A final record
is locked: a change to it makes a new draft revision and the old one stays printable.
How the list's filters, searches and sorts become SQL is in :mod:`perfdesk.store.search`;
how storage faults are named, in :mod:`perfdesk.store.faults`.
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
import functools
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar
from urllib.parse import quote

from perfdesk.models.errors import (
    ConflictError,
    NotFoundError,
    PerfdeskError,
    StoreError,
    ValidationError,
)
from perfdesk.models.status import STATUS_DRAFT, STATUS_FINAL
from perfdesk.models.words import os_reason
from perfdesk.store import search as queries
from perfdesk.store.documents import fingerprints, monitoring_columns
from perfdesk.store.faults import DamagedError, damaged_message, storage_error
from perfdesk.store.schema import MIGRATION_NAMES, MIGRATION_SET, SCHEMA_VERSION
from perfdesk.store.search import LIST_COLUMNS as LIST_COLUMNS
from perfdesk.store.search import LIVE
from perfdesk.store.search import SORTABLE as SORTABLE

# The record classes and their JSON form are loaded by the methods that read or write a
# whole record: the window's list (list/count/years/units) is painted without them.
if TYPE_CHECKING:
    from perfdesk.models.records import Declaration


# The three forms of a project's year, as 新修订 and its messages name them.
_FORM_NAMES = {"declaration": "申报表", "monitoring": "运行监控表", "evaluation": "自评表"}


class RevisionInfo(NamedTuple):
    revision: int
    status: str
    saved_at: str
    fingerprint_declaration: str
    fingerprint_evaluation: str | None
    fingerprint_monitoring: str | None


class FinalRecordError(ConflictError):
    """删除 of a 定稿 project that was not confirmed twice (final_ok)."""


class DeletedRecord(NamedTuple):
    """A project 删除 took out of the lists (its revisions kept); ``deleted_at`` is None
    once 恢复 has brought it back."""

    id: int
    year: int
    unit: str
    name: str
    status: str
    revision: int
    deleted_at: str | None


class SaveResult(NamedTuple):
    record: Declaration
    created: bool  # a new project
    new_revision: bool  # a revision was added (else updated in place or unchanged)
    changed: bool


def score_text(score: Any) -> str:
    """A score as the records table keeps it: 2 decimals, 6 characters ("096.50")."""
    from decimal import ROUND_HALF_UP, Decimal  # writes only: kept off the window's first paint

    value = Decimal(str(score)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{value:06.2f}"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _join_sentences(messages: Iterable[str]) -> str:
    """Findings are whole sentences; joined into one they lose their own full stops."""
    return "；".join(m.rstrip("。") for m in messages)


def _doc_text(doc: dict[str, Any]) -> str:
    import json  # only writes need it; not loaded before the window's first paint

    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


# What reading a stored document can raise when its text was damaged or edited.
_UNDECODABLE = (ValueError, TypeError, KeyError, AttributeError, ArithmeticError)


def revision_problem(
    doc_text: Any,
    fp_declaration: Any,
    fp_evaluation: Any,
    fp_monitoring: Any = None,
    *,
    monitoring_recorded: bool = True,
) -> str | None:
    """Why a stored revision cannot be trusted (undecodable, or its content no longer has
    the fingerprint it was stored with), or None. ``monitoring_recorded`` False: a file of
    a schema before 0012, which kept no fingerprint of the 运行监控表 to compare."""
    import json

    from perfdesk.models.serialize import content_of, declaration_from_dict, fingerprint_of, loads

    try:
        doc = json.loads(doc_text)
        declaration_from_dict(loads(doc_text))
    except (*_UNDECODABLE, PerfdeskError) as exc:
        return f"内容无法解读（{type(exc).__name__}）"
    if fingerprint_of(content_of(doc)) != fp_declaration:
        return "申报表内容与保存时的指纹不符（在程序之外被改动过）"
    if doc.get("evaluation") and fingerprint_of(content_of(doc, "evaluation")) != fp_evaluation:
        return "自评表内容与保存时的指纹不符（在程序之外被改动过）"
    if not monitoring_recorded:
        return None
    # A form added or removed behind the program's back shows as a form with no fingerprint,
    # or a fingerprint with no form.
    if bool(doc.get("monitoring")) != (fp_monitoring is not None) or (
        doc.get("monitoring") and fingerprint_of(content_of(doc, "monitoring")) != fp_monitoring
    ):
        return "运行监控表内容与保存时的指纹不符（在程序之外被改动过）"
    return None


_F = TypeVar("_F", bound=Callable[..., Any])


def _faults(method: _F) -> _F:
    """Storage faults raised inside ``method`` become the named StoreError (faults.py)."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.Error, OSError) as exc:
            named = storage_error(exc, self.path)
            if named is None:
                raise
            raise named from exc

    return wrapper  # type: ignore[return-value]


class Store:
    """A perfdesk database file. Not thread-safe: use one Store per thread."""

    def __init__(
        self, path: str | Path, *, create: bool = True, backups: int = 0, readonly: bool = False
    ) -> None:
        """Open (or create) the database. ``readonly`` opens it so that nothing can be
        written (check, recover, a backup being examined): an older schema is then read
        as it is, not migrated."""
        self.path = Path(path)
        self.readonly = readonly
        if (not create or readonly) and not self.path.exists():
            raise StoreError(f"数据库文件“{self.path}”不存在。")
        try:
            if readonly:
                uri = f"file:{quote(str(self.path.absolute()))}?mode=ro"
                conn = sqlite3.connect(uri, uri=True, timeout=10, isolation_level=None)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(str(self.path), timeout=10, isolation_level=None)
        except (sqlite3.Error, OSError) as exc:
            raise storage_error(exc, self.path) or StoreError(
                f"无法打开数据库“{self.path}”（{exc}）。"
            ) from exc
        self.conn = conn
        self._savepoint = 0
        try:
            self._migrate(backups)
        except BaseException:
            conn.close()
            raise

    def _set_pragmas(self) -> None:
        self.conn.execute("PRAGMA foreign_keys = ON")
        if self.readonly:
            return
        # DELETE journal + FULL sync: safe on network folders (WAL is not) and after a
        # power cut a committed transaction is on disk.
        self.conn.execute("PRAGMA journal_mode = DELETE")
        self.conn.execute("PRAGMA synchronous = FULL")
        # Up to 64 MB of pages (default 2 MB): the list's pages stay in memory between
        # keystrokes instead of being read back from the OS for every search.
        self.conn.execute("PRAGMA cache_size = -65536")

    # ------------------------------------------------------------ schema

    def _applied(self) -> list[str]:
        try:
            exists = self.conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
            ).fetchone()
            if not exists:
                return []
            return [
                r[0]
                for r in self.conn.execute(
                    "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
                    [MIGRATION_SET],
                )
            ]
        except sqlite3.DatabaseError as exc:
            raise storage_error(exc, self.path) or StoreError(
                f"“{self.path}”不是 perfdesk 数据库或已损坏（{exc}）。"
            ) from exc

    def _migrate(self, backups: int) -> None:
        # Nothing is written (not even a pragma) before the file is known to be ours and
        # not newer than this program.
        applied = self._applied()
        try:
            (user_version,) = self.conn.execute("PRAGMA user_version").fetchone()
            tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError as exc:
            raise DamagedError(damaged_message(self.path, str(exc))) from exc
        unknown = [n for n in applied if n not in MIGRATION_NAMES]
        if unknown or user_version > SCHEMA_VERSION:
            version = max(len(applied), user_version)
            raise StoreError(
                f"数据库“{self.path}”由更新版本的 perfdesk 创建（架构 {version}，"
                f"本程序只认识到 {SCHEMA_VERSION}），未做任何修改，请升级 perfdesk 后再打开。"
            )
        if not applied and tables and "records" not in tables:
            raise StoreError(f"“{self.path}”不是 perfdesk 数据库。")
        self._set_pragmas()
        if len(applied) < SCHEMA_VERSION and not self.readonly:
            if applied and not self.quick_check_ok():
                raise DamagedError(damaged_message(self.path, "升级架构前的检查未通过"))
            # sqlite-utils (and what it imports) is only loaded when there is work to do.
            from sqlite_utils import Database

            from perfdesk.store.migrations import migrations

            if applied and backups >= 0:
                self._backup_before_migration(len(applied))
            try:
                migrations.apply(Database(self.conn))
                self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            except (sqlite3.Error, OSError) as exc:
                raise storage_error(exc, self.path) or exc from exc

    def _backup_before_migration(self, version: int) -> None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.stem}.v{version}-{stamp}.bak.sqlite")
        self.backup(target)

    def schema_version(self) -> int:
        return len(self._applied())

    @_faults
    def quick_check_ok(self) -> bool:
        """SQLite's quick_check (every page read, indexes not compared with their tables):
        run before a command writes, so a damaged file is never written to."""
        try:
            rows = [r[0] for r in self.conn.execute("PRAGMA quick_check(1)")]
        except sqlite3.DatabaseError as exc:
            if isinstance(storage_error(exc, self.path), DamagedError):
                return False
            raise
        return rows == ["ok"]

    def refuse_if_damaged(self) -> None:
        """Raise DamagedError unless quick_check passes (see quick_check_ok)."""
        if not self.quick_check_ok():
            raise DamagedError(damaged_message(self.path, "SQLite 完整性检查未通过"))

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """One transaction; nested calls become savepoints. Rolled back on any exception."""
        if self.conn.in_transaction:
            self._savepoint += 1
            name = f"sp{self._savepoint}"
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    self.conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            else:
                self.conn.execute(f"RELEASE SAVEPOINT {name}")
            return
        self._execute_named("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        try:
            self._execute_named("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    @_faults
    def _execute_named(self, sql: str) -> None:
        self.conn.execute(sql)

    # ------------------------------------------------------------ reading

    @_faults
    def list(
        self,
        *,
        year: int | None = None,
        unit: str | None = None,
        status: str | None = None,
        search: str | None = None,
        order_by: Sequence[tuple[str, bool]] = (("year", True), ("unit", False), ("name", False)),
        limit: int | None = None,
        offset: int = 0,
        columns: Sequence[str] = LIST_COLUMNS,
        text_as_bytes: bool = False,
    ) -> builtins.list[tuple[Any, ...]]:
        """Rows (tuples in ``columns`` order) of the current revisions; order_by holds
        (column, descending) pairs. ``text_as_bytes`` leaves text as UTF-8 bytes, for
        callers that only write it out again (``list`` of a 100,000-record year)."""
        sql, params = queries.select(
            year=year,
            unit=unit,
            status=status,
            search=search,
            order_by=order_by,
            limit=limit,
            offset=offset,
            columns=columns,
        )
        if not text_as_bytes:
            return self.conn.execute(sql, params).fetchall()
        self.conn.text_factory = bytes
        try:
            return self.conn.execute(sql, params).fetchall()
        finally:
            self.conn.text_factory = str

    @_faults
    def list_json(self, *, year: int | None = None) -> str:
        """``list --json`` as one JSON text made by SQLite: [{id, year, unit, name, status,
        revision, has_evaluation}] in list order. A year of 100,000 projects encodes in one
        call instead of building 100,000 dicts in Python."""
        (text,) = self.conn.execute(*queries.select_json(year)).fetchone()
        return str(text)

    @_faults
    def count(
        self,
        *,
        year: int | None = None,
        unit: str | None = None,
        status: str | None = None,
        search: str | None = None,
    ) -> int:
        sql, params = queries.count(year=year, unit=unit, status=status, search=search)
        return int(self.conn.execute(sql, params).fetchone()[0])

    @_faults
    def years(self) -> builtins.list[int]:
        """The years that have records, latest first. One index seek per year (a skip
        scan): DISTINCT read the whole index, ~20 ms for 100,000 records, after every save."""
        return [
            r[0]
            for r in self.conn.execute(
                f"WITH RECURSIVE y(v) AS (SELECT max(year) FROM records WHERE {LIVE} "
                f"UNION ALL SELECT (SELECT max(year) FROM records WHERE year < y.v AND {LIVE}) "
                "FROM y "
                "WHERE y.v IS NOT NULL) SELECT v FROM y WHERE v IS NOT NULL"
            )
        ]

    @_faults
    def units(self, year: int | None = None) -> builtins.list[str]:
        sql = f"SELECT DISTINCT unit FROM records WHERE {LIVE}"
        params: builtins.list[Any] = []
        if year is not None:
            sql += " AND year = ?"
            params.append(year)
        return [r[0] for r in self.conn.execute(sql + " ORDER BY unit", params)]

    def _doc(self, record_id: int, revision: int | None) -> tuple[dict[str, Any], int, str]:
        if revision is None:
            row = self.conn.execute(
                "SELECT v.doc, v.revision, v.status, r.name FROM records r JOIN revisions v "
                "ON v.record_id = r.id AND v.revision = r.revision WHERE r.id = ?",
                [record_id],
            ).fetchone()
        else:
            row = self.conn.execute(
                "SELECT v.doc, v.revision, v.status, r.name FROM revisions v "
                "LEFT JOIN records r ON r.id = v.record_id "
                "WHERE v.record_id = ? AND v.revision = ?",
                [record_id, revision],
            ).fetchone()
        if row is None:
            exists = self.conn.execute("SELECT 1 FROM records WHERE id = ?", [record_id]).fetchone()
            if revision is not None and exists:
                raise NotFoundError(f"编号为 {record_id} 的项目没有第 {revision} 版。")
            raise NotFoundError(f"数据库中没有编号为 {record_id} 的项目。")
        from perfdesk.models.serialize import loads

        try:
            return loads(row[0]), row[1], row[2]
        except _UNDECODABLE as exc:
            raise self._damaged_record(record_id, row[3], row[1], "内容无法解读") from exc

    def _damaged_record(self, record_id: int, name: Any, revision: int, why: str) -> DamagedError:
        title = f"“{name}”" if name else ""
        return DamagedError(
            damaged_message(self.path, f"编号 {record_id} {title}第 {revision} 版{why}")
        )

    @_faults
    def get(self, record_id: int, revision: int | None = None) -> Declaration:
        """The record at its current revision, or at ``revision``."""
        from perfdesk.models.serialize import declaration_from_dict

        doc, rev, status = self._doc(record_id, revision)
        try:
            decl = declaration_from_dict(doc)
        except (*_UNDECODABLE, PerfdeskError) as exc:
            name = doc.get("name") if isinstance(doc, dict) else None
            raise self._damaged_record(record_id, name, rev, "内容无法解读") from exc
        decl.id = record_id
        decl.revision = rev
        decl.status = status
        return decl

    @_faults
    def get_dict(self, record_id: int, revision: int | None = None) -> dict[str, Any]:
        """The stored JSON of a revision with id, status and revision in front."""
        doc, rev, status = self._doc(record_id, revision)
        return {"id": record_id, "status": status, "revision": rev, **doc}

    @_faults
    def find_id(self, year: int, unit: str, name: str) -> int | None:
        row = self.conn.execute(
            "SELECT id FROM records WHERE year = ? AND unit = ? AND name = ?", [year, unit, name]
        ).fetchone()
        return None if row is None else int(row[0])

    @_faults
    def is_deleted(self, record_id: int) -> bool:
        row = self.conn.execute(
            "SELECT deleted_at IS NOT NULL FROM records WHERE id = ?", [record_id]
        ).fetchone()
        return bool(row and row[0])

    def find(self, year: int, unit: str, name: str) -> Declaration | None:
        rid = self.find_id(year, unit, name)
        return None if rid is None else self.get(rid)

    @_faults
    def revisions(self, record_id: int) -> builtins.list[RevisionInfo]:
        rows = self.conn.execute(
            "SELECT revision, status, saved_at, fingerprint_declaration, fingerprint_evaluation, "
            "fingerprint_monitoring FROM revisions WHERE record_id = ? ORDER BY revision",
            [record_id],
        ).fetchall()
        if not rows:
            raise NotFoundError(f"数据库中没有编号为 {record_id} 的项目。")
        return [RevisionInfo(*r) for r in rows]

    @_faults
    def find_fingerprint(self, fp: str) -> builtins.list[tuple[int, int, str]]:
        """(record id, revision, form) of every revision whose content has this fingerprint."""
        out = []
        for form, col in (
            ("declaration", "fingerprint_declaration"),
            ("evaluation", "fingerprint_evaluation"),
            ("monitoring", "fingerprint_monitoring"),
        ):
            for rid, rev in self.conn.execute(
                f"SELECT record_id, revision FROM revisions WHERE {col} = ?", [fp]
            ):
                out.append((int(rid), int(rev), form))
        return out

    # ------------------------------------------------------------ writing

    def _row(self, doc: dict[str, Any], status: str, revision: int) -> dict[str, Any]:
        from perfdesk.models.money import to_fen, to_money

        ev = doc.get("evaluation")
        monitoring_status, monitoring_alert = monitoring_columns(doc)

        def fen(v: Any) -> int | None:
            return None if v is None else to_fen(to_money(v))

        return {
            "year": doc["year"],
            "unit": doc["unit"],
            "name": doc["name"],
            "status": status,
            "revision": revision,
            "framework": doc["framework"],
            "project_type": doc["project_type"],
            "fund_use": doc["fund_use"],
            "total_budget_fen": fen(doc["total_budget"]),
            "year_budget_fen": fen(doc["year_budget"]),
            "indicator_count": len(doc["indicators"]),
            "has_evaluation": 1 if ev else 0,
            "evaluation_status": ev["status"] if ev else None,
            # Fixed width, so that text order is number order (migration 0008).
            "total_score": None
            if not ev or ev["total_score"] is None
            else score_text(ev["total_score"]),
            "grade": ev["grade"] if ev else None,
            "monitoring_status": monitoring_status,
            "monitoring_alert": monitoring_alert,
            "created_from": doc.get("created_from"),
            "updated_at": _now(),
        }

    @_faults
    def save(self, decl: Declaration, *, as_import: bool = False) -> SaveResult:
        """Create or update a project in one transaction.

        Known by ``decl.id``, else by (year, unit, name). A draft is updated in place; a
        change to a final declaration (or final evaluation) adds a new draft revision.
        ``as_import``: an imported form always becomes a new revision when it differs.
        """
        with self.transaction():
            rid, created, new_revision, changed = self._save(decl, as_import)
            return SaveResult(self.get(rid), created, new_revision, changed)

    @_faults
    def save_many(
        self, decls: Sequence[Declaration], *, as_import: bool = False
    ) -> builtins.list[int]:
        """Save several records in ONE transaction (all or none); returns their ids."""
        with self.transaction():
            return [self._save(d, as_import)[0] for d in decls]

    def _save(self, decl: Declaration, as_import: bool) -> tuple[int, bool, bool, bool]:
        if not decl.unit or not decl.name:
            raise ValidationError("“申报单位名称”和“项目名称”不能为空，无法保存。")
        from perfdesk.models.serialize import declaration_to_dict

        doc = declaration_to_dict(decl, with_store_keys=False)
        rid = decl.id if decl.id is not None else self.find_id(decl.year, decl.unit, decl.name)
        if rid is not None:
            other = self.find_id(decl.year, decl.unit, decl.name)
            if other is not None and other != rid:
                deleted = "，已删除，可在“已删除的项目”中恢复" if self.is_deleted(other) else ""
                raise ConflictError(
                    f"{decl.year}年“{decl.unit}”已有名为“{decl.name}”的项目（编号 {other}"
                    f"{deleted}）。"
                )
        if rid is None:
            status = decl.status if decl.status in (STATUS_DRAFT, STATUS_FINAL) else STATUS_DRAFT
            return self._insert(doc, status), True, True, True
        # A deleted project declared or imported again comes back as a new revision: the
        # one it was deleted at stays as it was, and the key (year, unit, name) stays its own.
        revived = self.is_deleted(rid)
        if revived:
            self.conn.execute("UPDATE records SET deleted_at = NULL WHERE id = ?", [rid])
        new_revision, changed = self._update(rid, doc, decl.status, as_import, revived)
        return rid, False, new_revision, changed or revived

    def _insert(self, doc: dict[str, Any], status: str) -> int:
        row = self._row(doc, status, 1)
        cur = self.conn.execute(
            f"INSERT INTO records ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
        rid = int(cur.lastrowid or 0)
        self._insert_revision(rid, 1, status, doc)
        return rid

    def _insert_revision(self, rid: int, revision: int, status: str, doc: dict[str, Any]) -> None:
        self.conn.execute(
            "INSERT INTO revisions (record_id, revision, status, doc, fingerprint_declaration, "
            "fingerprint_evaluation, fingerprint_monitoring, saved_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [rid, revision, status, _doc_text(doc), *fingerprints(doc), _now()],
        )

    def _update(
        self, rid: int, doc: dict[str, Any], status: str, as_import: bool, revived: bool = False
    ) -> tuple[bool, bool]:
        """Returns (new revision added, anything changed)."""
        from perfdesk.models.serialize import (
            content_of,
            declaration_from_dict,
            declaration_to_dict,
        )

        old_doc, old_rev, old_status = self._doc(rid, None)
        self._refuse_if_altered(rid, old_rev)
        old = declaration_to_dict(declaration_from_dict(old_doc), with_store_keys=False)
        decl_changed = content_of(old) != content_of(doc)
        # The 自评表 and the 运行监控表 each have a life of their own (forms.md §4, §5): a
        # change to a final one makes a new revision, in which it is a draft again.
        changed: dict[str, bool] = {}
        locked: dict[str, bool] = {}
        for form in ("evaluation", "monitoring"):
            before, after = old.get(form), doc.get(form)
            changed[form] = (bool(before) != bool(after)) or (
                bool(after) and content_of(old, form) != content_of(doc, form)
            )
            locked[form] = bool(before and before["status"] == STATUS_FINAL)
        parts_changed = any(changed.values())
        if not decl_changed and not parts_changed and not revived:
            same_status = status == old_status and all(
                not doc.get(form) or not old.get(form)
                or doc[form]["status"] == old[form]["status"]
                for form in changed
            )  # fmt: skip
            if same_status or as_import:
                return False, False
        needs_revision = (
            (decl_changed and old_status == STATUS_FINAL)
            or any(changed[form] and locked[form] for form in changed)
            or (as_import and (decl_changed or parts_changed))
            or revived
        )
        if decl_changed and old_status == STATUS_FINAL and not as_import:
            status = STATUS_DRAFT  # a changed final record is a new draft
        for form in changed:
            if doc.get(form) and changed[form] and locked[form] and not as_import:
                doc[form]["status"] = STATUS_DRAFT
        if needs_revision:
            rev = old_rev + 1
            self._insert_revision(rid, rev, status, doc)
        else:
            rev = old_rev
            self.conn.execute(
                "UPDATE revisions SET doc = ?, status = ?, fingerprint_declaration = ?, "
                "fingerprint_evaluation = ?, fingerprint_monitoring = ?, saved_at = ? "
                "WHERE record_id = ? AND revision = ?",
                [_doc_text(doc), status, *fingerprints(doc), _now(), rid, rev],
            )
        row = self._row(doc, status, rev)
        self.conn.execute(
            f"UPDATE records SET {', '.join(f'{k} = ?' for k in row)} WHERE id = ?",
            [*row.values(), rid],
        )
        return needs_revision, True

    @_faults
    def revision_problem(self, record_id: int, revision: int) -> str | None:
        """Why this stored revision cannot be trusted (see :func:`revision_problem`)."""
        row = self.conn.execute(
            "SELECT doc, fingerprint_declaration, fingerprint_evaluation, fingerprint_monitoring "
            "FROM revisions WHERE record_id = ? AND revision = ?",
            [record_id, revision],
        ).fetchone()
        if row is None:
            raise NotFoundError(f"编号为 {record_id} 的项目没有第 {revision} 版。")
        return revision_problem(*row)

    @_faults
    def refuse_if_altered(self, record_id: int, revision: int | None = None) -> None:
        """Raise DamagedError (one sentence pointing to check, recover and the backups) when
        the revision (default: the current one) is undecodable or no longer has its
        fingerprint."""
        self._refuse_if_altered(record_id, revision)

    def _refuse_if_altered(self, rid: int, revision: int | None = None) -> None:
        """A revision changed behind the program's back is never built upon (a new revision
        or a 定稿 would give the altered content a fingerprint of its own)."""
        row = self.conn.execute(
            "SELECT v.doc, v.fingerprint_declaration, v.fingerprint_evaluation, "
            "v.fingerprint_monitoring, r.name, v.revision FROM revisions v "
            "JOIN records r ON r.id = v.record_id "
            "WHERE v.record_id = ? AND v.revision = coalesce(?, r.revision)",
            [rid, revision],
        ).fetchone()
        if row is None:
            return  # no such record: the caller says so
        doc, fpd, fpe, fpm, name, revision = row
        problem = revision_problem(doc, fpd, fpe, fpm)
        if problem:
            raise self._damaged_record(rid, name, revision, problem)

    @_faults
    def finalize(self, record_id: int) -> Declaration:
        """draft → final; blocked by the errors of forms.md §3."""
        from perfdesk.models.checks import check_declaration

        with self.transaction():
            self._refuse_if_altered(record_id)
            decl = self.get(record_id)
            if decl.status == STATUS_FINAL:
                return decl
            errors = [
                f for f in check_declaration(decl, self.previous_year(decl)) if f.level == "error"
            ]
            if errors:
                lines = _join_sentences(f.message for f in errors[:5])
                more = f"（另有 {len(errors) - 5} 处）" if len(errors) > 5 else ""
                raise ValidationError(
                    f"“{decl.name}”有 {len(errors)} 处错误，不能定稿：{lines}{more}", errors
                )
            decl.status = STATUS_FINAL
            return self.save(decl).record

    @_faults
    def finalize_evaluation(self, record_id: int) -> Declaration:
        from perfdesk.models.checks import check_evaluation

        with self.transaction():
            self._refuse_if_altered(record_id)
            decl = self.get(record_id)
            if decl.evaluation is None:
                raise ValidationError(f"“{decl.name}”还没有自评表。")
            errors = [f for f in check_evaluation(decl) if f.level == "error"]
            if errors:
                lines = _join_sentences(f.message for f in errors[:5])
                raise ValidationError(
                    f"“{decl.name}”的自评表有 {len(errors)} 处错误，不能定稿：{lines}", errors
                )
            decl.evaluation.status = STATUS_FINAL
            return self.save(decl).record

    @_faults
    def finalize_monitoring(self, record_id: int) -> Declaration:
        """The 运行监控表 draft → final; blocked by the errors of forms.md §5, named."""
        from perfdesk.models.checks import check_monitoring

        with self.transaction():
            self._refuse_if_altered(record_id)
            decl = self.get(record_id)
            if decl.monitoring is None:
                raise ValidationError(f"“{decl.name}”还没有运行监控表。")
            if decl.monitoring.status == STATUS_FINAL:
                return decl
            errors = [f for f in check_monitoring(decl) if f.level == "error"]
            if errors:
                lines = _join_sentences(f.message for f in errors[:5])
                more = f"（另有 {len(errors) - 5} 处）" if len(errors) > 5 else ""
                raise ValidationError(
                    f"“{decl.name}”的运行监控表有 {len(errors)} 处错误，不能定稿：{lines}{more}。",
                    errors,
                )
            decl.monitoring.status = STATUS_FINAL
            return self.save(decl).record

    @_faults
    def new_revision(self, record_id: int, form: str = "declaration") -> Declaration:
        """新修订 of one form: the next revision, in which ``form`` (the declaration, its
        "monitoring" 运行监控表 or its "evaluation" 自评表) is a draft again and the other
        forms stay as they were (a final declaration stays final). Nothing happens while
        that form is a draft; every earlier revision is kept as it was printed."""
        from perfdesk.models.serialize import declaration_from_dict, declaration_to_dict

        if form not in _FORM_NAMES:
            raise ValueError(f"unknown form {form!r}")
        with self.transaction():
            self._refuse_if_altered(record_id)
            doc, rev, status = self._doc(record_id, None)
            full = declaration_to_dict(declaration_from_dict(doc), with_store_keys=False)
            part = full if form == "declaration" else full.get(form)
            if not part:
                raise ValidationError(f"“{full['name']}”还没有{_FORM_NAMES[form]}。")
            if (status if form == "declaration" else part["status"]) != STATUS_FINAL:
                return self.get(record_id)
            if form == "declaration":
                status = STATUS_DRAFT
            else:
                part["status"] = STATUS_DRAFT
            self._insert_revision(record_id, rev + 1, status, full)
            row = self._row(full, status, rev + 1)
            self.conn.execute(
                f"UPDATE records SET {', '.join(f'{k} = ?' for k in row)} WHERE id = ?",
                [*row.values(), record_id],
            )
            return self.get(record_id)

    @_faults
    def delete(self, record_id: int, *, final_ok: bool = False) -> DeletedRecord:
        """删除: take the project out of the lists, searches, counts, summaries, packages and
        the indicator library; its revisions stay and :meth:`undelete` brings it back. A
        定稿 project is only deleted with ``final_ok`` (the front door asked twice)."""
        with self.transaction():
            row = self.conn.execute(
                "SELECT name, status, revision, deleted_at FROM records WHERE id = ?", [record_id]
            ).fetchone()
            if row is None:
                raise NotFoundError(f"数据库中没有编号为 {record_id} 的项目。")
            name, status, revision, deleted_at = row
            if deleted_at is not None:
                raise ConflictError(f"编号为 {record_id} 的项目“{name}”已经删除。")
            if status == STATUS_FINAL and not final_ok:
                raise FinalRecordError(
                    f"编号为 {record_id} 的项目“{name}”已定稿（第 {revision} 版），"
                    "删除定稿的项目需要再次确认。"
                )
            # To the microsecond: 已删除的项目 lists the last deleted first, and a batch
            # deletes several in one second.
            when = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
            self.conn.execute("UPDATE records SET deleted_at = ? WHERE id = ?", [when, record_id])
            # Read from the row, not the revision: a damaged record can be deleted too.
            return self._mark(record_id)

    @_faults
    def undelete(self, record_id: int) -> DeletedRecord:
        """Bring a deleted project back into the lists, at the revision it was deleted at."""
        with self.transaction():
            row = self.conn.execute(
                "SELECT name, deleted_at FROM records WHERE id = ?", [record_id]
            ).fetchone()
            if row is None:
                raise NotFoundError(f"数据库中没有编号为 {record_id} 的项目。")
            if row[1] is None:
                raise ConflictError(f"编号为 {record_id} 的项目“{row[0]}”没有被删除。")
            self.conn.execute("UPDATE records SET deleted_at = NULL WHERE id = ?", [record_id])
            return self._mark(record_id)

    def _mark(self, record_id: int) -> DeletedRecord:
        row = self.conn.execute(
            "SELECT id, year, unit, name, status, revision, deleted_at FROM records WHERE id = ?",
            [record_id],
        ).fetchone()
        return DeletedRecord(*row)

    @_faults
    def deleted(self, *, year: int | None = None) -> builtins.list[DeletedRecord]:
        """The deleted projects, the last deleted first."""
        sql = (
            "SELECT id, year, unit, name, status, revision, deleted_at FROM records "
            "WHERE deleted_at IS NOT NULL"
        )
        params: builtins.list[Any] = []
        if year is not None:
            sql += " AND year = ?"
            params.append(year)
        rows = self.conn.execute(sql + " ORDER BY deleted_at DESC, id DESC", params)
        return [DeletedRecord(*r) for r in rows]

    def previous_year(self, decl: Declaration) -> Declaration | None:
        """Last year's record of the same project, for the prev-year checks: the record
        结转下一年 made this one from (record_links: found even after the project or its
        unit was renamed), else last year's record with the same unit and name."""
        if decl.id is not None:
            row = self.conn.execute(
                "SELECT p.id FROM record_links l JOIN records p ON p.id = l.previous_id "
                f"WHERE l.record_id = ? AND p.year = ? AND p.{LIVE}",
                [decl.id, decl.year - 1],
            ).fetchone()
            if row is not None:
                return self.get(int(row[0]))
        if not decl.unit or not decl.name:
            return None
        rid = self.find_id(decl.year - 1, decl.unit, decl.name)
        return None if rid is None or self.is_deleted(rid) else self.get(rid)

    # ------------------------------------------------------------ maintenance

    def backup(self, target: str | Path) -> Path:
        """A consistent copy through SQLite's online backup API (safe while in use), written
        beside the target and renamed: a failed backup leaves no file behind."""
        target = Path(target)
        tmp = target.with_name(target.name + ".part")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp.unlink(missing_ok=True)
            open(tmp, "xb").close()  # an unwritable folder fails here, with its errno
            dest = sqlite3.connect(str(tmp))
            try:
                self.conn.backup(dest)
            finally:
                dest.close()
            tmp.replace(target)
        except (sqlite3.Error, OSError) as exc:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            fault = storage_error(exc, self.path, target)
            if isinstance(fault, DamagedError):  # what is read is damaged: the database
                fault = DamagedError(damaged_message(self.path, str(exc)))
            raise fault or StoreError(
                f"无法写出备份“{target}”（{os_reason(exc) if isinstance(exc, OSError) else exc}），"
                "未留下不完整的文件。"
            ) from exc
        return target
