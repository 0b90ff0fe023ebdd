"""Declared bad records: a small fraction of the feed that must dead-letter, and a few more whose
unreadable person attribute must be dropped while the record is kept (NATIVE.md, "Bad values").

Bad records are about junk persons who appear nowhere else, so that losing them changes no case
and no alert. Every delivery channel gets its share: police and hotline posts, labour and social
files, immigration rows.
"""

from __future__ import annotations

from typing import Any, Callable

from connectors.simulator.render import Rendered
from connectors.simulator.story import Fact, Sim, Story, days, hours, midnight

__all__ = ["VARIANTS", "add_bad_facts", "drop_attribute", "spoil"]


def _police_date(native: dict[str, Any]) -> None:
    native["occurred"] = "31/02/2568 22:30"


def _police_no_id(native: dict[str, Any]) -> None:
    del native["record_id"]


def _hotline_no_summary(native: dict[str, Any]) -> None:
    del native["summary"]


def _labour_date(native: dict[str, Any]) -> None:
    native["วันที่ยื่นคำร้อง"] = "31/02/2568"


def _labour_no_province(native: dict[str, Any]) -> None:
    native["จังหวัด"] = ""


def _social_kind(native: dict[str, Any]) -> None:
    native["record_type"] = "transfer_request"


def _shelter_no_date(native: dict[str, Any]) -> None:
    native["วันที่รับเข้า"] = "-"


def _cancelled(native: dict[str, Any]) -> None:
    native.update({"status": "CANCELLED", "executed_at": None, "checkpoint_province": None, "handed_over_to": None})


def _province_99(native: dict[str, Any]) -> None:
    native["province_code"] = "99"


# variant -> (agency, kind, spoil, dead-letter code, why)
VARIANTS: dict[str, tuple[str, str, Callable[[dict[str, Any]], None], str, str]] = {
    "police-date": ("police", "rescue", _police_date, "invalid-record", "occurred 31/02/2568 is not a date"),
    "police-no-id": ("police", "custody_started", _police_no_id, "invalid-record", "record_id missing"),
    "hotline-no-summary": ("social", "hotline", _hotline_no_summary, "invalid-record", "summary missing"),
    "labour-date": ("labour", "complaint", _labour_date, "invalid-record", "วันที่ยื่นคำร้อง 31/02/2568 is not a date"),
    "labour-no-province": ("labour", "inspection", _labour_no_province, "invalid-record", "จังหวัด blank"),
    "social-kind": ("social", "support_plan", _social_kind, "unknown-kind", "record_type transfer_request unknown"),
    "shelter-no-date": ("social", "shelter_intake", _shelter_no_date, "invalid-record", "วันที่รับเข้า blank"),
    "deportation-cancelled": ("immigration", "deportations", _cancelled, "no-event",
                              "a cancelled deportation has no event"),
    "province-99": ("immigration", "crossings", _province_99, "invalid-record", "province_code 99 is no province"),
}


def add_bad_facts(sim: Sim, count: int) -> None:
    """`count` bad facts (at least one of each variant), about junk persons, spread over the period."""
    st = Story(sim, None, "bad", None)
    rng = sim.rng
    period = (sim.end_at - sim.start_at).total_seconds() / 86400
    names = list(VARIANTS)
    for index in range(max(count, len(names))):
        variant = names[index % len(names)]
        agency, kind, _, _, _ = VARIANTS[variant]
        at = sim.start_at + days(rng.uniform(1, period - 1))
        p = rng.choice(sim.provinces)
        person = st.person(rng.choice(("MMR", "KHM", "LAO")), kind="junk")
        if variant == "deportation-cancelled":
            detained = st.detention(at, p, person, "overstay")
            fact = st.deportation(detained, at + hours(20), "CANCELLED")
        elif agency == "police":
            fact = st.rescue(at, p, [person]) if kind == "rescue" else st.custody(at, p, person)
        elif kind == "hotline":
            fact = st.hotline(at, p, None, [person])
        elif kind in ("complaint", "inspection"):
            employer = st.org("Employer", p)
            fact = st.labour(kind, midnight(at), p, [person] if kind == "complaint" else [], [(employer, "employer")])
        elif kind == "shelter_intake":
            fact = st.shelter_in(at, p, person, shelter_kind="LongTerm")
        elif kind == "crossings":
            fact = st.crossing(at, p, person, "IN")
        else:
            fact = st.social(kind, at, p, person)
        fact.bad = variant


def spoil(fact: Fact, rendered: Rendered) -> tuple[str, str]:
    """Make the rendered record of a bad fact bad; (dead-letter code, why)."""
    _, _, damage, code, why = VARIANTS[fact.bad]
    damage(rendered.native)
    return code, why


def drop_attribute(rendered: Rendered) -> str | None:
    """Spoil one person attribute the mapping must drop (the record is kept); what was spoilt."""
    native = rendered.native
    if rendered.channel == "immigration-sql" and native.get("birth_date"):
        native["birth_date"] = "1990-02-31"
        return "birth_date 1990-02-31"
    if "วันเกิด" in native:
        native["วันเกิด"], native["อายุ"] = "31/02/2540", ""
        return "วันเกิด 31/02/2540"
    if "เลขประจำตัว" in native and native["เลขประจำตัว"]:
        digits = native["เลขประจำตัว"].replace("-", "")
        native["เลขประจำตัว"] = digits[:12] + str((int(digits[12]) + 1) % 10)
        return "เลขประจำตัว with a wrong check digit"
    return None
