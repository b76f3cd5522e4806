"""A small PDF writer for the printed forms: pages of drawing operators, fonts embedded.

reportlab's canvas, used before, formats every number and string through pure-Python
fallbacks when its C accelerator is absent (the usual pip install), which made its
document assembly cost more than the layout; this writer emits the few operators a form
needs as ready text and does the rest in bulk. Text is kept as (operators, text, size)
until the document is saved, when every character is known: each font's characters are
then numbered once (:mod:`perfdesk.pdf.subset`) and each line encoded with one
``str.translate``.

Same input, same bytes: no dates, and the file id is a hash of the content.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from perfdesk.pdf.fonts import FontSet
from perfdesk.pdf.subset import CONTENT_LEVEL, DocFont, font_objects, stream, utf16_hex

PAGE_WIDTH, PAGE_HEIGHT = 595.2755905511812, 841.8897637795277  # A4
ALPHA_STATE = "GSa"  # ExtGState of the watermark's translucent fill

_ESCAPES = {ord("("): "\\(", ord(")"): "\\)", ord("\\"): "\\\\", 13: "\\r", 10: "\\n"}


# ---------------------------------------------------------------- pages

# A text operation of a page: operators before the text-showing ones, the text, its
# size, operators after. The text is encoded when the document is saved, once every
# character of it is known (see PdfWriter.save).
_TextOp = tuple[str, str, float, str]


class Page:
    """The drawing operators of one page (PDF user space: points, origin bottom left)."""

    __slots__ = ("ops", "writer")

    def __init__(self, writer: PdfWriter) -> None:
        self.ops: list[str | _TextOp] = []
        self.writer = writer

    def text(self, x: float, y: float, text: str, size: float) -> None:
        """``text`` with its baseline starting at (x, y), in the fonts of the chain."""
        if text:
            self.ops.append((f"BT {x:.2f} {y:.2f} Td ", text, size, " ET"))

    def text_op(self, before: str, text: str, size: float, after: str) -> None:
        """``before``, operators showing ``text`` at ``size``, ``after`` (``before``
        starts a text object and places it, ``after`` ends it)."""
        if text:
            self.ops.append((before, text, size, after))

    def add(self, op: str) -> None:
        self.ops.append(op)


@dataclass
class _Form:
    width: float
    height: float
    content: str


@dataclass
class DocInfo:
    title: str = ""
    author: str = ""
    creator: str = ""
    subject: str = ""
    keywords: str = ""
    extra: dict[str, str] = field(default_factory=dict)


class PdfWriter:
    """Pages, shared form XObjects and fonts of one A4 document; ``save`` returns it."""

    def __init__(self, fonts: FontSet) -> None:
        self.fonts = fonts
        self.pages: list[Page] = []
        self.forms: dict[str, _Form] = {}
        self._doc_fonts: dict[int, DocFont] = {}  # by index in the chain, as used

    def page(self) -> Page:
        page = Page(self)
        self.pages.append(page)
        return page

    def form(self, name: str, width: float, height: float, content: str) -> None:
        """A form XObject drawn on pages with ``/{name} Do``."""
        self.forms[name] = _Form(width, height, content)

    def _doc_font(self, index: int) -> DocFont:
        found = self._doc_fonts.get(index)
        if found is None:
            found = self._doc_fonts[index] = DocFont(index, self.fonts.face(index))
        return found

    def _contents(self) -> list[bytes]:
        """Each page's operators, the text encoded: the characters of each font are
        numbered first, in order of use, so each line is then one ``str.translate``."""
        texts = [op[1] for page in self.pages for op in page.ops if isinstance(op, tuple)]
        distinct = "".join(dict.fromkeys("".join(texts)))
        if self.fonts.in_main(distinct):  # all in the main font: one test
            main = self._doc_font(0)
            main.assign(distinct)
            return [self._page_content(page, main) for page in self.pages]
        runs_of: list[list[tuple[int, str]]] = []
        per_font: dict[int, list[str]] = {}
        for text in texts:
            runs = self.fonts.runs(text)
            runs_of.append(runs)
            for index, piece in runs:
                per_font.setdefault(index, []).append(piece)
        for index, pieces in sorted(per_font.items()):
            self._doc_font(index).assign("".join(pieces))
        fonts = self._doc_fonts
        next_runs = iter(runs_of).__next__
        out = []
        for page in self.pages:
            parts = []
            for op in page.ops:
                if isinstance(op, tuple):
                    before, _, size, after = op
                    sz = f"{size:g}"
                    shown = " ".join(fonts[i].show(piece, sz) for i, piece in next_runs())
                    parts.append(before + shown + after)
                else:
                    parts.append(op)
            out.append("\n".join(parts).encode("latin-1"))
        return out

    @staticmethod
    def _page_content(page: Page, font: DocFont) -> bytes:
        enc = font.enc
        tf: dict[float, str] = {}  # size -> the Tf operator
        parts = []
        for op in page.ops:
            if isinstance(op, tuple):
                before, text, size, after = op
                select = tf.get(size)
                if select is None:
                    select = tf[size] = f"{font.name} {size:g} Tf <"
                parts.append(f"{before}{select}{text.translate(enc)}> Tj{after}")
            else:
                parts.append(op)
        return "\n".join(parts).encode("latin-1")

    # ------------------------------------------------------------ the file

    def save(self, info: DocInfo) -> bytes:
        objs: list[bytes] = [b""]  # objs[n] is object n; 0 is the free head
        catalog, pages_id, resources, font_dict, info_id, gstate = range(1, 7)
        objs += [b""] * 6
        form_ids: dict[str, int] = {}
        for name, form in self.forms.items():
            form_ids[name] = len(objs)
            objs.append(stream(
                form.content.encode("latin-1"), CONTENT_LEVEL,
                f"/Type /XObject /Subtype /Form /BBox [0 0 {form.width:.4f} {form.height:.4f}]"
                " /Resources << >>",
            ))  # fmt: skip
        kids = []
        for data in self._contents():
            content = len(objs)
            objs.append(stream(data, CONTENT_LEVEL))
            kids.append(len(objs))
            objs.append(
                f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {PAGE_WIDTH:.4f} "
                f"{PAGE_HEIGHT:.4f}] /Resources {resources} 0 R /Contents {content} 0 R >>".encode()
            )
        font_refs = []
        for _, doc_font in sorted(self._doc_fonts.items()):
            font_refs.append(f"{doc_font.name} {len(objs)} 0 R")
            objs += font_objects(doc_font, len(objs))
        objs[catalog] = f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode()
        objs[pages_id] = (
            f"<< /Type /Pages /Count {len(kids)} /Kids [{' '.join(f'{k} 0 R' for k in kids)}] >>"
        ).encode()
        xobjects = " ".join(f"/{name} {ref} 0 R" for name, ref in form_ids.items())
        objs[resources] = (
            f"<< /ProcSet [/PDF /Text] /Font {font_dict} 0 R /ExtGState {gstate} 0 R"
            f" /XObject << {xobjects} >> >>"
        ).encode()
        objs[font_dict] = f"<< {' '.join(font_refs)} >>".encode()
        objs[gstate] = f"<< /{ALPHA_STATE} << /Type /ExtGState /ca 0.22 /CA 0.22 >> >>".encode()
        entries = {
            "Title": info.title, "Author": info.author, "Creator": info.creator,
            "Producer": "perfdesk", "Subject": info.subject, "Keywords": info.keywords,
            **info.extra,
        }  # fmt: skip
        objs[info_id] = (
            "<< " + " ".join(f"/{k} {_pdf_string(v)}" for k, v in entries.items() if v) + " >>"
        ).encode()
        return _assemble(objs, catalog, info_id)


def _pdf_string(text: str) -> str:
    """A PDF text string: literal when ASCII, else UTF-16BE with a byte-order mark."""
    if text.isascii():
        return "(" + "".join(_ESCAPES.get(ord(c), c) for c in text) + ")"
    return "<FEFF" + "".join(utf16_hex(ord(c)) for c in text) + ">"


def _assemble(objs: list[bytes], root: int, info: int) -> bytes:
    out = [b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"]
    pos = len(out[0])
    offsets = []
    for n in range(1, len(objs)):
        chunk = b"%d 0 obj\n%s\nendobj\n" % (n, objs[n])
        offsets.append(pos)
        out.append(chunk)
        pos += len(chunk)
    digest = hashlib.md5(b"".join(out)).hexdigest()
    xref = [f"xref\n0 {len(objs)}\n0000000000 65535 f \n"]
    xref += [f"{o:010d} 00000 n \n" for o in offsets]
    xref.append(
        f"trailer\n<< /Size {len(objs)} /Root {root} 0 R /Info {info} 0 R"
        f" /ID [<{digest}> <{digest}>] >>\nstartxref\n{pos}\n%%EOF\n"
    )
    out.append("".join(xref).encode())
    return b"".join(out)
