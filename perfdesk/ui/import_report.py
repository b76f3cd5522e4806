"""The result of an import, as text a clerk can read and copy (rejections, warnings)."""

from __future__ import annotations

import io
from typing import Any

from PySide6.QtWidgets import QWidget

from perfdesk.ui.dialogs import ReportDialog


def report_text(report: Any) -> str:
    """One block per file: imported (with record ids and warnings) or rejected (why)."""
    out = io.StringIO()
    for f in report.files:
        if f.status == "imported":
            ids = "、".join(str(i) for i in f.ids)
            out.write(f"已导入  {f.file}（编号 {ids}）\n")
        else:
            out.write(f"拒收    {f.file}\n        原因：{f.error}\n")
        for w in f.warnings:
            out.write(f"        提醒：{w}\n")
    if report.cancelled:
        out.write(f"\n已取消：{report.total - len(report.files)} 个文件未处理。\n")
    return out.getvalue()


def report_heading(report: Any) -> str:
    files = list(report.files)
    if not files:
        return "导入完成。"
    imported = sum(1 for f in files if getattr(f, "status", "") == "imported")
    rejected = sum(1 for f in files if getattr(f, "status", "") == "rejected")
    warned = sum(1 for f in files if getattr(f, "warnings", None))
    heading = f"共 {len(files)} 个文件：导入 {imported} 个，拒收 {rejected} 个"
    if warned:
        heading += f"，{warned} 个有提醒"
    if getattr(report, "cancelled", False):
        heading += "（已取消，其余文件未处理）"
    return heading + "。被拒收的文件没有写入任何内容。"


def import_report_dialog(report: Any, parent: QWidget | None) -> ReportDialog:
    return ReportDialog("导入结果", report_heading(report), report_text(report), parent)
