"""Import files and folders into the store: each file whole or not at all.

Used by ``perfdesk import`` and by the window's import action (through a worker). Folders
are walked recursively for .xlsx/.xls/.xlsm/.json; every file is read first (nothing is
written while reading), then its records are stored in one transaction. The checks of
forms.md §3 run on what was stored and are reported as warnings, never blocking.
Progress goes to a plain ``(done, total, message)`` callback; ``cancel`` (a callable or a
``threading.Event``) is looked at between files and while a file is read.

Files are untrusted: only regular files are opened (a FIFO or a link to /dev/zero would
block or never end), and their bytes are parsed in a child process with limits on memory
and time (:mod:`perfdesk.excel.sandbox`), one worker for the whole batch. Whatever the bytes
do there, this process writes its result line for the file and goes on with the next.
"""

from __future__ import annotations

import json
import os
import stat
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from perfdesk.excel.cells import MAX_FILE_BYTES
from perfdesk.excel.monitoring_list import apply_list_rows
from perfdesk.excel.reader import (
    EXCEL_SUFFIXES,
    KIND_EVALUATION,
    KIND_MONITORING,
    ImportedForm,
    read_workbook,
)
from perfdesk.excel.sandbox import ReaderBug, ReaderCrash, Sandbox
from perfdesk.excel.values import MAX_AMOUNT, strip_invisible
from perfdesk.models.errors import Cancelled, InputError, PerfdeskError
from perfdesk.models.records import Declaration
from perfdesk.models.serialize import declaration_from_dict, loads, named_field
from perfdesk.models.words import number_text, os_reason
from perfdesk.progress import Progress, TerminalProgress  # noqa: F401 - TerminalProgress re-exported

IMPORT_SUFFIXES = (*EXCEL_SUFFIXES, ".json")
STATUS_IMPORTED = "imported"
STATUS_REJECTED = "rejected"
MUST_FIX_MARK = "（定稿前须改正）"


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
    # Findings of error level in what was stored: imported, but to be corrected before 定稿.
    # Kept apart from ``warnings`` so that the report never calls an error a 提醒.
    must_fix: list[str] = field(default_factory=list)
    # For --debug: the traceback of an unexpected failure (a bug of ours, not the file's).
    debug: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "status": self.status,
            "ids": self.ids,
            "warnings": [*self.warnings, *(f"{m}{MUST_FIX_MARK}" for m in self.must_fix)],
            "error": self.error,
        }

    @property
    def records(self) -> list[int]:
        """The records the file touched, each once: a declaration and its self-evaluation
        in one workbook are one record, stored twice."""
        return list(dict.fromkeys(self.ids))

    @property
    def errors(self) -> list[str]:
        """What the clerk must act on: the rejection, or what to correct before 定稿."""
        return [self.error] if self.error else list(self.must_fix)


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
    silently skipped; so is a folder named like a spreadsheet (``表.xlsx/``), which is refused
    rather than walked. Inside folders, Office lock files (``~$…``) and hidden files are left
    out; a FIFO, socket or device (or a link to one) named like a spreadsheet is kept, to be
    refused with its reason.
    """
    out: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        if p.is_dir() and p.suffix.lower() not in IMPORT_SUFFIXES:
            found = sorted(
                f
                for f in p.rglob("*")
                if f.suffix.lower() in IMPORT_SUFFIXES
                and not f.name.startswith(("~$", "."))
                and f.exists()
                and not f.is_dir()
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
    sandbox: Sandbox | None = None,
) -> ImportReport:
    """Import every file found under ``paths``; one transaction per file.

    Every file is parsed by one worker process, started at the first file and stopped at
    the end (``sandbox`` gives one, e.g. with other limits); it parses the next file while
    this process stores the last."""
    files = expand_paths(paths)
    report = ImportReport(total=len(files))
    own = sandbox is None
    reader = Sandbox(read_bytes) if sandbox is None else sandbox
    check = None if cancel is None else (lambda: _is_cancelled(cancel))
    try:
        reads = _ReadAhead(files, reader, year, check)
        for n, path in enumerate(files):
            if _is_cancelled(cancel):
                report.cancelled = True
                break
            if progress:
                progress(n, len(files), f"正在导入 {path.name}（{n + 1}/{len(files)}）")
            try:
                result = _import(store, path, reads.take)
            except Cancelled:
                report.cancelled = True
                break
            report.files.append(result)
            if progress:
                verdict = "已导入" if result.status == STATUS_IMPORTED else "已拒绝"
                progress(n + 1, len(files), f"{path.name}：{verdict}")
    finally:
        if own:
            reader.close()
    if progress:
        done = len(report.files)
        bad = len(report.rejected)
        tail = "，已取消" if report.cancelled else ""
        progress(
            done, len(files), f"已处理 {done} 个文件，导入 {done - bad} 个，拒绝 {bad} 个{tail}"
        )
    return report


class _ReadAhead:
    """The files of a batch, read here and handed to the worker up to two ahead of the one
    being stored: the worker parses the next file while this process writes the last."""

    AHEAD = 2

    def __init__(
        self,
        files: Sequence[Path],
        sandbox: Sandbox,
        year: int | None,
        cancel: Callable[[], bool] | None,
    ) -> None:
        self._files = iter(files)
        self._sandbox = sandbox
        self._year = year
        self._cancel = cancel
        # Per file in order: None when it is with the worker, else why it was not read.
        self._queue: deque[InputError | None] = deque()
        self._fill()

    def _fill(self) -> None:
        while sum(1 for q in self._queue if q is None) < self.AHEAD:
            path = next(self._files, None)
            if path is None:
                return
            try:
                data = read_file(path)
            except InputError as exc:
                self._queue.append(exc)
                continue
            self._sandbox.submit(data, strip_invisible(path.name)[0], self._year)
            self._queue.append(None)

    def take(self) -> list[ImportedForm]:
        """The next file's records (or its error), and the one after it queued."""
        error = self._queue.popleft()
        try:
            if error is not None:
                raise error
            forms: list[ImportedForm] = self._sandbox.result(cancel=self._cancel)
        except Cancelled:
            raise
        except BaseException:
            self._fill()
            raise
        self._fill()
        return forms


def import_file(
    store: Any,
    path: Path,
    *,
    year: int | None = None,
    sandbox: Sandbox | None = None,
    cancel: Cancel | None = None,
) -> FileResult:
    """Read one file fully (in ``sandbox``'s worker, or a worker of its own), then store
    its records in one transaction (or nothing). :class:`Cancelled` when ``cancel`` is set
    while the file is read."""
    if sandbox is None:
        with Sandbox(read_bytes) as own:
            return import_file(store, path, year=year, sandbox=own, cancel=cancel)
    check = None if cancel is None else (lambda: _is_cancelled(cancel))
    return _import(
        store, path, lambda: read_path(path, year=year, sandbox=sandbox, cancel=check)
    )


def _import(store: Any, path: Path, read: Callable[[], list[ImportedForm]]) -> FileResult:
    """One file's records, from ``read``, stored in one transaction; its outcome."""
    name = str(path)
    try:
        forms = read()
        # A flat monitoring list's rows become the stored projects they match (or an error
        # when none does) before anything is written.
        forms = apply_list_rows(store, forms, strip_invisible(path.name)[0])
        ids = store_forms(store, forms)
    except Cancelled:
        raise
    except ReaderCrash as exc:
        return FileResult(file=name, status=STATUS_REJECTED, error=exc.message, debug=exc.detail)
    except ReaderBug as exc:
        return _internal_error(name, str(exc), exc.detail)
    except PerfdeskError as exc:
        return FileResult(file=name, status=STATUS_REJECTED, error=exc.message)
    except Exception as exc:  # noqa: BLE001 - one bad file must not end a batch of hundreds
        return _internal_error(name, f"{type(exc).__name__}: {exc}", traceback.format_exc())
    warnings = [w for f in forms for w in f.warnings]
    must_fix, notes = _check_findings(store, forms, ids)
    return FileResult(
        file=name, status=STATUS_IMPORTED, ids=ids, warnings=warnings + notes, must_fix=must_fix
    )


def _internal_error(name: str, what: str, detail: str) -> FileResult:
    shown = strip_invisible(Path(name).name)[0]
    return FileResult(
        file=name,
        status=STATUS_REJECTED,
        error=f"文件“{shown}”：程序内部错误，文件未导入（请把此文件和错误信息发给维护人员）：{what}",
        debug=detail,
    )


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "文件不存在。"
    if isinstance(exc, PermissionError):
        return "没有读取这个文件的权限。"
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹，不是文件。"
    return f"无法读取文件（{os_reason(exc)}）。"


def _kind_of(mode: int) -> str | None:
    """Why a file that is not a regular file is refused (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "这是一个文件夹，不是文件。"
    if stat.S_ISFIFO(mode):
        return "这是一个管道（FIFO），不是普通文件，已拒绝。"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "这是一个设备（或指向设备的链接），不是普通文件，已拒绝。"
    if stat.S_ISSOCK(mode):
        return "这是一个套接字，不是普通文件，已拒绝。"
    return "这不是普通文件，已拒绝。"


def read_file(path: Path) -> bytes:
    """A regular file's bytes, at most the size limit; anything else is refused unopened.

    The kind is looked at before opening (a FIFO would block ``open``) and again on the
    opened file (it may have been swapped in between); reading stops at the limit even if
    the file grows while it is read."""
    shown = strip_invisible(path.name)[0]
    try:
        st = os.stat(path)
    except OSError as exc:
        raise InputError(_os_reason(exc), file=shown) from None
    reason = _kind_of(st.st_mode)
    if reason is None and st.st_size > MAX_FILE_BYTES:
        reason = (
            f"文件太大（{st.st_size // (1024 * 1024)} MB），"
            f"超过 {MAX_FILE_BYTES // (1024 * 1024)} MB 的上限。"
        )
    if reason:
        raise InputError(reason, file=shown)
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputError(_os_reason(exc), file=shown) from None
    try:
        reason = _kind_of(os.fstat(fd).st_mode)
        if reason:
            raise InputError(reason, file=shown)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InputError(_os_reason(exc), file=shown) from None
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise InputError(
            f"文件太大，超过 {MAX_FILE_BYTES // (1024 * 1024)} MB 的上限。", file=shown
        )
    return data


def read_path(
    path: Path,
    *,
    year: int | None = None,
    sandbox: Sandbox | None = None,
    cancel: Callable[[], bool] | None = None,
) -> list[ImportedForm]:
    """The records in a file, nothing written; InputError when it cannot be read whole.
    The bytes are parsed in ``sandbox``'s worker when one is given, else here (trusted
    files only: a test's own)."""
    data = read_file(path)
    name = strip_invisible(path.name)[0]
    if sandbox is None:
        return read_bytes(data, name, year)
    forms: list[ImportedForm] = sandbox.run(data, name, year, cancel=cancel)
    return forms


def read_bytes(data: bytes, filename: str, year: int | None = None) -> list[ImportedForm]:
    """The records in one file's bytes (a workbook, or perfdesk's JSON by its name); pure,
    so that it can run in the reader process."""
    if filename.lower().endswith(".json"):
        return _read_json(data, filename)
    result = read_workbook(data, filename, year=year)
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

    try:
        stamp = read_stamp(data)
        if stamp is None or stamp.get("form") != form.kind:
            return False
        restored = restore_from_stamp(form.declaration, stamp)
    except Exception:  # noqa: BLE001 - a damaged stamp (even nested too deep): the sheet counts
        return False
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
    except UnicodeDecodeError:
        raise InputError("不是有效的 JSON 文件：不是 UTF-8 编码的文本。", file=filename) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"不是有效的 JSON 文件：第{exc.lineno}行第{exc.colno}个字符处格式有误。",
            file=filename,
        ) from None
    except (ValueError, RecursionError):
        # A number of thousands of digits (int's own limit), or nesting thousands deep.
        raise InputError(
            "不是 perfdesk 的 JSON 记录：含有过长的数字或嵌套过深，已拒绝。", file=filename
        ) from None
    docs = doc if isinstance(doc, list) else [doc]
    forms = []
    for n, item in enumerate(docs, 1):
        where = f"第{n}条记录" if len(docs) > 1 else ""
        warnings: list[tuple[str, str]] = []
        try:
            item = _clean_json(item, "", warnings)
            decl = declaration_from_dict(item)
        except InputError as exc:
            raise InputError((where and where + "：") + exc.reason, file=filename) from None
        except ArithmeticError:
            raise InputError(
                (where and where + "：") + "金额或数值超出范围。", file=filename
            ) from None
        except RecursionError:
            raise InputError(
                (where and where + "：") + "不是 perfdesk 的记录（嵌套过深），已拒绝。",
                file=filename,
            ) from None
        # Store identity and state belong to the database the file came from, not to this one.
        decl.id = None
        kind = {"evaluation": KIND_EVALUATION, "monitoring": KIND_MONITORING}.get(
            decl.created_from or "", "declaration"
        )
        found = [f"{where}{named_field(key) if key else '记录'}中有不可见字符或控制字符"
                 f"（{points}），导入时已删除。" for key, points in warnings]  # fmt: skip
        forms.append(ImportedForm(declaration=decl, kind=kind, sheet="", warnings=found))
    return forms


def _short(value: int | float | Decimal) -> str:
    text = number_text(value)
    return text if len(text) <= 24 else f"{text[:12]}…（{len(text)} 位）"


def _clean_json(value: Any, key: str, found: list[tuple[str, str]]) -> Any:
    """The JSON value with invisible and control characters removed from every string (keys
    included); ``found`` gets (field path, code points) for each change."""
    if isinstance(value, str):
        text, removed = strip_invisible(value)
        if removed:
            found.append((key, "、".join(removed)))
        return text
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        # No field of a record (amounts in 元, weights, scores, years) comes near 10^15; a
        # larger amount would not even fit the store's integer 分.
        if not Decimal(value).is_finite() or abs(Decimal(value)) >= MAX_AMOUNT:
            shown = _short(value) if Decimal(value).is_finite() else "（无穷大或非数）"
            raise InputError(f"{named_field(key)}的数值 {shown} 不是有效的数或超出范围。")
        return value
    if isinstance(value, list):
        # Indexes from 0, as in show --json; the messages show rows from 1.
        return [_clean_json(v, f"{key}[{n}]", found) for n, v in enumerate(value)]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            name, removed = strip_invisible(k)  # JSON keys are always strings
            path = f"{key}.{name}" if key else name
            if removed:
                found.append((path, "、".join(removed)))
            out[name] = _clean_json(v, path, found)
        return out
    return value


def store_forms(store: Any, forms: Sequence[ImportedForm]) -> list[int]:
    """Store the records of one file in one transaction; returns the record ids.

    A declaration form updates (as a new revision) or creates the project known by (year,
    unit, name), keeping an evaluation and a monitoring form already stored; an evaluation
    or monitoring form is attached to that project, or creates it marked ``created_from``
    (``"evaluation"`` / ``"monitoring"``). The rows of a flat monitoring list are first put
    onto their projects by :func:`perfdesk.excel.monitoring_list.apply_list_rows`.
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
                elif form.kind == KIND_MONITORING:
                    existing.monitoring = decl.monitoring
                    decl = existing
                else:
                    # The store decides the status: a changed form is a new draft revision
                    # (unless the file itself is a record marked final, e.g. a JSON transfer).
                    decl.id = existing.id
                    if decl.evaluation is None:
                        decl.evaluation = existing.evaluation
                    if decl.monitoring is None:
                        decl.monitoring = existing.monitoring
            result = store.save(decl, as_import=True)
            record = getattr(result, "record", result)
            ids.append(int(record.id))
    return ids


def _check_findings(
    store: Any, forms: Sequence[ImportedForm], ids: Sequence[int]
) -> tuple[list[str], list[str]]:
    """forms.md §3 findings of what was stored, as text (never blocking the import): those
    of error level, then the others."""
    from perfdesk.models.checks import ERROR, check_declaration, check_evaluation
    from perfdesk.models.monitoring_checks import check_monitoring

    errors: list[str] = []
    notes: list[str] = []
    for form, rid in zip(forms, ids, strict=False):
        stored: Declaration = store.get(rid)
        title = f"{stored.year}年“{stored.name}”"
        if form.kind == KIND_EVALUATION:
            findings = check_evaluation(stored)
        elif form.kind == KIND_MONITORING:
            findings = check_monitoring(stored)
        else:
            previous = store.previous_year(stored) if hasattr(store, "previous_year") else None
            findings = check_declaration(stored, previous)
        for f in findings:
            (errors if f.level == ERROR else notes).append(f"{title}：{f.message}")
    return errors, notes
