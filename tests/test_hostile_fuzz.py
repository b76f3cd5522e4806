"""Fuzz: damaged copies of the test corpus, made at test time, are imported or rejected cleanly.

Each mutant comes from one of the corpus files (openpyxl layouts, LibreOffice re-saves,
.xls, the bad files, perfdesk's own export with its stamp, JSON records) by one family of
damage: byte flips, truncation, a damaged zip member (recompressed, so its checksum holds),
huge dimensions, references and merges in the sheet XML, NaN and numbers that do not fit,
invisible and control characters. A seeded ``random.Random`` makes the same mutants every
run. The whole batch goes through the real ``perfdesk import --json`` and must give one JSON
line per file (imported or rejected, never 程序内部错误, never a traceback), leave no lock, and
leave a database that ``perfdesk check`` passes.
"""

from __future__ import annotations

import io
import json
import random
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from tests.cli_helpers import run_cli

DATA = Path(__file__).parent / "data"
CORPUS = DATA / "excel_in"
SEED = 20261204
PER_FAMILY = 16  # mutants per family and run: ~170 files, about half a minute here

Mutator = Callable[[random.Random, bytes], bytes | None]


# ---------------------------------------------------------------- the corpus


def corpus() -> dict[str, bytes]:
    """Every spreadsheet of the test corpus plus a perfdesk export (stamp included) and
    the seed as a JSON record."""
    from perfdesk.excel.writer import write_form
    from perfdesk.models.serialize import declaration_from_dict, loads

    files = {
        str(p.relative_to(CORPUS)): p.read_bytes()
        for p in sorted(CORPUS.rglob("*"))
        if p.suffix in (".xlsx", ".xls")
    }
    decl = declaration_from_dict(loads((DATA / "seed.json").read_text(encoding="utf-8")))
    buf = io.BytesIO()
    write_form(decl, buf, "declaration")
    # The export stamps the time it was made; fixed here so the corpus is the same each run.
    files["export_with_stamp.xlsx"] = rezip(
        buf.getvalue(),
        lambda name, b: re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-01-01T00:00:00Z", b)
        if name == "docProps/core.xml"
        else b,
    )
    files["seed.json"] = (DATA / "seed.json").read_bytes()
    return files


def is_zip(data: bytes) -> bool:
    return data.startswith(b"PK\x03\x04")


def rezip(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """The package with each member passed through ``change`` (None drops it), written
    afresh so that sizes and checksums match the damaged content."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED
    ) as zout:
        for info in zin.infolist():
            new = change(info.filename, zin.read(info.filename))
            if new is not None:
                # A fixed date: the same mutant bytes on every run.
                fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
                fixed.compress_type = zipfile.ZIP_DEFLATED
                zout.writestr(fixed, new)
    return out.getvalue()


def sheet_member(data: bytes, rnd: random.Random) -> str | None:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    return rnd.choice(sorted(sheets)) if sheets else None


def in_sheet(data: bytes, rnd: random.Random, edit: Callable[[str], str]) -> bytes | None:
    """Apply ``edit`` to the XML text of one worksheet of an .xlsx."""
    if not is_zip(data):
        return None
    try:
        member = sheet_member(data, rnd)
    except zipfile.BadZipFile:
        return None
    if member is None:
        return None
    return rezip(
        data, lambda n, b: edit(b.decode("utf-8")).encode("utf-8") if n == member else b
    )


# ---------------------------------------------------------------- the families


def flip_bytes(rnd: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rnd.randint(1, 16)):
        buf[rnd.randrange(len(buf))] = rnd.randrange(256)
    return bytes(buf)


def truncate(rnd: random.Random, data: bytes) -> bytes:
    return data[: rnd.randrange(1, len(data))]


def damage_member(rnd: random.Random, data: bytes) -> bytes | None:
    """One zip member's content damaged (flipped, cut, emptied, dropped or doubled)."""
    if not is_zip(data):
        return None
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        target = rnd.choice(sorted(z.namelist()))
    how = rnd.choice(("flip", "cut", "empty", "drop", "garbage"))

    def change(name: str, content: bytes) -> bytes | None:
        if name != target:
            return content
        if how == "drop":
            return None
        if how == "empty":
            return b""
        if how == "cut":
            return content[: rnd.randrange(0, max(1, len(content)))]
        if how == "garbage":
            return bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 400)))
        return flip_bytes(rnd, content) if content else b"\x00"

    return rezip(data, change)


def far_reference(rnd: random.Random, data: bytes) -> bytes | None:
    """A cell, row, dimension or merge far out in the sheet (up to Excel's last cell)."""
    col = rnd.choice(("XFD", "AAA", "ZZ", "xfd", "IV"))
    row = rnd.choice((1048576, 65536, 200000, 9999999))
    quote = rnd.choice(('"', "'"))
    kind = rnd.choice(("cell", "dimension", "merge", "merges", "row"))

    def edit(xml: str) -> str:
        if kind == "dimension":
            return re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="A1:{col}{row}"', xml, count=1)
        if kind == "merge":
            extra = f'<mergeCell ref="A{rnd.randint(1, 60)}:{col}{row}"/>'
            if "<mergeCells" in xml:
                return re.sub(r"(<mergeCells[^>]*>)", r"\1" + extra, xml, count=1)
            return xml.replace("</sheetData>", f"</sheetData><mergeCells>{extra}</mergeCells>", 1)
        if kind == "merges":
            many = "".join(f'<mergeCell ref="A{r}:{col}{r}"/>' for r in range(1, 400))
            return xml.replace("</sheetData>", f"</sheetData><mergeCells>{many}</mergeCells>", 1)
        if kind == "row":
            return re.sub(r'<row r="1"', f'<row r="{row}"', xml, count=1)
        cell = f"<c r={quote}{col}{row}{quote} t={quote}n{quote}><v>1</v></c>"
        return re.sub(r"(<row[^>]*>)", r"\1" + cell, xml, count=1)

    return in_sheet(data, rnd, edit)


_NUMBERS = (
    "NaN", "nan", "inf", "-inf", "INF", "1e308", "-1e308", "1e400", "4.9e-324",
    "123456789012345678901234567890", "99999999999999999999", "-0", "0x10", "1e", "", " ",
)  # fmt: skip


def odd_number(rnd: random.Random, data: bytes) -> bytes | None:
    """Numeric cells' values replaced by NaN, ±INF, 1e308, 30 digits or non-numbers."""
    value = rnd.choice(_NUMBERS)

    def edit(xml: str) -> str:
        numeric = [m for m in re.finditer(r'<c [^>]*t="n"[^>]*><v>[^<]*</v>', xml)]
        numeric += [m for m in re.finditer(r'<c r="[A-Z]+[0-9]+"(?: s="[0-9]+")?><v>[^<]*</v>', xml)]
        if not numeric:
            return xml
        for m in rnd.sample(numeric, min(len(numeric), rnd.randint(1, 3))):
            old = m.group(0)
            new = re.sub(r"<v>[^<]*</v>", f"<v>{value}</v>", old)
            xml = xml.replace(old, new, 1)
        return xml

    if data.startswith(b"{"):
        doc = json.loads(data)
        doc["total_budget"] = value if rnd.random() < 0.5 else 10**rnd.choice((20, 400, 5000))
        return json.dumps(doc, ensure_ascii=False).encode()
    return in_sheet(data, rnd, edit)


_INVISIBLE = (
    "\u202e", "\u202d", "\u2066", "\u200b", "\u200d", "\ufeff", "\x85", "\x00", "\x01", "\x1b",
    "\x7f", "\x9b", "\u2028", "\u00ad", "_x0000_", "_x001B_", "_x202E_",
)  # fmt: skip


def control_chars(rnd: random.Random, data: bytes) -> bytes | None:
    """Invisible and control characters (raw, or as the _xHHHH_ escapes of OOXML) put into
    text cells, shared strings and sheet names."""
    chars = [rnd.choice(_INVISIBLE) for _ in range(rnd.randint(1, 4))]

    def spoil(text: str) -> str:
        spots = list(re.finditer(r"<t(?: [^>]*)?>([^<]+)</t>", text))
        for m in rnd.sample(spots, min(len(spots), rnd.randint(1, 5))):
            s = m.group(1)
            at = rnd.randrange(len(s) + 1)
            text = text.replace(m.group(0), m.group(0).replace(s, s[:at] + rnd.choice(chars) + s[at:], 1), 1)
        return text

    if data.startswith(b"{"):
        doc = json.loads(data)
        doc["name"] = doc["name"][:3] + "".join(chars) + doc["name"][3:]
        doc["indicators"][0]["name"] += chars[0]
        return json.dumps(doc, ensure_ascii=False).encode()
    if not is_zip(data):
        return None

    def change(name: str, content: bytes) -> bytes:
        if name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml":
            return spoil(content.decode("utf-8")).encode("utf-8")
        if name == "xl/workbook.xml" and rnd.random() < 0.3:
            return re.sub(
                rb'(<sheet [^>]*name=")', lambda m: m.group(1) + chars[0].encode(), content, count=1
            )
        return content

    return rezip(data, change)


def damage_xml(rnd: random.Random, data: bytes) -> bytes | None:
    """Structure damaged inside a worksheet: a tag cut, swapped quotes, a deep nest, a huge
    attribute, an unknown cell type."""
    how = rnd.choice(("cut", "nest", "attr", "type", "unclosed", "swap"))

    def edit(xml: str) -> str:
        if how == "cut":
            return xml[: rnd.randrange(len(xml))]
        if how == "nest":
            return xml.replace("<sheetData>", "<sheetData>" + "<x>" * 5000 + "</x>" * 5000, 1)
        if how == "attr":
            return xml.replace("<c ", '<c x="' + "A" * 300000 + '" ', 1)
        if how == "type":
            kind = rnd.choice(('t="e"', 't="b"', 't="d"', 't="zz"'))
            return re.sub(r't="(n|s|inlineStr)"', kind, xml, count=3)
        if how == "unclosed":
            return xml.replace("</row>", "", rnd.randint(1, 3))
        return xml.replace('"', "'", rnd.randint(1, 50))

    return in_sheet(data, rnd, edit)


def damage_stamp(rnd: random.Random, data: bytes) -> bytes | None:
    """perfdesk's own export with its stamp (custom document property) damaged."""
    if not is_zip(data) or b"docProps/custom.xml" not in data:
        return None

    def change(name: str, content: bytes) -> bytes:
        if name != "docProps/custom.xml":
            return content
        text = content.decode("utf-8")
        how = rnd.choice(("flip", "value", "huge", "record"))
        if how == "record":
            # The stamp still matches the sheet, but what it restores is nonsense.
            m = re.search(r"<vt:lpwstr>([^<]*)</vt:lpwstr>", text)
            if m is None:
                return content
            stamp = json.loads(m.group(1))
            key = rnd.choice(sorted(stamp["record"]))
            stamp["record"][key] = rnd.choice((None, [], {}, "x", 10**30, -1, [[1]], {"a": 1}))
            new = json.dumps(stamp, ensure_ascii=False).replace("&", "&amp;").replace("<", "&lt;")
            return text.replace(m.group(1), new).encode()
        if how == "value":
            odd = '<vt:lpwstr>{"version": 1, "form": [1, {}]}</vt:lpwstr>'
            return re.sub(r"<vt:lpwstr>[^<]*</vt:lpwstr>", odd, text, count=1).encode()
        if how == "huge":
            return text.replace("<vt:lpwstr>", "<vt:lpwstr>" + "[" * 3000, 1).encode()
        return flip_bytes(rnd, content)

    return rezip(data, change)


def damage_xls(rnd: random.Random, data: bytes) -> bytes | None:
    """Bytes changed inside an .xls's streams (past the compound file's header), where
    python-calamine 0.9 panics or allocates without bound on some values."""
    if not data.startswith(b"\xd0\xcf\x11\xe0") or len(data) < 1024:
        return None
    buf = bytearray(data)
    for _ in range(rnd.randint(1, 6)):
        buf[rnd.randrange(512, len(buf))] = rnd.randrange(256)
    return bytes(buf)


def damage_json(rnd: random.Random, data: bytes) -> bytes | None:
    """A JSON record with the wrong shapes: lists for objects, deep nesting, huge numbers,
    lone surrogates, a cut."""
    if not data.startswith(b"{"):
        return None
    doc = json.loads(data)
    how = rnd.choice(("type", "deep", "digits", "surrogate", "cut", "list"))
    if how == "cut":
        return data[: rnd.randrange(1, len(data))]
    if how == "deep":
        return b'{"year": 2019, "name": ' + b"[" * 100000 + b"]" * 100000 + b"}"
    if how == "digits":
        return data.replace(b'"total_budget": 133340000', b'"total_budget": ' + b"9" * 5000)
    if how == "surrogate":
        return data.replace(b'"name": "', b'"name": "\\ud800', 1)
    if how == "list":
        return json.dumps([doc, [doc], 7, None], ensure_ascii=False).encode()
    key = rnd.choice(sorted(doc))
    doc[key] = rnd.choice((None, [], {}, "x", 10**30, -1, [[1]], {"a": 1}, True))
    return json.dumps(doc, ensure_ascii=False).encode()


FAMILIES: dict[str, Mutator] = {
    "flip": flip_bytes,
    "cut": truncate,
    "member": damage_member,
    "far": far_reference,
    "number": odd_number,
    "control": control_chars,
    "xml": damage_xml,
    "stamp": damage_stamp,
    "xls": damage_xls,
    "json": damage_json,
}


def make_mutants(folder: Path, seed: int = SEED, per_family: int = PER_FAMILY) -> list[Path]:
    rnd = random.Random(seed)
    files = corpus()
    names = sorted(files)
    made: list[Path] = []
    folder.mkdir(parents=True, exist_ok=True)
    for family, mutate in FAMILIES.items():
        n = tries = 0
        while n < per_family and tries < per_family * 20:
            tries += 1
            source = rnd.choice(names)
            if len(files[source]) < 2:
                continue
            try:
                mutant = mutate(rnd, files[source])
            except (zipfile.BadZipFile, UnicodeDecodeError, json.JSONDecodeError):
                continue  # a source the family cannot work on (a bad file already)
            if mutant is None or mutant == files[source]:
                continue
            suffix = Path(source).suffix
            path = folder / f"{family}-{n:03d}-{Path(source).stem}{suffix}"
            path.write_bytes(mutant)
            made.append(path)
            n += 1
    return made


# ---------------------------------------------------------------- the test


def test_the_mutants_are_the_same_every_run(tmp_path: Path) -> None:
    first = {p.name: p.read_bytes() for p in make_mutants(tmp_path / "a", per_family=3)}
    again = {p.name: p.read_bytes() for p in make_mutants(tmp_path / "b", per_family=3)}
    assert first == again


def test_every_mutant_is_imported_or_rejected_cleanly(tmp_path: Path) -> None:
    folder = tmp_path / "mutants"
    mutants = make_mutants(folder)
    assert len(mutants) >= len(FAMILIES) * PER_FAMILY * 0.9
    db = tmp_path / "fuzz.sqlite"
    r = run_cli("import", str(folder), "--json", db=db, timeout=600)
    assert r.returncode in (0, 1), r.stderr[-3000:]
    assert "Traceback" not in r.stderr and "panicked" not in r.stderr, r.stderr[-3000:]
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert sorted(Path(x["file"]).name for x in lines) == sorted(p.name for p in mutants)
    for line in lines:
        assert line["status"] in ("imported", "rejected"), line
        if line["status"] == "rejected":
            assert line["error"] and "程序内部错误" not in line["error"], line
            assert f"“{Path(line['file']).name}”" in line["error"], line
    # Each rejection's sentence is on stderr too; nothing else is.
    rejected = [x for x in lines if x["status"] == "rejected"]
    assert len([ln for ln in r.stderr.splitlines() if ln.startswith("已拒绝 ")]) == len(rejected)
    assert not list(tmp_path.glob("*.lock")), "a lock file was left behind"
    check = run_cli("check", db=db)
    assert check.returncode == 0, check.stdout + check.stderr
