"""What a page or an API call asks of the hub, with the caller's scope applied and audited.

One place for "who may read what": the pages and the API both call these functions, so a rule
cannot hold for one and not the other. Each function takes the caller (`Principal`) and the time,
runs in a worker thread (SQLAlchemy is synchronous), and appends to the audit log in the same
transaction as the operator write it records. A case read is audited whether it is found or not
(a refused read is as interesting to an auditor as a granted one).

Every read of victim data is audited, pages and API alike (issue 11): case pages and searches,
alert lists and details, persons for review, referrals (the live feed's subscription is audited
by `live`). A read function takes `at`, the time of the read; `at=None` is said explicitly by a
caller that only checks scope before an action (the action is audited itself).

A possible link is the caller's only when *every* case its confirmation would merge is in their
provinces: the cases of its event and of both persons (`link`). Seeing one side is not enough:
confirming would pull the other side's case into the caller's scope.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from console import auditlog
from console.names import persons_in_cases
from console.present import alert_person, is_person
from console.roles import EVERYWHERE, Permission, Principal, can, may_see_names, referral_agency
from console.roles import scope as role_scope
from streams.views import tables as T
from streams.views.actions import acknowledge_alert, review_link
from streams.views.clock import HubClock, read_clock
from streams.views.queries import case_detail, count_cases, open_alerts, possible_links, search_cases, search_referrals
from streams.views.scope import ALL_PROVINCES, Provinces, case_visible, codes, in_provinces

__all__ = ["Forbidden", "Service", "ALERT_ACTIONS", "LINK_ACTIONS", "CaseFilters"]

ALERT_ACTIONS = {"acknowledge": "Acknowledge", "resolve": "Resolve", "escalate": "Escalate"}
LINK_ACTIONS = {"confirm": ("ConfirmLink", "confirmed"), "reject": ("RejectLink", "rejected")}


def scope(principal: Principal) -> Provinces:
    """The caller's provinces as the views take them (`ALL_PROVINCES` passed explicitly)."""
    provinces = role_scope(principal)
    return ALL_PROVINCES if provinces is EVERYWHERE else provinces


def _cases_outside(conn: sa.Connection, visible: frozenset[str] | None, link: Mapping[str, Any]) -> list[str]:
    """The live cases a confirmation of ``link`` would rewrite or merge (its event's cases, every
    case of either person) that are outside ``visible`` (`codes` of the caller's scope)."""
    if visible is None:
        return []
    c, cp, ev = T.cases, T.case_persons, T.case_events
    persons = [p for p in (link.get("person_id"), link.get("candidate_id")) if p]
    involved = sa.or_(c.c.case_id.in_(sa.select(cp.c.case_id).where(cp.c.person_id.in_(persons))),
                      c.c.case_id.in_(sa.select(ev.c.case_id).where(ev.c.event_id == link["source_event_id"])))
    query = sa.select(c.c.case_id).where(c.c.merged_into.is_(None), involved, sa.not_(case_visible(visible)))
    return sorted(conn.execute(query).scalars())


class Forbidden(PermissionError):
    """The caller's role does not allow this at all (403); out-of-scope data is simply not found (404)."""


def _require(principal: Principal, permission: Permission) -> None:
    if not can(principal, permission):
        raise Forbidden(f"{principal.role.value} users may not {permission.value}")


@dataclass(frozen=True)
class CaseFilters:
    province: str | None = None
    stage: str | None = None
    agency: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    number: str | None = None        # a case number, whole (TH57-2569-0042) or its start


class Service:
    """The console's view of the database: a reader engine for the case views, a writer engine
    for its own tables and the operator columns."""

    def __init__(self, reader: Engine, writer: Engine, audit_key: bytes | None = None) -> None:
        self.reader, self.writer, self._audit_key = reader, writer, audit_key
        self.latest_anchor: Callable[[], Any] = lambda: None      # the newest head this console anchored
        self.on_audit: Callable[[str], None] = lambda action: None   # told each committed entry's action (metrics)

    @property
    def audit_key(self) -> bytes:
        """The audit chain's HMAC key; a hub opened without one may read but not audit."""
        if self._audit_key is None:
            raise RuntimeError("this hub was opened without the audit key: it cannot append to the audit log")
        return self._audit_key

    def audit(self, principal: Principal, action: str, target: str, at: datetime, province: str | None = None,
               **detail: Any) -> None:
        with self.writer.begin() as conn:
            auditlog.append(conn, self.audit_key, at=at, actor=principal.name, role=principal.role.value, action=action,
                            target=target, province=province, detail={"via": "token" if principal.via_token else "session",
                                                                      **detail})
        self.on_audit(action)

    def hub_clock(self) -> HubClock | None:
        """The worker's clock as the views last stored it (`streams.views.clock`): deadlines count from it."""
        with self.reader.connect() as conn:
            return read_clock(conn)

    # --- alerts -------------------------------------------------------------------------------
    def board(self, principal: Principal, *, at: datetime | None, limit: int = 500) -> list[dict[str, Any]]:
        _require(principal, Permission.ALERTS_READ)
        with self.reader.connect() as conn:
            found = open_alerts(conn, scope(principal), limit=limit)
        if at is not None:
            self.audit(principal, "alert.list", "alerts", at, found=len(found),
                        alerts=[a["alert_id"] for a in found][:200])
        return found

    def name_persons(self, principal: Principal, alerts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each alert about a person gets ``person`` (`present.alert_person`): whom it is about, as the
        case page names them, so that three alike alerts of one case tell their persons apart.
        Called on alerts the caller was already allowed to read (and whose reading is audited)."""
        cases = sorted({a["case_id"] for a in alerts if a.get("case_id") and is_person(a.get("subject"))})
        known: dict[str, dict[str, dict[str, Any]]] = {}
        if cases and may_see_names(principal):
            with self.reader.connect() as conn:
                known = persons_in_cases(conn, cases)
        for alert in alerts:
            if is_person(alert.get("subject")):
                found = known.get(alert.get("case_id") or "", {}).get(alert["subject"], {})
                alert["person"] = alert_person(principal, alert["subject"], found.get("names"))
        return alerts

    def alert(self, principal: Principal, alert_id: str, *, at: datetime | None) -> dict[str, Any] | None:
        """One alert in the caller's provinces (any state), None otherwise."""
        _require(principal, Permission.ALERTS_READ)
        a = T.alerts
        with self.reader.connect() as conn:
            row = conn.execute(sa.select(a).where(a.c.alert_id == alert_id,
                                                  in_provinces(a.c.province, codes(scope(principal))))).mappings().first()
        if at is not None:
            self.audit(principal, "alert.read" if row else "alert.read.refused", alert_id, at,
                        province=row["province"] if row else None, case_id=row["case_id"] if row else None)
        return dict(row) if row else None

    def audit_subscription(self, principal: Principal, at: datetime) -> None:
        """The live feed (SSE) was opened: every alert it will carry is a read of the caller's provinces."""
        _require(principal, Permission.ALERTS_READ)
        self.audit(principal, "alert.subscribe", "live", at,
                    provinces="all" if codes(scope(principal)) is None else sorted(principal.provinces))

    def record_alert_action(self, principal: Principal, alert: dict[str, Any], verb: str, note: str | None,
                            at: datetime, action_id: str) -> bool:
        """After the action is on the bus: the SQL acknowledgement (acknowledge only) and the audit entry."""
        _require(principal, Permission.ALERTS_ACT)
        done = True
        with self.writer.begin() as conn:
            if verb == "acknowledge":
                done = acknowledge_alert(conn, alert["alert_id"], scope(principal), by=principal.name, at=at, note=note)
            auditlog.append(conn, self.audit_key, at=at, actor=principal.name, role=principal.role.value,
                            action=f"alert.{verb}",
                            target=alert["alert_id"], province=alert["province"],
                            detail={"action_id": action_id, "note": note, "case_id": alert.get("case_id"),
                                    "via": "token" if principal.via_token else "session"})
        self.on_audit(f"alert.{verb}")
        return done

    # --- cases --------------------------------------------------------------------------------
    def case(self, principal: Principal, case_id: str, at: datetime) -> dict[str, Any] | None:
        _require(principal, Permission.CASES_READ)
        with self.reader.connect() as conn:
            detail = case_detail(conn, case_id, scope(principal))
            links = [link for link in possible_links(conn, scope(principal), limit=200)
                     if case_id in link["case_ids"]] if detail else []
        self.audit(principal, "case.read" if detail else "case.read.refused", case_id, at,
                    province=detail["lead_province"] if detail else None)
        if detail is not None:
            detail["possible_links"] = links
            if may_see_names(principal):
                with self.reader.connect() as conn:
                    known = persons_in_cases(conn, [case_id]).get(case_id, {})
                for person in detail["persons"]:
                    found = known.get(person["person_id"], {})
                    person["names"] = found.get("names", [])
                    person["identifiers"] = found.get("identifiers", [])
            self.name_persons(principal, detail["alerts"])
        return detail

    def cases(self, principal: Principal, filters: CaseFilters, *, limit: int, offset: int,
              at: datetime | None = None) -> tuple[list[dict[str, Any]], int]:
        """A search is audited too (which filters, how many found): who looked for what is part of
        "who read which case"."""
        _require(principal, Permission.CASES_READ)
        found, total = self._search(principal, filters, limit=limit, offset=offset)
        if at is not None:
            self.audit(principal, "case.search", "cases", at, province=filters.province, found=total,
                        filters={k: (v.isoformat() if isinstance(v, datetime) else v)
                                 for k, v in filters.__dict__.items() if v is not None})
        return found, total

    def _search(self, principal: Principal, filters: CaseFilters, *, limit: int,
                offset: int) -> tuple[list[dict[str, Any]], int]:
        provinces = scope(principal)
        if filters.province:
            visible = codes(provinces)
            if visible is not None and filters.province not in visible:
                return [], 0
            provinces = frozenset({filters.province})
        kwargs = dict(stage=filters.stage, agency=filters.agency, since=filters.since, until=filters.until,
                      number=filters.number)
        with self.reader.connect() as conn:
            return (search_cases(conn, provinces, limit=limit, offset=offset, **kwargs),
                    count_cases(conn, provinces, **kwargs))

    # --- persons for review -------------------------------------------------------------------
    def links(self, principal: Principal, *, at: datetime | None, limit: int, offset: int) -> list[dict[str, Any]]:
        """Possible links awaiting review whose every case is in the caller's provinces (`link`)."""
        _require(principal, Permission.LINKS_REVIEW)
        visible = codes(scope(principal))
        with self.reader.connect() as conn:
            found = [link for link in possible_links(conn, scope(principal), limit=limit, offset=offset)
                     if not _cases_outside(conn, visible, link)]
        if at is not None:
            self.audit(principal, "link.list", "persons-for-review", at, found=len(found),
                        links=[link["source_key"] for link in found][:200])
        return found

    def link(self, principal: Principal, source_key: str) -> dict[str, Any] | None:
        """One possible link awaiting review, with the caller's cases its event is in; None when
        there is no such link, or when any case its confirmation would merge (its event's, either
        person's) is outside the caller's provinces: the same answer, so it reveals nothing."""
        _require(principal, Permission.LINKS_REVIEW)
        pl, ev = T.person_links, T.case_events
        visible = codes(scope(principal))
        with self.reader.connect() as conn:
            row = conn.execute(sa.select(pl).where(pl.c.source_key == source_key, pl.c.decision == "Possible",
                                                   pl.c.reviewed_at.is_(None))).mappings().first()
            if row is None:
                return None
            case_ids = sorted(conn.execute(
                sa.select(ev.c.case_id).join(T.cases, T.cases.c.case_id == ev.c.case_id)
                .where(ev.c.event_id == row["source_event_id"], case_visible(visible))).scalars())
            if not case_ids or _cases_outside(conn, visible, row):
                return None
        return {**{k: v for k, v in row.items() if k != "record_digest"}, "case_ids": case_ids}

    def province_of_cases(self, principal: Principal, case_ids: list[str]) -> str:
        """The province an action on these cases is taken in: the lead province of the first case
        when the caller may act there, otherwise the first of its provinces that is theirs."""
        visible = codes(scope(principal))
        c, cp = T.cases.c, T.case_provinces.c
        with self.reader.connect() as conn:
            for case_id in case_ids:
                lead = conn.execute(sa.select(c.lead_province).where(c.case_id == case_id)).scalar()
                if lead and (visible is None or lead in visible):
                    return lead
                touched = conn.execute(sa.select(cp.province).where(cp.case_id == case_id)
                                       .order_by(cp.position)).scalars()
                for province in touched:
                    if visible is None or province in visible:
                        return province
        raise LookupError(f"none of the cases {case_ids} is in {principal.name}'s provinces")

    def record_link_review(self, principal: Principal, link: dict[str, Any], verb: str, province: str,
                           at: datetime, action_id: str) -> bool:
        _require(principal, Permission.LINKS_REVIEW)
        with self.writer.begin() as conn:
            done = review_link(conn, link["source_key"], scope(principal), by=principal.name, at=at,
                               verdict=LINK_ACTIONS[verb][1])
            auditlog.append(conn, self.audit_key, at=at, actor=principal.name, role=principal.role.value,
                            action=f"link.{verb}",
                            target=link["source_key"], province=province,
                            detail={"action_id": action_id, "person_id": link["person_id"],
                                    "candidate_id": link.get("candidate_id"), "case_ids": link["case_ids"]})
        self.on_audit(f"link.{verb}")
        return done

    # --- referrals ----------------------------------------------------------------------------
    def referrals(self, principal: Principal, *, at: datetime | None, limit: int, offset: int) -> list[dict[str, Any]]:
        _require(principal, Permission.REFERRALS_READ)
        with self.reader.connect() as conn:
            found = search_referrals(conn, scope(principal), to_agency=referral_agency(principal),
                                     limit=limit, offset=offset)
        if at is not None:
            self.audit(principal, "referral.list", "referrals", at, found=len(found),
                        referrals=[r["referral_id"] for r in found][:200])
        return found

    # --- audit --------------------------------------------------------------------------------
    def audit_page(self, principal: Principal, *, before: int | None, limit: int, actor: str | None = None,
                   target: str | None = None) -> list[auditlog.AuditEntry]:
        _require(principal, Permission.AUDIT_READ)
        with self.writer.connect() as conn:
            return auditlog.read_page(conn, before=before, limit=limit, actor=actor, target=target)

    def audit_verify(self, principal: Principal):
        _require(principal, Permission.AUDIT_READ)
        with self.writer.connect() as conn:
            return auditlog.verify(conn, self.audit_key, anchor=self.latest_anchor())
