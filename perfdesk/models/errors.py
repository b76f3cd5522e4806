"""The error tree: every failure a user can meet carries a Chinese sentence to act on."""

from __future__ import annotations

from collections.abc import Sequence


class PerfdeskError(Exception):
    """Base of all expected failures; ``message`` is the Chinese sentence shown to users."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(PerfdeskError):
    """A file or value given to perfdesk cannot be read (names file, sheet, cell)."""

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        cell: str | None = None,
    ) -> None:
        self.reason = reason
        self.file = file
        self.sheet = sheet
        self.cell = cell
        where = ""
        if file:
            where += f"文件“{file}”"
        if sheet:
            where += f"工作表“{sheet}”"
        if cell:
            where += f" {cell}"
        super().__init__(f"{where}：{reason}" if where else reason)


class NotFoundError(PerfdeskError):
    """The record asked for is not in the database."""


class ConflictError(PerfdeskError):
    """The change would break a rule of the store (duplicate, locked record, …)."""


class ValidationError(PerfdeskError):
    """A record fails checks that block the action (finalising, …)."""

    def __init__(self, message: str, findings: Sequence[object] = ()) -> None:
        super().__init__(message)
        self.findings = list(findings)


class StoreError(PerfdeskError):
    """The database file cannot be used (too new, damaged, locked by someone else)."""


class Cancelled(PerfdeskError):
    """The user cancelled a long operation."""

    def __init__(self) -> None:
        super().__init__("操作已取消。")
