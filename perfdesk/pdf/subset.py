"""TrueType subsets for the PDF writer (:mod:`perfdesk.pdf.writer`).

Each font of the chain that a document uses is embedded once, as a subset of the glyphs
it draws: a Type 0 font (CIDFontType2, Identity-H) whose 2-byte codes are the glyph
numbers of the subset, so a line is one string however many characters the form has
(simple TrueType fonts hold 255, and a form's ~350 distinct characters made lines switch
between two subsets every few characters). A ToUnicode map keeps the text copyable and
searchable; the subset is named ``ABCDEF+Face``. The subset file is laid out as
reportlab's ``makeSubset`` lays it out, from glyph data sliced out of the font once per
process (data, checksum and composite parts of every glyph met so far).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence
from itertools import accumulate, repeat
from struct import pack, pack_into, unpack_from

from perfdesk.pdf.fontfile import FontFace

# Flags of a composite glyph's component records (TrueType glyf table).
GF_ARG_1_AND_2_ARE_WORDS = 1 << 0
GF_WE_HAVE_A_SCALE = 1 << 3
GF_MORE_COMPONENTS = 1 << 5
GF_WE_HAVE_AN_X_AND_Y_SCALE = 1 << 6
GF_WE_HAVE_A_TWO_BY_TWO = 1 << 7

# zlib's fastest level for page content: the default costs 2.5 times the time for 7% fewer
# bytes. The font subset (~75 kB for a seed-sized form) is stored as it is: Huffman coding,
# the cheapest compression, took 1.2 ms a form (a tenth of its printing time) to save a
# quarter of those bytes; a form's PDF is ~90 kB instead of ~70 kB.
CONTENT_LEVEL = 1


def stream(data: bytes, level: int | None, extra: str = "") -> bytes:
    """A PDF stream object, compressed at zlib ``level`` (None: stored as it is)."""
    if level is None:
        head = f"<< {extra} /Length {len(data)} >>\nstream\n".encode()
        return head + data + b"\nendstream"
    packer = zlib.compressobj(level, zlib.DEFLATED, 15, 9)
    packed = packer.compress(data) + packer.flush()
    head = f"<< {extra} /Length {len(packed)} /Filter /FlateDecode >>\nstream\n".encode()
    return head + packed + b"\nendstream"


def _checksum(data: bytes) -> int:
    """TrueType table checksum: the sum of big-endian 32-bit words, zero padded."""
    if len(data) & 3:
        data += b"\0" * (4 - (len(data) & 3))
    return sum(unpack_from(f">{len(data) >> 2}L", data)) & 0xFFFFFFFF


def _padded(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) & 3)


# A glyph: padded data, checksum, composite parts ((offset, gid), ...), advance, bearing.
_Glyph = tuple[bytes, int, tuple[tuple[int, int], ...], int, int]


class _FaceGlyphs:
    """Per-process cache of one font file: each glyph's padded data, checksum, metrics
    and composite parts, and the tables every subset copies as they are."""

    def __init__(self, face: FontFace) -> None:
        self.face = face
        self.glyf_start = face.get_table_pos("glyf")[0]
        self.glyphs: dict[int, _Glyph] = {}
        self.copied: dict[str, tuple[bytes, int]] = {}
        self.widths: dict[int, str] = {}
        for tag in ("name", "OS/2", "cvt ", "fpgm", "prep"):
            try:
                data = face.get_table(tag)
            except KeyError:  # cvt, fpgm and prep are optional
                continue
            self.copied[tag] = (data, _checksum(data))
        post = b"\x00\x03\x00\x00" + face.get_table("post")[4:16] + b"\x00" * 16
        self.copied["post"] = (post, _checksum(post))
        self.hhea = face.get_table("hhea")
        self.maxp = face.get_table("maxp")
        head = face.get_table("head")
        self.head = head[:8] + b"\0\0\0\0" + head[12:]  # checkSumAdjustment, set per file

    def width_text(self, cp: int) -> str:
        """The PDF width (thousandths of the size) of character ``cp``, formatted."""
        found = self.widths.get(cp)
        if found is None:
            found = self.widths[cp] = f"{self.face.charWidths.get(cp, self.face.defaultWidth):.4g}"
        return found

    def glyph(self, gid: int) -> _Glyph:
        found = self.glyphs.get(gid)
        if found is None:
            pos = self.face.glyphPos
            start = self.glyf_start + pos[gid]
            data = _padded(self.face._ttf_data[start : start + pos[gid + 1] - pos[gid]])
            aw, lsb = self.face.hmetrics[gid]
            found = (data, _checksum(data), _components(data), int(aw), int(lsb))
            self.glyphs[gid] = found
        return found


def _components(data: bytes) -> tuple[tuple[int, int], ...]:
    """(offset, glyph id) of each component reference of a composite glyph."""
    if len(data) < 10 or unpack_from(">h", data, 0)[0] >= 0:
        return ()
    out = []
    pos = 10
    flags = GF_MORE_COMPONENTS
    while flags & GF_MORE_COMPONENTS:
        flags, gid = unpack_from(">HH", data, pos)
        out.append((pos + 2, gid))
        pos += 4 + (4 if flags & GF_ARG_1_AND_2_ARE_WORDS else 2)
        if flags & GF_WE_HAVE_A_SCALE:
            pos += 2
        elif flags & GF_WE_HAVE_AN_X_AND_Y_SCALE:
            pos += 4
        elif flags & GF_WE_HAVE_A_TWO_BY_TWO:
            pos += 8
    return tuple(out)


_faces: dict[int, _FaceGlyphs] = {}


def _face_glyphs(face: FontFace) -> _FaceGlyphs:
    found = _faces.get(id(face))
    if found is None or found.face is not face:
        found = _faces[id(face)] = _FaceGlyphs(face)
    return found


def make_subset(face: FontFace, codes: Sequence[int], numbered: DocFont | None = None) -> bytes:
    """A TrueType file with the glyphs of ``codes`` (Unicode values; index = character
    code in the PDF, code 0 .notdef) and a (1, 0) cmap from the codes to them — the file
    reportlab's ``TTFontFile.makeSubset`` makes, from cached glyph data. The glyf table's
    checksum is the sum of its glyphs' (each starts on a 4-byte boundary). ``numbered``
    is the document's font that numbered ``codes`` already, as this would."""
    cache = _face_glyphs(face)
    if numbered is not None:
        glyph_set = dict(numbered.glyphs)  # old -> new, in the order of the new
        glyph_map = list(glyph_set)  # new glyph index -> old
        cmap_ids = numbered.cids
    else:
        char_to_glyph = face.charToGlyph
        glyph_map = [0]
        glyph_set = {0: 0}
        cmap_ids = []
        for code in codes:
            old = char_to_glyph.get(code, 0)
            new = glyph_set.get(old)
            if new is None:
                new = glyph_set[old] = len(glyph_map)
                glyph_map.append(old)
            cmap_ids.append(new)
    # Parts of composite glyphs come along, in waves (the order reportlab numbers them).
    glyphs = cache.glyphs
    infos: list[_Glyph] = []
    start = 0
    while start < len(glyph_map):
        wave = glyph_map[start:]
        for gid in [g for g in wave if g not in glyphs]:
            cache.glyph(gid)
        wave_infos = list(map(glyphs.__getitem__, wave))
        infos += wave_infos
        start = len(glyph_map)
        for info in [i for i in wave_infos if i[2]]:
            for _, part in info[2]:
                if part not in glyph_set:
                    glyph_set[part] = len(glyph_map)
                    glyph_map.append(part)

    tables = dict(cache.copied)
    datas, sums, parts, aws_t, lsbs_t = zip(*infos, strict=True)
    offsets = list(accumulate(map(len, datas), initial=0))
    pos = offsets[-1]
    glyf = bytearray().join(datas)
    glyf_sum = sum(sums)
    # Renumber the parts of composite glyphs in place; the checksum changes by the
    # difference (glyphs start on 4-byte boundaries, so a part number's place in its
    # 32-bit word is its offset's in the table).
    for start, glyph_parts in zip(offsets, parts, strict=False):  # offsets: one more, the end
        for offset, part in glyph_parts:
            new = glyph_set[part]
            at = start + offset
            pack_into(">H", glyf, at, new)
            glyf_sum += (new - part) << (16 if at & 3 == 0 else 0)
    tables["glyf"] = (bytes(glyf), glyf_sum & 0xFFFFFFFF)
    # Trailing glyphs of equal advance keep only their side bearing (as reportlab does).
    aws, lsbs = list(aws_t), list(lsbs_t)
    full = len(aws) - 1
    while full and aws[full] == aws[full - 1]:
        full -= 1
    full += 1
    hmtx = [0] * (2 * full)
    hmtx[0::2] = aws[:full]
    hmtx[1::2] = lsbs[:full]
    hmtx += lsbs[full:]
    small = {
        "hmtx": pack(f">{len(hmtx)}H", *hmtx),
        "hhea": _set_ushort(cache.hhea, 34, full),
        "maxp": _set_ushort(cache.maxp, 4, len(glyph_map)),
        "cmap": pack(f">{11 + len(codes)}H", 0, 1, 1, 0, 0, 12, 6, 10 + 2 * len(codes), 0, 0,
                     len(codes), *cmap_ids),
    }  # fmt: skip
    if (pos + 1) >> 1 > 0xFFFF:
        loc_format = 1
        small["loca"] = pack(f">{len(offsets)}L", *offsets)
    else:
        loc_format = 0
        small["loca"] = pack(f">{len(offsets)}H", *[o >> 1 for o in offsets])
    small["head"] = _set_ushort(cache.head, 50, loc_format)
    for tag, data in small.items():
        tables[tag] = (data, _checksum(data))
    return _font_file(tables)


def _font_file(tables: dict[str, tuple[bytes, int]]) -> bytes:
    """The sfnt file of ``tables`` (tag -> (data, checksum)), ``head`` adjusted so the
    whole file sums to 0xB1B0AFBA."""
    count = len(tables)
    search = 1 << (count.bit_length() - 1)
    header = [pack(">lHHHH", 0x00010000, count, search * 16, search.bit_length() - 1,
                   count * 16 - search * 16)]  # fmt: skip
    offset = 12 + 16 * count
    body: list[bytes] = []
    total = 0
    head_at = 0
    for tag, (data, checksum) in sorted(tables.items()):
        if tag == "head":
            head_at = offset
        header.append(tag.encode("latin-1") + pack(">LLL", checksum, offset, len(data)))
        padded = _padded(data)
        body.append(padded)
        offset += len(padded)
        total += checksum
    head = b"".join(header)
    total = (total + _checksum(head)) & 0xFFFFFFFF
    out = bytearray(head + b"".join(body))
    out[head_at + 8 : head_at + 12] = pack(">L", (0xB1B0AFBA - total) & 0xFFFFFFFF)
    return bytes(out)


def _set_ushort(data: bytes, offset: int, value: int) -> bytes:
    return data[:offset] + pack(">H", value) + data[offset + 2 :]


class DocFont:
    """One font of the chain as used by one document: the characters it draws in order
    of first use (``codes``, after .notdef) and each one's code, the number of its glyph
    in the subset (as ``make_subset`` numbers them)."""

    def __init__(self, index: int, face: FontFace) -> None:
        self.face = face
        self.name = f"/F{index}"
        self.codes: list[int] = []
        self.glyphs = {0: 0}  # glyph in the font -> glyph in the subset
        self.cids: list[int] = []  # the subset glyph of each of ``codes``
        # str.translate table: a character to its code as 4 hex digits.
        self.enc: dict[int, str] = {}
        self._known: set[int] = set()
        # Code 0 comes first, as make_subset expects (U+0000 may have a glyph of its own).
        self.assign("\0")
        del self.enc[0]

    def assign(self, text: str) -> None:
        """Number the characters of ``text`` not numbered yet, in order of first use
        (in bulk: a form's few hundred characters are new at once)."""
        known = self._known
        fresh = [cp for cp in map(ord, dict.fromkeys(text)) if cp not in known]
        if not fresh:
            return
        known.update(fresh)
        olds = list(map(self.face.charToGlyph.get, fresh, repeat(0, len(fresh))))
        glyphs = self.glyphs
        new = [g for g in dict.fromkeys(olds) if g not in glyphs]
        glyphs.update(zip(new, range(len(glyphs), len(glyphs) + len(new)), strict=True))
        cids = list(map(glyphs.__getitem__, olds))
        self.codes += fresh
        self.cids += cids
        self.enc.update(zip(fresh, map("{:04X}".format, cids), strict=True))

    def show(self, text: str, size: str) -> str:
        """Operators setting ``text`` (all in this font, numbered) at ``size``."""
        return f"{self.name} {size} Tf <{text.translate(self.enc)}> Tj"


def font_objects(font: DocFont, first: int) -> list[bytes]:
    """The Type 0 font, its CID font, ToUnicode map, font file and descriptor, numbered
    from ``first``."""
    face = font.face
    codes, cids = font.codes, font.cids
    tag = hashlib.md5(face.name + repr(codes).encode()).digest()
    base = "".join(chr(65 + b % 26) for b in tag[:6]) + "+"
    base += (face.name + face.subfontNameX).decode("latin-1").replace(" ", "")
    cache = _face_glyphs(face)
    # The character each glyph was first used for (glyphs are numbered in that order):
    # its width, and its text for copying.
    first_use = dict(zip(reversed(cids), reversed(codes), strict=True))
    pairs = sorted((cid, cp) for cid, cp in first_use.items() if cid)  # glyphs 1, 2, …
    known = cache.widths
    widths = " ".join([known.get(cp) or cache.width_text(cp) for _, cp in pairs])
    font_file = make_subset(face, codes, font)
    uni = []
    enc = font.enc  # a character -> its glyph's code, as 4 hex digits
    cps = [cp for _, cp in pairs if cp]
    for i in range(0, len(cps), 100):
        chunk = cps[i : i + 100]
        uni.append(f"{len(chunk)} beginbfchar")
        uni += [f"<{enc[cp]}> {_UNICODE[cp]}" for cp in chunk]
        uni.append("endbfchar")
    cmap = "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
        "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange", *uni,
        "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])  # fmt: skip
    flags = (face.flags & ~(1 << 5)) | (1 << 2)  # symbolic
    bbox = " ".join(f"{v:.4g}" for v in face.bbox)
    type0 = (
        f"<< /Type /Font /Subtype /Type0 /BaseFont /{base} /Encoding /Identity-H"
        f" /DescendantFonts [{first + 1} 0 R] /ToUnicode {first + 2} 0 R >>"
    )
    cid_font = (
        f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{base}"
        " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
        f" /FontDescriptor {first + 4} 0 R /DW {face.defaultWidth:.4g} /W [1 [{widths}]]"
        " /CIDToGIDMap /Identity >>"
    )
    descriptor = (
        f"<< /Type /FontDescriptor /FontName /{base} /Flags {flags} /FontBBox [{bbox}]"
        f" /ItalicAngle {face.italicAngle:.4g} /Ascent {face.ascent:.4g}"
        f" /Descent {face.descent:.4g} /CapHeight {face.capHeight:.4g} /StemV {face.stemV}"
        f" /MissingWidth {face.defaultWidth:.4g} /FontFile2 {first + 3} 0 R >>"
    )
    return [
        type0.encode(),
        cid_font.encode(),
        stream(cmap.encode(), CONTENT_LEVEL),
        stream(font_file, None, f"/Length1 {len(font_file)}"),
        descriptor.encode(),
    ]


class _UnicodeTexts(dict[int, str]):
    """A character's ToUnicode text, ``<XXXX>`` (UTF-16BE), made once per process."""

    def __missing__(self, cp: int) -> str:
        text = self[cp] = f"<{utf16_hex(cp)}>"
        return text


_UNICODE = _UnicodeTexts()


def utf16_hex(cp: int) -> str:
    if cp < 0x10000:
        return f"{cp:04X}"
    cp -= 0x10000
    return f"{0xD800 + (cp >> 10):04X}{0xDC00 + (cp & 0x3FF):04X}"
