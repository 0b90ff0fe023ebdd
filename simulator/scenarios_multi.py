"""Scenario scripts whose story spans agencies, provinces or weeks: rules 7 to 12, and the
identified victim who goes home as the law wants (no alert). The catalogue is `scenarios.KINDS`."""

from __future__ import annotations

from datetime import datetime

from simulator.flows import (INDICATORS, LANGUAGES, care, identify, nationality_for, rescue_at,
                                        suspect_person, victims)
from simulator.story import Story, days, hours, midnight

__all__ = ["hotline_then_exit", "hotspot", "identified_repatriated", "pipo_crew_mismatch", "repatriation_no_exit",
           "repeat_victim", "rights_missing", "suspect_two_provinces"]

W = "Warning"


def repeat_victim(st: Story, t0: datetime, provinces: list[str]) -> None:
    first, second = provinces[0], provinces[-1]
    person = victims(st, first, 1)[0]
    rescue, _, exploitation = rescue_at(st, t0, first, [person])
    flow = care(st, rescue, [person], exploitation=exploitation)[person.pid]
    left = st.shelter_out(flow.stay, flow.outcome.at + days(st.rng.uniform(8, 12)), "Reintegrated")
    case_b = st.new_case()
    st.case = case_b
    others = victims(st, second, st.rng.randint(0, 2), nationality=person.nationality)
    again, _, exploitation2 = rescue_at(st, left.at + days(st.rng.uniform(8, 15)), second, [person] + others)
    care(st, again, [person] + others, exploitation=exploitation2)
    st.expect(7, person, again, [(W, again.at)], "left a shelter, rescued again", related=(rescue.case,))


def hotspot(st: Story, t0: datetime, provinces: list[str]) -> None:
    p = provinces[0]
    employer = st.org("Employer", p, "1020")
    workers = victims(st, p, st.rng.randint(1, 3))
    suspect = suspect_person(st)
    labour_first = st.rng.random() < 0.6
    t_labour = t0 if labour_first else t0 + days(st.rng.uniform(10, 30))
    t_police = t0 + days(st.rng.uniform(10, 30)) if labour_first else t0
    day = midnight(t_labour)   # inspection exports carry the date only: 00:00 Bangkok that day
    listed = workers[:2] if labour_first else []   # identified persons must not reappear in an inspection (rule 7)
    inspection = st.labour("inspection", day, p, listed, [(employer, "employer")], date_only=True,
                           indicators=tuple(st.rng.sample(INDICATORS[:4], 2)), isic="1020")
    rescue = st.rescue(t_police, p, workers, (suspect,), [(employer, "employer")], exploitation=("forced_labour",),
                       atpd=True)
    care(st, rescue, workers, suspects=(suspect,), linked=(employer,))
    second = rescue if labour_first else inspection
    st.expect(8, employer, second, [(W, second.at)], "employer flagged by labour and police within 90 days")


def pipo_crew_mismatch(st: Story, t0: datetime, provinces: list[str]) -> None:
    p = provinces[0]
    vessel = st.org("Vessel", p)
    nationality = nationality_for(st, p)
    crew = [st.person(nationality, sex="M", kind="crew", registered=0.8, passport=0.5)
            for _ in range(st.rng.randint(5, 9))] + [st.person("THA", age=(35, 55), sex="M", kind="crew")]
    owner = st.sim.world.organisations[vessel.owner]
    vessel.voyages += 1
    voyage = f"{vessel.vessel_registration}-{vessel.voyages:03d}"
    st.labour("pipo_out", t0, p, crew, [(vessel, "vessel"), (owner, "owner")], role="crew", voyage=voyage)
    back = t0 + days(st.rng.uniform(6, 14))
    if st.rng.random() < 0.6:
        missing = crew[0]
        port_in = st.labour("pipo_in", back, p, crew[1:], [(vessel, "vessel"), (owner, "owner")], role="crew",
                            voyage=voyage)
        st.labour("pipo_finding", back + hours(2), p, [missing], [(vessel, "vessel")], role="crew", voyage=voyage,
                  mismatches=("ลูกเรือไม่ครบ",))
    else:
        port_in = st.labour("pipo_in", back, p, crew, [(vessel, "vessel"), (owner, "owner")], role="crew",
                            voyage=voyage, vms=f"VMS-TH-{st.rng.randrange(10 ** 6, 10 ** 7)}")
        st.labour("pipo_finding", back + hours(1), p, [], [(vessel, "vessel")], voyage=voyage,
                  mismatches=("VMS ไม่ตรง",))
    st.expect(9, vessel, port_in, [(W, port_in.at)], "port-in crew or VMS differs from port-out")


def hotline_then_exit(st: Story, t0: datetime, provinces: list[str]) -> None:
    p = provinces[0]
    (person,) = victims(st, p, 1, sex="F", migrant=True)
    caller = st.person(st.rng.choice(("THA", person.nationality)), kind="caller")
    named = st.rng.random() < 0.7           # or the caller knew only a first name or a nickname
    st.hotline(t0, p, caller if st.rng.random() < 0.7 else None, [person], urgent=st.rng.random() < 0.5, named=named)
    out = st.crossing(t0 + days(st.rng.uniform(2, 12)), p, person, "OUT")
    st.expect(10, person, out, [(W, out.at)], "hotline victim crossed out within 30 days", optional=not named)


def repatriation_no_exit(st: Story, t0: datetime, provinces: list[str]) -> None:
    p = provinces[0]
    (person,) = victims(st, p, 1, migrant=True)
    rescue, _, exploitation = rescue_at(st, t0, p, [person])
    flow = care(st, rescue, [person], exploitation=exploitation)[person.pid]
    approved = st.social("repatriation_approved", flow.outcome.at + days(st.rng.uniform(6, 9)), p, person,
                         destination=person.nationality)
    st.expect(10, person, approved, [(W, approved.at + days(30))], "repatriation approved, no exit in 30 days")


def rights_missing(st: Story, t0: datetime, provinces: list[str]) -> None:
    p = provinces[0]
    (person,) = victims(st, p, 1)
    if st.rng.random() < 0.5:
        rescue, _, exploitation = rescue_at(st, t0, p, [person])
        flow = care(st, rescue, [person], no_rights=(person,), exploitation=exploitation)[person.pid]
        late = st.social("rights_informed", flow.outcome.at + hours(40), p, person)
        st.expect(11, person, flow.outcome, [(W, flow.outcome.at + hours(24))], "identified, rights not informed",
                  resolves_at=late.at)
        return
    employer = st.org("Employer", p)
    st.labour("rorbor1", t0, p, [person], [(employer, "employer")], referred=True,
              indicators=tuple(st.rng.sample(INDICATORS, 2)), language=LANGUAGES[person.nationality])
    flow = identify(st, person, p, t0, delay=(2, 8), wait=(12, 24))
    st.expect(11, person, flow.outcome, [(W, flow.outcome.at + days(7))], "identified, no police case in 7 days")


def suspect_two_provinces(st: Story, t0: datetime, provinces: list[str]) -> None:
    suspect = suspect_person(st)
    first, second = provinces[0], provinces[1]
    people = victims(st, first, st.rng.randint(1, 2))
    rescue, place, exploitation = rescue_at(st, t0, first, people, (suspect,))
    care(st, rescue, people, suspects=(suspect,), linked=(place,), exploitation=exploitation)
    case_a = st.case
    st.case = st.new_case()
    others = victims(st, second, st.rng.randint(1, 2))
    t1 = t0 + days(st.rng.uniform(15, 35))
    rescue2, place2, exploitation2 = rescue_at(st, t1, second, others)
    care(st, rescue2, others, exploitation=exploitation2)
    named = st.suspect(t1 + hours(st.rng.uniform(10, 40)), second, suspect, [(place2, place2.kind.lower())],
                       arrested=True)
    st.expect(12, suspect, named, [(W, named.at)], "suspect named in cases of two provinces", related=(case_a,))


def identified_repatriated(st: Story, t0: datetime, provinces: list[str]) -> None:
    p = provinces[0]
    (person,) = victims(st, p, 1, migrant=True)
    rescue, _, exploitation = rescue_at(st, t0, p, [person])
    flow = care(st, rescue, [person], exploitation=exploitation)[person.pid]
    approved = st.social("repatriation_approved", flow.outcome.at + days(st.rng.uniform(8, 12)), p, person,
                         key=st.sim.new_key("repatriation"), destination=person.nationality)
    leaves = approved.at + days(st.rng.uniform(5, 12))
    st.shelter_out(flow.stay, leaves - hours(4), "Repatriated")
    st.crossing(leaves, p, person, "OUT")
    st.social("repatriation_completed", leaves + hours(1), p, person, key=approved.key, destination=person.nationality)
