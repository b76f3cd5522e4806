"""Printing a record's forms to A4 PDF (interfaces.md "PDF out").

The pieces, each small:

- :mod:`perfdesk.pdf.layouts` — the forms as data (titles, rows, labels, widths);
- :mod:`perfdesk.pdf.declaration`, :mod:`perfdesk.pdf.monitoring`,
  :mod:`perfdesk.pdf.evaluation` — a record as a story of blocks and tables;
- :mod:`perfdesk.pdf.grid` — bordered tables: spans, rules, long text in rows of lines;
- :mod:`perfdesk.pdf.text` — line breaking and paragraphs;
- :mod:`perfdesk.pdf.flow` — pages: tables broken between rows with repeated headers,
  the sign-off kept with the table's end, watermark, footer (第 N 页 共 M 页, identity,
  QR code);
- :mod:`perfdesk.pdf.fonts` — the font chain, registered with reportlab, and the glyph
  check.

reportlab draws every page on its canvas (``invariant=1``: the same record gives the same
bytes) and writes the file, embedding the fonts as subsets. The canvas rather than
platypus: on the dense 3-page form platypus (Paragraph with ``wordWrap='CJK'`` in
Tables) cost about twice the canvas — see README "Benchmarks" for the figures — and
perfdesk needs its own page breaking anyway (a long text split at a line, spans cut,
the sign-off kept with the table).

Every character of every field is checked against the fonts while the story is built,
so a missing glyph is refused before a page is drawn, and nothing is written to ``out``
until the whole document is made. A process printing many forms (``print --year``)
reads the fonts once and keeps per-character widths and short texts' lines.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from perfdesk.models.errors import NotFoundError
from perfdesk.models.records import STATUS_DRAFT, Declaration
from perfdesk.models.serialize import fingerprint
from perfdesk.pdf import layouts as L
from perfdesk.pdf.flow import Block, PageInfo, Table, draw_pages
from perfdesk.pdf.fonts import FontSet, default_fonts

FORMS = ("declaration", "monitoring", "evaluation")
# What each form is called in a file name (print --year) and a PDF's title.
FORM_TITLES = {
    "declaration": "绩效目标申报表", "monitoring": "绩效运行监控表", "evaluation": "绩效自评表",
}  # fmt: skip
MARKER_PREFIX = "perfdesk"


def marker(decl: Declaration, form: str) -> str:
    """The machine-readable identity printed on every page and put in the PDF keywords:
    ``perfdesk:{id}:{revision}:{form}:{fingerprint}`` (id ``-`` when not stored)."""
    rid = "-" if decl.id is None else str(decl.id)
    return f"{MARKER_PREFIX}:{rid}:{decl.revision}:{form}:{fingerprint(decl, form)}"


def _page_info(
    decl: Declaration, form: str, draft: bool, note: str | None, fonts: FontSet
) -> PageInfo:
    mark = marker(decl, form)
    fp = mark.rsplit(":", 1)[1]
    rid = "未保存" if decl.id is None else str(decl.id)
    identity = f"记录号 {rid}　第 {decl.revision} 版　指纹 {fp}"
    fonts.check(note, "版本说明")
    return PageInfo(mark, identity, note, draft)


def _build(
    out: BinaryIO, story: list[Block | Table], info: PageInfo, title: str, fonts: FontSet
) -> None:
    buf = io.BytesIO()
    # invariant: no date or random id in the file, so a record always gives the same bytes
    # (verify re-draws a record to compare). The initial font is the main one, so no
    # unembedded Helvetica is listed in the file.
    c = Canvas(
        buf, pagesize=A4, invariant=1, initialFontName=fonts.main, initialFontSize=L.BODY_SIZE
    )
    c.setTitle(title)
    c.setAuthor("perfdesk")
    c.setCreator("perfdesk")
    c.setSubject(info.marker)
    c.setKeywords(info.marker)
    draw_pages(c, story, info, fonts)
    c.save()
    out.write(buf.getvalue())


def render_declaration(
    decl: Declaration,
    out: BinaryIO,
    *,
    revision_note: str | None = None,
    fonts: FontSet | None = None,
) -> None:
    """Write the declaration (申报表) as an A4 PDF to ``out``.

    ``revision_note`` is printed in the footer of every page, e.g. to say that an older
    revision is being reprinted. Raises MissingGlyphError (an InputError) naming the field
    and character when the fonts lack a character; nothing is written then.
    """
    from perfdesk.pdf.declaration import declaration_story

    fonts = fonts or default_fonts()
    info = _page_info(decl, "declaration", decl.status == STATUS_DRAFT, revision_note, fonts)
    story = declaration_story(decl, fonts)
    title = f"{decl.year}年 {decl.name or ''} 绩效目标申报表"
    _build(out, story, info, title, fonts)


def render_evaluation(
    decl: Declaration,
    out: BinaryIO,
    *,
    revision_note: str | None = None,
    fonts: FontSet | None = None,
) -> None:
    """Write the record's self-evaluation (自评表, national or Shanghai layout per
    ``evaluation.layout``) as an A4 PDF to ``out``."""
    from perfdesk.pdf.evaluation import evaluation_story

    ev = decl.evaluation
    if ev is None:
        raise NotFoundError(f"“{decl.name}”还没有自评表，无法打印。")
    fonts = fonts or default_fonts()
    info = _page_info(decl, "evaluation", ev.status == STATUS_DRAFT, revision_note, fonts)
    story = evaluation_story(decl, ev, fonts)
    title = f"{decl.year}年 {decl.name or ''} 绩效自评表"
    _build(out, story, info, title, fonts)


def render_monitoring(
    decl: Declaration,
    out: BinaryIO,
    *,
    revision_note: str | None = None,
    fonts: FontSet | None = None,
) -> None:
    """Write the record's mid-year monitoring form (项目支出绩效运行监控表) as an A4 PDF."""
    from perfdesk.pdf.monitoring import monitoring_story

    m = decl.monitoring
    if m is None:
        raise NotFoundError(f"“{decl.name}”还没有运行监控表，无法打印。")
    fonts = fonts or default_fonts()
    info = _page_info(decl, "monitoring", m.status == STATUS_DRAFT, revision_note, fonts)
    story = monitoring_story(decl, m, fonts)
    title = f"{decl.year}年 {decl.name or ''} 绩效运行监控表"
    _build(out, story, info, title, fonts)


_RENDERERS: dict[str, Callable[..., None]] = {
    "declaration": render_declaration,
    "monitoring": render_monitoring,
    "evaluation": render_evaluation,
}


def render(
    decl: Declaration,
    out: BinaryIO,
    form: str = "declaration",
    *,
    revision_note: str | None = None,
    fonts: FontSet | None = None,
) -> None:
    """``render_declaration``, ``render_monitoring`` or ``render_evaluation`` by ``form``."""
    if form not in FORMS:
        raise ValueError(f"unknown form {form!r}")
    _RENDERERS[form](decl, out, revision_note=revision_note, fonts=fonts)


def render_bytes(decl: Declaration, form: str = "declaration", **kwargs: Any) -> bytes:
    buf = io.BytesIO()
    render(decl, buf, form, **kwargs)
    return buf.getvalue()


def pdf_file_name(decl: Declaration, form: str = "declaration") -> str:
    """A file name for ``print --year``: year, unit, project, form, safe on Windows."""
    what = FORM_TITLES[form]
    raw = f"{decl.year}_{decl.unit or ''}_{decl.name or ''}_{what}"
    safe = "".join("_" if ch in '<>:"/\\|?*' or ord(ch) < 32 else ch for ch in raw).strip(" .")
    prefix = f"{decl.id}_" if decl.id is not None else ""
    return f"{prefix}{safe[:150]}.pdf"


def write_pdf(
    decl: Declaration, path: str | Path, form: str = "declaration", *,
    revision_note: str | None = None,
) -> Path:  # fmt: skip
    """Render to ``path`` through a temporary file, so a failed print leaves no half PDF."""
    path = Path(path)
    data = render_bytes(decl, form, revision_note=revision_note)
    tmp = path.with_name(path.name + ".part")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)  # fails on Windows while a viewer holds the old PDF open
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    return path
