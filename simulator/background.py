"""Benign background traffic: what agencies record every day that must raise no alert.

Migrant workers cross in and out, change employers, file complaints, and now and then overstay
and are detained and deported; Thai travellers cross; labour officers inspect (mostly without
finding indicators) and PIPO centres log voyages whose crew comes back as it left; TICAC tips
arrive; hotline callers report things that lead nowhere; long-term shelter residents (identified
before the feed starts) leave. Background persons and organisations never meet a scenario's, no
background person is under 20 by any reading, no background organisation is named by the police,
and no person named as a victim in a background hotline report appears again: so none of the
rules has anything to fire on (see `rules.py`) - but for one thing the agencies really do: a worker
whose complaint showed trafficking indicators is now and then detained and deported for overstay,
which is rule 5 (an open screening), declared as such in its own case.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from simulator import places
from simulator.flows import INDICATORS
from simulator.story import Sim, Story, days, hours, midnight

__all__ = ["background"]

_WEIGHTS = {"MMR": 5, "KHM": 3, "LAO": 2}


def background(sim: Sim, persons: int) -> None:
    """About `persons` background persons' worth of records, spread over the whole period."""
    st = Story(sim, None, "background", None)
    rng, provinces = sim.rng, list(sim.provinces)
    period = (sim.end_at - sim.start_at).total_seconds() / 86400

    def when(lo: float = 0.0, hi: float | None = None) -> datetime:
        return sim.start_at + days(rng.uniform(lo, hi if hi is not None else period - 0.5))

    employers = {p: [st.org("Employer", p) for _ in range(3)] for p in provinces}
    for _ in range(persons):
        p = rng.choice(provinces)
        if rng.random() < 0.25:
            _traveller(st, p, when)
        else:
            _worker(st, p, when, employers, period)
    for _ in range(max(1, persons // 8)):      # inspections: most find nothing
        p = rng.choice(provinces)
        found = rng.random() < 0.25
        st.labour("inspection", midnight(when(1)), p, [], [(rng.choice(employers[p]), "employer")],
                  indicators=tuple(rng.sample(INDICATORS, 2)) if found else ())
    coastal = [p for p in provinces if places.coastal(p)] or provinces
    for _ in range(max(1, persons // 40)):     # voyages that come back as they left
        _voyage(st, rng.choice(coastal), when(0, period - 16))
    for _ in range(max(1, int(period // 4))):
        st.add("police", "ticac_tip", when(), "TH-10", case=None)
    for _ in range(max(1, int(period // 3))):
        p = rng.choice(provinces)
        caller = st.person("THA", kind="caller") if rng.random() < 0.8 else None
        named = [st.person(rng.choice(("MMR", "KHM", "LAO")), kind="hotline")] if rng.random() < 0.4 else []
        st.hotline(when(), p, caller, named, urgent=False)
    for _ in range(max(1, persons // 30)):     # long-term residents, identified before the feed began
        p = rng.choice(provinces)
        resident = st.person(rng.choice(("MMR", "KHM", "LAO", "THA")), kind="resident")
        stay = st.shelter_in(when(0, period / 2), p, resident, shelter_kind="LongTerm")
        st.social("support_plan", stay.at + days(rng.uniform(1, 5)), p, resident, case=None)
        leaves = stay.at + days(rng.uniform(10, 40))
        if leaves < sim.end_at - timedelta(days=1):
            st.shelter_out(stay, leaves, "Reintegrated")


def _nationality(st: Story) -> str:
    return st.rng.choices(list(_WEIGHTS), list(_WEIGHTS.values()))[0]


def _traveller(st: Story, p: str, when) -> None:
    thai = st.rng.random() < 0.6
    person = st.person("THA" if thai else _nationality(st), kind="traveller", age=(22, 65), passport=0.6)
    out = when(0, None)
    st.crossing(out, p, person, "OUT")
    back = out + days(st.rng.uniform(1, 12))
    if back < st.sim.end_at:
        st.crossing(back, p, person, "IN")


def _worker(st: Story, p: str, when, employers, period: float) -> None:
    rng = st.rng
    person = st.person(_nationality(st), kind="worker", age=(22, 50), registered=0.7)
    t = when(0, period * 0.6)
    if rng.random() < 0.4:
        st.crossing(t, p, person, "IN")
    t += days(rng.uniform(1, 10))
    if rng.random() < 0.25 and t < st.sim.end_at:
        before, after = rng.sample(employers[p], 2)
        st.labour("employer_change", midnight(t), p, [person], [(before, "previous"), (after, "new")])
        t += days(1)
    complaint = None
    if rng.random() < 0.15 and t < st.sim.end_at:
        complaint = st.labour("complaint", midnight(t), p, [person], [(rng.choice(employers[p]), "employer")],
                              indicators=tuple(rng.sample(INDICATORS, rng.randint(0, 2))))
        t += days(1)
    if rng.random() < 0.06 and t + days(7) < st.sim.end_at:
        flagged = complaint is not None and complaint.data.get("indicators")
        if flagged:   # a complaint with indicators opened a screening: detaining the worker is rule 5
            st.case = complaint.case = st.sim.new_case("background", "complaint_then_detained")
        detained = st.detention(t + hours(rng.uniform(1, 48)), p, person, "overstay")
        st.deportation(detained, detained.at + days(2), "SCHEDULED", when=detained.at + days(5))
        st.deportation(detained, detained.at + days(5), "EXECUTED")
        if flagged:
            st.expect(5, person, detained, [("Critical", detained.at)],
                      "detained after a complaint with indicators (an open screening)")
            st.case = None
    elif rng.random() < 0.3 and (person.passport or person.border_pass or rng.random() < 0.5):
        out = t + days(rng.uniform(1, 20))
        if out < st.sim.end_at:
            st.crossing(out, p, person, "OUT")


def _voyage(st: Story, p: str, t0: datetime) -> None:
    rng = st.rng
    vessel = st.org("Vessel", p)
    owner = st.sim.world.organisations[vessel.owner]
    crew = [st.person(_nationality(st), sex="M", kind="crew", registered=0.8, passport=0.5)
            for _ in range(rng.randint(4, 10))]
    vessel.voyages += 1
    voyage = f"{vessel.vessel_registration}-{vessel.voyages:03d}"
    orgs = [(vessel, "vessel"), (owner, "owner")]
    st.labour("pipo_out", t0, p, crew, orgs, role="crew", voyage=voyage, back=t0 + days(16))   # back in time
    st.labour("pipo_in", t0 + days(rng.uniform(5, 15)), p, crew, orgs, role="crew", voyage=voyage)
