"""Is this printout the stored revision? (``perfdesk verify FORM.pdf``, forms.md §4)

A printed form carries ``perfdesk:{id}:{revision}:{form}:{fingerprint}`` in the PDF's
keywords and subject and as text on every page (see :func:`perfdesk.pdf.printout.marker`). The
metadata is read first: it needs no other program and survives any text layout. When a
PDF lost it (re-saved by another tool), the page text is read with poppler's
``pdftotext`` where installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import Any, Protocol

from perfdesk.models.errors import InputError, NotFoundError
from perfdesk.models.labels import FIELD_LABELS
from perfdesk.models.records import Declaration
from perfdesk.models.serialize import content_dict, fingerprint

MARKER_RE = re.compile(r"perfdesk:(\d+|-):(\d+):(declaration|evaluation):([0-9a-f]{12})")
_INFO_RE = re.compile(rb"/(?:Keywords|Subject)\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)", re.S)

STATUS_CURRENT = "current"
STATUS_OLDER = "older"
STATUS_UNKNOWN = "unknown"

FORM_NAMES = {"declaration": "绩效目标申报表", "evaluation": "绩效自评表"}

# Keys a printout's content has that the form labels do not name.
_EXTRA_LABELS = {"created_from": "来源", "layout": "表式"}


def field_label(key: str) -> str:
    """The form's label of a top-level content key (declaration or evaluation)."""
    return FIELD_LABELS.get(key) or FIELD_LABELS.get(f"evaluation.{key}") or _EXTRA_LABELS.get(key, key)


class RevisionLike(Protocol):
    revision: int
    fingerprint_declaration: str
    fingerprint_evaluation: str | None


class StoreLike(Protocol):
    """What verify needs of :class:`perfdesk.store.database.Store`."""

    def get(self, record_id: int, revision: int | None = None) -> Declaration: ...

    def revisions(self, record_id: int) -> list[Any]: ...


@dataclass(frozen=True)
class Marker:
    record_id: int | None
    revision: int
    form: str
    fingerprint: str

    @classmethod
    def parse(cls, text: str) -> Marker | None:
        m = MARKER_RE.search(text)
        if m is None:
            return None
        rid = None if m.group(1) == "-" else int(m.group(1))
        return cls(rid, int(m.group(2)), m.group(3), m.group(4))


@dataclass(frozen=True)
class VerifyResult:
    """The answer of verify: ``status`` is current / older / unknown; ``message`` says it
    in one Chinese sentence for the clerk."""

    status: str
    message: str
    marker: Marker | None = None
    matched_revision: int | None = None
    current_revision: int | None = None
    # forms.md keys whose content differs between the matched and the current revision.
    changed_fields: tuple[str, ...] = field(default_factory=tuple)
    source: str = ""  # where the marker was read: metadata | text

    @property
    def ok(self) -> bool:
        return self.status == STATUS_CURRENT

    @property
    def current(self) -> bool:
        """The printout is the record's current revision (``verify`` exits 0)."""
        return self.status == STATUS_CURRENT

    @property
    def changed_labels(self) -> tuple[str, ...]:
        return tuple(field_label(k) for k in self.changed_fields)


def _pdf_string(raw: bytes) -> str:
    """Decode a PDF string object: (literal) with escapes, or <hex>; UTF-16 with a BOM."""
    if raw.startswith(b"<"):
        data = bytes.fromhex(re.sub(rb"\s", b"", raw[1:-1]).decode("ascii"))
    else:
        body = raw[1:-1]
        out = bytearray()
        i = 0
        escapes = {b"n": 10, b"r": 13, b"t": 9, b"b": 8, b"f": 12}
        while i < len(body):
            ch = body[i : i + 1]
            if ch == b"\\" and i + 1 < len(body):
                nxt = body[i + 1 : i + 2]
                octal = re.match(rb"[0-7]{1,3}", body[i + 1 : i + 4])
                if octal:
                    out.append(int(octal.group(0), 8) & 0xFF)
                    i += 1 + len(octal.group(0))
                    continue
                out.append(escapes.get(nxt, nxt[0]))
                i += 2
                continue
            out += ch
            i += 1
        data = bytes(out)
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be", "replace")
    return data.decode("latin-1")


def marker_from_metadata(pdf: bytes) -> Marker | None:
    for m in _INFO_RE.finditer(pdf):
        found = Marker.parse(_pdf_string(m.group(1)))
        if found:
            return found
    return None


def pdf_text(pdf: bytes, *, timeout: float = 60) -> str | None:
    """The PDF's text via poppler's pdftotext, or None where it is not installed."""
    exe = shutil.which("pdftotext")
    if exe is None:
        return None
    try:
        done = subprocess.run(
            [exe, "-enc", "UTF-8", "-", "-"],
            input=pdf,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", "replace")


def read_marker(pdf: bytes) -> tuple[Marker | None, str]:
    """The printout's marker and where it was found (metadata / text / "")."""
    if not pdf.lstrip()[:5].startswith(b"%PDF"):
        raise InputError("这不是 PDF 文件，无法核对。")
    found = marker_from_metadata(pdf)
    if found:
        return found, "metadata"
    text = pdf_text(pdf)
    if text:
        found = Marker.parse(re.sub(r"\s+", "", text))
        if found:
            return found, "text"
    return None, ""


def _fingerprint_of(info: Any, form: str) -> str | None:
    value = info.fingerprint_declaration if form == "declaration" else info.fingerprint_evaluation
    return str(value) if value else None


def _revision_fingerprint(store: StoreLike, rid: int, info: Any, form: str) -> set[str]:
    """The stored fingerprint and the one computed now from the stored content (they agree
    unless the program changed how a derived value is shown)."""
    prints = {fp for fp in [_fingerprint_of(info, form)] if fp}
    decl = store.get(rid, info.revision)
    if form == "declaration" or decl.evaluation is not None:
        prints.add(fingerprint(decl, form))
    return prints


def changed_fields(old: Declaration, new: Declaration, form: str) -> tuple[str, ...]:
    """Keys of the printed content that differ between two revisions, in form order."""
    a, b = content_dict(old, form), content_dict(new, form)
    if form == "evaluation":
        ea, eb = a.pop("evaluation") or {}, b.pop("evaluation") or {}
        keys = [k for k in a if a.get(k) != b.get(k)]
        keys += [k for k in dict.fromkeys([*ea, *eb]) if ea.get(k) != eb.get(k)]
        return tuple(keys)
    return tuple(k for k in dict.fromkeys([*a, *b]) if a.get(k) != b.get(k))


def verify_pdf(store: StoreLike, pdf: bytes) -> VerifyResult:
    """Match a printout (PDF bytes) to the stored revisions of its record."""
    mark, source = read_marker(pdf)
    if mark is None:
        return VerifyResult(
            STATUS_UNKNOWN, "文件中没有 perfdesk 打印标记（记录号、版本和指纹），无法核对。"
        )
    what = FORM_NAMES[mark.form]
    if mark.record_id is None:
        return VerifyResult(
            STATUS_UNKNOWN,
            f"这份{what}打印时记录尚未保存（指纹 {mark.fingerprint}），数据库中没有对应版本。",
            mark,
            source=source,
        )
    rid = mark.record_id
    try:
        revisions = sorted(store.revisions(rid), key=lambda r: r.revision)
    except NotFoundError:
        revisions = []
    if not revisions:
        return VerifyResult(
            STATUS_UNKNOWN,
            f"数据库中没有编号 {rid} 的项目：这份{what}（第 {mark.revision} 版，"
            f"指纹 {mark.fingerprint}）不是由此数据库打印的，或项目已被删除。",
            mark,
            source=source,
        )
    current = revisions[-1]
    if mark.fingerprint in _revision_fingerprint(store, rid, current, mark.form):
        return VerifyResult(
            STATUS_CURRENT,
            f"打印件与数据库中编号 {rid} 的{what}当前版本（第 {current.revision} 版）一致。",
            mark,
            matched_revision=current.revision,
            current_revision=current.revision,
            source=source,
        )
    # The printed revision first, then any other with the same content.
    older = sorted(revisions[:-1], key=lambda r: (r.revision != mark.revision, -r.revision))
    for info in older:
        if mark.fingerprint in _revision_fingerprint(store, rid, info, mark.form):
            changed = changed_fields(store.get(rid, info.revision), store.get(rid), mark.form)
            labels = "、".join(field_label(k) for k in changed) or "无内容改动"
            return VerifyResult(
                STATUS_OLDER,
                f"打印件是编号 {rid} 的{what}第 {info.revision} 版，不是当前版本"
                f"（第 {current.revision} 版）；此后改动的栏目：{labels}。",
                mark,
                matched_revision=info.revision,
                current_revision=current.revision,
                changed_fields=changed,
                source=source,
            )
    return VerifyResult(
        STATUS_UNKNOWN,
        f"打印件的指纹 {mark.fingerprint} 与编号 {rid} 的{what}任何已存版本都不符"
        f"（标明第 {mark.revision} 版，当前第 {current.revision} 版）：打印件可能被改动过，"
        "或来自另一个数据库。",
        mark,
        current_revision=current.revision,
        source=source,
    )
