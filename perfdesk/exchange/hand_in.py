"""上报, 接收, 退回 and 汇总 (forms.md §6), on a Store; the command line and the window call these.

- ``pack``: a submit package of a year's forms (final ones; drafts too when asked).
- ``receive``: take in packages, each whole or not at all: submit packages merge by
  (year, unit, name) into new revisions, never overwriting; return packages reopen the named
  records as drafts with the 主管部门's comments.
- ``make_return``: a return package answering records with comments.
- ``year_status``: per unit, what arrived, what was returned, who is missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfdesk.exchange.package import (
    KIND_RETURN,
    KIND_SUBMIT,
    Package,
    PackageError,
    Sender,
    key_of,
    new_package_id,
    read_package,
    write_package,
)
from perfdesk.models.errors import Cancelled, NotFoundError, PerfdeskError
from perfdesk.models.serialize import declaration_from_dict, declaration_to_dict
from perfdesk.progress import CancelCheck, Progress, never_cancelled
from perfdesk.store import packages as P
from perfdesk.store.database import Store
from perfdesk.store.documents import fingerprints

ADDED = "added"
UPDATED = "updated"
UNCHANGED = "unchanged"
CONFLICT = "conflict"
REOPENED = "reopened"
NOT_APPLIED = "not_applied"
OUTCOME_LABELS = {
    ADDED: "新增",
    UPDATED: "更新",
    UNCHANGED: "未变",
    CONFLICT: "冲突",
    REOPENED: "已退回修改",
    NOT_APPLIED: "未退回",
}


# The 自评表 and the 运行监控表 travel inside the record, each with a fingerprint of its own
# in the manifest (store.documents.fingerprints: declaration, evaluation, monitoring).
def _key_text(key: dict[str, Any]) -> str:
    return f"{key['year']}年“{key['unit']}”的“{key['name']}”"


def _send(
    store: Store,
    out: Path,
    kind: str,
    sender: Sender,
    year: int | None,
    entries: list[dict[str, Any]],
    parts: list[dict[str, Any]],
    ids: list[tuple[int, int, str]],
    finals: int,
    note: str | None = None,
) -> tuple[str, str]:
    """Record a package this database sends and write it, in one transaction: recorded
    first, written last, so a failed write rolls the record of it back. (id, check code)."""
    package_id = new_package_id()
    outcome = "sent" if kind == KIND_SUBMIT else "returned"
    with store.transaction():
        P.add_package(
            store,
            P.PackageRow(
                package_id, P.SENT, kind, year, sender.unit, sender.computer, sender.user,
                None, P.now(), str(out), None, len(entries), finals,
            ),
        )  # fmt: skip
        for rid, rev, fpd in ids:
            P.add_record(store, package_id, P.SENT, rid, rev, outcome, fpd, note)
        _, code = write_package(
            out, kind=kind, sender=sender, year=year, entries=entries, parts=parts,
            package_id=package_id,
        )  # fmt: skip
        P.set_check_code(store, package_id, P.SENT, code)
    return package_id, code


# ---------------------------------------------------------------------------- 上报


@dataclass(frozen=True)
class PackResult:
    path: Path
    id: str
    check_code: str
    count: int
    final_count: int
    drafts_left_out: int


def pack(
    store: Store,
    out: Path | str,
    *,
    year: int,
    unit: str | None = None,
    drafts: bool = False,
    sender_unit: str | None = None,
) -> PackResult:
    """Write a submit package of the year's forms (of ``unit`` when given)."""
    rows = store.list(year=year, unit=unit, columns=("id", "status", "unit"))
    chosen = [r for r in rows if drafts or r[1] == "final"]
    left_out = len(rows) - len(chosen)
    if not chosen:
        where = f"“{unit}”" if unit else ""
        if rows:
            raise PerfdeskError(
                f"{year}年{where}的 {len(rows)} 个项目都还是草稿，没有可上报的定稿；"
                "请先定稿，或加上 --drafts 连同草稿一起上报。"
            )
        raise NotFoundError(f"数据库中没有{year}年{where}的项目，没有可上报的内容。")
    units = sorted({r[2] for r in chosen})
    sender = Sender.here(sender_unit or unit or "、".join(units))
    entries, parts, ids = [], [], []
    for rid, _status, _unit in chosen:
        doc = store.get_dict(rid)
        fpd, fpe, fpm = fingerprints(doc)
        part = {k: v for k, v in doc.items() if k != "id"}
        entries.append(
            {
                "key": key_of(doc),
                "revision": doc["revision"],
                "status": doc["status"],
                "fingerprint": fpd,
                "fingerprint_evaluation": fpe,
                "fingerprint_monitoring": fpm,
            }
        )
        parts.append(part)
        ids.append((rid, doc["revision"], fpd))
    finals = sum(1 for e in entries if e["status"] == "final")
    out = Path(out)
    package_id, code = _send(store, out, KIND_SUBMIT, sender, year, entries, parts, ids, finals)
    return PackResult(out, package_id, code, len(entries), finals, left_out)


# ---------------------------------------------------------------------------- 退回


@dataclass(frozen=True)
class ReturnResult:
    path: Path
    id: str
    check_code: str
    count: int


def make_return(
    store: Store,
    record_ids: Sequence[int],
    comment: str,
    out: Path | str,
    *,
    field_key: str | None = None,
    sender_unit: str = "主管部门",
) -> ReturnResult:
    """Write a return package answering each record's current revision with the comment."""
    text = (comment or "").strip()
    if not text:
        raise PerfdeskError("退回时须填写退回意见。")
    if not record_ids:
        raise PerfdeskError("请选择要退回的项目。")
    entries, parts, ids = [], [], []
    years = set()
    for rid in dict.fromkeys(record_ids):
        doc = store.get_dict(rid)
        fpd, fpe, fpm = fingerprints(doc)
        key = key_of(doc)
        years.add(doc["year"])
        entries.append(
            {"key": key, "revision": doc["revision"], "status": doc["status"], "fingerprint": fpd,
             "fingerprint_evaluation": fpe, "fingerprint_monitoring": fpm}
        )  # fmt: skip
        parts.append(
            {
                "key": key,
                "fingerprint": fpd,
                "fingerprint_evaluation": fpe,
                "fingerprint_monitoring": fpm,
                "comments": [{"text": text, "field": field_key}],
            }
        )
        ids.append((rid, doc["revision"], fpd))
    year = years.pop() if len(years) == 1 else None
    sender = Sender.here(sender_unit)
    out = Path(out)
    package_id, code = _send(store, out, KIND_RETURN, sender, year, entries, parts, ids, 0, text)
    return ReturnResult(out, package_id, code, len(entries))


# ---------------------------------------------------------------------------- 接收


@dataclass
class RecordOutcome:
    key: dict[str, Any]
    outcome: str
    record_id: int | None
    revision: int | None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "outcome": self.outcome,
            "id": self.record_id,
            "revision": self.revision,
            "note": self.note or None,
        }


@dataclass
class PackageReport:
    file: str
    status: str  # "received" | "already" | "rejected"
    id: str | None = None
    kind: str | None = None
    sender: str | None = None
    check_code: str | None = None
    records: list[RecordOutcome] = field(default_factory=list)
    error: str | None = None

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.records if r.outcome == outcome)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "status": self.status,
            "id": self.id,
            "kind": self.kind,
            "sender": self.sender,
            "check_code": self.check_code,
            "records": [r.to_json() for r in self.records],
            "counts": {o: self.count(o) for o in OUTCOME_LABELS if self.count(o)},
            "error": self.error,
        }

    def summary(self) -> str:
        if self.status == "rejected":
            return self.error or "未接收。"
        parts = [f"{OUTCOME_LABELS[o]} {self.count(o)}" for o in OUTCOME_LABELS if self.count(o)]
        head = "此前已接收过，未作任何修改" if self.status == "already" else "已接收"
        return f"{head}：{'，'.join(parts) or '没有记录'}。"


def check_package(path: Path | str) -> tuple[Package, list[tuple[dict[str, Any], dict[str, Any]]]]:
    """Read a package and check each record against its manifest entry (nothing written)."""
    pkg = read_package(path)
    return pkg, _checked_records(pkg)


def _checked_records(pkg: Package) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(manifest entry, part) of every record, each checked against the other: a part that is
    not a valid record, or whose key or fingerprint is not the manifest's, refuses the whole."""
    out = []
    for entry, part in zip(pkg.entries, pkg.parts, strict=True):
        key = entry.get("key")
        if not isinstance(key, dict) or not {"year", "unit", "name"} <= set(key):
            raise PackageError(pkg.path, f"的清单中“{entry.get('part')}”没有项目标识")
        if pkg.kind == KIND_SUBMIT:
            try:
                decl = declaration_from_dict(part)
            except PerfdeskError as exc:
                raise PackageError(
                    pkg.path, f"中的“{entry['part']}”不是有效的项目记录（{exc.message.rstrip('。')}）"
                ) from None
            if part.get("status") not in ("draft", "final"):
                raise PackageError(pkg.path, f"中的“{entry['part']}”状态无法识别")
            doc = declaration_to_dict(decl, with_store_keys=False)
            if key_of(doc) != key:
                raise PackageError(pkg.path, f"中的“{entry['part']}”与清单中的项目不符，可能被篡改")
            fpd, _fpe, fpm = fingerprints(doc)
            # Packages written before the 运行监控表 name no fingerprint of it.
            if fpd != entry.get("fingerprint") or (
                "fingerprint_monitoring" in entry and fpm != entry["fingerprint_monitoring"]
            ):
                raise PackageError(pkg.path, f"中的“{entry['part']}”内容与清单的指纹不符，可能被篡改")
            out.append((entry, {"doc": doc, "status": part["status"]}))
        else:
            comments = part.get("comments")
            if (
                part.get("key") != key
                or not isinstance(comments, list)
                or not comments
                or not all(isinstance(c, dict) and isinstance(c.get("text"), str) for c in comments)
            ):
                raise PackageError(pkg.path, f"中的“{entry['part']}”不是有效的退回意见")
            out.append((entry, part))
    return out


def receive(
    store: Store,
    paths: Iterable[Path | str],
    *,
    progress: Progress | None = None,
    cancel: CancelCheck = never_cancelled,
) -> list[PackageReport]:
    """Take in packages, each in one transaction. A bad package is reported and the others go
    on; a cancel rolls back the package in hand and stops (those before it stay taken in)."""
    files = [Path(p) for p in paths]
    reports: list[PackageReport] = []
    for n, path in enumerate(files):
        if cancel():
            raise Cancelled()
        if progress:
            progress(n, len(files), f"接收 {path.name}")
        try:
            pkg, records = check_package(path)
        except PackageError as exc:
            reports.append(PackageReport(path.name, "rejected", error=exc.message))
            continue
        report = PackageReport(
            path.name, "received", pkg.id, pkg.kind, pkg.sender.text(), pkg.check_code
        )
        with store.transaction():
            if P.seen(store, pkg.id) is not None:
                report.status = "already"
                report.records = [
                    RecordOutcome(e["key"], UNCHANGED, None, None, "此前已接收") for e, _ in records
                ]
            else:
                for entry, part in records:
                    if cancel():
                        raise Cancelled()
                    if pkg.kind == KIND_SUBMIT:
                        outcome = _merge(store, pkg, entry, part)
                    else:
                        outcome = _apply_return(store, pkg, entry, part)
                    report.records.append(outcome)
                finals = sum(1 for e, _ in records if e.get("status") == "final")
                P.add_package(
                    store,
                    P.PackageRow(
                        pkg.id, P.RECEIVED, pkg.kind, pkg.year, pkg.sender.unit,
                        pkg.sender.computer, pkg.sender.user, pkg.created, P.now(), str(path),
                        pkg.check_code, len(records), finals,
                    ),
                )  # fmt: skip
        reports.append(report)
    if progress:
        progress(len(files), len(files), "接收完成")
    return reports


def _merge(store: Store, pkg: Package, entry: dict[str, Any], part: dict[str, Any]) -> RecordOutcome:
    doc, status = part["doc"], part["status"]
    key = key_of(doc)
    incoming = fingerprints(doc)

    def record(rid: int, revision: int, outcome: str, note: str | None = None) -> None:
        P.add_record(
            store, pkg.id, P.RECEIVED, rid, revision, outcome, incoming[0], note,
            forms=(incoming[1], incoming[2]),
        )  # fmt: skip

    rid = store.find_id(key["year"], key["unit"], key["name"])
    decl = declaration_from_dict(doc)
    decl.status = status
    if rid is None:
        saved = store.save(decl, as_import=True).record
        record(saved.id or 0, saved.revision or 1, ADDED)
        return RecordOutcome(key, ADDED, saved.id, saved.revision)
    local_doc = store.get_dict(rid)
    local = fingerprints(local_doc)
    # A project deleted here and sent again is wanted again: it comes back (a new revision).
    if local == incoming and not store.is_deleted(rid):
        record(rid, local_doc["revision"], UNCHANGED)
        return RecordOutcome(key, UNCHANGED, rid, local_doc["revision"])
    kept = _unsent_drafts(local_doc, local, incoming, P.last_received_fingerprints(store, rid))
    decl.id = rid
    before = local_doc["revision"]
    saved = store.save(decl, as_import=True).record
    if saved.revision == before:
        # Only the status of the 自评表 or 运行监控表 differed: kept as it was here.
        record(rid, before, UNCHANGED)
        return RecordOutcome(key, UNCHANGED, rid, before)
    outcome = CONFLICT if kept else UPDATED
    note = (
        f"本机第 {before} 版的{'、'.join(kept)}草稿有未上报的修改，已保留为历史版本；"
        f"收到的内容为第 {saved.revision} 版"
        if kept
        else ""
    )
    record(rid, saved.revision or 0, outcome, note)
    return RecordOutcome(key, outcome, rid, saved.revision, note)


_FORM_NAMES = ("申报表", "自评表", "运行监控表")  # in the order of store.documents.fingerprints


def _unsent_drafts(
    local_doc: dict[str, Any],
    local: tuple[str | None, ...],
    incoming: tuple[str | None, ...],
    base: tuple[str | None, ...],
) -> list[str]:
    """The forms of the local record that the package would overwrite while they hold a
    change made here: drafts that differ both from what the last package brought (``base``)
    and from what this one brings. Each form has a life of its own (a final declaration may
    carry a 运行监控表 draft), so each is compared alone; the merge keeps them as a revision
    and reports a conflict (forms.md §6)."""
    parts = (local_doc, local_doc.get("evaluation"), local_doc.get("monitoring"))
    forms = zip(_FORM_NAMES, parts, local, base, incoming, strict=True)
    return [
        name
        for name, part, mine, last, theirs in forms
        # A form written without a status (by hand, or by another program) reads as a draft.
        if part and (part.get("status") or "draft") == "draft" and mine not in (last, theirs)
    ]


def _apply_return(
    store: Store, pkg: Package, entry: dict[str, Any], part: dict[str, Any]
) -> RecordOutcome:
    key = part["key"]
    rid = store.find_id(key["year"], key["unit"], key["name"])
    if rid is None:
        return RecordOutcome(key, NOT_APPLIED, None, None, f"本机没有{_key_text(key)}")
    local_doc = store.get_dict(rid)
    fpd, fpe, fpm = fingerprints(local_doc)
    # The return answers what was sent: any of the three forms changed here since, and the
    # comments may no longer fit it.
    if (
        fpd != part.get("fingerprint")
        or (part.get("fingerprint_evaluation") is not None and fpe != part["fingerprint_evaluation"])
        or (part.get("fingerprint_monitoring") is not None and fpm != part["fingerprint_monitoring"])
    ):
        note = f"上报后本机已修改（现为第 {local_doc['revision']} 版），退回意见未应用，请与主管部门核对"
        P.add_record(store, pkg.id, P.RECEIVED, rid, local_doc["revision"], NOT_APPLIED, fpd, note)
        return RecordOutcome(key, NOT_APPLIED, rid, local_doc["revision"], note)
    revision = P.reopen_as_draft(store, rid)
    comments = [(c.get("field") or None, c["text"]) for c in part["comments"]]
    P.add_comments(store, rid, revision, pkg.id, comments)
    P.add_record(store, pkg.id, P.RECEIVED, rid, revision, REOPENED, fpd)
    return RecordOutcome(key, REOPENED, rid, revision, "；".join(t for _, t in comments))


# ---------------------------------------------------------------------------- 汇总


@dataclass
class UnitStatus:
    unit: str
    state: str  # "received" | "returned" | "missing"
    received_forms: int = 0
    final_forms: int = 0
    returned_forms: int = 0
    # Of the received projects: those with a 运行监控表, final ones, and red marks (lagging
    # 序时进度 or a target 完全不可能).
    monitoring_forms: int = 0
    monitoring_final: int = 0
    monitoring_alerts: int = 0
    packages: list[str] = field(default_factory=list)
    last_package_at: str | None = None

    STATE_LABELS = {"received": "已上报", "returned": "已退回", "missing": "未上报"}

    def to_json(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "state": self.state,
            "received_forms": self.received_forms,
            "final_forms": self.final_forms,
            "returned_forms": self.returned_forms,
            "monitoring_forms": self.monitoring_forms,
            "monitoring_final": self.monitoring_final,
            "monitoring_alerts": self.monitoring_alerts,
            "packages": self.packages,
            "last_package_at": self.last_package_at,
        }


def year_status(store: Store, year: int) -> list[UnitStatus]:
    """Per unit of the department: what arrived this year, what was returned and not sent
    again since, and who is missing (a unit known from earlier years' records or packages that
    sent nothing this year)."""
    units: dict[str, UnitStatus] = {}
    last_in: dict[int, str] = {}
    last_back: dict[int, str] = {}
    unit_of: dict[int, str] = {}
    for pkg in P.packages_of_year(store, year):
        submit_in = pkg.direction == P.RECEIVED and pkg.kind == KIND_SUBMIT
        return_out = pkg.direction == P.SENT and pkg.kind == KIND_RETURN
        if not (submit_in or return_out):
            continue
        for rid, _rev, outcome in P.records_of_package(store, pkg.id, pkg.direction):
            unit = P.unit_of_record(store, rid)
            if unit is None:
                continue  # deleted since
            unit_of[rid] = unit
            st = units.setdefault(unit, UnitStatus(unit, "received"))
            if submit_in:
                last_in[rid] = pkg.handled_at
                if pkg.id not in st.packages:
                    st.packages.append(pkg.id)
                st.last_package_at = max(filter(None, (st.last_package_at, pkg.handled_at)))
            elif outcome == "returned":
                last_back[rid] = pkg.handled_at
    for rid, unit in unit_of.items():
        st = units[unit]
        if rid in last_in:
            st.received_forms += 1
            if P.status_of_record(store, rid) == "final":
                st.final_forms += 1
            mon_status, alert = P.monitoring_of_record(store, rid)
            st.monitoring_forms += mon_status is not None
            st.monitoring_final += mon_status == "final"
            st.monitoring_alerts += alert
        if rid in last_back and last_back[rid] >= last_in.get(rid, ""):
            st.returned_forms += 1
    for unit in P.units_before(store, year) | P.package_units_before(store, year):
        units.setdefault(unit, UnitStatus(unit, "missing"))
    for st in units.values():
        if st.returned_forms:
            st.state = "returned"
        elif st.received_forms == 0:
            st.state = "missing"
    order = {"missing": 0, "returned": 1, "received": 2}
    return sorted(units.values(), key=lambda s: (order[s.state], s.unit))


# The columns of status_table, for the window's table and the workbook alike.
STATUS_HEADERS = ("状态", "单位", "收到（个）", "其中定稿", "退回待改", "最近上报", "数据包编号")


def status_table(rows: Sequence[UnitStatus]) -> list[list[Any]]:
    """The 汇总 rows (columns STATUS_HEADERS) as the window shows them and the workbook
    holds them."""
    return [
        [
            UnitStatus.STATE_LABELS[r.state], r.unit, r.received_forms, r.final_forms,
            r.returned_forms, (r.last_package_at or "").replace("T", " ")[:16],
            "、".join(r.packages),
        ]
        for r in rows
    ]  # fmt: skip
