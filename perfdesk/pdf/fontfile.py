"""Reading a TrueType font (a .ttf, or one face of a .ttc) for printing.

Only what the forms need: the character map, advance widths, where each glyph's outline
is, and the few metrics a PDF font descriptor states. Tables are unpacked whole with
``struct`` rather than number by number (reportlab's reader, used before, took 0.13 s for
the bundled 5 MB font at every start; this takes a tenth of that). The attributes are
named as reportlab's ``TTFontFace`` names them.

A CFF-outline OpenType font (.otf) has no ``glyf`` table and cannot be embedded as a
TrueType font: it is refused like a damaged file, with :class:`FontFileError`.
"""

from __future__ import annotations

from pathlib import Path
from struct import error as StructError  # noqa: N812 - the exception's own name
from struct import unpack_from

FF_FIXED = 1 << 0
FF_SYMBOLIC = 1 << 2
FF_ITALIC = 1 << 6
FF_FORCEBOLD = 1 << 18


class FontFileError(ValueError):
    """Not a TrueType font this program can embed."""


class FontFace:
    """One face of a font file, read for embedding."""

    def __init__(self, path: Path, index: int = 0) -> None:
        self.filename = str(path)
        data = path.read_bytes()
        self._ttf_data = data
        try:
            self._read(data, index)
        except (StructError, IndexError, KeyError, UnicodeDecodeError) as exc:
            raise FontFileError(f"{path.name}: damaged font file ({exc})") from exc

    def get_table_pos(self, tag: str) -> tuple[int, int]:
        return self.table[tag]

    def get_table(self, tag: str) -> bytes:
        pos, length = self.table[tag]
        return self._ttf_data[pos : pos + length]

    # ------------------------------------------------------------ reading

    def _read(self, data: bytes, index: int) -> None:
        base = 0
        self.subfontNameX = b""
        if data[:4] == b"ttcf":
            count = unpack_from(">L", data, 8)[0]
            if not 0 <= index < count:
                raise FontFileError(f"no face {index} in the collection")
            base = unpack_from(">L", data, 12 + 4 * index)[0]
            self.subfontNameX = b"-%d" % index
        if data[base : base + 4] == b"OTTO":
            raise FontFileError("CFF outlines (OpenType .otf) cannot be embedded")
        num_tables = unpack_from(">H", data, base + 4)[0]
        self.table: dict[str, tuple[int, int]] = {}
        for i in range(num_tables):
            tag, _, offset, length = unpack_from(">4sLLL", data, base + 12 + 16 * i)
            self.table[tag.decode("latin-1")] = (offset, length)
        for tag in ("head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap", "post", "name"):
            if tag not in self.table:
                raise FontFileError(f"no {tag!r} table")
        self.name = self._ps_name(data)

        head = self.table["head"][0]
        if unpack_from(">L", data, head + 12)[0] != 0x5F0F3CF5:
            raise FontFileError("bad head table")
        self.unitsPerEm = upem = unpack_from(">H", data, head + 18)[0]
        scale = 1000 / upem
        x0, y0, x1, y1 = unpack_from(">4h", data, head + 36)
        self.bbox = [x0 * scale, y0 * scale, x1 * scale, y1 * scale]
        loc_format = unpack_from(">h", data, head + 50)[0]

        weight = 500
        self.ascent, self.descent = y1 * scale, y0 * scale
        self.capHeight = self.ascent
        if "OS/2" in self.table:
            os2 = self.table["OS/2"][0]
            version, _, weight, _, fs_type = unpack_from(">5H", data, os2)
            if fs_type == 0x0002 or fs_type & 0x0300:
                raise FontFileError("the font's licence does not allow embedding a subset")
            ascender, descender = unpack_from(">2h", data, os2 + 68)
            self.ascent, self.descent = ascender * scale, descender * scale
            self.capHeight = (
                unpack_from(">h", data, os2 + 88)[0] * scale if version > 1 else self.ascent
            )
        self.stemV = 50 + int((weight / 65.0) ** 2)
        post = self.table["post"][0]
        angle_int, angle_frac = unpack_from(">hH", data, post + 4)
        self.italicAngle = angle_int + angle_frac / 65536.0
        fixed_pitch = unpack_from(">L", data, post + 12)[0]
        self.flags = FF_SYMBOLIC
        if self.italicAngle:
            self.flags |= FF_ITALIC
        if weight >= 600:
            self.flags |= FF_FORCEBOLD
        if fixed_pitch:
            self.flags |= FF_FIXED

        hhea = self.table["hhea"][0]
        n_metrics = unpack_from(">H", data, hhea + 34)[0]
        self.numGlyphs = n_glyphs = unpack_from(">H", data, self.table["maxp"][0] + 4)[0]
        if not 0 < n_metrics <= n_glyphs:
            raise FontFileError("bad horizontal metrics")
        hmtx = self.table["hmtx"][0]
        pairs = unpack_from(f">{2 * n_metrics}H", data, hmtx)
        bearings = unpack_from(f">{n_glyphs - n_metrics}H", data, hmtx + 4 * n_metrics)
        advances = list(pairs[0::2]) + [pairs[-2]] * (n_glyphs - n_metrics)
        self.hmetrics = list(zip(advances, list(pairs[1::2]) + list(bearings), strict=True))
        self.defaultWidth = advances[0] * scale

        loca = self.table["loca"][0]
        if loc_format == 0:
            self.glyphPos = [p << 1 for p in unpack_from(f">{n_glyphs + 1}H", data, loca)]
        elif loc_format == 1:
            self.glyphPos = list(unpack_from(f">{n_glyphs + 1}L", data, loca))
        else:
            raise FontFileError("bad loca format")

        self.charToGlyph = self._cmap(data, n_glyphs)
        if 0x20 in self.charToGlyph:  # a no-break space looks like a space
            self.charToGlyph.setdefault(0xA0, self.charToGlyph[0x20])
        self.charWidths = {c: advances[g] * scale for c, g in self.charToGlyph.items()}

    def _ps_name(self, data: bytes) -> bytes:
        """The PostScript name (else the full or family name), spaces as hyphens."""
        table = self.table["name"][0]
        fmt, count, strings = unpack_from(">3H", data, table)
        if fmt != 0:
            raise FontFileError("unknown name table format")
        found: dict[int, bytes] = {}
        for i in range(count):
            platform, encoding, language, name_id, length, offset = unpack_from(
                ">6H", data, table + 6 + 12 * i
            )
            if name_id not in (1, 4, 6) or name_id in found:
                continue
            raw = data[table + strings + offset : table + strings + offset + length]
            if (platform, encoding, language) == (3, 1, 0x409):
                text = raw.decode("utf_16_be")
            elif (platform, encoding, language) == (1, 0, 0):
                text = raw.decode("mac_roman")
            else:
                continue
            found[name_id] = text.encode("ascii", "replace")
        name = found.get(6) or found.get(4) or found.get(1)
        if not name:
            raise FontFileError("the font has no name")
        return name.replace(b" ", b"-")

    def _cmap(self, data: bytes, n_glyphs: int) -> dict[int, int]:
        """Unicode → glyph, from the subtable reportlab would choose (Windows, else
        Unicode, else Mac Roman); characters mapped to no glyph are left out."""
        cmap = self.table["cmap"][0]
        count = unpack_from(">H", data, cmap + 2)[0]
        chosen = None
        kind = 0
        for i in range(count):
            platform, encoding, offset = unpack_from(">HHL", data, cmap + 4 + 8 * i)
            if platform == 3 or (platform == 1 and encoding == 1):
                kind, chosen = 1, offset
            elif platform == 1 and encoding == 0 and kind != 1:
                kind, chosen = 2, offset
            elif platform == 0 and encoding != 5:
                kind, chosen = 1, offset
        if chosen is None:
            raise FontFileError("no usable character map")
        at = cmap + chosen
        fmt = unpack_from(">H", data, at)[0]
        out: dict[int, int] = {}
        if fmt == 4:
            segs = unpack_from(">H", data, at + 6)[0] // 2
            ends = unpack_from(f">{segs}H", data, at + 14)
            starts = unpack_from(f">{segs}H", data, at + 16 + 2 * segs)
            deltas = unpack_from(f">{segs}h", data, at + 16 + 4 * segs)
            range_at = at + 16 + 6 * segs
            offsets = unpack_from(f">{segs}H", data, range_at)
            limit = at + unpack_from(">H", data, at + 2)[0]
            for n in range(segs):
                start, end, delta, offset = starts[n], ends[n], deltas[n], offsets[n]
                if offset == 0:
                    out.update(
                        zip(
                            range(start, end + 1),
                            [(c + delta) & 0xFFFF for c in range(start, end + 1)],
                            strict=True,
                        )
                    )
                    continue
                first = range_at + 2 * n + offset
                count_ = end - start + 1
                if first + 2 * count_ > limit:  # a broken font: keep what is inside
                    count_ = max(0, (limit - first) // 2)
                glyphs = unpack_from(f">{count_}H", data, first)
                out.update((start + k, (g + delta) & 0xFFFF) for k, g in enumerate(glyphs) if g)
        elif fmt in (12, 13):
            groups = unpack_from(">L", data, at + 12)[0]
            for n in range(groups):
                start, end, glyph = unpack_from(">3L", data, at + 16 + 12 * n)
                if fmt == 12:
                    out.update(
                        zip(
                            range(start, end + 1),
                            range(glyph, glyph + end - start + 1),
                            strict=True,
                        )
                    )
                else:
                    out.update(dict.fromkeys(range(start, end + 1), glyph))
        elif fmt == 6:
            first, count_ = unpack_from(">2H", data, at + 6)
            out.update(
                zip(
                    range(first, first + count_),
                    unpack_from(f">{count_}H", data, at + 10),
                    strict=True,
                )
            )
        elif fmt == 0:
            out.update(enumerate(data[at + 6 : at + 6 + 256]))
        else:
            raise FontFileError(f"unsupported character map format {fmt}")
        return {c: g for c, g in out.items() if 0 < g < n_glyphs}
