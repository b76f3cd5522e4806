"""Import files and folders into the store: each file whole or not at all.

Used by ``perfdesk import`` and by the window's import action (through a worker). Folders
are walked recursively for .xlsx/.xls/.xlsm/.json; every file is read first (nothing is
written while reading), then its records are stored in one transaction. The checks of
forms.md §3 run on what was stored and are reported as warnings, never blocking.
Progress goes to a plain ``(done, total, message)`` callback; ``cancel`` (a callable or a
``threading.Event``) is looked at between files.
"""

from __future__ import annotations

import json
import os
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from perfdesk.excel.cells import MAX_FILE_BYTES
from perfdesk.excel.reader import EXCEL_SUFFIXES, KIND_EVALUATION, ImportedForm, read_workbook
from perfdesk.models.errors import InputError, PerfdeskError
from perfdesk.models.records import Declaration
from perfdesk.models.serialize import declaration_from_dict, loads
from perfdesk.progress import Progress, TerminalProgress  # noqa: F401 - TerminalProgress re-exported

IMPORT_SUFFIXES = (*EXCEL_SUFFIXES, ".json")
STATUS_IMPORTED = "imported"
STATUS_REJECTED = "rejected"


class _Flag(Protocol):
    def is_set(self) -> bool: ...


Cancel = Callable[[], bool] | _Flag


@dataclass
class FileResult:
    """One file's outcome; ``to_json`` is the line ``perfdesk import --json`` prints."""

    file: str
    status: str
    ids: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    # For --debug: the traceback of an unexpected failure (a bug of ours, not the file's).
    debug: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "status": self.status,
            "ids": self.ids,
            "warnings": self.warnings,
            "error": self.error,
        }


@dataclass
class ImportReport:
    files: list[FileResult] = field(default_factory=list)
    total: int = 0  # files found, including any not reached after a cancel
    cancelled: bool = False

    @property
    def imported(self) -> list[FileResult]:
        return [f for f in self.files if f.status == STATUS_IMPORTED]

    @property
    def rejected(self) -> list[FileResult]:
        return [f for f in self.files if f.status == STATUS_REJECTED]

    @property
    def ok(self) -> bool:
        return not self.rejected and not self.cancelled

    @property
    def ids(self) -> list[int]:
        return [i for f in self.imported for i in f.ids]


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files named, and the importable files inside folders named (recursively, sorted).

    A file named explicitly is kept whatever its suffix, so that it is reported rather than
    silently skipped; inside folders, Office lock files (``~$…``) and hidden files are left out.
    """
    out: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(
                f
                for f in p.rglob("*")
                if f.is_file()
                and f.suffix.lower() in IMPORT_SUFFIXES
                and not f.name.startswith(("~$", "."))
            )
        else:
            found = [p]
        for f in found:
            key = f.resolve() if f.exists() else f
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def _is_cancelled(cancel: Cancel | None) -> bool:
    if cancel is None:
        return False
    if hasattr(cancel, "is_set"):
        return bool(cancel.is_set())
    return bool(cancel())  # type: ignore[operator]


def import_paths(
    store: Any,
    paths: Iterable[str | os.PathLike[str]],
    *,
    year: int | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> ImportReport:
    """Import every file found under ``paths``; one transaction per file."""
    files = expand_paths(paths)
    report = ImportReport(total=len(files))
    for n, path in enumerate(files):
        if _is_cancelled(cancel):
            report.cancelled = True
            break
        if progress:
            progress(n, len(files), f"正在导入 {path.name}（{n + 1}/{len(files)}）")
        result = import_file(store, path, year=year)
        report.files.append(result)
        if progress:
            verdict = "已导入" if result.status == STATUS_IMPORTED else "已拒绝"
            progress(n + 1, len(files), f"{path.name}：{verdict}")
    if progress:
        done = len(report.files)
        bad = len(report.rejected)
        tail = "，已取消" if report.cancelled else ""
        progress(
            done, len(files), f"已处理 {done} 个文件，导入 {done - bad} 个，拒绝 {bad} 个{tail}"
        )
    return report


def import_file(store: Any, path: Path, *, year: int | None = None) -> FileResult:
    """Read one file fully, then store its records in one transaction (or nothing)."""
    name = str(path)
    try:
        forms = read_path(path, year=year)
        ids = store_forms(store, forms)
    except PerfdeskError as exc:
        return FileResult(file=name, status=STATUS_REJECTED, error=exc.message)
    except Exception as exc:  # noqa: BLE001 - one bad file must not end a batch of hundreds
        return FileResult(
            file=name,
            status=STATUS_REJECTED,
            error="程序内部错误，文件未导入（请把此文件和错误信息发给维护人员）："
            f"{type(exc).__name__}: {exc}",
            debug=traceback.format_exc(),
        )
    warnings = [w for f in forms for w in f.warnings]
    warnings += _check_warnings(store, forms, ids)
    return FileResult(file=name, status=STATUS_IMPORTED, ids=ids, warnings=warnings)


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "文件不存在。"
    if isinstance(exc, PermissionError):
        return "没有读取这个文件的权限。"
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹，不是文件。"
    return f"无法读取文件（{exc.strerror or exc}）。"


def read_path(path: Path, *, year: int | None = None) -> list[ImportedForm]:
    """The records in a file, nothing written; InputError when it cannot be read whole."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(_os_reason(exc), file=str(path)) from None
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"文件太大（{size // (1024 * 1024)} MB），"
            f"超过 {MAX_FILE_BYTES // (1024 * 1024)} MB 的上限。",
            file=path.name,
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(_os_reason(exc), file=str(path)) from None
    if path.suffix.lower() == ".json":
        return _read_json(data, path.name)
    result = read_workbook(data, path.name, year=year)
    forms = result.forms
    if forms and result.warnings:
        # Workbook-level notes (a 填表说明 sheet skipped, …) are reported with the file.
        forms[0].warnings = [*result.warnings, *forms[0].warnings]
    if len(forms) == 1:
        restore_stamped(forms[0], data)
    return forms


def restore_stamped(form: ImportedForm, data: bytes) -> bool:
    """A perfdesk export re-imported: what paper does not show (target directions,
    override reasons, not-applicable marks, tier scores, raw weights, created-from) comes
    back from the file's stamp, as long as the sheet still shows exactly what was exported
    (otherwise the sheet wins). True when the stamp was used."""
    if not _may_carry_stamp(data):
        return False
    # Only files that may carry a stamp load the stamp reader (zipfile + defusedxml).
    from perfdesk.excel.stamp import read_stamp, restore_from_stamp

    stamp = read_stamp(data)
    if stamp is None or stamp.get("form") != form.kind:
        return False
    restored = restore_from_stamp(form.declaration, stamp)
    if restored is form.declaration:
        return False
    form.declaration = restored
    # Stated scores that differ from the rules' came from overrides, not-applicable marks
    # and the like, which the stamp has just brought back with their own reasons.
    moot = set(form.score_warnings)
    form.warnings = [w for w in form.warnings if w not in moot]
    form.score_warnings = []
    return True


def _may_carry_stamp(data: bytes) -> bool:
    """Cheap test before the stamp is looked for: an .xlsx with custom document properties
    (the member name is stored uncompressed in the zip directory)."""
    return data.startswith(b"PK") and b"docProps/custom.xml" in data


def _read_json(data: bytes, filename: str) -> list[ImportedForm]:
    try:
        doc = loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"不是有效的 JSON 文件：{exc}", file=filename) from None
    docs = doc if isinstance(doc, list) else [doc]
    forms = []
    for n, item in enumerate(docs, 1):
        try:
            decl = declaration_from_dict(item)
        except InputError as exc:
            where = f"第{n}条记录：" if len(docs) > 1 else ""
            raise InputError(where + exc.reason, file=filename) from None
        # Store identity and state belong to the database the file came from, not to this one.
        decl.id = None
        kind = KIND_EVALUATION if decl.created_from == "evaluation" else "declaration"
        forms.append(ImportedForm(declaration=decl, kind=kind, sheet=""))
    return forms


def store_forms(store: Any, forms: Sequence[ImportedForm]) -> list[int]:
    """Store the records of one file in one transaction; returns the record ids.

    A declaration form updates (as a new revision) or creates the project known by (year,
    unit, name), keeping an evaluation already stored; an evaluation form is attached to
    that project, or creates it marked ``created_from="evaluation"``.
    """
    decls = [f.declaration for f in forms]
    if hasattr(store, "import_forms"):
        return list(store.import_forms(decls))
    ids: list[int] = []
    with store.transaction():
        for form in forms:
            decl = form.declaration
            existing = store.find(decl.year, decl.unit, decl.name)
            if existing is not None:
                if form.kind == KIND_EVALUATION:
                    existing.evaluation = decl.evaluation
                    decl = existing
                else:
                    # The store decides the status: a changed form is a new draft revision
                    # (unless the file itself is a record marked final, e.g. a JSON transfer).
                    decl.id = existing.id
                    if decl.evaluation is None:
                        decl.evaluation = existing.evaluation
            result = store.save(decl, as_import=True)
            record = getattr(result, "record", result)
            ids.append(int(record.id))
    return ids


def _check_warnings(store: Any, forms: Sequence[ImportedForm], ids: Sequence[int]) -> list[str]:
    """forms.md §3 findings of what was stored, as text (never blocking the import)."""
    from perfdesk.models.checks import ERROR, check_declaration, check_evaluation

    out: list[str] = []
    for form, rid in zip(forms, ids, strict=False):
        stored: Declaration = store.get(rid)
        title = f"{stored.year}年“{stored.name}”"
        if form.kind == KIND_EVALUATION:
            findings = check_evaluation(stored)
        else:
            previous = store.previous_year(stored) if hasattr(store, "previous_year") else None
            findings = check_declaration(stored, previous)
        for f in findings:
            mark = "（定稿前须改正）" if f.level == ERROR else ""
            out.append(f"{title}：{f.message}{mark}")
    return out
