"""Commands on several projects selected in the list (导出PDF, 导出Excel, 打印, 定稿, 删除):
one job on the writer (:class:`~perfdesk.ui.operations.Worker`) that goes through the
projects in turn, reporting progress by name and stopping between two projects when the
clerk cancels; a project that fails is named with its reason and the others go on; the end
is a summary of what was done.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QProgressDialog

from perfdesk.models.errors import PerfdeskError
from perfdesk.ui.dialogs import ReportDialog
from perfdesk.ui.operations import Job, JobContext, JobFn, Worker, run_with_progress

if TYPE_CHECKING:
    from perfdesk.ui.feedback import Feedback


@dataclass
class BatchOutcome:
    """What a command on several selected projects did: each project done or failed (with
    the reason, one Chinese sentence), and how many were left when the clerk cancelled."""

    total: int
    done: list[str] = field(default_factory=list)
    done_ids: list[int] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    cancelled: bool = False
    extra: Any = None  # what the command collects besides (the PDFs to print)

    @property
    def left(self) -> int:
        return self.total - len(self.done) - len(self.failed)

    def heading(self, verb: str) -> str:
        """“已导出PDF 3 个项目，1 个未完成，已取消（2 个未处理）。”"""
        text = f"{verb} {len(self.done)} 个项目"
        if self.failed:
            text += f"，{len(self.failed)} 个未完成"
        if self.cancelled and self.left:
            text += f"，已取消（{self.left} 个未处理）"
        return text + "。"

    def details(self) -> str:
        lines = []
        if self.failed:
            lines.append("未完成：")
            lines += [f"  {name}：{reason}" for name, reason in self.failed]
            lines.append("")
        if self.done:
            lines.append("已完成：")
            lines += [f"  {name}" for name in self.done]
        return "\n".join(lines)


def failure_reason(exc: BaseException) -> str | None:
    """The Chinese sentence for a failure one project of a batch may meet (its checks, a
    file that cannot be written); None for our own bugs, which stop the batch."""
    if isinstance(exc, PerfdeskError):
        return exc.message
    if isinstance(exc, OSError):
        where = f"“{exc.filename}”" if exc.filename else "文件"
        return f"无法写出{where}（{exc.strerror or exc}）。"
    return None


BatchStep = Callable[[Any, int], object]


def batch_job(items: Sequence[tuple[int, str]], step: BatchStep) -> JobFn:
    """A writer job doing ``step(store, record_id)`` for each (id, name) in turn, reporting
    progress by name and stopping between projects when cancelled; a project that fails is
    named in the outcome and the others go on."""

    def job(store: Any, ctx: JobContext) -> BatchOutcome:
        outcome = BatchOutcome(len(items))
        for n, (rid, name) in enumerate(items):
            if ctx.cancelled():
                outcome.cancelled = True
                break
            ctx.progress(n + 1, len(items), f"{name}（{n + 1}/{len(items)}）")
            try:
                step(store, rid)
            except Exception as exc:  # noqa: BLE001 - a clerk's failure is listed, a bug raised
                reason = failure_reason(exc)
                if reason is None:
                    raise
                outcome.failed.append((name, reason))
            else:
                outcome.done.append(name)
                outcome.done_ids.append(rid)
        return outcome

    return job


def run_batch(
    worker: Worker,
    feedback: Feedback,
    title: str,
    verb: str,
    job: Callable[[Any, JobContext], BatchOutcome],
    after: Callable[[BatchOutcome], object] | None = None,
    note: str = "",
) -> tuple[Job, QProgressDialog]:
    """Run a batch job (see :func:`batch_job`) on the writer with a cancellable progress
    dialog; then ``after(outcome)`` and the summary: how many were done, which failed and
    why, how many were left when cancelled (and ``note``)."""
    def done(outcome: BatchOutcome) -> None:
        if after is not None:
            after(outcome)
        heading = outcome.heading(verb) + note
        feedback.status(heading)
        if outcome.total == 1 and not outcome.failed:
            return  # one project done: the status bar says so, no dialog to close
        feedback.show(ReportDialog(title, heading, outcome.details(), feedback.parent))

    return run_with_progress(worker, feedback.parent, f"正在{title}…", job, done, feedback.error)


# The forms a command on several projects asks about, as the clerk names them.
FORM_CHOICES = {
    "绩效目标申报表": "declaration", "绩效运行监控表": "monitoring", "绩效自评表": "evaluation",
}  # fmt: skip


def form_choice(form: str) -> str:
    """The name ``FORM_CHOICES`` gives a form key."""
    return next(label for label, key in FORM_CHOICES.items() if key == form)


def names_text(names: Sequence[str], limit: int = 15) -> str:
    """Project names for a question, one a line, the rest counted."""
    lines = [f"  {n}" for n in names[:limit]]
    if len(names) > limit:
        lines.append(f"  ……等共 {len(names)} 个")
    return "\n".join(lines)
