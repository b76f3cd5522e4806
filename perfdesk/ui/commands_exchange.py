"""上报, 接收, 退回, 汇总 in the window (forms.md §6): the hand-in packages between a unit's PC
and the 主管部门's.

:class:`ExchangeCommands` is given what it uses: the open record, the reader and the writer,
the prompts, the feedback and the browser. Packing, receiving and returning write to the
database and run on the writer; the 汇总 table is read on the reader. The rules are the core's
(:mod:`perfdesk.exchange.hand_in`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl

from perfdesk.exchange.hand_in import (
    PackResult,
    ReturnResult,
    UnitStatus,
    make_return,
    pack,
    receive,
    status_table,
    year_status,
)
from perfdesk.exchange.package import SUFFIX
from perfdesk.models.labels import FIELD_LABELS
from perfdesk.ui.browser import Browser
from perfdesk.ui.dialogs import ReportDialog
from perfdesk.ui.exchange_dialogs import ReceiveReportDialog, ReturnDialog, UnitStatusDialog
from perfdesk.ui.feedback import Feedback
from perfdesk.ui.open_record import OpenRecord
from perfdesk.ui.operations import JobContext, Reader, Worker, run_with_progress
from perfdesk.ui.prompts import Prompts

PACKAGE_FILTER = f"perfdesk 数据包 (*{SUFFIX})"


def dropped_packages(urls: list[QUrl]) -> list[Path]:
    """The local .pdpack files among dropped URLs."""
    return [
        Path(u.toLocalFile())
        for u in urls
        if u.isLocalFile() and u.toLocalFile().lower().endswith(SUFFIX)
    ]


def return_fields() -> list[tuple[str, str]]:
    """The declaration's fields a 退回意见 can be about, by their labels on the form."""
    return [(k, v) for k, v in FIELD_LABELS.items() if "." not in k and "[" not in k]


def receipt_text(result: PackResult | ReturnResult) -> tuple[str, str]:
    """The receipt of a package written: what to tell the other side on the phone."""
    if isinstance(result, PackResult):
        heading = f"已上报 {result.count} 个项目（定稿 {result.final_count} 个）。"
        if result.drafts_left_out:
            heading += f"另有 {result.drafts_left_out} 个草稿未打包。"
    else:
        heading = f"已把 {result.count} 个项目的退回意见打成数据包。"
    text = (
        f"数据包文件：{result.path}\n"
        f"数据包编号：{result.id}\n"
        f"校验码：{result.check_code}\n\n"
        "把数据包文件交给对方（U 盘、电子邮件或共享文件夹）；对方接收时会看到同一个校验码，"
        "可在电话中核对。"
    )
    return heading, text


class ExchangeCommands:
    def __init__(
        self,
        record: OpenRecord,
        reader: Reader,
        writer: Worker,
        prompts: Prompts,
        feedback: Feedback,
        browser: Browser,
    ) -> None:
        self.record = record
        self.reader = reader
        self.writer = writer
        self.prompts = prompts
        self.feedback = feedback
        self.browser = browser

    def _receipt(self, result: PackResult | ReturnResult) -> None:
        heading, text = receipt_text(result)
        self.feedback.show(ReportDialog("数据包已写出", heading, text, self.feedback.parent))

    # ---------------------------------------------------------------- 上报

    def pack_year(self) -> None:
        """Pack the year's final forms (drafts too when the clerk says so) into a package."""
        year = self.prompts.year("上报", "上报哪一年度的表？", self.browser.default_year())
        if year is None:
            return
        drafts = self.prompts.confirm(
            "上报", "是否连同草稿一起上报？\n（选“否”只上报已定稿的表，这是通常的做法。）"
        )
        unit = self.browser.model.query.unit
        name = f"{unit or '上报'}-{year}{SUFFIX}"
        out = self.prompts.save_file("保存数据包", name, PACKAGE_FILTER)
        if out is None:
            return
        self.record.save(quiet=True)

        def job(store: Any, _ctx: JobContext) -> PackResult:
            return pack(store, out, year=year, unit=unit, drafts=drafts)

        self.writer.submit(job, self._receipt, self.feedback.error)

    # ---------------------------------------------------------------- 接收

    def receive_files(self) -> None:
        paths = self.prompts.open_packages()
        if paths:
            self.receive_paths(paths)

    def receive_paths(self, paths: list[Path]) -> None:
        """Take in packages with a cancellable progress dialog, then show what each did."""
        if not paths or not self.record.maybe_leave():
            return

        def job(store: Any, ctx: JobContext) -> Any:
            return receive(store, paths, progress=ctx.progress, cancel=ctx.cancelled)

        def done(reports: Any) -> None:
            self.browser.refresh()
            self.feedback.show(ReceiveReportDialog(reports, self.feedback.parent))

        run_with_progress(
            self.writer, self.feedback.parent, "正在接收数据包…", job, done, self.feedback.error
        )

    # ---------------------------------------------------------------- 退回

    def return_selected(self) -> None:
        """Return the records selected in the list with a comment, as a package."""
        ids = self.browser.selected_ids()
        if not ids:
            self.feedback.message("退回", "请先在左侧列表中选择要退回的项目（可按住 Ctrl 多选）。")
            return
        titles = [self.browser.model.name_of(i) or f"编号 {i}" for i in ids]
        dialog = ReturnDialog(titles, return_fields(), self.feedback.parent)
        if not self.prompts.run_dialog(dialog):
            return
        comment, field_key = dialog.comment(), dialog.field_key()
        suggested = f"退回-{self.browser.default_year()}{SUFFIX}"
        out = self.prompts.save_file("保存退回数据包", suggested, PACKAGE_FILTER)
        if out is None:
            return

        def job(store: Any, _ctx: JobContext) -> ReturnResult:
            return make_return(store, ids, comment, out, field_key=field_key)

        self.writer.submit(job, self._receipt, self.feedback.error)

    # ---------------------------------------------------------------- 汇总

    def show_status(self) -> UnitStatusDialog:
        dialog = UnitStatusDialog(
            self.browser.years(), self.browser.default_year(), self._load_status,
            self._export_status, self.feedback.parent,
        )  # fmt: skip
        self._status_dialog = dialog
        self.feedback.show(dialog)
        self._load_status(dialog.year())
        return dialog

    def _load_status(self, year: int) -> None:
        dialog = self._status_dialog
        self.reader.query(
            "unit_status",
            lambda store: year_status(store, year),
            lambda rows: dialog.set_rows(year, rows),
            self.feedback.error,
        )

    def _export_status(self, year: int, rows: list[UnitStatus]) -> None:
        out = self.prompts.save_file("导出上报汇总", f"{year}年上报汇总.xlsx", "Excel 工作簿 (*.xlsx)")
        if out is None:
            return
        table = status_table(rows)

        def job(_store: Any, _ctx: JobContext) -> Path:
            # openpyxl (and the numpy it loads) only when a workbook is written, not at start.
            from perfdesk.excel.status_sheet import write_status_file

            write_status_file(year, table, out)
            return out

        self.writer.submit(
            job, lambda path: self.feedback.status(f"已导出上报汇总：{path}"), self.feedback.error
        )
