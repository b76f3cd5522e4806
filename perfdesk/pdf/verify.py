"""Is this printout the stored revision? (``perfdesk verify FORM.pdf``, forms.md §4)

A printed form carries ``perfdesk:{id}:{revision}:{form}:{fingerprint}`` in the PDF's
keywords and subject and as text on every page (see :func:`perfdesk.pdf.printout.marker`).
The mark only says which revision the paper claims to be; the answer compares content:

1. the stored revision must still have the fingerprint it was stored with, or it was
   altered behind the program's back and is never vouched for;
2. the stored revision is drawn again (same revision, same PDF): equal bytes, or equal
   page text, mean 一致; otherwise the words that differ are named with their field
   (年度预算 printed 933,340,000.00, stored 133,340,000.00).

PDFs are read with pypdf (metadata and page text).
"""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from perfdesk.models.errors import InputError, NotFoundError
from perfdesk.models.form_rows import BUDGET_ITEM_HEADERS, BUDGET_TOTAL_LABEL, CAPITAL_LABEL
from perfdesk.models.labels import FIELD_LABELS
from perfdesk.models.money import amount_in_words, format_money
from perfdesk.models.records import Declaration
from perfdesk.models.serialize import content_dict

MARKER_RE = re.compile(
    r"perfdesk:(\d+|-):(\d+):(declaration|monitoring|evaluation):([0-9a-f]{12})"
)

STATUS_CURRENT = "current"
STATUS_OLDER = "older"
STATUS_UNKNOWN = "unknown"
STATUS_ALTERED = "altered"  # the printout's text, or the stored revision, was changed

FORM_NAMES = {
    "declaration": "绩效目标申报表", "monitoring": "绩效运行监控表", "evaluation": "绩效自评表",
}  # fmt: skip
# The 自评表 prints the monitoring form's forecasts beside its actuals (forms.md §5): a
# difference there is named as the monitoring form's.
MONITORING_LABEL = FIELD_LABELS["monitoring"]

# Keys a printout's content has that the form labels do not name.
_EXTRA_LABELS = {"created_from": "来源", "layout": "表式"}
# Differences named in one answer; the rest are counted.
_SHOWN_DIFFERENCES = 3


def field_label(key: str, form: str = "declaration") -> str:
    """The form's label of a top-level content key of ``form``'s printout."""
    if form != "declaration" and f"{form}.{key}" in FIELD_LABELS:
        return FIELD_LABELS[f"{form}.{key}"]
    return FIELD_LABELS.get(key) or FIELD_LABELS.get(f"evaluation.{key}") or _EXTRA_LABELS.get(key, key)


class RevisionLike(Protocol):
    revision: int
    fingerprint_declaration: str
    fingerprint_evaluation: str | None
    fingerprint_monitoring: str | None


class StoreLike(Protocol):
    """What verify needs of :class:`perfdesk.store.database.Store`."""

    def get(self, record_id: int, revision: int | None = None) -> Declaration: ...

    def revisions(self, record_id: int) -> list[Any]: ...

    def revision_problem(self, record_id: int, revision: int) -> str | None: ...


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
    """The answer of verify: ``status`` is current / older / unknown / altered;
    ``message`` says it in one Chinese sentence for the clerk."""

    status: str
    message: str
    marker: Marker | None = None
    matched_revision: int | None = None
    current_revision: int | None = None
    # forms.md keys whose content differs between the matched and the current revision.
    changed_fields: tuple[str, ...] = field(default_factory=tuple)
    source: str = ""  # where the marker was read: metadata | text
    # (label, printed, stored) of what the printout's text says differently.
    differences: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.status == STATUS_CURRENT

    @property
    def current(self) -> bool:
        """The printout is the record's current revision (``verify`` exits 0)."""
        return self.status == STATUS_CURRENT

    @property
    def changed_labels(self) -> tuple[str, ...]:
        form = self.marker.form if self.marker else "declaration"
        return tuple(field_label(k, form) for k in self.changed_fields)


def _reader(pdf: bytes) -> Any:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not pdf.lstrip()[:5].startswith(b"%PDF"):
        raise InputError("这不是 PDF 文件，无法核对。")
    try:
        return PdfReader(io.BytesIO(pdf))
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError("这份 PDF 已损坏或不完整，无法读取，无法核对。") from exc


def pdf_text(pdf: bytes) -> str:
    """The text of every page, as pypdf extracts it."""
    from pypdf.errors import PyPdfError

    reader = _reader(pdf)
    try:
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(
            "这份 PDF 的文字无法读出（可能已损坏，或是扫描件、图片），无法核对。"
        ) from exc


def read_marker(pdf: bytes) -> tuple[Marker | None, str]:
    """The printout's marker and where it was found (metadata / text / "")."""
    reader = _reader(pdf)
    try:
        info = reader.metadata or {}
        for key in ("/Keywords", "/Subject"):
            found = Marker.parse(str(info.get(key) or ""))
            if found:
                return found, "metadata"
    except Exception:  # noqa: BLE001 - damaged metadata: the page text still carries the mark
        pass
    found = Marker.parse(re.sub(r"\s+", "", pdf_text(pdf)))
    if found:
        return found, "text"
    return None, ""


def _fingerprint_of(info: Any, form: str) -> str | None:
    value = getattr(info, f"fingerprint_{form}")
    return str(value) if value else None


def changed_fields(old: Declaration, new: Declaration, form: str) -> tuple[str, ...]:
    """Keys of the printed content that differ between two revisions, in form order; for
    the 自评表, ``monitoring`` when the mid-year forecasts it prints changed, for the
    运行监控表 ``annual_goal`` when the declared goal it prints changed."""
    from perfdesk.pdf.evaluation import forecast_texts

    a, b = content_dict(old, form), content_dict(new, form)
    if form == "declaration":
        return tuple(k for k in dict.fromkeys([*a, *b]) if a.get(k) != b.get(k))
    pa, pb = a.pop(form) or {}, b.pop(form) or {}
    keys = [k for k in a if a.get(k) != b.get(k)]
    if form == "monitoring" and old.annual_goal != new.annual_goal:
        keys.append("annual_goal")
    keys += [k for k in dict.fromkeys([*pa, *pb]) if pa.get(k) != pb.get(k)]
    if form == "evaluation" and old.evaluation and new.evaluation:
        if forecast_texts(old, old.evaluation) != forecast_texts(new, new.evaluation):
            keys.append("monitoring")
    return tuple(keys)


# ---------------------------------------------------------------- comparing content


def _shown_values(decl: Declaration, form: str) -> list[tuple[str, str]]:
    """(label, text as printed, without spaces) of every value of the form's content;
    nested values are labelled by table, row and column (分解目标第3行“指标目标值”)."""
    from perfdesk.models.labels import field_label as path_label
    from perfdesk.models.labels import label_for

    out: list[tuple[str, str]] = []

    def label(path: str) -> str:
        if "[" in path:
            return path_label(path, decl.framework)
        return label_for(path, decl.framework)

    def walk(path: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{path}.{k}" if path else k, v)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(f"{path}[{i}]", v)
        elif isinstance(value, bool) or value is None:
            return
        elif isinstance(value, int | float | Decimal):
            out.append((label(path), format_money(Decimal(str(value)))))
            out.append((label(path), str(value)))
        else:
            out.append((label(path), "".join(str(value).split())))

    content = content_dict(decl, form)
    if form == "declaration":
        # The 投入资金构成 block's 合计 row is printed from the amounts, not stored.
        amounts = [b.amount for b in decl.budget_items if b.amount is not None]
        if amounts:
            total = sum(amounts, Decimal(0))
            where = f"{label('budget_items')}“{BUDGET_TOTAL_LABEL}”"
            out.append((where, format_money(total)))
            out.append((where, amount_in_words(total)))
    if form == "evaluation":
        evaluation = content.pop("evaluation") or {}
        walk("", content)
        walk("evaluation", evaluation)
        if decl.monitoring is not None:  # the 年中预计 column comes from the monitoring form
            for i, row in enumerate(decl.monitoring.indicators):
                for key in ("forecast", "likelihood"):
                    path = f"monitoring.indicators[{i}].{key}"
                    if getattr(row, key):
                        text = "".join(str(getattr(row, key)).split())
                        out.append((MONITORING_LABEL + path_label(path, decl.framework), text))
    else:
        walk("", content)
        if form == "monitoring":  # the form prints the declared goal beside its progress
            walk("annual_goal", decl.annual_goal)
    return out


def _label_of(stored: str, before: str, context: str, shown: list[tuple[str, str]]) -> str:
    """The field whose printed value holds ``stored`` (or, for a cell that prints more
    around its value, whose value ``stored`` holds). Of several, the one whose label is
    printed just before it; else, where several rows hold the same value, the row as
    many occurrences of it down the page (``before``: the stored text up to here)."""
    stored = "".join(stored.split())
    found = [(label, text) for label, text in shown if stored and stored in text]
    if not found:
        found = [(label, text) for label, text in shown if len(text) >= 2 and text in stored]
        longest = max((len(t) for _l, t in found), default=0)
        found = [(label, text) for label, text in found if len(text) == longest]
    if not found:
        return "（未知栏目）"

    def printed_at(label: str) -> int:
        core = label.strip("“”").split("（")[0].split("“")[-1]
        return context.rfind(core)

    labelled = [lt for lt in found if printed_at(lt[0]) >= 0]
    if labelled:
        return max(labelled, key=lambda lt: (printed_at(lt[0]), -len(lt[1])))[0]
    text = min(found, key=lambda lt: len(lt[1]))[1]
    same = [label for label, t in found if t == text]
    return same[min("".join(before.split()).count(text), len(same) - 1)]


def _narrow(was: str, now: str, keep: int = 8) -> tuple[str, str]:
    """A long line that differs in a few characters, cut down to them and some context."""
    if len(was) <= 2 * keep + 4 and len(now) <= 2 * keep + 4:
        return was, now
    head = 0
    while head < min(len(was), len(now)) and was[head] == now[head]:
        head += 1
    tail = 0
    while (tail < min(len(was), len(now)) - head and was[-1 - tail] == now[-1 - tail]):
        tail += 1
    start = max(0, head - keep)
    cut_was = was[start : len(was) - max(0, tail - keep)]
    cut_now = now[start : len(now) - max(0, tail - keep)]
    lead = "…" if start else ""
    return (lead + cut_was + ("…" if tail > keep else ""),
            lead + cut_now + ("…" if tail > keep else ""))  # fmt: skip


def _note_only(words: list[str]) -> bool:
    # A reprint of an older revision carries a note in its footer (perfdesk.pdf.year).
    return "重新打印" in "".join(words)


def _differences(
    printed: str, stored: str, decl: Declaration, form: str
) -> tuple[tuple[str, str, str], ...]:
    """(label, printed, stored) for each run of words that differs. A run printed in one
    place and stored in another, word for word, most often moved with the page breaks (an
    altered cell above changed its row's height): it is named only when nothing else
    differs (then the order of the words is what was altered)."""
    a, b = printed.split(), stored.split()
    shown = _shown_values(decl, form)
    out: list[tuple[str, str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    ops = matcher.get_opcodes()
    deleted = [a[i1:i2] for op, i1, i2, _j1, _j2 in ops if op == "delete"]
    inserted = [b[j1:j2] for op, _i1, _i2, j1, j2 in ops if op == "insert"]
    moved = [run for run in deleted if run in inserted]
    shifted: list[tuple[str, str, str]] = []
    for op, i1, i2, j1, j2 in ops:
        if op == "equal" or (op == "delete" and _note_only(a[i1:i2])):
            continue
        was, now = " ".join(a[i1:i2]), " ".join(b[j1:j2])
        context = " ".join(b[max(0, j1 - 3) : j1])
        label = _label_of(now or (b[j1 - 1] if j1 else ""), " ".join(b[:j1]), context, shown)
        is_moved = (op == "delete" and a[i1:i2] in moved) or (op == "insert" and b[j1:j2] in moved)
        (shifted if is_moved else out).append((label, *_narrow(was, now)))
    return tuple(out or shifted)


def _with_status(decl: Declaration, form: str, draft: bool) -> Declaration:
    import copy

    other = copy.deepcopy(decl)
    status = "draft" if draft else "final"
    part = getattr(other, form) if form != "declaration" else None
    if part is not None:
        part.status = status
    else:
        other.status = status
    return other


def compare_printout(pdf: bytes, decl: Declaration, form: str) -> tuple[tuple[str, str, str], ...]:
    """What the printout says differently from ``decl`` drawn again; () when the same.

    The same revision gives the same PDF, so equal bytes settle it; else the page text is
    compared. A printout made while the revision was a draft and finalised since (or the
    other way round) differs only by the 草稿 watermark, which is no content: both are tried.
    """
    from perfdesk.pdf.printout import render_bytes

    printed = pdf_text(pdf)
    first: tuple[tuple[str, str, str], ...] | None = None
    for candidate in (decl, _with_status(decl, form, draft=_is_final(decl, form))):
        again = render_bytes(candidate, form)
        if again == pdf:
            return ()
        again_text = pdf_text(again)
        found = _differences(printed, again_text, decl, form)
        if not found or _same_before_totals(printed, again_text, decl, form):
            return ()
        first = first or found
    return first or ()


# What every page carries besides the form: page numbers, the record's mark, the watermark.
_FURNITURE = re.compile(
    r"第\s*\d+\s*页\s*共\s*\d+\s*页|记录号\s*\S+\s*第\s*\d+\s*版\s*指纹\s*[0-9a-f]{12}"
    r"|perfdesk:\S+|^\s*草稿\s*$",
    re.MULTILINE,
)


def _same_before_totals(printed: str, again: str, decl: Declaration, form: str) -> bool:
    """A declaration printed before the 投入资金构成 block ended in 合计 and 大写: the same
    text as today's drawing without those two rows. Their height moves the page breaks, so
    the pages are compared without what every page carries (numbers, mark, watermark)."""
    capital = f"{CAPITAL_LABEL}："
    if form != "declaration" or capital in printed or capital not in again:
        return False
    amounts = [b.amount for b in decl.budget_items if b.amount is not None]
    if not amounts:
        return False
    total = sum(amounts, Decimal(0))
    rows = f"{BUDGET_TOTAL_LABEL}{format_money(total)}{capital}{amount_in_words(total)}"

    def content(text: str) -> str:
        return "".join(_FURNITURE.sub("", text).split())

    today = content(again)
    block = today.find(BUDGET_ITEM_HEADERS[1])
    at = today.find(rows, block)
    return block >= 0 and at >= 0 and content(printed) == today[:at] + today[at + len(rows) :]


def _is_final(decl: Declaration, form: str) -> bool:
    part = getattr(decl, form) if form != "declaration" else None
    return (part if part is not None else decl).status == "final"


def _differences_text(found: tuple[tuple[str, str, str], ...]) -> str:
    parts = [
        f"{label}打印为“{was or '（空）'}”，库中为“{now or '（空）'}”"
        for label, was, now in found[:_SHOWN_DIFFERENCES]
    ]
    more = f"（另有 {len(found) - _SHOWN_DIFFERENCES} 处）" if len(found) > _SHOWN_DIFFERENCES else ""
    return "；".join(parts) + more


# ---------------------------------------------------------------- the answer


def _altered_in_store(
    rid: int, what: str, revision: int, problem: str, mark: Marker, source: str
) -> VerifyResult:
    return VerifyResult(
        STATUS_ALTERED,
        f"数据库中编号 {rid} 的{what}第 {revision} 版{problem}，不能为这份打印件作证；"
        "请运行“perfdesk check”，并从自动备份恢复。",
        mark,
        matched_revision=revision,
        source=source,
    )


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
    # The printed revision first, then any other stored with the same fingerprint.
    candidates = sorted(revisions, key=lambda r: (r.revision != mark.revision, -r.revision))
    matched = next(
        (r for r in candidates if _fingerprint_of(r, mark.form) == mark.fingerprint), None
    )
    marked = next((r for r in revisions if r.revision == mark.revision), None)
    if matched is None and marked is not None:
        matched_problem = store.revision_problem(rid, marked.revision)
        if matched_problem:
            return _altered_in_store(rid, what, marked.revision, matched_problem, mark, source)
    if matched is None:
        return VerifyResult(
            STATUS_UNKNOWN,
            f"打印件的指纹 {mark.fingerprint} 与编号 {rid} 的{what}任何已存版本都不符"
            f"（标明第 {mark.revision} 版，当前第 {current.revision} 版）：打印件可能被改动过，"
            "或来自另一个数据库。",
            mark,
            current_revision=current.revision,
            source=source,
        )
    problem = store.revision_problem(rid, matched.revision)
    if problem:
        return _altered_in_store(rid, what, matched.revision, problem, mark, source)
    stored = store.get(rid, matched.revision)
    if mark.form != "declaration" and getattr(stored, mark.form) is None:
        return VerifyResult(
            STATUS_UNKNOWN, f"编号 {rid} 第 {matched.revision} 版没有{what}。", mark, source=source
        )
    found = compare_printout(pdf, stored, mark.form)
    if found:
        return VerifyResult(
            STATUS_ALTERED,
            f"打印件的文字与编号 {rid} 的{what}第 {matched.revision} 版不一致（打印标记未变，"
            f"内容被改过）：{_differences_text(found)}。",
            mark,
            matched_revision=matched.revision,
            current_revision=current.revision,
            source=source,
            differences=found,
        )
    if matched.revision == current.revision:
        return VerifyResult(
            STATUS_CURRENT,
            f"打印件与数据库中编号 {rid} 的{what}当前版本（第 {current.revision} 版）一致。",
            mark,
            matched_revision=current.revision,
            current_revision=current.revision,
            source=source,
        )
    changed = changed_fields(stored, store.get(rid), mark.form)
    labels = "、".join(field_label(k, mark.form) for k in changed) or "无内容改动"
    return VerifyResult(
        STATUS_OLDER,
        f"打印件是编号 {rid} 的{what}第 {matched.revision} 版，不是当前版本"
        f"（第 {current.revision} 版）；此后改动的栏目：{labels}。",
        mark,
        matched_revision=matched.revision,
        current_revision=current.revision,
        changed_fields=changed,
        source=source,
    )
