"""The note printed on a reprint of an older revision: one rule for the window and the
command line, so both print the same words."""

from __future__ import annotations


def reprint_note(revision: int, current: int) -> str | None:
    """The footer note for printing ``revision`` of a record whose latest is ``current``;
    None for the latest itself."""
    if revision < current:
        return f"本件为第 {revision} 版（当前为第 {current} 版）的重新打印"
    return None
