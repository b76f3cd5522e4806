"""Start-up time of the frozen app against ``python -m perfdesk``: start to main window shown.

    scripts/build_app.sh                       # once: dist/perfdesk/perfdesk
    python bench/bench_frozen.py [--app dist/perfdesk/perfdesk] [--runs 5]

Target: the frozen app shows its window within 1.5× the time ``python -m perfdesk`` takes.

"Shown" is observed from outside, the way a user sees it, so neither program needs a hook:
each run gets its own Xvfb display and the bench polls the X server (through libX11 with
ctypes, no x11-utils needed) until a top-level window of class ``perfdesk`` at least 200 px
wide is mapped and viewable; then the program is terminated. Both programs open the same
database holding the seed declaration. Linux only (Xvfb).
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.5

# ---------------------------------------------------------------- X11 through ctypes

_Window = ctypes.c_ulong


class _XWindowAttributes(ctypes.Structure):
    _fields_ = [
        ("x", ctypes.c_int), ("y", ctypes.c_int),
        ("width", ctypes.c_int), ("height", ctypes.c_int),
        ("border_width", ctypes.c_int), ("depth", ctypes.c_int),
        ("visual", ctypes.c_void_p), ("root", _Window),
        ("class_", ctypes.c_int), ("bit_gravity", ctypes.c_int),
        ("win_gravity", ctypes.c_int), ("backing_store", ctypes.c_int),
        ("backing_planes", ctypes.c_ulong), ("backing_pixel", ctypes.c_ulong),
        ("save_under", ctypes.c_int), ("colormap", ctypes.c_ulong),
        ("map_installed", ctypes.c_int), ("map_state", ctypes.c_int),
        ("all_event_masks", ctypes.c_long), ("your_event_mask", ctypes.c_long),
        ("do_not_propagate_mask", ctypes.c_long), ("override_redirect", ctypes.c_int),
        ("screen", ctypes.c_void_p),
    ]  # fmt: skip


class _XClassHint(ctypes.Structure):
    _fields_ = [("res_name", ctypes.c_void_p), ("res_class", ctypes.c_void_p)]


_IS_VIEWABLE = 2
_ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)


class XDisplay:
    """A connection to an X server, enough to ask which windows are shown."""

    def __init__(self, display: str) -> None:
        name = ctypes.util.find_library("X11") or "libX11.so.6"
        self.x = ctypes.CDLL(name)
        self.x.XOpenDisplay.restype = ctypes.c_void_p
        self.x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self.x.XDefaultRootWindow.restype = _Window
        self.x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        self.x.XQueryTree.argtypes = [
            ctypes.c_void_p, _Window, ctypes.POINTER(_Window), ctypes.POINTER(_Window),
            ctypes.POINTER(ctypes.POINTER(_Window)), ctypes.POINTER(ctypes.c_uint),
        ]  # fmt: skip
        self.x.XGetWindowAttributes.argtypes = [
            ctypes.c_void_p,
            _Window,
            ctypes.POINTER(_XWindowAttributes),
        ]
        self.x.XGetClassHint.argtypes = [ctypes.c_void_p, _Window, ctypes.POINTER(_XClassHint)]
        self.x.XInternAtom.restype = ctypes.c_ulong
        self.x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        self.x.XGetWindowProperty.argtypes = [
            ctypes.c_void_p, _Window, ctypes.c_ulong, ctypes.c_long, ctypes.c_long,
            ctypes.c_int, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
            ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_ulong),
            ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_void_p),
        ]  # fmt: skip
        self.x.XFree.argtypes = [ctypes.c_void_p]
        self.x.XCloseDisplay.argtypes = [ctypes.c_void_p]
        # A window destroyed between two calls raises BadWindow; Xlib's default handler
        # would exit the whole process.
        self._handler = _ERROR_HANDLER(lambda _d, _e: 0)
        self.x.XSetErrorHandler(self._handler)
        self.dpy = self.x.XOpenDisplay(display.encode())
        if not self.dpy:
            raise RuntimeError(f"cannot open X display {display}")
        self._net_wm_name = self.x.XInternAtom(self.dpy, b"_NET_WM_NAME", 0)
        self._utf8 = self.x.XInternAtom(self.dpy, b"UTF8_STRING", 0)

    def close(self) -> None:
        if self.dpy:
            self.x.XCloseDisplay(self.dpy)
            self.dpy = None

    def _class(self, win: int) -> str:
        hint = _XClassHint()
        if not self.x.XGetClassHint(self.dpy, win, ctypes.byref(hint)):
            return ""
        try:
            return ctypes.string_at(hint.res_class).decode() if hint.res_class else ""
        finally:
            for p in (hint.res_name, hint.res_class):
                if p:
                    self.x.XFree(p)

    def title(self, win: int) -> str:
        """The window's title (_NET_WM_NAME, UTF-8), "" when it has none."""
        actual_type, actual_format = ctypes.c_ulong(), ctypes.c_int()
        nitems, after, prop = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
        status = self.x.XGetWindowProperty(
            self.dpy, win, self._net_wm_name, 0, 4096, 0, self._utf8, ctypes.byref(actual_type),
            ctypes.byref(actual_format), ctypes.byref(nitems), ctypes.byref(after),
            ctypes.byref(prop),
        )  # fmt: skip
        if status != 0 or not prop.value:
            return ""
        try:
            return ctypes.string_at(prop.value, nitems.value).decode("utf-8", "replace")
        finally:
            self.x.XFree(prop)

    def shown_windows(
        self, wm_class: str, title_contains: str = "", min_width: int = 200
    ) -> list[int]:
        """Top-level windows of this class that are mapped, viewable and not tiny, and whose
        title contains ``title_contains`` (an error box is not the main window)."""
        root, parent = _Window(), _Window()
        children = ctypes.POINTER(_Window)()
        n = ctypes.c_uint()
        if not self.x.XQueryTree(
            self.dpy, self.x.XDefaultRootWindow(self.dpy), ctypes.byref(root),
            ctypes.byref(parent), ctypes.byref(children), ctypes.byref(n),
        ):  # fmt: skip
            return []
        try:
            wins = [children[i] for i in range(n.value)]
        finally:
            if children:
                self.x.XFree(children)
        found = []
        for w in wins:
            attrs = _XWindowAttributes()
            if not self.x.XGetWindowAttributes(self.dpy, w, ctypes.byref(attrs)):
                continue
            if attrs.map_state != _IS_VIEWABLE or attrs.width < min_width:
                continue
            if self._class(w) == wm_class and title_contains in self.title(w):
                found.append(w)
        return found


class Xvfb:
    """A private virtual X server for one measurement (``with Xvfb() as display:``)."""

    def __enter__(self) -> str:
        if not shutil.which("Xvfb"):
            raise RuntimeError("Xvfb is not installed (Debian: apt-get install xvfb)")
        read, write = os.pipe()
        self.proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", "1400x1000x24", "-nolisten", "tcp"],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        data = b""
        while not data.endswith(b"\n"):
            chunk = os.read(read, 64)
            if not chunk:
                break
            data += chunk
        os.close(read)
        if not data.strip():
            self.proc.kill()
            raise RuntimeError("Xvfb did not start")
        return ":" + data.decode().strip()

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def time_to_window(
    cmd: list[str],
    env: dict[str, str],
    *,
    title: str = "perfdesk — ",
    timeout: float = 120.0,
    cwd: Path | None = None,
    db: Path | None = None,
) -> float:
    """Seconds from starting ``cmd`` on a fresh Xvfb until its main window is shown
    (a perfdesk window whose title contains ``title``; the main window's is
    "perfdesk — <database file name>").

    Raises RuntimeError (with the program's output) when it exits or never shows a window.
    The program is terminated like a crash, so the lock file the window holds on ``db`` is
    left behind; it is broken afterwards (it is provably stale) so the next run can start.
    """
    with Xvfb() as display:
        run_env = {**env, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        x = XDisplay(display)
        log = tempfile.TemporaryFile()
        try:
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, env=run_env, cwd=cwd, stdout=log, stderr=log)
            try:
                while True:
                    if x.shown_windows("perfdesk", title):
                        return time.perf_counter() - start
                    if proc.poll() is not None or time.perf_counter() - start > timeout:
                        log.seek(0)
                        out = log.read().decode("utf-8", "replace")
                        why = "exited" if proc.returncode is not None else "showed no window"
                        raise RuntimeError(f"{cmd[0]} {why}:\n{out[-3000:]}")
                    time.sleep(0.01)
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                if db is not None:
                    from perfdesk.store.lock import break_stale

                    break_stale(db)
        finally:
            x.close()
            log.close()


# ---------------------------------------------------------------- the benchmark


if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def seed_database(folder: Path) -> Path:
    """A database holding the seed declaration, as an office user's would."""
    from perfdesk.models.serialize import declaration_from_dict, loads
    from perfdesk.store.database import Store

    db = folder / "perfdesk.sqlite"
    with Store(db) as store:
        seed = (REPO / "tests" / "data" / "seed.json").read_text(encoding="utf-8")
        store.save(declaration_from_dict(loads(seed)))
    return db


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--app", type=Path, default=REPO / "dist" / "perfdesk" / "perfdesk")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--json", type=Path, help="also write the results here")
    args = p.parse_args(argv)
    if not args.app.exists():
        print(f"{args.app} not found: build it first with scripts/build_app.sh", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="perfdesk-bench-") as tmp:
        folder = Path(tmp)
        db = seed_database(folder)
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PERFDESK_DB")}
        env["HOME"] = str(folder)  # no QSettings or data folder of the person running it
        env["XDG_CONFIG_HOME"] = str(folder / "config")
        env["XDG_DATA_HOME"] = str(folder / "data")
        source_env = {**env, "PYTHONPATH": str(REPO)}
        frozen_cmd = [str(args.app.resolve()), "--db", str(db)]
        source_cmd = [sys.executable, "-m", "perfdesk", "--db", str(db)]
        title = f"perfdesk — {db.name}"
        # One untimed start each: the first start pays for the disk cache and .pyc writes.
        time_to_window(frozen_cmd, env, title=title, cwd=folder, db=db)
        time_to_window(source_cmd, source_env, title=title, cwd=folder, db=db)
        frozen, source = [], []
        for _ in range(args.runs):  # alternate, so load on the machine hits both alike
            frozen.append(time_to_window(frozen_cmd, env, title=title, cwd=folder, db=db))
            source.append(time_to_window(source_cmd, source_env, title=title, cwd=folder, db=db))

    f, s = statistics.median(frozen), statistics.median(source)
    ratio = f / s
    result = {
        "runs": args.runs,
        "frozen_s": [round(t, 3) for t in frozen],
        "python_m_s": [round(t, 3) for t in source],
        "frozen_median_s": round(f, 3),
        "python_m_median_s": round(s, 3),
        "ratio": round(ratio, 2),
        "target_ratio": TARGET_RATIO,
        "met": ratio <= TARGET_RATIO,
    }
    print(f"start → window shown, median of {args.runs} (Xvfb):")
    print(f"  frozen   {f:6.2f} s   {' '.join(f'{t:.2f}' for t in frozen)}")
    print(f"  python -m{s:6.2f} s   {' '.join(f'{t:.2f}' for t in source)}")
    verdict = "met" if result["met"] else "NOT met"
    print(f"  ratio    {ratio:6.2f}   (target ≤ {TARGET_RATIO}: {verdict})")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0 if result["met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
