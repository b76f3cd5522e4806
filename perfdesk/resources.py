"""Finding bundled files (fonts, …) in a source checkout and in a frozen build.

The files live in the top-level ``resources/`` folder of the checkout. A PyInstaller build
must map that folder to ``resources`` inside the bundle (``datas=[("resources",
"resources")]``); at run time it is then under ``sys._MEIPASS``. A wheel does not contain a
top-level folder unless the build maps it, so ``perfdesk/_resources`` (a mapped copy) is
looked at as well.
"""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resource_roots() -> list[Path]:
    """Folders that may hold the resources, most specific first."""
    roots: list[Path] = []
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:
        roots.append(Path(meipass) / "resources")
    roots.append(_PACKAGE_DIR.parent / "resources")
    roots.append(_PACKAGE_DIR / "_resources")
    return roots


def resource_path(*parts: str) -> Path:
    """The path of a bundled file, e.g. ``resource_path("fonts", "wqy-microhei.ttc")``.

    Returns the first existing match; when none exists, the path where a source checkout
    would have it (so an error message names a sensible place).
    """
    roots = resource_roots()
    for root in roots:
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    return roots[-2].joinpath(*parts) if len(roots) >= 2 else roots[0].joinpath(*parts)
