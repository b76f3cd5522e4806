"""Printing a year, against reportlab's own floor and against LibreOffice, in one run.

    python bench/bench_print.py [N]      (default 500 forms)

- perfdesk: ``perfdesk print --year`` as a whole process (one process, as it always runs),
  N dense forms (the seed with 20 national indicators: 3 pages each), a PDF file each.
- the floor: ``bench/bare_reportlab.py``, a bare reportlab script that draws the very page
  operations perfdesk drew for the same forms (recorded here first, untimed) and writes a
  PDF file each, as a whole process too. perfdesk's time over it is what perfdesk's own
  work costs: reading the records, laying out the forms, breaking lines, checking glyphs.
  The two alternate, RUNS times each; medians are reported.
- Wall and CPU time (user + system of the process and its children, from getrusage) are
  both given: on a machine shared with other work the wall time of a run depends on what
  else runs then, the CPU time much less.
- LibreOffice: the same forms' .xlsx (perfdesk's export) converted by one
  ``soffice --headless --convert-to pdf`` run, when LibreOffice is installed.
- canvas or platypus: the same forms drawn in this process by perfdesk (canvas) and by
  reportlab's platypus (``bench/print_platypus.py``), per form.
- the 运行监控表: the same projects, each with a filled monitoring form, printed by
  ``perfdesk print --year --form monitoring`` against the bare script replaying its page
  operations, alternating as above.
"""

from __future__ import annotations

import os
import pickle
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from common import ROOT, compile_bytecode, emit, seed_sized

from perfdesk.excel.writer import write_declaration
from perfdesk.models.monitoring import make_monitoring
from perfdesk.pdf import flow, printout
from perfdesk.pdf.fonts import NoFontError, candidate_fonts, default_fonts, load_fonts
from perfdesk.pdf.printout import render_bytes
from perfdesk.store.database import Store

RUNS = 3
IN_PROCESS_FORMS = 40


class _Recorder:
    """A canvas that notes every call made on it, then makes it."""

    def __init__(self, canvas: Any, ops: list[tuple[str, tuple, dict]]) -> None:
        self.canvas = canvas
        self.ops = ops

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.canvas, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            self.ops.append((name, args, kwargs))
            return attr(*args, **kwargs)

        return call


def record_page_ops(decls: list, path: Path, form: str = "declaration") -> None:
    """The canvas calls perfdesk makes for each of ``decls``, pickled for the bare script."""
    forms: list[dict[str, Any]] = []
    real_canvas, real_qr = printout.Canvas, flow.define_qr

    def canvas(buf: Any, **kwargs: Any) -> _Recorder:
        forms.append({"canvas": kwargs, "ops": []})
        return _Recorder(real_canvas(buf, **kwargs), forms[-1]["ops"])

    def define_qr(c: _Recorder, value: str, fonts: Any) -> None:
        args = (value, flow.QR_SIZE, flow.QR_BORDER, flow.QR_LEVEL, fonts.main, flow.QR_FORM)
        c.ops.append(("qr", args, {}))
        real_qr(c.canvas, value, fonts)

    printout.Canvas, flow.define_qr = canvas, define_qr  # type: ignore[assignment, misc]
    try:
        for decl in decls:
            render_bytes(decl, form)
    finally:
        printout.Canvas, flow.define_qr = real_canvas, real_qr  # type: ignore[misc]
    used = {args[0] for form in forms for name, args, _ in form["ops"] if name == "setFont"}
    used |= {form["canvas"]["initialFontName"] for form in forms}
    fonts = {}
    for spec in candidate_fonts():  # the registered name of each font of the chain
        try:
            name = load_fonts([spec]).main
        except NoFontError:
            continue
        if name in used:  # the bare script reads only the fonts perfdesk drew with
            fonts[name] = (str(spec.path), spec.subfont)
    assert used <= fonts.keys(), used
    with path.open("wb") as f:
        pickle.dump({"fonts": fonts, "forms": forms}, f)


def whole_run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system, the process and its children) seconds of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(
        cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        timeout=3600,
    )  # fmt: skip
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def pdfs(folder: Path) -> int:
    count = len(list(folder.glob("*.pdf")))
    shutil.rmtree(folder)
    return count


def per(seconds: float, n: int) -> str:
    return f"{seconds:.2f} s ({seconds / n * 1000:.1f} ms per form)"


def per_form(fn: Any, decls: list) -> float:
    """Median over 3 passes of the CPU time per form, in ms."""
    fn(decls[0])  # fonts read, caches warm
    times = []
    for _ in range(3):
        t0 = time.process_time()
        for d in decls:
            fn(d)
        times.append((time.process_time() - t0) / len(decls) * 1000)
    return statistics.median(times)


def with_monitoring(decl: Any) -> Any:
    """``decl`` with its 运行监控表 filled in as of June: every indicator reported, one in
    four at risk with its cause, deviation and remedy."""
    m = make_monitoring(decl, date(decl.year, 7, 10))
    m.supervisor = "上海市人民政府办公厅"
    m.spent_to_date = decl.year_budget * 39 / 100
    m.forecast_spent = decl.year_budget * 98 / 100
    m.goal_progress = "上半年受理来电182万个，回访满意度94.8%，网站和手机受理13.6万件。"
    for k, ind in enumerate(m.indicators):
        ind.progress = f"完成全年目标的{40 + k % 9}%"
        ind.forecast = "全年可达到目标值"
        ind.likelihood = "有可能" if k % 4 == 3 else "确定能"
        if k % 4 == 3:
            ind.cause = "人员保障"
            ind.deviation = "话务员流失，新人培训周期长"
            ind.remedy = "增补话务员并加强岗前培训"
    m.deviation_analysis = "执行率低于序时进度，主要因合同款按季度结算。"
    m.measures = "加快合同结算和支付进度。"
    m.adjust_goals = False
    decl.monitoring = m
    return decl


def alternate(
    ours_cmd: list[str], bare_cmd: list[str], env: dict[str, str], tmp_path: Path, n: int
) -> tuple[float, float, float, float]:
    """perfdesk's and the bare script's whole runs, alternating RUNS times: medians of
    (ours wall, ours CPU, bare wall, bare CPU)."""
    ours_runs, bare_runs = [], []
    for _ in range(RUNS):
        ours_runs.append(whole_run(ours_cmd, env))
        assert pdfs(tmp_path / "ours") == n
        bare_runs.append(whole_run(bare_cmd, env))
        assert pdfs(tmp_path / "bare") == n
    ours_wall, ours_cpu = (statistics.median(t) for t in zip(*ours_runs, strict=True))
    bare_wall, bare_cpu = (statistics.median(t) for t in zip(*bare_runs, strict=True))
    return ours_wall, ours_cpu, bare_wall, bare_cpu


def main(n: int = 500) -> None:
    from print_platypus import platypus_pdf

    with tempfile.TemporaryDirectory(dir=ROOT / "bench") as tmp:
        tmp_path = Path(tmp)
        db = tmp_path / "print.sqlite"
        with Store(db) as store:
            store.save_many([with_monitoring(seed_sized(i, year=2024)) for i in range(n)])
            ids = [r[0] for r in store.list(
                year=2024, columns=("id",), order_by=(("unit", False), ("name", False))
            )]  # fmt: skip
            decls = [store.get(rid) for rid in ids]  # as print --year reads them
        ops = tmp_path / "ops.pickle"
        record_page_ops(decls, ops)
        pages = len(flow.lay_out(_story(decls[0])))
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        compile_bytecode()  # as installed: perfdesk runs from .pyc files

        ours_cmd = [sys.executable, "-m", "perfdesk", "--db", str(db), "print", "--year",
                    "2024", "-o", str(tmp_path / "ours")]  # fmt: skip
        bare_cmd = [sys.executable, str(ROOT / "bench" / "bare_reportlab.py"), str(ops),
                    str(tmp_path / "bare")]  # fmt: skip
        ours_wall, ours_cpu, bare_wall, bare_cpu = alternate(ours_cmd, bare_cmd, env, tmp_path, n)

        sample = decls[:IN_PROCESS_FORMS]
        fonts = default_fonts()
        canvas_ms = per_form(render_bytes, sample)
        platypus_ms = per_form(lambda d: platypus_pdf(d, fonts), sample)
        qr_ms = per_form(lambda d: _qr_only(printout.marker(d, "declaration"), fonts), sample)

        rows = [
            (f"`perfdesk print --year`: {n} forms of {pages} pages, a PDF each (whole "
             f"process, median of {RUNS}): wall", per(ours_wall, n)),
            ("… CPU (user + system)", per(ours_cpu, n)),
            (f"bare reportlab script drawing the same page operations, a PDF each (whole "
             f"process, median of {RUNS}): wall", per(bare_wall, n)),
            ("… CPU (user + system)", per(bare_cpu, n)),
            ("ratio perfdesk / bare reportlab (target ≤ 1.5×): wall / CPU",
             f"{ours_wall / bare_wall:.2f}× / {ours_cpu / bare_cpu:.2f}×"),
        ]  # fmt: skip
        mon_ops = tmp_path / "mon-ops.pickle"
        record_page_ops(decls, mon_ops, "monitoring")
        mon_pages = len(flow.lay_out(_story(decls[0], "monitoring")))
        mon = alternate(
            [*ours_cmd, "--form", "monitoring"],
            [sys.executable, str(ROOT / "bench" / "bare_reportlab.py"), str(mon_ops),
             str(tmp_path / "bare")],
            env, tmp_path, n,
        )  # fmt: skip
        rows += [
            (f"`perfdesk print --year --form monitoring`: {n} 运行监控表 of {mon_pages} pages "
             f"(whole process, median of {RUNS}): wall", per(mon[0], n)),
            ("… CPU (user + system)", per(mon[1], n)),
            ("bare reportlab script drawing the same page operations: wall", per(mon[2], n)),
            ("… CPU (user + system)", per(mon[3], n)),
            ("ratio perfdesk / bare reportlab for the 运行监控表 (target ≤ 1.5×): wall / CPU",
             f"{mon[0] / mon[2]:.2f}× / {mon[1] / mon[3]:.2f}×"),
        ]  # fmt: skip
        print(*(f"{k}: {v}" for k, v in rows), sep="\n", flush=True)  # kept if LO fails
        soffice = shutil.which("soffice")
        if soffice:
            xlsx = tmp_path / "xlsx"
            xlsx.mkdir()
            for i, d in enumerate(decls):
                with (xlsx / f"f{i:04d}.xlsx").open("wb") as f:
                    write_declaration(d, f)
            profile = tmp_path / "lo-profile"
            # One soffice run converts them all, but on this machine it has stopped without
            # a word after a few hundred files: the rest go to another run, and every run's
            # time counts.
            lo_wall = lo_cpu = 0.0
            runs = 0
            while runs < 5:
                done = {p.stem for p in (tmp_path / "lo").glob("*.pdf")}
                left = [str(p) for p in sorted(xlsx.glob("*.xlsx")) if p.stem not in done]
                if not left:
                    break
                wall, cpu = whole_run(
                    [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                     "--convert-to", "pdf", "--outdir", str(tmp_path / "lo"), *left],
                    env,
                )  # fmt: skip
                lo_wall, lo_cpu, runs = lo_wall + wall, lo_cpu + cpu, runs + 1
            converted = pdfs(tmp_path / "lo")
            rows += [
                (f"LibreOffice headless .xlsx → PDF (same forms; {converted} PDFs in {runs} "
                 "soffice run(s), one process each): wall", per(lo_wall, converted)),
                ("… CPU (user + system)", per(lo_cpu, converted)),
                ("perfdesk speed-up over LibreOffice per form (target ≥ 3×): wall / CPU",
                 f"{lo_wall / converted / (ours_wall / n):.1f}× / "
                 f"{lo_cpu / converted / (ours_cpu / n):.1f}×"),
            ]  # fmt: skip
        else:
            rows.append(("LibreOffice", "not installed: no comparison in this run"))
        rows += [
            (f"in one process, CPU per form ({IN_PROCESS_FORMS} forms, median of 3 passes): "
             "perfdesk on reportlab's canvas", f"{canvas_ms:.1f} ms"),
            ("the same forms with reportlab's platypus (bench/print_platypus.py)",
             f"{platypus_ms:.1f} ms ({platypus_ms / canvas_ms:.1f}× the canvas)"),
            ("of a form's time: its QR code (QrCodeWidget drawn by renderPDF)",
             f"{qr_ms:.1f} ms"),
        ]  # fmt: skip
        emit(f"Printing: {n} dense forms", rows, ROOT / "bench" / "out" / "print.md")


def _story(decl: Any, form: str = "declaration") -> list:
    from perfdesk.pdf.declaration import declaration_story
    from perfdesk.pdf.monitoring import monitoring_story

    if form == "monitoring":
        return monitoring_story(decl, decl.monitoring, default_fonts())
    return declaration_story(decl, default_fonts())


def _qr_only(value: str, fonts: Any) -> None:
    import io

    from reportlab.pdfgen.canvas import Canvas

    c = Canvas(io.BytesIO(), invariant=1, initialFontName=fonts.main)
    flow.define_qr(c, value, fonts)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
