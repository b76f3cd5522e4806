"""The floor for printing: a bare reportlab script drawing the very page operations perfdesk
drew (recorded by bench_print.py), one PDF file per form, with no perfdesk code at all.

    python bench/bare_reportlab.py OPS.pickle OUT_DIR

OPS.pickle holds the fonts ({name: (path, subfont index)}) and, per form, the canvas'
keyword arguments and its calls in order: canvas method calls as (name, args, kwargs), and
("qr", (value, size, border, level, font), {}) where perfdesk defined its QR code form,
drawn here the same way (QrCodeWidget in a Drawing, renderPDF into a form XObject).
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas


def main(ops_file: str, out_dir: str) -> None:
    with open(ops_file, "rb") as f:
        data = pickle.load(f)
    for name, (path, index) in data["fonts"].items():
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for n, form in enumerate(data["forms"]):
        c = Canvas(str(out / f"{n:04d}.pdf"), **form["canvas"])
        for name, args, kwargs in form["ops"]:
            if name == "qr":
                value, size, border, level, font, form_name = args
                widget = QrCodeWidget(
                    value, barLevel=level, barWidth=size, barHeight=size, barBorder=border
                )
                drawing = Drawing(size, size, initialFontName=font)
                drawing.add(widget)
                c.beginForm(form_name)
                renderPDF.draw(drawing, c, 0, 0)
                c.endForm()
            else:
                getattr(c, name)(*args, **kwargs)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
