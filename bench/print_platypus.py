"""The declaration drawn with reportlab's platypus, to weigh it against the canvas perfdesk
uses (bench_print.py times both on the same dense forms).

The story is the form's: title, the rows of the main table as Paragraphs
(``wordWrap='CJK'``) in a Table with spans, the budget items under a spanning label, the
indicator table with its category cells spanning their rows and two repeated header rows,
备注, the sign-off; each page gets the footer text and the QR code (the same QrCodeWidget
form XObject as perfdesk's). It is a lower bound for platypus: the checkboxes are plain
text, and 第 N 页 共 M 页 would need a second build pass (``multiBuild``) that is left out.
"""

from __future__ import annotations

import io
from decimal import Decimal

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import KeepTogether

from perfdesk.models.money import amount_in_words, format_money
from perfdesk.models.records import Declaration
from perfdesk.pdf import layouts as L
from perfdesk.pdf.flow import QR_BORDER, QR_FORM, QR_LEVEL, QR_SIZE
from perfdesk.pdf.fonts import FontSet
from perfdesk.pdf.printout import marker


def platypus_pdf(decl: Declaration, fonts: FontSet) -> bytes:
    font = fonts.main
    size, leading = L.BODY_SIZE, L.BODY_SIZE * L.LEADING

    def style(name: str, **kw: object) -> ParagraphStyle:
        base = {"fontName": font, "fontSize": size, "leading": leading, "wordWrap": "CJK"}
        return ParagraphStyle(name, **{**base, **kw})  # type: ignore[arg-type]

    value, label = style("value"), style("label", alignment=TA_CENTER)
    money = style("money", alignment=TA_RIGHT)
    title = style("title", fontSize=L.TITLE_SIZE, leading=L.TITLE_SIZE * 1.5, alignment=TA_CENTER)

    def p(text: object, st: ParagraphStyle = value) -> Paragraph:
        # Paragraph markup: the text's own line breaks as <br/>, & and < escaped.
        raw = "" if text is None else str(text)
        raw = raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return Paragraph(raw.replace("\n", "<br/>"), st)

    grid = [
        ("GRID", (0, 0), (-1, -1), 0.6, "black"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    Spans = list[tuple[str, tuple[int, int], tuple[int, int]]]
    tables: list[tuple[list[list[object]], Spans]] = []
    rows: list[list[object]] = []
    spans: Spans = []
    for row in L.DECLARATION_ROWS.get(decl.framework, L.DECLARATION_ROWS["sh2019"]):
        r = len(rows)
        if row.optional and getattr(decl, row.key) in (None, ""):
            continue
        if row.kind in ("text", "long", "choice"):
            shown = getattr(decl, row.key)
            st = value
            if row.kind == "choice":
                shown = "  ".join(f"{o} {'[√]' if o == shown else '[ ]'}" for o in row.options)
            elif row.value_kind == "money":
                shown, st = format_money(shown), money
            rows.append([p(row.label, label), p(shown, st), "", ""])
            spans.append(("SPAN", (1, r), (3, r)))
        elif row.kind == "funds":
            funds = decl.funds
            for key, name in L.NATIONAL_FUND_ROWS:
                amount = decl.year_budget if key == "year_budget" else (
                    getattr(funds, key) if funds else None
                )
                k = len(rows)
                rows.append([p(row.label if k == r else ""), p(name, label),
                             p(format_money(amount), money), ""])  # fmt: skip
                spans.append(("SPAN", (2, k), (3, k)))
            spans.append(("SPAN", (0, r), (0, len(rows) - 1)))
        elif row.kind == "pair":
            a, b = getattr(decl, row.key), getattr(decl, row.key2)
            st = money if row.value_kind == "money" else value
            if row.value_kind == "money":
                a, b = format_money(a), format_money(b)
            rows.append([p(row.label, label), p(a, st), p(row.label2, label), p(b, st)])
        elif row.kind == "budget_items":
            name_h, amount_h = L.BUDGET_ITEM_HEADERS
            rows.append([p(row.label, label), p(name_h, label), "", p(amount_h, label)])
            spans.append(("SPAN", (1, r), (2, r)))
            for item in decl.budget_items or []:
                k = len(rows)
                rows.append(["", p(item.name), "", p(format_money(item.amount), money)])
                spans.append(("SPAN", (1, k), (2, k)))
            total = sum((i.amount for i in decl.budget_items if i.amount is not None), Decimal(0))
            k = len(rows)
            rows.append(["", p(L.BUDGET_TOTAL_LABEL, label), "", p(format_money(total), money)])
            rows.append(["", p(f"{L.CAPITAL_LABEL}：{amount_in_words(total)}"), "", ""])
            spans += [("SPAN", (1, k), (2, k)), ("SPAN", (1, k + 1), (3, k + 1))]
            spans.append(("SPAN", (0, r), (0, len(rows) - 1)))
        elif row.kind == "indicators":
            # As perfdesk sets it: the rows so far, the indicator table, then the rest.
            rows.append([p(row.label, label), "", "", ""])
            spans.append(("SPAN", (0, r), (3, r)))
            tables.append((rows, spans))
            rows, spans = [], []
    tables.append((rows, spans))
    main, rest = (Table(t, colWidths=L.DECLARATION_COLUMNS) for t, _ in tables)
    for table, (_, table_spans) in zip((main, rest), tables, strict=True):
        table.setStyle(TableStyle(grid + table_spans))

    layout = L.INDICATOR_TABLES[decl.framework]
    ind_rows: list[list[object]] = [[p(h, label) for h in layout.headers]]
    ind_spans: list[tuple[str, tuple[int, int], tuple[int, int]]] = []
    cats = layout.category_columns
    starts = [1] * cats
    previous: tuple[object, ...] = ()
    for n, ind in enumerate(decl.indicators, 1):
        path = (ind.category, ind.subcategory)[:cats]
        cells: list[object] = []
        for level in range(cats):
            if path[: level + 1] != previous[: level + 1]:
                if n > 1 and n - 1 > starts[level]:
                    ind_spans.append(("SPAN", (level, starts[level]), (level, n - 1)))
                starts[level] = n
                cells.append(p(path[level], label))
            else:
                cells.append("")
        previous = path
        ind_rows.append([*cells, p(ind.name), p(ind.target)])
    for level in range(cats):
        if len(ind_rows) - 1 > starts[level]:
            ind_spans.append(("SPAN", (level, starts[level]), (level, len(ind_rows) - 1)))
    indicators = Table(ind_rows, colWidths=layout.widths, repeatRows=1)
    indicators.setStyle(TableStyle(grid + ind_spans))

    s = decl.signoff
    lab = L.SIGNOFF_LABELS
    signoff = Table(
        [
            [p(f"{lab['head']}："), p(s.head if s else ""), p(f"{lab['preparer']}："),
             p(s.preparer if s else ""), p(f"{lab['phone']}："), p(s.phone if s else "")],
            ["", "", "", "", p(lab["seal"]), ""],
            ["", "", "", "", p(f"{lab['date']}：    年  月  日"), ""],
        ],  # fmt: skip
        colWidths=L.SIGNOFF_COLUMNS,
        rowHeights=[None, L.SEAL_SIZE, None],
    )
    story = [
        p(L.DECLARATION_TITLES[decl.framework], title),
        p(f"（{decl.year}年）", label),
        Spacer(0, 6),
        p(f"{L.UNIT_LABEL}：{decl.unit or ''}"),
        Spacer(0, 4),
        main,
        indicators,
        KeepTogether([rest, signoff]),
    ]
    mark = marker(decl, "declaration")

    def furniture(c, doc) -> None:  # type: ignore[no-untyped-def]
        if doc.page == 1:
            widget = QrCodeWidget(
                mark, barLevel=QR_LEVEL, barWidth=QR_SIZE, barHeight=QR_SIZE, barBorder=QR_BORDER
            )
            drawing = Drawing(QR_SIZE, QR_SIZE, initialFontName=font)
            drawing.add(widget)
            c.beginForm(QR_FORM)
            renderPDF.draw(drawing, c, 0, 0)
            c.endForm()
        c.saveState()
        c.translate(A4[0] - L.PAGE_MARGIN_X - QR_SIZE, 6 * L.MM)
        c.doForm(QR_FORM)
        c.restoreState()
        c.setFont(font, 9.5)
        c.drawCentredString(A4[0] / 2, 18 * L.MM, f"第 {doc.page} 页")
        c.setFont(font, L.SMALL_SIZE)
        c.drawString(L.PAGE_MARGIN_X, 13 * L.MM, f"记录号 {decl.id}")
        c.setFont(font, 6.5)
        c.drawString(L.PAGE_MARGIN_X, 13 * L.MM - 12, mark)

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=L.PAGE_MARGIN_X, rightMargin=L.PAGE_MARGIN_X,
        topMargin=L.PAGE_MARGIN_TOP, bottomMargin=L.PAGE_MARGIN_BOTTOM, invariant=1,
        initialFontName=font,
    )  # fmt: skip
    doc.build(story, onFirstPage=furniture, onLaterPages=furniture)
    return buf.getvalue()
