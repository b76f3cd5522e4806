"""The hand-in package (forms.md §6): one `.pdpack` zip carrying records between databases.

Writing: a manifest naming every part with its SHA-256, then the parts. Reading trusts
nothing: the file may come off a USB stick from anyone, so it is checked whole before any
of it is used — a zip at all, bounded in size and count, no absolute or ``..`` or duplicate
names, exactly the parts the manifest names, each part's SHA-256, the format and version,
and every record readable as a record. Any failure refuses the whole package in one Chinese
sentence naming the file.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import platform
import secrets
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfdesk import __version__
from perfdesk.models.errors import PerfdeskError
from perfdesk.models.serialize import stored_number
from perfdesk.models.words import os_reason

FORMAT = "perfdesk-package"
VERSION = 1
SUFFIX = ".pdpack"
MANIFEST = "manifest.json"
KIND_SUBMIT = "submit"
KIND_RETURN = "return"
KINDS = (KIND_SUBMIT, KIND_RETURN)

# Limits on what a package may hold. A department's year is a few hundred forms of ~20 kB of
# JSON each; these leave two orders of magnitude of room and stop zip bombs and junk early.
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_PARTS = 20_000
MAX_PART_BYTES = 8 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
# A JSON record compresses about 5–10×; a part that claims far more is a bomb.
MAX_RATIO = 200


class PackageError(PerfdeskError):
    """A package that cannot be used; nothing of it was written anywhere."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        super().__init__(f"数据包“{self.path.name}”{reason}，未接收其中任何内容。")


@dataclass(frozen=True)
class Sender:
    unit: str
    computer: str
    user: str

    @classmethod
    def here(cls, unit: str) -> Sender:
        return cls(unit=unit, computer=platform.node() or "", user=_user())

    def to_json(self) -> dict[str, str]:
        return {"unit": self.unit, "computer": self.computer, "user": self.user}

    def text(self) -> str:
        who = "@".join(p for p in (self.user, self.computer) if p)
        return f"{self.unit}（{who}）" if who else self.unit


@dataclass
class Package:
    """A package as read and checked: its manifest fields and its record parts."""

    path: Path
    kind: str
    id: str
    created: str
    sender: Sender
    year: int | None
    program: str
    entries: list[dict[str, Any]]  # the manifest's records, in order
    parts: list[dict[str, Any]] = field(default_factory=list)  # the parts' JSON, same order
    check_code: str = ""


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is no reason to refuse a package
        return ""


def check_code(manifest_bytes: bytes) -> str:
    """A short code to read over the phone: the manifest names every part by its SHA-256,
    so its own hash stands for the whole package."""
    digest = hashlib.sha256(manifest_bytes).hexdigest().upper()
    return f"{digest[:4]}-{digest[4:8]}"


def new_package_id() -> str:
    return secrets.token_hex(8)


def key_of(record: dict[str, Any]) -> dict[str, Any]:
    return {"year": record["year"], "unit": record["unit"], "name": record["name"]}


def write_package(
    path: Path | str,
    *,
    kind: str,
    sender: Sender,
    year: int | None,
    entries: list[dict[str, Any]],
    parts: list[dict[str, Any]],
    package_id: str | None = None,
) -> tuple[str, str]:
    """Write a package atomically (temp file beside it, then rename); returns (id, check code).

    ``entries`` are the manifest's record entries without ``part``/``sha256``, which are
    added here; ``parts`` the JSON of each record part, in the same order."""
    if kind not in KINDS:
        raise ValueError(kind)
    path = Path(path)
    package_id = package_id or new_package_id()
    # Parts are stored documents read with serialize.loads: a 执行率 0.98 is a Decimal.
    blobs = [
        json.dumps(p, ensure_ascii=False, sort_keys=True, default=stored_number).encode("utf-8")
        for p in parts
    ]
    records = []
    for n, (entry, blob) in enumerate(zip(entries, blobs, strict=True), start=1):
        records.append(
            {**entry, "part": f"records/{n}.json", "sha256": hashlib.sha256(blob).hexdigest()}
        )
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "kind": kind,
        "id": package_id,
        "created": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "sender": sender.to_json(),
        "year": year,
        "program": __version__,
        "records": records,
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as raw:
            with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                zf.writestr(_info(MANIFEST), manifest_bytes)
                for rec, blob in zip(records, blobs, strict=True):
                    zf.writestr(_info(rec["part"]), blob)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return package_id, check_code(manifest_bytes)


def _info(name: str) -> zipfile.ZipInfo:
    # A fixed time: the same content gives the same bytes apart from the manifest's own.
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


# ---------------------------------------------------------------------------- reading


def _safe_name(name: str) -> bool:
    if not name or name.startswith(("/", "\\")) or "\\" in name or ":" in name:
        return False
    return all(seg not in ("", ".", "..") for seg in name.split("/"))


def _read_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> bytes:
    with zf.open(info) as fh:
        data = fh.read(MAX_PART_BYTES + 1)
    if len(data) > MAX_PART_BYTES:
        raise PackageError(path, f"中的“{info.filename}”过大（超过 {MAX_PART_BYTES // 2**20} MB）")
    return data


def read_package(path: Path | str) -> Package:
    """Read and check a package; raises PackageError naming the file, having written nothing."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        raise PackageError(path, "不存在或无法读取") from None
    if not path.is_file():
        raise PackageError(path, "不是普通文件")
    if st.st_size > MAX_FILE_BYTES:
        raise PackageError(path, f"过大（{st.st_size // 2**20} MB，上限 {MAX_FILE_BYTES // 2**20} MB）")
    try:
        with zipfile.ZipFile(path) as zf:
            return _read_checked(zf, path)
    except PackageError:
        raise
    except zipfile.BadZipFile:
        raise PackageError(path, "不是 perfdesk 数据包（不是有效的压缩文件，或已损坏、不完整）") from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, ValueError):
        # The library's own words (English, a Python message) are no use to a clerk.
        raise PackageError(path, "无法读取（文件已损坏，或用了不支持的压缩方式）") from None
    except OSError as exc:
        raise PackageError(path, f"无法读取（{os_reason(exc)}）") from None


def _read_checked(zf: zipfile.ZipFile, path: Path) -> Package:
    infos = zf.infolist()
    if len(infos) > MAX_PARTS + 1:
        raise PackageError(path, f"包含的文件过多（{len(infos)} 个）")
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise PackageError(path, "中有重名的文件，可能被篡改")
    for info in infos:
        if not _safe_name(info.filename):
            raise PackageError(path, f"中有不安全的路径“{info.filename}”，可能被篡改")
        if info.file_size > MAX_PART_BYTES:
            raise PackageError(path, f"中的“{info.filename}”过大")
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            raise PackageError(path, f"中的“{info.filename}”压缩比异常（疑似压缩炸弹）")
    if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
        raise PackageError(path, "解压后过大")
    by_name = {i.filename: i for i in infos}
    if MANIFEST not in by_name:
        raise PackageError(path, "不是 perfdesk 数据包（缺少清单）")
    manifest_bytes = _read_part(zf, by_name[MANIFEST], path)
    manifest = _json(manifest_bytes, path, MANIFEST)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise PackageError(path, "不是 perfdesk 数据包")
    version = manifest.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise PackageError(path, "的格式版本无法识别")
    if version > VERSION:
        raise PackageError(path, f"由更新版本的 perfdesk 制作（格式版本 {version}），请先升级 perfdesk")
    kind = manifest.get("kind")
    if kind not in KINDS:
        raise PackageError(path, f"的类型“{kind}”无法识别")
    records = manifest.get("records")
    if not isinstance(records, list):
        raise PackageError(path, "的清单中没有记录列表")
    named = [r.get("part") if isinstance(r, dict) else None for r in records]
    if any(not isinstance(n, str) for n in named) or len(set(named)) != len(named):
        raise PackageError(path, "的清单不完整或有重复的部分")
    extra = sorted(set(by_name) - set(named) - {MANIFEST})
    missing = [n for n in named if n not in by_name]
    if missing:
        raise PackageError(path, f"缺少清单中列出的“{missing[0]}”，数据包不完整")
    if extra:
        raise PackageError(path, f"含有清单之外的“{extra[0]}”，可能被篡改")
    sender_json = manifest.get("sender")
    if not isinstance(sender_json, dict) or not isinstance(sender_json.get("unit"), str):
        raise PackageError(path, "的清单中没有发送单位")
    sender = Sender(
        unit=sender_json["unit"],
        computer=str(sender_json.get("computer") or ""),
        user=str(sender_json.get("user") or ""),
    )
    year = manifest.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        raise PackageError(path, "的年度无法识别")
    pkg_id = manifest.get("id")
    if not isinstance(pkg_id, str) or not pkg_id or len(pkg_id) > 64:
        raise PackageError(path, "的清单中没有数据包编号")
    parts = []
    for entry in records:
        blob = _read_part(zf, by_name[entry["part"]], path)
        if hashlib.sha256(blob).hexdigest() != entry.get("sha256"):
            raise PackageError(path, f"中的“{entry['part']}”与清单的校验值不符，已被修改或损坏")
        part = _json(blob, path, entry["part"])
        if not isinstance(part, dict):
            raise PackageError(path, f"中的“{entry['part']}”不是一条记录")
        parts.append(part)
    return Package(
        path=path,
        kind=kind,
        id=pkg_id,
        created=str(manifest.get("created") or ""),
        sender=sender,
        year=year,
        program=str(manifest.get("program") or ""),
        entries=records,
        parts=parts,
        check_code=check_code(manifest_bytes),
    )


def _json(blob: bytes, path: Path, name: str) -> Any:
    try:
        return json.loads(blob.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise PackageError(path, f"中的“{name}”不是有效的 JSON") from None
