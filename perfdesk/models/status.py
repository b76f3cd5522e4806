"""The two states of a form (forms.md): a tiny module so the store and the window's first
paint can name them without loading the record classes."""

from __future__ import annotations

STATUS_DRAFT = "draft"
STATUS_FINAL = "final"
STATUSES = (STATUS_DRAFT, STATUS_FINAL)
STATUS_LABELS = {STATUS_DRAFT: "草稿", STATUS_FINAL: "定稿"}
