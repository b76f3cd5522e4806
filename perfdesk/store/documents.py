"""What the store derives from a stored document (a revision's JSON, forms.md keys): the
fingerprints it is kept with and the list's 监控 columns. Shared by the store, its
migrations, check/recover and the hand-in packages, so each derives them the same way.
"""

from __future__ import annotations

from typing import Any

from perfdesk.models.status import STATUS_DRAFT

# The records and their JSON are imported on first use, as in database.py: the window's list
# is painted without them.

def monitoring_columns(doc: dict[str, Any]) -> tuple[str | None, int]:
    """The list's 监控 columns of a stored document: the 运行监控表's status (None while the
    project has none) and its red mark (1 = needs_attention: execution lags 序时进度 or a
    target is 完全不可能)."""
    mon = doc.get("monitoring")
    if not mon:
        return None, 0
    from perfdesk.models.monitoring import attention_of

    # The document holds the derived rates (monitoring_to_dict): read, not recomputed.
    likelihoods = (i.get("likelihood") for i in mon.get("indicators") or ())
    alert = attention_of(mon.get("execution_rate"), mon.get("expected_rate"), likelihoods)
    # A form written without a status (by hand, or by another program) reads as a draft.
    return mon.get("status") or STATUS_DRAFT, int(alert)


def fingerprints(doc: dict[str, Any]) -> tuple[str, str | None, str | None]:
    """The fingerprints a revision is stored with: its declaration's, and its 自评表's and
    运行监控表's where it has them (each printout carries its own)."""
    from perfdesk.models.serialize import content_of, fingerprint_of

    def of(form: str) -> str | None:
        return fingerprint_of(content_of(doc, form)) if doc.get(form) else None

    return fingerprint_of(content_of(doc)), of("evaluation"), of("monitoring")
