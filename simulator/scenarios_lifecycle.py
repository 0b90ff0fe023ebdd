"""Scenario scripts of the whole case lifecycle (issue 12): custody handed over, custody then an
IDC, a shelter transfer, absconding, a victim charged, a vessel that does not come back, a
repatriation carried out through an IDC. Each declares the alerts the readings of `rules.py` give,
or none. The catalogue is `scenarios.KINDS`."""

from __future__ import annotations

from datetime import datetime

from simulator.flows import care, identify, rescue_at, victims
from simulator.story import Story, days, hours

__all__ = ["custody_handed_to_shelter", "custody_then_idc", "nrm_transfer", "absconded", "charged_victim",
           "vessel_overdue", "repatriated_through_idc"]

W, C = "Warning", "Critical"


def custody_handed_to_shelter(st: Story, t0: datetime, provinces: list[str]) -> None:
    """Custody ends 4-8 h in with a hand-over to a shelter, screening days later: the s.29 clock
    stopped at the hand-over (no rule 1), the reflection period runs in the shelter (no rule 2)."""
    p = provinces[0]
    (person,) = victims(st, p, 1)
    held = st.custody(t0, p, person)
    ended = st.custody_ended(held, t0 + hours(st.rng.uniform(4, 8)), "handed_to_shelter")
    stay = st.shelter_in(ended.at + hours(1), p, person)
    identify(st, person, p, stay.at, outcome="possible", delay=(12, 30), wait=(24, 48))


def custody_then_idc(st: Story, t0: datetime, provinces: list[str]) -> None:
    """Custody handed to immigration before any screening, then an IDC and a deportation: a
    potential victim detained (rule 5), though the s.29 clock stopped at the hand-over."""
    p = provinces[0]
    (person,) = victims(st, p, 1, migrant=True)
    held = st.custody(t0, p, person)
    st.custody_ended(held, t0 + hours(st.rng.uniform(6, 12)), "handed_to_immigration")
    detained = st.detention(t0 + hours(14), p, person, "illegal entry")
    st.deportation(detained, t0 + days(2), "SCHEDULED", when=t0 + days(5))
    st.deportation(detained, t0 + days(5), "EXECUTED")
    st.expect(5, person, detained, [(C, detained.at)], "held in custody, then detained before any screening")


def nrm_transfer(st: Story, t0: datetime, provinces: list[str]) -> None:
    """Rescued, sheltered, transferred to another shelter on day 9-11, screened on day 16: the
    reflection clock runs from the first intake (rule 2 Warning day 12, Critical day 15)."""
    p = provinces[0]
    (person,) = victims(st, p, 1)
    rescue_at(st, t0, p, [person])
    stay = st.shelter_in(t0 + hours(st.rng.uniform(2, 8)), p, person)
    moved = st.shelter_out(stay, stay.at + days(st.rng.uniform(9, 11)), "Transferred")
    st.shelter_in(moved.at + hours(3), p, person, shelter_kind=st.rng.choice(("Temporary", "Private")))
    scheduled = st.mdt_scheduled(stay.at + days(13), p, person, stay.at + days(16))
    done = st.mdt_completed(scheduled, stay.at + days(16) + hours(1), "possible")
    st.social("support_plan", done.at + hours(4), p, person)
    st.expect(2, person, stay, [(W, stay.at + days(12)), (C, stay.at + days(15))],
              "no screening 12 / 15 days after the first intake, a transfer in between", resolves_at=done.at)


def absconded(st: Story, t0: datetime, provinces: list[str]) -> None:
    """Rescued, sheltered, absconds on day 3-6 before any screening and is not found: rule 14 at
    the exit, and the reflection clock goes on (rule 2)."""
    p = provinces[0]
    (person,) = victims(st, p, 1)
    rescue_at(st, t0, p, [person])
    stay = st.shelter_in(t0 + hours(st.rng.uniform(2, 8)), p, person)
    gone = st.shelter_out(stay, stay.at + days(st.rng.uniform(3, 6)), "Absconded")
    st.expect(14, person, gone, [(W, gone.at)], "absconded before screening")
    st.expect(2, person, stay, [(W, stay.at + days(12)), (C, stay.at + days(15))],
              "never screened after the shelter intake")


def charged_victim(st: Story, t0: datetime, provinces: list[str]) -> None:
    """A possible victim charged (arrested for illegal entry) after screening: rule 13."""
    p = provinces[0]
    (person,) = victims(st, p, 1, migrant=True)
    rescue, _, exploitation = rescue_at(st, t0, p, [person])
    flow = care(st, rescue, [person], outcome="possible", exploitation=exploitation)[person.pid]
    charged = st.suspect(flow.outcome.at + days(st.rng.uniform(1, 3)), p, person, arrested=True)
    st.expect(13, person, charged, [(C, charged.at)], "a possible victim named as suspect")


def vessel_overdue(st: Story, t0: datetime, provinces: list[str]) -> None:
    """A vessel declares an 6-9 day trip and does not come back: rule 9 Warning at the declared
    return, Critical at twice the trip."""
    p = provinces[0]
    vessel = st.org("Vessel", p)
    owner = st.sim.world.organisations[vessel.owner]
    crew = [st.person(st.rng.choice(("MMR", "KHM")), sex="M", kind="crew", registered=0.8, passport=0.5)
            for _ in range(st.rng.randint(4, 8))]
    vessel.voyages += 1
    trip = days(st.rng.uniform(6, 9))
    out = st.labour("pipo_out", t0, p, crew, [(vessel, "vessel"), (owner, "owner")], role="crew",
                    voyage=f"{vessel.vessel_registration}-{vessel.voyages:03d}", back=t0 + trip)
    st.expect(9, vessel, out, [(W, t0 + trip), (C, t0 + 2 * trip)], "not back in port by the declared return")


def repatriated_through_idc(st: Story, t0: datetime, provinces: list[str]) -> None:
    """An identified victim whose approved repatriation goes through an IDC and a deportation to
    their country: the way home, no alert."""
    p = provinces[0]
    (person,) = victims(st, p, 1, migrant=True)
    rescue, _, exploitation = rescue_at(st, t0, p, [person])
    flow = care(st, rescue, [person], exploitation=exploitation)[person.pid]
    approved = st.social("repatriation_approved", flow.outcome.at + days(st.rng.uniform(6, 9)), p, person,
                         key=st.sim.new_key("repatriation"), destination=person.nationality)
    st.shelter_out(flow.stay, approved.at + days(2), "Repatriated")
    detained = st.detention(approved.at + days(2) + hours(2), p, person, "repatriation")
    st.deportation(detained, approved.at + days(3), "SCHEDULED", when=approved.at + days(6))
    st.deportation(detained, approved.at + days(6), "EXECUTED")
