"""The command line (interfaces.md): a thin skin over the same core the window uses.

Errors are one Chinese sentence on stderr and exit 1; ``--debug`` adds the traceback.
Heavy modules (openpyxl, reportlab, Qt) are imported inside the command that needs them so
``list`` and ``show`` start fast.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import signal
import sqlite3
import sys
import threading
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NoReturn

from perfdesk import __version__
from perfdesk.models.errors import PerfdeskError
from perfdesk.models.words import os_reason
from perfdesk.paths import default_db_path


class UsageError(PerfdeskError):
    """Bad command-line usage (exit status 2)."""


# argparse speaks English; a clerk reads these, so its usage errors and help headings are
# put in Chinese (the patterns are those of argparse 3.11-3.13).
_ARGPARSE_ERRORS = (
    (re.compile(r"the following arguments are required: (.+)"), "缺少必需的参数：{0}"),
    (re.compile(r"unrecognized arguments: (.+)"), "无法识别的参数：{0}"),
    (re.compile(r"argument 命令: invalid choice: '?([^' ]+)'? \(choose from (.+)\)"),
     "没有“{0}”这个命令，可用的命令：{1}"),
    (re.compile(r"argument (\S+): invalid int value: '?([^']*)'?"), "参数 {0} 应为整数，给出的是“{1}”"),
    (re.compile(r"argument (\S+): invalid choice: '?([^']*)'? \(choose from (.+)\)"),
     "参数 {0} 只能是 {2}，给出的是“{1}”"),
    (re.compile(r"argument (\S+): expected one argument"), "参数 {0} 后面缺少取值"),
    (re.compile(r"argument (\S+): not allowed with argument (\S+)"), "参数 {0} 不能与 {1} 同时使用"),
    # Our own type checks' Chinese sentence (the value quoted in it may hold any letters).
    (re.compile(r"argument (\S+): ([^\x00-\x7f].*)"), "参数 {0} {1}"),
)
# Positional arguments as the usage line names them, for a clerk.
_ARGUMENT_NAMES = {"id": "编号", "ids": "编号"}
_HELP_WORDS = (
    ("usage:", "用法："),
    ("positional arguments:", "位置参数："),
    ("options:", "选项："),
    ("show this help message and exit", "显示本帮助并退出"),
    ("show program's version number and exit", "显示版本号并退出"),
)


def _chinese_usage_error(message: str) -> str:
    for pattern, template in _ARGPARSE_ERRORS:
        m = pattern.fullmatch(message)
        if m:
            groups = [_ARGUMENT_NAMES.get(g, g).replace("'", "") for g in m.groups()]
            return template.format(*groups)
    return message


def _positive(text: str) -> int:
    """An 编号, 版本 or 年度: a whole number above zero."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为正整数，给出的是“{text}”") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数，给出的是“{text}”")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse with Chinese messages; exit status 2 on bad usage as before."""

    def _chinese(self, text: str) -> str:
        for en, zh in _HELP_WORDS:
            text = text.replace(en, zh)
        return text

    def format_usage(self) -> str:
        return self._chinese(super().format_usage())

    def format_help(self) -> str:
        return self._chinese(super().format_help())

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：{_chinese_usage_error(message)}。\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="perfdesk",
        description="perfdesk：财政支出项目绩效目标申报表与绩效自评表。不带命令时打开桌面窗口。",
    )
    p.add_argument("--db", help="数据库文件（默认：用户数据目录，或环境变量 PERFDESK_DB）")
    p.add_argument("--debug", action="store_true", help="出错时显示完整的调用栈")
    p.add_argument("--version", action="version", version=f"perfdesk {__version__}")
    p.add_argument("--demo", action="store_true", help="打开一个含示例申报表的临时数据库")
    p.add_argument(
        "--break-lock",
        action="store_true",
        help="先解除数据库的锁（仅在确认没有其他人使用时）",
    )
    sub = p.add_subparsers(dest="command", metavar="命令")

    s = sub.add_parser("import", help="导入 .xlsx/.xls/.json 文件或文件夹")
    s.add_argument("paths", nargs="+", metavar="PATH")
    s.add_argument("--json", action="store_true", help="每个文件输出一行 JSON")
    s.add_argument("--year", type=int, help="表中没有年度时使用的年度")

    s = sub.add_parser("list", help="列出项目")
    s.add_argument("--year", type=int)
    s.add_argument("--json", action="store_true")
    s.add_argument("--deleted", action="store_true", help="列出已删除（可恢复）的项目")

    s = sub.add_parser("show", help="显示一个项目（含自评表）")
    s.add_argument("id", type=_positive)
    s.add_argument("--json", action="store_true")
    s.add_argument("--revision", type=_positive, help="显示指定版本")
    s.add_argument("--explain", action="store_true", help="列出每项得分的计算说明")

    s = sub.add_parser("export", help="导出为财政局格式的 Excel")
    s.add_argument("id", type=_positive)
    s.add_argument("-o", "--output", required=True)
    s.add_argument(
        "--form", choices=("declaration", "monitoring", "evaluation"), default="declaration"
    )

    s = sub.add_parser("print", help="打印为 PDF")
    s.add_argument("id", type=_positive, nargs="?")
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--form", choices=("declaration", "monitoring", "evaluation"),
                   default="declaration")  # fmt: skip
    s.add_argument("--year", type=int, help="打印该年度的全部表，每表一个 PDF")
    s.add_argument("--revision", type=_positive, help="打印指定版本")

    s = sub.add_parser("summary", help="年度汇总表（全部门或一个单位）")
    s.add_argument("--year", type=int, required=True)
    s.add_argument("--unit", help="只汇总该单位的项目（默认：全部门）")
    s.add_argument("-o", "--output", required=True)

    s = sub.add_parser("verify", help="核对打印件是否与库中版本一致")
    s.add_argument("pdf")

    s = sub.add_parser("carry", help="由本年度项目生成下一年度申报草稿")
    s.add_argument("id", type=_positive)
    s.add_argument("--to-year", type=int, required=True)

    s = sub.add_parser("finalize", help="定稿（申报表、运行监控表或自评表）")
    s.add_argument("id", type=_positive)
    s.add_argument(
        "--form", choices=("declaration", "monitoring", "evaluation"), default="declaration"
    )

    s = sub.add_parser("delete", help="删除项目（移出列表，各版本保留，可用 undelete 恢复）")
    s.add_argument("ids", type=_positive, nargs="+", metavar="ID")
    s.add_argument("--force", action="store_true", help="确认删除已定稿的项目")

    s = sub.add_parser("undelete", help="恢复已删除的项目")
    s.add_argument("ids", type=_positive, nargs="+", metavar="ID")

    s = sub.add_parser("backup", help="备份数据库（SQLite 在线备份）")
    s.add_argument("-o", "--output", required=True)

    s = sub.add_parser("restore", help="从备份恢复数据库（原文件先另存）")
    s.add_argument("backup")

    s = sub.add_parser("indicators", help="指标库：历年用过的指标，及导入的指标库")
    s.add_argument("--search", metavar="TEXT", help="按指标名称、类别、单位查找（空格分隔多个词）")
    s.add_argument("--json", action="store_true")
    s.add_argument("--import", dest="library_files", nargs="+", metavar="FILE",
                   help="导入财政局的指标库 Excel 文件")

    sub.add_parser("check", help="检查数据库：损坏的页面、无法解读的版本、与指纹不符的内容")

    s = sub.add_parser("recover", help="把受损数据库中可读的项目救到一个新文件")
    s.add_argument("-o", "--output", required=True)
    sub.add_parser("unlock", help="解除数据库的锁（仅在确认没有其他人使用时）")
    _exchange_parsers(sub)
    return p


def _exchange_parsers(sub: argparse._SubParsersAction) -> None:
    """上报, 接收, 退回, 汇总 (forms.md §6)."""
    s = sub.add_parser("pack", help="上报：把一个年度的定稿表打成数据包")
    s.add_argument("--year", type=int, required=True)
    s.add_argument("--unit", help="只打包该单位的项目")
    s.add_argument("--drafts", action="store_true", help="连同草稿一起打包")
    s.add_argument("-o", "--output", required=True, help="数据包文件（.pdpack）")

    s = sub.add_parser("receive", help="接收：合并收到的数据包")
    s.add_argument("packages", nargs="+", metavar="FILE.pdpack")
    s.add_argument("--json", action="store_true", help="每个数据包输出一行 JSON")

    s = sub.add_parser("return", help="退回：把项目连同退回意见打成数据包")
    s.add_argument("ids", type=_positive, nargs="+", metavar="ID")
    s.add_argument("--comment", required=True, help="退回意见")
    s.add_argument("--field", help="意见所针对的字段（JSON 键，如 year_budget）")
    s.add_argument("-o", "--output", required=True, help="数据包文件（.pdpack）")

    s = sub.add_parser("status", help="汇总：各单位的上报、退回和未报情况")
    s.add_argument("--year", type=int, required=True)
    s.add_argument("--json", action="store_true")


# Suffixes that name some other kind of file: writing a workbook as “表.xls” or “表.pdf” makes
# Excel or the PDF viewer refuse it later. Other suffixes (“申报表 v2.1”) are left alone.
_OTHER_KINDS = frozenset(
    {".xlsx", ".xls", ".xlsm", ".et", ".ods", ".pdf", ".csv", ".json", ".txt", ".doc", ".docx",
     ".wps", ".db", ".sqlite"}
)


def _output_file(output: str, suffix: str | None = None) -> Path:
    """The file a command writes: not a folder, not named as another kind of file; its
    missing folders are made, as ``backup`` and ``print --year`` already do, so
    ``-o 新目录/表.pdf`` just works."""
    path = Path(output)
    actual = path.suffix.lower()
    if suffix and actual != suffix and actual in _OTHER_KINDS:
        kind = "Excel 工作簿" if suffix == ".xlsx" else "PDF"
        raise UsageError(f"这里写出的是 {kind}，文件名应以 {suffix} 结尾，给出的是“{output}”。")
    if path.is_dir():
        raise UsageError(f"“{output}”是一个文件夹；请在 -o 后给出要写出的文件名（例如“{path / '表'}”加扩展名）。")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise PerfdeskError(
            f"无法写出“{output}”：路径“{path.parent}”中有一段是文件而不是文件夹。"
        ) from None
    return path


def _os_error_message(exc: OSError, args: argparse.Namespace) -> str:
    name = str(exc.filename or "")
    output = getattr(args, "output", None)
    # Writers go through a temporary file beside the target; name the file the clerk gave.
    if output and (not name or name.endswith((".tmp", ".part"))):
        name = str(output)
    reason = os_reason(exc)
    return f"无法读写“{name}”：{reason}。" if name else f"无法读写文件：{reason}。"


def _open_store(args: argparse.Namespace):  # noqa: ANN202 - Store import kept lazy
    from perfdesk.store.database import Store

    store = Store(default_db_path(args.db))
    if args.command in WRITING:
        # A damaged file is never written to: SQLite only notices damage on the pages a
        # write touches. quick_check reads every page: 1.2 s for the 1 GB of 100,000
        # records when the OS has the file cached, 8.5 s when not (README).
        try:
            store.refuse_if_damaged()
        except BaseException:
            store.close()
            raise
    return store


# Commands that write: they hold the database's lock file for their whole run, so a clerk's
# open window (or a colleague on the network folder) and a batch never write at once.
WRITING = frozenset(
    {"import", "carry", "finalize", "restore", "pack", "receive", "return", "delete", "undelete"}
)


def cmd_unlock(args: argparse.Namespace) -> int:
    from perfdesk.store.lock import break_lock

    info = break_lock(default_db_path(args.db))
    if info is None:
        print("数据库没有被锁定。")
    else:
        print(f"已解除 {info.holder()}自 {info.since_text()} 起的锁定。")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    cols = ("id", "year", "unit", "name", "status", "revision", "has_evaluation")
    if args.deleted:
        return _list_deleted(args)
    with _open_store(args) as store:
        if args.json:
            sys.stdout.write(store.list_json(year=args.year) + "\n")
            return 0
        # A year may hold 100,000 projects: keep text as UTF-8 bytes from SQLite to stdout.
        rows = store.list(year=args.year, columns=cols, text_as_bytes=True)
    status = {b"draft": "草稿".encode(), b"final": "定稿".encode()}
    evaluated = {0: "—".encode(), 1: "有".encode()}
    head = f"{'编号':>6}  年度  状态  版本  自评  单位 / 项目名称\n".encode()
    body = b"\n".join(
        b"%8d  %d  %s  %4d  %s  %s / %s"
        % (r[0], r[1], status.get(r[4], r[4]), r[5], evaluated[r[6]], r[2], r[3])
        for r in rows
    )
    tail = f"\n共 {len(rows)} 个项目\n".encode() if rows else "共 0 个项目\n".encode()
    data = head + body + tail
    encoding = (sys.stdout.encoding or "utf-8").lower().replace("-", "").replace("_", "")
    if encoding != "utf8" or not hasattr(sys.stdout, "buffer"):
        sys.stdout.write(data.decode("utf-8"))  # e.g. a Windows console in GBK
        return 0
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return 0


def _list_deleted(args: argparse.Namespace) -> int:
    import json

    with _open_store(args) as store:
        rows = store.deleted(year=args.year)
    if args.json:
        sys.stdout.write(json.dumps([r._asdict() for r in rows], ensure_ascii=False) + "\n")
        return 0
    status = {"draft": "草稿", "final": "定稿"}
    print(f"{'编号':>6}  年度  状态  版本  删除时间          单位 / 项目名称")
    for r in rows:
        when = _local_time(r.deleted_at)
        print(f"{r.id:>8}  {r.year}  {status.get(r.status, r.status)}  {r.revision:>4}  "
              f"{when}  {r.unit} / {r.name}")  # fmt: skip
    print(f"共 {len(rows)} 个已删除的项目（可用 perfdesk undelete 编号 恢复）")
    return 0


def _local_time(stamp: str) -> str:
    """A stored UTC time as the clerk's local time, to the minute."""
    import datetime as dt

    return dt.datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")


def cmd_delete(args: argparse.Namespace) -> int:
    from perfdesk.store.database import FinalRecordError

    with _open_store(args) as store:
        try:
            with store.transaction():  # all of them or none
                gone = [store.delete(rid, final_ok=args.force) for rid in args.ids]
        except FinalRecordError as exc:
            raise PerfdeskError(
                f"{exc.message.rstrip('。')}：确需删除请加 --force；未删除任何项目。"
            ) from exc
    for decl in gone:
        print(f"已删除：编号 {decl.id} “{decl.name}”（{decl.year}年，{decl.unit}）")
    ids = " ".join(str(d.id) for d in gone)
    print(f"各版本均已保留，可用 perfdesk undelete {ids} 恢复。")
    return 0


def cmd_undelete(args: argparse.Namespace) -> int:
    with _open_store(args) as store, store.transaction():
        back = [store.undelete(rid) for rid in args.ids]
    for decl in back:
        print(f"已恢复：编号 {decl.id} “{decl.name}”（{decl.year}年，第 {decl.revision} 版）")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from perfdesk.models.labels import field_label
    from perfdesk.models.serialize import dumps
    from perfdesk.show import explain_text, record_text
    from perfdesk.store.packages import comments, provenance

    with _open_store(args) as store:
        decl = store.get(args.id, args.revision)
        # A revision edited behind the program's back is not shown as if it were the record.
        store.refuse_if_altered(args.id, decl.revision)
        notes = comments(store, args.id, decl.revision)
        came = [p for p in provenance(store, args.id) if p["revision"] == decl.revision]
        if args.json:
            from perfdesk.models.serialize import declaration_to_dict

            doc = declaration_to_dict(decl)
            # Only where there are some: a record that never travelled reads as before.
            if notes:
                doc["review_comments"] = [c.to_json() for c in notes]
            if came:
                doc["received_from"] = came[-1]
            sys.stdout.write(dumps(doc) + "\n")
            return 0
        text = record_text(decl, store.previous_year(decl))
        for c in notes:
            about = f"（{field_label(c.field)}）" if c.field else ""
            text += f"\n退回意见{about}：{c.text}"
        for p in came[-1:]:
            text += f"\n本版来自数据包 {p['package']}（{p['sender_unit']}，{p['received_at']} 接收）"
        if args.explain:
            text += "\n" + explain_text(decl)
        if store.is_deleted(args.id):
            text = f"（此项目已删除，可用 perfdesk undelete {args.id} 恢复）\n" + text
    sys.stdout.write(text + "\n")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Results on stdout (the ``--json`` line of every file, rejected ones included: that is
    the result format), each rejection's sentence on stderr (interfaces.md)."""
    import json

    from perfdesk.excel.batch import TerminalProgress, import_paths
    from perfdesk.excel.values import strip_invisible

    bar = TerminalProgress(sys.stderr)
    with _open_store(args) as store:
        report = import_paths(store, args.paths, year=args.year, progress=None if args.json else bar)
    bar.finish()
    out, err = sys.stdout, sys.stderr
    for f in report.files:
        # A file name may hold a line break or U+202E too; the JSON line escapes them.
        shown = strip_invisible(f.file)[0]
        if args.json:
            out.write(json.dumps(f.to_json(), ensure_ascii=False) + "\n")
        elif f.status == "imported":
            out.write(f"已导入 {shown}：编号 {'、'.join(map(str, f.records))}\n")
            for m in f.must_fix:
                out.write(f"    错误（定稿前须改正）：{m}\n")
            for w in f.warnings:
                out.write(f"    提醒：{w}\n")
        if f.status != "imported":
            # Ordered with the results: a reader of both streams sees each where it belongs.
            out.flush()
            err.write(f"已拒绝 {shown}：{f.error}\n")
            if args.debug and f.debug:
                err.write(f.debug.rstrip("\n") + "\n")
            err.flush()
    if not args.json:
        out.write(
            f"共 {len(report.files)} 个文件：导入 {len(report.imported)} 个，"
            f"拒绝 {len(report.rejected)} 个。\n"
        )
    return 0 if report.ok else 1


def cmd_export(args: argparse.Namespace) -> int:
    from perfdesk.excel.writer import export_file

    with _open_store(args) as store:
        decl = store.get(args.id)
        export_file(decl, _output_file(args.output, ".xlsx"), form=args.form)
    print(f"已导出：{args.output}")
    return 0


@contextlib.contextmanager
def _interrupt_as_cancel() -> Iterator[threading.Event]:
    """Ctrl+C as a cancel flag the work checks between two items. reportlab swallows a
    KeyboardInterrupt that lands inside one of its bare ``except:`` clauses (a year went on
    printing to the end after Ctrl+C), so the signal only sets the flag."""
    interrupted = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda _sig, _frame: interrupted.set())
    try:
        yield interrupted
    finally:
        signal.signal(signal.SIGINT, previous)


def cmd_print(args: argparse.Namespace) -> int:
    from perfdesk.models.errors import Cancelled
    from perfdesk.pdf.year import YearPrintError, print_record_file, print_year

    with _open_store(args) as store:
        if args.year is not None:
            if args.id is not None:
                raise UsageError("print 不能同时给出编号和 --year。")
            if args.revision is not None:
                raise UsageError("--revision 只能用于打印一个项目，不能与 --year 同用。")
            if Path(args.output).is_file():
                raise UsageError(f"“{args.output}”是一个文件；print --year 的 -o 应给出文件夹。")
            try:
                with _interrupt_as_cancel() as interrupted:
                    paths = print_year(store, args.year, Path(args.output), form=args.form,
                                       progress_stream=sys.stderr, cancel=interrupted.is_set)
            except Cancelled:
                raise KeyboardInterrupt from None
            except YearPrintError as exc:  # the others are printed: say so, then the failures
                print(f"已打印 {len(exc.written)} 份到 {args.output}")
                raise
            if not paths:
                what = {"evaluation": "有自评表的项目", "monitoring": "有运行监控表的项目"}.get(
                    args.form, "项目"
                )
                print(f"{args.year} 年度没有{what}，未打印。")
                return 0
            print(f"已打印 {len(paths)} 份到 {args.output}")
            return 0
        if args.id is None:
            raise UsageError("print 需要项目编号，或用 --year 打印整个年度。")
        decl = store.get(args.id, args.revision)
        print_record_file(decl, _output_file(args.output, ".pdf"), form=args.form, store=store)
    print(f"已打印：{args.output}")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from perfdesk.excel.writer import write_summary_file

    with _open_store(args) as store:
        if args.unit and args.unit not in store.units(args.year):
            raise PerfdeskError(f"{args.year}年没有“{args.unit}”的项目，无法生成该单位的汇总表。")
        n = write_summary_file(store, args.year, _output_file(args.output, ".xlsx"), args.unit)
    whose = f"“{args.unit}”" if args.unit else ""
    print(f"已写出 {args.year} 年度{whose}汇总（{n} 个项目）：{args.output}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from perfdesk.pdf.verify import verify_pdf

    data = Path(args.pdf).read_bytes()
    with _open_store(args) as store:
        result = verify_pdf(store, data)
        rid = result.marker.record_id if result.marker is not None else None
        deleted = rid is not None and store.is_deleted(rid)
    print(result.message)
    if deleted:
        print(f"这个项目已删除，可用 perfdesk undelete {rid} 恢复。")
    return 0 if result.current else 1


def cmd_carry(args: argparse.Namespace) -> int:
    from perfdesk.carry import carry_forward

    with _open_store(args) as store:
        decl = carry_forward(store, args.id, args.to_year)
    print(f"已生成 {decl.year} 年度申报草稿：编号 {decl.id} “{decl.name}”")
    return 0


def cmd_indicators(args: argparse.Namespace) -> int:
    import json

    if args.library_files:
        if args.search is not None:
            raise UsageError("--import 不能与 --search 同时使用。")
        from perfdesk.library.sources import REJECTED, import_library_file
        from perfdesk.store.lock import DatabaseLock

        lock = DatabaseLock(default_db_path(args.db))
        lock.acquire(force=args.break_lock)
        try:
            with _open_store(args) as store:
                results = [import_library_file(store, f) for f in args.library_files]
        finally:
            lock.release()
        for r in results:
            print(json.dumps(r.to_json(), ensure_ascii=False) if args.json else r.sentence())
            if not args.json:
                for w in r.warnings:
                    print(f"    提示：{w}")
        return 1 if any(r.status == REJECTED for r in results) else 0
    from perfdesk.library.history import indicator_library, library_text

    with _open_store(args) as store:
        items = indicator_library(store, args.search)
    if args.json:
        sys.stdout.write(json.dumps([i.to_json() for i in items], ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(library_text(items) + "\n")
    return 0


def cmd_finalize(args: argparse.Namespace) -> int:
    with _open_store(args) as store:
        if args.form == "evaluation":
            decl = store.finalize_evaluation(args.id)
            print(f"自评表已定稿：编号 {decl.id} 第 {decl.revision} 版")
        elif args.form == "monitoring":
            decl = store.finalize_monitoring(args.id)
            print(f"运行监控表已定稿：编号 {decl.id} 第 {decl.revision} 版")
        else:
            decl = store.finalize(args.id)
            print(f"申报表已定稿：编号 {decl.id} 第 {decl.revision} 版")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    output = _output_file(args.output)
    if output.resolve() == default_db_path(args.db).resolve():
        raise UsageError("备份不能写到数据库文件本身，请给出另一个文件名。")
    with _open_store(args) as store:
        target = store.backup(output)
    print(f"已备份到：{target}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from perfdesk.store.backups import restore_backup

    target = default_db_path(args.db)
    saved = restore_backup(Path(args.backup), target)
    kept = f"，原来的数据库另存为“{saved}”" if saved else ""
    print(f"已从“{args.backup}”恢复数据库“{target}”{kept}。")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from perfdesk.progress import TerminalProgress
    from perfdesk.store.check import check_file

    db = default_db_path(args.db)
    bar = TerminalProgress(sys.stderr)
    report = check_file(db, bar)  # read-only, record by record: never fails on damage
    bar.finish()
    if report.damage:
        for d in report.damage:
            print(d.message, file=sys.stderr)
        print(
            f"数据库“{db}”有 {len(report.damage)} 处问题；可用“perfdesk recover -o 新文件”"
            "救出可读的项目，或用“perfdesk restore”从自动备份恢复。",
            file=sys.stderr,
        )
        return 1
    print(f"数据库正常：{report.records} 个项目，架构版本 {report.version}。")
    return 0


def _package_output(output: str) -> Path:
    path = _output_file(output)
    if path.suffix.lower() != ".pdpack":
        raise UsageError(f"数据包的文件名应以 .pdpack 结尾，给出的是“{output}”。")
    return path


def cmd_pack(args: argparse.Namespace) -> int:
    from perfdesk.exchange.hand_in import pack

    out = _package_output(args.output)
    with _open_store(args) as store:
        result = pack(store, out, year=args.year, unit=args.unit, drafts=args.drafts)
    print(f"已上报 {result.count} 个项目（定稿 {result.final_count} 个）到“{result.path}”。")
    print(f"数据包编号 {result.id}，校验码 {result.check_code}（接收方核对用）。")
    if result.drafts_left_out:
        print(f"另有 {result.drafts_left_out} 个草稿未打包（加上 --drafts 可一并上报）。")
    return 0


def cmd_receive(args: argparse.Namespace) -> int:
    import json

    from perfdesk.exchange.hand_in import OUTCOME_LABELS, receive
    from perfdesk.progress import TerminalProgress

    bar = TerminalProgress(sys.stderr)
    with _open_store(args) as store:
        reports = receive(store, args.packages, progress=None if args.json else bar)
    bar.finish()
    for r in reports:
        if args.json:
            print(json.dumps(r.to_json(), ensure_ascii=False))
        if r.status == "rejected":
            print(f"未接收 {r.file}：{r.error}", file=sys.stderr)
            continue
        if args.json:
            continue
        print(f"{r.file}（{r.sender}，编号 {r.id}，校验码 {r.check_code}）：{r.summary()}")
        for rec in r.records:
            if rec.outcome in ("conflict", "not_applied") or (rec.note and rec.outcome == "reopened"):
                key = rec.key
                print(f"    {OUTCOME_LABELS[rec.outcome]}：{key['year']}年“{key['unit']}”“{key['name']}”"
                      f"{('——' + rec.note) if rec.note else ''}")
    return 1 if any(r.status == "rejected" for r in reports) else 0


def cmd_return(args: argparse.Namespace) -> int:
    from perfdesk.exchange.hand_in import make_return

    out = _package_output(args.output)
    with _open_store(args) as store:
        result = make_return(store, args.ids, args.comment, out, field_key=args.field)
    print(f"已把 {result.count} 个项目的退回意见写入“{result.path}”。")
    print(f"数据包编号 {result.id}，校验码 {result.check_code}。")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    import json

    from perfdesk.exchange.hand_in import UnitStatus, year_status

    with _open_store(args) as store:
        rows = year_status(store, args.year)
    if args.json:
        print(json.dumps([r.to_json() for r in rows], ensure_ascii=False))
        return 0
    if not rows:
        print(f"{args.year}年还没有收到或退回任何数据包。")
        return 0
    for r in rows:
        label = UnitStatus.STATE_LABELS[r.state]
        line = f"{label}\t{r.unit}\t收到 {r.received_forms} 个（定稿 {r.final_forms} 个）"
        if r.returned_forms:
            line += f"，退回待改 {r.returned_forms} 个"
        if r.monitoring_forms:
            line += f"，运行监控表 {r.monitoring_forms} 个（定稿 {r.monitoring_final} 个"
            line += f"，需关注 {r.monitoring_alerts} 个）" if r.monitoring_alerts else "）"
        if r.last_package_at:
            line += f"，最近上报 {r.last_package_at}"
        print(line)
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    from perfdesk.progress import TerminalProgress
    from perfdesk.store.check import recover

    bar = TerminalProgress(sys.stderr)
    report = recover(default_db_path(args.db), _output_file(args.output), bar)
    bar.finish()
    for d in report.lost:
        print(f"未能救出：{d.message}", file=sys.stderr)
    print(f"已把 {len(report.saved)} 个项目救到“{args.output}”" + (
        f"，{len(report.lost)} 处未能救出（见上）。" if report.lost else "。"))  # fmt: skip
    return 1 if report.lost else 0


def cmd_window(args: argparse.Namespace) -> int:
    from perfdesk.ui.app import run

    return run(None if args.demo else default_db_path(args.db), demo=args.demo)


COMMANDS = {
    "list": cmd_list,
    "show": cmd_show,
    "import": cmd_import,
    "export": cmd_export,
    "print": cmd_print,
    "summary": cmd_summary,
    "verify": cmd_verify,
    "carry": cmd_carry,
    "finalize": cmd_finalize,
    "delete": cmd_delete,
    "undelete": cmd_undelete,
    "indicators": cmd_indicators,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "check": cmd_check,
    "recover": cmd_recover,
    "unlock": cmd_unlock,
    "pack": cmd_pack,
    "receive": cmd_receive,
    "return": cmd_return,
    "status": cmd_status,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    command = COMMANDS.get(args.command or "", cmd_window)
    try:
        db = default_db_path(args.db)
        if args.command is not None and db.is_dir():
            raise UsageError(
                f"“{db}”是一个文件夹；--db 应给出数据库文件，例如“{db / 'perfdesk.db'}”。"
            )
        if args.command in WRITING:
            from perfdesk.store.lock import DatabaseLock

            lock = DatabaseLock(default_db_path(args.db))
            lock.acquire(force=args.break_lock)
            try:
                return command(args)
            finally:
                lock.release()
        if args.break_lock and args.command is not None:
            from perfdesk.store.lock import break_lock

            break_lock(default_db_path(args.db))
        return command(args)
    except UsageError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    except PerfdeskError as exc:
        if args.debug:
            traceback.print_exc()
        print(exc.message, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except (OSError, sqlite3.Error) as exc:
        if args.debug:
            traceback.print_exc()
        from perfdesk.store.faults import BusyError, DiskFullError, storage_error

        named = storage_error(exc, default_db_path(args.db), getattr(args, "output", None))
        if isinstance(exc, OSError) and not isinstance(named, DiskFullError | BusyError):
            named = None  # a file given on the command line: _os_error_message names it
        if named is not None:
            print(named.message, file=sys.stderr)
        elif isinstance(exc, OSError):
            print(_os_error_message(exc, args), file=sys.stderr)
        else:
            raise
        return 1
