"""The package's type hints hold (STYLE.md: type hints everywhere, checked with mypy): a
wrong hint is a wrong statement about the code, so mypy's findings fail the suite."""

from __future__ import annotations

from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_finds_nothing_in_the_package(tmp_path: Path) -> None:
    out, err, status = api.run(
        ["--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(tmp_path),
         str(ROOT / "perfdesk")]
    )  # fmt: skip
    assert status == 0, out + err
