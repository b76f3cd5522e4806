"""Print preview and printing of the PDF that pdf_out makes.

The window shows exactly the PDF the command line prints (QtPdf), and prints it through the
system's printer dialog by rendering each page at the printer's resolution. QtPdf is
imported here only, so the window starts without it.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from perfdesk.models.records import Declaration
from perfdesk.ui.screens import fit_to_screen

FORM_TITLES = {"declaration": "绩效目标申报表", "evaluation": "绩效自评表"}


def load_document(data: bytes, parent: QWidget | None = None) -> tuple[QPdfDocument, QBuffer]:
    """A QPdfDocument over in-memory PDF bytes (the buffer must outlive the document)."""
    # The stubs only offer a QObject parent or none at all, not an optional one.
    doc = QPdfDocument(parent) if parent is not None else QPdfDocument()
    buffer = QBuffer(parent)
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    doc.load(buffer)
    return doc, buffer


def print_document(doc: QPdfDocument, printer: QPrinter) -> int:
    """Draw every page (or the range chosen in the dialog) onto ``printer``; pages printed."""
    pages = doc.pageCount()
    first, last = 0, pages - 1
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = max(0, printer.fromPage() - 1)
        last = min(pages - 1, printer.toPage() - 1)
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    printed = 0
    try:
        dpi = printer.resolution()
        target = printer.pageRect(QPrinter.Unit.DevicePixel).toRect()
        target.moveTo(0, 0)
        for page in range(first, last + 1):
            if printed:
                printer.newPage()
            points = doc.pagePointSize(page)
            size = QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
            image: QImage = doc.render(page, size)
            scaled = size.scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(
                target.x(),
                target.y(),
                image.scaled(
                    scaled,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                ),
            )
            printed += 1
    finally:
        painter.end()
    return printed


def print_pdf(data: bytes, parent: QWidget | None = None) -> int:
    """Ask for a printer with QPrintDialog and print the PDF; 0 when cancelled."""
    doc, _buffer = load_document(data, parent)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setFromTo(1, doc.pageCount())
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("打印")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return 0
    return print_document(doc, printer)


class PreviewDialog(QDialog):
    """The PDF as it will be printed, with 打印 and 导出PDF."""

    def __init__(
        self, data: bytes, decl: Declaration, form: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.data = data
        self.decl = decl
        self.form = form
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        title = FORM_TITLES.get(form, form)
        self.setWindowTitle(f"打印预览 — {decl.name or ''} {title}（第 {decl.revision} 版）")
        # An A4 page wants a tall dialog; a 768-pixel laptop screen bounds it.
        fit_to_screen(self, 900, 1000)
        self.document, self._buffer = load_document(data, self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.pages_label = QLabel(f"共 {self.document.pageCount()} 页")
        print_button = QPushButton("打印…")
        save_button = QPushButton("导出PDF…")
        close_button = QPushButton("关闭")
        fit_width = QPushButton("适合宽度")
        fit_page = QPushButton("整页")
        bar = QHBoxLayout()
        for w in (print_button, save_button, fit_width, fit_page):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.pages_label)
        bar.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        print_button.clicked.connect(lambda: print_pdf(self.data, self))
        save_button.clicked.connect(self.save_pdf)
        close_button.clicked.connect(self.close)
        fit_width.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth))
        fit_page.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitInView))

    def page_count(self) -> int:
        return self.document.pageCount()

    def save_pdf(self) -> None:
        from perfdesk.pdf.printout import pdf_file_name

        path, _ = QFileDialog.getSaveFileName(
            self, "导出PDF", pdf_file_name(self.decl, self.form), "PDF 文件 (*.pdf)"
        )
        if path:
            with open(path, "wb") as f:
                f.write(self.data)
