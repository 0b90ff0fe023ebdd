"""Declared bad records: a small fraction of the feed that must dead-letter, and a few more whose
unreadable person attribute must be dropped while the record is kept (NATIVE.md, "Bad values").

Among them the dates agencies really get wrong, which the connectors must refuse rather than let
move the hub's clock: a B.E. year one off (2569 for 2568) and a record recorded before it occurred
(`implausible-time`), a C.E. year converted to C.E. again (2025 - 543 = 1482: no date the parser
accepts, `invalid-record`).

Bad records are about junk persons who appear nowhere else, so that losing them changes no case
and no alert. Every delivery channel gets its share: police and hotline posts, labour and social
files, immigration rows.
"""

from __future__ import annotations

from typing import Any, Callable

from simulator.render import Rendered, text
from simulator.story import Fact, Sim, Story, days, midnight

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


def _labour_year_typo(native: dict[str, Any], fact: Fact) -> None:
    """The complaint's date one B.E. year on (2569 for 2568): a year in the future."""
    day = native["วันที่ยื่นคำร้อง"]
    native["วันที่ยื่นคำร้อง"] = day[:-4] + str(int(day[-4:]) + 1)


def _recorded_before(native: dict[str, Any], fact: Fact) -> None:
    """The custody entered two days before it began (the occurred date typed wrong)."""
    native["recorded"] = text.moment(fact.at - days(2), "iso")


def _be_year_in_sql(native: dict[str, Any], fact: Fact) -> None:
    """An export script that takes 543 off a year already C.E. (B.E./C.E. confusion): 2025 becomes
    1482, centuries before the Act."""
    moment = text.moment(fact.at, "sql")
    native["crossed_at"] = str(int(moment[:4]) - 543) + moment[4:]


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
    "labour-year-typo": ("labour", "complaint", _labour_year_typo, "implausible-time",
                         "วันที่ยื่นคำร้อง a B.E. year on (2569 for 2568)"),
    "police-recorded-before": ("police", "custody_started", _recorded_before, "implausible-time",
                               "recorded two days before it occurred"),
    "immigration-be-year": ("immigration", "crossings", _be_year_in_sql, "invalid-record",
                            "crossed_at in 1482 (543 taken off a C.E. year)"),
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
        if agency == "police":
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
    if damage in _WITH_FACT:
        damage(rendered.native, fact)
    else:
        damage(rendered.native)
    return code, why


_WITH_FACT = (_labour_year_typo, _recorded_before, _be_year_in_sql)


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
        native["เลขประจำตัว"] = digits[:-1] + str((int(digits[-1]) + 1) % 10)   # 11-12 digits: Excel's
        return "เลขประจำตัว with a wrong check digit"
    return None
