"""What a person on the case page may see of a person: pure presentation decisions.

The case views are pseudonymised (no names, no identifiers): names stay in the agencies' systems.
An operator sees the hub's pseudonymous person id in full, so that they can quote it to an agency
that holds the name; everyone else sees it masked. Any identifier shown anywhere is masked to its
last four characters (enough to tell two apart over the phone, not enough to look one up).
"""

from __future__ import annotations

from console.roles import Principal, may_see_names

__all__ = ["mask_identifier", "person_label", "SEVERITY_ORDER", "board_order", "is_person", "alert_person"]

SEVERITY_ORDER = {"Critical": 0, "Warning": 1, "Info": 2}


def mask_identifier(value: str | None, keep: int = 4) -> str:
    """``•••••••••0123``: only the last ``keep`` characters, at most a third of the value."""
    if not value:
        return ""
    keep = min(keep, len(value) // 3)
    return "•" * (len(value) - keep) + value[len(value) - keep:] if keep else "•" * len(value)


def person_label(principal: Principal, person_id: str) -> str:
    return person_id if may_see_names(principal) else mask_identifier(person_id)


def is_person(subject: str | None) -> bool:
    """Alert subjects are hub person ids, or organisation keys (``vessel:…``) and the whole case (``*``)."""
    return bool(subject) and ":" not in subject and subject != "*"


def alert_person(principal: Principal, subject: str, names: list[str] | None) -> dict[str, str]:
    """Whom an alert is about, as the case page shows them: the names the agencies spelt (for a
    role that may see names and when the directory has them), else the person id as that role
    sees it (`person_label`)."""
    return {"id": subject, "label": " / ".join(names) if names and may_see_names(principal)
            else person_label(principal, subject)}


def board_order(alert: dict) -> tuple:
    """Most severe first, then the nearest deadline (none last): the same order as the SQL board,
    for alerts merged in live."""
    due = alert.get("due_at")
    return (SEVERITY_ORDER.get(alert.get("severity"), 9), due is None, due.timestamp() if due else 0,
            alert.get("raised_at").timestamp() if alert.get("raised_at") else 0, alert.get("alert_id"))
